import { lineOf, textMayMatch, textOf } from '../extract/dom.ts';
import { ccTextToSpdx, ccUrlToSpdx } from './cc.ts';
import { active, candidatesOf, descendantsWith, firstAfter, hasClass, lastInside, orderOf, queryAllWhere, type PageSignals } from '../extract/page-signals.ts';

/** A licence the page declares, and where on the page it says so. Same shape as `Thread.licenseHints`. */
export interface LicenseHint {
  license: string;
  evidence: string;
}

const META_NAMES = new Set(['license', 'dc.rights', 'dcterms.license', 'dc.license', 'dcterms.rights']);

/** A licence from a value that may be a CC URL or prose naming a CC licence. */
function fromValue(value: string): { id: string; ported: string | null } | null {
  const v = value.trim();
  if (!v) return null;
  if (/creativecommons\.org\//i.test(v)) {
    const url = /https?:\/\/[^\s"'<>]+|\/\/[^\s"'<>]+/i.exec(v)?.[0] ?? v;
    const r = ccUrlToSpdx(url.startsWith('//') ? `https:${url}` : url);
    if (r) return r;
  }
  const t = ccTextToSpdx(v)[0];
  return t ? { id: t.id, ported: t.ported } : null;
}

function portNote(ported: string | null): string {
  return ported ? ` (the ${ported} port, which SPDX does not list; read as the unported licence of the same version)` : '';
}

/** Every `license` value in a JSON-LD graph, however nested (`@graph`, arrays, `mainEntity`). */
function jsonLdLicenses(node: unknown, out: string[], depth = 0): void {
  if (depth > 8 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) jsonLdLicenses(n, out, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === 'license' || k === 'schema:license') {
      for (const one of Array.isArray(v) ? v : [v]) {
        if (typeof one === 'string') out.push(one);
        else if (one && typeof one === 'object') {
          const o = one as Record<string, unknown>;
          for (const key of ['url', '@id', 'name']) if (typeof o[key] === 'string') out.push(o[key] as string);
        }
      }
    } else if (v && typeof v === 'object') {
      jsonLdLicenses(v, out, depth + 1);
    }
  }
}

/**
 * Licences the page itself declares, strongest signal first: `rel=license` links, licence meta tags,
 * JSON-LD `license`, then CC links and wording in the footer. Pure: reads the DOM, fetches nothing.
 * Deduplicated by licence, keeping the strongest evidence for each.
 */
const CC_WORDS = /cc|creative/i;

// Each query below also states the selector as code, so linkedom need not compile it per candidate.
const withRel = (el: Element) => el.localName === 'a' || el.localName === 'link' || el.localName === 'area';
const jsonLd = (el: Element) => (el.getAttribute('type') ?? '').toLowerCase() === 'application/ld+json';
const isFooter = (el: Element) =>
  el.localName === 'footer' || el.id === 'footer' || el.id === 'page-footer' || hasClass(el, 'footer') || el.getAttribute('role') === 'contentinfo';

/** Adds a licence to `found` unless it is there already (the first evidence, the strongest, is kept). */
function addHint(found: LicenseHint[], r: { id: string; ported: string | null } | null, evidence: string): void {
  if (r && !found.some((f) => f.license === r.id)) found.push({ license: r.id, evidence: evidence + portNote(r.ported) });
}

const FOOTERS = 'footer, #footer, .footer, [role="contentinfo"], #page-footer';
const FOOTER_KEYS = ['footer', '#footer', '.footer', '[role]', '#page-footer'];

/**
 * `queryAllWhere(doc, FOOTERS, FOOTER_KEYS, isFooter)`: each key's list is in document order already, so
 * where one key's footers hold every other key's (a comment page's `footer` elements, one per comment, and
 * the site's `<footer role="contentinfo">`), that list is the answer, without the union sorted by position.
 */
function footersOf(doc: Document, s: PageSignals): Element[] {
  const lists: Element[][] = [];
  for (const key of FOOTER_KEYS) {
    const list = candidatesOf(s, key).filter(isFooter);
    if (list.length) lists.push(list);
  }
  if (lists.length < 2) return lists[0] ?? [];
  const most = lists.reduce((a, b) => (b.length > a.length ? b : a));
  const held = new Set(most);
  return lists.every((l) => l === most || l.every((el) => held.has(el))) ? most : queryAllWhere(doc, FOOTERS, FOOTER_KEYS, isFooter);
}

export function detectPageLicense(doc: Document, url: string): LicenseHint[] {
  const found: LicenseHint[] = [];
  // While an extraction runs, the index's `rel` list (links, areas and forms, in document order) is read
  // as it is: a query would copy it, every commenter's link included, through a set that removes no duplicate.
  const index = active(doc);
  for (const el of index ? candidatesOf(index, '[rel]') : queryAllWhere(doc, 'a[rel], link[rel], area[rel]', ['[rel]'], withRel)) {
    if (!withRel(el)) continue;
    const value = el.getAttribute('rel') ?? '';
    // Most are a blog's `nofollow ugc` on every commenter's link: split only a value that can name the licence.
    if (!/license/i.test(value) || !value.toLowerCase().split(/\s+/).includes('license')) continue;
    const href = el.getAttribute('href') ?? '';
    const tag = el.tagName.toLowerCase();
    let abs = href;
    try {
      abs = new URL(href, url).toString();
    } catch {
      /* keep the raw value: it is only evidence text */
    }
    const r = ccUrlToSpdx(abs) ?? fromValue(lineOf(el));
    addHint(found, r, `<${tag} rel="license"> to ${abs}`);
  }

  for (const el of queryAllWhere(doc, 'meta[name]', ['meta'], (m) => m.hasAttribute('name'))) {
    const name = (el.getAttribute('name') ?? '').toLowerCase();
    if (!META_NAMES.has(name)) continue;
    const content = el.getAttribute('content') ?? '';
    addHint(found, fromValue(content), `<meta name="${name}" content="${content.trim().slice(0, 200)}">`);
  }

  for (const s of queryAllWhere(doc, 'script[type="application/ld+json" i]', ['script'], jsonLd)) {
    let data: unknown;
    try {
      data = JSON.parse(s.textContent ?? '');
    } catch {
      continue; // Broken JSON-LD is common and says nothing reliable.
    }
    const values: string[] = [];
    jsonLdLicenses(data, values);
    for (const v of values) addHint(found, fromValue(v), `JSON-LD "license": ${v.slice(0, 200)}`);
  }

  const footers = index ? footersOf(doc, index) : queryAllWhere(doc, FOOTERS, FOOTER_KEYS, isFooter);
  const ccLink = (a: Element) => {
    const href = a.getAttribute('href') ?? '';
    if (href.includes('creativecommons.org/')) addHint(found, ccUrlToSpdx(href), `footer link to ${href}`);
  };
  // The footers come in document order, and so do the page's links: each footer's links are searched
  // for from where the last footer's began, not in the whole list.
  const links = index ? candidatesOf(index, 'a') : [];
  let next = 0;
  for (const footer of footers) {
    // 'a[href*="creativecommons.org/"]' within the footer
    const from = index && orderOf(index, footer);
    const to = index && lastInside(index, footer);
    if (index && from !== undefined && to !== undefined) {
      next = firstAfter(index, links, from, next);
      for (let k = next; k < links.length && orderOf(index, links[k]!)! <= to; k++) ccLink(links[k]!);
    } else for (const a of descendantsWith(footer, 'a')) ccLink(a);
    // Most footers found are posts' own (a comment's byline in `footer.comment-meta`): one that cannot
    // name a licence in words is not read. Every pattern of ccTextToSpdx holds "CC" or "Creative".
    if (!textMayMatch(footer, CC_WORDS)) continue;
    const text = textOf(footer);
    for (const m of ccTextToSpdx(text)) addHint(found, m, `footer text "${m.match}"`);
  }
  return found;
}
