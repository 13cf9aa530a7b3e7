import type pg from 'pg';
import { pgTransaction } from './pg-tx.ts';
import type { Entry } from '../lib/model/entry.ts';
import { PER_KEY, type CandidateRow, type IndexRow, type KeyHit, type MergeWrite, type SimilarStore } from './similar-store.ts';

/**
 * Same tables as the SQLite module, created on first use under an advisory lock (hubs starting at once),
 * idempotently: the hub's migration list (store-postgres.ts) is left alone.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS similar_index (
    entry_id TEXT COLLATE "C" PRIMARY KEY REFERENCES entries(id), version INTEGER NOT NULL, signature TEXT NOT NULL, keys TEXT[] NOT NULL);
  CREATE TABLE IF NOT EXISTS similar_keys (
    key TEXT COLLATE "C" NOT NULL, entry_id TEXT COLLATE "C" NOT NULL REFERENCES entries(id), kind TEXT NOT NULL, PRIMARY KEY (key, entry_id));
  CREATE TABLE IF NOT EXISTS similar_dismissed (
    a TEXT COLLATE "C" NOT NULL, b TEXT COLLATE "C" NOT NULL, by_name TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (a, b));
  CREATE TABLE IF NOT EXISTS entry_merges (
    entry_id TEXT COLLATE "C" PRIMARY KEY REFERENCES entries(id), into_id TEXT COLLATE "C" NOT NULL REFERENCES entries(id),
    by_name TEXT NOT NULL, at TEXT NOT NULL, sources_added INTEGER NOT NULL);`;

const LIVE = "e.state NOT IN ('rejected', 'withdrawn')";
const pair = (a: string, b: string) => (a < b ? [a, b] : [b, a]);

export class PostgresSimilar implements SimilarStore {
  private constructor(private readonly pool: pg.Pool) {}

  static async open(pool: pg.Pool): Promise<PostgresSimilar> {
    const s = new PostgresSimilar(pool);
    await s.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(7313)');
      await c.query(SCHEMA);
    });
    return s;
  }

  private tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return pgTransaction(this.pool, fn);
  }

  /**
   * One transaction, five statements for the whole batch (one per entry and statement before: the drain
   * fell behind under `npm run bench -- hub-load`). Indexing of one entry is serialised by an advisory lock
   * per entry, all of a batch's taken first, in one order: the drain (entries as submitted) and the backfill
   * (by id) indexing the same fresh entries at once each waited for a key row the other had written first
   * ("deadlock detected" under that load) and the aborted batch stayed unindexed until the next start. The
   * entries are then locked FOR KEY SHARE (what the keys' foreign keys take anyway), explicitly and in id
   * order, the order in which merge and publish take FOR UPDATE, so neither can deadlock with it (it was FOR
   * SHARE, which a plain UPDATE of the entry waits for as well).
   */
  async index(rows: IndexRow[]): Promise<void> {
    if (!rows.length) return;
    // One row per entry: the last asked for wins.
    const ordered = [...new Map(rows.map((r) => [r.entryId, r])).values()].sort((a, b) => (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0));
    await this.tx(async (c) => {
      const ids = ordered.map((r) => r.entryId);
      await c.query('SELECT pg_advisory_xact_lock(7314, h) FROM (SELECT DISTINCT hashtext(id) AS h FROM unnest($1::text[]) AS id ORDER BY 1) s', [ids]);
      const live = new Set((await c.query('SELECT id FROM entries WHERE id = ANY($1) ORDER BY id FOR KEY SHARE', [ids])).rows.map((x) => x.id as string));
      const some = ordered.filter((r) => live.has(r.entryId));
      if (!some.length) return;
      const batch = JSON.stringify(some.map((r) => ({ id: r.entryId, sig: r.signature, keys: r.keys.map((k) => k.key), kinds: r.keys.map((k) => k.kind) })));
      // The old keys are listed with the signature, so they are removed by primary key (no second index).
      await c.query(
        `DELETE FROM similar_keys k USING (SELECT s.entry_id, unnest(s.keys) AS key FROM similar_index s WHERE s.entry_id = ANY($1)) o
         WHERE k.key = o.key AND k.entry_id = o.entry_id`,
        [some.map((r) => r.entryId)],
      );
      await c.query(
        `INSERT INTO similar_index (entry_id, version, signature, keys)
         SELECT t.id, 1, t.sig, ARRAY(SELECT json_array_elements_text(t.keys)) FROM json_to_recordset($1::json) AS t(id text, sig text, keys json)
         ON CONFLICT (entry_id) DO UPDATE SET signature = EXCLUDED.signature, keys = EXCLUDED.keys, version = 1`,
        [batch],
      );
      await c.query(
        `INSERT INTO similar_keys (key, entry_id, kind)
         SELECT k.key, t.id, k.kind FROM json_to_recordset($1::json) AS t(id text, keys json, kinds json)
         CROSS JOIN LATERAL (SELECT a.key, b.kind FROM json_array_elements_text(t.keys) WITH ORDINALITY AS a(key, i)
                             JOIN json_array_elements_text(t.kinds) WITH ORDINALITY AS b(kind, i) USING (i)) k
         ON CONFLICT DO NOTHING`,
        [batch],
      );
    });
  }

  async unindexed(limit: number, afterId: string, receivedBy: string): Promise<{ id: string; record: Entry }[]> {
    const r = await this.pool.query(
      `SELECT e.id, e.record FROM entries e WHERE e.id > $1 AND e.received_at <= $3 AND ${LIVE} AND NOT EXISTS (SELECT 1 FROM similar_index s WHERE s.entry_id = e.id) ORDER BY e.id LIMIT $2`,
      [afterId, limit, receivedBy],
    );
    return r.rows.map((row) => ({ id: row.id, record: JSON.parse(row.record) as Entry }));
  }

  async hits(keys: string[], excludeId: string | null, limit: number): Promise<KeyHit[]> {
    if (!keys.length) return [];
    const r = await this.pool.query(
      `SELECT k.entry_id AS "entryId", COALESCE(array_agg(k.key) FILTER (WHERE k.kind = 's'), '{}') AS src, COUNT(*) FILTER (WHERE k.kind = 'b') AS bands
       FROM unnest($1::text[]) AS q(key)
       CROSS JOIN LATERAL (SELECT entry_id, key, kind FROM similar_keys s WHERE s.key = q.key LIMIT ${PER_KEY}) k
       JOIN entries e ON e.id = k.entry_id
       WHERE k.entry_id <> $2 AND ${LIVE}
       GROUP BY k.entry_id ORDER BY COUNT(*) FILTER (WHERE k.kind = 's') DESC, bands DESC, k.entry_id LIMIT $3`,
      [keys, excludeId ?? '', limit],
    );
    return r.rows.map((row) => ({ entryId: row.entryId as string, sourceKeys: row.src as string[], bands: Number(row.bands) }));
  }

  async rows(ids: string[]): Promise<CandidateRow[]> {
    if (!ids.length) return [];
    const r = await this.pool.query(
      `SELECT e.id, e.title, e.state, e.contributor_id AS "contributorId", s.signature FROM entries e LEFT JOIN similar_index s ON s.entry_id = e.id WHERE e.id = ANY($1)`,
      [ids],
    );
    return r.rows as CandidateRow[];
  }

  async dismissedWith(id: string): Promise<Set<string>> {
    const r = await this.pool.query('SELECT a, b FROM similar_dismissed WHERE a = $1 OR b = $1', [id]);
    return new Set(r.rows.map((row) => (row.a === id ? row.b : row.a) as string));
  }

  async dismiss(a: string, b: string, by: string, now = new Date()): Promise<void> {
    const [x, y] = pair(a, b);
    await this.pool.query('INSERT INTO similar_dismissed (a, b, by_name, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [x, y, by, now.toISOString()]);
  }

  merge(m: MergeWrite): Promise<'ok' | 'missing' | 'conflict'> {
    const at = (m.now ?? new Date()).toISOString();
    return this.tx(async (c): Promise<'ok' | 'missing' | 'conflict'> => {
      // Both rows locked in id order, so two merges of the same pair cannot deadlock; a review or publish waits.
      const r = await c.query('SELECT id, revision, state, record, content_sha256 FROM entries WHERE id = ANY($1) ORDER BY id FOR UPDATE', [[m.into, m.from]]);
      const a = r.rows.find((x) => x.id === m.into);
      const b = r.rows.find((x) => x.id === m.from);
      if (!a || !b) return 'missing';
      if (a.revision !== m.intoRevision || b.revision !== m.fromRevision) return 'conflict';
      const history = 'INSERT INTO entry_history (entry_id, seq, state, at, comment) SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM entry_history WHERE entry_id = $1';
      await c.query('INSERT INTO entry_revisions (entry_id, revision, record, content_sha256, at) VALUES ($1, $2, $3, $4, $5)', [m.into, a.revision, a.record, a.content_sha256, at]);
      await c.query("UPDATE entries SET record = $1, license = $2, updated_at = $3, revision = revision + 1, change_seq = nextval('entry_change_seq') WHERE id = $4", [
        JSON.stringify(m.record), m.record.license, at, m.into,
      ]);
      await c.query(history, [m.into, a.state, at, m.intoComment]);
      await c.query("UPDATE entries SET state = 'rejected', comment = $1, updated_at = $2, revision = revision + 1, change_seq = nextval('entry_change_seq') WHERE id = $3", [m.fromComment, at, m.from]);
      await c.query(history, [m.from, 'rejected', at, m.fromComment]);
      await c.query('INSERT INTO entry_merges (entry_id, into_id, by_name, at, sources_added) VALUES ($1, $2, $3, $4, $5)', [m.from, m.into, m.by, at, m.sourcesAdded]);
      return 'ok';
    });
  }

  async contributorName(id: string): Promise<string> {
    return ((await this.pool.query('SELECT name FROM contributors WHERE id = $1', [id])).rows[0]?.name as string | undefined) ?? '';
  }

  async mergedInto(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const r = await this.pool.query('SELECT entry_id, into_id FROM entry_merges WHERE entry_id = ANY($1)', [ids]);
    return new Map(r.rows.map((row) => [row.entry_id as string, row.into_id as string]));
  }
}
