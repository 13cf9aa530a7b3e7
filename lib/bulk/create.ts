import { ulid } from 'ulid';
import type { GleanerDb } from '../store/db.ts';
import { readUrlList } from '../extract/listing-urls.ts';
import { Attestation, BULK_DEFAULTS, itemId, type JobItemRow, type JobRow, type JobSource } from './job.ts';

export interface NewJob {
  source: JobSource;
  attestation: Omit<Attestation, 'attestedAt'>;
  intervalMs?: number;
  maxInFlight?: number;
  backoffBaseMs?: number;
  maxListingPages?: number;
  notify?: boolean;
}

export function newItem(jobId: string, kind: JobItemRow['kind'], url: string, pageUrl: string, title: string | null, seq: number): JobItemRow {
  return {
    id: itemId(jobId, kind, url),
    jobId,
    kind,
    url,
    pageUrl,
    title,
    host: new URL(pageUrl).host,
    seq,
    state: 'queued',
    attempts: 0,
    nextAttemptAt: 0,
    leasedAt: null,
    pages: 0,
    unchangedPages: 0,
    postsAdded: 0,
    workMs: 0,
    reason: null,
    threadId: null,
    threadUrl: null,
    contentHash: null,
    visited: [],
  };
}

/**
 * Records a job and its first work: listing pages to read (state "discovering", so the user sees the
 * thread count before starting) or, for pasted URLs, the threads themselves (state "ready").
 * Returns an error value a person can act on instead of throwing.
 */
export async function createJob(db: GleanerDb, req: NewJob, now = new Date()): Promise<{ ok: true; jobId: string; rejected: string[] } | { ok: false; error: string }> {
  const att = Attestation.safeParse({ ...req.attestation, attestedAt: now.toISOString() });
  if (!att.success) return { ok: false, error: att.error.issues.map((i) => i.message).join(' ') };
  const interval = req.intervalMs ?? BULK_DEFAULTS.intervalMs;
  if (!(interval >= 100)) return { ok: false, error: 'The pause between requests must be at least 100 ms; 2000 ms is polite for most forums.' };
  const jobId = ulid(now.getTime());
  let items: JobItemRow[] = [];
  let rejected: string[] = [];
  if (req.source.kind === 'urls') {
    const list = readUrlList(req.source.text);
    rejected = list.rejected;
    if (!list.threads.length) return { ok: false, error: 'No thread URLs found in the list: paste one http(s) address per line.' };
    items = list.threads.map((t, i) => newItem(jobId, 'thread', t.url, t.fetchUrl, t.title, i));
  } else {
    try {
      const u = new URL(req.source.url);
      if (!/^https?:$/.test(u.protocol)) throw new Error('not http');
      items = [newItem(jobId, 'listing', u.toString(), u.toString(), null, 0)];
    } catch {
      return { ok: false, error: `"${req.source.url}" is not a web address: paste the full address of the board, category or sitemap (https://…).` };
    }
  }
  const job: JobRow = {
    id: jobId,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    state: req.source.kind === 'urls' ? 'ready' : 'discovering',
    startWhenReady: false,
    source: req.source,
    attestation: att.data,
    intervalMs: interval,
    maxInFlight: Math.min(2, Math.max(1, req.maxInFlight ?? BULK_DEFAULTS.maxInFlight)),
    backoffBaseMs: req.backoffBaseMs ?? BULK_DEFAULTS.backoffBaseMs,
    maxAttempts: BULK_DEFAULTS.maxAttempts,
    maxListingPages: req.maxListingPages ?? BULK_DEFAULTS.maxListingPages,
    pagesFetched: 0,
    recentRequests: [],
    hosts: {},
    robots: {},
    startedAt: null,
    finishedAt: null,
    notify: req.notify ?? false,
    notes: [],
  };
  await db.transaction('rw', db.jobs, db.jobItems, async () => {
    await db.jobs.add(job);
    await db.jobItems.bulkAdd(items);
  });
  return { ok: true, jobId, rejected };
}

/**
 * The sites a job will read, as optional-permission patterns: the only host access it asks for. With the
 * attestation's terms address, its site too: the rules page is read when the job is created.
 */
export function jobOrigins(source: JobSource, termsUrl?: string): string[] {
  const urls = source.kind === 'urls' ? readUrlList(source.text).threads.map((t) => t.fetchUrl) : [source.url];
  if (termsUrl) urls.push(termsUrl);
  const out = new Set<string>();
  for (const u of urls) {
    try {
      out.add(`${new URL(u).origin}/*`);
    } catch {
      /* reported by createJob */
    }
  }
  return [...out];
}
