import { ulid } from 'ulid';
import type { Thread } from '../model/thread.ts';
import type { GleanerDb, ThreadRow } from './db.ts';

/**
 * Keeps one row per thread URL: capturing the same thread again merges new posts in (by post id, in
 * page order) instead of making a second copy.
 */
export async function saveThread(db: GleanerDb, thread: Thread, now = new Date()): Promise<ThreadRow> {
  return db.transaction('rw', db.threads, async () => {
    const existing = await db.threads.where('url').equals(thread.url).first();
    if (existing) {
      // The new capture's order wins (it may cover more pages); posts only the old capture had are kept.
      const fresh = new Set(thread.posts.map((p) => p.id));
      const merged: Thread = { ...thread, posts: [...thread.posts, ...existing.thread.posts.filter((p) => !fresh.has(p.id))] };
      const row: ThreadRow = { ...existing, thread: merged, capturedAt: now.toISOString() };
      await db.threads.put(row);
      return row;
    }
    const row: ThreadRow = { id: ulid(now.getTime()), url: thread.url, capturedAt: now.toISOString(), thread: { ...thread, capturedAt: thread.capturedAt ?? now.toISOString() } };
    await db.threads.add(row);
    return row;
  });
}

export async function latestThread(db: GleanerDb): Promise<ThreadRow | undefined> {
  return db.threads.orderBy('capturedAt').last();
}
