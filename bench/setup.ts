/**
 * A throwaway database for one bench run: `bench_<pid>` on the server at DATABASE_URL, or on an
 * embedded cluster created in a temporary directory (with the product's default settings, so
 * commits are durable) and removed afterwards.
 */

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { attachEmbeddedCluster } from '../src/store/embedded/embedded-cluster.ts';

export interface BenchDatabase {
  /** Connection URL of the fresh database. */
  readonly url: string;
  /** Where it lives, for the report header. */
  readonly description: string;
  /** Drops the database (and the embedded cluster, if the bench made one). Idempotent. */
  drop(): Promise<void>;
}

async function withClient<T>(url: string, action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'credence-bench-admin' });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await withClient(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function once(action: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= action());
}

export async function openBenchDatabase(log: (message: string) => void): Promise<BenchDatabase> {
  const name = `bench_${process.pid}`;
  const dropOn = (adminUrl: string) =>
    withClient(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(
      () => undefined,
    );
  const serverUrl = process.env.DATABASE_URL?.trim();
  if (serverUrl) {
    const url = await createDatabase(serverUrl, name);
    return { url, description: `database ${name} on DATABASE_URL`, drop: once(() => dropOn(serverUrl)) };
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'credence-bench-'));
  chmodSync(dataDir, 0o755); // the cluster may run as the postgres OS user, which must reach it
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  try {
    const cluster = await attachEmbeddedCluster({ dataDir, database: 'postgres', log });
    const url = await createDatabase(cluster.adminUrl, name).catch(async (error: unknown) => {
      await cluster.release();
      throw error;
    });
    const drop = async () => {
      try {
        await dropOn(cluster.adminUrl);
      } finally {
        await cluster.release();
        removeDir();
      }
    };
    return { url, description: `embedded cluster in ${dataDir}, default settings`, drop: once(drop) };
  } catch (error) {
    removeDir();
    throw error;
  }
}

/** The server's version string, shortened to "PostgreSQL 18.1". */
export async function postgresVersion(url: string): Promise<string> {
  const version = await withClient(
    url,
    async (client) => (await client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v,
  );
  return `PostgreSQL ${version.split(' ')[0]}`;
}
