/** SQL for a relying principal's webhook (migration 016): where its amendments are POSTed, and the HMAC key. */

import type { Executor } from './executor.ts';

/** Sets (or, with nulls, removes) a principal's webhook; false when there is no such principal. */
export async function setPrincipalWebhook(
  db: Executor,
  id: string,
  webhook: { url: string; secret: string } | null,
): Promise<boolean> {
  const result = await db
    .updateTable('principals')
    .set({ webhook_url: webhook?.url ?? null, webhook_secret: webhook?.secret ?? null })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** A principal's role and webhook URL (never the secret), or undefined. */
export async function getPrincipalWebhook(
  db: Executor,
  id: string,
): Promise<{ role: string; webhook_url: string | null } | undefined> {
  return db.selectFrom('principals').select(['role', 'webhook_url']).where('id', '=', id).executeTakeFirst();
}
