import { ulid } from 'ulid';
import type { Entry } from '../model/entry.ts';
import type { Submission, SubmissionState } from '../model/submission.ts';
import type { GleanerDb } from './db.ts';

/**
 * Puts an entry and its outbox row in one transaction. Submitting the same entry twice keeps the first
 * row (and its idempotency key), so a double click can never send it twice.
 */
export async function enqueue(db: GleanerDb, entry: Entry, threadId: string, hub: string, now = new Date(), opts: { hold?: boolean } = {}): Promise<Submission> {
  // Held entries wait, reviewed, for "submit all" (bulk work); the rest are sent at once.
  const state = opts.hold ? 'ready' : 'queued';
  return db.transaction('rw', db.entries, db.outbox, async () => {
    const existing = await db.outbox.get(entry.id);
    if (existing) return existing;
    await db.entries.put({ id: entry.id, threadId, createdAt: entry.createdAt, entry });
    const sub: Submission = {
      entryId: entry.id,
      hub,
      idempotencyKey: `entry-${entry.id}-${ulid(now.getTime())}`,
      state,
      history: [{ state, at: now.toISOString(), note: null }],
      attempts: 0,
      nextAttemptAt: opts.hold ? null : now.getTime(),
      lastError: null,
      hubResponse: null,
      reviewComment: null,
      updatedAt: now.toISOString(),
    };
    await db.outbox.add(sub);
    return sub;
  });
}

/** Moves a submission to a new state, recording the change in its history (only when the state changes). */
export function withState(sub: Submission, state: SubmissionState, now: Date, note: string | null = null): Submission {
  const history = sub.state === state && (sub.history.at(-1)?.note ?? null) === note ? sub.history : [...sub.history, { state, at: now.toISOString(), note }];
  return { ...sub, state, history, updatedAt: now.toISOString() };
}

/** "Submit all reviewed": every entry kept ready goes to the outbox queue in one step. */
export async function submitReady(db: GleanerDb, now = new Date()): Promise<number> {
  return db.transaction('rw', db.outbox, async () => {
    const rows = await db.outbox.where('state').equals('ready').toArray();
    await db.outbox.bulkPut(rows.map((s) => ({ ...withState(s, 'queued', now), nextAttemptAt: now.getTime() })));
    return rows.length;
  });
}
