import type Database from 'better-sqlite3';
import type { Entry } from '../lib/model/entry.ts';
import { bandKeys, questionText, signature, signatureToHex, sourceKeys, type SourceRef } from '../lib/curate/similar.ts';
import type { IndexRow } from './similar-store.ts';

/**
 * What indexing needs of an entry, and all it needs: small enough to post to the SQLite index's worker
 * thread (hub/similar-sqlite.ts) without copying whole records.
 */
export interface IndexSource {
  id: string;
  question: string;
  sources: SourceRef[];
}

export function indexSource(e: Entry): IndexSource {
  return { id: e.id, question: questionText(e), sources: e.sources.map((s) => ({ url: s.url, threadUrl: s.threadUrl ?? null, postId: s.postId ?? null })) };
}

/** An entry's signature and lookup keys (source posts and LSH bands, lib/curate/similar.ts). */
export function indexRowOf(s: IndexSource): IndexRow {
  const sig = signature(s.question);
  // Pushed in loops, not spread from map: an array map returns is laid out one way by the runtime and
  // another once the optimising compiler inlines the call, and code reading both is compiled twice.
  const keys: IndexRow['keys'] = [];
  for (const key of sourceKeys(s.sources)) keys.push({ key, kind: 's' });
  for (const key of bandKeys(sig)) keys.push({ key, kind: 'b' });
  return { entryId: s.id, signature: signatureToHex(sig), keys };
}

/**
 * The SQLite duplicate index's own file, beside the hub's (`<hub file>-similar`), so that its writes
 * never wait for, or hold, the hub's write lock or WAL: derived data, rebuilt by the backfill when the
 * file is lost. No foreign keys: the entries live in the other file, and lookups join them there (an
 * entry's state decides whether it is found).
 */
export const INDEX_SCHEMA = (schema: string) => `
  CREATE TABLE IF NOT EXISTS ${schema}.similar_index (
    entry_id TEXT PRIMARY KEY, version INTEGER NOT NULL, signature TEXT NOT NULL, keys TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS ${schema}.similar_keys (
    key TEXT NOT NULL, entry_id TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (key, entry_id)) WITHOUT ROWID;`;

/** Writes index rows through one connection, with statements compiled once; the same code in the worker and in the hub's thread. */
export class IndexWriter {
  private readonly st: Record<'sig' | 'old' | 'drop' | 'key', Database.Statement>;
  private readonly tx: (rows: IndexRow[]) => void;

  constructor(db: Database.Database, schema: string) {
    this.st = {
      sig: db.prepare(
        `INSERT INTO ${schema}.similar_index (entry_id, version, signature, keys) VALUES (?, 1, ?, ?) ON CONFLICT (entry_id) DO UPDATE SET signature = excluded.signature, keys = excluded.keys, version = 1`,
      ),
      // The old keys are listed with the signature, so they are removed by primary key: no second index on
      // a table of ~34 rows per entry.
      old: db.prepare(`SELECT keys FROM ${schema}.similar_index WHERE entry_id = ?`),
      drop: db.prepare(`DELETE FROM ${schema}.similar_keys WHERE key = ? AND entry_id = ?`),
      key: db.prepare(`INSERT OR IGNORE INTO ${schema}.similar_keys (key, entry_id, kind) VALUES (?, ?, ?)`),
    };
    // Deferred, not IMMEDIATE: on a connection with the hub's file attached, IMMEDIATE would take the
    // write lock of every attached file, the hub's too; a deferred transaction locks only what it writes.
    this.tx = db.transaction((rows: IndexRow[]) => {
      const { sig, old, drop, key } = this.st;
      for (const r of rows) {
        const before = old.get(r.entryId) as { keys: string } | undefined;
        for (const k of before ? (JSON.parse(before.keys) as string[]) : []) drop.run(k, r.entryId);
        const names: string[] = [];
        for (const k of r.keys) names.push(k.key);
        sig.run(r.entryId, r.signature, JSON.stringify(names));
        for (const k of r.keys) key.run(k.key, r.entryId, k.kind);
      }
    });
  }

  write(rows: IndexRow[]): void {
    if (rows.length) this.tx(rows);
  }
}
