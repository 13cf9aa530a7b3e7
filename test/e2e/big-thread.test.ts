import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchWithExtension, type Browser } from './support/chromium.ts';

/**
 * A 3,000-post conversation in the curate view (an e2e benchmark: it prints figures, asserts behaviour
 * only). The thread is generated at run time (no archive text) and written straight into the extension's
 * IndexedDB, as an import would leave it; a damaged capture beside it must be explained, not crash.
 * Run: `npx vitest run --project e2e test/e2e/big-thread.test.ts`.
 */
const POSTS = 3000;
let browser: Browser;

beforeAll(async () => {
  browser = await launchWithExtension();
});
afterAll(async () => {
  await browser?.close();
});

function put(page: Page, rows: unknown[]): Promise<void> {
  return page.evaluate(
    (rows) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('gleaner');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('threads', 'readwrite');
          for (const r of rows) tx.objectStore('threads').put(r);
          tx.oncomplete = () => (open.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
      }),
    rows,
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('big threads in the curate view', () => {
  it('opens a 3,000-post thread as a virtual list (posts on screen only, dropped above and below), j/k stay quick; a damaged capture is explained', async () => {
    const page = await browser.context.newPage();
    // Any extension page opens the database (Dexie creates the tables on first use).
    await page.goto(browser.page('library.html'));
    await page.getByTestId('library-empty').waitFor();
    const posts = Array.from({ length: POSTS }, (_, i) => ({
      id: `m${i + 1}`,
      author: { name: `Person ${i % 17}`, url: null },
      publishedAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
      text: `Message ${i + 1}: how do I set up the ${i % 5 === 0 ? 'router' : 'printer'} for the club room? `.repeat(1 + (i % 4)),
      html: `<p>Message ${i + 1}: how do I set up the ${i % 5 === 0 ? 'router' : 'printer'} for the club room?</p>`.repeat(1 + (i % 4)),
      permalink: null,
      replyTo: null,
      quotes: [],
      score: null,
    }));
    const at = new Date().toISOString();
    await put(page, [
      { id: 'BIG', url: 'slack://bench/C1', capturedAt: at, thread: { schemaVersion: 1, platform: 'slack', url: 'slack://bench/C1', title: 'Club room help', posts } },
      { id: 'BROKEN', url: 'https://forum.invalid/t/1', capturedAt: at, thread: { schemaVersion: 1, platform: 'phpbb', url: 'https://forum.invalid/t/1', title: 'Broken capture', posts: [] } },
    ]);

    const t0 = Date.now();
    await page.goto(browser.page('sidepanel.html?tab=1&thread=BIG'));
    await page.locator('[data-testid="post"][data-index="0"]').waitFor();
    const openMs = Date.now() - t0;
    const rendered = await page.getByTestId('post').count();
    // A virtual list: what is on screen (and a margin), not a window of a hundred.
    expect(rendered).toBeLessThan(60);
    expect(rendered).toBeGreaterThan(2);

    // j/k: each press answered (cursor moved and painted), timed inside the page.
    await page.locator('[data-testid="post"][tabindex="0"]').focus();
    const times: number[] = await page.evaluate(async (n) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const target = document.activeElement as HTMLElement;
        const s = performance.now();
        target.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true }));
        await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        out.push(performance.now() - s);
      }
      return out;
    }, 30);
    expect(await page.locator('[aria-current="true"]').getAttribute('data-index')).toBe('30');
    // Marking still acts on the right post with memoised cards.
    await page.keyboard.press('q');
    expect(await page.locator('[data-post-id="m31"] [data-testid="mark-question"]').getAttribute('aria-pressed')).toBe('true');

    // Scrolling to the end draws the last posts and drops those above the view; the cursor's post stays
    // (roving focus) and keeps its place: the gaps stand in for the posts in between.
    // The list scrolls in its own box in the wide layout, with the page otherwise; heights measured on the
    // way settle the gaps, so the end is scrolled to until the last post is drawn.
    await page.waitForFunction((last) => {
      const box = document.querySelector<HTMLElement>('section.posts')!;
      if (box.scrollHeight > box.clientHeight + 1) box.scrollTop = box.scrollHeight;
      else window.scrollTo(0, document.documentElement.scrollHeight);
      return !!document.querySelector(`[data-testid="post"][data-index="${last}"]`);
    }, POSTS - 1, { polling: 100 });
    const atEnd = await page.getByTestId('post').count();
    expect(atEnd).toBeLessThan(60);
    expect(await page.locator('[data-testid="post"][data-index="0"]').count()).toBe(0);
    expect(await page.locator('[data-testid="post"][data-index="10"]').count()).toBe(0);
    expect(await page.locator('[aria-current="true"]').getAttribute('data-index')).toBe('30');
    // j from the cursor's post brings the view back to it, and the posts around it are drawn again.
    await page.locator('[aria-current="true"]').focus();
    await page.keyboard.press('j');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-index') === '31');
    await page.locator('[data-testid="post"][data-index="29"]').waitFor();
    const box = await page.locator('[data-testid="post"][data-index="31"]').boundingBox();
    expect(box && box.y >= 0 && box.y < (page.viewportSize()?.height ?? 10_000)).toBe(true);
    // Scrolling back to the top draws the first posts where they were.
    await page.evaluate(() => (window.scrollTo(0, 0), (document.querySelector<HTMLElement>('section.posts')!.scrollTop = 0)));
    await page.locator('[data-testid="post"][data-index="0"]').waitFor();
    console.log(`big thread: ${POSTS} posts stored; first post on screen after ${openMs} ms (page load included); ${rendered} posts drawn at first, ${atEnd} at the end; j median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (press ${times.indexOf(Math.max(...times)) + 1}) over ${times.length} presses`);

    // A usual thread (20 posts): the side panel's first paint, and when the heavy checks (loaded after it) are ready.
    await put(page, [{ id: 'SMALL', url: 'slack://bench/C2', capturedAt: at, thread: { schemaVersion: 1, platform: 'slack', url: 'slack://bench/C2', title: 'Small', posts: posts.slice(0, 20) } }]);
    const small = await browser.context.newPage();
    const s0 = Date.now();
    await small.goto(browser.page('sidepanel.html?tab=1&thread=SMALL'));
    await small.locator('[data-testid="post"][data-index="0"]').waitFor();
    const firstPaintMs = Date.now() - s0;
    const paintEntry = await small.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
    await small.getByTestId('post').first().getByTestId('mark-question').click();
    await small.getByTestId('question-text-preview').waitFor();
    const heavyMs = Date.now() - s0;
    console.log(`side panel, 20-post thread: first post after ${firstPaintMs} ms from navigation (first contentful paint at ${paintEntry?.toFixed(0)} ms); editor with preview and checks after ${heavyMs} ms`);
    await small.close();

    const broken = await browser.context.newPage();
    await broken.goto(browser.page('sidepanel.html?tab=1&thread=BROKEN'));
    expect(await broken.getByTestId('load-error').innerText()).toMatch(/“Broken capture” is damaged \(posts: .*\).*Capture https:\/\/forum\.invalid\/t\/1 again/);
    await broken.close();
    await page.close();
  });
});
