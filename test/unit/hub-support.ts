import { serve, type ServerType } from '@hono/node-server';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll } from 'vitest';
import { createHubApp, type HubOptions } from '../../hub/app.ts';
import { openHubStore, type HubStore } from '../../hub/store.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Serves an already opened store (SQLite or PostgreSQL) on 127.0.0.1; stop() leaves the store open. */
export async function serveStore(store: HubStore, opts: HubOptions = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const app = createHubApp(store, opts);
  const server: ServerType = await new Promise((ok) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ok(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    stop: () =>
      new Promise<void>((ok) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

/**
 * A real PostgreSQL: $GLEANER_HUB_DATABASE_URL when CI provides one, else a throwaway cluster from
 * scripts/ensure-postgres.sh (installs Debian's postgresql as root if missing), stopped by stop().
 */
export function startPostgres(): { url: string; stop(): void } {
  if (process.env.GLEANER_HUB_DATABASE_URL) return { url: process.env.GLEANER_HUB_DATABASE_URL, stop() {} };
  const out = execFileSync('bash', [resolve(ROOT, 'scripts/ensure-postgres.sh')], { encoding: 'utf8', timeout: 180_000 }).trim().split('\n');
  const dir = out.find((l) => l.startsWith('PGDIR='))!.slice('PGDIR='.length);
  return { url: out.at(-1)!, stop: () => void execFileSync('bash', [resolve(ROOT, 'scripts/ensure-postgres.sh'), '--stop', dir]) };
}

export function authed(token: string, extra: Record<string, string> = {}) {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extra };
}

/** A URL onto a new, empty schema of the same database, so each store under test starts blank. */
export async function freshSchemaUrl(base: string): Promise<string> {
  const { default: pg } = await import('pg');
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  await c.query(`CREATE SCHEMA ${schema}`);
  await c.end();
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/**
 * The two stores a hub test runs over: a fresh SQLite file and a fresh PostgreSQL schema each time.
 * Registers the PostgreSQL server's start and stop with the calling file's hooks.
 */
export function bothStores(prefix: string): [string, () => Promise<HubStore>][] {
  let pg: { url: string; stop(): void } | undefined;
  beforeAll(() => {
    pg = startPostgres();
  }, 200_000);
  afterAll(() => pg?.stop());
  return [
    ['sqlite', async () => openHubStore(join(mkdtempSync(join(tmpdir(), `gleaner-${prefix}-`)), 'hub.sqlite'))],
    ['postgres', async () => openHubStore(await freshSchemaUrl(pg!.url))],
  ];
}
