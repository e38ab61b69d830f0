/**
 * Allocation-free validity checks for the built-in schemes, for the decision hot path. They
 * answer only "valid or not"; `validateIdentifier` falls back to the descriptive checks in
 * identifiers.ts to say what is wrong. A property test holds the two to the same verdicts.
 */

const GB11643_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const GB11643_CHECK = [49, 48, 88, 57, 56, 55, 54, 53, 52, 51, 50]; // '1','0','X','9',...,'2'
const GB32100_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** USCC alphabet value of a character code, or -1 (0-9, A-Z without I, O, S, V, Z). */
const USCC_VALUE = (() => {
  const table = new Int8Array(128).fill(-1);
  [...'0123456789ABCDEFGHJKLMNPQRTUWXY'].forEach((c, i) => {
    table[c.charCodeAt(0)] = i;
  });
  return table;
})();

const isDigit = (code: number) => code >= 48 && code <= 57;

function digitsAt(value: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) n = n * 10 + value.charCodeAt(i) - 48;
  return n;
}

/** GB 11643: 17 digits, a real birth date in 1900–2100, MOD 11-2 check character. */
export function isValidResidentId(value: string): boolean {
  if (value.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const code = value.charCodeAt(i);
    if (!isDigit(code)) return false;
    sum += (code - 48) * GB11643_WEIGHTS[i]!;
  }
  if (value.charCodeAt(17) !== GB11643_CHECK[sum % 11]) return false;
  const year = digitsAt(value, 6, 4);
  const month = digitsAt(value, 10, 2);
  const day = digitsAt(value, 12, 2);
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** GB 32100: 18 characters of the USCC alphabet, a 6-digit division code, mod-31 check. */
export function isValidUscc(value: string): boolean {
  if (value.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 18; i++) {
    const code = value.charCodeAt(i);
    const n = code < 128 ? USCC_VALUE[code]! : -1;
    if (n < 0 || (i >= 2 && i < 8 && !isDigit(code))) return false;
    if (i < 17) sum += n * GB32100_WEIGHTS[i]!;
    else return n === (31 - (sum % 31)) % 31;
  }
  return false;
}

/** ISO 17442: 18 characters 0-9A-Z, 2 check digits, MOD 97-10 remainder 1. */
export function isValidLei(value: string): boolean {
  if (value.length !== 20) return false;
  let remainder = 0;
  for (let i = 0; i < 20; i++) {
    const code = value.charCodeAt(i);
    let n: number;
    if (isDigit(code)) n = code - 48;
    else if (i < 18 && code >= 65 && code <= 90) n = code - 55;
    else return false;
    remainder = (remainder * (n < 10 ? 10 : 100) + n) % 97;
  }
  return remainder === 1;
}
