import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  gb11643CheckDigit,
  gb32100CheckChar,
  iso17442CheckDigits,
  maskIdentifier,
  MAX_IDENTIFIER_LENGTH,
  normalizeIdentifier,
  USCC_ALPHABET,
  validateIdentifier,
} from '../src/domain/identifiers.ts';
import { createRandom, generateLei, generateResidentId, generateUscc } from '../src/domain/identifier-generators.ts';
import type { IdentifierScheme } from '../src/domain/policy.ts';

/** A scheme's name in both languages, as the policy gives it. */
const named = (en: string, zh: string) => ({ en, zh });
const CN_RID: IdentifierScheme = {
  id: 'cn-rid',
  name: named('Resident ID', '公民身份号码'),
  subject_kinds: ['person'],
  check: 'gb11643',
};
const CN_USCC: IdentifierScheme = {
  id: 'cn-uscc',
  name: named('USCC', '统一社会信用代码'),
  subject_kinds: ['organization'],
  check: 'gb32100',
};
const LEI: IdentifierScheme = {
  id: 'lei',
  name: named('LEI', 'LEI'),
  subject_kinds: ['organization'],
  check: 'iso17442',
};
const STAFF_NO: IdentifierScheme = {
  id: 'acme-staff',
  name: named('Staff number', '员工编号'),
  subject_kinds: ['person'],
  pattern: '^S-\\d{6}$',
};

/** The problem messages for a value, or [] when it is valid. */
function problems(scheme: IdentifierScheme, value: string): string[] {
  return validateIdentifier(scheme, value, 'subject.id').map((p) => p.message);
}

// --- cn-rid (GB 11643) -------------------------------------------------------------------

test('cn-rid: the check digit of the standard example, worked by hand', () => {
  // 1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3 + 1·7 + 2·9 + 3·10 + 1·5
  // + 0·8 + 0·4 + 2·2 = 167; 167 mod 11 = 2; remainder 2 maps to X.
  assert.equal(gb11643CheckDigit('11010519491231002'), 'X');
});

test('cn-rid: a valid resident ID has no problems', () => {
  assert.deepEqual(problems(CN_RID, '11010519491231002X'), []);
  // Sequence 003 instead of 002 adds 2 to the weighted sum: 169 mod 11 = 4, which maps to 8.
  assert.deepEqual(problems(CN_RID, '110105194912310038'), []);
});

test('cn-rid: a lower-case x check digit is accepted and normalised to X', () => {
  assert.deepEqual(problems(CN_RID, ' 11010519491231002x '), []);
  assert.equal(normalizeIdentifier(CN_RID, ' 11010519491231002x '), '11010519491231002X');
});

test('cn-rid: a wrong check digit names the right one', () => {
  assert.deepEqual(validateIdentifier(CN_RID, '110105194912310021', 'records[3].subject.id'), [
    {
      code: 'CRD_INVALID_IDENTIFIER',
      path: 'records[3].subject.id',
      message: 'cn-rid check digit is 1 but should be X',
      key: 'check_digit',
      params: { scheme: 'cn-rid', actual: '1', expected: 'X' },
    },
  ]);
});

test('cn-rid: wrong length or characters are rejected with the expected form', () => {
  const form = 'cn-rid must be 18 characters: 17 digits and a check digit 0-9 or X';
  assert.deepEqual(problems(CN_RID, '11010519491231002'), [form]);
  assert.deepEqual(problems(CN_RID, '11010519491231002XX'), [form]);
  assert.deepEqual(problems(CN_RID, '1101051949123100AX'), [form]);
  assert.deepEqual(problems(CN_RID, '110105194912310Y2X'), [form]);
});

test('cn-rid: the birth date must be a real date between 1900 and 2100', () => {
  const withDate = (date: string) => {
    const first17 = `110105${date}002`;
    return first17 + gb11643CheckDigit(first17);
  };
  assert.deepEqual(problems(CN_RID, withDate('19991332')), ['cn-rid birth date 19991332 is not a real date']);
  assert.deepEqual(problems(CN_RID, withDate('19990229')), ['cn-rid birth date 19990229 is not a real date']);
  assert.deepEqual(problems(CN_RID, withDate('19990100')), ['cn-rid birth date 19990100 is not a real date']);
  assert.deepEqual(problems(CN_RID, withDate('18991231')), [
    'cn-rid birth date 18991231 must be in the years 1900 to 2100',
  ]);
  assert.deepEqual(problems(CN_RID, withDate('20000229')), []);
});

// --- cn-uscc (GB 32100) ------------------------------------------------------------------

test('cn-uscc: the commonly cited code is valid, check character worked by hand', () => {
  // Values 9,1,3,5,0,1,0,0,M=21,0,0,0,1,0,0,Y=30,4 by weights 1,3,9,...,28 sum to 1640;
  // 1640 mod 31 = 28; 31 - 28 = 3.
  assert.equal(gb32100CheckChar('91350100M000100Y4'), '3');
  assert.deepEqual(problems(CN_USCC, '91350100M000100Y43'), []);
  assert.deepEqual(problems(CN_USCC, '91350100m000100y43'), []);
});

test('cn-uscc: a wrong check character names the right one', () => {
  assert.deepEqual(problems(CN_USCC, '91350100M000100Y44'), ['cn-uscc check character is 4 but should be 3']);
});

test('cn-uscc: the letters I, O, S, V and Z are forbidden', () => {
  for (const letter of ['I', 'O', 'S', 'V', 'Z']) {
    const [message] = problems(CN_USCC, `91350100${letter}000100Y43`);
    assert.match(message!, new RegExp(`may not contain '${letter}' \\(character 9\\)`));
  }
});

test('cn-uscc: characters 3-8 must be a division code, and the length must be 18', () => {
  const first17 = '9135A100M000100Y4';
  assert.deepEqual(problems(CN_USCC, first17 + gb32100CheckChar(first17)), [
    'cn-uscc characters 3-8 must be a 6-digit administrative division code, not 35A100',
  ]);
  assert.match(problems(CN_USCC, '91350100M000100Y4')[0]!, /must be 18 characters/);
});

// --- lei (ISO 17442) ---------------------------------------------------------------------

test('lei: real LEIs of Bloomberg and Deutsche Bank are valid', () => {
  assert.deepEqual(problems(LEI, '5493001KJTIIGC8Y1R12'), []);
  assert.deepEqual(problems(LEI, '7LTWFZYICNSX8D621K86'), []);
  assert.equal(iso17442CheckDigits('5493001KJTIIGC8Y1R'), '12');
  assert.equal(iso17442CheckDigits('7LTWFZYICNSX8D621K'), '86');
});

test('lei: the check agrees with a direct big-integer MOD 97-10', () => {
  const asNumber = (lei: string) => BigInt([...lei].map((c) => parseInt(c, 36)).join(''));
  assert.equal(asNumber('5493001KJTIIGC8Y1R12') % 97n, 1n);
  assert.equal(asNumber('7LTWFZYICNSX8D621K86') % 97n, 1n);
});

test('lei: changing one character makes it invalid', () => {
  assert.deepEqual(problems(LEI, '5493001KJTIIGC8Y1R13'), ['lei check digits are 13 but should be 12']);
  assert.match(problems(LEI, '5493001KJTIIGC9Y1R12')[0]!, /^lei check digits are 12 but should be \d\d$/);
});

test('lei: wrong form is rejected', () => {
  const form = 'lei must be 20 characters: 18 letters or digits and 2 check digits';
  assert.deepEqual(problems(LEI, '5493001KJTIIGC8Y1R1'), [form]);
  assert.deepEqual(problems(LEI, '5493001KJTIIGC8Y1RA2'), [form]);
  assert.deepEqual(problems(LEI, '5493001KJTIIGC8Y1-12'), [form]);
});

// --- deployment schemes ------------------------------------------------------------------

test('pattern schemes: a value must match the pattern as written', () => {
  assert.deepEqual(problems(STAFF_NO, 'S-123456'), []);
  assert.deepEqual(problems(STAFF_NO, ' S-123456 '), []);
  assert.deepEqual(problems(STAFF_NO, 's-123456'), ['acme-staff (Staff number) must match the pattern ^S-\\d{6}$']);
  assert.equal(problems(STAFF_NO, 'S-1234567').length, 1);
});

test('pattern schemes: values are trimmed but not upper-cased', () => {
  assert.equal(normalizeIdentifier(STAFF_NO, '  s-123456\n'), 's-123456');
});

test('every scheme: empty, over-long and control-character values are rejected', () => {
  const anything: IdentifierScheme = {
    id: 'free',
    name: named('Free', '任意'),
    subject_kinds: ['person'],
    pattern: '.*',
  };
  assert.deepEqual(problems(anything, '   '), ['free must not be empty']);
  assert.deepEqual(problems(anything, 'a'.repeat(MAX_IDENTIFIER_LENGTH)), []);
  assert.deepEqual(problems(anything, 'a'.repeat(MAX_IDENTIFIER_LENGTH + 1)), [
    `free must be at most ${MAX_IDENTIFIER_LENGTH} characters`,
  ]);
  assert.deepEqual(problems(anything, 'a\u0000b'), ['free must not contain control characters']);
});

// --- masking -----------------------------------------------------------------------------

test('masking: a person keeps the first 6 and last 4 characters', () => {
  assert.equal(maskIdentifier('cn-rid', '11010519491231002X', 'person'), '110105********002X');
});

test('masking: short person identifiers keep at most a third at each end', () => {
  assert.equal(maskIdentifier('acme-staff', 'S-123456', 'person'), 'S-****56');
  assert.equal(maskIdentifier('acme-staff', 'AB', 'person'), '**');
});

test('masking: organisation identifiers are public and unchanged', () => {
  assert.equal(maskIdentifier('cn-uscc', '91350100M000100Y43', 'organization'), '91350100M000100Y43');
});

// --- generators and properties -----------------------------------------------------------

test('generators: the same seed gives the same identifiers', () => {
  const run = (seed: number) => {
    const random = createRandom(seed);
    return [generateResidentId(random), generateUscc(random), generateLei(random)];
  };
  assert.deepEqual(run(42), run(42));
  assert.notDeepEqual(run(42), run(43));
});

test('generators: random numbers stay in range', () => {
  const random = createRandom(7);
  for (let i = 0; i < 1000; i++) {
    const x = random.next();
    assert.ok(x >= 0 && x < 1);
    const n = random.int(5);
    assert.ok(Number.isInteger(n) && n >= 0 && n < 5);
  }
});

const seeds = fc.integer({ min: 0, max: 0xffffffff });

test('property: every generated identifier validates', () => {
  fc.assert(
    fc.property(seeds, (seed) => {
      const random = createRandom(seed);
      const rid = generateResidentId(random);
      const uscc = generateUscc(random);
      const lei = generateLei(random);
      assert.deepEqual(problems(CN_RID, rid), []);
      assert.deepEqual(problems(CN_USCC, uscc), []);
      assert.deepEqual(problems(LEI, lei), []);
      assert.match(rid, /^1101\d{2}(19[4-9]\d|200[0-6])/);
      assert.match(uscc, /^9111/);
    }),
    { numRuns: 300 },
  );
});

/** Replaces the character at `index` with a different one drawn from `alphabet`. */
function substitute(value: string, index: number, alphabet: string, choice: number): string {
  const others = [...alphabet].filter((c) => c !== value[index]);
  return value.slice(0, index) + others[choice % others.length] + value.slice(index + 1);
}

test('property: any single-character change to a cn-rid is detected (MOD 11-2)', () => {
  fc.assert(
    fc.property(seeds, fc.nat(17), fc.nat(), (seed, index, choice) => {
      const rid = generateResidentId(createRandom(seed));
      const alphabet = index === 17 ? '0123456789X' : '0123456789';
      assert.equal(problems(CN_RID, substitute(rid, index, alphabet, choice)).length, 1);
    }),
    { numRuns: 500 },
  );
});

test('property: any single-character change to a cn-uscc is detected (mod 31)', () => {
  fc.assert(
    fc.property(seeds, fc.nat(17), fc.nat(), (seed, index, choice) => {
      const uscc = generateUscc(createRandom(seed));
      assert.equal(problems(CN_USCC, substitute(uscc, index, USCC_ALPHABET, choice)).length, 1);
    }),
    { numRuns: 500 },
  );
});

test('property: the hot-path checks give the same verdict as the descriptive checks', async () => {
  const { isValidLei, isValidResidentId, isValidUscc } = await import('../src/domain/identifier-fast-check.ts');
  const { findProblem } = await import('../src/domain/identifiers.ts');
  const random = createRandom(7);
  const cases: [IdentifierScheme, (v: string) => boolean, () => string][] = [
    [CN_RID, isValidResidentId, () => generateResidentId(random)],
    [CN_USCC, isValidUscc, () => generateUscc(random)],
    [LEI, isValidLei, () => generateLei(random)],
  ];
  const alphabet = fc.constantFrom(...'0123456789XABCDEFGHIJKLMNOPQRSTUVWYZx -'.split(''));
  for (const [scheme, fast, generate] of cases) {
    const mutated = fc.tuple(fc.nat(), fc.nat(19), alphabet).map(([, at, c]) => {
      const valid = generate();
      return valid.slice(0, at) + c + valid.slice(at + 1);
    });
    const anything = fc.oneof(mutated, fc.string({ unit: alphabet, maxLength: 22 }), fc.constant(generate()));
    fc.assert(
      fc.property(anything, (value) => fast(value) === (findProblem(scheme, value) === undefined)),
      { numRuns: 3000 },
    );
  }
});
