import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startHub, type RunningHub } from '../support/hub.ts';
import { entry, Q1, Q1_RETYPED, Q2 } from '../support/similar-entries.ts';
import type { Entry } from '../../lib/model/entry.ts';
import { authed } from './hub-support.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let hub: RunningHub;
let mod: string;
let bob: string;
let A: Entry;
let B: Entry;
let C: Entry;

const submit = async (token: string, e: Entry) => {
  const res = await fetch(`${hub.url}/v1/submissions`, { method: 'POST', headers: authed(token, { 'idempotency-key': `k-${e.id}` }), body: JSON.stringify({ entries: [e] }) });
  expect(res.status).toBe(202);
};

beforeAll(async () => {
  hub = await startHub();
  const alice = hub.store.addContributor('alice').token;
  bob = hub.store.addContributor('bob').token;
  mod = hub.store.addContributor('mo', 'moderator').token;
  A = await entry(Q1, ['1', '2'], { title: 'Trading during the robber phase' });
  B = await entry(Q1_RETYPED, ['31', '32'], { thread: 'https://other.example/topic/7', title: 'Robber phase trades?' });
  C = await entry(Q2, ['40', '41'], { thread: 'https://third.example/t/9', title: 'Points to win' });
  await submit(alice, A);
  await submit(bob, B);
  await submit(bob, C);
});
afterAll(() => hub.stop());

describe('possible duplicates on the moderation page', () => {
  it.skipIf(!existsSync(CHROMIUM))('shows the flag, both entries side by side, and folds one into the other with the button', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage({ viewport: { width: 360, height: 800 } });
      const cspErrors: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
      });
      await page.goto(`${hub.url}/moderate`);
      await page.getByLabel('Moderator token').fill(mod);
      await page.getByRole('button', { name: 'Open the queue' }).click();
      const card = page.locator(`[data-entry-id="${B.id}"]`);
      await card.waitFor();
      const flag = card.locator(`[data-similar-id="${A.id}"]`);
      expect(await flag.textContent()).toMatch(/^“Trading during the robber phase” \(received\) asks a near-identical question \(\d+ % alike\)/);
      expect(await page.locator(`[data-entry-id="${C.id}"] [data-testid="similar"]`).count()).toBe(0);

      await flag.getByRole('button', { name: 'Compare' }).click();
      const compare = card.locator('[data-testid="compare"]');
      await compare.locator('.side').nth(1).waitFor();
      expect(await compare.locator('.side h3').allTextContents()).toEqual(['This entry: Robber phase trades?', 'The other: Trading during the robber phase']);
      expect(await compare.locator('.side').nth(1).locator('.msg').first().textContent()).toBe(`user: ${Q1}`);
      // One column at 360 px: nothing wider than the screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

      await card.locator('textarea').fill('Asked before; thank you.');
      await compare.getByRole('button', { name: 'Fold this one into the other' }).click();
      await card.waitFor({ state: 'detached' });
      const b = await (await fetch(`${hub.url}/v1/entries/${B.id}`, { headers: authed(bob) })).json();
      expect(b).toMatchObject({ state: 'rejected', mergedInto: A.id });
      expect(b.comment).toMatch(/credited there\. Asked before; thank you\.$/);
      // A stays in the queue, without the flag, its sources now four.
      const a = page.locator(`[data-entry-id="${A.id}"]`);
      await a.waitFor();
      expect(await a.locator('[data-testid="similar"]').count()).toBe(0);
      expect((await hub.store.entryRecord(A.id))!.sources).toHaveLength(4);
      expect(cspErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
