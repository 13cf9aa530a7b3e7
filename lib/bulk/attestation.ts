import type { GleanerDb } from '../store/db.ts';
import type { Attestation } from './job.ts';

/**
 * The moderator attestation a captured thread carries: the one recorded on the bulk job that captured
 * it (latest job wins), or null for threads captured one at a time.
 */
export async function attestationForThread(db: GleanerDb, threadId: string): Promise<(Attestation & { jobId: string }) | null> {
  const items = await db.jobItems.where('threadId').equals(threadId).toArray();
  const jobIds = [...new Set(items.map((i) => i.jobId))].sort();
  const job = jobIds.length ? await db.jobs.get(jobIds[jobIds.length - 1]!) : undefined;
  return job ? { ...job.attestation, jobId: job.id } : null;
}
