/** Signing a staff member in through the pages, and posting forms, for the console tests. */

import assert from 'node:assert/strict';
import type { TestRegistry } from './registry.ts';

export const PASSWORD = 'correct horse battery staple';
export type Response = Awaited<ReturnType<TestRegistry['app']['inject']>>;

export function postForm(
  t: TestRegistry,
  url: string,
  fields: Record<string, string>,
  cookie?: string,
): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url,
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  });
}

export async function signIn(
  t: TestRegistry,
  username: string,
  home: string,
): Promise<{ cookie: string; csrf: string; body: string }> {
  const form = await t.app.inject({ url: '/sign-in' });
  const signInCsrf = /name="csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const pre = `credence_csrf=${form.cookies.find((c) => c.name === 'credence_csrf')!.value}`;
  const response = await postForm(t, '/sign-in', { username, password: PASSWORD, csrf: signInCsrf }, pre);
  assert.equal(response.statusCode, 303, response.body);
  const cookie = `credence_session=${response.cookies.find((c) => c.name === 'credence_session')!.value}`;
  const page = await t.app.inject({ url: home, headers: { cookie } });
  assert.equal(page.statusCode, 200, page.body);
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(page.body)![1]!, body: page.body };
}

/** A multipart/form-data body: the fields in order, then the file (as the console's form sends them). */
export function multipart(
  fields: Record<string, string>,
  file?: { name: string; content: string },
): { payload: string; headers: Record<string, string> } {
  const boundary = '----credence-test-boundary';
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  if (file)
    parts.push(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\n` +
        `content-type: application/octet-stream\r\n\r\n${file.content}\r\n`,
    );
  return {
    payload: `${parts.join('')}--${boundary}--\r\n`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
