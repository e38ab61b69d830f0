/** Factories for test inputs: valid by default, overridable field by field. */

import { createRandom, generateResidentId, generateUscc } from '../../src/domain/identifier-generators.ts';

const random = createRandom(42);
let counter = 0;

export const aResidentId = (): string => generateResidentId(random);
export const anUscc = (): string => generateUscc(random);

type Input = Record<string, unknown>;

export function aCourtRecord(
  overrides: { criterion?: string; subjectId?: string; name?: string; kind?: 'person' | 'organization' } & Input = {},
): Input {
  const { criterion = 'able_but_refuses', subjectId, name, kind = 'person', ...rest } = overrides;
  counter += 1;
  return {
    source_ref: `(2026)京0108执${counter}`,
    type: 'court.judgment_default',
    subject: aSubject(kind, subjectId, name ?? '张三'),
    decided_at: '2026-10-01',
    legal_basis: 'Fa Shi [2013] 17 art. 1',
    document_ref: `(2026)京0108执${counter}号`,
    attributes: { criterion },
    ...rest,
  };
}

/** A subject of `kind`: `subjectId` or a fresh valid identifier in the kind's scheme. */
function aSubject(kind: 'person' | 'organization', subjectId: string | undefined, name: string) {
  const id = subjectId ?? (kind === 'person' ? aResidentId() : anUscc());
  return { kind, scheme: kind === 'person' ? 'cn-rid' : 'cn-uscc', id, name };
}

export function aPenalty(
  overrides: { tier?: string; subjectId?: string; kind?: 'person' | 'organization' } & Input = {},
): Input {
  const { tier = 'general', subjectId, kind = 'organization', ...rest } = overrides;
  counter += 1;
  return {
    source_ref: `penalty-${counter}`,
    type: 'admin.penalty',
    subject: aSubject(kind, subjectId, '北京某某科技有限公司'),
    decided_at: '2026-09-15',
    legal_basis: 'Administrative Penalty Law art. 9',
    document_ref: `京市监罚〔2026〕${counter}号`,
    attributes: { tier },
    ...rest,
  };
}

/**
 * A market agency's decision naming a subject seriously dishonest (SAMR Order No. 44): the one record the
 * `serious-dishonesty` list rests on (Guo Ban Fa [2020] 49 (6)-(8)).
 */
export function aListingDecision(
  overrides: { basis?: string; subjectId?: string; kind?: 'person' | 'organization' } & Input = {},
): Input {
  const { basis = 'samr_serious_violation', subjectId, kind = 'organization', ...rest } = overrides;
  counter += 1;
  return {
    source_ref: `listing-${counter}`,
    type: 'listing.serious_dishonesty',
    subject: aSubject(kind, subjectId, '北京某某科技有限公司'),
    decided_at: '2026-09-15',
    legal_basis: 'SAMR Order No. 44 (2021)',
    document_ref: `京市监严列〔2026〕${counter}号`,
    attributes: { basis },
    ...rest,
  };
}

/**
 * A market-registration authority's filing that a person holds a role in an organisation (Fa Shi [2015] 17 art. 3
 * para. 2): the organisation's legal representative by default, from 2026-01-01.
 */
export function aRelationship(
  overrides: { organizationId?: string; personId?: string; role?: string } & Input = {},
): Input {
  const { organizationId, personId, role = 'legal_representative', ...rest } = overrides;
  counter += 1;
  return {
    source_ref: `relationship-${counter}`,
    organization: { scheme: 'cn-uscc', id: organizationId ?? anUscc(), name: '北京某某科技有限公司' },
    person: { scheme: 'cn-rid', id: personId ?? aResidentId(), name: '李四' },
    role,
    from: '2026-01-01',
    legal_basis: 'Regulations on the Registration and Administration of Market Entities, art. 8',
    document_ref: `京市监登〔2026〕${counter}号`,
    ...rest,
  };
}

/** A court's permission for a person's personal spending from personal funds (Fa Shi [2015] 17 art. 3 para. 2). */
export function aSpendingExemption(overrides: { organizationId: string; personId: string } & Input): Input {
  const { organizationId, personId, ...rest } = overrides;
  counter += 1;
  return {
    source_ref: `exemption-${counter}`,
    type: 'court.personal_spending_exemption',
    subject: { kind: 'person', scheme: 'cn-rid', id: personId, name: '李四' },
    decided_at: '2026-10-20',
    legal_basis: 'Fa Shi [2015] 17 art. 3 para. 2',
    document_ref: `(2026)京0108执异${counter}号`,
    attributes: { organization: organizationId },
    ...rest,
  };
}
