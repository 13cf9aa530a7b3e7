import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startHub, type RunningHub } from '../support/hub.ts';
import { qaEntry } from '../support/entries.ts';
import type { Entry } from '../../lib/model/entry.ts';
import { CHROMIUM } from './support/chromium.ts';

/**
 * The hub's moderation page on a 360 px screen: accept and reject wait a few seconds and can be undone
 * (nothing reaches the hub meanwhile); a decision the hub refuses is explained on that entry, not at the
 * top of the page; nothing is wider than the screen.
 */
let hub: RunningHub;
let browser: Browser;
let alice: string;
let mod: string;
const entries: Entry[] = [];

const authed = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extra });
const stateOf = async (id: string) => ((await (await fetch(`${hub.url}/v1/entries/${id}`, { headers: authed(alice) })).json()) as { state: string }).state;

beforeAll(async () => {
  hub = await startHub();
  alice = hub.store.addContributor('alice').token;
  mod = hub.store.addContributor('mo', 'moderator').token;
  for (const [i, title] of ['Which forum had the most stars?', 'A second question worth keeping'].entries()) {
    entries.push(await qaEntry(undefined, { title, now: new Date(Date.UTC(2026, 0, 1 + i)) }));
  }
  const res = await fetch(`${hub.url}/v1/submissions`, { method: 'POST', headers: authed(alice, { 'idempotency-key': 'moderate-e2e-01' }), body: JSON.stringify({ entries }) });
  expect(res.status).toBe(202);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
});
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

describe('moderation page (Chromium, 360 px)', () => {
  it('undoes an accept within seconds, sends it otherwise, explains a refused reject on its entry, and fits the screen', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(`${hub.url}/moderate`);
    await page.getByLabel('Moderator token').fill(mod);
    await page.getByRole('button', { name: 'Open the queue' }).click();
    const [a, b] = entries.map((e) => page.locator(`[data-entry-id="${e.id}"]`));
    await a!.locator('[data-action="accept"]').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const before = await stateOf(entries[0]!.id);

    // Accept, then undo: focus lands on Undo and goes back to Accept; the hub never hears of it.
    await a!.locator('[data-action="accept"]').click();
    expect(await a!.getByTestId('pending').innerText()).toContain('Accepted: “Which forum had the most stars?”');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-action') === 'undo');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-action') === 'accept');
    await page.waitForTimeout(5500);
    expect(await stateOf(entries[0]!.id)).toBe(before);
    expect(await a!.locator('h2.title').count()).toBe(1);

    // Accept and let it go: sent after the delay, and the entry leaves the queue.
    await a!.locator('[data-action="accept"]').click();
    await a!.waitFor({ state: 'detached', timeout: 10_000 });
    expect(await stateOf(entries[0]!.id)).toBe('accepted');

    // Someone else decides on B meanwhile: the reject is refused, and said so on B itself.
    await b!.locator('[data-action="reject"]').click();
    const queue = (await (await fetch(`${hub.url}/v1/queue`, { headers: authed(mod) })).json()) as { entries: { status: { id: string; revision: number } }[] };
    const rev = queue.entries.find((e) => e.status.id === entries[1]!.id)!.status.revision;
    const other = await fetch(`${hub.url}/v1/entries/${entries[1]!.id}/review`, { method: 'POST', headers: authed(mod, { 'if-match': `"r${rev}"` }), body: JSON.stringify({ state: 'needs_changes', comment: 'Shorter title, please.' }) });
    expect(other.ok).toBe(true);
    const error = b!.getByTestId('item-error');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.innerText()).toMatch(/^Not recorded \(rejected\): .+ Refresh to see/);
    expect(await page.locator('body > main > div > p.error').count()).toBe(0);
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'item-error');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.close();
  });
});
