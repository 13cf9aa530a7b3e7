import Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Entry } from '../lib/model/entry.ts';
import { IndexWriter, indexRowOf, INDEX_SCHEMA, type IndexSource } from './similar-index.ts';
import { PER_KEY, type CandidateRow, type IndexRow, type KeyHit, type MergeWrite, type SimilarStore } from './similar-store.ts';

/**
 * Created on first use, idempotently: the hub's migration list (store-sqlite.ts) is left alone. What a
 * moderator decided (pairs kept apart, merges) lives in the hub's file; the index itself in its own file
 * (similar-index.ts), so its tables from before that move are dropped here: the backfill rebuilds them there.
 */
const SCHEMA = `
  DROP TABLE IF EXISTS main.similar_keys;
  DROP TABLE IF EXISTS main.similar_index;
  CREATE TABLE IF NOT EXISTS main.similar_dismissed (
    a TEXT NOT NULL, b TEXT NOT NULL, by_name TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (a, b));
  CREATE TABLE IF NOT EXISTS main.entry_merges (
    entry_id TEXT PRIMARY KEY REFERENCES entries(id), into_id TEXT NOT NULL REFERENCES entries(id),
    by_name TEXT NOT NULL, at TEXT NOT NULL, sources_added INTEGER NOT NULL);`;

const LIVE = "e.state NOT IN ('rejected', 'withdrawn')";
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const pair = (a: string, b: string) => (a < b ? [a, b] : [b, a]);

/** The index's file beside the hub's: `data/hub.sqlite` keeps its index in `data/hub.sqlite-similar`. */
export const indexFileOf = (hubFile: string) => `${hubFile}-similar`;

/**
 * Loads hub/similar-index-worker.ts in the worker through tsx's require hook, as the hub itself runs
 * (npm run hub, vitest): plain JavaScript evaluated there, so no loader flags are needed in the worker.
 */
const BOOT = `const { workerData } = require('node:worker_threads'); require(workerData.tsx).require(workerData.module, workerData.module);`;

/**
 * The duplicate index of a SQLite hub. Under \`npm run bench -- hub-load\` its writes (~34 random B-tree
 * pages per entry) and signatures were the largest cost of a submission left on the event loop (~0.4 ms
 * of ~1.4 ms), so a file-backed hub hands them to a worker thread with its own connection to its own file
 * (`<hub file>-similar`): no submission waits for its locks, its WAL or its CPU. Lookups read it from the
 * hub's thread through a second connection (the hub's file, the index's attached): reads in WAL mode wait
 * for no writer, and answer without a message round trip. The hub's own connection does not attach it: a
 * submission's BEGIN IMMEDIATE would take the index's write lock as well. An in-memory hub (tests) keeps
 * the index in an attached in-memory database and writes it in its own thread, as does a hub whose worker
 * could not start or died.
 */
export class SqliteSimilar implements SimilarStore {
  /** Reads the index and the entries together (the hub's file is main, the index is `idx`). */
  private readonly reader: Database.Database;
  private worker: Worker | null = null;
  private writer: IndexWriter | null = null;
  private readonly pending = new Map<number, { entries: IndexSource[]; ok: () => void; fail: (e: Error) => void }>();
  private sent = 0;
  private readonly closed = new SharedArrayBuffer(4);

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    if (db.memory) {
      db.exec("ATTACH DATABASE ':memory:' AS idx");
      this.reader = db;
    } else {
      this.reader = new Database(db.name);
      this.reader.pragma('busy_timeout = 5000');
      this.reader.prepare('ATTACH DATABASE ? AS idx').run(indexFileOf(db.name));
      this.reader.pragma('idx.journal_mode = WAL');
      this.reader.pragma('idx.synchronous = NORMAL');
    }
    this.reader.exec(INDEX_SCHEMA('idx'));
    if (!db.memory) this.start(indexFileOf(db.name));
  }

  private start(file: string): void {
    const req = createRequire(import.meta.url);
    let worker: Worker;
    try {
      worker = new Worker(BOOT, { eval: true, workerData: { tsx: req.resolve('tsx/cjs/api'), module: fileURLToPath(new URL('./similar-index-worker.ts', import.meta.url)), file, closed: this.closed } });
    } catch (e) {
      console.error(`hub: the duplicate index's worker could not start (${(e as Error).message}); the hub's thread indexes entries itself.`);
      return;
    }
    this.worker = worker;
    worker.unref();
    worker.on('message', (m: { n?: number; error?: string }) => {
      const p = m.n === undefined ? undefined : this.pending.get(m.n);
      if (!p) return;
      this.pending.delete(m.n!);
      if (!this.pending.size) worker.unref();
      if (m.error) p.fail(new Error(m.error));
      else p.ok();
    });
    const fallBack = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      console.error(`hub: the duplicate index's worker stopped (${why}); the hub's thread indexes entries itself.`);
      const left = [...this.pending.values()];
      this.pending.clear();
      for (const p of left) this.indexHere(p.entries).then(p.ok, p.fail);
    };
    worker.on('error', (e) => fallBack(e.message));
    worker.on('exit', (code) => fallBack(`exit code ${code}`));
  }

  private async indexHere(entries: IndexSource[]): Promise<void> {
    this.writer ??= new IndexWriter(this.reader, 'idx');
    this.writer.write(entries.map(indexRowOf));
  }

  /** Signatures and keys computed and written by the worker; resolves once they are committed, so a lookup made after it finds them. */
  indexEntries(entries: IndexSource[]): Promise<void> {
    const w = this.worker;
    if (!entries.length) return Promise.resolve();
    if (!w) return this.indexHere(entries);
    return new Promise<void>((ok, fail) => {
      const n = ++this.sent;
      this.pending.set(n, { entries, ok, fail });
      // Held open while indexing is owed (a command that awaits it), let go otherwise.
      w.ref();
      w.postMessage({ n, entries });
    });
  }

  async index(rows: IndexRow[]): Promise<void> {
    this.writer ??= new IndexWriter(this.reader, 'idx');
    this.writer.write(rows);
  }

  /**
   * Lets the worker finish what it was sent and close its connection (waiting up to 5 s), then closes the
   * reader, so the hub's own close is the last on its file and checkpoints and removes its WAL as usual.
   */
  close(): void {
    const w = this.worker;
    this.worker = null;
    if (w) {
      w.postMessage('close');
      Atomics.wait(new Int32Array(this.closed), 0, 0, 5000);
    }
    if (this.reader !== this.db && this.reader.open) this.reader.close();
  }

  async unindexed(limit: number, afterId: string, receivedBy: string): Promise<{ id: string; record: Entry }[]> {
    const rows = this.reader
      .prepare(`SELECT e.id, e.record FROM entries e WHERE e.id > ? AND e.received_at <= ? AND ${LIVE} AND NOT EXISTS (SELECT 1 FROM idx.similar_index s WHERE s.entry_id = e.id) ORDER BY e.id LIMIT ?`)
      .all(afterId, receivedBy, limit) as { id: string; record: string }[];
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
    const perKey = Array.from({ length: n }, () => `SELECT * FROM (SELECT entry_id, key, kind FROM idx.similar_keys WHERE key = ? LIMIT ${PER_KEY})`).join(' UNION ALL ');
    st = this.reader
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
    return this.reader
      .prepare(`SELECT e.id, e.title, e.state, e.contributor_id AS contributorId, s.signature FROM entries e LEFT JOIN idx.similar_index s ON s.entry_id = e.id
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
