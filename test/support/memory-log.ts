/**
 * A transparency log built in memory from the domain functions alone, for tests of the clients that check a
 * registry's log from outside (monitor, report verification): leaves, checkpoints signed by a fresh key (and
 * cosigned by witnesses), hash tiles as c2sp.org/tlog-tiles serves them, and a fetch that serves them.
 */

import { formatCheckpoint } from '../../src/domain/log/checkpoint.ts';
import type { Cosigner } from '../../src/domain/log/cosignature.ts';
import { arrayHashReader } from '../../src/domain/log/hash-reader.ts';
import { type Hash, hashLeaf, inclusionProofOfLeaves, treeHashOfLeaves } from '../../src/domain/log/merkle.ts';
import { generateKeyPair, type NoteSigner, parseSignerKey } from '../../src/domain/log/note-keys.ts';
import { signNote } from '../../src/domain/log/note.ts';
import { storedHashesOfTree } from '../../src/domain/log/stored-hashes.ts';
import { tilePath } from '../../src/domain/log/tile-path.ts';
import { newTiles, readTileData } from '../../src/domain/log/tiles.ts';

export const LOG_ORIGIN = 'registry.example.gov/ledger';
export const WITNESS_TIME = new Date('2026-11-01T00:00:00Z');

export interface MemoryLog {
  readonly signer: NoteSigner;
  readonly verifierKey: string;
  readonly leaves: Uint8Array[];
}

/** A log of `count` distinct leaves, signed by a new key named `origin`. */
export function aMemoryLog(count: number, origin = LOG_ORIGIN): MemoryLog {
  const signer = parseSignerKey(generateKeyPair(origin).signerKey);
  const log = { signer, verifierKey: signer.verifierKey, leaves: [] as Uint8Array[] };
  appendLeaves(log, count);
  return log;
}

/** Appends `count` leaves, each different from every other. */
export function appendLeaves(log: MemoryLog, count: number, tag = 'event'): void {
  for (let i = 0; i < count; i++) log.leaves.push(Buffer.from(`${tag} ${log.leaves.length} of the test log\n`));
}

/** The leaf hashes of the first `size` leaves. */
function leafHashes(log: MemoryLog, size: number): Hash[] {
  return log.leaves.slice(0, size).map(hashLeaf);
}

/** The log's signed checkpoint at `size` (default: all leaves), cosigned by `witnesses`. */
export function signedCheckpoint(log: MemoryLog, size = log.leaves.length, witnesses: Cosigner[] = []): string {
  const text = formatCheckpoint({ origin: log.signer.name, size, rootHash: treeHashOfLeaves(leafHashes(log, size)) });
  return signNote(
    text,
    [log.signer],
    witnesses.map((w) => w.cosign(text, WITNESS_TIME)),
  );
}

/** Every hash tile of the tree at `size`, by tlog-tiles path (`tile/0/000.p/5`, ...). */
export async function tilesAt(log: MemoryLog, size: number): Promise<Map<string, Uint8Array>> {
  const reader = arrayHashReader(storedHashesOfTree(leafHashes(log, size)));
  const tiles = new Map<string, Uint8Array>();
  for (const tile of newTiles(0, size)) tiles.set(tilePath(tile), await readTileData(tile, reader));
  return tiles;
}

/** The inclusion proof of leaf `index` in the tree at `size`. */
export function inclusionProof(log: MemoryLog, index: number, size: number): Hash[] {
  return inclusionProofOfLeaves(index, leafHashes(log, size));
}

/** What a fake registry serves under `<url>/log/`: the checkpoint note and tiles by path. */
export interface ServedLog {
  checkpoint: string;
  readonly files: Map<string, Uint8Array>;
  /** Every path asked for, in order. */
  readonly requests: string[];
}

/** A fetch serving `served` under `<base>/log/`; anything else is a 404. */
export function fetchServing(base: string, served: ServedLog): (url: string) => Promise<Response> {
  return async (url) => {
    const path = url.startsWith(`${base}/log/`) ? url.slice(base.length + 5) : url;
    served.requests.push(path);
    if (path === 'checkpoint') return new Response(served.checkpoint, { headers: { 'content-type': 'text/plain' } });
    const data = served.files.get(path);
    return data === undefined ? new Response('not found', { status: 404 }) : new Response(data);
  };
}
