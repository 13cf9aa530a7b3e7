import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { launchWithExtension, type Browser } from './support/chromium.ts';
import { buildForum, type BulkForum } from '../support/bulk-forum.ts';
import { waitFor as waitUntil } from './support/wait.ts';

/**
 * Bulk capture in real Chromium against a forum built from the corpus's SMF pages. Every response takes
 * LATENCY ms (longer than the job's interval), so requests would pile up if the per-host cap of 2 did
 * not hold. The run survives a stopped service worker and a browser restart on the same profile.
 * This server (not support/site.ts) answers asynchronously and logs when each request ends or is cut off.
 */
const INTERVAL_MS = 200;
const LATENCY_MS = 350;

interface Hit {
  path: string;
  start: number;
  end: number | null;
  /** False when the client went away first (a stopped worker or closed browser cut the request off). */
  answered: boolean;
}

let forum: BulkForum;
let server: ReturnType<typeof createServer>;
const log: Hit[] = [];
let browser: Browser;

const waitFor = <T,>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 60_000) => waitUntil(fn, ok, what, ms);

const count = (page: Page, k: string) => page.locator(`[data-k="${k}"]`).textContent().then((t) => Number(t ?? 'NaN'));

/** Reads a table of the extension's IndexedDB from an extension page (raw IndexedDB: Dexie is bundled, not global). */
function readTable<T>(page: Page, table: string): Promise<T[]> {
  return page.evaluate(
    (table) =>
      new Promise<T[]>((resolve, reject) => {
        const open = indexedDB.open('gleaner');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction(table, 'readonly').objectStore(table).getAll();
          req.onsuccess = () => (resolve(req.result as T[]), open.result.close());
          req.onerror = () => reject(req.error);
        };
      }),
    table,
  );
}

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const hit: Hit = { path: req.url ?? '/', start: Date.now(), end: null, answered: false };
    log.push(hit);
    res.on('close', () => (hit.end = Date.now()));
    setTimeout(() => {
      if (res.destroyed) return;
      hit.answered = true;
      const r = forum.route(hit.path);
      res.writeHead(r?.status ?? 404, r?.headers ?? { 'content-type': 'text/plain' });
      res.end(r?.body ?? 'not found');
    }, LATENCY_MS);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  forum = buildForum(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  browser = await launchWithExtension();
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('bulk capture in Chromium', () => {
  it('captures every allowed thread exactly once across a stopped worker and a browser restart, politely', async () => {
    let page = await browser.context.newPage();
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(`page ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`page error: ${e.message}`));
    browser.worker.on('console', (m) => consoleLines.push(`worker ${m.type()}: ${m.text()}`));
    await page.goto(browser.page('bulk.html'));
    await page.locator('input[name="url"]').fill(forum.boardUrl);
    await page.locator('input[name="community"]').fill('Contribs forum');
    await page.locator('input[name="license"]').fill('CC-BY-SA-4.0');
    await page.locator('input[name="termsUrl"]').fill(forum.termsUrl);
    await page.locator('input[name="seconds"]').fill(String(INTERVAL_MS / 1000));
    await page.locator('button[name="count"]').click();

    // The count comes first: 2 board pages, 40 topics, nothing captured yet.
    await page
      .locator('section[data-state="ready"]')
      .waitFor({ timeout: 30_000 })
      .catch(async (e) => {
        throw new Error(`${(e as Error).message}\npage: ${await page.locator('main').textContent()}\nsite log: ${log.map((h) => h.path).join(' ')}\n${consoleLines.join('\n')}`);
      });
    expect(await count(page, 'found')).toBe(40);
    expect(await readTable(page, 'threads')).toHaveLength(0);
    await page.locator('button[name="start"]').click();

    // Stop the service worker mid-way (what Chrome does to an idle worker); the job must carry on.
    await waitFor(() => count(page, 'done'), (n) => n >= 8, '8 threads done');
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    const doneAtStop = await count(page, 'done');
    await waitFor(() => count(page, 'done'), (n) => n >= doneAtStop + 8, 'progress after the worker was stopped');

    // Close the browser mid-job and reopen the same profile: the job resumes where it stopped.
    const profile = browser.profile;
    await browser.close();
    const doneAtClose = (await new Promise((r) => setTimeout(r, 100)), log.length);
    browser = await launchWithExtension(undefined, profile);
    page = await browser.context.newPage();
    await page.goto(browser.page('bulk.html'));
    await page.locator('section[data-state="done"]').waitFor({ timeout: 90_000 });
    expect(log.length).toBeGreaterThan(doneAtClose);

    expect(await count(page, 'found')).toBe(40);
    expect(await count(page, 'done')).toBe(39);
    expect(await count(page, 'skipped')).toBe(1);
    expect(await count(page, 'failed')).toBe(0);
    // The bar shows the same: every thread found has been handled.
    expect(await page.getByTestId('bulk-bar').evaluate((el: HTMLProgressElement) => [el.value, el.max])).toEqual([40, 40]);

    const threads = await readTable<{ url: string; thread: { posts: unknown[] } }>(page, 'threads');
    const allowed = forum.topics.filter((t) => t !== forum.disallowed);
    expect(threads.map((t) => t.url).sort()).toEqual([...allowed].sort());
    for (const m of forum.multiPage) expect(threads.find((t) => t.url === m)?.thread.posts.length).toBe(30);
    expect(threads.filter((t) => !forum.multiPage.includes(t.url)).every((t) => t.thread.posts.length === 15)).toBe(true);

    const items = await readTable<{ url: string; state: string; reason: string | null; pages: number; workMs: number; kind: string }>(page, 'jobItems');
    const threadItems = items.filter((i) => i.kind === 'thread' && i.pages > 0);
    const perPage = threadItems.reduce((n, i) => n + i.workMs, 0) / threadItems.reduce((n, i) => n + i.pages, 0);
    console.log(`bulk e2e: extract + store in the Chromium service worker: ${perPage.toFixed(1)} ms per page (politeness interval ${INTERVAL_MS} ms; default 2000 ms)`);
    const skipped = items.filter((i) => i.state === 'skipped');
    expect(skipped.map((i) => i.url)).toEqual([forum.disallowed]);
    expect(skipped[0]!.reason).toContain('robots.txt disallows /index.php/topic,');
    await expect(page.locator('ul[aria-label="Skipped threads"] li').textContent()).resolves.toContain('robots.txt disallows');

    // The site's own log: the disallowed topic never requested, the 503 topic asked three times,
    // board pages read once each (the restart resumed, it did not start over).
    expect(log.map((h) => h.path)).not.toContain(new URL(forum.disallowed).pathname);
    const paths = log.filter((h) => h.answered).map((h) => h.path);
    const cutOff = log.length - paths.length;
    expect(paths.filter((p) => p === new URL(forum.flaky).pathname)).toHaveLength(3);
    expect(paths.filter((p) => p.startsWith('/index.php/board,9.'))).toHaveLength(2);
    const pagePaths = paths.filter((p) => p.includes('/topic,'));
    // 39 first pages + 5 second pages + 2 refused attempts; only a request cut off by the stop or the restart is repeated.
    expect(pagePaths.length).toBeGreaterThanOrEqual(39 + forum.multiPage.length + 2);
    expect(pagePaths.length).toBeLessThanOrEqual(39 + forum.multiPage.length + 2 + 2);

    // Politeness, from both ends. The worker records when it sends each request (the job's last 30):
    // those are never closer than the interval. The server sees arrivals, which carry a little network
    // jitter (a request dispatched while the worker parses a page leaves a few tens of ms late), so its
    // gaps get a jitter allowance and are also checked over windows of 5, where jitter cannot add up.
    const sent = (await readTable<{ recentRequests: number[] }>(page, 'jobs'))[0]!.recentRequests;
    const sentGaps = sent.slice(1).map((x, i) => x - sent[i]!);
    expect(Math.min(...sentGaps)).toBeGreaterThanOrEqual(INTERVAL_MS);
    const starts = log.map((h) => h.start).sort((a, b) => a - b);
    const gaps = starts.slice(1).map((s, i) => s - starts[i]!);
    const minGap = Math.min(...gaps);
    const minSpan5 = Math.min(...starts.slice(5).map((s, i) => s - starts[i]!));
    const maxInFlight = Math.max(...log.map((h) => log.filter((o) => o.start <= h.start && (o.end ?? Infinity) > h.start).length));
    console.log(`bulk e2e: ${log.length} requests (${cutOff} cut off by the stop/restart); worker send gaps ≥ ${Math.min(...sentGaps)} ms; server arrival gaps ≥ ${minGap} ms, 5-request spans ≥ ${minSpan5} ms (interval ${INTERVAL_MS}); max in flight ${maxInFlight}`);
    // Seen on this 2-core machine: arrival gaps ≥ 150 ms, 5-request spans ≥ 1040 ms, over many runs.
    expect(minGap).toBeGreaterThanOrEqual(INTERVAL_MS / 2);
    expect(minSpan5).toBeGreaterThanOrEqual(5 * INTERVAL_MS - 50);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(maxInFlight).toBe(2);

    // Bulk → library → curate: the finished job lists its threads and offers the next one to curate.
    await page.getByTestId('job-threads').waitFor();
    expect(await page.getByTestId('job-thread').count()).toBe(39);
    const next = page.getByTestId('next-to-curate');
    expect(await next.innerText()).toContain('Curate the first thread');
    const curate = await browser.context.newPage();
    await curate.goto((await next.getAttribute('href'))!);
    await curate.getByTestId('post').first().waitFor();
    const firstId = new URL(curate.url()).searchParams.get('thread');
    // Working through the job: the panel links to the job's next thread not curated yet.
    await curate.getByTestId('post').first().getByTestId('mark-question').click();
    const onward = curate.getByTestId('next-to-curate');
    await onward.waitFor();
    // The forum's threads share titles (built from a few corpus pages), so threads are told apart by id.
    const onwardId = new URL((await onward.getAttribute('href'))!).searchParams.get('thread');
    expect(onwardId).toBeTruthy();
    expect(onwardId).not.toBe(firstId);
    await curate.goto((await onward.getAttribute('href'))!);
    await curate.getByTestId('post').first().waitFor();
    expect(await curate.locator('[aria-pressed="true"]').count()).toBe(0);
    await curate.goto((await page.getByTestId('job-library').getAttribute('href'))!);
    await curate.getByTestId('library-row').first().waitFor();
    expect(await curate.getByTestId('library-row').count()).toBe(39);
    expect(await curate.locator('[data-testid="library-row"][data-source="bulk"]').count()).toBe(39);
    await curate.getByTestId('library-job').waitFor();
    await curate.close();
  });
});
