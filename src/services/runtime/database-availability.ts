/**
 * Whether the database answers, as a process's background work sees it. While PostgreSQL is away every loop (the
 * ledger follower's poll, the log integrator, the inquiry log's retries, scheduled jobs) fails on each tick; this
 * turns those failures into two log lines per outage: the first connection failure reports the database down and
 * starts probing it, and the first probe that answers reports it back. The loops recover by themselves (new pool
 * connections, listening connections opened again); nothing here pauses them.
 */

import { isConnectionFailure, pingDatabase } from '../../store/database.ts';
import type { Executor } from '../../store/executor.ts';
import { isCredenceError } from '../../errors.ts';

export interface AvailabilityEvents {
  /** The database stopped answering; `error` is the first failure seen. */
  readonly onDown: (error: unknown) => void;
  /** It answers again, `downMs` after it was first seen down. */
  readonly onBack: (downMs: number) => void;
}

/** How often a database seen down is probed. */
const PROBE_MS = 250;

export class DatabaseAvailability {
  private downSince: number | null = null;
  private probe: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly db: Executor;
  private readonly events: AvailabilityEvents;

  constructor(db: Executor, events: AvailabilityEvents) {
    this.db = db;
    this.events = events;
  }

  /** False from the first connection failure until a probe gets an answer. */
  get available(): boolean {
    return this.downSince === null;
  }

  /**
   * Takes an error from background work or a connection: true when it says the database cannot be reached (then
   * it is accounted for here, and the caller should not log it), false for any other error.
   */
  report(error: unknown): boolean {
    if (!isDatabaseUnavailable(error)) return false;
    if (this.downSince === null && !this.stopped) {
      this.downSince = performance.now();
      this.events.onDown(error);
      this.scheduleProbe();
    }
    return true;
  }

  /** Stops probing (at shutdown). */
  stop(): void {
    this.stopped = true;
    if (this.probe !== null) clearTimeout(this.probe);
    this.probe = null;
  }

  private scheduleProbe(): void {
    this.probe = setTimeout(() => {
      pingDatabase(this.db).then(
        () => {
          const downMs = performance.now() - (this.downSince ?? performance.now());
          this.probe = null;
          this.downSince = null;
          this.events.onBack(Math.round(downMs));
        },
        () => {
          if (!this.stopped) this.scheduleProbe();
        },
      );
    }, PROBE_MS);
    this.probe.unref();
  }
}

/** A connection failure, or the coded error a service gives for one. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return isConnectionFailure(error) || (isCredenceError(error) && error.code === 'CRD_DATABASE_UNAVAILABLE');
}
