import type pg from 'pg';
import { newId } from './ids.ts';
import { pgTransactionOrNull } from './pg-tx.ts';
import type { Entry } from '../lib/model/entry.ts';
import type { EntryResult } from '../lib/model/submission.ts';
import type { BatchItem, Contributor, SubmitOutcome } from './store.ts';

export interface Submission {
  contributor: Contributor;
  key: string;
  requestSha256: string;
  items: BatchItem[];
  status: number;
}

/**
 * Group commit for PostgreSQL. Submissions that reach the store in the same turn of the event loop are
 * claimed and stored by one statement in one transaction: 3 round trips (BEGIN, the statement, COMMIT) and
 * one commit for the lot, where each alone takes those 3 on its own connection. Each is answered only
 * once that COMMIT has returned, so a 202 still means durable. The statement is all or nothing for the
 * usual case, every key new and every entry id free: when any submission is not (a resent key, an id
 * already stored or sent twice), or the statement fails, the transaction is rolled back and each
 * submission goes its own way (`single`), as it would have without the group.
 */
export class PgGroupCommit {
  private pending: { s: Submission; ok: (o: SubmitOutcome) => void; fail: (e: unknown) => void }[] = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly single: (s: Submission) => Promise<SubmitOutcome>,
  ) {}

  submit(s: Submission): Promise<SubmitOutcome> {
    return new Promise((ok, fail) => {
      if (!this.pending.length) setImmediate(() => void this.flush());
      this.pending.push({ s, ok, fail });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0);
    const alone = (b: (typeof batch)[number]) => this.single(b.s).then(b.ok, b.fail);
    if (batch.length === 1) return alone(batch[0]!);
    let stored: SubmitOutcome[] | null = null;
    try {
      stored = await this.storeAll(batch.map((b) => b.s));
    } catch {
      // A failed statement (a lock conflict with another group, say): each goes its own way, where a real fault shows again.
    }
    if (stored) batch.forEach((b, i) => b.ok(stored[i]!));
    else await Promise.all(batch.map(alone));
  }

  /** The usual case for every submission in one transaction, or null (rolled back) when any is not. */
  private async storeAll(subs: Submission[]): Promise<SubmitOutcome[] | null> {
    const now = new Date().toISOString();
    const bodies = subs.map((s) => ({
      submissionId: newId(),
      results: s.items.map(
        (e): EntryResult => ('invalid' in e ? { entryId: e.entryId, status: 'invalid', state: null, problem: e.invalid } : { entryId: e.id, status: 'received', state: 'received', problem: null }),
      ),
    }));
    const entries = subs.flatMap((s, i) => s.items.filter((e): e is Entry => !('invalid' in e)).map((e) => ({ e, i: i + 1 })));
    return pgTransactionOrNull(this.pool, async (c) => {
      const r = await c.query(
        `WITH subs AS (
           SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[]) WITH ORDINALITY
             AS s(contributor_id, key, sha, status, response, submission_id, n)),
         claim AS (
           INSERT INTO idempotency (contributor_id, key, request_sha256, created_at, status, response)
           SELECT contributor_id, key, sha, $1, status, response FROM subs
           ON CONFLICT DO NOTHING RETURNING contributor_id, key),
         ins AS (
           INSERT INTO entries (id, contributor_id, kind, title, license, state, content_sha256, record, submission_id, received_at, updated_at, change_seq)
           SELECT u.id, s.contributor_id, u.kind, u.title, u.license, 'received', u.sha, u.record, s.submission_id, $1, $1, nextval('entry_change_seq')
           FROM unnest($8::int[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[]) AS u(n, id, kind, title, license, sha, record)
           JOIN subs s ON s.n = u.n
           WHERE EXISTS (SELECT 1 FROM claim c WHERE c.contributor_id = s.contributor_id AND c.key = s.key)
           ON CONFLICT (id) DO NOTHING RETURNING id),
         hist AS (INSERT INTO entry_history (entry_id, seq, state, at, comment) SELECT id, 1, 'received', $1, NULL FROM ins)
         SELECT (SELECT count(*) FROM claim)::int AS claimed, (SELECT count(*) FROM ins)::int AS stored`,
        [
          now,
          subs.map((s) => s.contributor.id), subs.map((s) => s.key), subs.map((s) => s.requestSha256), subs.map((s) => s.status),
          bodies.map((b) => JSON.stringify(b)), bodies.map((b) => b.submissionId),
          entries.map((x) => x.i), entries.map((x) => x.e.id), entries.map((x) => x.e.kind), entries.map((x) => x.e.title), entries.map((x) => x.e.license),
          entries.map((x) => x.e.contentSha256), entries.map((x) => JSON.stringify(x.e)),
        ],
      );
      const { claimed, stored } = r.rows[0] as { claimed: number; stored: number };
      // A key already claimed or an entry id taken: nothing of this write stays, and the caller takes the general path.
      return claimed === subs.length && stored === entries.length ? bodies.map((body) => ({ kind: 'stored', body })) : null;
    });
  }
}
