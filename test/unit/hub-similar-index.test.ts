import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openHubStore, type HubStore } from '../../hub/store.ts';
import { indexRow, similarityOf } from '../../hub/similar.ts';
import { indexFileOf } from '../../hub/similar-sqlite.ts';
import type { Entry } from '../../lib/model/entry.ts';
import { bothStores } from './hub-support.ts';
import { entry, Q1, Q1_RETYPED, Q2, Q3 } from '../support/similar-entries.ts';

const backends = bothStores('simidx');
const QUESTIONS = [Q1, Q1_RETYPED, Q2, Q3];

/** `n` entries stored without the hub's routes (nothing indexes them), each from posts of its own thread. */
async function stored(store: HubStore, n: number, tag: string): Promise<Entry[]> {
  const who = await store.addContributor(`c-${tag}`);
  const entries: Entry[] = [];
  for (let i = 0; i < n; i++) entries.push(await entry(`${QUESTIONS[i % 4]} (${tag} ${i})`, [`${i}1`, `${i}2`], { thread: `https://t${i}.example/${tag}` }));
  await store.receiveBatch(who.contributor, `k-${tag}`, entries, 202);
  return entries;
}

/** Ids a lookup of each entry's own question and posts finds it under: every entry indexed, none else. */
async function found(store: HubStore, entries: Entry[]): Promise<number> {
  const sim = await similarityOf(store);
  let n = 0;
  for (const e of entries) if ((await sim.find(e.sources, e.kind === 'qa' ? e.qa.question.text : '', null)).some((f) => f.id === e.id)) n++;
  return n;
}

describe.each(backends)('the duplicate index under concurrent writers, over %s', (_backend, open) => {
  let store: HubStore | undefined;
  afterEach(async () => store?.close());

  it('indexes the same entries from the drain and the backfill at once, in opposite orders, without a deadlock', async () => {
    store = await open();
    const entries = await stored(store, 60, 'race');
    const sim = await similarityOf(store);
    await sim.backfill();
    const rows = entries.map(indexRow);
    const errors = vi.spyOn(console, 'error');
    try {
      for (let round = 0; round < 3; round++) {
        // The drain indexes entries as they were submitted; the backfill by id; a merge re-indexes one again.
        const results = await Promise.allSettled([sim.sims.index(rows), sim.sims.index([...rows].reverse()), sim.sims.index([rows[7]!, rows[3]!, rows[7]!]), sim.backfill()]);
        expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      }
      expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([]);
    } finally {
      errors.mockRestore();
    }
    expect(await found(store, entries)).toBe(entries.length);
  }, 60_000);

  it('backfills the entries received before it began and leaves later ones to the drain, so it ends under a stream of submissions', async () => {
    store = await open();
    // More than one backfill batch (200), so the backfill queries again after the later entries are stored.
    const before = await stored(store, 230, 'old');
    const sim = await similarityOf(store);
    const run = sim.backfill();
    await new Promise((ok) => setTimeout(ok, 5));
    const later = await stored(store, 5, 'new');
    expect(await run).toBe(230);
    expect(await found(store, later)).toBe(0);
    expect(await sim.backfill()).toBe(5);
    expect(await found(store, [...before.slice(0, 20), ...later])).toBe(25);
  }, 60_000);
});

describe('the SQLite duplicate index in its own file, written by a worker thread', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'gleaner-simfile-'));
    dirs.push(d);
    return join(d, 'hub.sqlite');
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('keeps the index out of the hub file, answers right after indexing, and rebuilds a lost index file on the next start', async () => {
    const file = fresh();
    let store = await openHubStore(file);
    const entries = await stored(store, 12, 'file');
    const sim = await similarityOf(store);
    expect(await sim.backfill()).toBe(12);
    expect(await found(store, entries)).toBe(12);
    const more = await stored(store, 3, 'more');
    sim.received(more);
    await sim.settled();
    expect(await found(store, more)).toBe(3);
    const db = (store as unknown as { db: import('better-sqlite3').Database }).db;
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'similar_%' ORDER BY name").all()).toEqual([{ name: 'similar_dismissed' }]);
    store.close();
    expect(existsSync(indexFileOf(file))).toBe(true);

    rmSync(indexFileOf(file));
    rmSync(`${indexFileOf(file)}-wal`, { force: true });
    rmSync(`${indexFileOf(file)}-shm`, { force: true });
    store = await openHubStore(file);
    try {
      const again = await similarityOf(store);
      expect(await found(store, entries.slice(0, 1))).toBe(0);
      expect(await again.backfill()).toBe(15);
      expect(await found(store, [...entries, ...more])).toBe(15);
    } finally {
      store.close();
    }
  }, 60_000);

  it('indexes in the hub thread when its worker dies, with a message, and loses nothing it was sent', async () => {
    const store = await openHubStore(fresh());
    try {
      const entries = await stored(store, 8, 'dies');
      const sim = await similarityOf(store);
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
      const worker = (sim.sims as unknown as { worker: import('node:worker_threads').Worker }).worker;
      sim.received(entries.slice(0, 4));
      await new Promise<void>((ok) => setImmediate(ok));
      await worker.terminate();
      sim.received(entries.slice(4));
      await sim.settled();
      expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(/duplicate index's worker stopped \(exit code \d+\); the hub's thread indexes entries itself/)]);
      errors.mockRestore();
      expect(await found(store, entries)).toBe(8);
    } finally {
      store.close();
    }
  }, 60_000);
});
