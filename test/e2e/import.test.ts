import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusBytes, corpusPath } from '../support/corpus.ts';
import { importDiscord } from '../../lib/import/discord.ts';
import { importContext } from '../../lib/import/context.ts';
import { launchWithExtension, type Browser } from './support/chromium.ts';

const ZIP = 'slack/slack-export-viewer-testarchive.zip';

let browser: Browser;

beforeAll(async () => {
  browser = await launchWithExtension();
});

afterAll(async () => {
  await browser?.close();
});

describe('Import an archive (Chromium)', () => {
  it('reads the real Slack export ZIP in a worker, lists 17 conversations, searches, and opens one in the curate view', async () => {
    const page = await browser.context.newPage();
    await page.goto(browser.page('import.html'));
    await page.getByTestId('import-file').setInputFiles(corpusPath(ZIP));
    await page.getByTestId('import-done').waitFor();
    expect(await page.getByTestId('import-done').textContent()).toBe('17 conversations found in slack-export-viewer-testarchive.zip (53 messages).');
    expect(await page.getByTestId('conversation').count()).toBe(17);
    expect(await page.getByTestId('import-error').count()).toBe(0);

    // One-message conversations can be hidden; the rows left all hold more than one message.
    const counts = (await page.getByTestId('conversation-messages').allTextContents()).map(Number);
    const singles = counts.filter((n) => n === 1).length;
    expect(singles).toBeGreaterThan(0);
    await page.getByTestId('hide-singles').check();
    expect(await page.getByTestId('conversation').count()).toBe(17 - singles);
    expect((await page.getByTestId('conversation-messages').allTextContents()).every((n) => Number(n) > 1)).toBe(true);
    await page.getByTestId('hide-singles').uncheck();
    expect(await page.getByTestId('conversation').count()).toBe(17);

    // Words inside a post are searched too: the shared file's name is in one conversation only.
    await page.getByTestId('import-search').fill('100_cities');
    await page.getByTestId('import-status').filter({ hasText: '1 of 17 conversations match.' }).waitFor();
    const row = page.getByTestId('conversation');
    expect(await row.count()).toBe(1);
    expect(await row.getByTestId('conversation-channel').textContent()).toBe('#traveling-sailor (slack-export-viewer-testarchive)');
    const posts = Number(await row.getByTestId('conversation-messages').textContent());
    expect(posts).toBeGreaterThan(1);

    const first = await row.getByTestId('conversation-first').textContent();
    const people = await row.getByTestId('conversation-participants').textContent();
    const [panel] = await Promise.all([browser.context.waitForEvent('page'), row.getByTestId('open-conversation').click()]);
    await panel.waitForLoadState();
    expect(panel.url()).toMatch(new RegExp(`^${browser.page('sidepanel.html').replace(/[.?]/g, '\\$&')}\\?thread=`));
    await panel.getByTestId('post').first().waitFor();
    expect(await panel.getByTestId('post').count()).toBe(posts);
    // The row's first words are the opening of the first post, its participants the posts' authors.
    const firstPost = ((await panel.getByTestId('post').first().locator('.post__body').textContent()) ?? '').replace(/\s+/g, ' ').trim();
    expect(first!.replace(/…$/, '').length).toBeGreaterThan(10);
    expect(firstPost).toContain(first!.split(' ').slice(0, 3).join(' '));
    const authors = new Set(await panel.locator('[data-testid="post"] .post__author').allTextContents());
    expect(people!.split(', ').every((n) => authors.has(n))).toBe(true);
    expect(await panel.getByTestId('thread-title').textContent()).toMatch(/^#traveling-sailor \(slack-export-viewer-testarchive\), 2016-\d\d-\d\d$/);
    // The shared file stays a link with its name in the rendered post.
    const links = panel.getByTestId('post').locator('a[href="https://mesos-magellan.slack.com/files/U0BMS113R/F0VNAKDE2/100_cities.js"]');
    expect(await links.filter({ hasText: /^100_cities\.js$/ }).count()).toBe(1);
    if (process.env.IMPORT_SCREENSHOTS) await page.screenshot({ path: `${process.env.IMPORT_SCREENSHOTS}/import-page.png`, fullPage: true });

    // A second conversation opens in the same curate tab: no new tab, the panel now shows it.
    await page.getByTestId('import-search').fill('');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="conversation"]').length === 17);
    const other = page.getByTestId('conversation').filter({ hasNotText: '#traveling-sailor' }).first();
    const otherChannel = (await other.getByTestId('conversation-channel').textContent())!;
    const pagesBefore = browser.context.pages().length;
    await other.getByTestId('open-conversation').click();
    await panel.getByTestId('thread-title').filter({ hasText: otherChannel }).waitFor();
    expect(browser.context.pages().length).toBe(pagesBefore);
    await panel.close();
    await page.close();
  });

  it('a truncated ZIP built at run time shows a clear error naming the file and the byte', async () => {
    const bytes = corpusBytes(ZIP);
    const cut = Math.floor(bytes.length / 2);
    const page = await browser.context.newPage();
    await page.goto(browser.page('import.html'));
    await page.getByTestId('import-file').setInputFiles({ name: 'cut.zip', mimeType: 'application/zip', buffer: Buffer.from(bytes.subarray(0, cut)) });
    const error = page.getByTestId('import-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(new RegExp(`^cut\\.zip \\(byte \\d+\\): the ZIP archive is truncated`));
    expect(await page.getByTestId('conversation').count()).toBe(0);
    expect(await page.getByTestId('import-incomplete').count()).toBe(0);
    await page.close();
  });

  it('streams a Discord export with progress; Cancel stops a big one and keeps nothing', async () => {
    const page = await browser.context.newPage();
    await page.goto(browser.page('import.html'));
    const sample = 'discord/dce-json-example-guild-general.json';
    await page.getByTestId('import-file').setInputFiles(corpusPath(sample));
    await page.getByTestId('import-done').waitFor();
    const expected = importDiscord(corpusBytes(sample), importContext('dce-json-example-guild-general.json'));
    expect(await page.getByTestId('conversation').count()).toBe(expected.length);
    expect(await page.getByTestId('conversation-messages').allTextContents()).toEqual(expected.map((t) => String(t.posts.length)));

    // A 40 MB export built here from the sample's messages, re-numbered: big enough to cancel mid-read.
    const real = JSON.parse(new TextDecoder().decode(corpusBytes(sample))) as { guild: unknown; channel: unknown; messages: Record<string, unknown>[] };
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 40 * 1024 * 1024; i++) {
      const m = { ...real.messages[i % real.messages.length]!, id: String(2_000_000_000_000 + i), type: 'Default', reference: undefined };
      const s = JSON.stringify(m);
      parts.push(s);
      size += s.length;
    }
    // On disk rather than as a buffer: the browser reads the path itself instead of receiving 40 MB over the protocol.
    const dir = mkdtempSync(join(tmpdir(), 'gleaner-import-e2e-'));
    const big = join(dir, 'big.json');
    writeFileSync(big, `{"guild":${JSON.stringify(real.guild)},"channel":${JSON.stringify(real.channel)},"messages":[${parts.join(',')}]}`);
    try {
      await page.getByTestId('import-file').setInputFiles(big);
      await page.getByTestId('import-progress').waitFor();
      await page.getByTestId('import-cancel').click();
    } finally {
      // The browser reads the file lazily: remove it only once the read has stopped.
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await page.getByTestId('import-cancelled').textContent()).toBe('Cancelled: nothing from big.json was imported.');
    expect(await page.getByTestId('conversation').count()).toBe(0);
    expect(await page.getByTestId('import-progress').count()).toBe(0);
    await page.close();
  });
});
