/**
 * LISTEN on a connection of its own that outlives the database going away: when the connection is lost (the
 * server restarted, crashed or terminated it) it is dropped from the pool and opened again with backoff, and the
 * caller is told once it listens again, to catch up on what was notified in between (NOTIFY is not queued for a
 * listener that is not connected).
 */

import type pg from 'pg';

export interface ChannelHandlers {
  readonly onNotification: () => void;
  /** Each time LISTEN takes effect after a lost connection: notifications sent meanwhile were lost. */
  readonly onRelisten: () => void;
  /** The lost connection's error, and each failed attempt to listen again. */
  readonly onError: (error: unknown) => void;
}

export interface ChannelListener {
  /** Stops listening (and reconnecting) and returns the connection to the pool. */
  stop(): Promise<void>;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

interface Listening {
  /** Removes this module's listeners and returns the connection: to the pool, or dropped with an error. */
  readonly release: (error?: Error) => void;
}

/** Listens on `channel` (a trusted identifier); the first LISTEN must succeed, later ones are retried. */
export async function listenToChannel(
  pool: pg.Pool,
  channel: string,
  handlers: ChannelHandlers,
): Promise<ChannelListener> {
  let stopped = false;
  let current: Listening | null = null;
  let relistening: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const relisten = async (): Promise<void> => {
    for (let delay = FIRST_RETRY_MS; !stopped; delay = Math.min(MAX_RETRY_MS, delay * 2)) {
      await pause(delay);
      if (stopped) return;
      try {
        current = await listen(pool, channel, handlers.onNotification, onLost);
      } catch (error) {
        handlers.onError(error);
        continue;
      }
      if (stopped) return void current.release();
      handlers.onRelisten();
      return;
    }
  };
  const onLost = (error: Error | undefined): void => {
    current = null;
    if (error !== undefined) handlers.onError(error);
    if (!stopped) relistening = relisten();
  };

  current = await listen(pool, channel, handlers.onNotification, onLost);
  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await relistening;
      current?.release();
      current = null;
    },
  };
}

/** One connection listening on `channel`; `onLost` is called once if it fails after LISTEN took effect. */
async function listen(
  pool: pg.Pool,
  channel: string,
  onNotification: () => void,
  onLost: (error: Error | undefined) => void,
): Promise<Listening> {
  const client = await pool.connect();
  let listening = false;
  let released = false;
  const release = (error?: Error): void => {
    if (released) return;
    released = true;
    client.removeListener('notification', onNotification);
    client.removeListener('error', onError);
    client.removeListener('end', onEnd);
    client.release(error); // with an error the pool drops the connection instead of reusing it
  };
  const fail = (error: Error | undefined): void => {
    if (released) return;
    release(error ?? new Error('the connection ended'));
    if (listening) onLost(error);
  };
  const onError = (error: Error): void => fail(error);
  const onEnd = (): void => fail(undefined);
  client.on('error', onError);
  client.on('end', onEnd);
  client.on('notification', onNotification);
  try {
    await client.query(`listen ${channel}`);
  } catch (error) {
    fail(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  listening = true;
  return { release };
}
