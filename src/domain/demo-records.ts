/**
 * The records a demo city's agencies filed: judgments, penalties, tax grades, arrears,
 * revocations and commendations, drawn at plausible rates for each kind of subject, and one
 * listing decision for the showcase. Pure: the same random stream always draws the same records.
 */

import type { Random } from './identifier-generators.ts';
import type { Policy, SubjectKind } from './policy.ts';
import { documentRef, pick, weighted } from './demo-names.ts';
import { minorListingProblem } from './minors.ts';

/** A subject of the demo city, by the one identifier the demo knows them by. */
export interface DemoSubject {
  readonly kind: SubjectKind;
  readonly scheme: string;
  readonly id: string;
  readonly name: string;
}

/** A record as an agency files it (the API's record shape), with the kind of agency that files it. */
export interface DemoRecord {
  readonly agency_kind: string;
  readonly input: {
    readonly source_ref: string;
    readonly type: string;
    readonly subject: DemoSubject;
    readonly decided_at: string;
    readonly legal_basis: string;
    readonly document_ref: string;
    readonly summary: string;
    readonly attributes: Readonly<Record<string, string>>;
  };
}

/** The record types the demo files; the policy must define them all. */
export const DEMO_RECORD_TYPES = [
  'court.judgment_default',
  'admin.penalty',
  'tax.credit_grade',
  'tax.arrears',
  'market.abnormal_operations',
  'license.revocation',
  'commendation.government',
  'listing.serious_dishonesty',
] as const;
type DemoType = (typeof DEMO_RECORD_TYPES)[number];
/** The agency kinds that file them; the city's first record is always the court's. */
export const DEMO_AGENCY_KINDS = ['court', 'tax', 'market', 'licensing', 'government'] as const;

const JUDGMENT_CRITERIA = [
  'able_but_refuses',
  'obstructs_enforcement',
  'false_litigation_or_hiding_assets',
  'violates_asset_reporting',
  'violates_spending_restriction',
  'refuses_settlement',
] as const;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const TWO_YEARS_DAYS = 730;

/** Source refs are deterministic, so loading the same city twice files nothing new. */
export function demoSourceRef(seed: number, ordinal: number): string {
  return `demo-${seed}-${ordinal}`;
}

/** What fixes the records drawn: the city's seed (in every source ref) and its anchor. */
export interface RecordOptions {
  readonly seed: number;
  /** Records are decided in the two years before this instant. */
  readonly anchor: Date;
}

const PENALTY_AGENCIES: Record<SubjectKind, readonly (readonly [string, number])[]> = {
  person: [
    ['market', 0.3],
    ['tax', 0.2],
    ['licensing', 0.2],
    ['government', 0.3],
  ],
  organization: [
    ['market', 0.5],
    ['tax', 0.25],
    ['licensing', 0.15],
    ['government', 0.1],
  ],
};
const PENALTY_TIERS = [
  ['minor', 0.5],
  ['general', 0.35],
  ['serious', 0.15],
] as const;
const TAX_GRADES = [
  ['A', 0.25],
  ['B', 0.35],
  ['M', 0.1],
  ['C', 0.2],
  ['D', 0.1],
] as const;
const ABNORMAL_REASONS = [
  ['annual_report_not_published', 0.6],
  ['unreachable_at_registered_address', 0.25],
  ['ordered_disclosure_not_made', 0.1],
  ['false_disclosure', 0.05],
] as const;
// Art. 1(1) "able but refuses" is by far the most common ground in published SPC lists.
const CRITERIA = [
  ['able_but_refuses', 0.55],
  ['false_litigation_or_hiding_assets', 0.12],
  ['violates_spending_restriction', 0.12],
  ['violates_asset_reporting', 0.1],
  ['refuses_settlement', 0.07],
  ['obstructs_enforcement', 0.04],
] as const;

const SUMMARIES = {
  able_but_refuses: '有履行能力而拒不履行生效法律文书确定的义务',
  obstructs_enforcement: '以伪造证据、暴力、威胁等方法妨碍、抗拒执行',
  false_litigation_or_hiding_assets: '以虚假诉讼、隐匿或转移财产等方法规避执行',
  violates_asset_reporting: '违反财产报告制度',
  violates_spending_restriction: '违反限制消费令',
  refuses_settlement: '无正当理由拒不履行执行和解协议',
  annual_report_not_published: '未按规定期限公示年度报告',
  unreachable_at_registered_address: '通过登记的住所或者经营场所无法联系',
  ordered_disclosure_not_made: '未在责令期限内公示有关企业信息',
  false_disclosure: '公示企业信息隐瞒真实情况、弄虚作假',
  minor: '轻微违法行为，依法给予警告',
  general: '一般违法行为，依法给予罚款',
  serious: '严重违法行为，依法给予罚款并责令停业整顿',
} as const satisfies Record<string, string>;

const LICENCES: Record<SubjectKind, readonly string[]> = {
  person: ['机动车驾驶证', '律师执业证书', '医师执业证书', '注册会计师证书'],
  organization: ['食品经营许可证', '建筑业企业资质证书', '危险化学品经营许可证', '道路运输经营许可证'],
};
const AWARDS: Record<SubjectKind, readonly string[]> = {
  person: ['北京市劳动模范', '北京市优秀志愿者', '首都精神文明建设奖'],
  organization: ['守合同重信用企业', '北京市诚信示范单位', '纳税信用示范企业'],
};

/**
 * Draws the records agencies filed about each subject, in a fixed order from the city's one
 * random stream (shared with the subjects' draws, so the same seed gives the same city).
 */
export class RecordGenerator {
  readonly records: DemoRecord[] = [];
  private readonly policy: Policy;
  private readonly random: Random;
  private readonly options: RecordOptions;

  constructor(policy: Policy, random: Random, options: RecordOptions) {
    this.policy = policy;
    this.random = random;
    this.options = options;
  }

  /** Fixed records, decided recently enough to be in force, for the printed examples. */
  showcaseRecords(index: number, s: DemoSubject): void {
    if (index === 0) this.judgment(s, 'able_but_refuses', 60);
    if (index === 2) {
      this.judgment(s, 'obstructs_enforcement', 45);
      this.penalty(s, 'serious', 'market', 120);
    }
    if (index === 3) {
      this.taxGrade(s, 'A', 100);
      this.file(
        s,
        'commendation.government',
        'government',
        200,
        { award: AWARDS.organization[0]! },
        `授予“${AWARDS.organization[0]}”称号`,
      );
    }
    if (index === 4) {
      // A D given directly (SAT Announcement 2025 No. 12) and the tax agency's decision naming the company a major
      // tax violator (SAT Order No. 54): the decision, not the grade, puts it on the serious-dishonesty list.
      this.taxGrade(s, 'D', 100, 'direct');
      this.file(
        s,
        'listing.serious_dishonesty',
        'tax',
        90,
        { basis: 'sat_major_tax_violation' },
        '确定为重大税收违法失信主体',
      );
    }
  }

  /** A person's records: most people have none. */
  personRecords(s: DemoSubject): void {
    const r = this.random;
    if (r.next() < 0.025) this.judgment(s, weighted(r, CRITERIA), this.daysAgo());
    if (r.next() < 0.02)
      this.penalty(s, weighted(r, PENALTY_TIERS), weighted(r, PENALTY_AGENCIES.person), this.daysAgo());
    if (r.next() < 0.006) this.arrears(s);
    if (r.next() < 0.003) this.revocation(s);
    if (r.next() < 0.01) this.commendation(s);
  }

  /** An organisation's records: tax grades are common, sanctions rarer. */
  organizationRecords(s: DemoSubject): void {
    const r = this.random;
    if (r.next() < 0.25) this.taxGrade(s, weighted(r, TAX_GRADES), this.daysAgo());
    if (r.next() < 0.06)
      this.penalty(s, weighted(r, PENALTY_TIERS), weighted(r, PENALTY_AGENCIES.organization), this.daysAgo());
    if (r.next() < 0.03) this.judgment(s, weighted(r, CRITERIA), this.daysAgo());
    if (r.next() < 0.04) {
      const reason = weighted(r, ABNORMAL_REASONS);
      this.file(
        s,
        'market.abnormal_operations',
        'market',
        this.daysAgo(),
        { reason },
        `列入经营异常名录：${SUMMARIES[reason]}`,
      );
    }
    if (r.next() < 0.02) this.arrears(s);
    if (r.next() < 0.01) this.revocation(s);
    if (r.next() < 0.02) this.commendation(s);
  }

  private daysAgo(): number {
    return 1 + this.random.int(TWO_YEARS_DAYS);
  }

  private judgment(s: DemoSubject, criterion: (typeof JUDGMENT_CRITERIA)[number], daysAgo: number): void {
    this.file(s, 'court.judgment_default', 'court', daysAgo, { criterion }, `失信被执行人：${SUMMARIES[criterion]}`);
  }

  private penalty(s: DemoSubject, tier: 'minor' | 'general' | 'serious', agencyKind: string, daysAgo: number): void {
    this.file(s, 'admin.penalty', agencyKind, daysAgo, { tier }, `行政处罚：${SUMMARIES[tier]}`);
  }

  private taxGrade(s: DemoSubject, grade: string, daysAgo: number, assessment?: 'direct'): void {
    const decided = this.dateBefore(daysAgo);
    const year = String(yearInBeijing(decided) - 1); // grades assess the previous tax year
    this.file(
      s,
      'tax.credit_grade',
      'tax',
      daysAgo,
      assessment === undefined ? { grade, year } : { grade, year, assessment },
      `${year}年度纳税信用等级评定为${grade}级`,
      decided,
    );
  }

  private arrears(s: DemoSubject): void {
    const amount = `${1000 + this.random.int(500_000)}.00`;
    this.file(s, 'tax.arrears', 'tax', this.daysAgo(), { amount_cny: amount }, `欠缴税款${amount}元`);
  }

  private revocation(s: DemoSubject): void {
    const licence = pick(this.random, LICENCES[s.kind]);
    this.file(s, 'license.revocation', 'licensing', this.daysAgo(), { licence }, `吊销${licence}`);
  }

  private commendation(s: DemoSubject): void {
    const award = pick(this.random, AWARDS[s.kind]);
    this.file(s, 'commendation.government', 'government', this.daysAgo(), { award }, `授予“${award}”称号`);
  }

  /**
   * A decision time in office hours in Beijing (UTC+8, for a midnight UTC anchor), `daysAgo` days before the
   * anchor.
   */
  private dateBefore(daysAgo: number): Date {
    return new Date(this.options.anchor.getTime() - daysAgo * DAY_MS + HOUR_MS + this.random.int(8 * 60) * 60_000);
  }

  private file(
    s: DemoSubject,
    type: DemoType,
    agencyKind: string,
    daysAgo: number,
    attributes: Record<string, string>,
    summary: string,
    decided = this.dateBefore(daysAgo),
  ): void {
    // Fa Shi [2017] 7 art. 4: the city's authorities list no minor, so neither does its demo.
    if (minorListingProblem(this.policy, { type, subject: s, decided_at: decided, attributes }) !== null) return;
    this.records.push({
      agency_kind: agencyKind,
      input: {
        source_ref: demoSourceRef(this.options.seed, this.records.length),
        type,
        subject: s,
        decided_at: decided.toISOString(),
        legal_basis: this.policy.record_types.get(type)!.legal_basis.en,
        document_ref: documentRef(this.random, type, agencyKind, yearInBeijing(decided)),
        summary,
        attributes,
      },
    });
  }
}

function yearInBeijing(date: Date): number {
  return new Date(date.getTime() + 8 * HOUR_MS).getUTCFullYear();
}
