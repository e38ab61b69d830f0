/**
 * Amendments (issue 10; FCRA § 611(d), 15 U.S.C. § 1681i(d)): what a relying principal is told when a record behind
 * a decision it got is corrected, revoked or repaired. One row per (principal, identifier asked about, action, old
 * outcome) and change, with a monotonic id the principal pages by. The same row is the outbox of the principal's
 * webhook (`delivery_status` null: the principal had no webhook when it was written). Principals gain an optional
 * webhook URL and HMAC secret, set by an operator. Inquiries already have `inquiries_subject` on (scheme, value, at),
 * which is what finding the decisions about a subject since a day needs. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table principals add column webhook_url text, add column webhook_secret text;

    create table amendments (
      id bigserial primary key,
      principal_id text not null,
      subject_id bigint not null,
      subject_scheme text not null,
      subject_value text not null,
      at timestamptz not null,
      action text not null,
      old_outcome text not null,
      new_outcome text not null,
      -- the newest decisions first, at most 100 of them; decision_count counts them all
      decision_ids text[] not null,
      decision_count integer not null,
      first_decided_at timestamptz not null,
      last_decided_at timestamptz not null,
      record_id bigint not null,
      record_type text not null,
      change text not null check (change in ('corrected', 'revoked', 'repaired')),
      reason text not null,
      ground text,
      policy_version text not null,
      delivery_status text check (delivery_status in ('pending', 'delivered', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz,
      last_attempt_at timestamptz,
      last_error text,
      delivered_at timestamptz
    );
    create index amendments_principal on amendments (principal_id, id);
    create index amendments_due on amendments (next_attempt_at) where delivery_status = 'pending';
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table amendments;
    alter table principals drop column webhook_url, drop column webhook_secret;
  `.execute(db);
}
