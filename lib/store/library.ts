import type { SubmissionState } from '../model/submission.ts';
import type { Submission } from '../model/submission.ts';
import type { JobItemRow } from '../bulk/job.ts';
import type { DraftRow, EntryRow, GleanerDb, ThreadRow } from './db.ts';

/** Where a stored thread came from: what the library's source filter offers. */
export type LibrarySource = 'capture' | 'multipage' | 'import' | 'bulk';

export const SOURCE_WORDS: Record<LibrarySource, string> = {
  capture: 'captured page',
  multipage: 'multi-page capture',
  import: 'imported conversation',
  bulk: 'bulk capture',
};

/** A thread's entries as the library shows them: a draft in progress, then each entry's outbox state. */
export type LibraryEntryState = 'draft' | SubmissionState;

export interface LibraryRow {
  id: string;
  title: string;
  url: string;
  platform: string;
  source: LibrarySource;
  /** The bulk job that captured it, when one did. */
  jobId: string | null;
  capturedAt: string;
  posts: number;
  /** How many entries are in each state ("draft" counts the one in progress). */
  states: Partial<Record<LibraryEntryState, number>>;
  entries: number;
}

/**
 * Chat and mail archives arrive through the import page; their threads carry the archive's platform,
 * never a forum engine's, so the platform is what tells them apart (see lib/import/*).
 */
const IMPORT_PLATFORMS = new Set(['slack', 'discord', 'telegram', 'matrix', 'mattermost', 'irc', 'whatsapp', 'mail', 'mbox', 'email']);

export function sourceOf(row: Pick<ThreadRow, 'thread'>, inBulkJob: boolean): LibrarySource {
  if (inBulkJob) return 'bulk';
  if (IMPORT_PLATFORMS.has(row.thread.platform.toLowerCase()) || row.thread.extractor?.startsWith('import')) return 'import';
  const p = row.thread.pagination;
  if (p && ((p.pageCount ?? 1) > 1 || p.page > 1)) return 'multipage';
  return 'capture';
}

/** Pure: the library's rows from the store's tables, newest capture first. */
export function summariseLibrary(threads: ThreadRow[], entries: Pick<EntryRow, 'id' | 'threadId'>[], outbox: Pick<Submission, 'entryId' | 'state'>[], drafts: Pick<DraftRow, 'threadId' | 'state'>[], jobItems: Pick<JobItemRow, 'jobId' | 'threadId'>[]): LibraryRow[] {
  const stateOf = new Map(outbox.map((s) => [s.entryId, s.state]));
  const jobOf = new Map(jobItems.filter((i) => i.threadId).map((i) => [i.threadId!, i.jobId]));
  const byThread = new Map<string, Partial<Record<LibraryEntryState, number>>>();
  const bump = (threadId: string, st: LibraryEntryState) => {
    const m = byThread.get(threadId) ?? {};
    m[st] = (m[st] ?? 0) + 1;
    byThread.set(threadId, m);
  };
  for (const e of entries) bump(e.threadId, stateOf.get(e.id) ?? 'queued');
  // A draft counts only when something is chosen in it: opening a thread alone makes no draft worth listing.
  for (const d of drafts) if (draftHasWork(d.state)) bump(d.threadId, 'draft');
  return threads
    .map((t): LibraryRow => {
      const states = byThread.get(t.id) ?? {};
      return {
        id: t.id,
        title: t.thread.title || t.url,
        url: t.url,
        platform: t.thread.platform,
        source: sourceOf(t, jobOf.has(t.id)),
        jobId: jobOf.get(t.id) ?? null,
        capturedAt: t.capturedAt,
        posts: t.thread.posts?.length ?? 0,
        states,
        entries: Object.entries(states).reduce((n, [k, v]) => n + (k === 'draft' ? 0 : v!), 0),
      };
    })
    .sort((a, b) => b.capturedAt.localeCompare(a.capturedAt) || b.id.localeCompare(a.id));
}

export function draftHasWork(state: unknown): boolean {
  const s = state as { questionId?: string | null; answerIds?: string[]; strategyIds?: string[] } | null;
  return !!s && (!!s.questionId || (s.answerIds?.length ?? 0) > 0 || (s.strategyIds?.length ?? 0) > 0);
}

/** "Not curated yet" = no entry and no draft; "in progress" = a draft; the rest filter by an entry state. */
export type StateFilter = 'all' | 'uncurated' | LibraryEntryState;

export interface LibraryFilter {
  query?: string;
  source?: LibrarySource | 'all';
  state?: StateFilter;
  jobId?: string | null;
}

export function matchesFilter(r: LibraryRow, f: LibraryFilter): boolean {
  if (f.source && f.source !== 'all' && r.source !== f.source) return false;
  if (f.jobId && r.jobId !== f.jobId) return false;
  if (f.state && f.state !== 'all') {
    if (f.state === 'uncurated') {
      if (Object.keys(r.states).length) return false;
    } else if (!r.states[f.state]) return false;
  }
  const words = (f.query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length) {
    const hay = `${r.title} ${r.url} ${r.platform}`.toLowerCase();
    if (!words.every((w) => hay.includes(w))) return false;
  }
  return true;
}

export function filterLibrary(rows: LibraryRow[], f: LibraryFilter): LibraryRow[] {
  return rows.filter((r) => matchesFilter(r, f));
}

/**
 * Working through a bulk job: the next thread of the same job (in the list's order, after the current
 * one, wrapping round) that has no entry and no draft yet. Null when every thread has been looked at.
 */
export function nextToCurate(rows: LibraryRow[], currentId: string | null, jobId: string | null): LibraryRow | null {
  const pool = rows.filter((r) => (jobId ? r.jobId === jobId : true));
  const at = pool.findIndex((r) => r.id === currentId);
  const order = at < 0 ? pool : [...pool.slice(at + 1), ...pool.slice(0, at)];
  return order.find((r) => r.id !== currentId && Object.keys(r.states).length === 0) ?? null;
}

export async function loadLibrary(db: GleanerDb): Promise<LibraryRow[]> {
  const [threads, entries, outbox, drafts, jobItems] = await Promise.all([
    db.threads.toArray(),
    db.entries.toArray(),
    db.outbox.toArray(),
    db.drafts.toArray(),
    // Only items that stored a thread are indexed under threadId (null is not indexed).
    db.jobItems.where('threadId').above('').toArray(),
  ]);
  return summariseLibrary(threads, entries, outbox, drafts, jobItems);
}

/**
 * Deletes a captured thread and its draft. Entries already made from it (and their outbox rows, which
 * are the submission history and what a withdrawal needs) are kept: they carry their own copy of every
 * text and source they use.
 */
export async function deleteThread(db: GleanerDb, threadId: string): Promise<{ keptEntries: number }> {
  return db.transaction('rw', db.threads, db.drafts, db.entries, async () => {
    const kept = await db.entries.where('threadId').equals(threadId).count();
    await db.threads.delete(threadId);
    await db.drafts.where('threadId').equals(threadId).delete();
    return { keptEntries: kept };
  });
}
