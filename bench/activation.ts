/**
 * `npm run bench:activation -- --subjects N[,M…]`: a policy activation end to end over a demo city of N subjects
 * (issue 12: "full rescoring ≥ 200,000 subjects/s end to end"). Loads the city with the demo loader, then activates
 * the active policy's document under another version in this process, page by page as the server does, and
 * reports subjects per second: per city subject (the measure: a resident with no record has no stored state
 * and needs no work) and per stored subject (those with a record, each read, evaluated and written), with the load
 * average. Pass `--page-size` to try other pages, `--profile FILE` for a CPU profile of the activation alone.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { DEFAULT_DEMO_SEED, loadDemo } from '../src/services/demo/demo.service.ts';
import { openRegistry } from '../src/services/runtime/open-registry.ts';
import { measureActivation } from './evaluate.ts';
import { openBenchDatabase } from './setup.ts';

const log = (message: string) => process.stderr.write(`${message}\n`);

/** A CPU profile of the activation alone (`--profile FILE`), for Chrome's DevTools. */
async function startProfile(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return session;
}

async function stopProfile(session: Session, file: string): Promise<void> {
  const { profile } = await session.post('Profiler.stop');
  await writeFile(file, JSON.stringify(profile));
  session.disconnect();
}

async function activateOver(
  subjects: number,
  pageSize: number | undefined,
  profile: string | undefined,
): Promise<Record<string, unknown>> {
  const database = await openBenchDatabase(log);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'credence-bench-activation-'));
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', CREDENCE_DATA_DIR: dataDir });
  const registry = await openRegistry(config, { applicationName: 'credence-bench-activation', warmIndex: false });
  try {
    log(`loading a city of ${subjects.toLocaleString('en')} subjects…`);
    await loadDemo(registry.rt, { subjects, seed: DEFAULT_DEMO_SEED, baseUrl: 'http://bench' });
    const load = os.loadavg()[0]!;
    log('activating another policy version over it…');
    const session = profile === undefined ? undefined : await startProfile();
    const started = performance.now();
    const measured = await measureActivation(registry.rt, pageSize);
    if (session !== undefined && profile !== undefined) await stopProfile(session, profile);
    const seconds = (performance.now() - started) / 1000;
    return {
      city_subjects: subjects,
      stored_subjects: measured.subjects,
      pages: measured.pages,
      seconds: Math.round(seconds * 10) / 10,
      city_subjects_per_s: Math.round(subjects / seconds),
      stored_subjects_per_s: Math.round(measured.perSecond),
      load_average: [Math.round(load * 100) / 100, Math.round(os.loadavg()[0]! * 100) / 100],
    };
  } finally {
    await registry.close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: { subjects: { type: 'string' }, 'page-size': { type: 'string' }, profile: { type: 'string' } },
});
const sizes = (values.subjects ?? '100000').split(',').map(Number);
const pageSize = values['page-size'] === undefined ? undefined : Number(values['page-size']);
const results = [];
for (const size of sizes) results.push(await activateOver(size, pageSize, values.profile));
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
