/**
 * Configuration, parsed once from the environment into a frozen, typed object. Every invalid
 * variable is reported at once. README's configuration table lists the same variables.
 */

import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isValidKeyName } from './domain/log/note-encoding.ts';
import { parseWitnessList, type WitnessEndpoint } from './domain/log/witness-list.ts';
import { CredenceError, type ProblemDetail } from './errors.ts';

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Config {
  readonly port: number;
  readonly host: string;
  /**
   * The listen socket's backlog: connections the kernel has accepted that wait for the server to take them. Node's
   * 511 is smaller than a burst of a thousand clients connecting at once; each connection refused so waits for its
   * SYN to be sent again (1 s, then 3 s, then 7 s). The kernel caps it at net.core.somaxconn.
   */
  readonly listenBacklog: number;
  /** Empty when Credence runs its own embedded PostgreSQL under `dataDir`. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly policyDir: string;
  /** A candidate policy folder the operator console simulates before it is activated; null: none. */
  readonly policyCandidateDir: string | null;
  readonly logLevel: string;
  readonly dbPoolSize: number;
  readonly bodyLimitBytes: number;
  readonly ledgerPollMs: number;
  readonly shutdownTimeoutMs: number;
  readonly inquirySynchronousCommit: boolean;
  /** Where notices are POSTed; null: no delivery, notices stay pending and visible. */
  readonly noticeWebhook: string | null;
  /** The HMAC-SHA256 key signing each delivery; required when `noticeWebhook` is set. */
  readonly noticeWebhookSecret: string | null;
  /** How often the scheduler runs expiry, re-evaluation, deadlines and delivery. */
  readonly jobsIntervalMs: number;
  /** The address browsers reach Credence at (OpenID Connect redirects); null: http://localhost:PORT. */
  readonly publicUrl: string | null;
  /** The OpenID Connect issuer subjects sign in with at /portal; null: no OIDC sign-in. */
  readonly oidcIssuer: string | null;
  readonly oidcClientId: string | null;
  readonly oidcClientSecret: string | null;
  readonly oidcScope: string;
  /** The claim that carries the subject's identifier, and the identifier scheme it is in. */
  readonly oidcIdentifierClaim: string;
  readonly oidcIdentifierScheme: string;
  /** Demo mode: a development sign-in at /portal takes any identifier, with no proof. Never in production. */
  readonly demoMode: boolean;
  /**
   * The transparency log's origin (c2sp.org/tlog-checkpoint), the first line of every checkpoint and the name of
   * the log's signing key. Default: the host of `publicUrl` followed by `/ledger` (`localhost:PORT/ledger`).
   */
  readonly logOrigin: string;
  /** The log's signer key file; null: `<dataDir>/log/signing.key`, created on first use. */
  readonly logKeyFile: string | null;
  /** The witnesses each new checkpoint is submitted to (c2sp.org/tlog-witness); empty: none. */
  readonly logWitnesses: readonly WitnessEndpoint[];
  /** How many witnesses must cosign a checkpoint before it is published: 0 to their number (default: all). */
  readonly logWitnessQuorum: number;
  /** Which proxies in front of Credence are trusted to name the client's address (X-Forwarded-For). */
  readonly trustProxy: TrustProxy;
  /** The IANA time zone dates and times are shown in, on pages and in notices (default Asia/Shanghai). */
  readonly timeZone: string;
}

interface VariableSpec {
  readonly name: string;
  readonly fallback: string;
  readonly parse: (raw: string) => unknown;
  /** The default as `--help` shows it, when it is derived rather than a fixed value. */
  readonly help?: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`must be a whole number from ${min} to ${max}`);
    return value;
  };
}

function oneOf(values: readonly string[]) {
  return (raw: string): string => {
    if (!values.includes(raw)) throw new Error(`must be one of ${values.join(', ')}`);
    return raw;
  };
}

function onOff(raw: string): boolean {
  if (raw !== 'on' && raw !== 'off') throw new Error('must be on or off');
  return raw === 'on';
}

function httpUrl(raw: string): string | null {
  if (raw === '') return null;
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('must be an http:// or https:// URL');
  return raw;
}

function secret(raw: string): string | null {
  if (raw === '') return null;
  if (raw.length < 16) throw new Error('must be at least 16 characters');
  return raw;
}

function scope(raw: string): string {
  if (!raw.split(/\s+/).includes('openid')) throw new Error('must include openid');
  return raw;
}

function claimName(raw: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(raw)) throw new Error('must be a claim name (letters, digits, _ . : -)');
  return raw;
}

function keyName(raw: string): string | null {
  if (raw === '') return null;
  if (!isValidKeyName(raw)) throw new Error('must be a signed-note key name (no spaces, plus signs or controls)');
  return raw;
}

/** An IANA time zone Intl knows (`Asia/Shanghai`, `UTC`), in its canonical spelling. */
function timeZone(raw: string): string {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: raw }).resolvedOptions().timeZone;
  } catch {
    throw new Error('must be an IANA time zone, such as Asia/Shanghai or UTC');
  }
}

/** Fastify's `trustProxy`: no proxy, every proxy, the number of hops to trust, or the proxies' addresses. */
export type TrustProxy = boolean | number | readonly string[];

/** An IPv4 or IPv6 address, optionally with a CIDR prefix length (`10.0.0.0/8`, `::1`, `fd00::/8`). */
function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/** `false` (default), `true`, a hop count, or a comma list of addresses and CIDRs, as Fastify's trustProxy takes. */
function trustProxy(raw: string): TrustProxy {
  if (raw === 'false' || raw === 'true') return raw === 'true';
  if (/^\d+$/.test(raw)) return integer(1, 100)(raw);
  const entries = raw.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !isAddressOrCidr(entry));
  if (bad.length > 0)
    throw new Error(
      `must be true, false, a hop count or a comma list of IP addresses and CIDRs (not ${bad.join(', ')})`,
    );
  return entries;
}

function postgresUrl(raw: string): string | null {
  if (raw === '') return null;
  const url = new URL(raw);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error('must be a postgres:// URL');
  return raw;
}

const SPECS: Record<keyof Config, VariableSpec> = {
  port: { name: 'PORT', fallback: '8080', parse: integer(0, 65535) },
  host: { name: 'HOST', fallback: '127.0.0.1', parse: (raw) => raw },
  listenBacklog: { name: 'CREDENCE_LISTEN_BACKLOG', fallback: '4096', parse: integer(1, 65535) },
  databaseUrl: { name: 'DATABASE_URL', fallback: '', help: '(none: embedded PostgreSQL)', parse: postgresUrl },
  dataDir: { name: 'CREDENCE_DATA_DIR', fallback: 'data', parse: (raw) => path.resolve(raw) },
  policyDir: {
    name: 'CREDENCE_POLICY_DIR',
    fallback: path.join(PACKAGE_ROOT, 'policies/default'),
    parse: (raw) => path.resolve(raw),
  },
  policyCandidateDir: {
    name: 'CREDENCE_POLICY_CANDIDATE_DIR',
    fallback: '',
    help: '(none: no simulation in the operator console)',
    parse: (raw) => (raw === '' ? null : path.resolve(raw)),
  },
  logLevel: { name: 'LOG_LEVEL', fallback: 'info', parse: oneOf(LOG_LEVELS) },
  dbPoolSize: { name: 'CREDENCE_DB_POOL_SIZE', fallback: '10', parse: integer(2, 200) },
  bodyLimitBytes: {
    name: 'CREDENCE_BODY_LIMIT_BYTES',
    fallback: String(32 * 1024 * 1024),
    parse: integer(1024, 1024 ** 3),
  },
  ledgerPollMs: { name: 'CREDENCE_LEDGER_POLL_MS', fallback: '500', parse: integer(10, 60_000) },
  shutdownTimeoutMs: { name: 'CREDENCE_SHUTDOWN_TIMEOUT_MS', fallback: '10000', parse: integer(0, 600_000) },
  inquirySynchronousCommit: { name: 'CREDENCE_INQUIRY_SYNCHRONOUS_COMMIT', fallback: 'on', parse: onOff },
  noticeWebhook: { name: 'CREDENCE_NOTICE_WEBHOOK', fallback: '', parse: httpUrl },
  noticeWebhookSecret: { name: 'CREDENCE_NOTICE_WEBHOOK_SECRET', fallback: '', parse: secret },
  jobsIntervalMs: { name: 'CREDENCE_JOBS_INTERVAL_MS', fallback: '60000', parse: integer(100, 86_400_000) },
  publicUrl: { name: 'CREDENCE_PUBLIC_URL', fallback: '', parse: httpUrl },
  oidcIssuer: { name: 'CREDENCE_OIDC_ISSUER', fallback: '', parse: httpUrl },
  oidcClientId: { name: 'CREDENCE_OIDC_CLIENT_ID', fallback: '', parse: (raw) => raw || null },
  oidcClientSecret: { name: 'CREDENCE_OIDC_CLIENT_SECRET', fallback: '', parse: (raw) => raw || null },
  oidcScope: { name: 'CREDENCE_OIDC_SCOPE', fallback: 'openid', parse: scope },
  oidcIdentifierClaim: { name: 'CREDENCE_OIDC_IDENTIFIER_CLAIM', fallback: 'national_id', parse: claimName },
  oidcIdentifierScheme: { name: 'CREDENCE_OIDC_IDENTIFIER_SCHEME', fallback: 'cn-rid', parse: (raw) => raw },
  demoMode: { name: 'CREDENCE_DEMO_MODE', fallback: 'off', parse: onOff },
  logOrigin: {
    name: 'CREDENCE_LOG_ORIGIN',
    fallback: '',
    parse: keyName,
    help: 'HOST of CREDENCE_PUBLIC_URL + /ledger',
  },
  logKeyFile: {
    name: 'CREDENCE_LOG_KEY_FILE',
    fallback: '',
    parse: (raw) => (raw === '' ? null : path.resolve(raw)),
    help: 'DATA_DIR/log/signing.key (created on first use)',
  },
  logWitnesses: {
    name: 'CREDENCE_LOG_WITNESSES',
    fallback: '',
    parse: parseWitnessList,
    help: 'none (comma-separated "URL VKEY" pairs)',
  },
  logWitnessQuorum: {
    name: 'CREDENCE_LOG_WITNESS_QUORUM',
    fallback: '',
    parse: (raw) => (raw === '' ? null : integer(0, 1000)(raw)),
    help: 'all of CREDENCE_LOG_WITNESSES',
  },
  trustProxy: { name: 'CREDENCE_TRUST_PROXY', fallback: 'false', parse: trustProxy },
  timeZone: { name: 'CREDENCE_TIME_ZONE', fallback: 'Asia/Shanghai', parse: timeZone },
};

/** The variables Credence reads, with their defaults, for `--help` and the README. */
export const CONFIG_VARIABLES = Object.values(SPECS).map(({ name, fallback, help }) => ({
  name,
  fallback: help ?? fallback,
}));

/**
 * The log's origin when CREDENCE_LOG_ORIGIN is not set: the host of the public URL followed by `/ledger`, or
 * `localhost:PORT/ledger`, as the OIDC redirect's base URL defaults to `http://localhost:PORT`.
 */
function defaultLogOrigin(publicUrl: string | null, port: number): string {
  return `${publicUrl === null ? `localhost:${port}` : new URL(publicUrl).host}/ledger`;
}

/** Defaults the quorum to every witness, and refuses one above their number (it could never be met). */
function checkWitnessQuorum(values: Record<string, unknown>, problems: ProblemDetail[]): void {
  if (problems.some((p) => p.path === 'CREDENCE_LOG_WITNESSES' || p.path === 'CREDENCE_LOG_WITNESS_QUORUM')) return;
  const count = (values.logWitnesses as readonly WitnessEndpoint[]).length;
  values.logWitnessQuorum ??= count;
  if ((values.logWitnessQuorum as number) > count)
    problems.push({
      code: 'CRD_CONFIG_INVALID',
      path: 'CREDENCE_LOG_WITNESS_QUORUM',
      message: `CREDENCE_LOG_WITNESS_QUORUM=${values.logWitnessQuorum} is more than the ${count} witnesses configured`,
    });
}

/** Parses the environment; throws `CRD_CONFIG_INVALID` naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: Partial<Config> = {}): Config {
  const problems: ProblemDetail[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(SPECS)) {
    const raw = env[spec.name]?.trim() || spec.fallback;
    try {
      values[key] = spec.parse(raw);
    } catch (error) {
      problems.push({
        code: 'CRD_CONFIG_INVALID',
        path: spec.name,
        message: `${spec.name}=${JSON.stringify(raw)} ${(error as Error).message}`,
      });
    }
  }
  // An unsigned webhook would let anyone who can reach the receiver forge notices.
  if (values.noticeWebhook != null && values.noticeWebhookSecret === null) {
    problems.push({
      code: 'CRD_CONFIG_INVALID',
      path: 'CREDENCE_NOTICE_WEBHOOK_SECRET',
      message: 'CREDENCE_NOTICE_WEBHOOK_SECRET is required when CREDENCE_NOTICE_WEBHOOK is set',
    });
  }
  // A relying party without credentials cannot redeem an authorization code.
  if (values.oidcIssuer != null) {
    for (const [key, name] of [
      ['oidcClientId', 'CREDENCE_OIDC_CLIENT_ID'],
      ['oidcClientSecret', 'CREDENCE_OIDC_CLIENT_SECRET'],
    ] as const) {
      if (values[key] === null)
        problems.push({
          code: 'CRD_CONFIG_INVALID',
          path: name,
          message: `${name} is required when CREDENCE_OIDC_ISSUER is set`,
        });
    }
  }
  // Derived once PORT and CREDENCE_PUBLIC_URL are known good; a host a key name cannot carry must be replaced.
  if (values.logOrigin === null && problems.every((p) => p.path !== 'PORT' && p.path !== 'CREDENCE_PUBLIC_URL')) {
    values.logOrigin = defaultLogOrigin(values.publicUrl as string | null, values.port as number);
    if (!isValidKeyName(values.logOrigin as string))
      problems.push({
        code: 'CRD_CONFIG_INVALID',
        path: 'CREDENCE_LOG_ORIGIN',
        message: `CREDENCE_LOG_ORIGIN must be set: the default ${JSON.stringify(values.logOrigin)} is not a key name`,
      });
  }
  checkWitnessQuorum(values, problems);
  if (problems.length > 0) {
    throw new CredenceError(
      'CRD_CONFIG_INVALID',
      `Invalid configuration: ${problems.map((p) => p.message).join('; ')}`,
      problems,
    );
  }
  return Object.freeze({ ...(values as unknown as Config), ...overrides });
}
