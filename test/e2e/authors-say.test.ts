import { releaseRows } from '../support/release.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { decodePage } from '../../lib/extract/index.ts';
import { corpusBytes } from '../support/corpus.ts';
import { extractText } from '../support/extract.ts';
import { qaEntry } from '../support/entries.ts';
import { oneAuthorEntry, rehost, withCodeInPost } from '../support/proof-pages.ts';
import { startSite } from './support/site.ts';
import { addContributor, freePort, startHubProcess } from './support/hub-process.ts';
import { CHROMIUM, connectHub, launchWithExtension } from './support/chromium.ts';

/**
 * Issue 19 end to end: a contributor proves a forum identity from a page served locally and submits a
 * `self` entry; an author of another thread proves theirs on the hub's authors' page in Chromium (with
 * JavaScript off: the page is plain forms) and asks for removal; the next release leaves the entry out
 * and lists it as removed, while the self entry stays with its proof in the receipt. Someone then
 * reports the self entry on the same page, and a moderator dismisses the report in /moderate.
 *
 * The contributor proves the identity in the extension's options page; the entries themselves are built
 * with the curate code from the very pages the local forum serves and sent through the API (the curate
 * view's own journeys are tested elsewhere). The pages are
 * corpus pages rehosted on the local origin at run time, so the forum the hub fetches from is the forum
 * the posts' addresses name.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const DISCOURSE = '/t/congratulations-most-stars-in-2013-github-octoverse/12483';
const AIRLINERS = '/forum/viewtopic.php?t=1437935';

let site: Awaited<ReturnType<typeof startSite>>;
let browser: Browser;
let dbFile: string;
let contributor: string;
let mod: string;
/** What the local forum serves, by path; filled once its origin is known. */
const served = new Map<string, string>();

beforeAll(async () => {
  const route = (path: string) => () => ({ body: served.get(path) ?? 'not yet', status: served.has(path) ? 200 : 404 });
  const paths = [DISCOURSE, `${DISCOURSE}/2`, AIRLINERS, `${AIRLINERS}&p=21898947`];
  site = await startSite(Object.fromEntries(paths.map((p) => [p, route(p)])));
  served.set(DISCOURSE, rehost(decodePage(corpusBytes('discourse/meta-discourse-octoverse-topic.html')), 'https://meta.discourse.org', site.origin));
  served.set(AIRLINERS, rehost(decodePage(corpusBytes('phpbb/airliners-viewtopic-1437935.html')), 'https://www.airliners.net', site.origin));
  dbFile = join(mkdtempSync(join(tmpdir(), 'gleaner-e2e-authors-')), 'hub.sqlite');
  contributor = addContributor(dbFile, 'codinghorror-fan');
  mod = addContributor(dbFile, 'authors-mod', true);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const publish = (out: string) => execFileSync(resolve(ROOT, 'node_modules/.bin/tsx'), ['hub/cli.ts', 'publish', '--out', out, '--db', dbFile], { cwd: ROOT, encoding: 'utf8' });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const rows = (out: string) => releaseRows(out) as any[];

describe("authors' say in Chromium", () => {
  it('a proven self entry stays; an author proves on the hub page, asks for removal, and the next release lists the entry as removed', async () => {
    const hub = await startHubProcess(dbFile, await freePort(), { args: ['--allow-private-fetch'] });
    const api = (path: string, token: string, body?: unknown) =>
      fetch(`${hub.url}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `e2e-${Math.random()}` }, body: body === undefined ? undefined : JSON.stringify(body) });
    try {
      // The contributor proves they are codinghorror on the local forum, in the extension's options page:
      // a code from the hub, posted on the forum, the post's address, the hub fetching it itself.
      const discourse = extractText(served.get(DISCOURSE)!, `${site.origin}${DISCOURSE}`);
      const own = discourse.posts.find((p) => p.author.name === 'codinghorror')!;
      expect(own.author.url).toBe(`${site.origin}/u/codinghorror`);
      const ext = await launchWithExtension();
      try {
        const opts = (await connectHub(ext, hub.url, contributor, { keepOpen: true }))!;
        await opts.getByTestId('identity-forum').fill(site.origin);
        await opts.getByTestId('identity-name').fill('codinghorror');
        await opts.getByTestId('identity-claim').click();
        const code = (await opts.getByTestId('identity-code').innerText()).trim();
        expect(code).toMatch(/^gleaner-[a-z0-9]{10}$/);
        // Checked before the code is posted: the hub's reason is shown as it gave it.
        await opts.getByTestId('identity-url').fill(`${site.origin}${DISCOURSE}`);
        await opts.getByTestId('identity-verify').click();
        expect(await opts.getByTestId('identity-error').innerText()).toContain(`The code ${code} is not on the page`);
        served.set(`${DISCOURSE}/2`, withCodeInPost(served.get(DISCOURSE)!, own, code));
        await opts.getByTestId('identity-url').fill(`${site.origin}${DISCOURSE}/2`);
        await opts.getByTestId('identity-verify').click();
        await opts.getByTestId('identity-row').filter({ hasText: 'codinghorror on 127.0.0.1' }).waitFor();
      } finally {
        await ext.close();
      }
      // The hub read the page with its own request, saying who it is.
      expect(site.log.find((r) => r.path === `${DISCOURSE}/2`)?.headers['user-agent']).toMatch(/^GleanerHub\//);

      const selfEntry = await oneAuthorEntry(discourse, own, 'self', 'Stars on GitHub, in my words');
      // An entry quoting two authors of another thread, on their own permission posts.
      const airliners = extractText(served.get(AIRLINERS)!, `${site.origin}${AIRLINERS}`);
      const quoting = await qaEntry(airliners, { title: 'Which airliner, and why?' });
      expect(quoting.sources.map((s) => s.author.name)).toEqual(['qf789', 'Schmave']);
      const sent = await api('/v1/submissions', contributor, { entries: [selfEntry, quoting] });
      expect(sent.status).toBe(202);
      expect((await sent.json()).results.map((r: { status: string }) => r.status)).toEqual(['received', 'received']);
      for (const e of [selfEntry, quoting]) expect((await api(`/v1/entries/${e.id}/review`, mod, { state: 'accepted' })).status).toBe(200);
      const r1 = mkdtempSync(join(tmpdir(), 'gleaner-e2e-r1-'));
      publish(r1);
      expect(rows(r1).map((r) => r.id).sort()).toEqual([selfEntry.id, quoting.id].sort());

      // Schmave, an author of the other thread, proves who they are on the hub's page, script off.
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${hub.url}/authors`);
      await page.locator('#forum').fill(`${site.origin}${AIRLINERS}`);
      await page.locator('#name').fill('Schmave');
      await page.locator('#claim-submit').click();
      const code = (await page.locator('#code').innerText()).trim();
      expect(code).toMatch(/^gleaner-/);
      // A wrong page first: the code is not there yet, and the page says so in plain words.
      await page.locator('#proof-url').fill(`${site.origin}${AIRLINERS}`);
      await page.locator('#verify-submit').click();
      expect(await page.locator('#error').innerText()).toContain(`The code ${code} is not on the page`);
      const schmave = airliners.posts.find((p) => p.author.name === 'Schmave')!;
      served.set(`${AIRLINERS}&p=21898947`, withCodeInPost(served.get(AIRLINERS)!, schmave, code));
      await page.locator('#proof-url').fill(`${site.origin}${AIRLINERS}&p=21898947`);
      await page.locator('#verify-submit').click();
      expect(await page.locator('#proven').innerText()).toContain('you are Schmave on 127.0.0.1');
      await page.locator('#remove-confirm').check();
      await page.locator('#remove-submit').click();
      expect(await page.locator('#removed').innerText()).toMatch(/^1 entry quotes your posts: it leaves the next release/);
      await context.close();

      // The contributor's dashboard poll shows why.
      const mine = await (await api('/v1/entries?mine=1', contributor)).json();
      const removed = mine.entries.find((e: { id: string }) => e.id === quoting.id);
      expect(removed).toMatchObject({ state: 'withdrawn' });
      expect(removed.comment).toContain('an author whose posts this entry quotes asked on the hub');
      expect(mine.entries.find((e: { id: string }) => e.id === selfEntry.id).state).toBe('published');

      // The next release: the entry gone, listed as removed with its reason and nothing personal.
      const r2 = mkdtempSync(join(tmpdir(), 'gleaner-e2e-r2-'));
      publish(r2);
      const kept = rows(r2);
      expect(kept.map((r) => r.id)).toEqual([selfEntry.id]);
      expect(kept[0].consent.identityProofs).toEqual([expect.objectContaining({ forum: '127.0.0.1', name: 'codinghorror', proofUrl: `${site.origin}${DISCOURSE}/2`, profileUrl: `${site.origin}/u/codinghorror` })]);
      const list = JSON.parse(readFileSync(join(r2, 'removals.json'), 'utf8'));
      expect(list.removed).toEqual([{ id: quoting.id, reason: 'author_request', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }]);
      expect(readFileSync(join(r2, 'removals.json'), 'utf8')).not.toContain('Schmave');
      expect(readFileSync(join(r2, 'README.md'), 'utf8')).toContain('| author_request | 1 |');

      // Anyone may report a published entry on the same page; a moderator decides in /moderate.
      const reporter = await browser.newContext({ javaScriptEnabled: false });
      const form = await reporter.newPage();
      await form.goto(`${hub.url}/authors`);
      await form.locator('#report-entry').fill(selfEntry.id);
      await form.locator('#report-category').selectOption('wrong_attribution');
      await form.locator('#report-details').fill('<b>Not</b> their post.');
      await form.locator('#report-submit').click();
      expect(await form.locator('#reported').innerText()).toMatch(/^Report [0-9A-Z]{26} received/);
      await reporter.close();
      const moderate = await browser.newPage();
      await moderate.goto(`${hub.url}/moderate`);
      await moderate.locator('input[name=token]').fill(mod);
      await moderate.locator('[data-testid=login] button').click();
      await moderate.locator('[data-action=load-reports]').click();
      const report = moderate.locator('[data-report-id]');
      await report.waitFor();
      expect(await report.innerText()).toContain(`Wrong attribution · entry ${selfEntry.id}`);
      expect(await report.locator('.msg').innerText()).toBe('<b>Not</b> their post.'); // text, never markup
      await report.locator('textarea').fill('The post is theirs: their identity is proven on this hub.');
      await report.locator('[data-action=dismiss]').click();
      await moderate.getByText('No report waits for a decision.').waitFor();
      expect(await moderate.locator('#reports li').first().innerText()).toContain(`report on entry ${selfEntry.id}, dismissed (The post is theirs`);
      await moderate.close();
      expect((await (await api('/v1/entries?mine=1', contributor)).json()).entries.find((e: { id: string }) => e.id === selfEntry.id).state).toBe('published');
    } finally {
      await hub.stop();
    }
  });
});
