/**
 * The bench's child processes (the HTTP server, the witness): each listens on a free port and keeps its files in
 * a data directory of its own, removed when it stops. Their output is progress, never the bench's answer.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const START_TIMEOUT_MS = 60_000;

/** A running child process. */
export interface Child {
  readonly url: string;
  readonly pid: number;
  /** Freezes it (SIGSTOP): it does nothing at all, its background loops included, until `resume`. */
  pause(): void;
  resume(): void;
  /** Stops it (SIGTERM, after SIGCONT if it is paused), waits for it to exit and removes its data directory. */
  stop(): Promise<void>;
}

/** What to start: `node <args>` with `env` added, answering at `url` once `ready` says so. */
export interface ChildSpec {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly url: string;
  readonly dataDir: string;
  readonly ready: (url: string) => Promise<boolean>;
  /** Its stdout (a request log, say) is thrown away rather than shown as progress. */
  readonly discardStdout?: boolean | undefined;
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A fresh temporary directory for one child. */
export function childDataDir(name: string): string {
  return mkdtempSync(path.join(tmpdir(), `credence-bench-${name}-`));
}

async function waitUntilReady(spec: ChildSpec, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the ${spec.name} exited with code ${child.exitCode} before it was ready`);
    if (await spec.ready(spec.url).catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the ${spec.name} was not ready within ${START_TIMEOUT_MS} ms`);
}

/** Starts `spec` with this process's Node in the repository root; waits until it is ready (or stops it, throws). */
export async function startChild(spec: ChildSpec, log: (message: string) => void): Promise<Child> {
  const child = spawn(process.execPath, [...spec.args], {
    cwd: ROOT,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', spec.discardStdout === true ? 'ignore' : 'pipe', 'pipe'],
  });
  // Keep stdout clean for --json.
  child.stdout?.pipe(process.stderr);
  child.stderr!.pipe(process.stderr);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      log(`${spec.name} process: ${error.message}`);
      resolve();
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const signal = (name: NodeJS.Signals) => () => void (running() && child.kill(name));
  const stop = async () => {
    signal('SIGCONT')();
    signal('SIGTERM')();
    await exited;
    rmSync(spec.dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(spec, child);
  } catch (error) {
    await stop();
    throw error;
  }
  log(`${spec.name} pid ${child.pid} ready at ${spec.url}`);
  return { url: spec.url, pid: child.pid!, pause: signal('SIGSTOP'), resume: signal('SIGCONT'), stop };
}
