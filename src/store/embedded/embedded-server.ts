/**
 * Starting and stopping the embedded PostgreSQL server with pg_ctl, and reading its state from
 * postmaster.pid. pg_ctl puts the server in its own session, so a Ctrl-C on Credence does not
 * reach it and the Credence server can drain its requests before the database stops.
 */

import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { CredenceError } from '../../errors.ts';
import { accessHint, isProcessAlive } from './embedded-cluster-init.ts';
import type { InitContext } from './embedded-cluster-init.ts';
import { runPgTool } from './pg-binaries.ts';

/** For a small machine. fsync and synchronous_commit keep their defaults: writes must be durable. */
export const DEFAULT_SERVER_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '256MB',
  max_connections: '200',
  maintenance_work_mem: '128MB',
};

const START_TIMEOUT_S = 60;
const STOP_TIMEOUT_MS = 60_000;

export interface ServerContext extends InitContext {
  readonly settings: Readonly<Record<string, string>>;
}

/**
 * The port of the running server, starting one if there is none: on `port` when given (a process that must find
 * the cluster where it was), else on the port it was last started on when that is free, else on a free port. A
 * stable port lets a process attached before a crash reach the cluster whoever restarts it. A start that loses a
 * race (to another process starting the server, or for the port) throws a plain Error, worth retrying; any other
 * failure throws CRD_DATABASE_UNAVAILABLE with the server's log.
 */
export async function ensureServerRunning(server: ServerContext, port?: number): Promise<number> {
  const { paths, binaries, user, log } = server;
  const running = await readPostmaster(paths.clusterDir);
  if (running !== undefined) return running.port;
  const chosen = port ?? (await lastPortIfFree(paths.portFile)) ?? (await findFreePort());
  const started = Date.now();
  const logOffset = await fileSize(paths.logFile);
  const options = serverOptions(chosen, server.settings);
  const result = await runPgTool(
    binaries.pg_ctl,
    ['start', '-w', '-t', String(START_TIMEOUT_S), '-D', paths.clusterDir, '-l', paths.logFile, '-o', options],
    { user, cwd: paths.dataDir },
  );
  if (result.code === 0) {
    log(`started the embedded PostgreSQL on 127.0.0.1:${chosen} in ${Date.now() - started} ms`);
    await writeFile(paths.portFile, `${chosen}\n`).catch(() => undefined); // a preference only
  }
  // After a failure, another process may have won the race: then we use its server.
  const now = await readPostmaster(paths.clusterDir);
  if (now !== undefined) return now.port;
  const output = `${result.output}\n${await readLog(paths.logFile, logOffset)}`.trim();
  // After a crash the old postmaster (a zombie until reaped) and its backends linger for a moment: worth retrying.
  if (/another server might be running|lock file .* already exists|could not bind|shared memory block/i.test(output)) {
    throw new Error(`the embedded PostgreSQL did not start, probably a race with another process:\n${output}`);
  }
  const message = `pg_ctl start failed for ${paths.clusterDir}${accessHint(user, output)}:\n${output}`;
  throw new CredenceError('CRD_DATABASE_UNAVAILABLE', message);
}

/** Stops the server and waits for it to exit. The caller must be the last process attached. */
export async function stopServer({ paths, binaries, user, log }: ServerContext): Promise<void> {
  const running = await readPostmaster(paths.clusterDir);
  if (running === undefined) return;
  const started = Date.now();
  // -W plus our own wait for this pid to exit: pg_ctl -w would also wait for a server that a
  // newcomer starts in the same directory right after ours stops.
  const result = await runPgTool(binaries.pg_ctl, ['stop', '-m', 'fast', '-W', '-D', paths.clusterDir], {
    user,
    cwd: paths.dataDir,
  });
  if (result.code !== 0) throw new CredenceError('CRD_DATABASE_UNAVAILABLE', `pg_ctl stop failed: ${result.output}`);
  while ((await readPostmaster(paths.clusterDir))?.pid === running.pid) {
    if (Date.now() - started > STOP_TIMEOUT_MS) {
      const message = `The embedded PostgreSQL (pid ${running.pid}) did not stop within ${STOP_TIMEOUT_MS} ms.`;
      throw new CredenceError('CRD_DATABASE_UNAVAILABLE', message);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  log(`stopped the embedded PostgreSQL in ${Date.now() - started} ms`);
}

/** The live postmaster of `clusterDir` per its postmaster.pid (line 1: pid, line 4: port). */
async function readPostmaster(clusterDir: string): Promise<{ pid: number; port: number } | undefined> {
  let lines: string[];
  try {
    lines = (await readFile(`${clusterDir}/postmaster.pid`, 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!(pid > 0) || !(port > 0) || !isProcessAlive(pid)) return undefined;
  return { pid, port };
}

/** pg_ctl's -o string. pg_ctl hands it to a shell, so values are restricted to inert characters. */
function serverOptions(port: number, settings: Readonly<Record<string, string>>): string {
  const all = {
    ...settings,
    port: String(port),
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '', // TCP only: no socket path length or permission limits
  };
  return Object.entries(all)
    .map(([name, value]) => {
      if (!/^[a-z_.]+$/.test(name) || !/^[\w.:,/+-]*$/.test(value)) {
        throw new CredenceError('CRD_CONFIG_INVALID', `Unsupported PostgreSQL setting ${name}=${value}.`);
      }
      return `-c ${name}=${value}`;
    })
    .join(' ');
}

/** A port free right now; a process that takes it before the server does makes the start retry. */
function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('could not find a free TCP port'));
      });
    });
  });
}

/** The port recorded in `portFile` by the last start, if it is free now. */
async function lastPortIfFree(portFile: string): Promise<number | undefined> {
  const port = Number.parseInt(await readFile(portFile, 'utf8').catch(() => ''), 10);
  if (!(port > 0 && port < 65_536)) return undefined;
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.on('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  return free ? port : undefined;
}

async function fileSize(file: string): Promise<number> {
  return stat(file).then(
    (stats) => stats.size,
    () => 0,
  );
}

/** The server log from byte `from` (at most its last 8 KiB), for error messages. */
export async function readLog(file: string, from = 0): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const start = Math.min(size, Math.max(from, size - 8192)); // the log may have been truncated
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(size - start), 0, size - start, start);
      return buffer.subarray(0, bytesRead).toString('utf8').trim();
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}
