/**
 * Deterministic generators of valid identifiers, for demo data and tests. Randomness is an
 * input: the same seed always gives the same identifiers.
 */

import { gb11643CheckDigit, gb32100CheckChar, iso17442CheckDigits, USCC_ALPHABET } from './identifiers.ts';

/** A seeded source of uniform numbers. */
export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

/** A mulberry32 generator: tiny, fast, and good enough for demo data (not for secrets). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (maxExclusive: number): number => {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1) throw new RangeError('int needs a positive integer bound');
    return Math.floor(next() * maxExclusive);
  };
  return { next, int };
}

/** Beijing's district codes (GB/T 2260): Dongcheng 110101 to Yanqing 110119. */
const BEIJING_DISTRICTS = [
  '110101',
  '110102',
  '110105',
  '110106',
  '110107',
  '110108',
  '110109',
  '110111',
  '110112',
  '110113',
  '110114',
  '110115',
  '110116',
  '110117',
  '110118',
  '110119',
];

const DAY_MS = 86_400_000;
const BIRTH_FIRST = Date.UTC(1940, 0, 1);
const BIRTH_LAST = Date.UTC(2006, 11, 31);

/** A resident ID (cn-rid): Beijing district, birth date 1940-2006, sequence, check digit. */
export function generateResidentId(random: Random): string {
  const division = pick(random, BEIJING_DISTRICTS);
  const birth = new Date(BIRTH_FIRST + random.int((BIRTH_LAST - BIRTH_FIRST) / DAY_MS + 1) * DAY_MS);
  const birthDate = birth.toISOString().slice(0, 10).replaceAll('-', '');
  const sequence = String(1 + random.int(999)).padStart(3, '0');
  const first17 = division + birthDate + sequence;
  return first17 + gb11643CheckDigit(first17);
}

/**
 * A unified social credit code (cn-uscc) for a company: registration authority 9 (market
 * regulation), category 1 (enterprise), a Beijing division, a 9-character organisation code
 * and the GB 32100 check character.
 */
export function generateUscc(random: Random): string {
  const division = pick(random, ['110000', ...BEIJING_DISTRICTS]);
  let body = '';
  for (let i = 0; i < 8; i++) body += USCC_ALPHABET[random.int(USCC_ALPHABET.length)];
  const first17 = `91${division}${body}${gb11714CheckChar(body)}`;
  return first17 + gb32100CheckChar(first17);
}

// GB 11714 organisation code check, as real codes carry it (91350100M000100Y43 embeds
// M000100Y + 4). Credence does not validate it; it only makes demo codes look real.
const GB11714_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

function gb11714CheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(first8[i]!, 36) * GB11714_WEIGHTS[i]!;
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** Prefixes of real LEI issuers (LOUs), e.g. 5493 for GMEI. */
const LOU_PREFIXES = ['5493', '2138', '5299', '9695'];
const LEI_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A legal entity identifier (lei): LOU prefix, `00`, 12 entity characters, 2 check digits. */
export function generateLei(random: Random): string {
  let entity = '';
  for (let i = 0; i < 12; i++) entity += LEI_CHARS[random.int(LEI_CHARS.length)];
  const first18 = `${pick(random, LOU_PREFIXES)}00${entity}`;
  return first18 + iso17442CheckDigits(first18);
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[random.int(items.length)]!;
}
