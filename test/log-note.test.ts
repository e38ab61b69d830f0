import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBase64, isValidKeyName } from '../src/domain/log/note-encoding.ts';
import {
  decodeVerifierKey,
  encodeVerifierKey,
  generateKeyPair,
  type NoteVerifier,
  parseSignerKey,
  parseVerifierKey,
  SIGNATURE_TYPE_ED25519,
} from '../src/domain/log/note-keys.ts';
import {
  formatNote,
  formatSignatureLine,
  MAX_NOTE_SIGNATURES,
  type NoteSignature,
  openNote,
  parseNote,
  parseSignatureLine,
  signNote,
} from '../src/domain/log/note.ts';
import { PETER_SKEY, PETER_VKEY, throwsCode } from './support/signed-notes.ts';

// c2sp.org/signed-note, "Verifier keys", "Example".
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE =
  'This is an example message.\n\n' +
  '— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

// golang.org/x/mod/sumdb/note: the package documentation and note_test.go (TestSign, TestOpen).
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_B64 = 'x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=';
const ENOCH_B64 = 'rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=';
const PETER_SIG = `— PeterNeumann ${PETER_B64}\n`;
const ENOCH_SIG = `— EnochRoot ${ENOCH_B64}\n`;
const PETER: NoteSignature = { name: 'PeterNeumann', keyId: 0xc74f20a3, base64: PETER_B64 };
const ENOCH: NoteSignature = { name: 'EnochRoot', keyId: 0xaf0cfe78, base64: ENOCH_B64 };

const peter = parseVerifierKey(PETER_VKEY);
const enoch = parseVerifierKey(ENOCH_VKEY);

// --- published vectors ---------------------------------------------------------------------

test('the signed-note spec example verifies against its verifier key', () => {
  const opened = openNote(SPEC_NOTE, [parseVerifierKey(SPEC_VKEY)]);
  assert.equal(opened.text, 'This is an example message.\n');
  assert.deepEqual(
    opened.verified.map((s) => [s.name, s.keyId]),
    [['example.com/foo', 0x530d903a]],
  );
  assert.deepEqual(opened.unverified, []);
});

test('a verifier key is its name, key ID and type-prefixed key, written back byte for byte', () => {
  const key = decodeVerifierKey(SPEC_VKEY);
  assert.equal(key.name, 'example.com/foo');
  assert.equal(key.keyId, 0x530d903a);
  assert.equal(key.type, SIGNATURE_TYPE_ED25519);
  assert.equal(key.publicKey.length, 32);
  assert.equal(encodeVerifierKey(key.name, key.type, key.publicKey), SPEC_VKEY);
});

test("Go's signer key signs Go's example note byte for byte, and knows its verifier key", () => {
  const signer = parseSignerKey(PETER_SKEY);
  assert.equal(signer.name, 'PeterNeumann');
  assert.equal(signer.keyId, 0xc74f20a3);
  assert.equal(signer.verifierKey, PETER_VKEY);
  assert.equal(signNote(TEXT, [signer]), `${TEXT}\n${PETER_SIG}`);
});

test("Go's example note opens: one verified and one unknown, both verified, or none (TestOpen)", () => {
  const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
  assert.deepEqual(openNote(both, [peter]), { text: TEXT, verified: [PETER], unverified: [ENOCH] });
  assert.deepEqual(openNote(both, [peter, enoch]), { text: TEXT, verified: [PETER, ENOCH], unverified: [] });
  throwsCode(() => openNote(both, []), 'CRD_NOTE_UNVERIFIED', /PeterNeumann\+c74f20a3, EnochRoot\+af0cfe78/);
});

test('repeated signatures count once; repeated unknown lines are kept once each (TestOpen)', () => {
  // Go cuts at byte 60; the em dash is three bytes in UTF-8 but one character here.
  const enochAbcd = `${ENOCH_SIG.slice(0, 58)}ABCD${ENOCH_SIG.slice(58)}`;
  const note = `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${enochAbcd}`;
  const opened = openNote(note, [peter]);
  assert.deepEqual(opened.verified, [PETER]);
  assert.deepEqual(opened.unverified, [
    ENOCH,
    { ...ENOCH, base64: `${ENOCH_B64.slice(0, 46)}ABCD${ENOCH_B64.slice(46)}` },
  ]);
});

test('two verifiers with one name and key ID are refused only when a signature names them', () => {
  throwsCode(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch]), 'CRD_NOTE_KEY_INVALID', /ambiguous/);
  assert.deepEqual(openNote(`${TEXT}\n${PETER_SIG}`, [enoch, peter, enoch]).verified, [PETER]);
});

test('more than 100 signatures is malformed, verified or not', () => {
  assert.equal(MAX_NOTE_SIGNATURES, 100);
  assert.equal(openNote(`${TEXT}\n${PETER_SIG.repeat(100)}`, [peter]).verified.length, 1);
  throwsCode(() => openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, [peter]), 'CRD_NOTE_MALFORMED');
  throwsCode(() => openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, []), 'CRD_NOTE_MALFORMED');
});

// --- tampering and wrong keys ----------------------------------------------------------------

test('a corrupted signature by a known key rejects the whole note (TestOpen)', () => {
  const corrupted = `${TEXT}\n${PETER_SIG.slice(0, 58)}ABCD${PETER_SIG.slice(58)}`; // Go's byte 60
  throwsCode(() => openNote(corrupted, [peter]), 'CRD_NOTE_SIGNATURE_INVALID', /PeterNeumann\+c74f20a3/);
  const flipped = PETER_B64.slice(0, 20) + (PETER_B64[20] === 'A' ? 'B' : 'A') + PETER_B64.slice(21);
  throwsCode(() => openNote(`${TEXT}\n— PeterNeumann ${flipped}\n`, [peter]), 'CRD_NOTE_SIGNATURE_INVALID');
});

test('a tampered text fails, even by one letter or one added line', () => {
  const note = `${TEXT}\n${PETER_SIG}`;
  throwsCode(() => openNote(note.replace('cryptography', 'cryptographY'), [peter]), 'CRD_NOTE_SIGNATURE_INVALID');
  throwsCode(() => openNote(`Hello\n${note}`, [peter]), 'CRD_NOTE_SIGNATURE_INVALID');
  throwsCode(
    () => openNote(SPEC_NOTE.replace('example message', 'example massage'), [parseVerifierKey(SPEC_VKEY)]),
    'CRD_NOTE_SIGNATURE_INVALID',
  );
});

test('a wrong key does not open the note; a key that claims the name and ID but differs fails it', () => {
  const note = `${TEXT}\n${PETER_SIG}`;
  throwsCode(() => openNote(note, [enoch]), 'CRD_NOTE_UNVERIFIED');
  const impostor = parseVerifierKey(generateKeyPair('PeterNeumann').verifierKey);
  throwsCode(() => openNote(note, [impostor]), 'CRD_NOTE_UNVERIFIED'); // same name, another key ID: unknown
  const collision: NoteVerifier = { name: 'PeterNeumann', keyId: 0xc74f20a3, verify: impostor.verify };
  throwsCode(() => openNote(note, [collision]), 'CRD_NOTE_SIGNATURE_INVALID');
});

test('malformed notes are refused as malformed (TestOpen)', () => {
  const bad = [
    TEXT,
    `${TEXT}\n`,
    `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
    `\x01${TEXT}\n${PETER_SIG}`,
    `${TEXT}\n— Bad Name ${PETER_B64}`,
    `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
    `${TEXT}\n— PeterNeumann\n`,
    `${TEXT}\n— PeterNeumann \n`,
    `${TEXT}\n— PeterNeumann x08g\n`, // 3 bytes: not a key ID and a signature
    `${TEXT}\n— PeterNeumann ${PETER_B64.replace(/=$/, '')}\n`, // padding missing
    `${TEXT}\n- PeterNeumann ${PETER_B64}\n`, // hyphen, not em dash
    `${TEXT}\r\n${PETER_SIG}`,
    `${TEXT}\n${PETER_SIG}\n`,
  ];
  for (const note of bad) throwsCode(() => openNote(note, [peter]), 'CRD_NOTE_MALFORMED', /malformed note/);
  throwsCode(
    () => openNote(Buffer.concat([Buffer.of(0xff), Buffer.from(`${TEXT}\n${PETER_SIG}`)]), [peter]),
    'CRD_NOTE_MALFORMED',
  );
});

test('a note opens from its UTF-8 bytes as from its text', () => {
  const bytes = new TextEncoder().encode(`${TEXT}\n${PETER_SIG}`);
  assert.deepEqual(openNote(bytes, [peter]), openNote(`${TEXT}\n${PETER_SIG}`, [peter]));
});

// --- signing --------------------------------------------------------------------------------

test('signing replaces an existing signature by the same key and keeps the others first (TestSign)', () => {
  const signer = parseSignerKey(PETER_SKEY);
  const stale: NoteSignature = { name: 'PeterNeumann', keyId: 0xc74f20a3, base64: 'BADSIGN=' };
  assert.equal(signNote(TEXT, [signer], [stale]), `${TEXT}\n${PETER_SIG}`);
  assert.equal(signNote(TEXT, [signer], [ENOCH]), `${TEXT}\n${ENOCH_SIG}${PETER_SIG}`);
});

test('signing refuses text and signatures a note cannot carry (TestSign)', () => {
  const signer = parseSignerKey(PETER_SKEY);
  throwsCode(() => signNote('abc', [signer]), 'CRD_NOTE_MALFORMED', /newline/);
  throwsCode(() => signNote('a\tb\n', [signer]), 'CRD_NOTE_MALFORMED', /control/);
  throwsCode(() => signNote(TEXT, [], [{ name: 'a+b', keyId: 0, base64: 'ABCD' }]), 'CRD_NOTE_MALFORMED');
  throwsCode(() => signNote(TEXT, [], [{ ...PETER, base64: 'BADHASH=' }]), 'CRD_NOTE_MALFORMED');
  throwsCode(() => signNote(TEXT, []), 'CRD_NOTE_MALFORMED', /at least one signature/);
  throwsCode(() => signNote(TEXT, [{ ...signer, name: 'bad name' }]), 'CRD_NOTE_KEY_INVALID');
});

test('a generated key pair signs notes that open, and only with its own key', () => {
  const { signerKey, verifierKey } = generateKeyPair('credence.example/ledger');
  assert.match(signerKey, /^PRIVATE\+KEY\+credence\.example\/ledger\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
  assert.match(verifierKey, /^credence\.example\/ledger\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
  const signer = parseSignerKey(signerKey);
  assert.equal(signer.verifierKey, verifierKey);
  const verifier = parseVerifierKey(verifierKey);
  assert.equal(verifier.keyId, signer.keyId);
  const text = 'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n';
  const note = signNote(text, [signer]);
  assert.equal(openNote(note, [verifier]).text, text); // the text's own blank line is not the separator
  assert.equal(openNote(signNote(text, [signer], [PETER]), [verifier]).unverified[0]?.name, 'PeterNeumann');
  const message = new TextEncoder().encode('hi');
  const signature = signer.sign(message);
  assert.ok(verifier.verify(message, signature));
  assert.ok(!verifier.verify(new TextEncoder().encode('hj'), signature));
  signature[0]! ^= 1;
  assert.ok(!verifier.verify(message, signature));
  assert.notEqual(generateKeyPair('credence.example/ledger').verifierKey, verifierKey);
});

test('signature lines read and write back; witness lines join a note with formatNote', () => {
  assert.deepEqual(parseSignatureLine(PETER_SIG.slice(0, -1)), PETER);
  assert.equal(formatSignatureLine(PETER), PETER_SIG.slice(0, -1));
  assert.equal(formatNote(TEXT, [PETER, ENOCH]), `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`);
  assert.deepEqual(parseNote(`${TEXT}\n${PETER_SIG}${PETER_SIG}`).signatures, [PETER, PETER]);
  throwsCode(() => parseSignatureLine(PETER_SIG), 'CRD_NOTE_MALFORMED'); // the newline is not part of it
  throwsCode(() => formatSignatureLine({ ...PETER, keyId: 1 }), 'CRD_NOTE_MALFORMED');
  throwsCode(() => formatNote(TEXT, Array(101).fill(PETER)), 'CRD_NOTE_MALFORMED');
});

// --- keys -----------------------------------------------------------------------------------

test('no mangling of a verifier key is accepted (TestNewVerifier)', () => {
  const refused = (vkey: string) => throwsCode(() => parseVerifierKey(vkey), 'CRD_NOTE_KEY_INVALID');
  for (let i = 0; i <= PETER_VKEY.length; i++) {
    for (let j = i + 1; j <= PETER_VKEY.length; j++)
      if (i !== 0 || j !== PETER_VKEY.length) refused(PETER_VKEY.slice(i, j));
  }
  for (let i = 0; i < PETER_VKEY.length; i++) {
    refused(PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1));
  }
  refused('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='); // wrong length
  refused('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'); // unknown type
  refused(PETER_VKEY.replace('c74f20a3', 'C74F20A3')); // the spec writes hex in lowercase
});

test('no mangling of a signer key is accepted, and no error repeats the secret (TestNewSigner)', () => {
  const secret = PETER_SKEY.slice(PETER_SKEY.lastIndexOf('+') + 1);
  const refused = (skey: string) =>
    assert.throws(
      () => parseSignerKey(skey),
      (error: { code?: string; message: string }) =>
        error.code === 'CRD_NOTE_KEY_INVALID' && !error.message.includes(secret.slice(4, 20)),
    );
  for (let i = 0; i <= PETER_SKEY.length; i++) {
    for (let j = i + 1; j <= PETER_SKEY.length; j++)
      if (i !== 0 || j !== PETER_SKEY.length) refused(PETER_SKEY.slice(i, j));
  }
  for (let i = 0; i < PETER_SKEY.length; i++) {
    refused(PETER_SKEY.slice(0, i) + String.fromCharCode(PETER_SKEY.charCodeAt(i) + 1) + PETER_SKEY.slice(i + 1));
  }
});

test('key names: non-empty, no Unicode space, no plus, no control character', () => {
  for (const name of ['example.com/foo', 'PeterNeumann', 'sum.golang.org', 'übung.example/λ'])
    assert.ok(isValidKeyName(name), name);
  for (const name of ['', 'a b', 'a+b', 'a\tb', 'a\u00a0b', 'a\u2003b', 'a\u3000b', 'a\u0085b', 'a\u0001b', '\ud800']) {
    assert.ok(!isValidKeyName(name), JSON.stringify(name));
  }
  throwsCode(() => generateKeyPair('two words'), 'CRD_NOTE_KEY_INVALID');
});

test('base64 is standard, padded and canonical', () => {
  assert.deepEqual(decodeBase64('QQ=='), Uint8Array.of(0x41));
  assert.deepEqual(decodeBase64(''), new Uint8Array(0));
  for (const text of ['QQ', 'QR==', 'Q===', 'a-_b', 'QUJD\n', ' QUJD', 'QUJD='])
    assert.equal(decodeBase64(text), null, text);
});
