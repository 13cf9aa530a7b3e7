import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { corpusBytes } from '../support/corpus.ts';
import { startSite } from './support/site.ts';
import { addContributor, freePort, startHubProcess } from './support/hub-process.ts';
import { launchFirefox, type FirefoxSession } from './support/firefox.ts';
import { waitFor } from './support/wait.ts';

const TOPIC_PATH = '/t/congratulations-most-stars-in-2013-github-octoverse/12483';

let site: Awaited<ReturnType<typeof startSite>>;
let ff: FirefoxSession;
let hub: Awaited<ReturnType<typeof startHubProcess>>;
let dbFile: string;
let token: string;

declare const browser: {
  tabs: { query(q: object): Promise<{ id?: number; url?: string }[]> };
  runtime: { sendMessage(m: unknown): Promise<{ ok: boolean; error?: string }> };
};


beforeAll(async () => {
  site = await startSite({ [TOPIC_PATH]: { body: corpusBytes('discourse/meta-discourse-octoverse-topic.html') } });
  dbFile = join(mkdtempSync(join(tmpdir(), 'gleaner-ff-hub-')), 'hub.sqlite');
  token = addContributor(dbFile, 'firefox');
  hub = await startHubProcess(dbFile, await freePort());
  ff = await launchFirefox();
}, 120_000);

afterAll(async () => {
  await ff?.close();
  await hub?.stop();
  await site?.close();
});

describe('Firefox ESR', () => {
  it('captures, curates and submits a Discourse thread through the built add-on', async () => {
    const options = await ff.open('options.html');
    await options.waitForSelector('[data-testid="hub-url"]');
    await options.type('[data-testid="hub-url"]', hub.url);
    await options.type('[data-testid="hub-token"]', token);
    await options.type('[data-testid="display-name"]', 'Firefox Contributor');
    await options.click('[data-testid="save"]');
    await options.waitForFunction(() => document.querySelector('[data-testid="options-status"]')?.textContent?.includes('Saved'));

    const forum = await ff.browser.newPage();
    await forum.goto(`${site.origin}${TOPIC_PATH}`);
    const outcome = await options.evaluate(async (url) => {
      const tab = (await browser.tabs.query({})).find((t) => t.url === url);
      return browser.runtime.sendMessage({ type: 'capture', tabId: tab?.id });
    }, `${site.origin}${TOPIC_PATH}`);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });

    const panel = await ff.open('sidepanel.html');
    await panel.waitForSelector('[data-testid="post"]');
    const posts = await panel.$$('[data-testid="post"]');
    expect(posts).toHaveLength(2);
    await (await posts[0]!.$('[data-testid="mark-question"]'))!.click();
    await (await posts[1]!.$('[data-testid="mark-answer"]'))!.click();
    // No open licence covers these posts: the contributor chooses the basis, and marks each author's
    // permission post, as in Chromium (walking-skeleton.test.ts).
    await panel.select('[data-testid="basis"]', 'author_opt_in');
    for (const i of [0, 1]) {
      const sel = `[data-testid="permission-${i}"]`;
      await panel.waitForSelector(sel);
      const value = await panel.$eval(sel, (s) => (s as HTMLSelectElement).options[1]!.value);
      await panel.select(sel, value);
    }
    await panel.waitForSelector('[data-testid="consent"]');
    await panel.click('[data-testid="consent"]');
    await panel.click('[data-testid="submit"]');
    await panel.waitForSelector('[data-testid="submitted"]');

    const rows = await waitFor(
      () => {
        const db = new Database(dbFile, { readonly: true });
        try {
          return db.prepare('SELECT license, record FROM entries').all() as { license: string; record: string }[];
        } finally {
          db.close();
        }
      },
      (r) => r.length === 1,
      'the hub to store the entry',
    );
    const record = JSON.parse(rows[0]!.record);
    expect(record.sources.map((s: { author: { name: string } }) => s.author.name)).toEqual(['techAPJ', 'codinghorror']);
    expect(record.consent.who).toBe('Firefox Contributor');

    const dash = await ff.open('dashboard.html');
    await dash.waitForFunction(() => document.querySelector('[data-testid="submission-state"]')?.textContent === 'received', { timeout: 20_000 });
  });
});
