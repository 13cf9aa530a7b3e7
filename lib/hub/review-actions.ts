import type { Entry } from '../model/entry.ts';
import type { GleanerDb } from '../store/db.ts';
import { withState } from '../store/outbox.ts';
import { fetchEntryStatus, reviseEntry, withdrawEntry, type HubConfig } from './client.ts';

type Fetch = typeof fetch;

export type ActionOutcome = { ok: true; message: string } | { ok: false; reason: string };

/** States an entry can be withdrawn from (the hub's rule); local states never reached the hub. */
const HUB_WITHDRAWABLE = new Set(['received', 'in_review', 'needs_changes', 'accepted']);
const LOCAL_ONLY = new Set(['ready', 'queued', 'held']);

export function canWithdraw(state: string): boolean {
  return HUB_WITHDRAWABLE.has(state) || LOCAL_ONLY.has(state);
}

/**
 * Withdraws an entry. One that never reached the hub is simply stopped here (it will not be sent);
 * one at the hub is withdrawn there first, and the local row changes only when the hub agreed.
 */
export async function withdrawSubmission(db: GleanerDb, cfg: HubConfig | null, entryId: string, deps: { fetch?: Fetch; now?: Date } = {}): Promise<ActionOutcome> {
  const now = deps.now ?? new Date();
  const sub = await db.outbox.get(entryId);
  if (!sub) return { ok: false, reason: 'This entry is not in Gleaner on this device.' };
  if (LOCAL_ONLY.has(sub.state)) {
    await db.outbox.put({ ...withState(sub, 'withdrawn', now, 'withdrawn before it was sent'), nextAttemptAt: null });
    return { ok: true, message: 'Withdrawn. It had not reached the hub yet and will not be sent.' };
  }
  if (!HUB_WITHDRAWABLE.has(sub.state)) return { ok: false, reason: `An entry that is ${sub.state.replace('_', ' ')} can no longer be withdrawn.` };
  if (!cfg) return { ok: false, reason: "No hub is set up on this device. Open Gleaner's options to connect to the hub, then withdraw again." };
  const r = await withdrawEntry(cfg, entryId, null, deps.fetch);
  if (!r.ok) return { ok: false, reason: r.reason };
  await db.outbox.put({ ...withState(sub, 'withdrawn', now, 'withdrawn by you'), reviewComment: r.status.comment });
  return { ok: true, message: 'Withdrawn. The hub keeps it out of every future dataset release.' };
}

/**
 * Sends a revision of an entry sent back with "needs changes". The hub's present revision is read
 * first and must still be what the contributor saw (needs changes, same comment); it is then pinned
 * with If-Match, so a moderator's change in between is never overwritten. Local rows change only
 * after the hub accepted the revision; on any refusal the revised entry is the caller's to keep.
 */
export async function reviseSubmission(db: GleanerDb, cfg: HubConfig | null, entry: Entry, deps: { fetch?: Fetch; now?: Date } = {}): Promise<ActionOutcome> {
  const now = deps.now ?? new Date();
  const sub = await db.outbox.get(entry.id);
  if (!sub) return { ok: false, reason: 'This entry is not in Gleaner on this device, so it cannot be revised from here.' };
  if (!cfg) return { ok: false, reason: "No hub is set up on this device. Open Gleaner's options to connect to the hub; your revision is kept in the editor." };
  const seen = await fetchEntryStatus(cfg, entry.id, deps.fetch);
  if (!seen.ok) return { ok: false, reason: seen.reason };
  if (seen.status.state !== 'needs_changes') {
    return { ok: false, reason: `The hub now has this entry as "${seen.status.state.replace('_', ' ')}", not "needs changes", so a revision is not accepted. Refresh the dashboard to see what changed; your text is kept in the editor.` };
  }
  if ((seen.status.comment ?? null) !== (sub.reviewComment ?? null)) {
    return { ok: false, reason: 'The reviewer changed their comment since you opened the entry. Read the new comment (refresh the dashboard), then send the revision again; your text is kept in the editor.' };
  }
  const etag = seen.etag ?? (seen.status.revision ? `"r${seen.status.revision}"` : null);
  if (!etag) return { ok: false, reason: 'The hub did not say which revision it has, so the revision cannot be sent safely. Update the hub.' };
  const r = await reviseEntry(cfg, entry, etag, deps.fetch);
  if (!r.ok) return { ok: false, reason: r.reason };
  await db.transaction('rw', db.entries, db.outbox, async () => {
    const row = await db.entries.get(entry.id);
    await db.entries.put({ id: entry.id, threadId: row?.threadId ?? '', createdAt: row?.createdAt ?? entry.createdAt, entry });
    const fresh = (await db.outbox.get(entry.id)) ?? sub;
    await db.outbox.put({ ...withState(fresh, r.status.state, now, `revised (was revision ${r.status.revisionOf?.revision ?? '?'})`), reviewComment: r.status.comment, lastError: null });
  });
  return { ok: true, message: `Revision sent. The hub has it as revision ${r.status.revision ?? '?'}, back in the review queue.` };
}
