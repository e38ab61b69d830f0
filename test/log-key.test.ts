import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { generateKeyPair, parseSignerKey, parseVerifierKey } from '../src/domain/log/note-keys.ts';
import { openNote, signNote } from '../src/domain/log/note.ts';
import { logKeyFile, openLogSigner } from '../src/services/ledger/log-key.service.ts';
import { throwsCode } from './support/signed-notes.ts';
import { startTestRegistry, type TestRegistry } from './support/registry.ts';

// c2sp.org/signed-note verifier key: <name>+<8 lowercase hex key ID>+<base64 of 0x01 || 32-byte Ed25519 key>.
const VERIFIER_KEY = /^(?<name>[^+\s]+)\+[0-9a-f]{8}\+(?<key>[A-Za-z0-9+/]{44})\n$/;
const ORIGIN = 'registry.example.gov/ledger';

let t: TestRegistry;
let scratch: string;

before(async () => {
  t = await startTestRegistry();
  scratch = await mkdtemp(path.join(tmpdir(), 'credence-log-key-'));
});
after(async () => {
  await t.close();
  await rm(scratch, { recursive: true, force: true });
});

/** A folder of its own under the scratch folder, for one test's data directory or key file. */
async function folder(name: string): Promise<string> {
  return mkdtemp(path.join(scratch, `${name}-`));
}

/** A key file holding a new signer key named `name`; returns its path and the key pair. */
async function aKeyFile(name: string) {
  const pair = generateKeyPair(name);
  const file = path.join(await folder('key'), 'log.key');
  await writeFile(file, `${pair.signerKey}\n`, { mode: 0o600 });
  return { file, pair };
}

describe('credence log key', () => {
  test('creates the key pair once, mode 0600, and prints the same verifier key every time', async () => {
    const dataDir = await folder('data');
    const env = { CREDENCE_DATA_DIR: dataDir, CREDENCE_LOG_ORIGIN: ORIGIN };
    const first = await t.cliWith(env, 'log', 'key');
    assert.equal(first.code, 0, first.err);
    assert.equal(VERIFIER_KEY.exec(first.out)?.groups?.name, ORIGIN);
    assert.match(first.err, /created the transparency log's signing key/);
    const file = path.join(dataDir, 'log', 'signing.key');
    const created = await stat(file);
    assert.equal(created.mode & 0o777, 0o600);
    assert.deepEqual(await readdir(path.dirname(file)), ['signing.key'], 'no temporary file is left behind');
    assert.match(await readFile(file, 'utf8'), /^PRIVATE\+KEY\+registry\.example\.gov\/ledger\+[0-9a-f]{8}\+\S+\n$/);

    const second = await t.cliWith(env, 'log', 'key');
    assert.equal(second.code, 0, second.err);
    assert.equal(second.out, first.out);
    assert.equal(second.err, '', 'nothing is created the second time');
    const again = await stat(file);
    assert.equal(again.ino, created.ino);
    assert.equal(again.mtimeMs, created.mtimeMs);
    for (const output of [first.out, first.err, second.out]) assert.doesNotMatch(output, /PRIVATE/);
  });

  test('the printed key verifies a note signed by the stored signer, and no other key', async () => {
    const dataDir = await folder('data');
    const { out } = await t.cliWith({ CREDENCE_DATA_DIR: dataDir, CREDENCE_LOG_ORIGIN: ORIGIN }, 'log', 'key');
    const verifier = parseVerifierKey(out.trimEnd());
    const stored = parseSignerKey((await readFile(path.join(dataDir, 'log', 'signing.key'), 'utf8')).trim());
    const text = `${ORIGIN}\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n`;
    const opened = openNote(signNote(text, [stored]), [verifier]);
    assert.equal(opened.text, text);
    assert.deepEqual(
      opened.verified.map((s) => s.name),
      [ORIGIN],
    );
    const impostor = parseSignerKey(generateKeyPair(ORIGIN).signerKey);
    throwsCode(() => openNote(signNote(text, [impostor]), [verifier]), 'CRD_NOTE_UNVERIFIED');
  });

  test('two processes starting on a fresh data directory agree on one key', async () => {
    const config = loadConfig({ CREDENCE_DATA_DIR: await folder('data'), CREDENCE_LOG_ORIGIN: ORIGIN });
    const created: string[] = [];
    const signers = await Promise.all(Array.from({ length: 8 }, () => openLogSigner(config, (m) => created.push(m))));
    assert.equal(new Set(signers.map((s) => s.verifierKey)).size, 1);
    assert.equal(created.length, 1, 'one creates the key; the others read it, never replace it');
    assert.deepEqual(await readdir(path.dirname(logKeyFile(config))), ['signing.key']);
  });

  test('CREDENCE_LOG_KEY_FILE is honoured, and never created when missing', async () => {
    const { file, pair } = await aKeyFile(ORIGIN);
    const dataDir = await folder('data');
    const env = { CREDENCE_DATA_DIR: dataDir, CREDENCE_LOG_ORIGIN: ORIGIN, CREDENCE_LOG_KEY_FILE: file };
    const result = await t.cliWith(env, 'log', 'key');
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out, `${pair.verifierKey}\n`);
    assert.deepEqual(await readdir(dataDir), [], 'the data directory is not used');

    const missing = path.join(path.dirname(file), 'missing.key');
    const refused = await t.cliWith({ ...env, CREDENCE_LOG_KEY_FILE: missing }, 'log', 'key');
    assert.equal(refused.code, 78);
    assert.match(refused.err, /CRD_CONFIG_INVALID: CREDENCE_LOG_KEY_FILE=.*missing\.key: there is no such file/);
    await assert.rejects(stat(missing), { code: 'ENOENT' });
  });

  test('a key named for another origin is refused with a coded error, not silently replaced', async () => {
    const { file, pair } = await aKeyFile('old.example.gov/ledger');
    const refused = await t.cliWith({ CREDENCE_LOG_ORIGIN: ORIGIN, CREDENCE_LOG_KEY_FILE: file }, 'log', 'key');
    assert.equal(refused.code, 78);
    assert.match(
      refused.err,
      /^error CRD_LOG_KEY_MISMATCH: .*"old\.example\.gov\/ledger".*"registry\.example\.gov\/ledger"/,
    );
    assert.equal(refused.out, '');
    assert.ok(!refused.err.includes(pair.signerKey.split('+').at(-1)!), 'the private key is never printed');

    const dataDir = await folder('data');
    assert.equal((await t.cliWith({ CREDENCE_DATA_DIR: dataDir, CREDENCE_LOG_ORIGIN: ORIGIN }, 'log', 'key')).code, 0);
    const moved = await t.cliWith(
      { CREDENCE_DATA_DIR: dataDir, CREDENCE_LOG_ORIGIN: 'new.example/ledger' },
      'log',
      'key',
    );
    assert.equal(moved.code, 78);
    assert.match(moved.err, /CRD_LOG_KEY_MISMATCH/);
  });

  test('a key file that holds no signer key is refused, naming the file and not its content', async () => {
    const { file, pair } = await aKeyFile(ORIGIN);
    // PRIVATE+KEY+<origin>+<key ID>+<base64>: the base64 may itself hold a '+', so take all of it, not the last piece
    // (a short last piece turned up in the message by chance).
    const secret = pair.signerKey.split('+').slice(4).join('+');
    assert.ok(secret.length >= 40, secret);
    for (const content of ['not a key\n', pair.verifierKey, pair.signerKey.replace(/\+[0-9a-f]{8}\+/, '+00000000+')]) {
      await writeFile(file, content);
      const refused = await t.cliWith({ CREDENCE_LOG_ORIGIN: ORIGIN, CREDENCE_LOG_KEY_FILE: file }, 'log', 'key');
      assert.equal(refused.code, 65, content);
      assert.match(refused.err, /^error CRD_NOTE_KEY_INVALID: the log's signing key file \S+log\.key: /);
      assert.ok(!refused.err.includes(secret), 'the private key is never printed');
    }
  });

  test('--help documents the command and its variables', async () => {
    const { out } = await t.cli('--help');
    assert.match(out, /log key {2,}Print the log's verifier key/);
    assert.match(out, /CREDENCE_LOG_ORIGIN +default: HOST of CREDENCE_PUBLIC_URL \+ \/ledger/);
    assert.match(out, /CREDENCE_LOG_KEY_FILE +default: DATA_DIR\/log\/signing\.key/);
  });
});

describe('GET /log/key', () => {
  test('serves the verifier key the CLI prints, without a key, cacheable', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/log/key' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(response.headers['cache-control'], 'public, max-age=3600');
    assert.equal(response.body, `${t.logKey}\n`);
    assert.equal(VERIFIER_KEY.exec(response.body)?.groups?.name, t.config.logOrigin);
    const printed = await t.cli('log', 'key');
    assert.equal(printed.code, 0, printed.err);
    assert.equal(printed.out, response.body);
  });

  test('is documented in the OpenAPI document as public text', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const get = spec.paths['/log/key'].get;
    assert.deepEqual(get.security, []);
    assert.deepEqual(Object.keys(get.responses['200'].content), ['text/plain; charset=utf-8']);
  });
});

describe('log configuration', () => {
  test('the origin defaults to the public host, or localhost and the port, followed by /ledger', () => {
    assert.equal(loadConfig({}).logOrigin, 'localhost:8080/ledger');
    assert.equal(loadConfig({ PORT: '9000' }).logOrigin, 'localhost:9000/ledger');
    const proxied = loadConfig({ CREDENCE_PUBLIC_URL: 'https://credit.example.gov:8443/registry/' });
    assert.equal(proxied.logOrigin, 'credit.example.gov:8443/ledger');
    assert.equal(loadConfig({ CREDENCE_LOG_ORIGIN: ' credit.example.gov/log ' }).logOrigin, 'credit.example.gov/log');
    assert.equal(loadConfig({}).logKeyFile, null);
    assert.equal(loadConfig({ CREDENCE_LOG_KEY_FILE: 'keys/log.key' }).logKeyFile, path.resolve('keys/log.key'));
  });

  test('an origin that cannot name a key is refused, with every other bad variable', () => {
    const paths = (env: NodeJS.ProcessEnv) => {
      try {
        loadConfig(env);
      } catch (error) {
        assert.equal((error as { code: string }).code, 'CRD_CONFIG_INVALID');
        return (error as { details: { path: string }[] }).details.map((d) => d.path);
      }
      assert.fail('the configuration was accepted');
    };
    assert.deepEqual(paths({ CREDENCE_LOG_ORIGIN: 'credit example/ledger', PORT: 'x' }), [
      'PORT',
      'CREDENCE_LOG_ORIGIN',
    ]);
    assert.deepEqual(paths({ CREDENCE_LOG_ORIGIN: 'example.gov+ledger' }), ['CREDENCE_LOG_ORIGIN']);
    // A host a key name cannot carry: the default is refused and the variable must be set.
    assert.deepEqual(paths({ CREDENCE_PUBLIC_URL: 'https://credit+registry.example/' }), ['CREDENCE_LOG_ORIGIN']);
    // A bad port or public URL is reported once, not again as a bad default origin.
    assert.deepEqual(paths({ CREDENCE_PUBLIC_URL: 'ftp://credit.example/' }), ['CREDENCE_PUBLIC_URL']);
  });

  test('credence reports a bad origin before doing anything', async () => {
    const refused = await t.cliWith({ CREDENCE_LOG_ORIGIN: 'two words' }, 'log', 'key');
    assert.equal(refused.code, 78);
    assert.match(refused.err, /CREDENCE_LOG_ORIGIN="two words" must be a signed-note key name/);
    assert.equal(refused.out, '');
  });
});
