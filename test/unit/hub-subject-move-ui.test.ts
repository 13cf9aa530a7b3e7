import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { startHub, type RunningHub } from '../support/hub.ts';
import { qaEntry } from '../support/entries.ts';
import { knowledgeFor, type KnowledgeStore } from '../../hub/knowledge.ts';
import type { Entry } from '../../lib/model/entry.ts';

/**
 * The moderation page's Subjects section in Chromium: a hobby's subjects, one subject's entries ticked
 * and moved to another subject, then to a new one; a subject renamed (its old slug redirects) and merged
 * into another; a move or rename decided on a version another moderator has since changed is refused
 * with the hub's reason, and nothing changes.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical findings on the page as it is now. */
async function serious(page: import('playwright-core').Page): Promise<string[]> {
  const r = (await page.evaluate(`${AXE};axe.run(document, { resultTypes: ['violations'] })`)) as { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] };
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`);
}

let hub: RunningHub;
let kb: KnowledgeStore;
let mod: string;
const TITLE = `<img src=x onerror="window.__pwned=1"> Robber rules`;

beforeAll(async () => {
  hub = await startHub({ fourEyes: false });
  mod = hub.store.addContributor('mo', 'moderator').token;
  const who = hub.store.addContributor('writer').contributor;
  kb = await knowledgeFor(hub.store);
  await kb.createHobby({ slug: 'board-games', name: 'Board games' });
  await kb.createSubject({ hobby: 'board-games', slug: 'catan', name: 'Catan', aliases: [], externalIds: {} });
  await kb.createSubject({ hobby: 'board-games', slug: 'chess', name: 'Chess', aliases: [], externalIds: {} });
  const base = await qaEntry();
  const entries: Entry[] = [['u1', 'Harbour trading'], ['u2', TITLE], ['u3', 'Ship routes']].map(([id, title]) => ({ ...base, id: id!, title: title!, subject: { hobby: 'board-games', slug: 'catan' } }));
  hub.store.receiveBatch(who, 'k-ui', entries, 202);
  for (const e of entries) hub.store.setState(e.id, 'accepted', null);
});
afterAll(() => hub?.stop());

const listed = async (slug: string) => (await kb.subjectEntries('board-games', slug, { limit: 50 })).entries.map((e) => e.id).sort();

describe('moderation page: subjects', () => {
  it('serves the subjects module from this origin', async () => {
    const page = await (await fetch(`${hub.url}/moderate`)).text();
    expect(page).toContain('<section id="subjects" aria-label="Subjects"></section>');
    const js = await fetch(`${hub.url}/moderate/subjects.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).not.toMatch(/innerHTML|dangerouslySetInnerHTML|insertAdjacentHTML|document\.write/);
  });

  it.skipIf(!existsSync(CHROMIUM))('moves ticked entries to another subject and to a new one, renames and merges, and shows a refusal with its reason', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${hub.url}/moderate`);
      await page.getByLabel('Moderator token').fill(mod);
      await page.getByRole('button', { name: 'Open the queue' }).click();
      const section = page.locator('#subjects');
      await section.getByRole('button', { name: 'Manage subjects' }).click();
      await section.getByLabel('Hobby').selectOption('board-games');
      await section.locator('[data-open="catan"]').click();
      await section.locator('[data-entry="u2"]').waitFor();
      // Hostile text in a title is text.
      expect(await section.locator('li', { has: page.locator('[data-entry="u2"]') }).textContent()).toContain(TITLE);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null)).toBeNull();

      await section.locator('[data-entry="u1"]').check();
      await section.locator('[data-entry="u2"]').check();
      expect(await serious(page)).toEqual([]);
      await section.getByLabel('Move the chosen entries to').selectOption('');
      await section.getByLabel('New subject slug').waitFor();
      expect(await serious(page)).toEqual([]);
      await section.getByLabel('Move the chosen entries to').selectOption('chess');
      await section.getByRole('button', { name: 'Move 2 entries' }).click();
      await section.getByRole('status').filter({ hasText: 'Moved 2 entries from Catan to Chess.' }).waitFor();
      expect(await listed('catan')).toEqual(['u3']);
      expect(await listed('chess')).toEqual(['u1', 'u2']);
      expect(await section.locator('[data-entry]').count()).toBe(1);

      // Another moderator changes catan meanwhile: the move decided on the version read is refused.
      await kb.renameSubject('board-games', 'catan', { name: 'Catan (base game)' });
      await section.locator('[data-entry="u3"]').check();
      await section.getByLabel('Move the chosen entries to').selectOption('');
      await section.getByLabel('New subject slug').fill('ships');
      await section.getByLabel('New subject name').fill('Ships');
      await section.getByRole('button', { name: 'Move 1 entry' }).click();
      await section.getByRole('alert').filter({ hasText: 'changed since you read it' }).waitFor();
      expect(await listed('catan')).toEqual(['u3']);
      expect(await kb.resolveSubject('board-games', 'ships')).toBeNull();

      // Read again (the section did: the move bumped catan to 2, the rename to 3), the same move goes through, into a subject made by the call.
      await section.getByRole('heading', { name: 'Catan (base game) · version 3' }).waitFor();
      await section.locator('[data-entry="u3"]').check();
      await section.getByLabel('Move the chosen entries to').selectOption('');
      await section.getByLabel('New subject slug').fill('ships');
      await section.getByLabel('New subject name').fill('Ships');
      await section.getByRole('button', { name: 'Move 1 entry' }).click();
      await section.getByRole('status').filter({ hasText: 'Moved 1 entry from Catan (base game) to Ships.' }).waitFor();
      expect(await listed('ships')).toEqual(['u3']);
      expect(await section.locator('[data-open="ships"]').count()).toBe(1);

      // Rename with a new slug: the old one redirects.
      await section.locator('[data-open="chess"]').click();
      await section.getByRole('heading', { name: 'Chess · version 2' }).waitFor();
      await section.getByLabel('Subject name').fill('Western chess');
      await section.getByLabel('Subject slug').fill('western-chess');
      await section.getByRole('button', { name: 'Rename' }).click();
      await section.getByRole('status').filter({ hasText: 'Renamed: Western chess (western-chess); chess redirects there.' }).waitFor();
      expect(await kb.resolveSubject('board-games', 'chess')).toEqual({ redirect: 'western-chess' });

      // A rename decided on a version another moderator has since changed is refused, nothing renamed.
      await kb.renameSubject('board-games', 'western-chess', { aliases: ['Chess'] });
      await section.getByLabel('Subject name').fill('Chess again');
      await section.getByRole('button', { name: 'Rename' }).click();
      await section.getByRole('alert').filter({ hasText: 'changed since you read it' }).waitFor();
      expect(await kb.resolveSubject('board-games', 'western-chess')).toMatchObject({ subject: { name: 'Western chess', version: 4 } });

      // Merge ships into western-chess: its entries are listed there, its slug redirects.
      await section.locator('[data-open="ships"]').click();
      await section.getByRole('heading', { name: 'Ships · version 1' }).waitFor();
      await section.getByLabel('Merge this subject into').selectOption('western-chess');
      await section.getByRole('button', { name: 'Merge' }).click();
      await section.getByRole('status').filter({ hasText: 'Merged Ships into Western chess; ships redirects there.' }).waitFor();
      expect(await kb.resolveSubject('board-games', 'ships')).toEqual({ redirect: 'western-chess' });
      expect(await listed('western-chess')).toEqual(['u1', 'u2', 'u3']);
      expect(await section.locator('[data-open="ships"]').count()).toBe(0);

      // The public subject page in the other order, with its switch.
      await page.goto(`${hub.url}/hobbies/board-games/western-chess?sort=cited`);
      expect(await serious(page)).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
