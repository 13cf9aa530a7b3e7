import Database from 'better-sqlite3';
import { closeSync, fdatasync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { newId } from './ids.ts';
import type { Entry } from '../lib/model/entry.ts';
import type { EntryResult, HubEntryState, HubEntryStatus } from '../lib/model/submission.ts';
import type { BatchItem, Contributor, EntryPage, HubStore, IdempotencyHit, PublishClaim, QueueItem, SetStateOptions, StoredStatus, SubmitOutcome } from './store.ts';
import { ReleaseNamer } from './release-layout.ts';
import { IN_FLIGHT_TTL_MS, RoleMismatch, TAKEN_ID } from './store.ts';
import { hashToken, newPairCode, newToken, normalisePairCode } from './tokens.ts';
import { WalCheckpointer } from './sqlite-checkpoint.ts';

/** Each migration runs once, in order, inside a transaction; `user_version` records how far a file got. Never edit a shipped one. */
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
  // 2: revisions and change numbers (ETag, since=), several tokens per contributor (pairing, revocation), releases.
  `ALTER TABLE entries ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE entries ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE entries ADD COLUMN revision_of TEXT;
   ALTER TABLE entries ADD COLUMN release TEXT;
   UPDATE entries SET change_seq = rowid;
   CREATE INDEX entries_by_change ON entries(contributor_id, change_seq);
   CREATE INDEX entries_change ON entries(change_seq);
   CREATE INDEX entries_by_state ON entries(state, id);
   CREATE TABLE entry_revisions (
     entry_id TEXT NOT NULL REFERENCES entries(id), revision INTEGER NOT NULL, record TEXT NOT NULL,
     content_sha256 TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (entry_id, revision));
   CREATE TABLE tokens (
     token_hash TEXT PRIMARY KEY, contributor_id TEXT NOT NULL REFERENCES contributors(id),
     created_at TEXT NOT NULL, revoked_at TEXT);
   INSERT INTO tokens (token_hash, contributor_id, created_at, revoked_at) SELECT token_hash, id, created_at, revoked_at FROM contributors;
   CREATE TABLE pair_codes (
     code_hash TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT);`,
  // 3: idempotency keys are pruned by age.
  `CREATE INDEX idempotency_by_age ON idempotency(created_at);`,
  // 4: names are unique, so a name addresses one account. Later accounts of a name that was used twice
  // become "NAME#ID" (the oldest keeps the name); `revoke` also takes an account id.
  `UPDATE contributors SET name = name || '#' || id WHERE EXISTS (
     SELECT 1 FROM contributors o WHERE o.name = contributors.name AND (o.created_at < contributors.created_at OR (o.created_at = contributors.created_at AND o.id < contributors.id)));
   CREATE UNIQUE INDEX contributors_by_name ON contributors(name);`,
];

/** The schema version a database reaches once opened. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

/** Flushes a file's data to disk (fs.fdatasync's signature). */
export type SyncFile = (fd: number, done: (err: Error | null) => void) => void;

type PendingSubmission = { contributor: Contributor; key: string; hash: string; items: BatchItem[]; status: number; done: (o: SubmitOutcome | Error) => void };

type Row = {
  id: string; kind: 'qa' | 'strategy'; title: string; state: HubEntryState; comment: string | null; received_at: string;
  updated_at: string; contributor_id: string; revision: number; change_seq: number; revision_of: string | null; release: string | null;
};
const STATUS_COLUMNS = 'id, kind, title, state, comment, received_at, updated_at, contributor_id, revision, change_seq, revision_of, release';

export function rowToStatus(row: Row, history: HubEntryStatus['history']): StoredStatus {
  return {
    id: row.id, kind: row.kind, title: row.title, state: row.state, comment: row.comment, receivedAt: row.received_at,
    updatedAt: row.updated_at, history, contributorId: row.contributor_id, revision: Number(row.revision),
    changeSeq: Number(row.change_seq), revisionOf: row.revision_of ? JSON.parse(row.revision_of) : null, release: row.release,
  };
}

export class SqliteHubStore implements HubStore {
  readonly backend = 'sqlite' as const;
  readonly db: Database.Database;

  /** The WAL file submissions' commits are synced through (null without WAL: an in-memory database). */
  private readonly walFile: string | null;
  private readonly syncFile: SyncFile;

  /** `syncFile` is for tests: how the WAL file is flushed to disk before a submission is answered. */
  constructor(file: string, opts: { syncFile?: SyncFile } = {}) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    const mode = this.db.pragma('journal_mode = WAL', { simple: true });
    this.walFile = mode === 'wal' ? `${file}-wal` : null;
    this.syncFile = opts.syncFile ?? fdatasync;
    // The protocol calls a received entry durable: with FULL, a commit is on disk before the 202 goes out,
    // also across a power cut (NORMAL in WAL mode can lose the last commits then). Submissions reach the
    // same guarantee another way (flush, below).
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.inTransaction = this.db.transaction((fn: () => unknown) => fn());
    this.migrate();
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.immediate(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      });
    }
  }

  /**
   * Every write transaction starts with BEGIN IMMEDIATE: it takes the write lock before its first read,
   * so what it reads cannot change before it writes (a deferred transaction that read first fails with
   * "database is locked" when another process wrote meanwhile, whatever the busy timeout). Waiting for the
   * lock is bounded by busy_timeout.
   */
  private immediate<T>(fn: () => T): T {
    return this.inTransaction.immediate(fn) as T;
  }
  /** One transaction wrapper for every body (nested calls become savepoints), built once rather than per call. */
  private readonly inTransaction: Database.Transaction<(fn: () => unknown) => unknown>;

  /** Run first by close(): modules that keep their own connections or threads next to this store's (the duplicate index). */
  private readonly closers: (() => void)[] = [];
  onClose(fn: () => void): void {
    this.closers.push(fn);
  }

  close(): void {
    for (const fn of this.closers.splice(0)) fn();
    this.checkpointer?.close();
    this.db.close();
    if (this.walFd !== null) closeSync(this.walFd);
    this.walFd = null;
  }

  /**
   * Statements compiled once and reused: preparing costs more than running the small statements a
   * submission needs (CPU profile of `npm run bench -- hub-load`). Only fixed SQL comes here.
   */
  private readonly statements = new Map<string, Database.Statement>();
  private sql(text: string): Database.Statement {
    let st = this.statements.get(text);
    if (!st) this.statements.set(text, (st = this.db.prepare(text)));
    return st;
  }

  private nextChange(): number {
    return (this.sql('SELECT COALESCE(MAX(change_seq), 0) + 1 AS n FROM entries').get() as { n: number }).n;
  }

  addContributor(name: string, role: Contributor['role'] = 'contributor'): { contributor: Contributor; token: string } {
    return this.immediate(() => {
      const existing = this.sql('SELECT id, name, role FROM contributors WHERE name = ?').get(name) as Contributor | undefined;
      if (existing && existing.role !== role) throw new RoleMismatch(name, existing.role, role);
      const token = newToken();
      const now = new Date().toISOString();
      const c: Contributor = existing ?? { id: newId(), name, role };
      if (!existing) this.sql('INSERT INTO contributors (id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(c.id, name, role, hashToken(token), now);
      this.sql('INSERT INTO tokens (token_hash, contributor_id, created_at) VALUES (?, ?, ?)').run(hashToken(token), c.id, now);
      return { contributor: c, token };
    });
  }

  contributorByToken(token: string): Contributor | null {
    const row = this.sql('SELECT c.id, c.name, c.role FROM tokens t JOIN contributors c ON c.id = t.contributor_id WHERE t.token_hash = ? AND t.revoked_at IS NULL AND c.revoked_at IS NULL')
      .get(hashToken(token)) as Contributor | undefined;
    return row ?? null;
  }

  revokeContributor(nameOrId: string, now = new Date()): number {
    return this.immediate(() => {
      const who = (this.sql('SELECT id FROM contributors WHERE name = ?').get(nameOrId) ?? this.sql('SELECT id FROM contributors WHERE id = ?').get(nameOrId)) as { id: string } | undefined;
      if (!who) return 0;
      return this.sql('UPDATE tokens SET revoked_at = ? WHERE revoked_at IS NULL AND contributor_id = ?').run(now.toISOString(), who.id).changes;
    });
  }

  createPairCode(name: string, role: Contributor['role'], ttlMs: number, now = new Date()): { code: string; expiresAt: string } {
    const existing = this.sql('SELECT role FROM contributors WHERE name = ?').get(name) as { role: Contributor['role'] } | undefined;
    if (existing && existing.role !== role) throw new RoleMismatch(name, existing.role, role);
    const code = newPairCode();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    this.sql('INSERT INTO pair_codes (code_hash, name, role, expires_at) VALUES (?, ?, ?, ?)').run(hashToken(normalisePairCode(code)), name, role, expiresAt);
    return { code, expiresAt };
  }

  redeemPairCode(code: string, now = new Date()): { contributor: Contributor; token: string } | null {
    return this.immediate(() => {
      const hash = hashToken(normalisePairCode(code));
      const claimed = this.sql('UPDATE pair_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING name, role')
        .get(now.toISOString(), hash, now.toISOString()) as { name: string; role: Contributor['role'] } | undefined;
      if (!claimed) return null;
      const existing = this.sql('SELECT id, name, role FROM contributors WHERE name = ?').get(claimed.name) as Contributor | undefined;
      if (!existing) return this.addContributor(claimed.name, claimed.role);
      // The code was made for a role: it never gives a token of another one (the code stays used).
      if (existing.role !== claimed.role) return null;
      const token = newToken();
      this.sql('INSERT INTO tokens (token_hash, contributor_id, created_at) VALUES (?, ?, ?)').run(hashToken(token), existing.id, now.toISOString());
      return { contributor: existing, token };
    });
  }

  claimKey(contributorId: string, key: string, requestSha256: string): IdempotencyHit {
    return this.immediate(() => {
      const row = this.sql('SELECT request_sha256, status, response FROM idempotency WHERE contributor_id = ? AND key = ?')
        .get(contributorId, key) as { request_sha256: string; status: number | null; response: string | null } | undefined;
      if (!row) {
        this.sql('INSERT INTO idempotency (contributor_id, key, request_sha256, created_at) VALUES (?, ?, ?, ?)')
          .run(contributorId, key, requestSha256, new Date().toISOString());
        return { kind: 'new' };
      }
      if (row.request_sha256 !== requestSha256) return { kind: 'mismatch' };
      if (row.status === null) {
        const took = this.sql('UPDATE idempotency SET created_at = ? WHERE contributor_id = ? AND key = ? AND status IS NULL AND created_at < ?')
          .run(new Date().toISOString(), contributorId, key, new Date(Date.now() - IN_FLIGHT_TTL_MS).toISOString());
        return took.changes === 1 ? { kind: 'new' } : { kind: 'in_flight' };
      }
      return { kind: 'replay', status: row.status, body: JSON.parse(row.response ?? 'null') };
    });
  }

  releaseKey(contributorId: string, key: string): void {
    this.sql('DELETE FROM idempotency WHERE contributor_id = ? AND key = ? AND status IS NULL').run(contributorId, key);
  }

  pruneKeys(before: Date): number {
    return this.sql('DELETE FROM idempotency WHERE created_at < ?').run(before.toISOString()).changes;
  }

  receiveBatch(contributor: Contributor, key: string, items: BatchItem[], status: number): { submissionId: string; results: EntryResult[] } {
    return this.immediate(() => {
      const body = this.writeEntries(contributor, items, { next: this.nextChange() });
      this.sql('UPDATE idempotency SET status = ?, response = ? WHERE contributor_id = ? AND key = ?').run(status, JSON.stringify(body), contributor.id, key);
      return body;
    });
  }

  /**
   * A batch's entries, in the caller's transaction: each new id stored (with its first history row) under
   * the next change number from `seq`, an id already stored reported as a duplicate (the caller's) or
   * refused (another contributor's). One statement per new entry finds out which: the insert itself, which
   * does nothing when the id exists (only that conflict: any other constraint still fails the batch).
   */
  private writeEntries(contributor: Contributor, items: BatchItem[], seq: { next: number }): { submissionId: string; results: EntryResult[] } {
    const submissionId = newId();
    const now = new Date().toISOString();
    const insert = this.sql(
      `INSERT INTO entries (id, contributor_id, kind, title, license, state, content_sha256, record, submission_id, received_at, updated_at, change_seq)
       VALUES (?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    const history = this.sql('INSERT INTO entry_history (entry_id, seq, state, at, comment) VALUES (?, 1, ?, ?, NULL)');
    const find = this.sql('SELECT contributor_id, state FROM entries WHERE id = ?');
    const result = (e: BatchItem): EntryResult => {
      if ('invalid' in e) return { entryId: e.entryId, status: 'invalid', state: null, problem: e.invalid };
      if (insert.run(e.id, contributor.id, e.kind, e.title, e.license, e.contentSha256, JSON.stringify(e), submissionId, now, now, seq.next).changes === 0) {
        const prior = find.get(e.id) as { contributor_id: string; state: HubEntryState };
        if (prior.contributor_id !== contributor.id) return { entryId: e.id, status: 'invalid', state: null, problem: TAKEN_ID };
        return { entryId: e.id, status: 'duplicate', state: prior.state, problem: null };
      }
      seq.next++;
      history.run(e.id, 'received', now);
      return { entryId: e.id, status: 'received', state: 'received', problem: null };
    };
    // Pushed, not mapped: an array map returns is laid out differently once the optimising compiler
    // inlines the call, and the code reading the results (hub/app.ts) would be compiled twice.
    const results: EntryResult[] = [];
    for (const e of items) results.push(result(e));
    return { submissionId, results };
  }

  /**
   * One submission inside the group commit's transaction: claimKey and receiveBatch's outcomes, with the
   * key's row written once, answer included, after the entries (a new key is not claimed first and
   * completed after: nobody else can see the row in between, as the transaction holds the write lock).
   */
  private submitIn(p: PendingSubmission, seq: { next: number }): SubmitOutcome {
    const row = this.sql('SELECT request_sha256, status, response FROM idempotency WHERE contributor_id = ? AND key = ?')
      .get(p.contributor.id, p.key) as { request_sha256: string; status: number | null; response: string | null } | undefined;
    if (row) {
      if (row.request_sha256 !== p.hash) return { kind: 'mismatch' };
      if (row.status !== null) return { kind: 'replay', status: row.status, body: JSON.parse(row.response ?? 'null') };
      // Claimed by a request that never finished (claimKey's callers): taken over once abandoned.
      const took = this.sql('UPDATE idempotency SET created_at = ? WHERE contributor_id = ? AND key = ? AND status IS NULL AND created_at < ?')
        .run(new Date().toISOString(), p.contributor.id, p.key, new Date(Date.now() - IN_FLIGHT_TTL_MS).toISOString());
      if (took.changes !== 1) return { kind: 'in_flight' };
    }
    const body = this.writeEntries(p.contributor, p.items, seq);
    if (row) this.sql('UPDATE idempotency SET status = ?, response = ? WHERE contributor_id = ? AND key = ?').run(p.status, JSON.stringify(body), p.contributor.id, p.key);
    else {
      this.sql('INSERT INTO idempotency (contributor_id, key, request_sha256, status, response, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(p.contributor.id, p.key, p.hash, p.status, JSON.stringify(body), new Date().toISOString());
    }
    return { kind: 'stored', body };
  }

  private pending: PendingSubmission[] = [];

  /**
   * Group commit, durable before the answer. Submissions that reach the store in the same turn of the
   * event loop are claimed and stored in one IMMEDIATE transaction, each in its own savepoint (a group of
   * one needs none: its failure is the transaction's). That commit does not wait for the disk on this
   * thread (synchronous=NORMAL for it alone); its answers wait instead for an fdatasync of the WAL file on
   * libuv's thread pool, the same flush synchronous=FULL makes at commit. Meanwhile the event loop reads,
   * checks and commits the next submissions, and one flush covers every commit made before it started:
   * with FULL the event loop stood still for each flush (a quarter of the hub's time under `npm run bench
   * -- hub-load`). In WAL mode NORMAL keeps the database consistent across a crash or power cut; the flush
   * adds the durability of every answered commit. A replay of a stored answer waits for the flush too, as
   * it may answer a commit not yet on disk.
   */
  submitBatch(contributor: Contributor, key: string, requestSha256: string, items: BatchItem[], status: number): Promise<SubmitOutcome> {
    return new Promise((resolve, reject) => {
      if (!this.pending.length) setImmediate(() => this.flush());
      this.pending.push({ contributor, key, hash: requestSha256, items, status, done: (o) => (o instanceof Error ? reject(o) : resolve(o)) });
    });
  }

  /** WAL checkpoints off the event loop, started with the first group commit (no worker for a store that takes no submissions). */
  private checkpointer: WalCheckpointer | null = null;

  /** Commits every pending submission in one transaction, and answers each once the WAL is on disk. */
  private flush(): void {
    if (this.walFile) this.checkpointer ??= new WalCheckpointer(this.db, this.db.name);
    const batch = this.pending.splice(0);
    if (!batch.length) return;
    const outcomes: (SubmitOutcome | Error)[] = [];
    const deferSync = this.walFile !== null;
    try {
      if (deferSync) this.sql('PRAGMA synchronous = NORMAL').run();
      try {
        this.immediate(() => {
          const seq = { next: this.nextChange() };
          if (batch.length === 1) return void outcomes.push(this.submitIn(batch[0]!, seq));
          for (const p of batch) {
            try {
              outcomes.push(this.inTransaction(() => this.submitIn(p, seq)) as SubmitOutcome);
            } catch (e) {
              outcomes.push(e as Error);
            }
          }
        });
      } finally {
        if (deferSync) this.sql('PRAGMA synchronous = FULL').run();
      }
    } catch (e) {
      for (const p of batch) p.done(e as Error);
      return;
    }
    const answer = () => batch.forEach((p, i) => p.done(outcomes[i]!));
    if (!deferSync) return answer();
    this.walSynced().then(answer, (e: Error) => {
      for (const p of batch) p.done(new Error(`The write-ahead log could not be flushed to disk (${e.message}); the answer is withheld.`, { cause: e }));
    });
  }

  private walFd: number | null = null;
  private syncing = false;
  private syncWaiters: { ok: () => void; fail: (e: Error) => void }[] = [];

  /** Resolves once a flush of the WAL that started after this call has finished: one flush serves every caller waiting when it starts. */
  private walSynced(): Promise<void> {
    return new Promise((ok, fail) => {
      this.syncWaiters.push({ ok, fail });
      if (!this.syncing) this.syncWal();
    });
  }

  private syncWal(): void {
    const group = this.syncWaiters.splice(0);
    this.syncing = true;
    const finish = (err: Error | null) => {
      this.syncing = false;
      for (const w of group) {
        if (err) w.fail(err);
        else w.ok();
      }
      if (this.syncWaiters.length) this.syncWal();
    };
    try {
      // The connection stays open while the hub runs, so SQLite never deletes this file under us (it
      // only truncates or rewrites it in place).
      this.walFd ??= openSync(this.walFile!, 'r');
    } catch (e) {
      return finish(e as Error);
    }
    this.syncFile(this.walFd, finish);
  }

  private history(id: string): HubEntryStatus['history'] {
    return this.sql('SELECT state, at, comment FROM entry_history WHERE entry_id = ? ORDER BY seq').all(id) as HubEntryStatus['history'];
  }

  entryStatus(id: string): StoredStatus | null {
    const row = this.sql(`SELECT ${STATUS_COLUMNS} FROM entries WHERE id = ?`).get(id) as Row | undefined;
    return row ? rowToStatus(row, this.history(id)) : null;
  }

  entryRecord(id: string): Entry | null {
    const row = this.sql('SELECT record FROM entries WHERE id = ?').get(id) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as Entry) : null;
  }

  listMine(contributorId: string, page: { cursor?: string | null; since?: number | null; limit: number }): EntryPage {
    const { limit } = page;
    if (page.since != null) {
      const rows = this.sql(`SELECT ${STATUS_COLUMNS} FROM entries WHERE contributor_id = ? AND change_seq > ? ORDER BY change_seq LIMIT ?`)
        .all(contributorId, page.since, limit) as Row[];
      const entries = rows.map((r) => rowToStatus(r, this.history(r.id)));
      return { entries, nextCursor: null, nextSince: entries.at(-1)?.changeSeq ?? page.since };
    }
    const rows = this.sql(`SELECT ${STATUS_COLUMNS} FROM entries WHERE contributor_id = ? AND id > ? ORDER BY id LIMIT ?`)
      .all(contributorId, page.cursor ?? '', limit + 1) as Row[];
    const entries = rows.slice(0, limit).map((r) => rowToStatus(r, this.history(r.id)));
    return { entries, nextCursor: rows.length > limit ? entries.at(-1)!.id : null, nextSince: this.mineVersion(contributorId).changeSeq };
  }

  mineVersion(contributorId: string): { changeSeq: number; count: number } {
    const r = this.sql('SELECT COALESCE(MAX(change_seq), 0) AS s, COUNT(*) AS n FROM entries WHERE contributor_id = ?').get(contributorId) as { s: number; n: number };
    return { changeSeq: r.s, count: r.n };
  }

  setState(id: string, state: HubEntryState, comment: string | null, opts: SetStateOptions = {}): 'ok' | 'missing' | 'conflict' {
    const now = (opts.now ?? new Date()).toISOString();
    return this.immediate(() => {
      const cur = this.sql('SELECT revision, state FROM entries WHERE id = ?').get(id) as { revision: number; state: HubEntryState } | undefined;
      if (!cur) return 'missing';
      if (opts.expectRevision !== undefined && cur.revision !== opts.expectRevision) return 'conflict';
      if (opts.expectState && !opts.expectState.includes(cur.state)) return 'conflict';
      const seq = (this.sql('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM entry_history WHERE entry_id = ?').get(id) as { n: number }).n;
      this.sql('UPDATE entries SET state = ?, comment = ?, updated_at = ?, revision = revision + 1, change_seq = ?, release = COALESCE(?, release) WHERE id = ?')
        .run(state, comment, now, this.nextChange(), opts.release ?? null, id);
      this.sql('INSERT INTO entry_history (entry_id, seq, state, at, comment) VALUES (?, ?, ?, ?, ?)').run(id, seq, state, now, comment);
      return 'ok';
    });
  }

  publishAccepted(release: string | null, now = new Date()): PublishClaim {
    const at = now.toISOString();
    return this.immediate(() => {
      // The release's name and fingerprint from every entry it holds, read in the order the name's hash
      // takes them (SQLite sorts, spilling to disk), never all at once in memory.
      const namer = new ReleaseNamer();
      // The record's own contentSha256, as the files carry it (a merge rewrites the record, not the column).
      const all = this.sql(
        "SELECT id, content_sha256 FROM (SELECT id, json_extract(record, '$.contentSha256') AS content_sha256 FROM entries WHERE state IN ('published', 'accepted')) ORDER BY id || ':' || content_sha256",
      );
      for (const r of all.iterate() as Iterable<{ id: string; content_sha256: string }>) namer.add(r.id, r.content_sha256);
      const name = release ?? namer.name();
      const comment = `published in release ${name}`;
      const page = this.sql("SELECT id FROM entries WHERE state = 'accepted' ORDER BY id LIMIT 1000");
      const move = this.sql(
        "UPDATE entries SET state = 'published', comment = ?, updated_at = ?, revision = revision + 1, change_seq = ?, release = ? WHERE id = ? AND state = 'accepted'",
      );
      const history = this.sql("INSERT INTO entry_history (entry_id, seq, state, at, comment) SELECT ?, COALESCE(MAX(seq), 0) + 1, 'published', ?, ? FROM entry_history WHERE entry_id = ?");
      let seq = this.nextChange();
      let moved = 0;
      // A page of accepted ids at a time: each moved entry leaves the state, so the next page follows it.
      for (let ids = page.pluck().all() as string[]; ids.length; ids = page.pluck().all() as string[]) {
        for (const id of ids) {
          move.run(comment, at, seq++, name, id);
          history.run(id, at, comment, id);
        }
        moved += ids.length;
      }
      return { release: name, entries: namer.fingerprint.count, newlyPublished: moved, fingerprint: namer.fingerprint.digest() };
    });
  }

  publishedPage(afterId: string | null, limit: number): Entry[] {
    const rows = this.sql("SELECT record FROM entries WHERE state = 'published' AND id > ? ORDER BY id LIMIT ?").pluck().all(afterId ?? '', limit) as string[];
    return rows.map((r) => JSON.parse(r) as Entry);
  }

  newestAcceptedDay(): string {
    // Each published entry's last acceptance (its newest accepted history row), the newest of those.
    const at = this.sql(
      `SELECT MAX(h.at) FROM entries e JOIN entry_history h ON h.entry_id = e.id
       WHERE e.state = 'published' AND h.seq = (SELECT MAX(seq) FROM entry_history WHERE entry_id = e.id AND state = 'accepted')`,
    ).pluck().get() as string | null;
    return at && at.slice(0, 10) > '1970-01-01' ? at.slice(0, 10) : '1970-01-01';
  }

  reviseEntry(id: string, entry: Entry, expectRevision: number, now = new Date()): 'ok' | 'missing' | 'conflict' {
    const at = now.toISOString();
    return this.immediate(() => {
      const cur = this.sql('SELECT revision, record, content_sha256 FROM entries WHERE id = ?').get(id) as { revision: number; record: string; content_sha256: string } | undefined;
      if (!cur) return 'missing';
      if (cur.revision !== expectRevision) return 'conflict';
      this.sql('INSERT INTO entry_revisions (entry_id, revision, record, content_sha256, at) VALUES (?, ?, ?, ?, ?)').run(id, cur.revision, cur.record, cur.content_sha256, at);
      const seq = (this.sql('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM entry_history WHERE entry_id = ?').get(id) as { n: number }).n;
      this.sql(`UPDATE entries SET kind = ?, title = ?, license = ?, content_sha256 = ?, record = ?, state = 'received', comment = NULL, updated_at = ?,
                  revision = revision + 1, change_seq = ?, revision_of = ? WHERE id = ?`)
        .run(entry.kind, entry.title, entry.license, entry.contentSha256, JSON.stringify(entry), at, this.nextChange(), JSON.stringify({ revision: cur.revision, contentSha256: cur.content_sha256 }), id);
      this.sql("INSERT INTO entry_history (entry_id, seq, state, at, comment) VALUES (?, ?, 'received', ?, ?)").run(id, seq, at, `revised (was revision ${cur.revision})`);
      return 'ok';
    });
  }

  queue(states: HubEntryState[], limit: number, afterId: string | null = null): QueueItem[] {
    const rows = this.db
      .prepare(`SELECT ${STATUS_COLUMNS}, record, (SELECT name FROM contributors c WHERE c.id = e.contributor_id) AS contributor_name
                FROM entries e WHERE state IN (${states.map(() => '?').join(', ')}) AND id > ? ORDER BY id LIMIT ?`)
      .all(...states, afterId ?? '', limit) as (Row & { record: string; contributor_name: string })[];
    return rows.map((r) => ({ status: rowToStatus(r, this.history(r.id)), record: JSON.parse(r.record) as Entry, contributorName: r.contributor_name }));
  }

  recordsInState(state: HubEntryState): Entry[] {
    const rows = this.sql('SELECT record FROM entries WHERE state = ? ORDER BY id').all(state) as { record: string }[];
    return rows.map((r) => JSON.parse(r.record) as Entry);
  }
}
