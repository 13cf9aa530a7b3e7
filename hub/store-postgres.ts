import pg from 'pg';
import { pgTransaction, pgTransactionOrNull } from './pg-tx.ts';
import { PgGroupCommit } from './pg-group-commit.ts';
import { newId } from './ids.ts';
import type { Entry } from '../lib/model/entry.ts';
import type { EntryResult, HubEntryState, HubEntryStatus } from '../lib/model/submission.ts';
import type { BatchItem, Contributor, EntryPage, HubStore, IdempotencyHit, PublishClaim, QueueItem, SetStateOptions, StoredStatus, SubmitOutcome } from './store.ts';
import { ReleaseNamer } from './release-layout.ts';
import { randomUUID } from 'node:crypto';
import { IN_FLIGHT_TTL_MS, RoleMismatch, TAKEN_ID } from './store.ts';
import { rowToStatus } from './store-sqlite.ts';
import { hashToken, newPairCode, newToken, normalisePairCode } from './tokens.ts';

/**
 * Same tables as the SQLite store, in one migration per schema version; `hub_schema` records how far a
 * database got. Ids and times are text (ISO 8601) with the "C" collation so they sort exactly as in
 * SQLite: ULIDs by time, whatever the server's locale. Never edit a shipped migration.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE contributors (
     id TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL DEFAULT 'contributor',
     token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT);
   CREATE TABLE tokens (
     token_hash TEXT PRIMARY KEY, contributor_id TEXT NOT NULL REFERENCES contributors(id),
     created_at TEXT NOT NULL, revoked_at TEXT);
   CREATE TABLE pair_codes (
     code_hash TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT);
   CREATE SEQUENCE entry_change_seq;
   CREATE TABLE entries (
     id TEXT COLLATE "C" PRIMARY KEY, contributor_id TEXT NOT NULL REFERENCES contributors(id), kind TEXT NOT NULL,
     title TEXT NOT NULL, license TEXT NOT NULL, state TEXT NOT NULL, comment TEXT,
     content_sha256 TEXT NOT NULL, record TEXT NOT NULL, submission_id TEXT NOT NULL,
     received_at TEXT NOT NULL, updated_at TEXT NOT NULL, revision INTEGER NOT NULL DEFAULT 1,
     change_seq BIGINT NOT NULL, revision_of TEXT, release TEXT);
   CREATE INDEX entries_by_contributor ON entries(contributor_id, id);
   CREATE INDEX entries_by_change ON entries(contributor_id, change_seq);
   CREATE INDEX entries_by_state ON entries(state, id);
   CREATE TABLE entry_history (
     entry_id TEXT NOT NULL REFERENCES entries(id), seq INTEGER NOT NULL, state TEXT NOT NULL,
     at TEXT NOT NULL, comment TEXT, PRIMARY KEY (entry_id, seq));
   CREATE TABLE entry_revisions (
     entry_id TEXT NOT NULL REFERENCES entries(id), revision INTEGER NOT NULL, record TEXT NOT NULL,
     content_sha256 TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (entry_id, revision));
   CREATE TABLE idempotency (
     contributor_id TEXT NOT NULL, key TEXT NOT NULL, request_sha256 TEXT NOT NULL,
     status INTEGER, response TEXT, created_at TEXT NOT NULL, PRIMARY KEY (contributor_id, key));`,
  // 2: idempotency keys are pruned by age.
  `CREATE INDEX idempotency_by_age ON idempotency(created_at);`,
  // 3: names are unique, so a name addresses one account. Later accounts of a name that was used twice
  // become "NAME#ID" (the oldest keeps the name); `revoke` also takes an account id.
  `UPDATE contributors SET name = name || '#' || id WHERE EXISTS (
     SELECT 1 FROM contributors o WHERE o.name = contributors.name AND (o.created_at < contributors.created_at OR (o.created_at = contributors.created_at AND o.id < contributors.id)));
   CREATE UNIQUE INDEX contributors_by_name ON contributors(name);`,
];

/** The schema version a database reaches once opened. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

const STATUS_COLUMNS = 'id, kind, title, state, comment, received_at, updated_at, contributor_id, revision, change_seq, revision_of, release';
type Q = pg.Pool | pg.PoolClient;

export class PostgresHubStore implements HubStore {
  readonly backend = 'postgres' as const;

  private constructor(readonly pool: pg.Pool) {}

  static async open(url: string): Promise<PostgresHubStore> {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection dropped by the server (restart, failover) must not crash the hub; the next query reconnects.
    pool.on('error', (e) => console.error(`hub: PostgreSQL connection lost (${e.message}); reconnecting on the next request.`));
    const store = new PostgresHubStore(pool);
    await store.migrate();
    return store;
  }

  /** An advisory lock serialises hubs starting at once against the same database. */
  private async migrate(): Promise<void> {
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(7311)');
      await c.query('CREATE TABLE IF NOT EXISTS hub_schema (version INTEGER NOT NULL)');
      const r = await c.query('SELECT version FROM hub_schema');
      let v: number = r.rows[0]?.version ?? 0;
      if (!r.rows.length) await c.query('INSERT INTO hub_schema (version) VALUES (0)');
      for (; v < MIGRATIONS.length; v++) {
        await c.query(MIGRATIONS[v]!);
        await c.query('UPDATE hub_schema SET version = $1', [v + 1]);
      }
    });
  }

  async schemaVersion(): Promise<number> {
    return (await this.pool.query('SELECT version FROM hub_schema')).rows[0].version;
  }

  private tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return pgTransaction(this.pool, fn);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** A new token for the account called `name`, creating it if new; the row lock keeps two at once from racing. */
  private async tokenFor(q: Q, name: string, role: Contributor['role']): Promise<{ contributor: Contributor; token: string }> {
    const token = newToken();
    const now = new Date().toISOString();
    await q.query('INSERT INTO contributors (id, name, role, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING', [newId(), name, role, hashToken(token), now]);
    const contributor = (await q.query('SELECT id, name, role FROM contributors WHERE name = $1 FOR UPDATE', [name])).rows[0] as Contributor;
    if (contributor.role !== role) throw new RoleMismatch(name, contributor.role, role);
    await q.query('INSERT INTO tokens (token_hash, contributor_id, created_at) VALUES ($1, $2, $3)', [hashToken(token), contributor.id, now]);
    return { contributor, token };
  }

  addContributor(name: string, role: Contributor['role'] = 'contributor') {
    return this.tx((c) => this.tokenFor(c, name, role));
  }

  async contributorByToken(token: string): Promise<Contributor | null> {
    const r = await this.pool.query(
      'SELECT c.id, c.name, c.role FROM tokens t JOIN contributors c ON c.id = t.contributor_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND c.revoked_at IS NULL',
      [hashToken(token)],
    );
    return r.rows[0] ?? null;
  }

  async revokeContributor(nameOrId: string, now = new Date()): Promise<number> {
    const r = await this.pool.query(
      `UPDATE tokens SET revoked_at = $1 WHERE revoked_at IS NULL AND contributor_id = COALESCE(
         (SELECT id FROM contributors WHERE name = $2), (SELECT id FROM contributors WHERE id = $2))`,
      [now.toISOString(), nameOrId],
    );
    return r.rowCount ?? 0;
  }

  async createPairCode(name: string, role: Contributor['role'], ttlMs: number, now = new Date()) {
    const existing = (await this.pool.query('SELECT role FROM contributors WHERE name = $1', [name])).rows[0] as { role: Contributor['role'] } | undefined;
    if (existing && existing.role !== role) throw new RoleMismatch(name, existing.role, role);
    const code = newPairCode();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    await this.pool.query('INSERT INTO pair_codes (code_hash, name, role, expires_at) VALUES ($1, $2, $3, $4)', [hashToken(normalisePairCode(code)), name, role, expiresAt]);
    return { code, expiresAt };
  }

  redeemPairCode(code: string, now = new Date()) {
    return this.tx(async (c) => {
      const at = now.toISOString();
      // The conditional UPDATE is the claim: of two concurrent redemptions only one gets the row back.
      const claimed = await c.query('UPDATE pair_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING name, role', [at, hashToken(normalisePairCode(code))]);
      const row = claimed.rows[0] as { name: string; role: Contributor['role'] } | undefined;
      if (!row) return null;
      const existing = (await c.query('SELECT role FROM contributors WHERE name = $1', [row.name])).rows[0] as { role: Contributor['role'] } | undefined;
      // The code was made for a role: it never gives a token of another one (the code stays used).
      if (existing && existing.role !== row.role) return null;
      return this.tokenFor(c, row.name, row.role);
    });
  }

  async claimKey(contributorId: string, key: string, requestSha256: string): Promise<IdempotencyHit> {
    const ins = await this.pool.query(
      'INSERT INTO idempotency (contributor_id, key, request_sha256, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [contributorId, key, requestSha256, new Date().toISOString()],
    );
    if (ins.rowCount === 1) return { kind: 'new' };
    const row = (await this.pool.query('SELECT request_sha256, status, response FROM idempotency WHERE contributor_id = $1 AND key = $2', [contributorId, key])).rows[0];
    if (!row) return this.claimKey(contributorId, key, requestSha256); // released between the two statements
    if (row.request_sha256 !== requestSha256) return { kind: 'mismatch' };
    if (row.status === null) {
      const took = await this.pool.query(
        'UPDATE idempotency SET created_at = $3 WHERE contributor_id = $1 AND key = $2 AND status IS NULL AND created_at < $4',
        [contributorId, key, new Date().toISOString(), new Date(Date.now() - IN_FLIGHT_TTL_MS).toISOString()],
      );
      return took.rowCount === 1 ? { kind: 'new' } : { kind: 'in_flight' };
    }
    return { kind: 'replay', status: row.status, body: JSON.parse(row.response ?? 'null') };
  }

  async releaseKey(contributorId: string, key: string): Promise<void> {
    await this.pool.query('DELETE FROM idempotency WHERE contributor_id = $1 AND key = $2 AND status IS NULL', [contributorId, key]);
  }

  async pruneKeys(before: Date): Promise<number> {
    return (await this.pool.query('DELETE FROM idempotency WHERE created_at < $1', [before.toISOString()])).rowCount ?? 0;
  }

  /**
   * Claim and store in one transaction (one commit instead of two). A concurrent request with the same
   * key waits on the key's row lock and then replays this one's answer, instead of getting 409.
   */
  async submitBatch(contributor: Contributor, key: string, requestSha256: string, items: BatchItem[], status: number): Promise<SubmitOutcome> {
    // Submissions arriving together share one transaction (hub/pg-group-commit.ts); each alone, or when the group's is not the usual case, comes here.
    this.group ??= new PgGroupCommit(this.pool, (s) => this.submitOne(s.contributor, s.key, s.requestSha256, s.items, s.status));
    return this.group.submit({ contributor, key, requestSha256, items, status });
  }

  private group: PgGroupCommit | null = null;

  private async submitOne(contributor: Contributor, key: string, requestSha256: string, items: BatchItem[], status: number): Promise<SubmitOutcome> {
    return (await this.submitUsual(contributor, key, requestSha256, items, status)) ?? this.submitAnyCase(contributor, key, requestSha256, items, status);
  }

  /**
   * The usual case, a new key and free entry ids, in one statement: the claim with its answer, the
   * entries and their history. With BEGIN and COMMIT that is 3 round trips instead of 5 plus 2 per entry:
   * round trips were half the hub's time per submission on PostgreSQL (`npm run bench -- hub-load`).
   * Anything else (a known key, an id already stored or listed twice) is rolled back and goes the general way.
   */
  private async submitUsual(contributor: Contributor, key: string, requestSha256: string, items: BatchItem[], status: number): Promise<SubmitOutcome | null> {
    const valid = items.filter((e): e is Entry => !('invalid' in e));
    const submissionId = newId();
    const now = new Date().toISOString();
    const results: EntryResult[] = items.map((e) =>
      'invalid' in e ? { entryId: e.entryId, status: 'invalid', state: null, problem: e.invalid } : { entryId: e.id, status: 'received', state: 'received', problem: null },
    );
    const body = { submissionId, results };
    return pgTransactionOrNull(this.pool, async (c) => {
      const r = await c.query(
        `WITH claim AS (
           INSERT INTO idempotency (contributor_id, key, request_sha256, created_at, status, response) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT DO NOTHING RETURNING 1),
         ins AS (
           INSERT INTO entries (id, contributor_id, kind, title, license, state, content_sha256, record, submission_id, received_at, updated_at, change_seq)
           SELECT u.id, $1, u.kind, u.title, u.license, 'received', u.sha, u.record, $7, $4, $4, nextval('entry_change_seq')
           FROM unnest($8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[]) AS u(id, kind, title, license, sha, record)
           WHERE EXISTS (SELECT 1 FROM claim)
           ON CONFLICT (id) DO NOTHING RETURNING id),
         hist AS (INSERT INTO entry_history (entry_id, seq, state, at, comment) SELECT id, 1, 'received', $4, NULL FROM ins)
         SELECT (SELECT count(*) FROM claim)::int AS claimed, (SELECT count(*) FROM ins)::int AS stored`,
        [
          contributor.id, key, requestSha256, now, status, JSON.stringify(body), submissionId,
          valid.map((e) => e.id), valid.map((e) => e.kind), valid.map((e) => e.title), valid.map((e) => e.license), valid.map((e) => e.contentSha256), valid.map((e) => JSON.stringify(e)),
        ],
      );
      const { claimed, stored } = r.rows[0] as { claimed: number; stored: number };
      // A key already claimed or an entry id taken: nothing of this write stays, and the caller takes the general path.
      return claimed === 1 && stored === valid.length ? { kind: 'stored', body } : null;
    });
  }

  private submitAnyCase(contributor: Contributor, key: string, requestSha256: string, items: BatchItem[], status: number): Promise<SubmitOutcome> {
    return this.tx(async (c): Promise<SubmitOutcome> => {
      const now = new Date();
      const ins = await c.query('INSERT INTO idempotency (contributor_id, key, request_sha256, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [contributor.id, key, requestSha256, now.toISOString()]);
      if (ins.rowCount !== 1) {
        const row = (await c.query('SELECT request_sha256, status, response FROM idempotency WHERE contributor_id = $1 AND key = $2 FOR UPDATE', [contributor.id, key])).rows[0];
        if (!row) return { kind: 'in_flight' }; // released or pruned between the two statements: the retry claims it
        if (row.request_sha256 !== requestSha256) return { kind: 'mismatch' };
        if (row.status !== null) return { kind: 'replay', status: row.status, body: JSON.parse(row.response ?? 'null') };
        // A claim left by a two-step request that never finished: taken over once abandoned.
        const took = await c.query('UPDATE idempotency SET created_at = $3 WHERE contributor_id = $1 AND key = $2 AND status IS NULL AND created_at < $4', [
          contributor.id, key, now.toISOString(), new Date(now.getTime() - IN_FLIGHT_TTL_MS).toISOString(),
        ]);
        if (took.rowCount !== 1) return { kind: 'in_flight' };
      }
      return { kind: 'stored', body: await this.storeBatch(c, contributor, key, items, status) };
    });
  }

  receiveBatch(contributor: Contributor, key: string, items: BatchItem[], status: number) {
    return this.tx((c) => this.storeBatch(c, contributor, key, items, status));
  }

  private async storeBatch(c: pg.PoolClient, contributor: Contributor, key: string, items: BatchItem[], status: number) {
    const submissionId = newId();
    const now = new Date().toISOString();
    const results: EntryResult[] = [];
    for (const e of items) {
      if ('invalid' in e) {
        results.push({ entryId: e.entryId, status: 'invalid', state: null, problem: e.invalid });
        continue;
      }
      const ins = await c.query(
        `INSERT INTO entries (id, contributor_id, kind, title, license, state, content_sha256, record, submission_id, received_at, updated_at, change_seq)
         VALUES ($1, $2, $3, $4, $5, 'received', $6, $7, $8, $9, $9, nextval('entry_change_seq')) ON CONFLICT (id) DO NOTHING`,
        [e.id, contributor.id, e.kind, e.title, e.license, e.contentSha256, JSON.stringify(e), submissionId, now],
      );
      if (ins.rowCount === 1) {
        await c.query("INSERT INTO entry_history (entry_id, seq, state, at, comment) VALUES ($1, 1, 'received', $2, NULL)", [e.id, now]);
        results.push({ entryId: e.id, status: 'received', state: 'received', problem: null });
        continue;
      }
      const prior = (await c.query('SELECT contributor_id, state FROM entries WHERE id = $1', [e.id])).rows[0] as { contributor_id: string; state: HubEntryState };
      if (prior.contributor_id !== contributor.id) results.push({ entryId: e.id, status: 'invalid', state: null, problem: TAKEN_ID });
      else results.push({ entryId: e.id, status: 'duplicate', state: prior.state, problem: null });
    }
    const body = { submissionId, results };
    await c.query('UPDATE idempotency SET status = $1, response = $2 WHERE contributor_id = $3 AND key = $4', [status, JSON.stringify(body), contributor.id, key]);
    return body;
  }

  private async histories(q: Q, ids: string[]): Promise<Map<string, HubEntryStatus['history']>> {
    const out = new Map<string, HubEntryStatus['history']>(ids.map((id) => [id, []]));
    if (!ids.length) return out;
    const r = await q.query('SELECT entry_id, state, at, comment FROM entry_history WHERE entry_id = ANY($1) ORDER BY entry_id, seq', [ids]);
    for (const h of r.rows) out.get(h.entry_id)!.push({ state: h.state, at: h.at, comment: h.comment });
    return out;
  }

  private async statuses(rows: pg.QueryResultRow[]): Promise<StoredStatus[]> {
    const h = await this.histories(this.pool, rows.map((r) => r.id));
    return rows.map((r) => rowToStatus(r as never, h.get(r.id)!));
  }

  async entryStatus(id: string): Promise<StoredStatus | null> {
    const r = await this.pool.query(`SELECT ${STATUS_COLUMNS} FROM entries WHERE id = $1`, [id]);
    return r.rows.length ? (await this.statuses(r.rows))[0]! : null;
  }

  async entryRecord(id: string): Promise<Entry | null> {
    const r = await this.pool.query('SELECT record FROM entries WHERE id = $1', [id]);
    return r.rows[0] ? (JSON.parse(r.rows[0].record) as Entry) : null;
  }

  async listMine(contributorId: string, page: { cursor?: string | null; since?: number | null; limit: number }): Promise<EntryPage> {
    if (page.since != null) {
      const r = await this.pool.query(`SELECT ${STATUS_COLUMNS} FROM entries WHERE contributor_id = $1 AND change_seq > $2 ORDER BY change_seq LIMIT $3`, [contributorId, page.since, page.limit]);
      const entries = await this.statuses(r.rows);
      return { entries, nextCursor: null, nextSince: entries.at(-1)?.changeSeq ?? page.since };
    }
    const r = await this.pool.query(`SELECT ${STATUS_COLUMNS} FROM entries WHERE contributor_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [contributorId, page.cursor ?? '', page.limit + 1]);
    const entries = await this.statuses(r.rows.slice(0, page.limit));
    return { entries, nextCursor: r.rows.length > page.limit ? entries.at(-1)!.id : null, nextSince: (await this.mineVersion(contributorId)).changeSeq };
  }

  async mineVersion(contributorId: string): Promise<{ changeSeq: number; count: number }> {
    const r = await this.pool.query('SELECT COALESCE(MAX(change_seq), 0) AS s, COUNT(*) AS n FROM entries WHERE contributor_id = $1', [contributorId]);
    return { changeSeq: Number(r.rows[0].s), count: Number(r.rows[0].n) };
  }

  setState(id: string, state: HubEntryState, comment: string | null, opts: SetStateOptions = {}) {
    const at = (opts.now ?? new Date()).toISOString();
    return this.tx(async (c): Promise<'ok' | 'missing' | 'conflict'> => {
      // FOR UPDATE: a concurrent publish or review waits for this one, then sees what it did.
      const cur = (await c.query('SELECT revision, state FROM entries WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (!cur) return 'missing';
      if (opts.expectRevision !== undefined && cur.revision !== opts.expectRevision) return 'conflict';
      if (opts.expectState && !opts.expectState.includes(cur.state)) return 'conflict';
      await c.query(
        "UPDATE entries SET state = $1, comment = $2, updated_at = $3, revision = revision + 1, change_seq = nextval('entry_change_seq'), release = COALESCE($4, release) WHERE id = $5",
        [state, comment, at, opts.release ?? null, id],
      );
      await c.query('INSERT INTO entry_history (entry_id, seq, state, at, comment) SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM entry_history WHERE entry_id = $1', [id, state, at, comment]);
      return 'ok';
    });
  }

  publishAccepted(release: string | null, now = new Date()): Promise<PublishClaim> {
    const at = now.toISOString();
    return this.tx(async (c) => {
      // The claim, in one statement: every row accepted now becomes published, marked with a token no
      // release name takes. A row withdrawn or rejected while this waited for its lock is re-checked
      // against state = 'accepted' and left out. (The token is random: no release name can be it by chance.)
      const token = `claim in progress ${randomUUID()}`;
      const moved = await c.query(
        "UPDATE entries SET state = 'published', comment = $1, updated_at = $2, revision = revision + 1, change_seq = nextval('entry_change_seq'), release = $1 WHERE state = 'accepted'",
        [token, at],
      );
      // The name and fingerprint from every entry of the release, read through a cursor in the order the
      // name's hash takes them, never all at once; the record's own contentSha256, as the files carry it
      // (a merge rewrites the record, not the column).
      const namer = new ReleaseNamer();
      await c.query(`DECLARE release_lines NO SCROLL CURSOR FOR SELECT id, content_sha256 FROM (SELECT id, record::json->>'contentSha256' AS content_sha256 FROM entries WHERE state = 'published') r ORDER BY (id || ':' || content_sha256) COLLATE "C"`);
      for (let rows; (rows = (await c.query('FETCH 10000 FROM release_lines')).rows as { id: string; content_sha256: string }[]).length; ) for (const r of rows) namer.add(r.id, r.content_sha256);
      await c.query('CLOSE release_lines');
      const name = release ?? namer.name();
      const comment = `published in release ${name}`;
      if (moved.rowCount) {
        await c.query(
          "INSERT INTO entry_history (entry_id, seq, state, at, comment) SELECT entry_id, MAX(seq) + 1, 'published', $1, $2 FROM entry_history WHERE entry_id IN (SELECT id FROM entries WHERE release = $3) GROUP BY entry_id",
          [at, comment, token],
        );
        await c.query('UPDATE entries SET comment = $1, release = $2 WHERE release = $3', [comment, name, token]);
      }
      return { release: name, entries: namer.fingerprint.count, newlyPublished: moved.rowCount ?? 0, fingerprint: namer.fingerprint.digest() };
    });
  }

  async publishedPage(afterId: string | null, limit: number): Promise<Entry[]> {
    const r = await this.pool.query("SELECT record FROM entries WHERE state = 'published' AND id > $1 ORDER BY id LIMIT $2", [afterId ?? '', limit]);
    return r.rows.map((row) => JSON.parse(row.record) as Entry);
  }

  async newestAcceptedDay(): Promise<string> {
    // Each published entry's last acceptance (its newest accepted history row), the newest of those.
    const r = await this.pool.query(
      `SELECT MAX(h.at) AS at FROM entries e JOIN entry_history h ON h.entry_id = e.id
       WHERE e.state = 'published' AND h.seq = (SELECT MAX(seq) FROM entry_history WHERE entry_id = e.id AND state = 'accepted')`,
    );
    const at = r.rows[0]?.at as string | null;
    return at && at.slice(0, 10) > '1970-01-01' ? at.slice(0, 10) : '1970-01-01';
  }

  reviseEntry(id: string, entry: Entry, expectRevision: number, now = new Date()) {
    const at = now.toISOString();
    return this.tx(async (c): Promise<'ok' | 'missing' | 'conflict'> => {
      const cur = (await c.query('SELECT revision, record, content_sha256 FROM entries WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (!cur) return 'missing';
      if (cur.revision !== expectRevision) return 'conflict';
      await c.query('INSERT INTO entry_revisions (entry_id, revision, record, content_sha256, at) VALUES ($1, $2, $3, $4, $5)', [id, cur.revision, cur.record, cur.content_sha256, at]);
      await c.query(
        `UPDATE entries SET kind = $1, title = $2, license = $3, content_sha256 = $4, record = $5, state = 'received', comment = NULL, updated_at = $6,
         revision = revision + 1, change_seq = nextval('entry_change_seq'), revision_of = $7 WHERE id = $8`,
        [entry.kind, entry.title, entry.license, entry.contentSha256, JSON.stringify(entry), at, JSON.stringify({ revision: cur.revision, contentSha256: cur.content_sha256 }), id],
      );
      await c.query(
        "INSERT INTO entry_history (entry_id, seq, state, at, comment) SELECT $1, COALESCE(MAX(seq), 0) + 1, 'received', $2, $3 FROM entry_history WHERE entry_id = $1",
        [id, at, `revised (was revision ${cur.revision})`],
      );
      return 'ok';
    });
  }

  async queue(states: HubEntryState[], limit: number, afterId: string | null = null): Promise<QueueItem[]> {
    const r = await this.pool.query(
      `SELECT ${STATUS_COLUMNS}, record, (SELECT name FROM contributors c WHERE c.id = e.contributor_id) AS contributor_name
       FROM entries e WHERE state = ANY($1) AND id > $3 ORDER BY id LIMIT $2`,
      [states, limit, afterId ?? ''],
    );
    const statuses = await this.statuses(r.rows);
    return r.rows.map((row, i) => ({ status: statuses[i]!, record: JSON.parse(row.record) as Entry, contributorName: row.contributor_name }));
  }

  async recordsInState(state: HubEntryState): Promise<Entry[]> {
    const r = await this.pool.query('SELECT record FROM entries WHERE state = $1 ORDER BY id', [state]);
    return r.rows.map((row) => JSON.parse(row.record) as Entry);
  }
}
