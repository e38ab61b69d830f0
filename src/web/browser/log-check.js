// @ts-check
/**
 * The portal's check of a subject's file against the public log (issue 9, item 5), in the resident's own
 * browser: nothing from the registry is trusted but the bytes. WebCrypto does the work: SHA-256 for the
 * RFC 6962 leaf and node hashes (RFC 9162 §2.1.3.2 inclusion proofs), Ed25519 for the log's signed-note
 * signature on the checkpoint (c2sp.org/signed-note, c2sp.org/tlog-checkpoint) and for the witnesses'
 * cosignature/v1 lines (c2sp.org/tlog-cosignature). The keys are those the page names, which the resident
 * can compare with the ones the log and its witnesses publish; the browser also remembers the key and the
 * largest tree it saw, and says so if a later file shows another key, a smaller tree or a fork.
 *
 * `checkReportLog` is pure (no DOM) and runs in Node 24 too, which the tests use; the rest binds it to the
 * page's `[data-log-check]` section. Plain JavaScript, type-checked by src/web/browser/tsconfig.json.
 */

/**
 * @typedef {{ logKey: string, witnessKeys: readonly string[], quorum: number }} LogKeys
 * @typedef {{ index: number, type: string, at: string }} CheckedEntry
 * @typedef {{ ok: true, origin: string, treeSize: number, rootHash: string, entries: CheckedEntry[],
 *   witnesses: string[], pending: number }} Verified
 * @typedef {{ ok: false, reason: string, params: Record<string, string | number> }} Failed
 * @typedef {{ ok: null, pending: number }} NothingYet
 * @typedef {Verified | Failed | NothingYet} CheckResult
 */

const ED25519 = 0x01;
const COSIGNATURE_V1 = 0x04;
const encoder = new TextEncoder();

/**
 * Checks a report's `log` section with the given keys. Never throws for bad input: a failure names its
 * reason (`malformed`, `log_key`, `signature`, `witnesses`, `entry`, `subject`).
 * @param {unknown} report @param {LogKeys} keys @returns {Promise<CheckResult>}
 */
export async function checkReportLog(report, keys) {
  try {
    return await check(report, keys);
  } catch (error) {
    if (error instanceof CheckFailure) return { ok: false, reason: error.reason, params: error.params };
    throw error;
  }
}

class CheckFailure extends Error {
  /** @param {string} reason @param {Record<string, string | number>} [params] */
  constructor(reason, params = {}) {
    super(reason);
    this.reason = reason;
    this.params = params;
  }
}

/** @param {unknown} report @param {LogKeys} keys @returns {Promise<CheckResult>} */
async function check(report, keys) {
  const body = asObject(report);
  const status = asObject(body.log_status);
  const pending = typeof status.pending_events === 'number' ? status.pending_events : 0;
  if (body.log === null) return { ok: null, pending };
  const log = asObject(body.log);
  if (typeof log.checkpoint !== 'string' || !Array.isArray(log.entries)) throw new CheckFailure('malformed');
  const logKey = await importVerifierKey(keys.logKey, ED25519).catch(() => {
    throw new CheckFailure('log_key');
  });
  const note = parseNote(log.checkpoint);
  const checkpoint = parseCheckpoint(note.text);
  if (checkpoint.origin !== logKey.name) throw new CheckFailure('signature', { origin: checkpoint.origin });
  if (!(await signedBy(note, logKey, (sig) => ed25519(logKey, sig, encoder.encode(note.text))))) {
    throw new CheckFailure('signature', { origin: checkpoint.origin });
  }
  const witnesses = await cosigners(note, keys.witnessKeys);
  if (witnesses.length < keys.quorum) {
    throw new CheckFailure('witnesses', { count: witnesses.length, quorum: keys.quorum });
  }
  const entries = await checkEntries(log.entries, checkpoint);
  return {
    ok: true,
    origin: checkpoint.origin,
    treeSize: checkpoint.size,
    rootHash: base64(checkpoint.rootHash),
    entries,
    witnesses,
    pending,
  };
}

/** @param {unknown[]} list @param {{ size: number, rootHash: Uint8Array }} checkpoint */
async function checkEntries(list, checkpoint) {
  /** @type {CheckedEntry[]} */
  const entries = [];
  const subjects = new Set();
  for (const item of list) {
    const entry = asObject(item);
    const index = entry.index;
    if (
      typeof index !== 'number' ||
      !Number.isSafeInteger(index) ||
      index < 0 ||
      !Array.isArray(entry.inclusion_proof)
    ) {
      throw new CheckFailure('malformed');
    }
    const data = fromBase64(entry.data);
    const proof = entry.inclusion_proof.map(fromBase64);
    if (proof.some((hash) => hash.length !== 32)) throw new CheckFailure('malformed');
    if (!(await verifyInclusion(await hashLeaf(data), index, checkpoint.size, proof, checkpoint.rootHash))) {
      throw new CheckFailure('entry', { index });
    }
    const event = parseEvent(data, index);
    subjects.add(event.subject_id);
    entries.push({ index, type: event.type, at: event.at });
  }
  if (subjects.size > 1) throw new CheckFailure('subject');
  return entries;
}

/** @param {Uint8Array} data @param {number} index */
function parseEvent(data, index) {
  try {
    const event = asObject(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data)));
    if (typeof event.type === 'string' && typeof event.at === 'string') {
      return { type: event.type, at: event.at, subject_id: event.subject_id };
    }
  } catch {}
  throw new CheckFailure('entry', { index });
}

// RFC 6962 hashing (RFC 9162 §2.1.1) and inclusion proofs (§2.1.3.2).

/** @param {...Uint8Array} parts */
async function sha256(...parts) {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
}

/** @param {Uint8Array} data */
const hashLeaf = (data) => sha256(Uint8Array.of(0), data);
/** @param {Uint8Array} left @param {Uint8Array} right */
const hashChildren = (left, right) => sha256(Uint8Array.of(1), left, right);

/**
 * @param {Uint8Array} leafHash @param {number} index @param {number} size
 * @param {Uint8Array[]} proof @param {Uint8Array} root
 */
export async function verifyInclusion(leafHash, index, size, proof, root) {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (leafHash.length !== 32 || proof.some((hash) => hash.length !== 32)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await hashChildren(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

// Signed notes (c2sp.org/signed-note) and checkpoints (c2sp.org/tlog-checkpoint).

/** @typedef {{ name: string, keyId: Uint8Array, signature: Uint8Array }} Signature */

/** @param {string} note @returns {{ text: string, signatures: Signature[] }} */
function parseNote(note) {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new CheckFailure('malformed');
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2, -1)
    .split('\n')
    .map((line) => {
      const match = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (match === null) throw new CheckFailure('malformed');
      const bytes = fromBase64(match[2]);
      if (bytes.length < 5) throw new CheckFailure('malformed');
      return { name: /** @type {string} */ (match[1]), keyId: bytes.slice(0, 4), signature: bytes.slice(4) };
    });
  return { text, signatures };
}

/** @param {string} text */
function parseCheckpoint(text) {
  const [origin = '', size = '', root = ''] = text.split('\n');
  const rootHash = fromBase64(root);
  if (origin === '' || !/^(0|[1-9][0-9]*)$/.test(size) || rootHash.length !== 32) throw new CheckFailure('malformed');
  return { origin, size: Number(size), rootHash };
}

/**
 * A verifier key `<name>+<hex key ID>+<base64(type || 32-byte public key)>`, imported for WebCrypto, with the
 * key ID the signatures carry for `type` (a 0x01 key used for cosignatures signs with a 0x04 key ID).
 * @param {string} vkey @param {number} type
 */
async function importVerifierKey(vkey, type) {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(vkey.trim());
  if (match === null) throw new Error('key');
  const [, name = '', hex = '', key64 = ''] = match;
  const key = fromBase64(key64);
  const keyType = key[0];
  if (key.length !== 33) throw new Error('key');
  if (keyType !== type && !(type === COSIGNATURE_V1 && keyType === ED25519)) throw new Error('key');
  const publicKey = key.slice(1);
  if (hexOf(await keyIdOf(name, /** @type {number} */ (keyType), publicKey)) !== hex) throw new Error('key');
  const cryptoKey = await crypto.subtle.importKey('raw', plain(publicKey), { name: 'Ed25519' }, false, ['verify']);
  return { name, keyId: await keyIdOf(name, type, publicKey), cryptoKey };
}

/**
 * The key ID: SHA-256(name || 0x0A || type || public key)[:4].
 * @param {string} name @param {number} type @param {Uint8Array} key
 */
async function keyIdOf(name, type, key) {
  return (await sha256(encoder.encode(`${name}\n`), Uint8Array.of(type), key)).slice(0, 4);
}

/**
 * Whether some signature line of the note is the key's and verifies.
 * @param {{ signatures: Signature[] }} note @param {{ name: string, keyId: Uint8Array }} key
 * @param {(signature: Uint8Array) => Promise<boolean>} verify
 */
async function signedBy(note, key, verify) {
  for (const line of note.signatures) {
    if (line.name === key.name && equal(line.keyId, key.keyId) && (await verify(line.signature))) return true;
  }
  return false;
}

/** The names of the given witnesses whose cosignature/v1 on the checkpoint verifies. */
/** @param {{ text: string, signatures: Signature[] }} note @param {readonly string[]} witnessKeys */
async function cosigners(note, witnessKeys) {
  /** @type {string[]} */
  const names = [];
  for (const vkey of witnessKeys) {
    const key = await importVerifierKey(vkey, COSIGNATURE_V1).catch(() => undefined);
    if (key === undefined) continue;
    const verify = async (/** @type {Uint8Array} */ signature) => {
      if (signature.length !== 72) return false;
      const time = new DataView(signature.buffer, signature.byteOffset).getBigUint64(0);
      if (time >= 2n ** 63n) return false;
      const message = encoder.encode(`cosignature/v1\ntime ${time}\n${note.text}`);
      return ed25519(key, signature.slice(8), message);
    };
    if (await signedBy(note, key, verify)) names.push(key.name);
  }
  return names;
}

/** @param {{ cryptoKey: CryptoKey }} key @param {Uint8Array} signature @param {Uint8Array} message */
function ed25519(key, signature, message) {
  if (signature.length !== 64) return Promise.resolve(false);
  return crypto.subtle.verify({ name: 'Ed25519' }, key.cryptoKey, plain(signature), plain(message));
}

// Bytes.

/** Strict standard base64 (RFC 4648 §4) to bytes. @param {unknown} text */
function fromBase64(text) {
  if (typeof text !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) {
    throw new CheckFailure('malformed');
  }
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** A copy on a plain ArrayBuffer, as WebCrypto's types ask. @param {Uint8Array} view */
const plain = (view) => new Uint8Array(view);
/** @param {Uint8Array} bytes */
const base64 = (bytes) => btoa(String.fromCharCode(...bytes));
/** @param {Uint8Array} bytes */
const hexOf = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
/** @param {Uint8Array} a @param {Uint8Array} b */
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** @param {unknown} value @returns {Record<string, unknown>} */
function asObject(value) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CheckFailure('malformed');
  return /** @type {Record<string, unknown>} */ (value);
}

// The page: the `[data-log-check]` section the portal renders (src/web/portal/portal-log.page.ts).

const SEEN = 'credence-log-seen';

/** @param {HTMLElement} root */
function bindPage(root) {
  const messages = /** @type {Record<string, string>} */ (JSON.parse(root.dataset.messages ?? '{}'));
  const result = /** @type {HTMLElement} */ (root.querySelector('[data-log-check-result]'));
  const show = (/** @type {string} */ kind, /** @type {string} */ heading, /** @type {Node[]} */ ...body) =>
    render(result, kind, heading, body);
  const say = (/** @type {string} */ key, /** @type {Record<string, string | number>} */ params = {}) =>
    (messages[key] ?? key).replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
  if (globalThis.crypto?.subtle === undefined) {
    show('warning', say('unavailable_heading'), paragraph(say('no_crypto')));
    return;
  }
  const keys = {
    logKey: root.dataset.logKey ?? '',
    witnessKeys: /** @type {string[]} */ (JSON.parse(root.dataset.witnessKeys ?? '[]')),
    quorum: Number(root.dataset.quorum ?? '0'),
  };
  /** @param {() => Promise<unknown>} read @param {boolean} live */
  const run = async (read, live) => {
    show('info', say('checking'));
    let report;
    try {
      report = await read();
    } catch {
      show('error', say('failed_heading'), paragraph(say('fetch_failed')));
      return;
    }
    const outcome = remember(await checkReportLog(report, keys), keys.logKey, live);
    if (outcome.ok === null)
      show('info', say('nothing_yet_heading'), paragraph(say('nothing_yet', { pending: outcome.pending })));
    else if (outcome.ok) show('success', say('verified_heading'), ...verifiedBody(outcome, say));
    else show('error', say('failed_heading'), paragraph(say(`failed_${outcome.reason}`, outcome.params)));
  };
  const button = /** @type {HTMLButtonElement} */ (root.querySelector('[data-log-check-run]'));
  button.addEventListener('click', () =>
    run(async () => {
      const response = await fetch(root.dataset.reportUrl ?? '', { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    }, true),
  );
  const file = /** @type {HTMLInputElement} */ (root.querySelector('[data-log-check-file]'));
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (chosen !== undefined) run(async () => JSON.parse(await chosen.text()), false);
  });
  root.querySelector('[data-log-check-nojs]')?.setAttribute('hidden', '');
  root.querySelector('[data-log-check-controls]')?.removeAttribute('hidden');
}

/**
 * What this browser saw before: the log's key and its largest tree. A different key, a smaller tree (for the
 * file the registry serves now, not a file saved earlier) or another root for the same size is a failure.
 * @param {CheckResult} outcome @param {string} logKey @param {boolean} live @returns {CheckResult}
 */
function remember(outcome, logKey, live) {
  if (outcome.ok !== true) return outcome;
  /** @type {{ key?: string, size?: number, root?: string }} */
  let seen = {};
  try {
    seen = JSON.parse(localStorage.getItem(SEEN) ?? '{}');
  } catch {}
  if (seen.key !== undefined && seen.key !== logKey) return { ok: false, reason: 'key_changed', params: {} };
  const seenSize = seen.size ?? -1;
  if (seenSize === outcome.treeSize && seen.root !== outcome.rootHash) {
    return { ok: false, reason: 'fork', params: { size: outcome.treeSize } };
  }
  if (live && seenSize > outcome.treeSize) {
    return { ok: false, reason: 'shrank', params: { seen: seenSize, size: outcome.treeSize } };
  }
  if (outcome.treeSize >= seenSize) {
    try {
      localStorage.setItem(SEEN, JSON.stringify({ key: logKey, size: outcome.treeSize, root: outcome.rootHash }));
    } catch {}
  }
  return outcome;
}

/** @param {Verified} v @param {(key: string, params?: Record<string, string | number>) => string} say */
function verifiedBody(v, say) {
  const witnesses = v.witnesses.length === 0 ? say('no_witnesses') : v.witnesses.join(', ');
  /** @type {HTMLElement[]} */
  const body = [
    paragraph(say('verified', { entries: v.entries.length, origin: v.origin, size: v.treeSize, witnesses })),
  ];
  if (v.pending > 0) body.push(paragraph(say('pending', { pending: v.pending })));
  if (v.entries.length > 0) {
    const list = document.createElement('ul');
    list.className = 'usa-list';
    for (const entry of v.entries) {
      const item = document.createElement('li');
      item.textContent = say('entry', { index: entry.index, type: entry.type, date: entry.at.slice(0, 10) });
      list.append(item);
    }
    body.push(list);
  }
  return body;
}

/** A USWDS alert in the result region, its heading focused so a screen reader reads it at once. */
/** @param {HTMLElement} region @param {string} kind @param {string} heading @param {Node[]} body */
function render(region, kind, heading, body) {
  const alert = document.createElement('div');
  alert.className = `usa-alert usa-alert--${kind} usa-alert--slim margin-top-2`;
  alert.dataset.outcome = kind;
  const inner = document.createElement('div');
  inner.className = 'usa-alert__body';
  const title = document.createElement('h3');
  title.className = 'usa-alert__heading';
  title.tabIndex = -1;
  title.textContent = heading;
  inner.append(title, ...body);
  alert.append(inner);
  region.replaceChildren(alert);
  if (kind !== 'info') title.focus();
}

/** @param {string} text */
function paragraph(text) {
  const p = document.createElement('p');
  p.className = 'usa-alert__text';
  p.textContent = text;
  return p;
}

if (typeof document !== 'undefined') {
  const root = document.querySelector('[data-log-check]');
  if (root instanceof HTMLElement) bindPage(root);
}
