/**
 * A synthetic city for demos: subjects with valid identifiers and plausible Chinese names, and
 * the records its agencies filed about a few percent of them (demo-records.ts). Pure: the same
 * seed and anchor always give the same city, and a larger city extends a smaller one with the
 * same seed.
 */

import { createRandom, generateLei, generateResidentId, generateUscc, type Random } from './identifier-generators.ts';
import type { Policy, SubjectKind } from './policy.ts';
import { organizationName, personName } from './demo-names.ts';
import { RecordGenerator, type DemoRecord, type DemoSubject, type RecordOptions } from './demo-records.ts';

export interface DemoCity {
  readonly subjects: readonly DemoSubject[];
  readonly records: readonly DemoRecord[];
  /** Subjects the printed examples use; always the first five generated. */
  readonly showcase: {
    /** A person listed as a dishonest judgment debtor until performance. */
    readonly listedPerson: DemoSubject;
    /** A person with no records. */
    readonly unlistedPerson: DemoSubject;
    /** A company listed as a judgment debtor, with a serious penalty too. */
    readonly listedOrganization: DemoSubject;
    /** A company (known by its LEI) with tax grade A and a commendation: red list. */
    readonly redListOrganization: DemoSubject;
    /** A company with a tax grade D given directly and a major-tax-violator decision: seriously dishonest. */
    readonly gradeDOrganization: DemoSubject;
  };
}

export interface CityOptions extends RecordOptions {
  readonly subjects: number;
}

const PERSON_SHARE = 0.85;
const LEI_SHARE = 0.2;

/** Generates the city. */
export function generateDemoCity(policy: Policy, options: CityOptions): DemoCity {
  const random = createRandom(options.seed);
  const builder = new RecordGenerator(policy, random, options);
  const taken = new TakenIdentifiers();
  const subjects: DemoSubject[] = [];
  for (let i = 0; i < options.subjects; i++) {
    const kind: SubjectKind =
      i === 0 || i === 1 ? 'person' : i < 5 ? 'organization' : random.next() < PERSON_SHARE ? 'person' : 'organization';
    const subject = newSubject(random, taken, kind, i === 3);
    subjects.push(subject);
    if (i < 5) builder.showcaseRecords(i, subject);
    else if (kind === 'person') builder.personRecords(subject);
    else builder.organizationRecords(subject);
  }
  const [listedPerson, unlistedPerson, listedOrganization, redListOrganization, gradeDOrganization] = subjects;
  return {
    subjects,
    records: builder.records,
    showcase: {
      listedPerson: listedPerson!,
      unlistedPerson: unlistedPerson!,
      listedOrganization: listedOrganization!,
      redListOrganization: redListOrganization!,
      gradeDOrganization: gradeDOrganization!,
    },
  };
}

/**
 * The identifiers a city has given out. A JavaScript Set holds at most 2^24 (16,777,216) values and a city of
 * 22 million has more, so they are spread over sets by the identifier's last two characters (its check digit and
 * the digit before it: evenly spread in every scheme).
 */
class TakenIdentifiers {
  private readonly shards = new Map<string, Set<string>>();

  has(id: string): boolean {
    return this.shards.get(id.slice(-2))?.has(id) === true;
  }

  add(id: string): void {
    const key = id.slice(-2);
    let shard = this.shards.get(key);
    if (shard === undefined) {
      shard = new Set();
      this.shards.set(key, shard);
    }
    shard.add(id);
  }
}

/** A new subject of `kind` with an identifier no other subject of the city has. */
function newSubject(random: Random, taken: TakenIdentifiers, kind: SubjectKind, withLei: boolean): DemoSubject {
  const lei = kind === 'organization' && (withLei || random.next() < LEI_SHARE);
  const scheme = kind === 'person' ? 'cn-rid' : lei ? 'lei' : 'cn-uscc';
  const generate = scheme === 'cn-rid' ? generateResidentId : scheme === 'lei' ? generateLei : generateUscc;
  let id = generate(random);
  while (taken.has(id)) id = generate(random); // identifiers name one subject each
  taken.add(id);
  return { kind, scheme, id, name: kind === 'person' ? personName(random) : organizationName(random) };
}
