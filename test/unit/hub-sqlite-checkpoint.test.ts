import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { SqliteHubStore } from '../../hub/store-sqlite.ts';
import { qaEntry } from '../support/entries.ts';

/**
 * WAL checkpoints run on a worker thread with its own connection (hub/sqlite-checkpoint.ts), not inside
 * a submission's commit on the event loop; nothing stored may be lost by it, and a dead worker hands the
 * checkpoints back to the hub's own connection.
 */

const until = async (cond: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; !cond(); ) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function storeWithSubmissions(n: number) {
  const file = join(mkdtempSync(join(tmpdir(), 'gleaner-ckpt-')), 'hub.sqlite');
  const store = new SqliteHubStore(file);
  const { contributor } = store.addContributor('ckpt');
  const base = await qaEntry();
  const ids = Array.from({ length: n }, (_, i) => `ckpt-${i}`);
  const outcomes = await Promise.all(ids.map((id) => store.submitBatch(contributor, `key-${id}`, `hash-${id}`, [{ ...base, id }], 202)));
  expect(outcomes.every((o) => o.kind === 'stored')).toBe(true);
  return { file, store, ids };
}

describe('SQLite: WAL checkpoints off the event loop', () => {
  it('the hub connection stops checkpointing and the worker copies the WAL into the database file', async () => {
    const { file, store, ids } = await storeWithSubmissions(40);
    try {
      await until(() => store.db.pragma('wal_autocheckpoint', { simple: true }) === 0);
      const before = statSync(file).size;
      // More than the default 1000-page threshold would ever need: only the worker writes the database file now.
      const { contributor } = store.addContributor('ckpt');
      const base = await qaEntry();
      await Promise.all(Array.from({ length: 40 }, (_, i) => store.submitBatch(contributor, `more-${i}`, `h-${i}`, [{ ...base, id: `more-${i}` }], 202)));
      await until(() => statSync(file).size > before);
      expect(store.entryStatus(ids[0]!)?.state).toBe('received');
    } finally {
      store.close();
    }
  });

  it('loses nothing: after close the WAL is gone and every entry is in the database file', async () => {
    const { file, store, ids } = await storeWithSubmissions(60);
    await until(() => store.db.pragma('wal_autocheckpoint', { simple: true }) === 0);
    store.close();
    // The worker closed its connection first, so the hub's close was the last one: it checkpointed and removed the WAL.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const db = new Database(file, { readonly: true });
    try {
      const n = (db.prepare(`SELECT COUNT(*) AS n FROM entries WHERE id IN (${ids.map(() => '?').join(', ')})`).get(...ids) as { n: number }).n;
      expect(n).toBe(ids.length);
    } finally {
      db.close();
    }
  });

  it('hands checkpoints back to the hub connection when the worker dies', async () => {
    const { store } = await storeWithSubmissions(3);
    const errors: unknown[] = [];
    const log = console.error;
    console.error = (...a: unknown[]) => void errors.push(a);
    try {
      await until(() => store.db.pragma('wal_autocheckpoint', { simple: true }) === 0);
      const worker = (store as unknown as { checkpointer: { worker: Worker } }).checkpointer.worker;
      const exited = once(worker, 'exit');
      await worker.terminate();
      await exited;
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      expect(String(errors[0])).toMatch(/checkpointer stopped/);
    } finally {
      console.error = log;
      store.close();
    }
  });
});
