import type { HubStore } from './store.ts';

/**
 * What the hub keeps of identities and authors' say: proof codes handed out, identities it checked
 * itself, authors' grants and removal requests, entries removed from future releases, and reports.
 * The SQL is written once over a small runner; each backend module (`consent-store-sqlite.ts`,
 * `consent-store-postgres.ts`) gives a runner over the main store's own database handle and its own
 * migrations, recorded apart from the main store's so the two lists never collide.
 */

export type ReportCategory = 'copyright' | 'privacy' | 'wrong_attribution';
export const REPORT_CATEGORIES: readonly ReportCategory[] = ['copyright', 'privacy', 'wrong_attribution'];
/** Why an entry left the releases: an author asked, or a moderator upheld a report of that category. */
export type RemovalReason = 'author_request' | ReportCategory;

export interface IdentityClaim {
  id: string;
  /** The contributor who asked for the code, or null for an author on the public page. */
  contributorId: string | null;
  /** SHA-256 of the secret an author's browser holds for this claim (hidden form field), or null. */
  secretHash: string | null;
  forum: string;
  name: string;
  code: string;
  createdAt: string;
  expiresAt: string;
  /** Set once the hub found the code: the proof it stored. */
  proofId: string | null;
}

export interface StoredProof {
  id: string;
  contributorId: string | null;
  forum: string;
  name: string;
  profileUrl: string | null;
  proofUrl: string;
  sha256: string;
  checkedAt: string;
}

export interface ConsentGrantRow {
  id: string;
  proofId: string;
  forum: string;
  name: string;
  profileUrl: string | null;
  license: string;
  grantedAt: string;
}

export interface RemovalRequestRow {
  id: string;
  proofId: string;
  forum: string;
  name: string;
  profileUrl: string | null;
  at: string;
}

export interface EntryRemoval {
  entryId: string;
  reason: RemovalReason;
  /** The removal request or report that caused it. */
  cause: string;
  at: string;
}

export interface ReportRow {
  id: string;
  entryId: string;
  category: ReportCategory;
  details: string;
  createdAt: string;
  decidedAt: string | null;
  outcome: 'removed' | 'dismissed' | null;
  decidedBy: string | null;
  comment: string | null;
}

/**
 * A minimal SQL runner: `?` placeholders, rows as plain objects, writes report changed rows. A
 * transaction is a fixed list of statements (`batch`), decided before it starts: on SQLite it then runs
 * synchronously, so no other request's statements can slip into it between two awaits.
 */
export interface SqlRunner {
  all(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  run(sql: string, params?: unknown[]): Promise<number>;
  /** Runs the statements in one transaction, all or none; returns each one's changed rows. */
  batch(steps: [sql: string, params: unknown[]][]): Promise<number[]>;
}

/** Tables, identical on both backends (text columns; ids are ULIDs, times ISO 8601). Never edit a shipped one. */
export const CONSENT_MIGRATIONS: string[] = [
  `CREATE TABLE identity_claims (
     id TEXT PRIMARY KEY, contributor_id TEXT, secret_hash TEXT, forum TEXT NOT NULL, name TEXT NOT NULL,
     code TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL, proof_id TEXT);
   CREATE TABLE identity_proofs (
     id TEXT PRIMARY KEY, contributor_id TEXT, forum TEXT NOT NULL, name TEXT NOT NULL, profile_url TEXT,
     proof_url TEXT NOT NULL, sha256 TEXT NOT NULL, checked_at TEXT NOT NULL);
   CREATE INDEX identity_proofs_by_contributor ON identity_proofs(contributor_id, forum);
   CREATE TABLE consent_grants (
     id TEXT PRIMARY KEY, proof_id TEXT NOT NULL, forum TEXT NOT NULL, name TEXT NOT NULL, profile_url TEXT,
     license TEXT NOT NULL, granted_at TEXT NOT NULL);
   CREATE TABLE removal_requests (
     id TEXT PRIMARY KEY, proof_id TEXT NOT NULL, forum TEXT NOT NULL, name TEXT NOT NULL, profile_url TEXT, at TEXT NOT NULL);
   CREATE TABLE entry_removals (entry_id TEXT PRIMARY KEY, reason TEXT NOT NULL, cause TEXT NOT NULL, at TEXT NOT NULL);
   CREATE TABLE entry_reports (
     id TEXT PRIMARY KEY, entry_id TEXT NOT NULL, category TEXT NOT NULL, details TEXT NOT NULL, created_at TEXT NOT NULL,
     decided_at TEXT, outcome TEXT, decided_by TEXT, comment TEXT);
   CREATE INDEX entry_reports_open ON entry_reports(decided_at, id);`,
];

const s = (v: unknown) => (v === null || v === undefined ? null : String(v));

const claimOf = (r: Record<string, unknown>): IdentityClaim => ({
  id: String(r.id), contributorId: s(r.contributor_id), secretHash: s(r.secret_hash), forum: String(r.forum), name: String(r.name),
  code: String(r.code), createdAt: String(r.created_at), expiresAt: String(r.expires_at), proofId: s(r.proof_id),
});
const proofOf = (r: Record<string, unknown>): StoredProof => ({
  id: String(r.id), contributorId: s(r.contributor_id), forum: String(r.forum), name: String(r.name), profileUrl: s(r.profile_url),
  proofUrl: String(r.proof_url), sha256: String(r.sha256), checkedAt: String(r.checked_at),
});
const grantOf = (r: Record<string, unknown>): ConsentGrantRow => ({
  id: String(r.id), proofId: String(r.proof_id), forum: String(r.forum), name: String(r.name), profileUrl: s(r.profile_url), license: String(r.license), grantedAt: String(r.granted_at),
});
const reportOf = (r: Record<string, unknown>): ReportRow => ({
  id: String(r.id), entryId: String(r.entry_id), category: String(r.category) as ReportCategory, details: String(r.details), createdAt: String(r.created_at),
  decidedAt: s(r.decided_at), outcome: s(r.outcome) as ReportRow['outcome'], decidedBy: s(r.decided_by), comment: s(r.comment),
});

export class ConsentStore {
  private ready: Promise<void> | null = null;

  constructor(
    private readonly db: SqlRunner,
    private readonly migrate: (db: SqlRunner) => Promise<void>,
  ) {}

  private async q(): Promise<SqlRunner> {
    this.ready ??= this.migrate(this.db).catch((e) => {
      this.ready = null;
      throw e;
    });
    await this.ready;
    return this.db;
  }

  async addClaim(c: IdentityClaim): Promise<void> {
    await (await this.q()).run(
      'INSERT INTO identity_claims (id, contributor_id, secret_hash, forum, name, code, created_at, expires_at, proof_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [c.id, c.contributorId, c.secretHash, c.forum, c.name, c.code, c.createdAt, c.expiresAt, c.proofId],
    );
  }

  async claim(id: string): Promise<IdentityClaim | null> {
    const [r] = await (await this.q()).all('SELECT * FROM identity_claims WHERE id = ?', [id]);
    return r ? claimOf(r) : null;
  }

  /**
   * Stores a proof the hub checked and ties the claim to it. A contributor keeps one proof per name
   * and forum: a newer check replaces the older, so the proof reused is always the latest.
   */
  async saveProof(claimId: string, p: StoredProof): Promise<void> {
    await (await this.q()).batch([
      ...(p.contributorId !== null ? [['DELETE FROM identity_proofs WHERE contributor_id = ? AND forum = ? AND name = ?', [p.contributorId, p.forum, p.name]] as [string, unknown[]]] : []),
      ['INSERT INTO identity_proofs (id, contributor_id, forum, name, profile_url, proof_url, sha256, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [p.id, p.contributorId, p.forum, p.name, p.profileUrl, p.proofUrl, p.sha256, p.checkedAt]],
      ['UPDATE identity_claims SET proof_id = ? WHERE id = ?', [p.id, claimId]],
    ]);
  }

  async proof(id: string): Promise<StoredProof | null> {
    const [r] = await (await this.q()).all('SELECT * FROM identity_proofs WHERE id = ?', [id]);
    return r ? proofOf(r) : null;
  }

  async proofsOf(contributorId: string): Promise<StoredProof[]> {
    return (await (await this.q()).all('SELECT * FROM identity_proofs WHERE contributor_id = ? ORDER BY forum, name', [contributorId])).map(proofOf);
  }

  async addGrant(g: ConsentGrantRow): Promise<void> {
    await (await this.q()).run('INSERT INTO consent_grants (id, proof_id, forum, name, profile_url, license, granted_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      g.id, g.proofId, g.forum, g.name, g.profileUrl, g.license, g.grantedAt,
    ]);
  }

  async grant(id: string): Promise<ConsentGrantRow | null> {
    const [r] = await (await this.q()).all('SELECT * FROM consent_grants WHERE id = ?', [id]);
    return r ? grantOf(r) : null;
  }

  /** Every grant made on a forum, newest first (the grant lookup filters them by author). */
  async grantsOn(forum: string): Promise<ConsentGrantRow[]> {
    return (await (await this.q()).all('SELECT * FROM consent_grants WHERE forum = ? ORDER BY granted_at DESC, id DESC', [forum])).map(grantOf);
  }

  /** Records an author's removal request and the entries it takes out, in one transaction. */
  async addRemovalRequest(r: RemovalRequestRow, entryIds: string[]): Promise<void> {
    await (await this.q()).batch([
      ['INSERT INTO removal_requests (id, proof_id, forum, name, profile_url, at) VALUES (?, ?, ?, ?, ?, ?)', [r.id, r.proofId, r.forum, r.name, r.profileUrl, r.at]],
      ...entryIds.map((id): [string, unknown[]] => ["INSERT INTO entry_removals (entry_id, reason, cause, at) VALUES (?, 'author_request', ?, ?) ON CONFLICT (entry_id) DO NOTHING", [id, r.id, r.at]]),
    ]);
  }

  async removalRequests(): Promise<RemovalRequestRow[]> {
    // Pushed, not mapped: read for every submission, and an array map returns is laid out differently
    // once the optimising compiler inlines the call, which would make the reader's code be compiled twice.
    const out: RemovalRequestRow[] = [];
    for (const r of await (await this.q()).all('SELECT * FROM removal_requests ORDER BY id')) {
      out.push({ id: String(r.id), proofId: String(r.proof_id), forum: String(r.forum), name: String(r.name), profileUrl: s(r.profile_url), at: String(r.at) });
    }
    return out;
  }

  async entryRemovals(): Promise<EntryRemoval[]> {
    return (await (await this.q()).all('SELECT * FROM entry_removals ORDER BY entry_id')).map((r) => ({
      entryId: String(r.entry_id), reason: String(r.reason) as RemovalReason, cause: String(r.cause), at: String(r.at),
    }));
  }

  async entryRemoval(entryId: string): Promise<EntryRemoval | null> {
    const [r] = await (await this.q()).all('SELECT * FROM entry_removals WHERE entry_id = ?', [entryId]);
    return r ? { entryId: String(r.entry_id), reason: String(r.reason) as RemovalReason, cause: String(r.cause), at: String(r.at) } : null;
  }

  async addReport(r: ReportRow): Promise<void> {
    await (await this.q()).run('INSERT INTO entry_reports (id, entry_id, category, details, created_at) VALUES (?, ?, ?, ?, ?)', [r.id, r.entryId, r.category, r.details, r.createdAt]);
  }

  async report(id: string): Promise<ReportRow | null> {
    const [r] = await (await this.q()).all('SELECT * FROM entry_reports WHERE id = ?', [id]);
    return r ? reportOf(r) : null;
  }

  /** Undecided reports, oldest first, or (with `decided`) the decided ones, newest first. */
  async reports(opts: { decided: boolean; limit: number }): Promise<ReportRow[]> {
    const sql = opts.decided
      ? 'SELECT * FROM entry_reports WHERE decided_at IS NOT NULL ORDER BY decided_at DESC, id DESC LIMIT ?'
      : 'SELECT * FROM entry_reports WHERE decided_at IS NULL ORDER BY id LIMIT ?';
    return (await (await this.q()).all(sql, [opts.limit])).map(reportOf);
  }

  /** Decides a report once: 'decided' when someone already did. A removal is recorded with it. */
  async decideReport(id: string, d: { outcome: 'removed' | 'dismissed'; by: string; comment: string | null; at: string }): Promise<'ok' | 'missing' | 'decided'> {
    const db = await this.q();
    // The removal row is written only by the decision that set the outcome: the insert reads the report
    // as the update just left it, so a second decision, which changes nothing, adds nothing either.
    const [changed] = await db.batch([
      ['UPDATE entry_reports SET decided_at = ?, outcome = ?, decided_by = ?, comment = ? WHERE id = ? AND decided_at IS NULL', [d.at, d.outcome, d.by, d.comment, id]],
      [
        "INSERT INTO entry_removals (entry_id, reason, cause, at) SELECT entry_id, category, id, decided_at FROM entry_reports WHERE id = ? AND outcome = 'removed' AND decided_at = ? AND decided_by = ? ON CONFLICT (entry_id) DO NOTHING",
        [id, d.at, d.by],
      ],
    ]);
    if (changed) return 'ok';
    return (await db.all('SELECT id FROM entry_reports WHERE id = ?', [id])).length ? 'decided' : 'missing';
  }
}

/** The consent store over the main store's own database: same file or same PostgreSQL schema. */
export async function consentStoreFor(store: HubStore): Promise<ConsentStore> {
  if (store.backend === 'sqlite') {
    const { sqliteConsentStore } = await import('./consent-store-sqlite.ts');
    return sqliteConsentStore((store as unknown as { db: import('better-sqlite3').Database }).db);
  }
  const { postgresConsentStore } = await import('./consent-store-postgres.ts');
  return postgresConsentStore((store as unknown as { pool: import('pg').Pool }).pool);
}
