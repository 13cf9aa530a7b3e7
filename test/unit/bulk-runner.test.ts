import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../lib/store/db.ts';
import { createJob } from '../../lib/bulk/create.ts';
import { commandJob, retryFailed } from '../../lib/bulk/controls.ts';
import { runJob, type RunnerDeps } from '../../lib/bulk/runner.ts';
import { jobProgress } from '../../lib/bulk/progress.ts';
import { attestationForThread } from '../../lib/bulk/attestation.ts';
import { backoffMs, retryAfterMs, robotsRefusal } from '../../lib/bulk/politeness.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { buildForum } from '../support/bulk-forum.ts';

const ORIGIN = 'http://forum.test';
const attestation = { community: 'Contribs forum', license: 'CC-BY-SA-4.0', termsUrl: 'https://forum.test/terms', role: 'moderator' };

/**
 * The built forum as `fetch`, each response taking `latency` ms. With `real` the clock is the real one
 * (needed to observe overlapping requests); otherwise a virtual clock jumps to the next timer.
 */
function harness(latency = 300, real = false) {
  const forum = buildForum(ORIGIN);
  let t = 1_000_000;
  const log: { path: string; start: number; end: number }[] = [];
  const timers: { at: number; fire: () => void }[] = [];
  const advance = () => {
    timers.sort((a, b) => a.at - b.at);
    const next = timers.shift();
    if (next) {
      t = Math.max(t, next.at);
      next.fire();
    }
  };
  const sleep = (ms: number) => new Promise<void>((r) => timers.push({ at: t + ms, fire: r }));
  // Virtual time moves only when the process is otherwise idle: the next due timer fires.
  const pump = () => {
    advance();
    if (!real) setTimeout(pump, 0);
  };
  if (!real) setTimeout(pump, 0);
  const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const deps: RunnerDeps = {
    db: openDb(`bulk-${Math.random()}`),
    dom: linkedomKit,
    now: () => (real ? Date.now() : t),
    random: () => 0.5,
    sleep: real ? realSleep : sleep,
    fetch: async (url) => {
      const path = new URL(url).pathname;
      const entry = { path, start: deps.now(), end: 0 };
      log.push(entry);
      await (real ? realSleep : sleep)(latency);
      entry.end = deps.now();
      const r = forum.route(path);
      return new Response(r?.body ?? 'not found', { status: r?.status ?? 404, headers: r?.headers ?? {} });
    },
  };
  return { forum, deps, log };
}

describe('bulk runner on a forum built from the corpus SMF pages', () => {
  it('counts before starting, captures every allowed topic once, skips robots, retries 503, holds the rate', { timeout: 60_000 }, async () => {
    // Real time: responses take 250 ms against a 100 ms interval, so without the cap a third request would overlap.
    const { forum, deps, log } = harness(250, true);
    const created = await createJob(deps.db, { source: { kind: 'listing', url: forum.boardUrl }, attestation, intervalMs: 100, backoffBaseMs: 500 });
    if (!created.ok) throw new Error(created.error);
    const { jobId } = created;
    expect(await runJob(deps, jobId)).toBe('ready');
    let items = await deps.db.jobItems.where('jobId').equals(jobId).toArray();
    const job0 = (await deps.db.jobs.get(jobId))!;
    expect(jobProgress(job0, items).found).toBe(40);
    expect(jobProgress(job0, items).listingPages).toBe(2);
    expect(await deps.db.threads.count()).toBe(0);

    expect(await commandJob(deps.db, jobId, 'start')).toMatchObject({ ok: true, state: 'running' });
    expect(await runJob(deps, jobId)).toBe('done');
    items = await deps.db.jobItems.where('jobId').equals(jobId).toArray();
    const job = (await deps.db.jobs.get(jobId))!;
    const p = jobProgress(job, items);
    expect(p).toMatchObject({ found: 40, done: 39, skipped: 1, failed: 0, left: 0 });
    const skipped = items.find((i) => i.state === 'skipped')!;
    expect(skipped.url).toBe(forum.disallowed);
    expect(skipped.reason).toMatch(/robots\.txt disallows \/index\.php\/topic,\d+\.0\.html/);

    const threads = await deps.db.threads.toArray();
    expect(threads.length).toBe(39);
    expect(new Set(threads.map((r) => r.url)).size).toBe(39);
    // Multi-page topics: both pages' posts in one row (15 posts on page 1 + 15 on page 2).
    const multi = threads.find((r) => r.url === forum.multiPage[1]);
    expect(multi?.thread.posts.length).toBe(30);
    expect(log.filter((l) => l.path === new URL(forum.flaky).pathname).length).toBe(3);
    expect(log.some((l) => l.path === new URL(forum.disallowed).pathname)).toBe(false);

    // Politeness: starts at least 100 ms apart on the one host, never more than 2 in flight.
    const starts = log.map((l) => l.start).sort((a, b) => a - b);
    const gaps = starts.slice(1).map((s, i) => s - starts[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(99);
    const maxConcurrent = Math.max(...log.map((l) => log.filter((o) => o.start <= l.start && o.end > l.start).length));
    expect(maxConcurrent).toBe(2);
    expect(job.pagesFetched).toBe(log.length);

    const att = await attestationForThread(deps.db, threads[0]!.id);
    expect(att).toMatchObject({ community: 'Contribs forum', license: 'CC-BY-SA-4.0', jobId });
  });

  it('a second job over the same board stores nothing new and keeps one row per thread', { timeout: 60_000 }, async () => {
    const { forum, deps } = harness(50);
    for (let run = 0; run < 2; run++) {
      const c = await createJob(deps.db, { source: { kind: 'listing', url: forum.boardUrl }, attestation, intervalMs: 100 });
      if (!c.ok) throw new Error(c.error);
      await runJob(deps, c.jobId);
      await commandJob(deps.db, c.jobId, 'start');
      expect(await runJob(deps, c.jobId)).toBe('done');
      const items = await deps.db.jobItems.where('jobId').equals(c.jobId).toArray();
      const added = items.reduce((n, i) => n + i.postsAdded, 0);
      expect(added).toBe(run === 0 ? 39 * 15 + 5 * 15 - (forum.multiPage.includes(forum.disallowed) ? 30 : 0) : 0);
    }
    expect(await deps.db.threads.count()).toBe(39);
  });

  it('never starts parsing a page within 20 ms of issuing a request, so no parse holds a request back', { timeout: 30_000 }, async () => {
    // Real time (the virtual clock runs ahead of the database): each response (105 ms) comes about 5 ms
    // after the next request was issued (100 ms interval, two in flight).
    const { forum, deps } = harness(105, true);
    // Requests issued and parses started, in the order they happened.
    const events: { kind: 'request' | 'parse'; at: number }[] = [];
    const { fetch } = deps;
    deps.fetch = (url, init) => (events.push({ kind: 'request', at: deps.now() }), fetch(url, init));
    deps.dom = { ...linkedomKit, parseHtml: (html) => (events.push({ kind: 'parse', at: deps.now() }), linkedomKit.parseHtml(html)) };
    const c = await createJob(deps.db, { source: { kind: 'urls', text: forum.topics.slice(0, 8).join('\n') }, attestation, intervalMs: 100 });
    if (!c.ok) throw new Error(c.error);
    await commandJob(deps.db, c.jobId, 'start');
    expect(await runJob(deps, c.jobId)).toBe('done');
    expect(events.filter((e) => e.kind === 'parse').length).toBeGreaterThanOrEqual(8);
    // The runner and this wrapper read the millisecond clock at two moments a few µs apart, which can fall
    // either side of a tick (CI saw a parse 19 ms after the wrapper's reading, 20 ms after the runner's): 2 ms of slack.
    const tooSoon = events.filter((e, i) => e.kind === 'parse' && events.slice(0, i).some((r) => r.kind === 'request' && e.at - r.at < 18));
    expect(tooSoon).toEqual([]);
  });

  it('a worker that dies mid-fetch leaves nothing half-done: rows left "fetching" are fetched again, still one copy', async () => {
    const { forum, deps } = harness(50);
    const c = await createJob(deps.db, { source: { kind: 'urls', text: forum.topics.slice(0, 4).join('\n') }, attestation, intervalMs: 100 });
    if (!c.ok) throw new Error(c.error);
    await commandJob(deps.db, c.jobId, 'start');
    await deps.db.jobItems.where('jobId').equals(c.jobId).modify({ state: 'fetching', leasedAt: 1 });
    expect(await runJob(deps, c.jobId)).toBe('done');
    const rows = await deps.db.jobItems.where('jobId').equals(c.jobId).toArray();
    expect(rows.map((r) => r.state + ' ' + r.reason)).toEqual(Array(4).fill('done null'));
    expect(await deps.db.threads.count()).toBe(4);
  });

  it('pause stops the run; a 404 fails with its reason and Retry requeues it', async () => {
    const { forum, deps } = harness(50);
    const c = await createJob(deps.db, { source: { kind: 'urls', text: [forum.topics[0], `${ORIGIN}/index.php/topic,1.0.html`].join('\n') }, attestation, intervalMs: 100 });
    if (!c.ok) throw new Error(c.error);
    await commandJob(deps.db, c.jobId, 'start');
    await commandJob(deps.db, c.jobId, 'pause');
    expect(await runJob(deps, c.jobId)).toBe('paused');
    expect(await deps.db.threads.count()).toBe(0);
    await commandJob(deps.db, c.jobId, 'resume');
    expect(await runJob(deps, c.jobId)).toBe('done');
    const failed = await deps.db.jobItems.where('[jobId+state]').equals([c.jobId, 'failed']).toArray();
    expect(failed.map((f) => f.reason)).toEqual(['The site answered 404: the page is gone or the address is wrong.']);
    expect(await retryFailed(deps.db, c.jobId)).toBe(1);
    expect((await deps.db.jobs.get(c.jobId))!.state).toBe('running');
  });

  it('refuses a job without a complete attestation, in words', async () => {
    const { deps } = harness();
    const r = await createJob(deps.db, { source: { kind: 'urls', text: 'https://x.example/t/1' }, attestation: { ...attestation, termsUrl: 'terms' } });
    expect(r).toEqual({ ok: false, error: "Link to the community's terms (a full https:// address)." });
  });
});

describe('politeness helpers', () => {
  it('reads Retry-After as seconds or a date, and backs off exponentially with jitter', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs('soon', 0)).toBeNull();
    expect([1, 2, 3].map((a) => backoffMs(a, 1000, () => 0))).toEqual([500, 1000, 2000]);
    expect(backoffMs(3, 1000, () => 1)).toBe(4000);
    expect(backoffMs(1, 1000, () => 0, 30_000)).toBe(30_000);
  });

  it('robots.txt: ordinary rules and AI opt-outs both skip, with the reason', () => {
    expect(robotsRefusal('User-agent: *\nDisallow: /private/', 'https://f.example/private/t/1')).toMatch(/disallows \/private\/t\/1 .*line 2/);
    expect(robotsRefusal('User-agent: GPTBot\nDisallow: /', 'https://f.example/t/1')).toMatch(/GPTBot/);
    expect(robotsRefusal('User-agent: *\nDisallow: /private/', 'https://f.example/t/1')).toBeNull();
    expect(robotsRefusal(null, 'https://f.example/t/1')).toBeNull();
  });
});
