/** Ready-to-paste curl commands that try the demo keys against a running server. */

import type { Policy } from '../../domain/policy.ts';
import type { DemoCity } from '../../domain/demo-city.ts';

export interface DemoExamples {
  readonly deny: string;
  readonly allow: string;
  readonly batch: string;
  readonly report: string;
  readonly file_record: string;
}

/** What each example shows, in the order the CLI prints them. */
export const EXAMPLE_TITLES: Readonly<Record<keyof DemoExamples, string>> = {
  deny: 'A listed judgment debtor asks for a business-class seat: deny',
  allow: 'A person with no records asks the same: allow',
  batch: 'Procurement checks for four subjects in one call: deny, allow, deny, waive (red list)',
  report: 'The listed person reads their own report with the subject key',
  file_record: 'The court lists the second person; run the "allow" example again to see deny',
};

type Keys = { readonly relying: string; readonly subject: string; readonly agency: Readonly<Record<string, string>> };

/** Single quotes for the shell, escaping any inside. */
function quoted(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function curl(method: 'GET' | 'POST', url: string, key: string, body?: unknown): string {
  const lines = [
    `curl -s${method === 'GET' ? '' : ' -X POST'} ${url}`,
    `  -H ${quoted(`Authorization: Bearer ${key}`)}`,
  ];
  if (body !== undefined) lines.push(`  -H 'Content-Type: application/json'`, `  -d ${quoted(JSON.stringify(body))}`);
  return lines.join(' \\\n');
}

export function demoExamples(
  baseUrl: string,
  keys: Keys,
  showcase: DemoCity['showcase'],
  policy: Policy,
  now: Date,
): DemoExamples {
  const ref = (s: { scheme: string; id: string }) => ({ scheme: s.scheme, id: s.id });
  const { listedPerson, unlistedPerson, listedOrganization, redListOrganization } = showcase;
  const today = now.toISOString().slice(0, 10);
  const air = { action: 'travel.air.premium_class', purpose: 'ticketing' };
  return {
    deny: curl('POST', `${baseUrl}/v1/decisions`, keys.relying, { subject: ref(listedPerson), ...air }),
    allow: curl('POST', `${baseUrl}/v1/decisions`, keys.relying, { subject: ref(unlistedPerson), ...air }),
    batch: curl('POST', `${baseUrl}/v1/decisions/batch`, keys.relying, {
      subjects: [listedPerson, unlistedPerson, listedOrganization, redListOrganization].map(ref),
      action: 'procurement.bid',
      purpose: 'procurement',
    }),
    report: curl('GET', `${baseUrl}/v1/subjects/${listedPerson.scheme}/${listedPerson.id}/report`, keys.subject),
    file_record: curl('POST', `${baseUrl}/v1/records`, keys.agency.court ?? '', {
      records: [
        {
          source_ref: `demo-try-${today.replaceAll('-', '')}`,
          type: 'court.judgment_default',
          subject: unlistedPerson,
          decided_at: today,
          legal_basis: policy.record_types.get('court.judgment_default')?.legal_basis.en,
          document_ref: `(${today.slice(0, 4)})京0105执9999号`,
          attributes: { criterion: 'refuses_settlement' },
        },
      ],
    }),
  };
}
