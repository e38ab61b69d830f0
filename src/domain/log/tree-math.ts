/**
 * Bit arithmetic on tree sizes and indexes, done with numbers rather than JavaScript's 32-bit
 * bitwise operators: `n >> k` is wrong once n passes 2^31, and logs grow past that. Every value is
 * a non-negative safe integer (below 2^53), which is exact in a double.
 */

/** `n >> bits` for a non-negative safe integer n of any size. */
export function shiftRight(n: number, bits: number): number {
  return Math.floor(n / 2 ** bits);
}

/** `n << bits`, exact while the result stays below 2^53. */
export function shiftLeft(n: number, bits: number): number {
  return n * 2 ** bits;
}

/** The number of trailing 0 bits of n ≥ 1 (Go's bits.TrailingZeros64). */
export function trailingZeros(n: number): number {
  let count = 0;
  for (let m = n; m > 0 && m % 2 === 0; m /= 2) count += 1;
  return count;
}

/** The number of trailing 1 bits of n ≥ 0: the subtrees that appending leaf n completes. */
export function trailingOnes(n: number): number {
  return trailingZeros(n + 1);
}

/** Whether n ≥ 1 is a power of two. */
export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && 2 ** trailingZeros(n) === n;
}

/**
 * The largest power of two k = 2^level with k < n, for n ≥ 2 (for n = 1: k = 1, level 0), as Go's
 * tlog `maxpow2`. RFC 6962 §2.1 splits a tree of n leaves into a left side of k leaves.
 */
export function maxPow2(n: number): { readonly k: number; readonly level: number } {
  let level = 0;
  while (2 ** (level + 1) < n) level += 1;
  return { k: 2 ** level, level };
}

/** Throws a RangeError unless value is a non-negative safe integer. */
export function assertCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, not ${value}`);
  }
}
