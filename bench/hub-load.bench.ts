/**
 * `npm run bench -- hub-load`. Load benchmark for the hub: autocannon drives the real hub (`npm run hub -- serve`, its own process,
 * SQLite, write rate limit off) on loopback with one-entry batches, each with its own entry id and
 * Idempotency-Key, so every 202 is a newly stored entry. The ceiling is a bare better-sqlite3 loop
 * inserting the same rows, one transaction each, at the hub's durability (WAL, synchronous=FULL: every
 * commit is on disk before it returns), into a file in the same temp folder, in the same run. The loop at
 * better-sqlite3's default (synchronous=NORMAL in WAL mode, the last commits can be lost on power
 * failure) is printed beside it for reference.
 *   DURATION=10 seconds, CONNECTIONS=10, BATCH=1 by default (environment variables).
 */
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { qaEntry } from '../test/support/entries.ts';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { addContributor, freePort } from '../test/e2e/support/hub-process.ts';

const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const BATCH = Number(process.env.BATCH ?? 1);

function ceiling(dir: string, template: object, seconds: number, synchronous: 'FULL' | 'NORMAL'): number {
  const db = new Database(join(dir, `bare-${synchronous}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec('CREATE TABLE entries (id TEXT PRIMARY KEY, record TEXT NOT NULL, received_at TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO entries (id, record, received_at) VALUES (?, ?, ?)');
  const one = db.transaction((id: string) => insert.run(id, JSON.stringify({ ...template, id }), new Date().toISOString()));
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    one(ulid());
    n++;
  }
  db.close();
  return n / seconds;
}

export default async function hubLoad(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gleaner-bench-'));
  const template = await qaEntry();
  const dbFile = join(dir, 'hub.sqlite');
  const token = addContributor(dbFile, 'bench');
  const port = await freePort();
  const proc = spawn(join(import.meta.dirname, '../node_modules/.bin/tsx'), ['hub/cli.ts', 'serve', '--port', String(port), '--db', dbFile, '--write-rate', 'off'], {
    cwd: join(import.meta.dirname, '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ok, fail) => {
    proc.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && ok());
    proc.on('exit', (code) => fail(new Error(`the hub exited (${code}) before listening`)));
  });
  const hub = {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      proc.kill('SIGTERM');
      await once(proc, 'exit');
    },
  };

  const result = await autocannon({
    url: `${hub.url}/v1/submissions`,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({
          ...req,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${ulid()}` },
          body: JSON.stringify({ entries: Array.from({ length: BATCH }, () => ({ ...template, id: ulid() })) }),
        }),
      },
    ],
  });
  await hub.stop();
  const db = new Database(dbFile, { readonly: true });
  const stored = (db.prepare("SELECT COUNT(*) AS n FROM entries WHERE state = 'received'").get() as { n: number }).n;
  db.close();
  const bare = ceiling(dir, template, Math.min(3, DURATION), 'FULL');
  const bareNormal = ceiling(dir, template, Math.min(3, DURATION), 'NORMAL');
  rmSync(dir, { recursive: true, force: true });

  const accepted = stored / DURATION;
  const failed = result.non2xx + result.errors;
  console.log(`hub on loopback (own process), SQLite, ${CONNECTIONS} connections, ${BATCH} entr${BATCH === 1 ? 'y' : 'ies'} per request, ${DURATION} s`);
  console.log(`  accepted submissions/s: ${accepted.toFixed(0)} (${stored} entries stored; ${failed} non-2xx or errors)`);
  console.log(`  latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
  console.log(`bare better-sqlite3 insert loop (one transaction per row, synchronous=FULL like the hub): ${bare.toFixed(0)} rows/s`);
  console.log(`  (the same loop at synchronous=NORMAL, not durable per commit: ${bareNormal.toFixed(0)} rows/s)`);
  console.log(`hub reaches ${(accepted / bare).toFixed(2)}x the bare insert ceiling (${((accepted / bare) * 100).toFixed(1)} %), p99 ${result.latency.p99} ms`);
  if (failed > 0) process.exitCode = 1;
}
