/**
 * The text rules shared by signed notes, checkpoints and cosignatures (c2sp.org/signed-note):
 * strict standard base64 (RFC 4648 §4), key names, and the characters a note may hold.
 */

// The Unicode spaces of Go's unicode.IsSpace, which golang.org/x/mod/sumdb/note's isValidName
// rejects in key names. JavaScript's \s differs (it has U+FEFF and lacks U+0085), so they are listed.
const UNICODE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;

// ASCII control characters other than newline: a signed note MUST NOT contain them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters refused
const FORBIDDEN_CONTROL = /[\u0000-\u0009\u000b-\u001f]/;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The bytes of `text` in standard padded base64, or null when it is not exactly that: no missing
 * padding, no URL alphabet, no whitespace, and no stray bits in the last character (the only
 * encoding of those bytes). Node's Buffer decoder skips what it does not understand; this does not.
 */
export function decodeBase64(text: string): Uint8Array | null {
  if (!BASE64.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : null;
}

/** Standard padded base64 (RFC 4648 §4) of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Whether `name` may name a key: non-empty, well-formed Unicode (so valid UTF-8), with no Unicode
 * space and no plus sign (c2sp.org/signed-note). Control characters are refused as well: a note,
 * which must not contain them, could never carry a signature by such a name.
 */
export function isValidKeyName(name: string): boolean {
  return (
    name !== '' &&
    name.isWellFormed() &&
    !UNICODE_SPACE.test(name) &&
    !name.includes('+') &&
    !FORBIDDEN_CONTROL.test(name)
  );
}

/** Whether `text` may appear in a note: well-formed Unicode with no ASCII control but newline. */
export function isNoteText(text: string): boolean {
  return text.isWellFormed() && !FORBIDDEN_CONTROL.test(text);
}

/** A key ID as signed notes write it: eight lowercase hex digits. */
export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** The text before the first `separator` and the text after it (all of it and '' without one), as Go's chop. */
export function chop(text: string, separator: string): [before: string, after: string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}
