/** Kysely's view of the transparency log's tables (migrations/2026-12-02-010-log.ts). */

import type { Timestamp } from './schema-columns.ts';

/** The latest data of one C2SP tlog-tiles hash tile: `width` hashes of 32 bytes, concatenated. */
export interface LogTilesTable {
  level: number;
  idx: string;
  width: number;
  hashes: Buffer;
}

/** Every signed checkpoint: tree size, RFC 6962 root, the signed note. */
export interface LogCheckpointsTable {
  size: string;
  root: Buffer;
  note: string;
  signed_at: Timestamp;
}
