import type Database from 'better-sqlite3';
import type { Entry } from '../lib/model/entry.ts';
import { PER_KEY, type CandidateRow, type IndexRow, type KeyHit, type MergeWrite, type SimilarStore } from './similar-store.ts';

/** Created on first use, idempotently: the hub's migration list (store-sqlite.ts) is left alone. */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS similar_index (
    entry_id TEXT PRIMARY KEY REFERENCES entries(id), version INTEGER NOT NULL, signature TEXT NOT NULL, keys TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS similar_keys (
    key TEXT NOT NULL, entry_id TEXT NOT NULL REFERENCES entries(id), kind TEXT NOT NULL, PRIMARY KEY (key, entry_id)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS similar_dismissed (
    a TEXT NOT NULL, b TEXT NOT NULL, by_name TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (a, b));
  CREATE TABLE IF NOT EXISTS entry_merges (
    entry_id TEXT PRIMARY KEY REFERENCES entries(id), into_id TEXT NOT NULL REFERENCES entries(id),
    by_name TEXT NOT NULL, at TEXT NOT NULL, sources_added INTEGER NOT NULL);`;

const LIVE = "e.state NOT IN ('rejected', 'withdrawn')";
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const pair = (a: string, b: string) => (a < b ? [a, b] : [b, a]);

export class SqliteSimilar implements SimilarStore {
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    this.wal = db.pragma('journal_mode', { simple: true }) === 'wal';
    this.writes = {
      sig: db.prepare(
        'INSERT INTO similar_index (entry_id, version, signature, keys) VALUES (?, 1, ?, ?) ON CONFLICT (entry_id) DO UPDATE SET signature = excluded.signature, keys = excluded.keys, version = 1',
      ),
      // The old keys are listed with the signature, so they are removed by primary key: no second index on
      // a table of ~34 rows per entry.
      old: db.prepare('SELECT keys FROM similar_index WHERE entry_id = ?'),
      drop: db.prepare('DELETE FROM similar_keys WHERE key = ? AND entry_id = ?'),
      key: db.prepare('INSERT OR IGNORE INTO similar_keys (key, entry_id, kind) VALUES (?, ?, ?)'),
      exists: db.prepare('SELECT 1 FROM entries WHERE id = ?'),
    };
  }

  private readonly wal: boolean;
  /** Statements compiled once: preparing them for each write cost more than running them under hub-load. */
  private readonly writes: Record<'sig' | 'old' | 'drop' | 'key' | 'exists', Database.Statement>;

  /**
   * The index's writes commit without waiting for the disk (synchronous=NORMAL for this transaction alone,
   * in WAL mode, where the database stays consistent across a crash either way): at FULL each write's
   * flush stood still the hub's event loop, a tenth of its time under `npm run bench -- hub-load`. The
   * index is derived data: the next flush of the WAL (every submission's answer waits for one) makes it
   * durable, and an entry a power cut left unindexed is indexed by the backfill on the next start, as after
   * any crash between a commit and its indexing.
   */
  async index(rows: IndexRow[]): Promise<void> {
    if (!rows.length) return;
    const { sig, old, drop, key, exists } = this.writes;
    const was = this.wal ? (this.db.pragma('synchronous', { simple: true }) as number) : null;
    if (was !== null) this.db.pragma('synchronous = NORMAL');
    try {
      this.db.transaction(() => {
        for (const r of rows) {
          if (!exists.get(r.entryId)) continue;
          const before = old.get(r.entryId) as { keys: string } | undefined;
          for (const k of before ? (JSON.parse(before.keys) as string[]) : []) drop.run(k, r.entryId);
          sig.run(r.entryId, r.signature, JSON.stringify(r.keys.map((k) => k.key)));
          for (const k of r.keys) key.run(k.key, r.entryId, k.kind);
        }
      }).immediate();
    } finally {
      if (was !== null) this.db.pragma(`synchronous = ${was}`);
    }
  }

  async unindexed(limit: number, afterId: string): Promise<{ id: string; record: Entry }[]> {
    const rows = this.db
      .prepare(`SELECT e.id, e.record FROM entries e WHERE e.id > ? AND ${LIVE} AND NOT EXISTS (SELECT 1 FROM similar_index s WHERE s.entry_id = e.id) ORDER BY e.id LIMIT ?`)
      .all(afterId, limit) as { id: string; record: string }[];
    return rows.map((r) => ({ id: r.id, record: JSON.parse(r.record) as Entry }));
  }

  async hits(keys: string[], excludeId: string | null, limit: number): Promise<KeyHit[]> {
    if (!keys.length) return [];
    // At most PER_KEY entries per key (similar-store.ts).
    const rows = this.lookup(keys.length)
      .all(...keys, excludeId ?? '', limit) as { entryId: string; src: string; bands: number }[];
    return rows.map((r) => ({ entryId: r.entryId, sourceKeys: JSON.parse(r.src) as string[], bands: Number(r.bands) }));
  }

  /** One statement per number of keys, compiled once: a lookup has 32 bands and up to 200 source keys. */
  private lookups = new Map<number, Database.Statement>();
  private lookup(n: number): Database.Statement {
    let st = this.lookups.get(n);
    if (st) return st;
    const perKey = Array.from({ length: n }, () => `SELECT * FROM (SELECT entry_id, key, kind FROM similar_keys WHERE key = ? LIMIT ${PER_KEY})`).join(' UNION ALL ');
    st = this.db
      .prepare(`WITH k AS (${perKey})
                SELECT k.entry_id AS entryId, json_group_array(k.key) FILTER (WHERE k.kind = 's') AS src, SUM(k.kind = 'b') AS bands
                FROM k JOIN entries e ON e.id = k.entry_id
                WHERE k.entry_id <> ? AND ${LIVE}
                GROUP BY k.entry_id ORDER BY SUM(k.kind = 's') DESC, bands DESC, k.entry_id LIMIT ?`);
    this.lookups.set(n, st);
    return st;
  }

  async rows(ids: string[]): Promise<CandidateRow[]> {
    if (!ids.length) return [];
    return this.db
      .prepare(`SELECT e.id, e.title, e.state, e.contributor_id AS contributorId, s.signature FROM entries e LEFT JOIN similar_index s ON s.entry_id = e.id
                WHERE e.id IN (${marks(ids.length)})`)
      .all(...ids) as CandidateRow[];
  }

  async dismissedWith(id: string): Promise<Set<string>> {
    const rows = this.db.prepare('SELECT a, b FROM similar_dismissed WHERE a = ? OR b = ?').all(id, id) as { a: string; b: string }[];
    return new Set(rows.map((r) => (r.a === id ? r.b : r.a)));
  }

  async dismiss(a: string, b: string, by: string, now = new Date()): Promise<void> {
    const [x, y] = pair(a, b);
    this.db.prepare('INSERT OR IGNORE INTO similar_dismissed (a, b, by_name, at) VALUES (?, ?, ?, ?)').run(x, y, by, now.toISOString());
  }

  async merge(m: MergeWrite): Promise<'ok' | 'missing' | 'conflict'> {
    const at = (m.now ?? new Date()).toISOString();
    const db = this.db;
    return db.transaction((): 'ok' | 'missing' | 'conflict' => {
      const get = db.prepare('SELECT revision, state, record, content_sha256 FROM entries WHERE id = ?');
      const a = get.get(m.into) as { revision: number; state: string; record: string; content_sha256: string } | undefined;
      const b = get.get(m.from) as { revision: number; state: string } | undefined;
      if (!a || !b) return 'missing';
      // Every change bumps the revision, so equal revisions mean nothing moved since the decision was made.
      if (a.revision !== m.intoRevision || b.revision !== m.fromRevision) return 'conflict';
      const next = () => (db.prepare('SELECT COALESCE(MAX(change_seq), 0) + 1 AS n FROM entries').get() as { n: number }).n;
      const seq = (id: string) => (db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM entry_history WHERE entry_id = ?').get(id) as { n: number }).n;
      db.prepare('INSERT INTO entry_revisions (entry_id, revision, record, content_sha256, at) VALUES (?, ?, ?, ?, ?)').run(m.into, a.revision, a.record, a.content_sha256, at);
      db.prepare('UPDATE entries SET record = ?, license = ?, updated_at = ?, revision = revision + 1, change_seq = ? WHERE id = ?').run(JSON.stringify(m.record), m.record.license, at, next(), m.into);
      db.prepare('INSERT INTO entry_history (entry_id, seq, state, at, comment) VALUES (?, ?, ?, ?, ?)').run(m.into, seq(m.into), a.state, at, m.intoComment);
      db.prepare("UPDATE entries SET state = 'rejected', comment = ?, updated_at = ?, revision = revision + 1, change_seq = ? WHERE id = ?").run(m.fromComment, at, next(), m.from);
      db.prepare("INSERT INTO entry_history (entry_id, seq, state, at, comment) VALUES (?, ?, 'rejected', ?, ?)").run(m.from, seq(m.from), at, m.fromComment);
      db.prepare('INSERT INTO entry_merges (entry_id, into_id, by_name, at, sources_added) VALUES (?, ?, ?, ?, ?)').run(m.from, m.into, m.by, at, m.sourcesAdded);
      return 'ok';
    }).immediate();
  }

  async contributorName(id: string): Promise<string> {
    return (this.db.prepare('SELECT name FROM contributors WHERE id = ?').get(id) as { name: string } | undefined)?.name ?? '';
  }

  async mergedInto(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = this.db.prepare(`SELECT entry_id, into_id FROM entry_merges WHERE entry_id IN (${marks(ids.length)})`).all(...ids) as { entry_id: string; into_id: string }[];
    return new Map(rows.map((r) => [r.entry_id, r.into_id]));
  }
}
