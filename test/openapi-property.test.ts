/**
 * The OpenAPI document is the truth (issue 13): every operation of the served document is called in-process with
 * inputs generated from its own schemas (json-schema-faker, seeded by fast-check) and with mutated ones (wrong types,
 * missing fields, unknown fields, huge strings, control characters, odd path segments, bodies that are not JSON),
 * with keys of every role, none, and a bad one. Every answer must be below 500, have a status the operation
 * documents, and a body valid against the schema documented for that status (ajv).
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { generateSync, type JsonSchema } from 'json-schema-faker';
import { aCourtRecord, aPenalty, aResidentId, anUscc } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

/** Runs per operation: about half with valid inputs, half mutated (keeps the file well under a minute). */
const RUNS_PER_OPERATION = 40;
const SEED = 20261301;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, unknown>;

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required?: boolean;
  readonly schema: Schema;
}

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly Parameter[];
  readonly body: Schema | undefined;
  readonly responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

/** A request as the property builds it. */
interface Call {
  readonly url: string;
  readonly key: string | undefined;
  readonly payload?: string;
  readonly contentType?: string;
}

// ajv-formats is CommonJS: its default export is the plugin itself under Node's ESM interop.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let t: TestRegistry;
type DocumentedOperation = Schema & Pick<Operation, 'responses'> & { parameters?: Parameter[]; requestBody?: Schema };
let spec: Schema & { paths: Record<string, Record<string, DocumentedOperation>> };
let ajv: Ajv;
const keys: Record<string, string> = {};
/** Identifiers that exist, by path parameter name, so generated paths reach more than 404. */
const known: Record<string, string[]> = { scheme: ['cn-rid', 'cn-uscc'], list: ['judgment-defaulters'], id: [] };
/** Bodies known to be accepted, per operation, mutated like generated ones. */
const examples = new Map<string, Json[]>();

before(async () => {
  t = await startTestRegistry();
  await seed();
  spec = (await t.app.inject({ url: '/openapi.json' })).json();
  ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  ajv.addSchema(spec, 'openapi.json');
});
after(() => t?.close());

async function seed(): Promise<void> {
  keys.court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  keys.market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  keys.operator = await t.keyFor({ role: 'operator', name: 'ops' });
  keys.auditor = await t.keyFor({ role: 'auditor', name: 'Audit Office' });
  keys.relying = await t.keyFor({
    role: 'relying',
    name: 'Air China',
    actions: ['travel.air.premium_class'],
    purposes: ['ticketing'],
  });
  const person = aResidentId();
  const company = anUscc();
  const record = await t.file(keys.court, aCourtRecord({ subjectId: person }));
  const penalty = await t.file(keys.market, aPenalty({ tier: 'general', subjectId: company }));
  keys.subject = await t.keyFor({ role: 'subject', name: 'debtor', subject: `cn-rid:${person}` });
  const opened = await t.app.inject({
    method: 'POST',
    url: `/v1/records/${record}/disputes`,
    headers: bearer(keys.subject),
    payload: { statement: 'I paid the judgment debt in full' },
  });
  assert.equal(opened.statusCode, 201, opened.body);
  const notices = await t.app.inject({ url: `/v1/subjects/cn-rid/${person}/notices`, headers: bearer(keys.operator) });
  assert.equal(notices.statusCode, 200, notices.body);
  known.id!.push(record, penalty, opened.json().dispute_id, notices.json().notices[0].id, person, company);
  examples.set('POST /v1/records', [{ records: [aCourtRecord() as Json, aPenalty() as Json] }]);
  examples.set('POST /v1/decisions', [
    { subject: { scheme: 'cn-rid', id: person }, action: 'travel.air.premium_class', purpose: 'ticketing' },
  ]);
}

/** Every operation of the served document. */
function operations(): Operation[] {
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: op.parameters ?? [],
      body: (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content?.[
        'application/json'
      ]?.schema,
      responses: op.responses,
    })),
  );
}

/** A value of `schema`, from json-schema-faker seeded by fast-check (so a failure replays). */
function generated(schema: Schema): fc.Arbitrary<Json> {
  return fc
    .integer({ min: 1, max: 2 ** 31 - 1 })
    .map((seed) => generateSync(schema as JsonSchema, { seed, maxItems: 3, optionalsProbability: 0.6 }) as Json);
}

const CONTROL = ['\u0000', '\u0007', '\u001b', '\ud800', '\u007f'];
const ODD_SEGMENTS = ['%ff', '%00', '%', '..', '%2e%2e', 'a%2Fb', '%C3%A9', ' ', 'x'.repeat(9000), '0'.repeat(40)];

/** A string no schema expects: empty, huge, with a control character or a lone surrogate, or odd Unicode. */
const oddString = fc.oneof(
  fc.constant(''),
  fc.constant('x'.repeat(70_000)),
  fc.constantFrom(...CONTROL).map((c) => `a${c}b`),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** Any JSON value of the wrong kind, more or less. */
const wrongValue: fc.Arbitrary<Json> = fc.oneof(
  oddString,
  fc.constantFrom<Json>(null, true, -1, 1.5, 1e308, [], {}, [1, 'a'], { a: { b: null } }),
  fc.integer(),
);

/** Every path into a JSON value: [] is the value itself. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => paths(v, [...prefix, i])));
  if (value !== null && typeof value === 'object')
    return here.concat(...Object.entries(value).map(([k, v]) => paths(v, [...prefix, k])));
  return here;
}

/** `value` with the node at `path` replaced (undefined: removed), or a new field added where it is an object. */
function changed(value: Json, path: (string | number)[], to: Json | undefined): Json | undefined {
  if (path.length === 0) return to;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy: Json = Array.isArray(value) ? [...value] : { ...(value as Record<string, Json>) };
  const inner = changed((copy as Record<string | number, Json>)[head] as Json, rest, to);
  if (inner === undefined) {
    if (Array.isArray(copy)) copy.splice(Number(head), 1);
    else delete (copy as Record<string, Json>)[head as string];
  } else (copy as Record<string | number, Json>)[head] = inner;
  return copy;
}

/** A mutation of a valid body: a node replaced, removed, or an unknown field added. */
function mutatedBody(valid: Json): fc.Arbitrary<Json | undefined> {
  const all = paths(valid);
  return fc
    .tuple(fc.nat({ max: all.length - 1 }), fc.constantFrom('replace', 'remove', 'add'), wrongValue)
    .map(([i, how, to]) => {
      const path = all[i] ?? [];
      if (how === 'replace') return changed(valid, path, to);
      if (how === 'remove') return changed(valid, path, undefined);
      return changed(valid, [...path, 'unexpected_field'], to);
    });
}

/** A value for a path parameter: generated, an identifier that exists, or an odd segment sent as is. */
function pathValue(parameter: Parameter): fc.Arbitrary<string> {
  const encoded = (a: fc.Arbitrary<Json>) => a.map((v) => encodeURIComponent(String(v)));
  return fc.oneof(
    { weight: 3, arbitrary: encoded(generated(parameter.schema)) },
    { weight: 5, arbitrary: fc.constantFrom(...(known[parameter.name] ?? known.id!)) },
    { weight: 1, arbitrary: encoded(oddString) },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_SEGMENTS) },
  );
}

/** The query string: generated values of the query parameters, sometimes odd ones or an unknown parameter. */
function query(op: Operation, mutate: boolean): fc.Arbitrary<string> {
  const params = op.parameters.filter((p) => p.in === 'query');
  const entries = params.map((p) =>
    fc.option(mutate ? fc.oneof(generated(p.schema), oddString) : generated(p.schema), {
      nil: undefined,
      freq: p.required ? 1000 : 2,
    }),
  );
  return fc.tuple(fc.tuple(...entries), fc.boolean()).map(([values, extra]) => {
    const search = new URLSearchParams();
    params.forEach((p, i) => {
      const value = values[i];
      if (value !== undefined) search.set(p.name, typeof value === 'string' ? value : JSON.stringify(value));
    });
    if (mutate && extra) search.set('unexpected', '1');
    const text = search.toString();
    return text === '' ? '' : `?${text}`;
  });
}

/** The URL: the path with its parameters filled, then the query. */
function url(op: Operation, mutate: boolean): fc.Arbitrary<string> {
  const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const values = names.map((name) =>
    pathValue(op.parameters.find((p) => p.in === 'path' && p.name === name) ?? { name, in: 'path', schema: {} }),
  );
  return fc.tuple(fc.tuple(...values), query(op, mutate)).map(([filled, search]) => {
    let path = op.path;
    names.forEach((name, i) => {
      path = path.replace(`{${name}}`, filled[i]!);
    });
    return path + search;
  });
}

/** The body: generated (or an example), mutated when asked, sometimes not JSON or in another charset. */
function body(op: Operation, mutate: boolean): fc.Arbitrary<Pick<Call, 'payload' | 'contentType'>> {
  if (op.body === undefined) return fc.constant({});
  const known = examples.get(`${op.method} ${op.path}`) ?? [];
  const valid = known.length === 0 ? generated(op.body) : fc.oneof(generated(op.body), fc.constantFrom(...known));
  const json = (value: Json | undefined) => ({
    payload: JSON.stringify(value ?? null),
    contentType: 'application/json',
  });
  if (!mutate) return valid.map(json);
  return fc.oneof(
    { weight: 6, arbitrary: valid.chain(mutatedBody).map(json) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { payload: '{"a":', contentType: 'application/json' },
        { payload: '', contentType: 'application/json' },
        { payload: 'hello', contentType: 'text/plain' },
        { payload: '{}', contentType: 'application/json; charset=utf-16' },
        { payload: '<x/>', contentType: 'application/xml' },
      ),
    },
  );
}

/** A whole call to `op`: its URL, a key of some role (or none, or a bad one), and its body. */
function call(op: Operation): fc.Arbitrary<Call> {
  const key = fc.oneof(
    fc.constantFrom<string | undefined>(...Object.values(keys), undefined, 'crd_not-a-key'),
    fc.constantFrom(keys.operator, keys.subject, keys.court),
  );
  return fc
    .boolean()
    .chain((mutate) =>
      fc.tuple(url(op, mutate), key, body(op, mutate)).map(([u, k, b]) => ({ url: u, key: k, ...b }) satisfies Call),
    );
}

const validators = new Map<Schema, ValidateFunction>();
/** The statuses each operation answered, so the test knows its inputs reach past the checks. */
const answered = new Map<string, Set<number>>();

/** The compiled validator of a documented schema, its `#/components` references resolved in the served document. */
function validatorOf(schema: Schema): ValidateFunction {
  let validate = validators.get(schema);
  if (validate === undefined) {
    const resolved = JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', '"$ref":"openapi.json#/'));
    validate = ajv.compile(resolved);
    validators.set(schema, validate);
  }
  return validate;
}

/** Sends the call; asserts the answer is below 500, documented, and valid against its documented schema. */
async function check(op: Operation, c: Call): Promise<void> {
  const response = await t.app.inject({
    method: op.method as 'GET',
    url: c.url,
    headers: {
      ...(c.key === undefined ? {} : bearer(c.key)),
      ...(c.contentType === undefined ? {} : { 'content-type': c.contentType }),
    },
    ...(c.payload === undefined ? {} : { payload: c.payload }),
  });
  const seen = answered.get(`${op.method} ${op.path}`) ?? new Set();
  answered.set(`${op.method} ${op.path}`, seen.add(response.statusCode));
  const where = `${op.method} ${c.url.slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
  assert.ok(response.statusCode < 500, `a server error: ${where}`);
  const documented = op.responses[String(response.statusCode)];
  assert.ok(documented !== undefined, `an undocumented status: ${where}`);
  const type = String(response.headers['content-type'] ?? '').split(';')[0]!;
  const media = Object.entries(documented.content ?? {}).find(([m]) => m.split(';')[0] === type)?.[1];
  assert.ok(media !== undefined || response.body === '', `an undocumented content type ${type}: ${where}`);
  if (media === undefined || type !== 'application/json') return;
  const validate = validatorOf(media.schema);
  assert.ok(validate(response.json()), `a body not as documented (${ajv.errorsText(validate.errors)}): ${where}`);
}

describe('every operation of the served OpenAPI document, called with generated and mutated inputs', () => {
  test('the document has operations, each with a success and an error answer', () => {
    const ops = operations();
    assert.ok(ops.length >= 30, `${ops.length} operations`);
    for (const op of ops) {
      const statuses = Object.keys(op.responses);
      assert.ok(
        statuses.some((s) => s.startsWith('2')),
        `${op.method} ${op.path} documents no success`,
      );
      assert.ok(statuses.includes('400'), `${op.method} ${op.path} documents no 400`);
    }
  });

  test('never a 5xx; always a documented status; every body valid against its documented schema', async () => {
    for (const op of operations()) {
      await fc.assert(
        fc.asyncProperty(call(op), (c) => check(op, c)),
        { numRuns: RUNS_PER_OPERATION, seed: SEED, endOnFailure: true },
      );
    }
    console.log(`# ${[...answered].map(([op, statuses]) => `${op}: ${[...statuses].sort().join(' ')}`).join('\n# ')}`);
    const succeeded = [...answered].filter(([, statuses]) => [...statuses].some((s) => s < 300));
    const refused = [...answered].filter(([, statuses]) => statuses.has(400));
    // The generated inputs reach past the checks: many operations answered a success, and most a 400.
    assert.ok(succeeded.length >= 15, `${succeeded.length} operations answered a success`);
    assert.ok(refused.length >= 22, `${refused.length} operations answered a 400`);
  });
});
