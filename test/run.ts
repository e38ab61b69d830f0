/**
 * The test runner behind `npm test`: ONE PostgreSQL server per run, a fresh database per test
 * file (test/support/database.ts). DATABASE_URL picks the server, with admin rights assumed;
 * without it an embedded cluster in .test-data/ is attached for the run.
 *
 *   node test/run.ts                       every test/**\/*.test.ts
 *   node test/run.ts test/foo.test.ts      just these files
 *
 * Test files learn the server from CREDENCE_TEST_ADMIN_URL. The exit code is the test runner's.
 */

import { spawn } from 'node:child_process';
import { existsSync, globSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { attachEmbeddedCluster } from '../src/store/embedded/embedded-cluster.ts';
import { reachableByOthersSync } from '../src/store/embedded/pg-relocate.ts';
import type { EmbeddedCluster } from '../src/store/embedded/embedded-cluster.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/**
 * `.test-data/` in the checkout, unless the checkout sits where the postgres account cannot
 * reach it (a private home directory while running as root): then a folder under /tmp.
 */
const TEST_DATA_DIR =
  process.getuid?.() !== 0 || reachableByOthersSync(path.join(ROOT, 'package.json'))
    ? path.join(ROOT, '.test-data')
    : path.join(tmpdir(), `credence-test-data-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`);
const RUNS_DIR = path.join(TEST_DATA_DIR, 'runs');

/** Test databases are throwaway: durability only costs time here. */
const TEST_SERVER_SETTINGS = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };

const SIGNAL_EXIT_BASE = 128;

async function main(): Promise<number> {
  const named = process.argv.slice(2).map((file) => path.resolve(file));
  const testFiles = named.length > 0 ? named : globSync('test/**/*.test.ts', { cwd: ROOT }).sort();
  const { adminUrl, cluster } = await openServer();
  try {
    return await runTests(testFiles, adminUrl);
  } finally {
    await cluster?.release();
    rmSync(path.join(RUNS_DIR, String(process.pid)), { force: true });
  }
}

async function openServer(): Promise<{ adminUrl: string; cluster?: EmbeddedCluster }> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) return { adminUrl: databaseUrl };
  await claimTestData();
  const cluster = await attachEmbeddedCluster({
    dataDir: TEST_DATA_DIR,
    database: 'postgres',
    serverSettings: TEST_SERVER_SETTINGS,
    log: (message) => console.error(`# test database: ${message}`),
  });
  return { adminUrl: cluster.adminUrl, cluster };
}

/**
 * Registers this run in .test-data/runs/ and, if no other test run is alive and no server is
 * left running, wipes the cluster first for a clean run. Concurrent runs share the cluster.
 */
async function claimTestData(): Promise<void> {
  const lockFile = path.join(TEST_DATA_DIR, 'runs.lock');
  mkdirSync(RUNS_DIR, { recursive: true });
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isAbandoned(lockFile)) rmSync(lockFile, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    const otherRuns = readdirSync(RUNS_DIR).filter((pid) => {
      if (isAlive(Number(pid))) return true;
      rmSync(path.join(RUNS_DIR, pid), { force: true });
      return false;
    });
    if (otherRuns.length === 0 && !existsSync(path.join(TEST_DATA_DIR, 'postgres', 'postmaster.pid'))) {
      for (const entry of readdirSync(TEST_DATA_DIR)) {
        if (entry.startsWith('postgres')) rmSync(path.join(TEST_DATA_DIR, entry), { recursive: true, force: true });
      }
    }
    writeFileSync(path.join(RUNS_DIR, String(process.pid)), '');
  } finally {
    rmSync(lockFile, { force: true });
  }
}

/** Its owner has died, or it never got an owner's pid (a crash between create and write). */
function isAbandoned(lockFile: string): boolean {
  try {
    const owner = Number(readFileSync(lockFile, 'utf8'));
    return owner > 0 ? !isAlive(owner) : Date.now() - statSync(lockFile).mtimeMs > 5000;
  } catch {
    return false; // just released
  }
}

function isAlive(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function runTests(files: readonly string[], adminUrl: string): Promise<number> {
  const child = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, CREDENCE_TEST_ADMIN_URL: adminUrl },
  });
  // Ctrl-C reaches the test runner too; a signal sent to us alone is passed on. A second one
  // kills the runner, so the cluster is still released below.
  let interrupted = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted += 1;
    child.kill(interrupted === 1 ? signal : 'SIGKILL');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(code ?? SIGNAL_EXIT_BASE + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
