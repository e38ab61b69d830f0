/**
 * A relying principal's webhook (FCRA § 611(d) amendments are POSTed to it), set by an operator. The HMAC secret is
 * made here from 256 random bits and shown once, like a key; unlike a key it is stored as is, because signing needs
 * it. Setting or removing a webhook is a ledger event naming the URL (never the secret).
 */

import { randomBytes } from 'node:crypto';
import { CredenceError } from '../../errors.ts';
import { appendEvents } from '../ledger/ledger.service.ts';
import { getPrincipalWebhook, setPrincipalWebhook } from '../../store/principal-webhooks.repository.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';

function checkUrl(url: string): string {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (parsed === null || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.username !== '')
    throw new CredenceError('CRD_VALIDATION', `the webhook must be an http(s) URL without credentials, not "${url}"`, [
      { code: 'CRD_VALIDATION', path: 'url', message: 'must be an http(s) URL without user or password' },
    ]);
  return parsed.href;
}

/**
 * Sets a relying principal's webhook to `url` with a new secret, returned this once, or removes it (`url` null).
 * Amendments written from then on go to it; those written before stay readable through the API.
 */
export async function setRelyingWebhook(
  ctx: ServiceContext,
  principalId: string,
  url: string | null,
): Promise<{ url: string | null; secret: string | null }> {
  const webhook = url === null ? null : { url: checkUrl(url), secret: randomBytes(32).toString('base64url') };
  const now = ctx.clock();
  await writeTransaction(ctx, async (trx) => {
    const principal = await getPrincipalWebhook(trx, principalId);
    if (principal === undefined) throw new CredenceError('CRD_PRINCIPAL_NOT_FOUND', `no principal "${principalId}"`);
    if (principal.role !== 'relying')
      throw new CredenceError('CRD_VALIDATION', `only a relying principal has amendments to receive`, [
        { code: 'CRD_VALIDATION', path: 'id', message: `"${principalId}" is a ${principal.role} principal` },
      ]);
    await setPrincipalWebhook(trx, principalId, webhook);
    await appendEvents(trx, now, [
      {
        type: 'principal.webhook_set',
        subject_id: null,
        payload: { principal_id: principalId, url: webhook?.url ?? null },
      },
    ]);
  });
  return { url: webhook?.url ?? null, secret: webhook?.secret ?? null };
}
