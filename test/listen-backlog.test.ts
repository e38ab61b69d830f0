import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.ts';
import { CredenceError } from '../src/errors.ts';

test('the listen backlog defaults to 4096, above Node’s 511, so a burst of 1,000 connections is queued', () => {
  assert.equal(loadConfig({}).listenBacklog, 4096);
  assert.equal(loadConfig({ CREDENCE_LISTEN_BACKLOG: '1024' }).listenBacklog, 1024);
});

test('a listen backlog that is not a whole number from 1 to 65535 is refused with CRD_CONFIG_INVALID', () => {
  for (const raw of ['0', '-5', '70000', 'lots', '1.5']) {
    assert.throws(
      () => loadConfig({ CREDENCE_LISTEN_BACKLOG: raw }),
      (error: unknown) =>
        error instanceof CredenceError &&
        error.code === 'CRD_CONFIG_INVALID' &&
        error.details.some((d) => d.path === 'CREDENCE_LISTEN_BACKLOG'),
      raw,
    );
  }
});
