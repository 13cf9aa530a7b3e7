import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ulid } from 'ulid';
import type { Entry } from '../lib/model/entry.ts';
import type { EntryResult, HubEntryState, HubEntryStatus } from '../lib/model/submission.ts';
import { hashToken, newToken } from './tokens.ts';

export interface Contributor {
  id: string;
  name: string;
  role: 'contributor' | 'moderator';
}

export type IdempotencyHit =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

/** Each migration runs once, in order, inside a transaction; `user_version` records how far a file got. */
const MIGRATIONS: string[] = [
  `CREATE TABLE contributors (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL DEFAULT 'contributor',
     token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT);
   CREATE TABLE entries (
     id TEXT PRIMARY KEY, contributor_id TEXT NOT NULL REFERENCES contributors(id), kind TEXT NOT NULL,
     title TEXT NOT NULL, license TEXT NOT NULL, state TEXT NOT NULL, comment TEXT,
     content_sha256 TEXT NOT NULL, record TEXT NOT NULL, submission_id TEXT NOT NULL,
     received_at TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE INDEX entries_by_contributor ON entries(contributor_id, id);
   CREATE TABLE entry_history (
     entry_id TEXT NOT NULL REFERENCES entries(id), seq INTEGER NOT NULL, state TEXT NOT NULL,
     at TEXT NOT NULL, comment TEXT, PRIMARY KEY (entry_id, seq));
   CREATE TABLE idempotency (
     contributor_id TEXT NOT NULL, key TEXT NOT NULL, request_sha256 TEXT NOT NULL,
     status INTEGER, response TEXT, created_at TEXT NOT NULL, PRIMARY KEY (contributor_id, key));`,
];

export class HubStore {
  readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  close(): void {
    this.db.close();
  }

  addContributor(name: string, role: Contributor['role'] = 'contributor'): { contributor: Contributor; token: string } {
    const token = newToken();
    const c: Contributor = { id: ulid(), name, role };
    this.db
      .prepare('INSERT INTO contributors (id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(c.id, name, role, hashToken(token), new Date().toISOString());
    return { contributor: c, token };
  }

  contributorByToken(token: string): Contributor | null {
    const row = this.db
      .prepare('SELECT id, name, role FROM contributors WHERE token_hash = ? AND revoked_at IS NULL')
      .get(hashToken(token)) as Contributor | undefined;
    return row ?? null;
  }

  /** Claims an idempotency key before work starts, so a concurrent duplicate sees "in flight". */
  claimKey(contributorId: string, key: string, requestSha256: string): IdempotencyHit {
    return this.db.transaction((): IdempotencyHit => {
      const row = this.db
        .prepare('SELECT request_sha256, status, response FROM idempotency WHERE contributor_id = ? AND key = ?')
        .get(contributorId, key) as { request_sha256: string; status: number | null; response: string | null } | undefined;
      if (!row) {
        this.db
          .prepare('INSERT INTO idempotency (contributor_id, key, request_sha256, created_at) VALUES (?, ?, ?, ?)')
          .run(contributorId, key, requestSha256, new Date().toISOString());
        return { kind: 'new' };
      }
      if (row.request_sha256 !== requestSha256) return { kind: 'mismatch' };
      if (row.status === null) return { kind: 'in_flight' };
      return { kind: 'replay', status: row.status, body: JSON.parse(row.response ?? 'null') };
    })();
  }

  releaseKey(contributorId: string, key: string): void {
    this.db.prepare('DELETE FROM idempotency WHERE contributor_id = ? AND key = ? AND status IS NULL').run(contributorId, key);
  }

  /**
   * Stores a batch in one transaction together with the idempotent response: either all of it is
   * recorded, or none of it and the key is free again.
   */
  receiveBatch(contributor: Contributor, key: string, results: (Entry | { invalid: string; entryId: string })[], status: number): { submissionId: string; results: EntryResult[] } {
    const submissionId = ulid();
    const now = new Date().toISOString();
    const insert = this.db.prepare(
      `INSERT INTO entries (id, contributor_id, kind, title, license, state, content_sha256, record, submission_id, received_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?)`,
    );
    const history = this.db.prepare('INSERT INTO entry_history (entry_id, seq, state, at, comment) VALUES (?, 1, ?, ?, NULL)');
    const find = this.db.prepare('SELECT contributor_id, state, content_sha256 FROM entries WHERE id = ?');
    return this.db.transaction(() => {
      const out: EntryResult[] = results.map((e) => {
        if ('invalid' in e) return { entryId: e.entryId, status: 'invalid', state: null, problem: e.invalid };
        const prior = find.get(e.id) as { contributor_id: string; state: HubEntryState; content_sha256: string } | undefined;
        if (prior) {
          if (prior.contributor_id !== contributor.id) return { entryId: e.id, status: 'invalid', state: null, problem: 'An entry with this id belongs to another contributor.' };
          return { entryId: e.id, status: 'duplicate', state: prior.state, problem: null };
        }
        insert.run(e.id, contributor.id, e.kind, e.title, e.license, e.contentSha256, JSON.stringify(e), submissionId, now, now);
        history.run(e.id, 'received', now);
        return { entryId: e.id, status: 'received', state: 'received', problem: null };
      });
      const body = { submissionId, results: out };
      this.db
        .prepare('UPDATE idempotency SET status = ?, response = ? WHERE contributor_id = ? AND key = ?')
        .run(status, JSON.stringify(body), contributor.id, key);
      return body;
    })();
  }

  entryStatus(id: string): (HubEntryStatus & { contributorId: string }) | null {
    const row = this.db
      .prepare('SELECT id, kind, title, state, comment, received_at, updated_at, contributor_id FROM entries WHERE id = ?')
      .get(id) as { id: string; kind: 'qa' | 'strategy'; title: string; state: HubEntryState; comment: string | null; received_at: string; updated_at: string; contributor_id: string } | undefined;
    if (!row) return null;
    const history = this.db.prepare('SELECT state, at, comment FROM entry_history WHERE entry_id = ? ORDER BY seq').all(id) as HubEntryStatus['history'];
    return { id: row.id, kind: row.kind, title: row.title, state: row.state, comment: row.comment, receivedAt: row.received_at, updatedAt: row.updated_at, history, contributorId: row.contributor_id };
  }

  entryRecord(id: string): Entry | null {
    const row = this.db.prepare('SELECT record FROM entries WHERE id = ?').get(id) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as Entry) : null;
  }

  /** A contributor's entries, oldest first, in pages; the cursor is the last id seen (ids sort by time). */
  listMine(contributorId: string, cursor: string | null, limit: number): { ids: string[]; nextCursor: string | null } {
    const rows = this.db
      .prepare('SELECT id FROM entries WHERE contributor_id = ? AND id > ? ORDER BY id LIMIT ?')
      .all(contributorId, cursor ?? '', limit + 1) as { id: string }[];
    const page = rows.slice(0, limit).map((r) => r.id);
    return { ids: page, nextCursor: rows.length > limit ? page.at(-1)! : null };
  }

  /** Review transition with the moderator's comment, recorded in the entry's history. */
  setState(id: string, state: HubEntryState, comment: string | null): void {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM entry_history WHERE entry_id = ?').get(id) as { n: number }).n;
      this.db.prepare('UPDATE entries SET state = ?, comment = ?, updated_at = ? WHERE id = ?').run(state, comment, now, id);
      this.db.prepare('INSERT INTO entry_history (entry_id, seq, state, at, comment) VALUES (?, ?, ?, ?, ?)').run(id, seq, state, now, comment);
    })();
  }
}
