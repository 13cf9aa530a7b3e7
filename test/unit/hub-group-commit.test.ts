import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { bothStores } from './hub-support.ts';
import type { BatchItem, Contributor, HubStore, SubmitOutcome } from '../../hub/store.ts';
import { qaEntry } from '../support/entries.ts';

/**
 * Submissions that reach a store in the same turn of the event loop share one transaction (SQLite:
 * store-sqlite.ts's flush; PostgreSQL: hub/pg-group-commit.ts). Sharing must not change any outcome:
 * each new entry stored once under its own submission, a resent key answered with the first answer, a
 * taken or repeated id refused or reported as before.
 */

const stores = bothStores('group');

async function setup(open: () => Promise<HubStore>) {
  const store = await open();
  const me = (await store.addContributor('grouper')).contributor;
  const other = (await store.addContributor('other')).contributor;
  const base = await qaEntry();
  const submit = (who: Contributor, key: string, items: BatchItem[]) => store.submitBatch!(who, key, `sha-${key}`, items, 202);
  return { store, me, other, base, submit };
}

const ids = (o: SubmitOutcome) => (o.kind === 'stored' ? o.body.results.map((r) => `${r.entryId}:${r.status}`) : o.kind);

describe.each(stores)('group commit (%s)', (backend, open) => {
  it('stores every submission of one turn once, each under its own submission id', async () => {
    const { store, me, base, submit } = await setup(open);
    try {
      const out = await Promise.all(Array.from({ length: 12 }, (_, i) => submit(me, `many-${i}-key`, [{ ...base, id: `many-${i}` }, { ...base, id: `many-${i}-b` }])));
      expect(out.map(ids)).toEqual(Array.from({ length: 12 }, (_, i) => [`many-${i}:received`, `many-${i}-b:received`]));
      expect(new Set(out.map((o) => (o.kind === 'stored' ? o.body.submissionId : null))).size).toBe(12);
      const page = await store.listMine(me.id, { limit: 100 });
      expect(page.entries.map((e) => e.id).sort()).toEqual(Array.from({ length: 12 }, (_, i) => [`many-${i}`, `many-${i}-b`]).flat().sort());
      expect(new Set(page.entries.map((e) => e.changeSeq)).size).toBe(24);
      // Each replays its own answer afterwards.
      const again = await submit(me, 'many-3-key', [{ ...base, id: 'many-3' }, { ...base, id: 'many-3-b' }]);
      expect(again).toMatchObject({ kind: 'replay', status: 202, body: { submissionId: out[3]!.kind === 'stored' ? out[3]!.body.submissionId : 'x' } });
    } finally {
      await store.close();
    }
  });

  it('gives a turn that mixes new, resent, taken and repeated ids the outcomes each would have alone', async () => {
    const { store, me, other, base, submit } = await setup(open);
    try {
      const first = await submit(me, 'resent-key-1', [{ ...base, id: 'mixed-old' }]);
      expect(first.kind).toBe('stored');
      await submit(other, 'others-key-1', [{ ...base, id: 'mixed-theirs' }]);
      const out = await Promise.all([
        submit(me, 'fresh-key-01', [{ ...base, id: 'mixed-new' }]),
        submit(me, 'resent-key-1', [{ ...base, id: 'mixed-old' }]),
        submit(me, 'taken-key-01', [{ ...base, id: 'mixed-theirs' }, { ...base, id: 'mixed-mine' }]),
        submit(me, 'twice-key-01', [{ ...base, id: 'mixed-twice' }]),
        submit(me, 'twice-key-02', [{ ...base, id: 'mixed-twice' }]),
        submit(me, 'fresh-key-02', [{ ...base, id: 'mixed-new-2' }]),
      ]);
      expect(ids(out[0]!)).toEqual(['mixed-new:received']);
      expect(out[1]).toEqual({ kind: 'replay', status: 202, body: first.kind === 'stored' ? first.body : null });
      expect(ids(out[2]!)).toEqual(['mixed-theirs:invalid', 'mixed-mine:received']);
      // The same new id under two keys: stored by one, a duplicate for the other.
      expect([ids(out[3]!), ids(out[4]!)].flat().sort()).toEqual(['mixed-twice:duplicate', 'mixed-twice:received']);
      expect(ids(out[5]!)).toEqual(['mixed-new-2:received']);
      expect((await store.entryStatus('mixed-theirs'))?.contributorId).toBe(other.id);
      expect((await store.listMine(me.id, { limit: 100 })).entries.map((e) => e.id).sort()).toEqual(['mixed-mine', 'mixed-new', 'mixed-new-2', 'mixed-old', 'mixed-twice']);
    } finally {
      await store.close();
    }
  });

  it.runIf(backend === 'postgres')('takes one connection and one transaction for the submissions of one turn', async () => {
    const { store, me, base, submit } = await setup(open);
    try {
      const pool = (store as unknown as { pool: pg.Pool }).pool;
      const connect = pool.connect.bind(pool);
      let taken = 0;
      (pool as unknown as { connect: () => Promise<pg.PoolClient> }).connect = () => (taken++, connect());
      const out = await Promise.all(Array.from({ length: 10 }, (_, i) => submit(me, `one-tx-${i}-key`, [{ ...base, id: `one-tx-${i}` }])));
      expect(out.every((o) => o.kind === 'stored')).toBe(true);
      expect(taken).toBe(1);
    } finally {
      await store.close();
    }
  });
});
