import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Entry } from '../../lib/model/entry.ts';
import { startHub, type RunningHub } from '../support/hub.ts';
import { qaEntry } from '../support/entries.ts';
import { CHROMIUM } from './support/chromium.ts';

/**
 * The public knowledge base in Chromium at a phone's width (360 px): home → hobby → subject → entry by
 * clicking links, a search, a merged subject's old address redirecting, the report link; axe-core on
 * every page with no serious or critical violation, nothing wider than the screen, and no CSP
 * violation (the pages carry no script at all). axe is evaluated through the DevTools protocol, which
 * the pages' CSP does not govern.
 */
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let hub: RunningHub;
let browser: Browser;
let entry: Entry;
let modToken: string;
const DUPLICATE_ID = 'e2e-kb-duplicate';

beforeAll(async () => {
  hub = await startHub();
  const { token } = hub.store.addContributor('kb-mod', 'moderator');
  modToken = token;
  const post = (path: string, body: unknown) =>
    fetch(hub.url + path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await post('/v1/hobbies', { slug: 'board-games', name: 'Board games' })).status).toBe(201);
  expect((await post('/v1/subjects', { hobby: 'board-games', slug: 'catan', name: 'Catan', aliases: ['Settlers of Catan'], externalIds: { bgg: '13' } })).status).toBe(201);
  expect((await post('/v1/subjects', { hobby: 'board-games', slug: 'settlers', name: 'Settlers', externalIds: {} })).status).toBe(201);
  expect((await post('/v1/subjects/board-games/settlers/merge', { into: 'catan' })).status).toBe(200);
  const base = await qaEntry();
  entry = { ...base, title: 'Can the robber stay on the desert hex?', subject: { hobby: 'board-games', slug: 'settlers' } };
  // Entries arrive as submissions, as they do from the extension: the hub indexes each one for duplicates as it takes it.
  const writer = hub.store.addContributor('kb-writer').token;
  const submit = async (key: string, e: Entry) => {
    const res = await fetch(hub.url + '/v1/submissions', { method: 'POST', headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ entries: [e] }) });
    expect(res.status, await res.clone().text()).toBe(202);
    expect(((await res.json()) as { results: { status: string }[] }).results.map((r) => r.status)).toEqual(['received']);
  };
  await submit('k-e2e-kb-1', entry);
  hub.store.setState(entry.id, 'accepted', null);
  // The same question from the same posts, sent again: the moderator must see it may duplicate the first.
  await submit('k-e2e-kb-2', { ...entry, id: DUPLICATE_ID });
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

async function check(page: Page): Promise<string[]> {
  const result = (await page.evaluate(`${AXE};axe.run(document, { resultTypes: ['violations'] })`)) as {
    violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  };
  const found = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > 360) found.push(`wider than the screen: ${width} px`);
  return found;
}

describe('public knowledge base in Chromium', () => {
  it('navigates home → hobby → subject → entry at 360 px with no serious axe violation, then searches and follows a redirect', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && cspErrors.push(m.text()));
    const found: Record<string, string[]> = {};

    await page.goto(`${hub.url}/`);
    found['home'] = await check(page);
    await page.getByRole('link', { name: 'Board games' }).click();
    await page.waitForURL('**/hobbies/board-games');
    found['hobby'] = await check(page);
    await page.getByRole('link', { name: 'Catan' }).click();
    await page.waitForURL('**/hobbies/board-games/catan');
    found['subject'] = await check(page);
    await page.getByRole('link', { name: entry.title }).click();
    await page.waitForURL(`**/entries/${entry.id}`);
    found['entry'] = await check(page);
    expect(await page.locator('h1').textContent()).toBe(entry.title);
    expect(await page.getByRole('link', { name: 'Report a problem with this entry' }).getAttribute('href')).toBe(`/report?entry=${entry.id}`);
    expect(await page.locator('.cite a').first().getAttribute('href')).toBe(entry.sources[0]!.url);

    await page.getByRole('searchbox', { name: 'Search entries' }).fill('robber desert');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL('**/search?q=robber+desert');
    found['search'] = await check(page);
    await expect(page.getByRole('link', { name: entry.title }).count()).resolves.toBe(1);

    const res = await page.goto(`${hub.url}/hobbies/board-games/settlers`);
    expect(res!.url()).toBe(`${hub.url}/hobbies/board-games/catan`);
    const missing = await page.goto(`${hub.url}/hobbies/board-games/nope`);
    expect(missing!.status()).toBe(404);
    found['404'] = await check(page);

    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
    expect(cspErrors.filter((t) => !t.includes('404'))).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows the moderator that an entry in the queue may duplicate an accepted one', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(`${hub.url}/moderate`);
    await page.getByLabel('Moderator token').fill(modToken);
    await page.getByRole('button', { name: 'Open the queue' }).click();
    const similar = page.locator(`[data-entry-id="${DUPLICATE_ID}"] [data-testid="similar"]`);
    await similar.waitFor();
    const text = await similar.innerText();
    expect(text).toContain(entry.title);
    expect(text).toContain('accepted');
    expect(text).toContain(`draws on ${entry.sources.length} of the same source post${entry.sources.length === 1 ? '' : 's'}`);
    await page.close();
  }, 60_000);
});
