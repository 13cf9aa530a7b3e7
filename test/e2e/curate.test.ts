import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { corpusBytes } from '../support/corpus.ts';
import { startSite } from './support/site.ts';
import { addContributor, freePort, startHubProcess } from './support/hub-process.ts';
import { captureUrl, connectHub, launchWithExtension, type Browser } from './support/chromium.ts';
import { waitFor } from './support/wait.ts';

/**
 * The curate view end to end, on a real Stack Exchange page (question 2014, answers 2014 and 2018, so
 * two licence versions): keyboard-only marking, a planted email redacted in an answer, a hostile
 * Markdown preview, and two entries from one thread checked in the hub's own records.
 */
const PATH = '/questions/10376/when-to-use-wurde-versus-war';
const EMAIL = 'planted.person@example.com';
const ANCHOR = "<p>I don't quite agree with the other two answers.</p>";

let site: Awaited<ReturnType<typeof startSite>>;
let browser: Browser;
let dbFile: string;
let token: string;

function hubRecords() {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT record FROM entries ORDER BY id').all() as { record: string }[]).map((r) => JSON.parse(r.record));
  } finally {
    db.close();
  }
}


/** Moves the keyboard cursor to a post with j/k only, from wherever it is (single keys work with focus in the list of posts). */
async function cursorTo(panel: Page, postId: string) {
  // Tab into the list: only the cursor's post is in the tab order.
  await panel.locator('[data-testid="post"][tabindex="0"]').focus();
  const ids = await panel.getByTestId('post').evaluateAll((els) => els.map((e) => e.getAttribute('data-post-id')));
  const target = ids.indexOf(postId);
  expect(target, `post ${postId} on the page`).toBeGreaterThanOrEqual(0);
  const current = () => panel.locator('[data-testid="post"][data-current="true"]').getAttribute('data-post-id');
  for (let i = 0; i < ids.length; i++) {
    const now = await current();
    const at = ids.indexOf(now);
    if (at === target) return;
    await panel.keyboard.press(at < target ? 'j' : 'k');
    // One key, one step: wait for it to land before reading the cursor again, or a second press overshoots.
    await panel.waitForFunction((prev) => document.querySelector('[data-testid="post"][data-current="true"]')?.getAttribute('data-post-id') !== prev, now);
  }
  throw new Error(`cursor never reached ${postId}`);
}

beforeAll(async () => {
  const html = new TextDecoder().decode(corpusBytes('stackexchange/german.stackexchange-10376.html'));
  expect(html.split(ANCHOR)).toHaveLength(2);
  // The personal data is planted at run time in the accepted answer; the corpus file stays as it is.
  const planted = html.replace(ANCHOR, `${ANCHOR}\n<p>Questions? Write to ${EMAIL} any time.</p>`);
  site = await startSite({ [PATH]: { body: planted }, '/pixel.png': { body: 'x', headers: { 'content-type': 'image/png' } } });
  dbFile = join(mkdtempSync(join(tmpdir(), 'gleaner-e2e-curate-')), 'hub.sqlite');
  token = addContributor(dbFile, 'e2e-curate');
  browser = await launchWithExtension();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('curate view in real Chromium', () => {
  it('keyboard-first curation, redaction, sanitized preview, two entries from one thread', async () => {
    const hub = await startHubProcess(dbFile, await freePort());
    try {
      await connectHub(browser, hub.url, token, { displayName: 'Curate E2E' });

      const forum = await browser.context.newPage();
      await forum.goto(`${site.origin}${PATH}`);
      const cap = await captureUrl(browser, `${site.origin}${PATH}`);
      expect(cap, JSON.stringify(cap)).toMatchObject({ ok: true });

      const panel = await browser.context.newPage();
      const alerts: string[] = [];
      panel.on('dialog', (d) => void (alerts.push(d.message()), d.dismiss()));
      await panel.goto(browser.page('sidepanel.html'));
      await panel.getByTestId('post').first().waitFor();
      expect(await panel.getByTestId('key-help').innerText()).toContain('Ctrl+Enter');
      expect(await panel.getByTestId('open-in-tab').getAttribute('href')).toMatch(/sidepanel\.html\?tab=1$/);
      // The accepted answer is suggested before anything is chosen.
      expect(await panel.locator('[data-post-id="10381"] [data-testid="suggested"]').count()).toBe(1);

      // Entry 1, keyboard only: q on the question, a on the accepted answer.
      await cursorTo(panel, '10376');
      await panel.keyboard.press('q');
      await cursorTo(panel, '10381');
      await panel.keyboard.press('a');
      expect(await panel.locator('[data-post-id="10376"] [data-testid="mark-question"]').getAttribute('aria-pressed')).toBe('true');
      expect(await panel.locator('[data-post-id="10381"] [data-testid="mark-answer"]').getAttribute('aria-pressed')).toBe('true');

      // The planted email is found, highlighted in the preview, and blocks nothing until the user decides: redact it.
      const answer = panel.getByTestId('answer-text');
      expect(await answer.inputValue()).toContain(EMAIL);
      await panel.locator('[data-testid="pii-finding"][data-pii="EMAIL"]').waitFor();
      expect(await panel.locator('[data-testid="answer-text-preview"] mark.pii[data-pii="EMAIL"]').innerText()).toBe(EMAIL);
      // An open licence covers these posts: it is the one basis pre-selected.
      expect(await panel.getByTestId('basis').inputValue()).toBe('open_license');
      await panel.getByTestId('basis').selectOption('open_license');
      await panel.getByTestId('consent').check();
      expect(await panel.getByTestId('submit').isDisabled()).toBe(true);
      await panel.locator('[data-testid="pii-finding"][data-pii="EMAIL"] [data-testid="redact-one"]').click();
      expect(await answer.inputValue()).not.toContain(EMAIL);
      expect(await answer.inputValue()).toContain('Write to <EMAIL> any time.');
      expect(await panel.locator('[data-testid="answer-text-preview"] mark.pii').count()).toBe(0);
      expect(await panel.getByTestId('language-status').innerText()).toContain('Language: en');

      await panel.getByTestId('entry-title').fill('"wurde" or "war" for "I was robbed"?');
      await panel.getByTestId('basis').selectOption('open_license');
      await panel.getByTestId('consent').check();
      await panel.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await panel.keyboard.press('Control+Enter');
      await panel.getByTestId('submitted').waitFor();

      // The view stays on the thread; the posts just used are marked, the choice starts over.
      await panel.locator('[data-post-id="10381"][data-used="true"]').waitFor();
      expect(await panel.locator('[data-testid="post"][data-used="true"]').count()).toBe(2);
      expect(await panel.locator('[aria-pressed="true"]').count()).toBe(0);
      // Reopened, the view neither resurrects the submitted draft nor forgets which posts were used.
      await panel.reload();
      await panel.locator('[data-post-id="10381"][data-used="true"]').waitFor();
      expect(await panel.locator('[aria-pressed="true"]').count()).toBe(0);

      // Entry 2: the same question, the 2018 answer (CC BY-SA 4.0), and a hostile edit in the preview.
      await cursorTo(panel, '10376');
      await panel.keyboard.press('q');
      await cursorTo(panel, '47250');
      await panel.keyboard.press('a');
      const hostile =
        `\n\n<img src="${site.origin}/pixel.png" onerror="alert('img')"> <script>alert('script')</script> ` +
        `[click](javascript:alert('link')) <svg onload="alert('svg')"></svg> <iframe srcdoc="<script>alert(1)</script>"></iframe>`;
      const a2 = panel.getByTestId('answer-text');
      await a2.fill((await a2.inputValue()) + hostile);
      const preview = panel.getByTestId('answer-text-preview');
      await preview.getByText('click').waitFor();
      expect(await preview.locator('img, script, svg, iframe, [onerror], [onload]').count()).toBe(0);
      expect(await preview.locator('a', { hasText: 'click' }).getAttribute('href')).toBeNull();
      expect(await preview.locator('a', { hasText: '[image]' }).getAttribute('href')).toBe(`${site.origin}/pixel.png`);
      await new Promise((r) => setTimeout(r, 500));
      expect(alerts).toEqual([]);
      expect(site.log.some((r) => r.path === '/pixel.png')).toBe(false);

      await panel.getByTestId('entry-title').fill('Passive voice: "wurde ausgeraubt"');
      await panel.getByTestId('basis').selectOption('open_license');
      await panel.getByTestId('consent').check();
      await panel.getByTestId('submit').click();
      await panel.getByTestId('submitted').filter({ hasText: 'Passive voice' }).waitFor();

      const records = await waitFor(hubRecords, (r) => r.length === 2, 'two entries at the hub');
      const byTitle = Object.fromEntries(records.map((r) => [r.title, r]));
      const first = byTitle['"wurde" or "war" for "I was robbed"?'];
      const second = byTitle['Passive voice: "wurde ausgeraubt"'];
      expect(first.pii.counts.EMAIL).toBe(1);
      expect(first.pii.detectorVersion).toBe('pii-1');
      expect(JSON.stringify(first)).not.toContain(EMAIL);
      expect(second.pii.counts.EMAIL).toBe(0);
      expect([first.language, second.language]).toEqual(['en', 'en']);
      expect(first.sources.map((s: { postId: string; license: string }) => [s.postId, s.license])).toEqual([
        ['10376', 'CC-BY-SA-3.0'],
        ['10381', 'CC-BY-SA-3.0'],
      ]);
      expect(second.sources.map((s: { postId: string; license: string }) => [s.postId, s.license])).toEqual([
        ['10376', 'CC-BY-SA-3.0'],
        ['47250', 'CC-BY-SA-4.0'],
      ]);
      expect(second.license).toBe('CC-BY-SA-4.0');
      expect(second.capture.pageSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(second.capture.pageSha256).toBe(first.capture.pageSha256);

      // The full-page view: the same page in a tab, posts and editor side by side.
      const tab = await browser.context.newPage();
      await tab.setViewportSize({ width: 1400, height: 900 });
      await tab.goto(browser.page('sidepanel.html?tab=1'));
      await tab.getByTestId('post').first().waitFor();
      expect(await tab.locator('main.page--wide').count()).toBe(1);
      const posts = (await tab.locator('section.posts').boundingBox())!;
      const editor = (await tab.locator('section.editor').boundingBox())!;
      expect(editor.x).toBeGreaterThan(posts.x + posts.width - 1);
      expect(await tab.getByTestId('open-in-tab').count()).toBe(0);
      await tab.close();

      // Local export from the dashboard: chat-format JSONL through a Blob URL download.
      const dash = await browser.context.newPage();
      await dash.goto(browser.page('dashboard.html'));
      await dash.getByTestId('export-chat').waitFor();
      const [download] = await Promise.all([dash.waitForEvent('download'), dash.getByTestId('export-chat').click()]);
      expect(download.suggestedFilename()).toBe('gleaner-chat.jsonl');
      const lines = readFileSync((await download.path())!, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(2);
      expect(lines.every((l) => Object.keys(l).join() === 'messages' && l.messages[0].role === 'user' && l.messages[1].role === 'assistant')).toBe(true);
      expect(lines.map((l) => l.messages[1].content).join()).toContain('<EMAIL>');
      await dash.close();
      await panel.close();
      await forum.close();
    } finally {
      await hub.stop();
    }
  });
});
