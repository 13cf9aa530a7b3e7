import type { GleanerDb } from '../store/db.ts';
import type { JobRow, JobState } from './job.ts';

/** What the buttons do, as state changes on the job row; the runner reads the row before every request. */
export type JobCommand = 'start' | 'pause' | 'resume' | 'cancel';

/** From which states each command makes sense, and what it leads to. */
function next(job: JobRow, cmd: JobCommand, now: Date): Partial<JobRow> | string {
  const s: JobState = job.state;
  switch (cmd) {
    case 'start':
      if (s === 'ready') return { state: 'running', startedAt: job.startedAt ?? now.toISOString() };
      if (s === 'discovering') return { startWhenReady: true };
      return `The job is ${s}; only a counted job can be started.`;
    case 'pause':
      if (s === 'running' || s === 'discovering') return { state: 'paused' };
      return `The job is ${s}; there is nothing to pause.`;
    case 'resume':
      if (s === 'paused') return { state: job.startedAt || job.startWhenReady ? 'running' : 'discovering' };
      return `The job is ${s}; only a paused job can be resumed.`;
    case 'cancel':
      if (s === 'cancelled' || s === 'done') return `The job is already ${s}.`;
      return { state: 'cancelled', finishedAt: now.toISOString() };
  }
}

export async function commandJob(db: GleanerDb, jobId: string, cmd: JobCommand, now = new Date()): Promise<{ ok: true; state: JobState } | { ok: false; error: string }> {
  return db.transaction('rw', db.jobs, async () => {
    const job = await db.jobs.get(jobId);
    if (!job) return { ok: false as const, error: 'This job no longer exists.' };
    const change = next(job, cmd, now);
    if (typeof change === 'string') return { ok: false as const, error: change };
    await db.jobs.update(jobId, { ...change, updatedAt: now.toISOString() });
    return { ok: true as const, state: change.state ?? job.state };
  });
}

/**
 * Puts failed threads (one, or all of the job's) back in the queue with fresh attempts, and reopens a
 * finished job so the runner picks them up.
 */
export async function retryFailed(db: GleanerDb, jobId: string, itemId?: string, now = new Date()): Promise<number> {
  return db.transaction('rw', db.jobs, db.jobItems, async () => {
    const failed = (await db.jobItems.where('[jobId+state]').equals([jobId, 'failed']).toArray()).filter((i) => !itemId || i.id === itemId);
    for (const i of failed) await db.jobItems.update(i.id, { state: 'queued', attempts: 0, nextAttemptAt: 0, reason: null });
    const job = await db.jobs.get(jobId);
    if (failed.length && job && (job.state === 'done' || job.state === 'cancelled')) {
      const listingLeft = failed.some((i) => i.kind === 'listing');
      await db.jobs.update(jobId, { state: listingLeft && !job.startedAt ? 'discovering' : 'running', finishedAt: null, updatedAt: now.toISOString() });
    }
    return failed.length;
  });
}
