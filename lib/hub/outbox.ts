import type { Submission } from '../model/submission.ts';
import type { Entry } from '../model/entry.ts';
import { HUB_BODY_BYTES } from '../model/limits.ts';
import type { GleanerDb } from '../store/db.ts';
import { withState } from '../store/outbox.ts';
import { sha256Hex } from '../curate/hash.ts';
import { fetchMyEntriesIfChanged, sendBatch, type HubConfig } from './client.ts';

export const BATCH_SIZE = 20;
const BASE_DELAY_MS = 5_000;
const MAX_DELAY_MS = 30 * 60_000;
/** A send that has not finished after this long was cut off (worker stopped): it is due again. */
const STALE_SENDING_MS = 2 * 60_000;

/** Exponential backoff with jitter (0.5×–1.5×), capped; the hub's Retry-After wins when it is longer. */
export function backoffMs(attempts: number, random = Math.random, retryAfter: number | null = null): number {
  const exp = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(exp * (0.5 + random()));
  return Math.max(jittered, retryAfter ?? 0);
}

export function isDue(s: Submission, now: number): boolean {
  if (s.state === 'queued') return s.nextAttemptAt !== null && s.nextAttemptAt <= now;
  if (s.state === 'sending') return now - Date.parse(s.updatedAt) > STALE_SENDING_MS;
  return false;
}

export interface FlushDeps {
  fetch?: typeof fetch;
  now?: () => Date;
  random?: () => number;
}

export interface FlushReport {
  sent: number;
  received: number;
  retrying: number;
  held: number;
  /** Earliest time another flush has work, for scheduling. */
  nextAttemptAt: number | null;
}

/**
 * Sends every due outbox row. Rows move queued → sending → received, back to queued with a later
 * attempt time, or to held with the reason. Nothing is deleted: the outbox is also the history.
 */
export async function flushOutbox(db: GleanerDb, cfg: HubConfig | null, deps: FlushDeps = {}): Promise<FlushReport> {
  const now = deps.now ?? (() => new Date());
  const report: FlushReport = { sent: 0, received: 0, retrying: 0, held: 0, nextAttemptAt: null };
  const due = (await db.outbox.where('state').anyOf('queued', 'sending').toArray()).filter((s) => isDue(s, now().getTime()));
  if (!cfg) {
    for (const s of due) {
      await db.outbox.put({ ...withState(s, 'queued', now()), nextAttemptAt: null, lastError: 'No hub is set up yet. Open Gleaner\'s options to connect one; the entry is kept and sent then.' });
    }
    return report;
  }
  for (let i = 0; i < due.length; i += BATCH_SIZE) {
    const claimed = await claim(db, due.slice(i, i + BATCH_SIZE), cfg.url, now());
    if (claimed.length === 0) continue;
    const rows = await db.entries.bulkGet(claimed.map((s) => s.entryId));
    for (const group of bySize(claimed, rows.map((r) => r?.entry ?? null))) await sendGroup(db, cfg, group, deps, report, now);
  }
  return report;
}

/** Request bytes left for the entries: the hub refuses a body over HUB_BODY_BYTES (413). */
const BODY_BUDGET = HUB_BODY_BYTES - 4096;

/**
 * Claimed rows in groups whose request body stays under the hub's limit, in order: entries carrying a
 * community's rules page or long threads can make 20 of them too big for one request. An entry too big
 * on its own goes alone, and the hub's answer says why.
 */
function bySize(rows: Submission[], entries: (Entry | null)[]): { rows: Submission[]; entries: Entry[] }[] {
  const groups: { rows: Submission[]; entries: Entry[]; bytes: number }[] = [];
  const encoder = new TextEncoder();
  rows.forEach((row, i) => {
    const entry = entries[i];
    const bytes = entry ? encoder.encode(JSON.stringify(entry)).length + 1 : 0;
    const last = groups.at(-1);
    if (last && last.bytes + bytes <= BODY_BUDGET) {
      last.rows.push(row);
      if (entry) last.entries.push(entry);
      last.bytes += bytes;
    } else groups.push({ rows: [row], entries: entry ? [entry] : [], bytes });
  });
  return groups;
}

async function sendGroup(db: GleanerDb, cfg: HubConfig, group: { rows: Submission[]; entries: Entry[] }, deps: FlushDeps, report: FlushReport, now: () => Date): Promise<void> {
  const { rows: batch, entries } = group;
  // One key per batch composition: a retry of the same rows is recognised by the hub as the same request.
  const key = `batch-${(await sha256Hex(batch.map((s) => s.idempotencyKey).sort().join('\n'))).slice(0, 32)}`;
  const outcome = await sendBatch(cfg, entries, key, deps.fetch);
  report.sent += batch.length;
  for (const s0 of batch) {
    const s = { ...s0, hub: cfg.url, attempts: s0.attempts + 1 };
    if (outcome.kind === 'accepted') {
      const r = outcome.response.results.find((x) => x.entryId === s.entryId);
      if (r && r.status !== 'invalid') {
        await db.outbox.put({ ...withState(s, r.state ?? 'received', now()), lastError: null, nextAttemptAt: null, hubResponse: { submissionId: outcome.response.submissionId, ...r } });
        report.received++;
      } else {
        await db.outbox.put({ ...withState(s, 'held', now(), r?.problem ?? null), lastError: `The hub refused this entry: ${r?.problem ?? 'it was missing from the hub\'s answer'}. Fix it and submit again.`, nextAttemptAt: null, hubResponse: r ?? null });
        report.held++;
      }
    } else if (outcome.kind === 'retry') {
      // One clock reading for both: the wait is counted from the moment the row records.
      const failedAt = now();
      const at = failedAt.getTime() + backoffMs(s.attempts, deps.random, outcome.retryAfterMs);
      await db.outbox.put({ ...withState(s, 'queued', failedAt), lastError: outcome.reason, nextAttemptAt: at });
      report.retrying++;
      report.nextAttemptAt = Math.min(report.nextAttemptAt ?? Infinity, at);
    } else {
      await db.outbox.put({ ...withState(s, 'held', now()), lastError: outcome.reason, nextAttemptAt: null });
      report.held++;
    }
  }
}

/**
 * Marks the rows "sending" and returns those that were still due, in one transaction: a concurrent
 * flush (two clicks, an alarm, the worker starting) that read the same rows finds them taken and skips
 * them, so no row is ever in two requests at once. "sending" is transient: it marks the row for the
 * stale-send check but is not history the user needs. The rows come back as they were before the claim.
 */
async function claim(db: GleanerDb, candidates: Submission[], hub: string, at: Date): Promise<Submission[]> {
  return db.transaction('rw', db.outbox, async () => {
    const fresh = await db.outbox.bulkGet(candidates.map((s) => s.entryId));
    const mine = fresh.filter((s): s is Submission => s !== undefined && isDue(s, at.getTime()));
    await db.outbox.bulkPut(mine.map((s) => ({ ...s, hub, state: 'sending' as const, updatedAt: at.toISOString() })));
    return mine;
  });
}

/**
 * The user's "retry now": held and waiting rows become due immediately. Read and written in one
 * transaction, so a flush claiming the same rows meanwhile is not undone (which would send them twice).
 */
export async function retryNow(db: GleanerDb, now = new Date()): Promise<number> {
  return db.transaction('rw', db.outbox, async () => {
    const rows = await db.outbox.where('state').anyOf('queued', 'held').toArray();
    await db.outbox.bulkPut(rows.map((s) => ({ ...withState(s, 'queued', now), nextAttemptAt: now.getTime() })));
    return rows.length;
  });
}

export interface StateChangeNotice {
  entryId: string;
  state: Submission['state'];
  comment: string | null;
  /** The hub withdrew the entry itself (an author's request, an upheld report): why, and when. */
  removal?: Submission['removal'];
}

/**
 * Brings local rows up to date with the hub's review states and comments, and says what changed.
 * `etag` is the last answer's ETag (null the first time); the new one is returned for the next poll.
 */
export async function refreshStates(db: GleanerDb, cfg: HubConfig, deps: FlushDeps & { etag?: string | null } = {}): Promise<{ changes: StateChangeNotice[]; etag: string | null }> {
  const now = deps.now ?? (() => new Date());
  const poll = await fetchMyEntriesIfChanged(cfg, deps.etag ?? null, deps.fetch);
  if (!poll.changed) return { changes: [], etag: deps.etag ?? null };
  const changes: StateChangeNotice[] = [];
  for (const r of poll.entries) {
    const s = await db.outbox.get(r.id);
    const removal = r.removal ? { reason: r.removal.reason, at: r.removal.at } : undefined;
    if (!s || (s.state === r.state && s.reviewComment === r.comment && s.removal?.reason === removal?.reason && s.removal?.at === removal?.at)) continue;
    const { removal: _old, ...rest } = s;
    await db.outbox.put({ ...withState(rest, r.state, now(), r.comment), reviewComment: r.comment, ...(removal ? { removal } : {}) });
    changes.push({ entryId: r.id, state: r.state, comment: r.comment, ...(removal ? { removal } : {}) });
  }
  return { changes, etag: poll.etag };
}
