import { z } from 'zod';

/**
 * The moderator's attestation, recorded once per bulk job: every thread the job captures refers to it
 * through its job item (jobItems.threadId → job.attestation). Entries made from those threads still go
 * through per-entry review in the curate view.
 */
export { Attestation } from '../model/attestation.ts';
import { Attestation } from '../model/attestation.ts';

export type JobSource = { kind: 'listing'; url: string } | { kind: 'sitemap'; url: string } | { kind: 'urls'; text: string };

/**
 * discovering: reading listing pages to count threads; ready: counted, waiting for Start; running;
 * paused; cancelled; done (nothing left to try).
 */
export type JobState = 'discovering' | 'ready' | 'running' | 'paused' | 'cancelled' | 'done';

export interface JobRow {
  id: string;
  createdAt: string;
  updatedAt: string;
  state: JobState;
  /** Where the runner goes after discovery: straight on when the user pressed Start before counting ended. */
  startWhenReady: boolean;
  source: JobSource;
  attestation: Attestation;
  /** Politeness: at least this long between two requests to one host. */
  intervalMs: number;
  /** Never more than this many requests in flight per host (at most 2). */
  maxInFlight: number;
  /** First backoff step for 429/503/network errors; doubled per attempt, with jitter. */
  backoffBaseMs: number;
  maxAttempts: number;
  /** Listing pages followed at most (a big board has hundreds). */
  maxListingPages: number;
  pagesFetched: number;
  /** Start times of the most recent requests, for the current rate. */
  recentRequests: number[];
  /** Per host: when the next request may start (kept so a restarted worker still waits). */
  hosts: Record<string, { nextAt: number }>;
  /** robots.txt per origin: its text, or null when the site has none (everything allowed). */
  robots: Record<string, { text: string | null; fetchedAt: string }>;
  startedAt: string | null;
  finishedAt: string | null;
  /** A system notification when the job ends (only if the optional notifications permission was granted). */
  notify: boolean;
  /** Listing URLs that could not be read, with why. */
  notes: string[];
}

export type ItemKind = 'listing' | 'thread';
export type ItemState = 'queued' | 'fetching' | 'done' | 'failed' | 'skipped';

export interface JobItemRow {
  /** `${jobId} ${kind} ${url}`: one row per thread (or listing page) per job, however often it is listed. */
  id: string;
  jobId: string;
  kind: ItemKind;
  /** Canonical URL (what Thread.url will be). */
  url: string;
  /** The page to fetch next: the thread's first page, then its `pagination.nextUrl`. */
  pageUrl: string;
  title: string | null;
  host: string;
  seq: number;
  state: ItemState;
  attempts: number;
  nextAttemptAt: number;
  /** When a fetch started; a row still "fetching" after the worker died is put back in the queue. */
  leasedAt: number | null;
  pages: number;
  /** Pages fetched whose posts were all stored already (nothing new). */
  unchangedPages: number;
  postsAdded: number;
  /** Time spent reading and storing this thread's pages after they arrived (extract + Dexie), in ms. */
  workMs: number;
  reason: string | null;
  threadId: string | null;
  /** `Thread.url` of the first page: later pages are stored under it, so a thread is one row whatever its pages call themselves. */
  threadUrl: string | null;
  contentHash: string | null;
  visited: string[];
}

export const BULK_DEFAULTS = { intervalMs: 2000, maxInFlight: 2, backoffBaseMs: 2000, maxAttempts: 5, maxListingPages: 100 } as const;

export function itemId(jobId: string, kind: ItemKind, url: string): string {
  return `${jobId} ${kind} ${url}`;
}
