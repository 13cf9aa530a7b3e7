import Dexie, { type EntityTable } from 'dexie';
import type { Thread } from '../model/thread.ts';
import type { Entry } from '../model/entry.ts';
import type { Submission } from '../model/submission.ts';
import type { JobItemRow, JobRow } from '../bulk/job.ts';

export interface ThreadRow {
  id: string;
  url: string;
  capturedAt: string;
  thread: Thread;
}

/** The curate view's work in progress, saved as the user types so closing the panel loses nothing. */
export interface DraftRow {
  id: string;
  threadId: string;
  updatedAt: string;
  state: unknown;
}

export interface EntryRow {
  id: string;
  threadId: string;
  createdAt: string;
  entry: Entry;
}

export type GleanerDb = Dexie & {
  threads: EntityTable<ThreadRow, 'id'>;
  drafts: EntityTable<DraftRow, 'id'>;
  entries: EntityTable<EntryRow, 'id'>;
  outbox: EntityTable<Submission, 'entryId'>;
  jobs: EntityTable<JobRow, 'id'>;
  jobItems: EntityTable<JobItemRow, 'id'>;
};

/**
 * Every schema version the extension has shipped, oldest first. A new version is appended with its
 * upgrade function; old ones are never edited, so any installed database upgrades in order.
 */
export const SCHEMA_VERSIONS: { version: number; stores: Record<string, string>; upgrade?: (tx: import('dexie').Transaction) => Promise<void> }[] = [
  {
    version: 1,
    stores: { threads: 'id, capturedAt', entries: 'id, threadId', outbox: 'entryId, state' },
  },
  {
    // v2: drafts get their own table (they lived inside entries), lookups by thread URL and by retry time.
    version: 2,
    stores: { threads: 'id, url, capturedAt', drafts: 'id, threadId, updatedAt', entries: 'id, threadId, createdAt', outbox: 'entryId, state, nextAttemptAt' },
    upgrade: async (tx) => {
      await tx.table('threads').toCollection().modify((r: ThreadRow) => {
        r.url ??= r.thread.url;
      });
      await tx.table('entries').toCollection().modify((r: EntryRow) => {
        r.createdAt ??= r.entry.createdAt;
      });
      await tx.table('outbox').toCollection().modify((s: Submission) => {
        s.nextAttemptAt ??= null;
        s.reviewComment ??= null;
      });
    },
  },
  {
    // v3: bulk capture jobs and their items (lib/bulk); the queue is picked by job, state and due time.
    version: 3,
    stores: { jobs: 'id, state, createdAt', jobItems: 'id, [jobId+state], [jobId+kind+state], jobId, contentHash, threadId' },
  },
];

export function openDb(name = 'gleaner'): GleanerDb {
  const db = new Dexie(name) as GleanerDb;
  for (const v of SCHEMA_VERSIONS) {
    const s = db.version(v.version).stores(v.stores);
    if (v.upgrade) s.upgrade(v.upgrade);
  }
  return db;
}
