import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type Browser } from 'playwright-core';
import { decodePage } from '../../lib/extract/index.ts';
import { corpusBytes } from '../support/corpus.ts';
import { extractText } from '../support/extract.ts';
import { rehost, withCodeInPost } from '../support/proof-pages.ts';
import { startSite } from './support/site.ts';
import { addContributor, freePort, startHubProcess } from './support/hub-process.ts';
import { CHROMIUM, captureUrl, connectHub, launchWithExtension } from './support/chromium.ts';
import { waitFor } from './support/wait.ts';

/**
 * Issue 19, the extension's side of authors' say: an author grants permission on the hub's authors'
 * page; in the curate view the contributor sees the grant for that author, is told in words while the
 * entry's licence is not the one granted, uses the grant, and the hub stores the entry with the grant
 * in its receipt. The author then asks for removal, and the dashboard shows the entry as removed from
 * the dataset with the reason, not as withdrawn by the contributor. The forum is a corpus page rehosted
 * on a local origin at run time.
 */
const DISCOURSE = '/t/congratulations-most-stars-in-2013-github-octoverse/12483';

let site: Awaited<ReturnType<typeof startSite>>;
let browser: Browser;
let dbFile: string;
let contributor: string;
const served = new Map<string, string>();

beforeAll(async () => {
  const route = (path: string) => () => ({ body: served.get(path) ?? 'not yet', status: served.has(path) ? 200 : 404 });
  site = await startSite(Object.fromEntries([DISCOURSE, `${DISCOURSE}/2`].map((p) => [p, route(p)])));
  served.set(DISCOURSE, rehost(decodePage(corpusBytes('discourse/meta-discourse-octoverse-topic.html')), 'https://meta.discourse.org', site.origin));
  dbFile = join(mkdtempSync(join(tmpdir(), 'gleaner-e2e-grants-')), 'hub.sqlite');
  contributor = addContributor(dbFile, 'grant-user');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('hub grants and removals in the extension', () => {
  it('uses an author\'s hub grant in the curate view, and shows their removal on the dashboard', async () => {
    const hub = await startHubProcess(dbFile, await freePort(), { args: ['--allow-private-fetch'] });
    try {
      // codinghorror proves who they are on the authors' page (script off) and grants CC BY 4.0.
      const thread = extractText(served.get(DISCOURSE)!, `${site.origin}${DISCOURSE}`);
      const coding = thread.posts.find((p) => p.author.name === 'codinghorror')!;
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${hub.url}/authors`);
      await page.locator('#forum').fill(`${site.origin}${DISCOURSE}`);
      await page.locator('#name').fill('codinghorror');
      await page.locator('#claim-submit').click();
      const code = (await page.locator('#code').innerText()).trim();
      served.set(`${DISCOURSE}/2`, withCodeInPost(served.get(DISCOURSE)!, coding, code));
      await page.locator('#proof-url').fill(`${site.origin}${DISCOURSE}/2`);
      await page.locator('#verify-submit').click();
      await page.locator('#proven').waitFor();
      const claim = (await page.locator('input[name="claim"]').first().getAttribute('value'))!;
      const secret = (await page.locator('input[name="secret"]').first().getAttribute('value'))!;
      await page.locator('#grant-license').selectOption('CC-BY-4.0');
      await page.locator('#grant-submit').click();
      const grantId = (await page.locator('#grant-id').innerText()).trim();
      const grantedAt = (await page.locator('#grant-at').innerText()).trim();
      await context.close();

      const ext = await launchWithExtension();
      try {
        await connectHub(ext, hub.url, contributor);

        const forum = await ext.context.newPage();
        await forum.goto(`${site.origin}${DISCOURSE}`);
        expect(await captureUrl(ext, `${site.origin}${DISCOURSE}`)).toMatchObject({ ok: true });
        const panel = await ext.context.newPage();
        await panel.goto(ext.page('sidepanel.html'));
        await panel.getByTestId('post').first().waitFor();
        await panel.getByTestId('post').nth(0).getByTestId('mark-question').click();
        await panel.getByTestId('post').nth(1).getByTestId('mark-answer').click();
        await panel.getByTestId('entry-title').fill('Stars on GitHub, on a hub grant');
        await panel.getByTestId('grant').selectOption('CC-BY-SA-4.0');
        await panel.getByTestId('basis').selectOption('author_opt_in');
        // The grant is found for codinghorror (the second author); its licence is not the entry's yet.
        const mismatch = panel.getByTestId('hub-grant-mismatch-1');
        await mismatch.waitFor();
        expect(await mismatch.innerText()).toContain('codinghorror granted permission on the hub under CC-BY-4.0, but this entry is licensed CC-BY-SA-4.0');
        expect(await panel.getByTestId('hub-grant-use-1').count()).toBe(0);
        await panel.getByTestId('grant').selectOption('CC-BY-4.0');
        const offer = panel.getByTestId('hub-grant-1');
        await offer.waitFor();
        expect(await offer.innerText()).toBe(`Granted on the hub under CC-BY-4.0 on ${grantedAt.slice(0, 10)} — use this grant`);
        // techAPJ made no grant: nothing is offered for them, their own post is marked instead.
        expect(await panel.getByTestId('hub-grant-0').count()).toBe(0);
        await panel.getByTestId('hub-grant-use-1').click();
        expect(await panel.getByTestId('hub-grant-used-1').innerText()).toContain("Using codinghorror's grant on the hub under CC-BY-4.0");
        expect(await panel.getByTestId('permission-missing').innerText()).toContain('techAPJ');
        await panel.getByTestId('permission-0').selectOption({ index: 1 });
        expect(await panel.getByTestId('permission-missing').count()).toBe(0);
        expect(await panel.getByTestId('consent-statement').innerText()).toContain('or in a grant they made on the hub');
        await panel.getByTestId('consent').check();
        await panel.getByTestId('submit').click();
        await panel.getByTestId('submitted').waitFor();

        const db = new Database(dbFile, { readonly: true });
        const row = await waitFor(() => db.prepare('SELECT id, record FROM entries').all() as { id: string; record: string }[], (r) => r.length === 1, 'the hub to store the entry');
        db.close();
        const record = JSON.parse(row[0]!.record);
        expect(record.consent.statementVersion).toBe('author_opt_in/3');
        expect(record.consent.permissions.map((p: { author: { name: string }; post?: unknown; hubGrant?: unknown }) => [p.author.name, !!p.post, p.hubGrant ?? null])).toEqual([
          ['techAPJ', true, null],
          ['codinghorror', false, { hub: hub.url, grantId, license: 'CC-BY-4.0', grantedAt }],
        ]);

        // codinghorror now asks that their posts be left out: the dashboard says why the entry went.
        const removed = await fetch(`${hub.url}/authors/remove`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ claim, secret, confirm: 'yes' }).toString() });
        expect(removed.status).toBe(200);
        const dash = await ext.context.newPage();
        await dash.goto(ext.page('dashboard.html'));
        const entryRow = dash.locator(`[data-testid="submission"][data-entry-id="${row[0]!.id}"]`);
        await entryRow.waitFor();
        for (let i = 0; i < 20 && (await entryRow.getAttribute('data-removed')) !== 'author_request'; i++) {
          await dash.getByTestId('refresh').click();
          await dash.waitForTimeout(500);
        }
        expect(await entryRow.getByTestId('submission-state').innerText()).toBe('removed from the dataset');
        expect(await entryRow.getByTestId('removal-reason').innerText()).toMatch(/^An author whose posts this entry quotes asked on the hub that their posts be left out of the dataset\./);
        expect(await entryRow.getByTestId('withdraw').count()).toBe(0);
      } finally {
        await ext.close();
      }
    } finally {
      await hub.stop();
    }
  });
});
