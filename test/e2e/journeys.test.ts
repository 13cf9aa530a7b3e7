import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { corpusBytes } from '../support/corpus.ts';
import { startSite } from './support/site.ts';
import { addContributor, freePort, startHubProcess } from './support/hub-process.ts';
import { captureUrl, connectHub, launchWithExtension, type Browser } from './support/chromium.ts';
import { waitFor } from './support/wait.ts';

/**
 * The journeys of issue 20 end to end in Chromium: library → curate → submit (keyboard model, consent
 * kept across edits, the summary bar, submit explaining what is missing, 360 px); needs changes →
 * revise → accepted; withdraw; deleting a thread keeps its entry.
 */
const SE = '/questions/10376/when-to-use-wurde-versus-war';
const DISCOURSE = '/t/congratulations-most-stars-in-2013-github-octoverse/12483';

let site: Awaited<ReturnType<typeof startSite>>;
let browser: Browser;
let dbFile: string;
let token: string;
let mod: string;

beforeAll(async () => {
  site = await startSite({ [SE]: { body: corpusBytes('stackexchange/german.stackexchange-10376.html') }, [DISCOURSE]: { body: corpusBytes('discourse/meta-discourse-octoverse-topic.html') } });
  dbFile = join(mkdtempSync(join(tmpdir(), 'gleaner-e2e-journeys-')), 'hub.sqlite');
  token = addContributor(dbFile, 'journeys');
  mod = addContributor(dbFile, 'journeys-mod', true);
  browser = await launchWithExtension();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const current = (p: Page) => p.locator('[data-testid="post"][aria-current="true"]').getAttribute('data-index');

describe('issue 20 journeys in Chromium', () => {
  it('library → curate → submit, revise after review, withdraw, delete', async () => {
    const hub = await startHubProcess(dbFile, await freePort());
    const api = (path: string, who: string, init: RequestInit = {}) => fetch(`${hub.url}${path}`, { ...init, headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
    try {
      const opts = (await connectHub(browser, hub.url, token, { displayName: 'Journeys E2E', keepOpen: true }))!;
      // Single keys are on unless the contributor turns them off.
      expect(await opts.getByTestId('single-keys').isChecked()).toBe(true);
      await opts.close();

      // Capture A, move the cursor off the first post.
      const tabA = await browser.context.newPage();
      await tabA.goto(`${site.origin}${DISCOURSE}`);
      expect(await captureUrl(browser, `${site.origin}${DISCOURSE}`)).toMatchObject({ ok: true });
      const panel = await browser.context.newPage();
      await panel.goto(browser.page('sidepanel.html'));
      await panel.getByTestId('post').first().waitFor();
      // A fresh view puts focus on the first post; single keys do nothing with focus outside the list of posts.
      await panel.waitForFunction(() => document.activeElement?.getAttribute('data-index') === '0');
      await panel.evaluate(() => (document.activeElement as HTMLElement).blur());
      await panel.keyboard.press('j');
      expect(await current(panel)).toBe('0');
      await panel.locator('[data-testid="post"][tabindex="0"]').focus();
      await panel.keyboard.press('j');
      await panel.waitForFunction(() => document.querySelector('[aria-current="true"]')?.getAttribute('data-index') === '1');
      // Focus follows the cursor.
      expect(await panel.evaluate(() => document.activeElement?.getAttribute('data-index'))).toBe('1');
      expect(await panel.getByTestId('announce').innerText()).toMatch(/^Post 2 of 2, by /);

      // Capture B: the view follows, and the cursor starts on the first post again, so q marks the question.
      const tabB = await browser.context.newPage();
      await tabB.goto(`${site.origin}${SE}`);
      expect(await captureUrl(browser, `${site.origin}${SE}`)).toMatchObject({ ok: true });
      await panel.getByTestId('thread-title').filter({ hasText: 'wurde' }).waitFor();
      expect(await current(panel)).toBe('0');
      await panel.locator('[data-testid="post"][tabindex="0"]').focus();
      await panel.keyboard.press('q');
      expect(await panel.locator('[data-post-id="10376"] [data-testid="mark-question"]').getAttribute('aria-pressed')).toBe('true');
      // s in a Q&A explains instead of switching to a strategy.
      await panel.keyboard.press('s');
      expect(await panel.getByTestId('announce').innerText()).toContain('Strategy tab');
      expect(await panel.getByTestId('kind-qa').getAttribute('aria-selected')).toBe('true');
      expect(await panel.getByRole('tablist').count()).toBe(1);
      // Ctrl+Enter when submit is not allowed says what is missing.
      await panel.keyboard.press('Control+Enter');
      const missing = panel.locator('[data-testid="submit-missing"][role="alert"]');
      await missing.waitFor();
      expect(await missing.innerText()).toContain('Mark at least one answer.');
      expect(await missing.innerText()).toContain('Tick the consent statement.');

      await panel.locator('[data-post-id="10381"] [data-testid="mark-answer"]').click();
      await panel.getByTestId('basis').selectOption('open_license');
      await panel.getByTestId('consent').check();
      // Consent stays given across edits to the entry…
      await panel.getByTestId('entry-title').fill('"wurde" or "war"?');
      await panel.getByTestId('answer-text').fill((await panel.getByTestId('answer-text').inputValue()) + '\n\nEdited.');
      expect(await panel.getByTestId('consent').isChecked()).toBe(true);
      // …and is cleared, with the reason, when the statement changes.
      await panel.getByTestId('basis').selectOption('self');
      expect(await panel.getByTestId('consent').isChecked()).toBe(false);
      expect(await panel.getByTestId('consent-cleared').innerText()).toContain('basis changed');
      await panel.getByTestId('basis').selectOption('open_license');
      await panel.getByTestId('consent').check();
      expect(await panel.getByTestId('consent-cleared').count()).toBe(0);

      // The summary bar stays in view at the bottom of the page.
      await panel.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      const bar = (await panel.getByTestId('summary-bar').boundingBox())!;
      expect(bar.y).toBeGreaterThanOrEqual(0);
      expect(bar.y).toBeLessThan(50);
      expect(await panel.getByTestId('summary-question').innerText()).toBe('question ✓');
      expect(await panel.getByTestId('summary-answers').innerText()).toBe('1 answer');

      // At 360 px nothing scrolls sideways, attribution included.
      await panel.setViewportSize({ width: 360, height: 800 });
      await panel.getByTestId('attribution').waitFor();
      expect(await panel.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await panel.setViewportSize({ width: 900, height: 1100 });

      await panel.keyboard.press('Control+Enter');
      await panel.getByTestId('submitted').waitFor();
      const link = await panel.getByTestId('submitted-link').getAttribute('href');
      expect(link).toMatch(/dashboard\.html#entry-[0-9A-Z]+$/);
      const entryId = link!.split('#entry-')[1]!;

      // The library lists both threads with their entries' states; search and filters narrow it.
      const lib = await browser.context.newPage();
      await lib.goto(browser.page('library.html'));
      await lib.getByTestId('library-row').nth(1).waitFor();
      expect(await lib.getByTestId('library-row').count()).toBe(2);
      const rowB = lib.locator('[data-testid="library-row"]', { hasText: 'wurde' });
      await rowB.getByTestId('library-states').filter({ hasText: /submitted|queued|received/ }).waitFor();
      expect(await rowB.innerText()).toMatch(/captured page · stackexchange · .* · \d+ posts/);
      await lib.getByTestId('library-search').fill('octoverse');
      expect(await lib.getByTestId('library-row').count()).toBe(1);
      await lib.getByTestId('library-search').fill('');
      await lib.getByTestId('library-state').selectOption('uncurated');
      expect(await lib.getByTestId('library-row').count()).toBe(1);
      expect(await lib.getByTestId('library-open').innerText()).toContain('Octoverse');
      // Open in the curate view.
      const openHref = (await lib.getByTestId('library-open').getAttribute('href'))!;
      const opened = await browser.context.newPage();
      await opened.goto(openHref);
      await opened.getByTestId('thread-title').filter({ hasText: 'Octoverse' }).waitFor();
      await opened.close();
      await lib.getByTestId('library-state').selectOption('all');

      // Needs changes → revise from the dashboard → accepted.
      const dash = await browser.context.newPage();
      await dash.goto(browser.page('dashboard.html'));
      const row = dash.locator(`[data-testid="submission"][data-entry-id="${entryId}"]`);
      await row.locator('[data-testid="submission-state"]', { hasText: 'received' }).waitFor();
      expect((await api(`/v1/entries/${entryId}/review`, mod, { method: 'POST', body: JSON.stringify({ state: 'needs_changes', comment: 'Say which tense the question is about.' }) })).status).toBe(200);
      await dash.getByTestId('refresh').click();
      await row.locator('[data-testid="submission-state"]', { hasText: 'needs changes' }).waitFor();
      const revise = await browser.context.newPage();
      await revise.goto((await row.getByTestId('revise').getAttribute('href'))!);
      expect(await revise.getByTestId('review-comment').innerText()).toContain('Say which tense the question is about.');
      expect(await revise.getByTestId('entry-title').inputValue()).toBe('"wurde" or "war"?');
      expect(await revise.getByTestId('answer-text').inputValue()).toContain('Edited.');
      await revise.getByTestId('entry-title').fill('"wurde" or "war" in the past tense?');
      await revise.getByTestId('consent').check();
      expect(await revise.getByTestId('submit').innerText()).toBe('Send the revision');
      // The reviewer changes their comment meanwhile: the revision is refused with the reason, the text kept.
      expect((await api(`/v1/entries/${entryId}/review`, mod, { method: 'POST', body: JSON.stringify({ state: 'in_review' }) })).status).toBe(200);
      expect((await api(`/v1/entries/${entryId}/review`, mod, { method: 'POST', body: JSON.stringify({ state: 'needs_changes', comment: 'Say which tense the question is about, in the title.' }) })).status).toBe(200);
      await revise.getByTestId('submit').click();
      expect(await revise.getByTestId('errors').innerText()).toContain('changed their comment');
      expect(await revise.getByTestId('entry-title').inputValue()).toBe('"wurde" or "war" in the past tense?');
      // Reloaded at once (well within the autosave's pause after the last tick), the refused text is still there.
      await revise.reload();
      await revise.getByTestId('review-comment').waitFor();
      expect(await revise.getByTestId('entry-title').inputValue()).toBe('"wurde" or "war" in the past tense?');
      // Refreshed, the new comment shows; the edit survived the reload (draft), and the revision goes through.
      await dash.getByTestId('refresh').click();
      await row.getByTestId('review-comment').filter({ hasText: 'in the title' }).waitFor();
      await revise.reload();
      await revise.getByTestId('review-comment').filter({ hasText: 'in the title' }).waitFor();
      expect(await revise.getByTestId('entry-title').inputValue()).toBe('"wurde" or "war" in the past tense?');
      await revise.getByTestId('consent').check();
      await revise.getByTestId('submit').click();
      await revise.getByTestId('submitted').waitFor();
      const status = await (await api(`/v1/entries/${entryId}`, token)).json();
      expect(status.state).toBe('received');
      expect(status.title).toBe('"wurde" or "war" in the past tense?');
      expect(status.history.map((h: { state: string }) => h.state)).toEqual(['received', 'needs_changes', 'in_review', 'needs_changes', 'received']);
      expect((await api(`/v1/entries/${entryId}/review`, mod, { method: 'POST', body: JSON.stringify({ state: 'accepted' }) })).status).toBe(200);
      await dash.getByTestId('refresh').click();
      await row.locator('[data-testid="submission-state"]', { hasText: 'accepted' }).waitFor();
      // The row's history shows the review, the revision and the acceptance.
      const history = await row.getByTestId('submission-history').textContent();
      expect(history).toMatch(/needs changes.*Say which tense.*revised \(was revision \d+\).*accepted/s);

      // Withdraw, with a confirmation that says what it does.
      await row.getByTestId('withdraw').click();
      expect(await row.getByTestId('withdraw-confirm').innerText()).toContain('never publish it');
      await row.getByTestId('withdraw-yes').click();
      await row.getByTestId('withdraw-result').filter({ hasText: 'Withdrawn' }).waitFor();
      await row.locator('[data-testid="submission-state"]', { hasText: 'withdrawn' }).waitFor();
      expect((await (await api(`/v1/entries/${entryId}`, token)).json()).state).toBe('withdrawn');

      // Library and dashboard fit 360 px too.
      for (const p of [lib, dash]) {
        await p.setViewportSize({ width: 360, height: 800 });
        expect(await p.evaluate(() => document.documentElement.scrollWidth), p.url()).toBeLessThanOrEqual(360);
        await p.setViewportSize({ width: 900, height: 1100 });
      }

      // Deleting the thread asks, and keeps the entry.
      await rowB.getByTestId('library-delete').click();
      expect(await rowB.getByTestId('delete-confirm').innerText()).toContain('Its 1 entry stays');
      await rowB.getByTestId('delete-yes').click();
      await waitFor(() => lib.getByTestId('library-row').count(), (n) => n === 1, 'the deleted thread to leave the library');
      await dash.reload();
      await row.waitFor();
      expect(await dash.getByTestId('submission').count()).toBe(1);
      await Promise.all([dash.close(), lib.close(), revise.close(), panel.close(), tabA.close(), tabB.close()]);
    } finally {
      await hub.stop();
    }
  });
  it('n can be undone, posts fold to one line, skip links reach the editor and consent, single keys can be switched off', async () => {
    const lib = await browser.context.newPage();
    await lib.goto(browser.page('library.html'));
    await lib.getByTestId('library-row').first().waitFor();
    const href = (await lib.getByTestId('library-open').first().getAttribute('href'))!;
    await lib.close();
    const panel = await browser.context.newPage();
    await panel.goto(href);
    await panel.getByTestId('post').first().waitFor();
    await panel.locator('[data-testid="post"][tabindex="0"]').focus();
    await panel.keyboard.press('q');
    await panel.keyboard.press('j');
    await panel.keyboard.press('a');
    expect(await panel.locator('.posts [aria-pressed="true"]').count()).toBe(2);
    await panel.keyboard.press('n');
    await panel.getByTestId('undo-next').waitFor();
    expect(await panel.locator('.posts [aria-pressed="true"]').count()).toBe(0);
    await panel.getByTestId('undo').click();
    expect(await panel.locator('.posts [aria-pressed="true"]').count()).toBe(2);

    await panel.getByTestId('fold-all').click();
    expect(await panel.locator('.post--collapsed').count()).toBe(await panel.getByTestId('post').count());
    expect(await panel.locator('.post__body').count()).toBe(0);
    await panel.getByTestId('toggle-post').first().click();
    expect(await panel.locator('.post__body').count()).toBe(1);

    await panel.getByTestId('skip-consent').focus();
    await panel.keyboard.press('Enter');
    await panel.waitForFunction(() => document.activeElement?.id === 'entry-consent');
    await panel.getByTestId('skip-editor').focus();
    await panel.keyboard.press('Enter');
    await panel.waitForFunction(() => document.activeElement?.id === 'entry-editor');

    const opts = await browser.context.newPage();
    await opts.goto(browser.page('options.html'));
    await opts.getByTestId('single-keys').uncheck();
    await opts.getByTestId('save').click();
    await opts.getByTestId('options-status').filter({ hasText: 'Saved' }).waitFor();
    await opts.close();
    await panel.reload();
    await panel.getByTestId('key-help').filter({ hasText: 'shortcuts are off' }).waitFor();
    await panel.locator('[data-testid="post"][tabindex="0"]').focus();
    const before = await panel.locator('.posts [aria-pressed="true"]').count();
    await panel.keyboard.press('j');
    await panel.keyboard.press('q');
    await new Promise((r) => setTimeout(r, 300));
    expect(await panel.locator('.posts [aria-pressed="true"]').count()).toBe(before);
    expect(await panel.locator('[aria-current="true"]').getAttribute('data-index')).toBe('0');
    await panel.close();
  });
  it('a simple Q&A from a fresh capture takes at most 8 key presses, counted', async () => {
    const hub = await startHubProcess(dbFile, await freePort());
    try {
      await connectHub(browser, hub.url, token, { singleKeys: true });
      const tab = await browser.context.newPage();
      await tab.goto(`${site.origin}${SE}`);
      expect(await captureUrl(browser, `${site.origin}${SE}`)).toMatchObject({ ok: true });
      const panel = await browser.context.newPage();
      await panel.goto(browser.page('sidepanel.html'));
      await panel.getByTestId('thread-title').filter({ hasText: 'wurde' }).waitFor();
      await panel.waitForFunction(() => document.activeElement?.getAttribute('data-index') === '0');
      const ids = await panel.getByTestId('post').evaluateAll((els) => els.map((e) => e.getAttribute('data-post-id')));
      let presses = 0;
      const press = async (k: string) => {
        presses++;
        await panel.keyboard.press(k);
      };
      await press('q');
      // The accepted answer, reached with j from the question.
      for (let i = 0; i < ids.indexOf('10381'); i++) {
        const before = await current(panel);
        await press('j');
        await panel.waitForFunction((b) => document.querySelector('[aria-current="true"]')?.getAttribute('data-index') !== b, before);
      }
      await press('a');
      await press('c');
      await panel.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'consent');
      await press('Space');
      await press('Control+Enter');
      await panel.getByTestId('submitted').waitFor({ timeout: 10_000 }).catch(async (e) => {
        const why = await panel.evaluate(() => [document.querySelector('[data-testid="submit-missing"]')?.textContent, document.querySelector('[data-testid="errors"]')?.textContent, document.querySelector('[data-testid="announce"]')?.textContent, (document.querySelector('[data-testid="consent"]') as HTMLInputElement | null)?.checked, document.activeElement?.outerHTML.slice(0, 120)].join(' | '));
        throw new Error(`not submitted: ${why}; ${(e as Error).message}`);
      });
      console.log(`keyboard-only Q&A (question, accepted answer at index ${ids.indexOf('10381')}, consent, submit): ${presses} key presses`);
      expect(presses).toBeLessThanOrEqual(8);
      await Promise.all([panel.close(), tab.close()]);
    } finally {
      await hub.stop();
    }
  });
});
