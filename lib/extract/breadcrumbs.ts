import { candidatesOf, holds, signalsOf, sortedByPosition, type PageSignals } from './page-signals.ts';
import { firstWithin, is, within } from './select.ts';

/**
 * The navigation trail a forum prints above a thread (Board index › Strategy games › Chess): where the
 * thread sits in the community, which the curate view offers as the entry's hobby and subject.
 *
 * Read from what pages share rather than from one engine's classes, most reliable first: schema.org
 * `BreadcrumbList` in JSON-LD, then in microdata, then the first container labelled as a breadcrumb
 * (`aria-label`, or a class or id naming it: XenForo, phpBB, vBulletin, Discourse, WordPress themes and
 * most others use the word), then SMF's `linktree` and vBulletin 3's `navbar` links.
 */

export interface Crumb {
  name: string;
  url: string | null;
}

const MAX_CRUMBS = 12;
const MAX_NAME = 200;

const clean = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME);

/** JSON-LD written by templates that escaped the name twice ("Services &amp; Support"). */
const unescapeEntities = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|apos|#39|#(\d{1,6})|#x([0-9a-f]{1,6}));/gi, (m, name: string, dec?: string, hex?: string) => {
    const code = dec ? Number(dec) : hex ? parseInt(hex, 16) : null;
    if (code !== null) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" } as Record<string, string>)[name.toLowerCase()] ?? m;
  });

function absolute(href: string | null | undefined, base: string): string | null {
  if (!href) return null;
  try {
    const u = new URL(href, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** Names that are separators or icons, not places. */
const NOT_A_NAME = /^[\s›»>/|:·•→←\-–—]*$/;

function tidy(crumbs: Crumb[], page: string): Crumb[] {
  const here = page.replace(/#.*$/, '');
  const out: Crumb[] = [];
  for (const c of crumbs) {
    if (NOT_A_NAME.test(c.name)) continue;
    // A link to a place on this same page ("Jump to", "Open quick navigation") is a control, not a crumb.
    if (c.url !== null && c.url.includes('#') && c.url.replace(/#.*$/, '') === here) continue;
    if (out.length && out.at(-1)!.name === c.name) continue;
    // The same trail printed twice in one box (above and below the thread): keep it once.
    if (out.length && c.name === out[0]!.name && c.url === out[0]!.url) break;
    out.push(c);
    if (out.length >= MAX_CRUMBS) break;
  }
  return out;
}

function fromJsonLd(s: PageSignals, base: string): Crumb[] {
  for (const script of candidatesOf(s, 'script').filter((el) => /^application\/ld\+json$/i.test(el.getAttribute('type')?.trim() ?? ''))) {
    const text = script.textContent ?? '';
    if (!/BreadcrumbList/.test(text) || text.length > 500_000) continue;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      continue;
    }
    // The list may stand alone, in an array, or in an @graph; it is never deeper in practice.
    const candidates: unknown[] = [];
    const push = (v: unknown) => (Array.isArray(v) ? candidates.push(...v) : candidates.push(v));
    push(data);
    for (const c of [...candidates]) if (c && typeof c === 'object' && '@graph' in c) push((c as { '@graph': unknown })['@graph']);
    for (const c of candidates) {
      if (!c || typeof c !== 'object') continue;
      const type = (c as { '@type'?: unknown })['@type'];
      if (!(type === 'BreadcrumbList' || (Array.isArray(type) && type.includes('BreadcrumbList')))) continue;
      const items = (c as { itemListElement?: unknown }).itemListElement;
      if (!Array.isArray(items)) continue;
      const crumbs = items
        .filter((i): i is Record<string, unknown> => !!i && typeof i === 'object')
        .map((i, at) => {
          const item = i.item;
          const inner = item && typeof item === 'object' ? (item as Record<string, unknown>) : null;
          const name = typeof i.name === 'string' ? i.name : typeof inner?.name === 'string' ? (inner.name as string) : '';
          const href = typeof item === 'string' ? item : typeof inner?.['@id'] === 'string' ? (inner['@id'] as string) : typeof inner?.url === 'string' ? (inner.url as string) : null;
          const position = typeof i.position === 'number' ? i.position : Number(i.position) || at + 1;
          return { position, crumb: { name: clean(unescapeEntities(name)), url: absolute(href, base) } };
        })
        .sort((a, b) => a.position - b.position)
        .map((x) => x.crumb);
      const tidied = tidy(crumbs, base);
      if (tidied.length) return tidied;
    }
  }
  return [];
}

function fromMicrodata(s: PageSignals, base: string): Crumb[] {
  const list = candidatesOf(s, '[itemtype]').find((el) => /BreadcrumbList/i.test(el.getAttribute('itemtype') ?? ''));
  if (!list) return [];
  // Selectors compiled once (select.ts), where linkedom compiles one on every call.
  const crumbs = within(list, '[itemprop~="itemListElement"]').map((el) => {
    const nameEl = firstWithin(el, '[itemprop~="name"]');
    const itemEl = is(el, '[itemprop~="item"]') ? el : firstWithin(el, '[itemprop~="item"]');
    const href = itemEl?.getAttribute('href') ?? itemEl?.getAttribute('itemid') ?? itemEl?.getAttribute('content') ?? firstWithin(el, 'a[href]')?.getAttribute('href');
    return { name: clean(nameEl?.getAttribute('content') ?? nameEl?.textContent ?? el.textContent ?? ''), url: absolute(href, base) };
  });
  return tidy(crumbs, base);
}

/** Class and id words that label a trail's box (XenForo, phpBB, vBulletin, Discourse, WordPress themes: "breadcrumb" or "bread-crumbs"; SMF: linktree; phpBB 3.0: navlinks). */
const BOX_WORD = /bread-?crumb|^crumbs$|linktree|^navlinks$/i;

/** The boxes labelled as a trail, in document order: looked up in the page index, never by matching every element. */
function boxes(s: PageSignals): Element[] {
  const found = new Set<Element>();
  // Every class word and id of the page is tested: by key, where iterating entries made a pair for each.
  for (const word of s.byClass.keys()) if (BOX_WORD.test(word)) for (const el of s.byClass.get(word)!) found.add(el);
  for (const id of s.byId.keys()) if (BOX_WORD.test(id)) for (const el of s.byId.get(id)!) found.add(el);
  for (const el of candidatesOf(s, '[aria-label]')) if (/breadcrumb/i.test(el.getAttribute('aria-label') ?? '')) found.add(el);
  const ordered = sortedByPosition(s, [...found]);
  // The outermost box: one inside another is the same trail.
  return ordered.filter((el) => !ordered.some((o) => o !== el && holds(o, el)));
}

/** The element's class words. Read as an attribute node: linkedom answers `getAttribute('class')` by building a token list and joining it. */
const classes = (el: Element) => (el.getAttributeNode('class')?.value ?? '').split(/\s+/);

/**
 * One crumb: Bootstrap's `breadcrumb-item`, phpBB 3.1+ `crumb`, XenForo 1 `crust`, vBulletin 4 `navbit`,
 * Vanilla `CrumbLabel`, schema.org and data-vocabulary items. Tested as code, not as a selector list:
 * linkedom compiles a selector on every call.
 */
function isItem(el: Element): boolean {
  if (/Breadcrumb/i.test(el.getAttribute('itemtype') ?? '') || /(^|\s)itemListElement(\s|$)/.test(el.getAttribute('itemprop') ?? '')) return true;
  return classes(el).some((c) => /^(crumb|crust|navbit)$/i.test(c) || /crumblabel|breadcrumbs?-item|breadcrumb__item|crumb[-_]item/i.test(c));
}

/** Drop-downs inside a trail (phpBB's jump box, XenForo's quick navigation) list every forum, not the way here. */
function inMenu(el: Element, box: Element): boolean {
  for (let at: Element | null = el; at && at !== box; at = at.parentElement) {
    if (at.tagName === 'SELECT' || at.hasAttribute('hidden') || at.getAttribute('role') === 'menu') return true;
    if (classes(at).some((c) => /dropdown|jumpbox|jumpmenu/i.test(c) || c === 'rightside')) return true;
  }
  return false;
}

function fromMarkup(s: PageSignals, base: string): Crumb[] {
  for (const box of boxes(s).slice(0, 20)) {
    // A box's links, in order; a box without usable links is passed over for the next.
    // Where the box marks its items as crumbs, only their links count: the rest of the bar is controls
    // (phpBB's "Change font size", XenForo's "Log In" share the trail's list).
    const items = Array.from(box.querySelectorAll('*')).filter(isItem);
    const links = Array.from(box.getElementsByTagName('a')).filter(
      (a) => a.hasAttribute('href') && (!items.length || items.some((i) => holds(i, a))) && !inMenu(a, box),
    );
    const crumbs = links
      .map((a) => ({ name: clean(a.getAttribute('title') && !a.textContent?.trim() ? a.getAttribute('title')! : a.textContent ?? ''), url: absolute(a.getAttribute('href'), base) }))
      .filter((c) => c.url !== null); // javascript: and empty links open menus
    const tidied = tidy(crumbs, base);
    // A trail is short: a box of many links labelled "breadcrumb" is a menu.
    if (tidied.length && links.length <= MAX_CRUMBS + 4) return tidied;
  }
  // vBulletin 3 writes the trail as `navbar` cells and spans (a `.navbar` elsewhere is a site menu).
  const bars = (s.byClass.get('navbar') ?? []).filter((el) => /^(td|span)$/i.test(el.tagName));
  const navbits = bars.flatMap((el) => Array.from(el.getElementsByTagName('a')).filter((a) => a.hasAttribute('href'))).slice(0, MAX_CRUMBS);
  return tidy(navbits.map((a) => ({ name: clean(a.textContent ?? ''), url: absolute(a.getAttribute('href'), base) })), base);
}

/** The page's breadcrumb trail, outermost first; empty when the page prints none. */
export function readBreadcrumbs(doc: Document, url: string): Crumb[] {
  const s = signalsOf(doc);
  const found = fromJsonLd(s, url);
  if (found.length) return found;
  const micro = fromMicrodata(s, url);
  if (micro.length) return micro;
  return fromMarkup(s, url);
}
