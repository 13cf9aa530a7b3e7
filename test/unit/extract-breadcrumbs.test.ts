import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractCorpus, extractText } from '../support/extract.ts';
import { readBreadcrumbs } from '../../lib/extract/breadcrumbs.ts';
import { domainSuggestions } from '../../lib/curate/domain.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';

const EXPECT = join(import.meta.dirname, '../expect');
const page = (expectFile: string) => JSON.parse(readFileSync(join(EXPECT, expectFile), 'utf8')) as { file: string; url: string };

/**
 * One page per engine (and markup family), read through the whole extraction: the trail each prints
 * above its thread, as a reader sees it. The rules are shared (schema.org, aria-label, "breadcrumb"
 * boxes and crumb items); these pages cover each way of writing it that the corpus holds.
 */
const TRAILS: [string, string][] = [
  ['xenforo--katzen-forum-pepe.json', 'Katzen Forum › Allgemeines Forum › Freigänger'], // XenForo 2: schema.org microdata
  ['xenforo--gtplanet-378195.json', 'Forums › Games › F1 Series › F1 2018'], // XenForo 1: crust items; the bar's own links left out
  ['phpbb--openoffice-82202.json', 'Board index › Getting started › Beginners'], // phpBB 3.0 navlinks; font size and print view left out
  ['phpbb--airliners-1437935.json', 'Airliners.net › Aviation Forums › Civil Aviation'], // phpBB 3.2: the jump box's forum list left out
  ['vbulletin--pocketpc-page34.json', 'Home › Forum › Weitere Geräte › Windows Phone 7 › Windows Phone 7 Allgemein'], // vBulletin 4 navbits
  ['vanilla--scope-68941.json', "Home › Scope's online community › Disabled parents"], // Vanilla CrumbLabel
  ['invision--neowin-1393830.json', 'Neowin Services & Support › Introduce Yourself'], // JSON-LD, a name escaped twice
  ['fluxbb--archlinux-249553.json', 'Index › Kernel & Hardware › Thinkpad Thunderbolt 3 Dock does not work correctly after replug'],
  ['custom_forum--healingwell-f34-m4099304.json', "Chronic Illness Forums › Parkinson's Disease"], // "bread-crumbs"
  ['discourse--blizzard-wow-499760.json', 'WoW Classic › WoW Classic General Discussion'],
];

describe('the trail above a thread', () => {
  it.each(TRAILS)('%s', (file, trail) => {
    const { file: rel, url } = page(file);
    const thread = extractCorpus(rel, url);
    expect(thread.breadcrumbs?.map((c) => c.name).join(' › ')).toBe(trail);
    // Each place links to its page on the same site, never to a script or this page's own anchors.
    for (const c of thread.breadcrumbs!) if (c.url) expect(new URL(c.url).protocol).toMatch(/^https?:$/);
  });

  it('leaves the field out where a page prints no trail', () => {
    const { file, url } = page('hackernews--2015-xcode7.json');
    expect(extractCorpus(file, url).breadcrumbs).toBeUndefined();
  });
});

const doc = (body: string, head = '') => linkedomKit.parseHtml(`<!doctype html><html><head>${head}</head><body>${body}</body></html>`);
const BASE = 'https://forum.example/t/42';

describe('reading a trail from hostile or odd markup', () => {
  it('orders JSON-LD items by position, resolves relative links and skips broken scripts', () => {
    const ld = JSON.stringify({ '@context': 'https://schema.org', '@graph': [{ '@type': 'WebPage' }, { '@type': 'BreadcrumbList', itemListElement: [
      { '@type': 'ListItem', position: 2, name: 'Chess', item: '/c/chess' },
      { '@type': 'ListItem', position: 1, name: 'Games', item: { '@id': 'https://forum.example/c/games' } },
      { '@type': 'ListItem', position: 3, name: 'Openings' },
    ] }] });
    const d = doc('<p>x</p>', `<script type="application/ld+json">{not json</script><script type="application/ld+json">${ld}</script>`);
    expect(readBreadcrumbs(d, BASE)).toEqual([
      { name: 'Games', url: 'https://forum.example/c/games' },
      { name: 'Chess', url: 'https://forum.example/c/chess' },
      { name: 'Openings', url: null },
    ]);
  });

  it('drops script links and same-page controls, and refuses a "breadcrumb" box that is a whole menu', () => {
    const d = doc(`<nav aria-label="Breadcrumb"><a href="/">Home</a> › <a href="javascript:alert(1)">Evil</a> <a href="#top">Jump</a> <a href="/f/1">Board</a></nav>`);
    expect(readBreadcrumbs(d, BASE).map((c) => c.name)).toEqual(['Home', 'Board']);
    const menu = doc(`<div class="breadcrumb">${Array.from({ length: 40 }, (_, i) => `<a href="/c/${i}">Category ${i}</a>`).join('')}</div>`);
    expect(readBreadcrumbs(menu, BASE)).toEqual([]);
  });

  it('caps names and length, and keeps a trail printed twice in one box once', () => {
    const long = 'x'.repeat(5000);
    const d = doc(`<div class="breadcrumbs"><a href="/">Home</a><a href="/a">${long}</a><a href="/">Home</a><a href="/a">${long}</a></div>`);
    const trail = readBreadcrumbs(d, BASE);
    expect(trail.map((c) => c.name.length)).toEqual([4, 200]);
    const ld = JSON.stringify({ '@type': 'BreadcrumbList', itemListElement: Array.from({ length: 500 }, (_, i) => ({ position: i + 1, name: `n${i}` })) });
    expect(readBreadcrumbs(doc('', `<script type="application/ld+json">${ld}</script>`), BASE)).toHaveLength(12);
  });

  it('reaches the extraction result of a page with posts', () => {
    const posts = Array.from({ length: 3 }, (_, i) => `<article class="post" id="p${i}"><a class="username" href="/members/u${i}">user${i}</a><time datetime="2024-01-0${i + 1}T10:00:00Z">Jan ${i + 1}</time><div class="content">Post number ${i} says something long enough to count as a message.</div></article>`).join('');
    const t = extractText(`<html><body><ol class="breadcrumb"><li class="breadcrumb-item"><a href="/">Forum</a></li><li class="breadcrumb-item"><a href="/f/chess">Chess</a></li></ol><main>${posts}</main></body></html>`, BASE);
    expect(t.breadcrumbs).toEqual([{ name: 'Forum', url: 'https://forum.example/' }, { name: 'Chess', url: 'https://forum.example/f/chess' }]);
  });
});

describe('subject and hobby suggestions from the trail', () => {
  it('offers the board first as subject and the broad place first as hobby, without the site home or the thread', () => {
    const s = domainSuggestions({
      title: 'Best opening for beginners?',
      breadcrumbs: [
        { name: 'Board index', url: 'https://forum.example/index.php' },
        { name: 'Board games', url: 'https://forum.example/f/1' },
        { name: 'Chess', url: 'https://forum.example/f/2' },
        { name: 'Best opening for beginners?', url: null },
      ],
    });
    expect(s).toEqual({ subjects: ['Chess', 'Board games'], hobbies: ['Board games', 'Chess'] });
    // Two places, the first not the site's root: both are places.
    expect(domainSuggestions({ title: 'T', breadcrumbs: [{ name: 'WoW Classic', url: 'https://f.example/c/classic' }, { name: 'General', url: 'https://f.example/c/classic/general' }] }).subjects).toEqual(['General', 'WoW Classic']);
    expect(domainSuggestions({ title: 'T' })).toEqual({ subjects: [], hobbies: [] });
  });
});
