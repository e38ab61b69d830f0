/**
 * The printable credit report (issue 11): GET /v1/subjects/{scheme}/{id}/report.pdf and the portal's
 * /portal/report.pdf are PDFs in the reader's language with a CJK font subset embedded, the generation time, the
 * policy version and the log checkpoint the report was proven against; only the subject, operators and auditors may
 * read one, and every read is logged as an inquiry, as the JSON report's is. Text is read back with pdf.js.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { parseCheckpoint } from '../src/domain/log/checkpoint.ts';
import { encodeBase64 } from '../src/domain/log/note-encoding.ts';
import { parseNote } from '../src/domain/log/note.ts';
import { readReportFonts } from '../src/services/due-process/report-pdf-font.ts';
import { integrateLog } from '../src/services/ledger/log-integrator.service.ts';
import { openLogSigner } from '../src/services/ledger/log-key.service.ts';
import { aCourtRecord, aRelationship, aResidentId, anUscc } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

type Response = Awaited<ReturnType<TestRegistry['app']['inject']>>;

let t: TestRegistry;
let court: string;
let operator: string;
let subjectKey: string;
let othersKey: string;
let recordId: string;
const person = aResidentId();
const other = aResidentId();
const organization = anUscc();
const PROMISE = '本人承诺按期履行生效判决确定的义务。';
const LETTER = '京信承〔2026〕8号';
const REVOKED_BECAUSE = '登记有误';

before(async () => {
  t = await startTestRegistry(undefined, { subjectSignIn: { oidc: null, demo: true } });
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
  recordId = await t.file(court, aCourtRecord({ subjectId: person, name: '王小明' }));
  await t.file(court, aCourtRecord({ subjectId: other, name: '李四' }));
  subjectKey = await t.keyFor({ role: 'subject', name: 'wang', subject: `cn-rid:${person}` });
  othersKey = await t.keyFor({ role: 'subject', name: 'li', subject: `cn-rid:${other}` });
  await aRoleAndTwoCommitments();
  const signer = await openLogSigner(t.config);
  while ((await integrateLog(t.registry.rt, signer)).added > 0);
});
after(() => t?.close());

/**
 * 王小明 is the legal representative of a company (and was a principal of another, until that was revoked), and has
 * made two credit commitments: one for his record, one for his conduct, filed by an operator from his letter.
 */
async function aRoleAndTwoCommitments(): Promise<void> {
  const market = await t.keyFor({ role: 'agency', name: 'Haidian Market Regulation', agency_kind: 'market' });
  const wang = { scheme: 'cn-rid', id: person, name: '王小明' };
  const related = await t.app.inject({
    method: 'POST',
    url: '/v1/relationships',
    headers: bearer(market),
    payload: {
      relationships: [
        aRelationship({
          organization: { scheme: 'cn-uscc', id: organization, name: '北京星辰科技有限公司' },
          person: wang,
        }),
        aRelationship({
          organization: { scheme: 'cn-uscc', id: anUscc(), name: '北京月光贸易有限公司' },
          person: wang,
        }),
      ],
    },
  });
  assert.equal(related.json().accepted?.length, 2, related.body);
  const revoked = await t.app.inject({
    method: 'POST',
    url: `/v1/relationships/${related.json().accepted[1].relationship_id}/revocation`,
    headers: bearer(market),
    payload: { reason: REVOKED_BECAUSE },
  });
  assert.equal(revoked.statusCode, 200, revoked.body);
  const commit = (key: string, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: `/v1/subjects/cn-rid/${person}/commitments`, headers: bearer(key), payload });
  const made = await commit(subjectKey, { text: PROMISE, record_id: recordId });
  assert.equal(made.statusCode, 201, made.body);
  const filed = await commit(operator, { text: 'I will keep the law.', document_ref: LETTER });
  assert.equal(filed.statusCode, 201, filed.body);
}

/** Every text item of every page, whitespace removed (lines wrap anywhere in a paragraph). */
async function textOf(pdf: Buffer): Promise<string> {
  const document = await getDocument({ data: new Uint8Array(pdf) }).promise;
  let text = '';
  for (let n = 1; n <= document.numPages; n++) {
    const content = await (await document.getPage(n)).getTextContent();
    text += content.items.map((item) => ('str' in item ? item.str : '')).join('');
  }
  await document.destroy();
  return text.replace(/\s+/g, '');
}

function assertContains(text: string, ...needles: string[]): void {
  for (const needle of needles) assert.ok(text.includes(needle.replace(/\s+/g, '')), `the PDF says “${needle}”`);
}

function assertPdf(response: Response): Buffer {
  assert.equal(response.statusCode, 200, response.body.slice(0, 300));
  assert.equal(response.headers['content-type'], 'application/pdf');
  assert.equal(response.headers['cache-control'], 'no-store');
  const pdf = response.rawPayload;
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  return pdf;
}

async function reportJson(key = operator) {
  const response = await t.app.inject({ url: `/v1/subjects/cn-rid/${person}/report`, headers: bearer(key) });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

describe('GET /v1/subjects/{scheme}/{id}/report.pdf', () => {
  test('in Chinese: a CJK font subset, the file, its policy version and log checkpoint', async () => {
    const response = await t.app.inject({
      url: `/v1/subjects/cn-rid/${person}/report.pdf`,
      headers: { ...bearer(subjectKey), 'accept-language': 'zh-CN,zh;q=0.9' },
    });
    const pdf = assertPdf(response);
    // A subset (a six-letter tag before the name) of the CJK font, embedded as a TrueType font file.
    assert.match(pdf.toString('latin1'), /\/BaseFont \/[A-Z]{6}\+(NotoSansSC|WenQuanYi)/);
    assert.match(pdf.toString('latin1'), /\/FontFile2 /);
    const text = await textOf(pdf);
    const report = await reportJson();
    const policy = t.registry.rt.policy;
    const list = policy.lists.get('judgment-defaulters')!;
    const checkpoint = parseCheckpoint(parseNote(report.log.checkpoint).text);
    assertContains(
      text,
      '信用报告',
      '生成时间',
      '王小明',
      `cn-rid:${person}`,
      `政策版本 ${report.policy_version}`,
      policy.digest,
      `等级 ${report.grade}`,
      list.name.zh,
      list.exit.zh,
      'Haidian Court',
      checkpoint.origin,
      String(checkpoint.size),
      encodeBase64(checkpoint.rootHash),
      'credence verify-report',
      t.logKey,
      '第 1 页',
    );
    assert.ok(!text.includes('Credit report'), 'no English title on a Chinese report');
  });

  test('in English without Accept-Language', async () => {
    const response = await t.app.inject({ url: `/v1/subjects/cn-rid/${person}/report.pdf`, headers: bearer(operator) });
    const text = await textOf(assertPdf(response));
    const list = t.registry.rt.policy.lists.get('judgment-defaulters')!;
    assertContains(text, 'Credit report', 'Generated', list.name.en, list.exit.en, 'Who checked', 'Page 1 of');
    assert.ok(!text.includes('信用报告'));
  });

  test('only the subject, operators and auditors: another subject and a relying service are refused', async () => {
    const url = `/v1/subjects/cn-rid/${person}/report.pdf`;
    const relying = await t.keyFor({
      role: 'relying',
      name: 'Air China',
      actions: ['travel.air.premium_class'],
      purposes: ['ticketing'],
    });
    for (const key of [othersKey, relying, court]) {
      const refused = await t.app.inject({ url, headers: bearer(key) });
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(refused.json().error.code, 'CRD_FORBIDDEN');
    }
    assert.equal((await t.app.inject({ url })).statusCode, 401);
    const auditor = await t.keyFor({ role: 'auditor', name: 'Audit Office' });
    assertPdf(await t.app.inject({ url, headers: bearer(auditor) }));
  });

  test('each read is logged as an inquiry, as the JSON report is', async () => {
    const before = (await reportJson()).inquiries_total;
    // Inquiries are listed newest first by time: the clock moves between the reads.
    t.now = new Date(t.now.getTime() + 60_000);
    assertPdf(await t.app.inject({ url: `/v1/subjects/cn-rid/${person}/report.pdf`, headers: bearer(subjectKey) }));
    t.now = new Date(t.now.getTime() + 60_000);
    const report = await reportJson();
    // The PDF read, then this JSON read.
    assert.equal(report.inquiries_total, before + 2);
    assert.deepEqual(
      [report.inquiries[1].kind, report.inquiries[1].by.name, report.inquiries[1].by.role],
      ['report', 'wang', 'subject'],
    );
  });
});

describe('registered roles and credit commitments', () => {
  const pdfText = async (scheme: string, id: string, language?: string) =>
    textOf(
      assertPdf(
        await t.app.inject({
          url: `/v1/subjects/${scheme}/${id}/report.pdf`,
          headers: { ...bearer(operator), ...(language === undefined ? {} : { 'accept-language': language }) },
        }),
      ),
    );
  const policy = () => t.registry.rt.policy;
  const role = () => policy().relationships!.roles.get('legal_representative')!.name;
  const recordType = () => policy().record_types.get('court.judgment_default')!.name;

  test("in Chinese: the person's role in the company, and each commitment in their words", async () => {
    const text = await pdfText('cn-rid', person, 'zh-CN');
    assertContains(
      text,
      '登记的单位身份关系',
      `王小明(cn-rid:${person})：北京星辰科技有限公司（cn-uscc:${organization}）的${role().zh}。`,
      '自2026',
      '登记文书 京市监登〔2026〕',
      '北京月光贸易有限公司',
      `撤销：${REVOKED_BECAUSE}`,
      '信用承诺',
      `针对记录：${recordType().zh}（决定文书 (2026)京0108执`,
      PROMISE,
      '针对一般行为',
      'I will keep the law.',
      `根据书面信用承诺书 ${LETTER} 录入`,
    );
    assert.ok(!text.includes('Credit commitments') && !text.includes('Registered roles'), 'no English headings');
  });

  test('in English: the same sections in English', async () => {
    const text = await pdfText('cn-rid', person);
    assertContains(
      text,
      'Registered roles in organisations',
      `王小明 (cn-rid:${person}): ${role().en} of 北京星辰科技有限公司 (cn-uscc:${organization}).`,
      'Fa Shi [2015] 17 art. 3 para. 2',
      'Revoked on',
      `: ${REVOKED_BECAUSE}`,
      'Credit commitments',
      `for the record ${recordType().en} (decision (2026)京0108执`,
      PROMISE,
      'for conduct in general',
      `Filed from the written commitment ${LETTER}.`,
    );
  });

  test("the company's report names its representative, never their whole resident ID", async () => {
    for (const language of ['zh-CN', 'en']) {
      const text = await pdfText('cn-uscc', organization, language);
      assertContains(text, '王小明', language === 'en' ? role().en : role().zh, person.slice(0, 6), person.slice(-4));
      assert.ok(!text.includes(person), `the ${language} report masks the resident ID`);
    }
    assertContains(await pdfText('cn-uscc', organization), 'No credit commitment has been made.');
  });

  test('a subject with neither: an explicit "none" line in each section', async () => {
    assertContains(await pdfText('cn-rid', other, 'zh-CN'), '没有登记此人在任何单位的身份。', '尚未作出信用承诺。');
    const text = await pdfText('cn-rid', other);
    assertContains(
      text,
      'No role in an organisation is registered for this person.',
      'No credit commitment has been made.',
    );
    assert.ok(!text.includes(PROMISE));
  });
});

describe('/portal/report.pdf', () => {
  async function signIn(): Promise<string> {
    const form = await t.app.inject({ url: '/portal/sign-in' });
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const pre = `credence_csrf=${form.cookies.find((c) => c.name === 'credence_csrf')!.value}`;
    const signedIn = await t.app.inject({
      method: 'POST',
      url: '/portal/demo-sign-in',
      payload: new URLSearchParams({ scheme: 'cn-rid', id: person, csrf }).toString(),
      remoteAddress: '127.0.9.1',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pre },
    });
    assert.equal(signedIn.statusCode, 303, signedIn.body);
    return `credence_portal=${signedIn.cookies.find((c) => c.name === 'credence_portal')!.value}`;
  }

  test("in the page's language, for the signed-in subject only", async () => {
    const cookie = await signIn();
    const zh = await textOf(assertPdf(await t.app.inject({ url: '/portal/report.pdf?lang=zh', headers: { cookie } })));
    assertContains(zh, '信用报告', '王小明', '核验');
    const en = await t.app.inject({ url: '/portal/report.pdf', headers: { cookie: `${cookie}; lang=en` } });
    assertContains(await textOf(assertPdf(en)), 'Credit report', 'Verification');
    const page = await t.app.inject({ url: '/portal', headers: { cookie } });
    assert.match(page.body, /href="\/portal\/report\.pdf"/);
    const anonymous = await t.app.inject({ url: '/portal/report.pdf' });
    assert.notEqual(anonymous.headers['content-type'], 'application/pdf');
    assert.ok([303, 401].includes(anonymous.statusCode), String(anonymous.statusCode));
  });
});

test('without a CJK font the PDF is refused with a coded error that says what to install', async () => {
  await assert.rejects(readReportFonts([undefined, { regular: '/nonexistent/a.ttf', bold: '/nonexistent/b.ttf' }]), {
    code: 'CRD_PDF_FONT_MISSING',
    message: /npm install.*fonts-wqy-zenhei/,
  });
});
