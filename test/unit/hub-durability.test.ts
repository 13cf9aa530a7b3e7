import { describe, expect, it } from 'vitest';
import { mkdtempSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteHubStore, type SyncFile } from '../../hub/store-sqlite.ts';
import type { SubmitOutcome } from '../../hub/store.ts';
import { qaEntry } from '../support/entries.ts';

/**
 * A 202 means the entries are on disk (docs/hub-protocol.md). Submissions commit without waiting for the
 * disk on the event loop; their answers wait for a flush of the WAL file instead. These tests hold the
 * flush back (an injected fdatasync) to see that no answer leaves before it.
 */

const turn = () => new Promise((r) => setImmediate(r));

async function setup() {
  const file = join(mkdtempSync(join(tmpdir(), 'gleaner-durable-')), 'hub.sqlite');
  const flushes: { fd: number; done: (err: Error | null) => void }[] = [];
  const syncFile: SyncFile = (fd, done) => void flushes.push({ fd, done });
  const store = new SqliteHubStore(file, { syncFile });
  const { contributor } = store.addContributor('durable');
  const base = await qaEntry();
  let n = 0;
  const submit = (again?: string) => {
    const id = again ?? `durable-${n++}`;
    const settled: { outcome?: SubmitOutcome; error?: Error } = {};
    const p = store.submitBatch(contributor, `key-${id}`, `hash-${id}`, [{ ...base, id }], 202).then(
      (o) => (settled.outcome = o),
      (e: Error) => (settled.error = e),
    );
    return { id, settled, p };
  };
  return { file, store, flushes, submit };
}

describe('SQLite: an accepted submission is on disk before it is answered', () => {
  it('commits, then answers only once the WAL file has been flushed', async () => {
    const { file, store, flushes, submit } = await setup();
    try {
      const a = submit();
      await turn();
      await turn();
      // Committed (visible to a reader), not yet answered, one flush asked for, of the WAL file.
      expect(store.entryStatus(a.id)?.state).toBe('received');
      expect(a.settled).toEqual({});
      expect(flushes).toHaveLength(1);
      expect(readlinkSync(`/proc/self/fd/${flushes[0]!.fd}`)).toBe(`${file}-wal`);
      flushes[0]!.done(null);
      await a.p;
      expect(a.settled.outcome).toMatchObject({ kind: 'stored', body: { results: [{ entryId: a.id, status: 'received' }] } });
    } finally {
      store.close();
    }
  });

  it('answers a commit made during a flush only after the next flush, which serves every such commit', async () => {
    const { store, flushes, submit } = await setup();
    try {
      const a = submit();
      await turn();
      await turn();
      expect(flushes).toHaveLength(1);
      // Two more commits while the first flush is on its way: they may not ride on it.
      const b = submit();
      await turn();
      const c = submit();
      await turn();
      await turn();
      expect(flushes).toHaveLength(1);
      flushes[0]!.done(null);
      await a.p;
      await turn();
      expect(b.settled).toEqual({});
      expect(c.settled).toEqual({});
      expect(flushes).toHaveLength(2);
      flushes[1]!.done(null);
      await Promise.all([b.p, c.p]);
      expect([b.settled.outcome?.kind, c.settled.outcome?.kind]).toEqual(['stored', 'stored']);
    } finally {
      store.close();
    }
  });

  it('does not answer success when the flush fails, and a retry of the same key replays after a good flush', async () => {
    const { store, flushes, submit } = await setup();
    try {
      const a = submit();
      await turn();
      await turn();
      flushes[0]!.done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
      await a.p;
      expect(a.settled.outcome).toBeUndefined();
      expect(a.settled.error?.message).toMatch(/write-ahead log could not be flushed/);
      // The client retries with the same key: the stored answer, once a flush has gone through.
      const retry = submit(a.id);
      await turn();
      await turn();
      expect(retry.settled).toEqual({});
      flushes[1]!.done(null);
      await retry.p;
      expect(retry.settled.outcome).toMatchObject({ kind: 'replay', status: 202, body: { results: [{ entryId: a.id, status: 'received' }] } });
    } finally {
      store.close();
    }
  });

  it('keeps synchronous=FULL for every other write (reviews, publish), before and after a group commit', async () => {
    const { store, flushes, submit } = await setup();
    try {
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
      const a = submit();
      await turn();
      await turn();
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
      flushes[0]!.done(null);
      await a.p;
      expect(store.setState(a.id, 'in_review', null)).toBe('ok');
      expect(flushes).toHaveLength(1);
    } finally {
      store.close();
    }
  });

  it('fails only the submission that breaks, in a group or alone, and leaves its key free', async () => {
    const { store, flushes, submit } = await setup();
    const base = await qaEntry();
    const { contributor } = store.addContributor('breaker');
    // A record the database refuses (no title): the store throws for it, inside its own savepoint.
    const broken = (id: string) => store.submitBatch(contributor, `key-${id}`, `hash-${id}`, [{ ...base, id, title: null as unknown as string }], 202);
    try {
      const alone = broken('broken-alone').then(() => null, (e: Error) => e);
      await turn();
      await turn();
      expect((await alone)?.message).toMatch(/NOT NULL/);
      expect(flushes).toHaveLength(0);
      const a = submit();
      const bad = broken('broken-in-group').then(() => null, (e: Error) => e);
      const b = submit();
      await turn();
      await turn();
      flushes[0]!.done(null);
      await Promise.all([a.p, b.p]);
      expect((await bad)?.message).toMatch(/NOT NULL/);
      expect([a.settled.outcome?.kind, b.settled.outcome?.kind]).toEqual(['stored', 'stored']);
      expect(store.entryStatus('broken-in-group')).toBeNull();
      expect(store.db.prepare("SELECT COUNT(*) AS n FROM idempotency WHERE key LIKE 'key-broken-%'").get()).toEqual({ n: 0 });
      // Sent again, fixed, under the same key: a new request, stored.
      const again = store.submitBatch(contributor, 'key-broken-in-group', 'hash-fixed', [{ ...base, id: 'broken-in-group' }], 202);
      await turn();
      await turn();
      flushes[1]!.done(null);
      expect(await again).toMatchObject({ kind: 'stored', body: { results: [{ entryId: 'broken-in-group', status: 'received' }] } });
    } finally {
      store.close();
    }
  });
});
