/**
 * The catalogue of coded errors. Every error a person can meet has a stable code, an HTTP
 * status and a CLI exit code, mapped here once. Domain and service code throws `CredenceError`;
 * the HTTP error handler and the CLI translate it, never the other way round.
 */

export interface ErrorSpec {
  readonly status: number;
  readonly exit: number;
}

const EXIT_USAGE = 2;
const EXIT_INPUT = 65; // EX_DATAERR
const EXIT_NOPERM = 77; // EX_NOPERM
const EXIT_CONFIG = 78; // EX_CONFIG
const EXIT_UNAVAILABLE = 69; // EX_UNAVAILABLE
const EXIT_SOFTWARE = 70; // EX_SOFTWARE
const EXIT_IOERR = 74; // EX_IOERR

export const ERROR_CODES = {
  // Input
  CRD_VALIDATION: { status: 400, exit: EXIT_INPUT },
  CRD_MALFORMED_JSON: { status: 400, exit: EXIT_INPUT },
  CRD_UNSUPPORTED_MEDIA_TYPE: { status: 415, exit: EXIT_INPUT },
  CRD_PAYLOAD_TOO_LARGE: { status: 413, exit: EXIT_INPUT },
  CRD_TOO_MANY_ITEMS: { status: 413, exit: EXIT_INPUT },
  // HTTP requests the server cannot take as sent (RFC 9110 § 15.5): a URL that is not valid percent-encoded UTF-8
  // or holds a raw byte, unparseable HTTP, a URL or header section over the limit, a request that never finished.
  CRD_MALFORMED_URL: { status: 400, exit: EXIT_INPUT },
  CRD_MALFORMED_REQUEST: { status: 400, exit: EXIT_INPUT },
  CRD_URL_TOO_LONG: { status: 414, exit: EXIT_INPUT },
  CRD_HEADERS_TOO_LARGE: { status: 431, exit: EXIT_INPUT },
  CRD_REQUEST_TIMEOUT: { status: 408, exit: EXIT_INPUT },
  CRD_INVALID_IDENTIFIER: { status: 400, exit: EXIT_INPUT },
  CRD_UNKNOWN_SCHEME: { status: 400, exit: EXIT_INPUT },
  CRD_UNKNOWN_RECORD_TYPE: { status: 400, exit: EXIT_INPUT },
  CRD_UNKNOWN_ACTION: { status: 400, exit: EXIT_INPUT },
  CRD_UNKNOWN_PURPOSE: { status: 400, exit: EXIT_INPUT },
  CRD_UNKNOWN_AGENCY_KIND: { status: 400, exit: EXIT_INPUT },
  CRD_INVALID_ATTRIBUTE: { status: 400, exit: EXIT_INPUT },
  CRD_INVALID_DATE: { status: 400, exit: EXIT_INPUT },
  CRD_SUBJECT_KIND_MISMATCH: { status: 400, exit: EXIT_INPUT },
  // Fa Shi [2017] 7 art. 4: a record that would place a minor on a sanction list is refused (well formed, unlawful).
  CRD_SUBJECT_MINOR: { status: 422, exit: EXIT_INPUT },
  // Fa Shi [2017] 7 art. 2: an extension must name a listing in force of the same subject, filed by the same court.
  CRD_EXTENSION_INVALID: { status: 422, exit: EXIT_INPUT },
  CRD_SOURCE_REF_CONFLICT: { status: 409, exit: EXIT_INPUT },
  CRD_IMPORT_FILE: { status: 400, exit: EXIT_INPUT },
  CRD_POLICY_INVALID: { status: 400, exit: EXIT_CONFIG },
  // One policy activation is open at a time: another must complete before the next is scheduled.
  CRD_ACTIVATION_IN_PROGRESS: { status: 409, exit: EXIT_INPUT },
  // A record type only a policy scheduled to start later knows: filed once its activation has started.
  CRD_RECORD_TYPE_NOT_YET_IN_FORCE: { status: 409, exit: EXIT_INPUT },
  CRD_CONFIG_INVALID: { status: 500, exit: EXIT_CONFIG },
  // The log's stored signing key is named for another origin: a log cannot silently change its identity.
  CRD_LOG_KEY_MISMATCH: { status: 500, exit: EXIT_CONFIG },
  CRD_USAGE: { status: 400, exit: EXIT_USAGE },
  // Access
  CRD_UNAUTHENTICATED: { status: 401, exit: EXIT_NOPERM },
  CRD_FORBIDDEN: { status: 403, exit: EXIT_NOPERM },
  CRD_SIGN_IN_FAILED: { status: 401, exit: EXIT_NOPERM },
  CRD_SIGN_IN_LOCKED: { status: 429, exit: EXIT_NOPERM },
  CRD_SIGN_IN_REQUIRED: { status: 401, exit: EXIT_NOPERM },
  CRD_CSRF_INVALID: { status: 403, exit: EXIT_NOPERM },
  // Subject sign-in (portal): OpenID Connect, or the demo-mode development sign-in
  CRD_SUBJECT_SIGN_IN_UNAVAILABLE: { status: 404, exit: EXIT_CONFIG },
  CRD_OIDC_FAILED: { status: 401, exit: EXIT_NOPERM },
  CRD_OIDC_NO_IDENTIFIER: { status: 403, exit: EXIT_NOPERM },
  CRD_OIDC_PROVIDER_UNAVAILABLE: { status: 503, exit: EXIT_UNAVAILABLE },
  CRD_RECORD_TYPE_NOT_GRANTED: { status: 403, exit: EXIT_NOPERM },
  // Only the agency kinds the policy's `relationships` section names file relationships (the registration authority).
  CRD_RELATIONSHIP_NOT_GRANTED: { status: 403, exit: EXIT_NOPERM },
  CRD_ACTION_NOT_GRANTED: { status: 403, exit: EXIT_NOPERM },
  CRD_PURPOSE_NOT_GRANTED: { status: 403, exit: EXIT_NOPERM },
  // State
  CRD_NOT_FOUND: { status: 404, exit: EXIT_INPUT },
  CRD_SUBJECT_NOT_FOUND: { status: 404, exit: EXIT_INPUT },
  CRD_PRINCIPAL_NOT_FOUND: { status: 404, exit: EXIT_INPUT },
  CRD_STAFF_NOT_FOUND: { status: 404, exit: EXIT_INPUT },
  CRD_STAFF_EXISTS: { status: 409, exit: EXIT_INPUT },
  CRD_AGENCY_NOT_FOUND: { status: 404, exit: EXIT_INPUT },
  CRD_LIST_NOT_FOUND: { status: 404, exit: EXIT_INPUT },
  CRD_NOTICE_NOT_FOUND: { status: 404, exit: EXIT_INPUT },
  CRD_REVIEW_NOT_FOUND: { status: 404, exit: EXIT_INPUT },
  CRD_REVIEW_CLOSED: { status: 409, exit: EXIT_INPUT },
  CRD_RECORD_NOT_CHANGEABLE: { status: 409, exit: EXIT_INPUT },
  CRD_DISPUTE_OPEN: { status: 409, exit: EXIT_INPUT },
  CRD_DISPUTE_RESOLVED: { status: 409, exit: EXIT_INPUT },
  CRD_DISPUTE_NOT_UPHELD: { status: 409, exit: EXIT_INPUT },
  CRD_REPAIR_PENDING: { status: 409, exit: EXIT_INPUT },
  CRD_REPAIR_DECIDED: { status: 409, exit: EXIT_INPUT },
  CRD_IMPORT_STARTED: { status: 409, exit: EXIT_INPUT },
  CRD_IMPORT_INTERRUPTED: { status: 409, exit: EXIT_INPUT },
  CRD_REPAIR_NOT_NEGATIVE: { status: 422, exit: EXIT_INPUT },
  CRD_REPAIR_TOO_EARLY: { status: 422, exit: EXIT_INPUT },
  CRD_REPAIR_NOT_PERFORMED: { status: 422, exit: EXIT_INPUT },
  // NDRC Order No. 36 (2025): repair needs the subject's public credit commitment; like the other conditions of repair
  // the policy sets (a minimum period, performance), its absence is a well-formed request the rules refuse: 422.
  CRD_COMMITMENT_REQUIRED: { status: 422, exit: EXIT_INPUT },
  // Fa Shi [2017] 7 art. 10: a court's deletion names one of the grounds the policy lists (and only then).
  CRD_DELETION_GROUND: { status: 422, exit: EXIT_INPUT },
  CRD_LEDGER_BROKEN: { status: 500, exit: EXIT_SOFTWARE },
  // Transparency log (c2sp.org signed-note, tlog-checkpoint, tlog-cosignature). A signature that fails, or a
  // note no trusted key signed, is 403 as c2sp.org/tlog-witness answers it; offline it is bad data (EX_DATAERR).
  CRD_NOTE_MALFORMED: { status: 400, exit: EXIT_INPUT },
  CRD_NOTE_KEY_INVALID: { status: 400, exit: EXIT_INPUT },
  CRD_NOTE_SIGNATURE_INVALID: { status: 403, exit: EXIT_INPUT },
  CRD_NOTE_UNVERIFIED: { status: 403, exit: EXIT_INPUT },
  CRD_CHECKPOINT_MALFORMED: { status: 400, exit: EXIT_INPUT },
  // Monitoring a log and checking a report against it (issue 9, items 5 and 6): the log contradicted a tree it
  // signed before (a fork or a shrinking tree), served tiles that do not match its signed checkpoint, or could not be
  // reached; the monitor's state file is unreadable; a report's checkpoint or inclusion proofs do not hold.
  CRD_LOG_INCONSISTENT: { status: 409, exit: EXIT_INPUT },
  CRD_LOG_TILE_MISMATCH: { status: 502, exit: EXIT_INPUT },
  CRD_LOG_UNREACHABLE: { status: 503, exit: EXIT_UNAVAILABLE },
  CRD_MONITOR_STATE_INVALID: { status: 500, exit: EXIT_CONFIG },
  CRD_REPORT_UNVERIFIED: { status: 422, exit: EXIT_INPUT },
  // The witness (issue 9, item 4; c2sp.org/tlog-witness answers each with the status given here): a malformed
  // add-checkpoint body or a tree said to shrink (400), a log it does not witness (404), a checkpoint that forks the
  // tree it cosigned (same size, another root: 409), a consistency proof that does not verify (422). Its stored
  // state unreadable, or its key named otherwise than --name, is never papered over: that would let a fork through.
  CRD_WITNESS_REQUEST_MALFORMED: { status: 400, exit: EXIT_INPUT },
  CRD_WITNESS_UNKNOWN_LOG: { status: 404, exit: EXIT_INPUT },
  CRD_WITNESS_FORK: { status: 409, exit: EXIT_INPUT },
  CRD_WITNESS_BAD_PROOF: { status: 422, exit: EXIT_INPUT },
  CRD_WITNESS_STATE_CORRUPT: { status: 500, exit: EXIT_SOFTWARE },
  CRD_WITNESS_KEY_MISMATCH: { status: 500, exit: EXIT_CONFIG },
  // The log's own store (issue 9, items 1-3): its stored tree or entries disagree with its last signed checkpoint,
  // so the server refuses to start rather than sign a fork; no checkpoint has been signed yet (nothing to serve).
  CRD_LOG_STORE_INCONSISTENT: { status: 500, exit: EXIT_SOFTWARE },
  CRD_LOG_NO_CHECKPOINT: { status: 404, exit: EXIT_INPUT },
  // Backup and restore (`credence db backup|restore`, issue 13): a file that is not a Credence backup, or is corrupt
  // or truncated (its checksums or framing do not hold); a backup from a newer Credence (schema or format) than this
  // build; a target database that already holds data; the backup file cannot be read or written.
  CRD_BACKUP_INVALID: { status: 400, exit: EXIT_INPUT },
  CRD_BACKUP_NEWER: { status: 400, exit: EXIT_INPUT },
  CRD_RESTORE_TARGET_NOT_EMPTY: { status: 409, exit: EXIT_INPUT },
  CRD_BACKUP_FILE: { status: 500, exit: EXIT_IOERR },
  CRD_DATABASE_UNAVAILABLE: { status: 503, exit: EXIT_UNAVAILABLE },
  // A PDF report needs a CJK font to embed (the npm package @expo-google-fonts/noto-sans-sc, or a system one).
  CRD_PDF_FONT_MISSING: { status: 503, exit: EXIT_UNAVAILABLE },
  CRD_SHUTTING_DOWN: { status: 503, exit: EXIT_UNAVAILABLE },
  CRD_RATE_LIMITED: { status: 429, exit: EXIT_UNAVAILABLE },
  CRD_INTERNAL: { status: 500, exit: EXIT_SOFTWARE },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The values a message template names (issue 11, "messages as data"): a field, a value, a limit. */
export type MessageParams = Readonly<Record<string, string | number>>;

/**
 * A message as data: the key of a template in the error catalogue (src/shell/messages/errors.*.ts, one per language)
 * and its parameters. The edge renders it in the reader's language; `message` stays the English text for logs, the
 * CLI and any reader the catalogue does not yet know.
 */
export interface MessageRef {
  readonly key?: string;
  readonly params?: MessageParams;
}

/** One problem with an input, located by a JSON path such as `records[3].subject.id`. */
export interface ProblemDetail extends MessageRef {
  readonly code: ErrorCode;
  readonly path: string;
  readonly message: string;
}

export class CredenceError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly ProblemDetail[];
  /** The message as data, when the thrower gave it: rendered in the reader's language at the edge. */
  readonly ref: MessageRef;

  constructor(code: ErrorCode, message: string, details: readonly ProblemDetail[] = [], ref: MessageRef = {}) {
    super(message);
    this.name = 'CredenceError';
    this.code = code;
    this.details = details;
    this.ref = ref;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  toJSON(): { code: ErrorCode; message: string; details: readonly ProblemDetail[] } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isCredenceError(error: unknown): error is CredenceError {
  return error instanceof CredenceError;
}
