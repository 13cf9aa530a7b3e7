import type { GleanerDb } from '../store/db.ts';
import { saveThread } from '../store/threads.ts';
import { decodePage, extractThread, sourceFromText, ExtractError, type DomKit } from '../extract/index.ts';
import { readListing } from '../extract/listing.ts';
import { smfNextPage } from '../extract/listing-smf.ts';
import { sha256Hex } from '../curate/hash.ts';
import type { Thread } from '../model/thread.ts';
import { newItem } from './create.ts';
import { type JobItemRow, type JobRow } from './job.ts';
import { backoffMs, isTransient, retryAfterMs, robotsRefusal } from './politeness.ts';

/** Everything the runner touches outside itself, injected so tests drive it with a fake clock and site. */
export interface RunnerDeps {
  db: GleanerDb;
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  dom: DomKit;
}

const RECENT = 30;
/** Longest nap between checks of the job row, so Pause and Cancel are noticed quickly. */
const MAX_NAP_MS = 1000;

type Outcome = { status: number; retryAfter: string | null; text: string | null; error: string | null };

async function get(deps: RunnerDeps, url: string): Promise<Outcome> {
  try {
    // No cookies: a bulk job reads what any visitor sees, never a logged-in moderator's private view.
    const res = await deps.fetch(url, { credentials: 'omit', redirect: 'follow' });
    const text = res.ok ? decodePage(new Uint8Array(await res.arrayBuffer())) : (await res.body?.cancel(), null);
    return { status: res.status, retryAfter: res.headers.get('retry-after'), text, error: null };
  } catch (e) {
    return { status: 0, retryAfter: null, text: null, error: (e as Error).message };
  }
}

function statusReason(o: Outcome): string {
  if (o.status === 0) return `The site could not be reached (${o.error ?? 'network error'}).`;
  if (o.status === 404 || o.status === 410) return `The site answered ${o.status}: the page is gone or the address is wrong.`;
  if (o.status === 401 || o.status === 403) return `The site answered ${o.status}: the page needs a login or is closed to visitors.`;
  return `The site answered ${o.status}.`;
}

/** The runner's dependencies as its steps see them: with the time a request last left for any host. */
interface StepDeps extends RunnerDeps {
  lastRequestAt: () => number;
}

/** How long the thread stays free after a request is issued, before a page is parsed. */
const DISPATCH_MS = 20;

/**
 * Parsing a page blocks the thread for tens of ms, and a request issued just before waits for the
 * thread to send it: held back by a parse, it leaves late and arrives together with the next one (the
 * site saw two requests 1 ms apart while the runner had issued them 209 ms apart). So a parse starts
 * only when no request has been issued for DISPATCH_MS, the thread idle meanwhile: one macrotask turn
 * was not enough, as a request issued during that turn still met the parse.
 */
async function quietBeforeParsing<T>(deps: StepDeps, parse: () => T): Promise<T> {
  await deps.sleep(0);
  for (;;) {
    const since = deps.now() - deps.lastRequestAt();
    // Parsed in the same turn as the check: an await between them let a request be issued meanwhile.
    if (since >= DISPATCH_MS) return parse();
    await deps.sleep(DISPATCH_MS - since);
  }
}

/** Post ids with their text: what "the same content" means for a page of a thread. */
function pageFingerprint(thread: Thread): string {
  return JSON.stringify(thread.posts.map((p) => [p.id, p.text]));
}

async function modifyJob(deps: RunnerDeps, jobId: string, f: (j: JobRow) => void): Promise<void> {
  await deps.db.jobs.where('id').equals(jobId).modify((j) => {
    f(j);
    j.updatedAt = new Date(deps.now()).toISOString();
  });
}

/**
 * Runs one job until it is done, paused or cancelled. Safe to start again at any time (a new worker,
 * an alarm, a page asking): every step is recorded in Dexie before the next request, rows left
 * "fetching" by a worker that died go back in the queue, and saveThread merges by URL, so a page
 * fetched twice never makes a second copy.
 */
export async function runJob(deps: RunnerDeps, jobId: string): Promise<JobRow['state'] | 'missing'> {
  const { db } = deps;
  await db.jobItems.where('[jobId+state]').equals([jobId, 'fetching']).modify({ state: 'queued', leasedAt: null });
  const inflight = new Map<string, Promise<void>>();
  const perHost = new Map<string, number>();
  const robotsPending = new Set<string>();
  // The interval counts from the moment a request really leaves, not from when its slot was booked
  // (the Dexie writes in between take a few ms): every fetch pushes its host's next slot on.
  const hostNext = new Map<string, number>();
  let interval = 0;
  let lastRequestAt = -Infinity;
  const d: StepDeps = {
    ...deps,
    fetch: (url, init) => {
      const h = new URL(url).host;
      lastRequestAt = deps.now();
      hostNext.set(h, Math.max(hostNext.get(h) ?? 0, lastRequestAt + interval));
      return deps.fetch(url, init);
    },
    lastRequestAt: () => lastRequestAt,
  };

  const launch = (key: string, host: string, work: () => Promise<void>) => {
    perHost.set(host, (perHost.get(host) ?? 0) + 1);
    const p = work()
      .catch((e) => console.error('bulk', e))
      .finally(() => {
        inflight.delete(key);
        perHost.set(host, (perHost.get(host) ?? 1) - 1);
      });
    inflight.set(key, p);
  };

  for (;;) {
    const job = await db.jobs.get(jobId);
    if (!job) return 'missing';
    if (job.state !== 'running' && job.state !== 'discovering') {
      await Promise.all(inflight.values());
      return job.state;
    }
    const kind = job.state === 'discovering' ? 'listing' : 'thread';
    interval = job.intervalMs;
    const queued = (await db.jobItems.where('[jobId+kind+state]').equals([jobId, kind, 'queued']).toArray()).sort((a, b) => a.seq - b.seq);
    if (!queued.length && !inflight.size) {
      const fetching = await db.jobItems.where('[jobId+state]').equals([jobId, 'fetching']).count();
      if (fetching) continue;
      if (kind === 'listing') await modifyJob(deps, jobId, (j) => void (j.state === 'discovering' && (j.state = j.startWhenReady ? 'running' : 'ready', j.startedAt = j.startWhenReady ? new Date(deps.now()).toISOString() : null)));
      else await modifyJob(deps, jobId, (j) => void (j.state === 'running' && ((j.state = 'done'), (j.finishedAt = new Date(deps.now()).toISOString()))));
      const after = (await db.jobs.get(jobId))?.state;
      if (after !== 'running') return after ?? 'missing';
      continue;
    }
    let wait = MAX_NAP_MS;
    for (const item of queued) {
      const now = deps.now();
      if (inflight.has(item.id)) continue;
      if (item.nextAttemptAt > now) {
        wait = Math.min(wait, item.nextAttemptAt - now);
        continue;
      }
      const host = item.host;
      if ((perHost.get(host) ?? 0) >= job.maxInFlight) continue;
      const nextAt = Math.max(job.hosts[host]?.nextAt ?? 0, hostNext.get(host) ?? 0);
      if (nextAt > now) {
        wait = Math.min(wait, nextAt - now);
        continue;
      }
      const origin = new URL(item.pageUrl).origin;
      if (robotsPending.has(origin)) continue;
      const robots = job.robots[origin];
      if (!robots) {
        robotsPending.add(origin);
        await reserve(deps, job, host);
        launch(`robots ${origin}`, host, () => readRobots(d, job, origin).finally(() => robotsPending.delete(origin)));
        continue;
      }
      const refusal = robotsRefusal(robots.text, item.pageUrl);
      if (refusal) {
        await db.jobItems.update(item.id, { state: 'skipped', reason: refusal });
        continue;
      }
      await reserve(deps, job, host);
      await db.jobItems.update(item.id, { state: 'fetching', leasedAt: now });
      launch(item.id, host, () => (item.kind === 'listing' ? readListingPage(d, job, item) : readThreadPage(d, job, item)));
    }
    await Promise.race([deps.sleep(Math.max(10, wait)), ...inflight.values()]);
  }
}

/** Takes this host's next request slot: the next one may start one interval later, whatever happens. */
async function reserve(deps: RunnerDeps, job: JobRow, host: string): Promise<void> {
  const now = deps.now();
  job.hosts[host] = { nextAt: now + job.intervalMs };
  await modifyJob(deps, job.id, (j) => {
    j.hosts[host] = { nextAt: Math.max(j.hosts[host]?.nextAt ?? 0, now + j.intervalMs) };
    j.recentRequests = [...j.recentRequests, now].slice(-RECENT);
    j.pagesFetched += 1;
  });
}

/** A Retry-After from the server holds back every request to that host, not only the one that got it. */
async function holdHost(deps: RunnerDeps, job: JobRow, host: string, until: number): Promise<void> {
  job.hosts[host] = { nextAt: Math.max(job.hosts[host]?.nextAt ?? 0, until) };
  await modifyJob(deps, job.id, (j) => void (j.hosts[host] = { nextAt: Math.max(j.hosts[host]?.nextAt ?? 0, until) }));
}

async function readRobots(deps: RunnerDeps, job: JobRow, origin: string): Promise<void> {
  const o = await get(deps, `${origin}/robots.txt`);
  // RFC 9309: a missing robots.txt (4xx) allows everything; an unreachable one (5xx) is tried again later.
  if (o.status >= 500 || o.status === 0) {
    await holdHost(deps, job, new URL(origin).host, deps.now() + backoffMs(1, job.backoffBaseMs, deps.random, retryAfterMs(o.retryAfter, deps.now())));
    return;
  }
  const entry = { text: o.status >= 200 && o.status < 300 ? (o.text ?? '') : null, fetchedAt: new Date(deps.now()).toISOString() };
  job.robots[origin] = entry;
  await modifyJob(deps, job.id, (j) => void (j.robots[origin] = entry));
}

/** Shared failure handling: transient answers wait and retry with backoff, the rest fail with the reason. */
async function failOrRetry(deps: RunnerDeps, job: JobRow, item: JobItemRow, o: Outcome): Promise<void> {
  const attempts = item.attempts + 1;
  if ((o.status === 0 || isTransient(o.status)) && attempts < job.maxAttempts) {
    const ra = retryAfterMs(o.retryAfter, deps.now());
    const delay = backoffMs(attempts, job.backoffBaseMs, deps.random, ra);
    if (ra !== null) await holdHost(deps, job, item.host, deps.now() + ra);
    await deps.db.jobItems.update(item.id, { state: 'queued', attempts, nextAttemptAt: deps.now() + delay, leasedAt: null, reason: `${statusReason(o)} Trying again.` });
    return;
  }
  const tail = attempts > 1 ? ` Gave up after ${attempts} attempts; use Retry to try again later.` : '';
  await deps.db.jobItems.update(item.id, { state: 'failed', attempts, leasedAt: null, reason: statusReason(o) + tail });
}

async function readListingPage(deps: StepDeps, job: JobRow, item: JobItemRow): Promise<void> {
  const { db } = deps;
  const o = await get(deps, item.pageUrl);
  if (o.text === null) return failOrRetry(deps, job, item, o);
  const listing = await quietBeforeParsing(deps, () => readListing(o.text!, item.pageUrl, deps.dom));
  if ('error' in listing) {
    await db.jobItems.update(item.id, { state: 'failed', leasedAt: null, reason: listing.error });
    return;
  }
  await db.transaction('rw', db.jobItems, async () => {
    const listingCount = await db.jobItems.where('[jobId+kind+state]').between([job.id, 'listing', ''], [job.id, 'listing', '\uffff']).count();
    let seq = await db.jobItems.where('jobId').equals(job.id).count();
    const rows: JobItemRow[] = [];
    for (const t of listing.threads) rows.push(newItem(job.id, 'thread', t.url, t.fetchUrl, t.title, seq++));
    let room = job.maxListingPages - listingCount;
    for (const m of listing.more) if (room-- > 0) rows.push(newItem(job.id, 'listing', m, m, null, seq++));
    const existing = new Set((await db.jobItems.bulkGet(rows.map((r) => r.id))).filter(Boolean).map((r) => r!.id));
    await db.jobItems.bulkAdd(rows.filter((r) => !existing.has(r.id)));
    await db.jobItems.update(item.id, { state: 'done', leasedAt: null, pages: 1, title: `${listing.engine}: ${listing.threads.length} threads`, reason: null });
  });
}

async function readThreadPage(deps: StepDeps, job: JobRow, item: JobItemRow): Promise<void> {
  const { db } = deps;
  const pageUrl = item.pageUrl;
  const o = await get(deps, pageUrl);
  if (o.text === null) return failOrRetry(deps, job, item, o);
  let started = 0;
  let thread: Thread;
  let src;
  try {
    [src, thread] = await quietBeforeParsing(deps, () => {
      started = deps.now();
      const s = sourceFromText(o.text!, pageUrl, deps.dom);
      return [s, extractThread(s, { capturedAt: new Date(deps.now()).toISOString() })] as const;
    });
  } catch (e) {
    const msg = e instanceof ExtractError ? e.message : `The page could not be read (${(e as Error).message}).`;
    await db.jobItems.update(item.id, { state: 'failed', leasedAt: null, reason: msg });
    return;
  }
  if (item.pages > 0 && item.threadUrl) thread = { ...thread, url: item.threadUrl };
  const fingerprint = pageFingerprint(thread);
  const hash = item.pages === 0 ? await sha256Hex(fingerprint) : item.contentHash;
  if (item.pages === 0) {
    // The same first page under another address (session ids, a moved thread) is the same thread.
    const twin = (await db.jobItems.where('contentHash').equals(hash!).toArray()).find((r) => r.id !== item.id && r.jobId === job.id);
    if (twin) {
      await db.jobItems.update(item.id, { state: 'skipped', leasedAt: null, reason: `Same content as ${twin.url}, captured once.` });
      return;
    }
  }
  const stored = await db.threads.where('url').equals(thread.url).first();
  // saveThread merges by post id, so "new" means a post id the stored thread does not have yet.
  const known = new Set(stored?.thread.posts.map((p) => p.id) ?? []);
  const fresh = thread.posts.filter((p) => !known.has(p.id));
  let threadId = stored?.id ?? null;
  if (fresh.length) threadId = (await saveThread(db, thread, new Date(deps.now()))).id;
  const visited = [...item.visited, pageUrl];
  const nextRaw = thread.pagination?.nextUrl ?? (src.kind === 'html' ? smfNextPage(src.doc, pageUrl) : null);
  const next = nextRaw && !visited.includes(nextRaw) && nextRaw !== pageUrl ? nextRaw : null;
  await db.jobItems.update(item.id, {
    state: next ? 'queued' : 'done',
    pageUrl: next ?? pageUrl,
    visited,
    pages: item.pages + 1,
    unchangedPages: item.unchangedPages + (fresh.length ? 0 : 1),
    postsAdded: item.postsAdded + fresh.length,
    workMs: item.workMs + (deps.now() - started),
    attempts: 0,
    nextAttemptAt: 0,
    leasedAt: null,
    reason: null,
    threadId,
    threadUrl: item.threadUrl ?? thread.url,
    contentHash: hash,
  });
}
