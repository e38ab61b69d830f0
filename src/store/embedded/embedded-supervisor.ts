/**
 * A process's attach connection to the embedded cluster, watched. When it is lost, a plain attach only says so; a
 * supervised one (the server's) starts the postmaster again if it died, on the same port and data directory (the
 * process's connection pool keeps its URL), and attaches again, taking its shared lock back, retrying with backoff
 * until it succeeds or the process releases the cluster. Each outage is logged when it starts and when it ends.
 */

import type { Client } from 'pg';
import { ensureServerRunning, type ServerContext } from './embedded-server.ts';

/** A connection holding the attach lock. */
export interface AttachConnection {
  readonly client: Client;
  /** Resolves, with what ended it, when the connection is lost. */
  readonly lost: Promise<string>;
}

/** How to attach again: start the server on `port` if it is not running, then `connect`. */
export interface Reattach {
  readonly server: ServerContext;
  readonly port: number;
  readonly connect: () => Promise<AttachConnection>;
}

export interface AttachWatch {
  /** The attach connection of the moment. */
  current(): AttachConnection;
  /** Stops watching; resolves once an attempt to attach again under way has finished. */
  stop(): Promise<void>;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/** Watches `first`; with `reattach`, keeps this process attached across a lost connection or a dead postmaster. */
export function watchAttachment(
  first: AttachConnection,
  log: (message: string) => void,
  reattach?: Reattach,
): AttachWatch {
  let current = first;
  let stopped = false;
  let wake = (): void => undefined;
  const stopping = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const sleep = (ms: number) => Promise.race([stopping, new Promise((resolve) => setTimeout(resolve, ms).unref())]);

  const attachAgain = async (): Promise<AttachConnection | undefined> => {
    if (reattach === undefined) return undefined;
    const started = Date.now();
    for (let attempt = 0; !stopped; attempt += 1) {
      try {
        const port = await ensureServerRunning(reattach.server, reattach.port);
        if (port !== reattach.port) throw new Error(`it now listens on port ${port}; restart this process to use it`);
        const next = await reattach.connect();
        log(`attached again to the embedded PostgreSQL on port ${port} after ${Date.now() - started} ms`);
        return next;
      } catch (error) {
        if (attempt === 0) log(`could not attach again to the embedded PostgreSQL yet, retrying: ${messageOf(error)}`);
        await sleep(Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt));
      }
    }
    return undefined;
  };

  const watching = (async () => {
    for (;;) {
      const reason = await Promise.race([current.lost, stopping.then(() => null)]);
      if (reason === null || stopped) return;
      if (reattach === undefined) {
        const consequence = 'this process no longer keeps the cluster running';
        log(`lost the embedded PostgreSQL attach connection (${reason}); ${consequence}`);
        return;
      }
      log(`lost the embedded PostgreSQL attach connection (${reason}); starting it again if needed and reattaching`);
      const next = await attachAgain();
      if (next === undefined) return;
      current = next;
    }
  })();

  return {
    current: () => current,
    stop: async () => {
      stopped = true;
      wake();
      await watching;
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
