import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CHROMIUM } from './support/chromium.ts';
import { startSite } from './support/site.ts';
import { discourseThread, qaEntry } from '../support/entries.ts';
import { exportEntries } from '../../lib/curate/export.ts';
import { buildDataset } from '../../hub/publish.ts';
import type { Entry } from '../../lib/model/entry.ts';
import type { Thread } from '../../lib/model/thread.ts';

/**
 * The Markdown files Gleaner writes (the local Markdown export, a release's dataset card and
 * attribution) rendered from a hostile thread by a standard Markdown renderer (marked, the way a plain
 * viewer shows a file: its HTML put into a page, and as a whole document in a frame, where scripts run)
 * in a real Chromium: nothing may run and nothing may load. Every vector, if it ran or loaded, asks the
 * local site for /xss-<name> or opens a dialog; requests to any other host are recorded and refused.
 * The same vectors written raw go through the same rendering first, so the check is shown to catch them.
 */

let site: Awaited<ReturnType<typeof startSite>>;
let browser: Browser;

/** Vectors built for this run's origin: each names itself in the request or dialog it would cause. */
function vectors(origin: string): string[] {
  const hit = (n: string) => `${origin}/xss-${n}`;
  return [
    `<script>fetch('${hit('script')}')</script>`,
    `<img src="${hit('img')}" onerror="fetch('${hit('img-onerror')}')">`,
    `<img src=x onerror="alert('img-onerror-alert')">`,
    `<svg onload="fetch('${hit('svg-onload')}')"></svg>`,
    `<iframe src="${hit('iframe')}"></iframe>`,
    `<iframe srcdoc="<script>parent.fetch('${hit('srcdoc')}')</script>"></iframe>`,
    `<details open ontoggle="fetch('${hit('ontoggle')}')">d</details>`,
    `<style>@import url(${hit('css-import')}); body { background: url(${hit('css-bg')}) }</style>`,
    `<div style="background-image:url(${hit('inline-css')})">styled</div>`,
    `<object data="${hit('object')}"></object><embed src="${hit('embed')}">`,
    `<video><source onerror="fetch('${hit('video')}')"></video>`,
    `<link rel="stylesheet" href="${hit('link')}">`,
    `<div onmouseover="fetch('${hit('mouseover')}')">hover me</div>`,
    `<a href="javascript:fetch('${hit('js-link')}')">click</a>`,
    `[md link](javascript:fetch('${hit('md-js-link')}'))`,
    `[entity link](&#106;avascript:fetch('${hit('entity-link')}'))`,
    `[ref link][r]\n\n[r]: javascript:fetch('${hit('ref-link')}')`,
    `![md image](${hit('md-image')})`,
    `![ref image][i]\n\n[i]: ${hit('ref-image')}`,
    `![tracker](https://tracker.example/pixel.png)`,
    `<${hit('autolink')}>`,
    `<!-- comment --><b>bold</b>`,
    '```html\n<script>fetch("fenced")</script>\n```',
  ];
}

/** A real corpus thread whose title, authors and post texts carry the vectors, changed at run time. */
function hostileThread(origin: string): Thread {
  const t = discourseThread();
  const v = vectors(origin);
  return {
    ...t,
    title: `${t.title} <img src="${origin}/xss-thread-title" onerror="alert('title')">`,
    posts: t.posts.map((p, i) => ({
      ...p,
      text: `${p.text}\n\n${v.join('\n\n')}`,
      author: { ...p.author, name: `${p.author.name}<svg onload="fetch('${origin}/xss-author-${i}')">` },
    })),
  };
}

async function hostileEntries(origin: string): Promise<Entry[]> {
  const entry = await qaEntry(hostileThread(origin), { title: `Question <script>fetch('${origin}/xss-entry-title')</script>` });
  // The hostile text must have reached the entry, or the check proves nothing.
  expect(entry.kind === 'qa' && entry.qa.question.text).toContain(`${origin}/xss-script`);
  expect(entry.attribution.text).toContain(`${origin}/xss-author-0`);
  return [entry];
}

/** What a page shows after marked renders `markdown` into it and into a frame's whole document. */
async function render(page: Page, markdown: string): Promise<{ dialogs: string[]; hrefs: string[]; handlers: string[] }> {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`${site.origin}/viewer`);
  const found = await page.evaluate(async (md) => {
    const html = (window as unknown as { marked: { parse(s: string, o: object): string } }).marked.parse(md, { async: false, gfm: true });
    const out = document.getElementById('out')!;
    out.innerHTML = html;
    const frame = document.createElement('iframe');
    const loaded = new Promise((r) => frame.addEventListener('load', r, { once: true }));
    frame.srcdoc = `<!doctype html><html><body>${html}</body></html>`;
    document.body.append(frame);
    await loaded;
    // A handler that waits for the pointer runs when the pointer comes: give every element a visit.
    const all = [...out.querySelectorAll('*'), ...frame.contentDocument!.body.querySelectorAll('*')];
    for (const el of all) for (const type of ['mouseover', 'mouseenter', 'focus']) el.dispatchEvent(new Event(type));
    await new Promise((r) => setTimeout(r, 1500));
    return {
      // A link whose target runs script runs when clicked.
      hrefs: all.flatMap((el) => (el.hasAttribute('href') ? [el.getAttribute('href')!] : [])),
      handlers: all.flatMap((el) => el.getAttributeNames().filter((n) => /^on/i.test(n)).map((n) => `${el.tagName.toLowerCase()}[${n}]`)),
    };
  }, markdown);
  return { dialogs, ...found };
}

/** Everything a render caused beyond loading the viewer and the renderer. */
async function effects(markdown: string): Promise<string[]> {
  const page = await browser.newPage();
  const from = site.log.length;
  const external: string[] = [];
  // Nothing leaves the machine: a request to any other host is written down and refused.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${site.origin}/`)) return route.continue();
    external.push(url);
    return route.abort();
  });
  try {
    const r = await render(page, markdown);
    const requests = site.log.slice(from).map((l) => l.path).filter((p) => p !== '/viewer' && p !== '/marked.js' && p !== '/favicon.ico');
    const scriptLinks = r.hrefs.filter((h) => !/^(https?:|mailto:)/i.test(h.trim()));
    return [...requests.map((p) => `request ${p}`), ...external.map((u) => `external ${u}`), ...r.dialogs.map((d) => `dialog ${d}`), ...scriptLinks.map((h) => `link ${h}`), ...r.handlers.map((h) => `handler ${h}`)];
  } finally {
    await page.close();
  }
}

beforeAll(async () => {
  const markedJs = readFileSync(createRequire(import.meta.url).resolve('marked').replace(/[^/]+$/, 'marked.umd.js'));
  site = await startSite({
    '/viewer': { body: '<!doctype html><html><head><meta charset="utf-8"><script src="/marked.js"></script></head><body><div id="out"></div></body></html>' },
    '/marked.js': { body: markedJs, headers: { 'content-type': 'text/javascript' } },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'] });
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('Markdown written to exports and releases, rendered in Chromium', () => {
  it('the raw vectors do run and load when rendered the same way (the check can fail)', async () => {
    const seen = await effects(vectors(site.origin).join('\n\n'));
    const kinds = new Set(seen.map((s) => s.split(' ')[0]));
    // Scripts ran (fetches from handlers, a dialog), images loaded, script links and handlers were written.
    for (const k of ['request', 'external', 'dialog', 'link', 'handler']) expect(kinds, seen.join('\n')).toContain(k);
    expect(seen).toContain(`request /xss-md-image`);
    expect(seen.some((s) => s.startsWith('request /xss-script') || s.startsWith('request /xss-img-onerror'))).toBe(true);
  });

  it('the Markdown export of a hostile thread runs nothing and loads nothing', async () => {
    const md = exportEntries(await hostileEntries(site.origin), 'markdown').text;
    expect(await effects(md)).toEqual([]);
  });

  it("a release's dataset card and attribution from a hostile thread run nothing and load nothing", async () => {
    const files = buildDataset(await hostileEntries(site.origin), { release: 'v1', name: `<img src="${site.origin}/xss-release-name">` });
    const card = files.get('README.md')!;
    // The YAML front matter is read as data by dataset hosts, not rendered as Markdown: the card's body is.
    const body = card.slice(card.indexOf('\n---\n', 4) + 5);
    expect(await effects(body)).toEqual([]);
    expect(await effects(files.get('ATTRIBUTION.md')!)).toEqual([]);
    for (const [name, text] of files) if (name.endsWith('.md') && name !== 'README.md' && name !== 'ATTRIBUTION.md') expect(await effects(text), name).toEqual([]);
  });
});
