/**
 * Bytes per listed identifier in the decision index: heapUsed plus array buffers after a full GC, before and after
 * filling a fresh index. A scheme's entries live in typed arrays outside the heap (state-table.ts, state-shard.ts):
 * the identifiers' UTF-8 bytes, four integers per entry (where its bytes are, their length, the state code, the next
 * change) and the hash buckets, kept at most half full; the heap holds little beyond those arrays' objects.
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
 * Fills a fresh index with `count` listed identifiers (through `set`, as the ledger follower indexes a subject; the
 * warm-up stores the same bytes from its COPY) and returns the bytes per entry, heap and array buffers together.
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
    index.set(ref.scheme, ref.id, codes[i % codes.length]!, nextChange);
  }
  const after = collectGarbage() + process.memoryUsage().arrayBuffers;
  return { bytesPerEntry: (after - before) / index.size, entries: index.size };
}
