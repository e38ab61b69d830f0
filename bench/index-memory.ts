/**
 * Bytes per listed identifier in the decision index: heapUsed plus array buffers (the typed arrays
 * holding state codes and next changes live outside the heap) after a full GC, before and after
 * filling a fresh index.
 */

import { createRandom } from '../src/domain/identifier-generators.ts';
import type { Policy } from '../src/domain/policy.ts';
import { DecisionIndex } from '../src/services/decisions/decision-index.ts';
import { generateIdentifier } from './data.ts';
import { collectGarbage } from './heap.ts';

/** The states listed subjects are in, weighted roughly as the default policy produces them. */
function listedCodes(index: DecisionIndex): number[] {
  return [
    ...Array<number>(6).fill(index.encode('B', ['judgment-defaulters'])),
    index.encode('C', ['judgment-defaulters', 'serious-dishonesty']),
    index.encode('B', ['serious-dishonesty']),
    index.encode('AA', ['red-list']),
    index.encode('D', []),
  ];
}

/**
 * Fills a fresh index with `count` listed identifiers and returns heap bytes per entry. Each
 * value is copied into a flat string, as the pg driver hands rows over when the index warms.
 */
export function measureIndexMemory(
  policy: Policy,
  count: number,
  seed = 97,
): { bytesPerEntry: number; entries: number } {
  const index = new DecisionIndex(policy);
  const codes = listedCodes(index);
  const random = createRandom(seed);
  const before = collectGarbage() + process.memoryUsage().arrayBuffers;
  for (let i = 0; i < count; i += 1) {
    const ref = generateIdentifier(random, random.next() < 0.9 ? 'person' : 'organization');
    const nextChange = new Date(Date.UTC(2027, 0, 1 + (i % 730)));
    index.set(ref.scheme, Buffer.from(ref.id, 'latin1').toString('latin1'), codes[i % codes.length]!, nextChange);
  }
  const after = collectGarbage() + process.memoryUsage().arrayBuffers;
  return { bytesPerEntry: (after - before) / index.size, entries: index.size };
}
