import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startHub, type RunningHub } from '../support/hub.ts';
import { qaEntry } from '../support/entries.ts';
import { contentHash } from '../../lib/curate/hash.ts';
import type { Entry } from '../../lib/model/entry.ts';
import { authed } from './hub-support.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HOSTILE_TITLE = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> Stars`;

let hub: RunningHub;
let alice: string;
let mod: string;
let hostile: Entry;

beforeAll(async () => {
  hub = await startHub();
  alice = hub.store.addContributor('alice').token;
  mod = hub.store.addContributor('mo', 'moderator').token;
  const e = await qaEntry(undefined, { title: HOSTILE_TITLE });
  const messages = [
    { role: 'user' as const, content: `<img src=x onerror="window.__pwned=4">What had the most stars?` },
    { role: 'assistant' as const, content: `<script>window.__pwned=5</script>Discourse did.` },
  ];
  hostile = {
    ...e,
    messages,
    contentSha256: await contentHash(messages),
    attribution: { ...e.attribution, text: `<b onmouseover="window.__pwned=6">bold</b> ${e.attribution.text}` },
    sources: e.sources.map((s, i) => (i === 0 ? { ...s, author: { name: `<i>${s.author.name}</i>`, url: 'javascript:window.__pwned=7' } } : s)),
  };
  // The hostile author's permission record names them the same way, so the entry passes the hub's checks and is rendered.
  const hostileAuthor = hostile.sources[0]!.author;
  const permissions = e.consent.permissions!.map((p) =>
    p.post?.postId === e.sources[0]!.postId ? { ...p, author: hostileAuthor, post: { ...p.post, author: hostileAuthor } } : p,
  );
  hostile = { ...hostile, consent: { ...hostile.consent, permissions } };
  const res = await fetch(`${hub.url}/v1/submissions`, { method: 'POST', headers: authed(alice, { 'idempotency-key': 'hostile-0001' }), body: JSON.stringify({ entries: [hostile] }) });
  expect(res.status).toBe(202);
});
afterAll(() => hub.stop());

describe('moderation page', () => {
  it('is served with a strict CSP and has no inline script or style', async () => {
    const res = await fetch(`${hub.url}/moderate`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).toContain('src="/moderate/app.js"');
    expect(scripts[0]![2]).toBe('');
    expect(html).not.toMatch(/\son[a-z]+=|style=/i);
    for (const path of ['/moderate/app.js', '/moderate/preact.js']) {
      const js = await fetch(`${hub.url}${path}`);
      expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    }
    const app = await (await fetch(`${hub.url}/moderate/app.js`)).text();
    expect(app).not.toMatch(/innerHTML|dangerouslySetInnerHTML|insertAdjacentHTML|document\.write/);
  });

  it('hands the queue to moderators only, with the text exactly as submitted', async () => {
    expect((await fetch(`${hub.url}/v1/queue`, { headers: authed(alice) })).status).toBe(403);
    const q = await (await fetch(`${hub.url}/v1/queue`, { headers: authed(mod) })).json();
    expect(q.entries.find((i: { entry: Entry }) => i.entry.id === hostile.id).entry.title).toBe(HOSTILE_TITLE);
  });

  it.skipIf(!existsSync(CHROMIUM))('renders hostile entry text inert in Chromium and reviews with the buttons', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      const foreign: string[] = [];
      const cspErrors: string[] = [];
      page.on('dialog', (d) => (dialogs.push(d.message()), d.dismiss()));
      page.on('request', (r) => {
        if (!r.url().startsWith(hub.url)) foreign.push(r.url());
      });
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
      });
      await page.goto(`${hub.url}/moderate`);
      await page.getByLabel('Moderator token').fill(mod);
      await page.getByRole('button', { name: 'Open the queue' }).click();
      const card = page.locator(`[data-entry-id="${hostile.id}"]`);
      await card.waitFor();
      expect(await card.locator('h2.title').textContent()).toBe(HOSTILE_TITLE);
      expect(await card.locator('.msg').first().textContent()).toBe(`user: ${hostile.messages[0]!.content}`);
      expect(await card.locator('.attribution').textContent()).toContain('<b onmouseover=');
      expect(await card.locator('.consent').textContent()).toContain(hostile.consent.statement);
      expect(await card.locator('a.author').count()).toBe(hostile.sources.length - 1); // the javascript: link is dropped
      expect(await card.locator('a.author').first().getAttribute('href')).toMatch(/^https:/);
      expect(await page.evaluate(() => document.querySelectorAll('img, script:not([src]), b, i').length)).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null)).toBeNull();
      expect(dialogs).toEqual([]);
      expect(foreign).toEqual([]);
      expect(cspErrors).toEqual([]);

      await card.locator('textarea').fill('Please drop the markup from the title.');
      await card.locator('[data-action="needs_changes"]').click();
      await card.waitFor({ state: 'detached' });
      const s = await (await fetch(`${hub.url}/v1/entries/${hostile.id}`, { headers: authed(alice) })).json();
      expect(s).toMatchObject({ state: 'needs_changes', comment: 'Please drop the markup from the title.' });

      // The token is kept for the tab: a reload opens the queue without asking again.
      await page.reload();
      await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    } finally {
      await browser.close();
    }
  });
});
