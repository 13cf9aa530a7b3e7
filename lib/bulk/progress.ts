import type { JobItemRow, JobRow } from './job.ts';

export interface JobProgress {
  found: number;
  done: number;
  failed: number;
  skipped: number;
  left: number;
  listingPages: number;
  pagesFetched: number;
  postsAdded: number;
  unchanged: number;
  /** Requests per minute over the recent window, or null before there are two. */
  ratePerMinute: number | null;
  /** Milliseconds until the job should end at the current pace, or null when unknown. */
  etaMs: number | null;
}

/** Counts for the progress panel, from the job row and its items (pure, so it is tested without a browser). */
export function jobProgress(job: JobRow, items: JobItemRow[]): JobProgress {
  const threads = items.filter((i) => i.kind === 'thread');
  const by = (s: JobItemRow['state']) => threads.filter((i) => i.state === s).length;
  const left = by('queued') + by('fetching');
  const r = job.recentRequests;
  const span = r.length > 1 ? r[r.length - 1]! - r[0]! : 0;
  const ratePerMinute = span > 0 ? ((r.length - 1) / span) * 60_000 : null;
  // Each remaining thread needs at least one request; the pace is the slower of the limit and what was seen.
  const perRequest = Math.max(job.intervalMs, span > 0 ? span / (r.length - 1) : job.intervalMs);
  const pagesPerThread = threads.length ? Math.max(1, threads.reduce((n, i) => n + i.pages, 0) / Math.max(1, threads.filter((i) => i.pages > 0).length)) : 1;
  return {
    found: threads.length,
    done: by('done'),
    failed: by('failed'),
    skipped: by('skipped'),
    left,
    listingPages: items.filter((i) => i.kind === 'listing' && i.state === 'done').length,
    pagesFetched: job.pagesFetched,
    postsAdded: threads.reduce((n, i) => n + i.postsAdded, 0),
    unchanged: threads.filter((i) => i.state === 'done' && i.postsAdded === 0).length,
    ratePerMinute,
    etaMs: job.state === 'done' || job.state === 'cancelled' ? 0 : left ? Math.round(left * pagesPerThread * perRequest) : 0,
  };
}
