import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { corpusBytes } from '../support/corpus.ts';
import { extractCorpus } from '../support/extract.ts';
import { startSite } from './support/site.ts';
import { addContributor, freePort, pairCode, startHubProcess } from './support/hub-process.ts';
import { captureUrl, connectHub, launchWithExtension, type Browser } from './support/chromium.ts';
import { waitFor } from './support/wait.ts';

const TOPIC_PATH = '/t/congratulations-most-stars-in-2013-github-octoverse/12483';
const ROOT = resolve(import.meta.dirname, '../..');

let site: Awaited<ReturnType<typeof startSite>>;
let browser: Browser;
let dbFile: string;
let token: string;
let port: number;

function hubRows() {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT id, title, license, state, record FROM entries ORDER BY id').all() as { id: string; title: string; license: string; state: string; record: string }[];
  } finally {
    db.close();
  }
}


async function configure(hubUrl: string) {
  await connectHub(browser, hubUrl, token, { displayName: 'E2E Contributor' });
}

/** The options page's pairing flow: the operator's one-time code becomes a stored token. */
async function pair(hubUrl: string) {
  const page = await browser.context.newPage();
  await page.goto(browser.page('options.html'));
  await page.getByTestId('hub-url').fill(hubUrl);
  await page.getByTestId('pair-code').fill('not-a-code');
  await page.getByTestId('pair').click();
  await page.getByTestId('options-status').filter({ hasText: 'wrong, already used or expired' }).waitFor();
  await page.getByTestId('display-name').fill('E2E Contributor');
  await page.getByTestId('pair-code').fill(pairCode(dbFile, 'e2e'));
  await page.getByTestId('pair').click();
  await page.getByTestId('options-status').filter({ hasText: 'Paired as e2e' }).waitFor();
  expect(await page.getByTestId('hub-token').inputValue()).toMatch(/^glr_/);
  await page.close();
}

/** Builds a Q&A entry in the curate view: question = post 1, answer = post 2, licence, consent, submit. */
async function curateQa(panel: Page, title: string) {
  await panel.getByTestId('post').first().waitFor();
  expect(await panel.getByTestId('post').count()).toBe(2);
  // A submitted entry leaves no draft behind: the view starts clean.
  expect(await panel.locator('[aria-pressed="true"]').count()).toBe(0);
  await panel.getByTestId('post').nth(0).getByTestId('mark-question').click();
  await panel.getByTestId('post').nth(1).getByTestId('mark-answer').click();
  await panel.getByTestId('entry-title').fill(title);
  await panel.getByTestId('grant').selectOption('CC-BY-SA-4.0');
  await expect(panel.getByTestId('submit')).toBeDisabledSoon();
  // No open licence covers these posts: no basis is chosen for the contributor, and the view says why.
  expect(await panel.getByTestId('basis').inputValue()).toBe('');
  expect(await panel.getByTestId('basis-missing').innerText()).toContain('These posts carry no open licence');
  expect(await panel.getByTestId('consent').count()).toBe(0);
  await panel.getByTestId('basis').selectOption('author_opt_in');
  // Each author's permission is a post of theirs in the thread; until marked, their names are listed.
  expect(await panel.getByTestId('permission-missing').innerText()).toContain('techAPJ, codinghorror');
  await panel.getByTestId('consent').check();
  await expect(panel.getByTestId('submit')).toBeDisabledSoon();
  await panel.getByTestId('permission-0').selectOption({ index: 1 });
  await panel.getByTestId('permission-1').selectOption({ index: 1 });
  expect(await panel.getByTestId('permission-missing').count()).toBe(0);
}

// A tiny matcher helper: Playwright's expect is not used, so poll the DOM state directly.
declare module 'vitest' {
  interface Assertion {
    toBeDisabledSoon(): Promise<void>;
  }
}
expect.extend({
  async toBeDisabledSoon(received: import('playwright-core').Locator) {
    const disabled = await received.isDisabled();
    return { pass: disabled, message: () => 'expected the submit button to be disabled before consent' };
  },
});

beforeAll(async () => {
  const html = corpusBytes('discourse/meta-discourse-octoverse-topic.html');
  site = await startSite({ [TOPIC_PATH]: { body: html } });
  dbFile = join(mkdtempSync(join(tmpdir(), 'gleaner-e2e-hub-')), 'hub.sqlite');
  token = addContributor(dbFile, 'e2e');
  port = await freePort();
  browser = await launchWithExtension();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('walking skeleton in real Chromium', () => {
  it('captures a Discourse thread, curates a Q&A entry, submits it, and the dashboard shows it received', async () => {
    const hub = await startHubProcess(dbFile, port);
    try {
      await pair(hub.url);
      const forum = await browser.context.newPage();
      await forum.goto(`${site.origin}${TOPIC_PATH}`);
      const cap = await captureUrl(browser, `${site.origin}${TOPIC_PATH}`);
      expect(cap, JSON.stringify(cap)).toMatchObject({ ok: true });

      const panel = await browser.context.newPage();
      await panel.goto(browser.page('sidepanel.html'));
      await curateQa(panel, 'Did Discourse make the 2013 Octoverse most-starred list?');
      expect(await panel.getByTestId('attribution').innerText()).toContain('techAPJ (https://meta.discourse.org/u/techAPJ)');
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      await panel.evaluate(() => window.scrollTo(0, 0));
      await panel.screenshot({ path: join(ROOT, 'docs/curate-view.png'), fullPage: false });
      await panel.getByTestId('submit').click();
      await panel.getByTestId('submitted').waitFor();

      const rows = await waitFor(hubRows, (r) => r.length === 1, 'the hub to store the entry');
      expect(rows).toHaveLength(1);
      const record = JSON.parse(rows[0]!.record);
      expect(rows[0]!.license).toBe('CC-BY-SA-4.0');
      expect(record.sources.map((s: { author: { name: string } }) => s.author.name)).toEqual(['techAPJ', 'codinghorror']);
      expect(record.sources.map((s: { url: string }) => s.url)).toEqual([
        `${site.origin}${TOPIC_PATH}/1`.replace(site.origin, 'https://meta.discourse.org'),
        `${site.origin}${TOPIC_PATH}/2`.replace(site.origin, 'https://meta.discourse.org'),
      ]);
      expect(record.consent).toMatchObject({ basis: 'author_opt_in', license: 'CC-BY-SA-4.0', who: 'E2E Contributor' });
      expect(record.consent.statement).toContain('CC-BY-SA-4.0');
      expect(record.consent.statementVersion).toBe('author_opt_in/3');
      expect(record.consent.permissions.map((p: { author: { name: string }; post: { sha256: string } }) => [p.author.name, /^[0-9a-f]{64}$/.test(p.post.sha256)])).toEqual([
        ['techAPJ', true],
        ['codinghorror', true],
      ]);

      const dash = await browser.context.newPage();
      await dash.goto(browser.page('dashboard.html'));
      await dash.getByTestId('submission-state').filter({ hasText: 'received' }).waitFor();
      expect(await dash.getByTestId('submission').count()).toBe(1);
      await dash.close();
      await panel.close();
      await forum.close();
    } finally {
      await hub.stop();
    }
  });

  it('queues an entry while the hub is down and delivers it once, when the hub is back', async () => {
    const pageUrl = `${site.origin}${TOPIC_PATH}`;
    await configure(`http://127.0.0.1:${port}`);
    const forum = await browser.context.newPage();
    await forum.goto(pageUrl);
    const cap = await captureUrl(browser, pageUrl);
    expect(cap, JSON.stringify(cap)).toMatchObject({ ok: true });
    const panel = await browser.context.newPage();
    await panel.goto(browser.page('sidepanel.html'));
    await curateQa(panel, 'Second entry, submitted while the hub is down');
    await panel.getByTestId('submit').click();
    await panel.getByTestId('submitted').waitFor();

    const dash = await browser.context.newPage();
    await dash.goto(browser.page('dashboard.html'));
    await dash.getByTestId('submission-error').filter({ hasText: 'could not be reached' }).waitFor();
    expect(await dash.locator('[data-testid="submission"][data-state="queued"]').count()).toBe(1);
    expect(hubRows()).toHaveLength(1);

    const hub = await startHubProcess(dbFile, port);
    try {
      await dash.getByTestId('retry-now').click();
      await waitFor(hubRows, (r) => r.length === 2, 'the queued entry to arrive');
      await dash.locator('[data-testid="submission"][data-state="received"]').nth(1).waitFor();
      // Nothing left to send; a second "send now" stores nothing twice.
      await dash.getByTestId('retry-now').click();
      await new Promise((r) => setTimeout(r, 1000));
      const rows = hubRows();
      expect(rows).toHaveLength(2);
      expect(new Set(rows.map((r) => r.id)).size).toBe(2);
      expect(rows.map((r) => r.title)).toContain('Second entry, submitted while the hub is down');
    } finally {
      await hub.stop();
    }
  });

  it('says plainly when a page has no thread, and offers the article fallback', async () => {
    // An article page with no discussion on it, built at run time from a real message's words: no
    // engine's markup, no repeated posts, so no adapter may claim it.
    const msg = extractCorpus('hypermail/w3c-public-privacy-2018-04-dns-cookies.html', 'https://lists.w3.org/Archives/Public/public-privacy/2018AprJun/0003.html');
    const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const paragraphs = msg.posts[0]!.text.split(/\n{2,}/).map((p) => `<p>${esc(p)}</p>`).join('\n');
    const article = `<!doctype html><html lang="en"><head><title>${esc(msg.title)}</title></head><body><header><nav><a href="/">Home</a></nav></header><main><article><h1>${esc(msg.title)}</h1>${paragraphs}</article></main></body></html>`;
    const extra = await startSite({ '/msg.html': { body: article } });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${extra.origin}/msg.html`);
      const cap = await captureUrl(browser, `${extra.origin}/msg.html`);
      expect(cap.ok).toBe(false);
      const panel = await browser.context.newPage();
      await panel.goto(browser.page('sidepanel.html'));
      await panel.getByTestId('capture-error').waitFor();
      expect(await panel.getByTestId('capture-error').innerText()).toMatch(/No discussion thread found/);
      await panel.getByTestId('use-fallback').click();
      await panel.getByTestId('post').first().waitFor();
      expect(await panel.getByTestId('thread-title').innerText()).toMatch(/DNS "cookies"/);
      await panel.close();
      await page.close();
    } finally {
      await extra.close();
    }
  });
});

describe('production build', () => {
  it('asks for no host access: activeTab + scripting only, no content scripts', () => {
    const m = JSON.parse(readFileSync(join(ROOT, '.output/chrome-mv3/manifest.json'), 'utf8'));
    expect(m.permissions).toEqual(expect.arrayContaining(['activeTab', 'scripting']));
    expect(m.host_permissions).toBeUndefined();
    expect(m.content_scripts).toBeUndefined();
    expect(m.permissions.some((p: string) => p.includes('://') || p === '<all_urls>')).toBe(false);
    const f = JSON.parse(readFileSync(join(ROOT, '.output/firefox-mv2/manifest.json'), 'utf8'));
    expect(f.permissions.some((p: string) => p.includes('://') || p === '<all_urls>')).toBe(false);
  });
});
