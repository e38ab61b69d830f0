/**
 * Decision nodes past one process (issue 12, docs/scaling.md): two `credence serve` processes on one database, each
 * with its own in-memory decision index fed by the ledger. A record filed through one reaches the decisions of the
 * other without a restart, and both log every decision they answer.
 */

import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { aCourtRecord, aResidentId } from './support/factories.ts';
import {
  credence,
  killStartedServers,
  queryCluster,
  type ServerProcess,
  startServer,
  stopServer,
  waitFor,
} from './support/server-process.ts';

/** How often each node polls the ledger besides being woken by NOTIFY (CREDENCE_LEDGER_POLL_MS). */
const POLL_MS = 1000;

let dataDir: string;
let env: NodeJS.ProcessEnv;
const nodes: ServerProcess[] = [];
let court: string;
let airline: string;

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'credence-decision-nodes-'));
  await chmod(dataDir, 0o755); // as root the cluster runs as the postgres OS user, which must reach it
  const { DATABASE_URL: _external, ...rest } = process.env;
  env = { ...rest, CREDENCE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', CREDENCE_LEDGER_POLL_MS: String(POLL_MS) };
  // One after the other: the first starts the embedded cluster, the second attaches to it.
  nodes.push(await startServer(env));
  nodes.push(await startServer(env));
  court = await addPrincipal(['--role', 'agency', '--name', 'Haidian Court', '--agency-kind', 'court']);
  airline = await addPrincipal([
    '--role',
    'relying',
    '--name',
    'Airline',
    '--actions',
    'travel.air',
    '--purposes',
    'ticketing',
  ]);
});

after(async () => {
  await killStartedServers();
  await rm(dataDir, { recursive: true, force: true });
});

test('a record filed through one node reaches the decisions of the other; both log every decision', async () => {
  const [first, second] = nodes as [ServerProcess, ServerProcess];
  const subject = aResidentId();
  const answered: string[] = [];
  const decide = async (node: ServerProcess): Promise<string> => {
    const response = await fetch(`${node.url}/v1/decisions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${airline}` },
      body: JSON.stringify({ subject: { scheme: 'cn-rid', id: subject }, action: 'travel.air', purpose: 'ticketing' }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    const body = (await response.json()) as { decision_id: string; outcome: string };
    answered.push(body.decision_id);
    return body.outcome;
  };
  assert.equal(await decide(first), 'allow');
  assert.equal(await decide(second), 'allow');

  const filed = await fetch(`${first.url}/v1/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${court}` },
    body: JSON.stringify({ records: [aCourtRecord({ subjectId: subject })] }),
  });
  const result = (await filed.json()) as { accepted: unknown[]; rejected: unknown[] };
  assert.equal(filed.status, 200, JSON.stringify(result));
  assert.equal(result.accepted.length, 1, JSON.stringify(result));

  // The filing node's own index has it at once (it waits for its follower before answering the filing)...
  assert.equal(await decide(first), 'deny');
  // ...and the other node once its follower has applied the ledger event: woken by NOTIFY, or at its next poll.
  await waitFor('the second node to deny', async () => ((await decide(second)) === 'deny' ? true : undefined));

  const logged = await queryCluster<{ n: number }>(
    dataDir,
    'select count(distinct id)::int as n from inquiries where id = any($1)',
    [answered],
  );
  assert.equal(logged[0]!.n, answered.length, 'every decision either node answered is in the inquiry log');

  for (const node of nodes.splice(0)) assert.equal(await stopServer(node), 0, node.output());
});

async function addPrincipal(args: string[]): Promise<string> {
  const added = await credence(env, ['principal', 'add', ...args, '--json']);
  assert.equal(added.code, 0, added.output);
  return (JSON.parse(added.stdout) as { key: string }).key;
}
