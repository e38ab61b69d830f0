import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { type Checkpoint, formatCheckpoint, openCheckpoint, parseCheckpoint } from '../src/domain/log/checkpoint.ts';
import {
  cosignatureMessage,
  cosignatureTimestamp,
  generateCosignerKeyPair,
  parseCosignatureVerifierKey,
  parseCosignerKey,
  SIGNATURE_TYPE_COSIGNATURE_V1,
} from '../src/domain/log/cosignature.ts';
import { decodeVerifierKey, generateKeyPair, parseSignerKey, parseVerifierKey } from '../src/domain/log/note-keys.ts';
import { formatNote, openNote, parseNote, parseSignatureLine, signNote } from '../src/domain/log/note.ts';
import { PETER_SKEY, PETER_VKEY, throwsCode } from './support/signed-notes.ts';

// c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature: the example checkpoint and cosignature line.
const SPEC_BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_COSIGNATURE_LINE =
  '— witness.example.com/w1 ' +
  'jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==';
// transparency-dev/formats note/note_cosigv1_test.go: verifier keys and cosignature timestamps.
const REMORA_VKEY = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
const TEST_VKEY = 'TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6';

const ORIGIN = 'credence.example/ledger';
const NOW = new Date('2026-03-01T12:00:00.750Z'); // 1772366400 seconds, and a fraction cosignatures drop
const EMPTY_ROOT = createHash('sha256').digest(); // RFC 6962: the hash of the empty tree

function aCheckpoint(overrides: Partial<Checkpoint> = {}): Checkpoint {
  return { origin: ORIGIN, size: 42, rootHash: createHash('sha256').update('root').digest(), ...overrides };
}

// --- checkpoint text -------------------------------------------------------------------------

test('the tlog-checkpoint example parses and formats back byte for byte', () => {
  const checkpoint = parseCheckpoint(SPEC_BODY);
  assert.equal(checkpoint.origin, 'example.com/behind-the-sofa');
  assert.equal(checkpoint.size, 20852163);
  assert.equal(Buffer.from(checkpoint.rootHash).toString('base64'), 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
  assert.deepEqual(checkpoint.extensions, []);
  assert.equal(formatCheckpoint(checkpoint), SPEC_BODY);
});

test('the empty tree, extension lines and the largest safe size round-trip', () => {
  const empty = formatCheckpoint({ origin: ORIGIN, size: 0, rootHash: EMPTY_ROOT });
  assert.equal(empty, `${ORIGIN}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n`);
  assert.deepEqual(parseCheckpoint(empty), {
    origin: ORIGIN,
    size: 0,
    rootHash: new Uint8Array(EMPTY_ROOT),
    extensions: [],
  });
  const extended = aCheckpoint({ size: Number.MAX_SAFE_INTEGER, extensions: ['first extension', 'x'] });
  const text = formatCheckpoint(extended);
  assert.ok(
    text.endsWith(`\n9007199254740991\n${Buffer.from(extended.rootHash).toString('base64')}\nfirst extension\nx\n`),
  );
  assert.deepEqual(parseCheckpoint(text), { ...extended, rootHash: new Uint8Array(extended.rootHash) });
});

test('a checkpoint text is parsed strictly', () => {
  const hash = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
  const bad: Record<string, string> = {
    'no final newline': SPEC_BODY.slice(0, -1),
    'two lines': 'example.com/log\n5\n',
    'empty origin': `\n5\n${hash}\n`,
    'plus sign': `o\n+5\n${hash}\n`,
    'leading zero': `o\n05\n${hash}\n`,
    'negative size': `o\n-1\n${hash}\n`,
    'space in size': `o\n 5\n${hash}\n`,
    'decimal point': `o\n5.0\n${hash}\n`,
    exponent: `o\n1e3\n${hash}\n`,
    hexadecimal: `o\n0x10\n${hash}\n`,
    'empty size': `o\n\n${hash}\n`,
    'size past 2^53 - 1': `o\n9007199254740992\n${hash}\n`,
    'short hash': `o\n5\n${Buffer.alloc(31).toString('base64')}\n`,
    'long hash': `o\n5\n${Buffer.alloc(33).toString('base64')}\n`,
    'hash without padding': `o\n5\n${hash.slice(0, -1)}\n`,
    'URL-safe hash': `o\n5\n${Buffer.alloc(32, 0xfb).toString('base64url')}=\n`,
    'non-canonical hash': `o\n5\n${hash.slice(0, -2)}J=\n`,
    'empty extension line': `o\n5\n${hash}\n\nx\n`,
    'trailing blank line': `o\n5\n${hash}\n\n`,
    'carriage returns': `o\r\n5\r\n${hash}\r\n`,
  };
  for (const [why, text] of Object.entries(bad)) {
    assert.throws(() => parseCheckpoint(text), { code: 'CRD_CHECKPOINT_MALFORMED' }, why);
  }
});

test('a checkpoint that could not be parsed is not formatted', () => {
  const bad: Record<string, Checkpoint> = {
    'empty origin': aCheckpoint({ origin: '' }),
    'two-line origin': aCheckpoint({ origin: 'a\nb' }),
    'negative size': aCheckpoint({ size: -1 }),
    'fractional size': aCheckpoint({ size: 1.5 }),
    'unsafe size': aCheckpoint({ size: 2 ** 53 }),
    'short hash': aCheckpoint({ rootHash: new Uint8Array(31) }),
    'empty extension': aCheckpoint({ extensions: [''] }),
    'two-line extension': aCheckpoint({ extensions: ['a\nb'] }),
  };
  for (const [why, checkpoint] of Object.entries(bad)) {
    assert.throws(() => formatCheckpoint(checkpoint), { code: 'CRD_CHECKPOINT_MALFORMED' }, why);
  }
});

// --- signed checkpoints ----------------------------------------------------------------------

test('a checkpoint signed by the log opens with its key, and not without it', () => {
  const keys = generateKeyPair(ORIGIN);
  const log = parseVerifierKey(keys.verifierKey);
  const note = signNote(formatCheckpoint(aCheckpoint()), [parseSignerKey(keys.signerKey)]);
  const opened = openCheckpoint(note, { log });
  assert.deepEqual(opened.checkpoint, {
    ...aCheckpoint(),
    rootHash: new Uint8Array(aCheckpoint().rootHash),
    extensions: [],
  });
  assert.equal(opened.text, formatCheckpoint(aCheckpoint()));
  assert.deepEqual(opened.cosignatures, []);
  const other = parseVerifierKey(generateKeyPair(ORIGIN).verifierKey);
  throwsCode(() => openCheckpoint(note, { log: other }), 'CRD_NOTE_UNVERIFIED');
  throwsCode(() => openCheckpoint(note.replace('\n42\n', '\n43\n'), { log }), 'CRD_NOTE_SIGNATURE_INVALID');
});

test("a checkpoint needs the log's own signature, its origin, and a checkpoint body", () => {
  const keys = generateKeyPair(ORIGIN);
  const log = parseVerifierKey(keys.verifierKey);
  const signer = parseSignerKey(keys.signerKey);
  const witness = parseCosignerKey(generateCosignerKeyPair('witness.example/w1').signerKey);
  const body = formatCheckpoint(aCheckpoint());
  const witnessOnly = formatNote(body, [witness.cosign(body, NOW)]);
  const cosigners = [parseCosignatureVerifierKey(witness.verifierKey)];
  throwsCode(() => openCheckpoint(witnessOnly, { log, cosigners }), 'CRD_NOTE_UNVERIFIED', /log key/);
  const elsewhere = signNote(formatCheckpoint(aCheckpoint({ origin: 'other.example/log' })), [signer]);
  throwsCode(() => openCheckpoint(elsewhere, { log }), 'CRD_CHECKPOINT_MALFORMED', /other\.example\/log/);
  assert.equal(openCheckpoint(elsewhere, { log, origin: 'other.example/log' }).checkpoint.size, 42);
  throwsCode(() => openCheckpoint(signNote('not a checkpoint\n', [signer]), { log }), 'CRD_CHECKPOINT_MALFORMED');
});

// --- cosignatures ----------------------------------------------------------------------------

test('the cosignature/v1 message of the spec example', () => {
  const message = Buffer.from(cosignatureMessage(SPEC_BODY, 1679315147)).toString('utf8');
  assert.equal(message, `cosignature/v1\ntime 1679315147\n${SPEC_BODY}`);
  assert.throws(() => cosignatureMessage(SPEC_BODY, -1), RangeError);
  assert.throws(() => cosignatureMessage(SPEC_BODY, 2n ** 63n), RangeError);
});

test('published cosignatures carry their time after the key ID', () => {
  assert.equal(cosignatureTimestamp(parseSignatureLine(SPEC_COSIGNATURE_LINE)), 1679315147); // the spec's time line
  const formats =
    'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==';
  assert.equal(cosignatureTimestamp({ name: 'w', keyId: 0x646846b9, base64: formats }), 1727964367);
  const plain = 'eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=';
  throwsCode(() => cosignatureTimestamp({ name: 'w', keyId: 0x7908d142, base64: plain }), 'CRD_NOTE_MALFORMED');
});

test('witness verifier keys: type 0x04 as published, and type 0x01 keys read with a 0x04 key ID', () => {
  const remora = parseCosignatureVerifierKey(REMORA_VKEY);
  assert.equal(remora.name, 'remora.n621.de');
  assert.equal(remora.keyId, 0xda77ade7);
  assert.equal(decodeVerifierKey(REMORA_VKEY).type, SIGNATURE_TYPE_COSIGNATURE_V1);
  throwsCode(() => parseVerifierKey(REMORA_VKEY), 'CRD_NOTE_KEY_INVALID', /not Ed25519/);
  const test04 = parseCosignatureVerifierKey(TEST_VKEY);
  const { publicKey } = decodeVerifierKey(TEST_VKEY);
  const expected = createHash('sha256').update('TEST\n').update(Uint8Array.of(4)).update(publicKey).digest();
  assert.equal(test04.keyId, expected.readUInt32BE(0));
  assert.notEqual(test04.keyId, 0x7997405c);
  throwsCode(() => parseCosignatureVerifierKey('rekor.sigstore.dev+12345678+AwEB'), 'CRD_NOTE_KEY_INVALID');
  throwsCode(() => parseCosignatureVerifierKey(REMORA_VKEY.replace('da77ade7', '00000000')), 'CRD_NOTE_KEY_INVALID');
});

test('a cosignature is base64(key ID || 8-byte big-endian time || Ed25519 of the cosignature/v1 message)', () => {
  const keys = generateCosignerKeyPair('witness.example/w1');
  // base64 of 0x04 and 32 bytes: "B" then 43 characters
  assert.match(keys.signerKey, /^PRIVATE\+KEY\+witness\.example\/w1\+[0-9a-f]{8}\+B[A-Za-z0-9+/]{43}$/);
  assert.match(keys.verifierKey, /^witness\.example\/w1\+[0-9a-f]{8}\+B[A-Za-z0-9+/]{43}$/);
  const witness = parseCosignerKey(keys.signerKey);
  assert.equal(witness.verifierKey, keys.verifierKey);
  const signature = witness.cosign(SPEC_BODY, NOW);
  const bytes = Buffer.from(signature.base64, 'base64');
  assert.equal(bytes.length, 4 + 8 + 64);
  const { publicKey } = decodeVerifierKey(keys.verifierKey);
  const keyId = createHash('sha256').update('witness.example/w1\n').update(Uint8Array.of(4)).update(publicKey).digest();
  assert.deepEqual(bytes.subarray(0, 4), keyId.subarray(0, 4));
  assert.equal(bytes.readBigUInt64BE(4), 1772366400n);
  assert.equal(cosignatureTimestamp(signature), 1772366400);
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  const message = `cosignature/v1\ntime 1772366400\n${SPEC_BODY}`;
  assert.ok(
    verify(null, Buffer.from(message), createPublicKey({ key: spki, format: 'der', type: 'spki' }), bytes.subarray(12)),
  );
});

test('a cosigned checkpoint opens with the log key and the witness key', () => {
  const logKeys = generateKeyPair(ORIGIN);
  const log = parseVerifierKey(logKeys.verifierKey);
  const witness = parseCosignerKey(generateCosignerKeyPair('witness.example/w1').signerKey);
  const cosigners = [parseCosignatureVerifierKey(witness.verifierKey)];
  const signed = signNote(formatCheckpoint(aCheckpoint()), [parseSignerKey(logKeys.signerKey)]);
  const { text, signatures } = parseNote(signed); // what a witness reads before it checks anything
  const cosigned = formatNote(text, [...signatures, witness.cosign(text, NOW)]);
  const opened = openCheckpoint(cosigned, { log, cosigners });
  assert.deepEqual(
    opened.cosignatures.map((s) => s.name),
    ['witness.example/w1'],
  );
  assert.equal(cosignatureTimestamp(opened.cosignatures[0]!), 1772366400);
  assert.deepEqual(
    openCheckpoint(cosigned, { log }).note.unverified.map((s) => s.name),
    ['witness.example/w1'],
  );
});

test('a cosignature fails for a changed time, a changed checkpoint or an extension line', () => {
  const witness = parseCosignerKey(generateCosignerKeyPair('witness.example/w1').signerKey);
  const verifier = parseCosignatureVerifierKey(witness.verifierKey);
  const body = formatCheckpoint(aCheckpoint({ extensions: ['Extendo'] }));
  const signature = witness.cosign(body, NOW);
  assert.equal(openNote(formatNote(body, [signature]), [verifier]).verified.length, 1);
  const bytes = Buffer.from(signature.base64, 'base64');
  bytes.writeBigUInt64BE(1772366401n, 4);
  const later = { ...signature, base64: bytes.toString('base64') };
  throwsCode(() => openNote(formatNote(body, [later]), [verifier]), 'CRD_NOTE_SIGNATURE_INVALID');
  const grown = formatCheckpoint(aCheckpoint({ size: 43, extensions: ['Extendo'] }));
  throwsCode(() => openNote(formatNote(grown, [signature]), [verifier]), 'CRD_NOTE_SIGNATURE_INVALID');
  const changed = body.replace('Extendo', 'Extende');
  throwsCode(() => openNote(formatNote(changed, [signature]), [verifier]), 'CRD_NOTE_SIGNATURE_INVALID');
});

test('cosignatures and plain note signatures do not stand in for each other', () => {
  const cosigner = parseCosignerKey(PETER_SKEY); // a type 0x01 key, used as 0x04 (as Go does)
  const body = formatCheckpoint(aCheckpoint());
  const cosigned = formatNote(body, [cosigner.cosign(body, NOW)]);
  assert.equal(openNote(cosigned, [parseCosignatureVerifierKey(PETER_VKEY)]).verified.length, 1);
  throwsCode(() => openNote(cosigned, [parseVerifierKey(PETER_VKEY)]), 'CRD_NOTE_UNVERIFIED');
  const plain = signNote(body, [parseSignerKey(PETER_SKEY)]);
  throwsCode(() => openNote(plain, [parseCosignatureVerifierKey(PETER_VKEY)]), 'CRD_NOTE_UNVERIFIED');
  throwsCode(() => cosigner.cosign('not a checkpoint\n', NOW), 'CRD_CHECKPOINT_MALFORMED');
  throwsCode(() => parseCosignerKey(PETER_SKEY.replace('c74f20a3', 'c74f20a4')), 'CRD_NOTE_KEY_INVALID');
});
