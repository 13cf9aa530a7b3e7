import { lineOf, metaContent } from '../dom.ts';
import { queryFirst } from '../page-signals.ts';
import { closest, firstWithin } from '../select.ts';
import { F_HEADING, F_IN_QUOTE, type PageIndex } from './walk.ts';

/**
 * The thread's title on a page no adapter knows. The page's first heading is often the site's name
 * (a logo `<h1>` linking home: FluxBB, Inyoka, phpBB's prosilver, WordPress themes) and `<title>`
 * usually carries the site's name too ("Topic - Forum - Site", "Site • View topic - Topic"). What holds
 * on every engine: the thread's heading stands above its first post and repeats a part of `<title>` (or
 * og:title) that ends at a separator. So the title is, in order:
 * 1. the last heading before the first post's body whose words are such a part of `<title>` or og:title
 *    ("Thema: X" counts as X), unless it links home or is og:site_name;
 * 2. the last such heading that shares most of its words with the title part of `<title>` (a blog whose
 *    `<title>` shortens the article's heading);
 * 3. a subject heading in the opening post's header, when `<title>` names only the site or section;
 * 4. og:title, else `<title>`, without the parts that name the site (og:site_name; else the longest part
 *    is taken for the topic, the rest being forum and site names).
 * Headings inside the posts (each reply's "Re: …" subject) are never candidates.
 */

const SEPARATORS = /\s+(?:[-|•·›»–—~/]|::?)\s+|\s*[|•›»]\s*/;
/** What may stand between a part of `<title>` and the next: a separator, a comma, or a bracketed aside ("(View topic)"). */
const BOUNDARY_AFTER = /^(?:\s*(?:[-|•·›»–—~/,:]|::)|\s+\()/;
const BOUNDARY_BEFORE = /(?:(?:[-|•·›»–—~/:]|::)\s*)$/;
/** A label before a heading's title ("Thema:", "Thread:", "THEMA:"). */
const LABEL = /^[\p{L}]{2,20}\s*:\s+/u;

/** The mark of a reply's subject ("Re: Topic", "AW: Thema", "Sv: Emne"): the first post on a later page is a reply. */
const REPLY_PREFIX = /^(?:re|aw|sv|antw|odp|vs|r)\s*(?:\^\d+|\[\d+\])?\s*:\s*/i;

const fold = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** Whether `part` stands in `whole` between separators (or at its ends). */
function isPartOf(part: string, whole: string): boolean {
  if (!part || !whole) return false;
  if (part === whole) return true;
  for (let at = whole.indexOf(part); at >= 0; at = whole.indexOf(part, at + 1)) {
    const before = whole.slice(0, at);
    const after = whole.slice(at + part.length);
    if ((before === '' || BOUNDARY_BEFORE.test(before)) && (after === '' || BOUNDARY_AFTER.test(after))) return true;
  }
  return false;
}

/** The heading names the site: its link goes to the site's root (or says rel=home), or it is og:site_name. */
function namesSite(h: Element, text: string, siteName: string): boolean {
  if (siteName && (text === siteName || text.endsWith(` ${siteName}`))) return true;
  // A link around the heading counts when it holds little more than the heading (an unclosed anchor may hold the page).
  // Compiled once (select.ts), where linkedom compiles a selector on every call.
  const around = closest(h, 'a[href]');
  const link = around && lineOf(around).length <= text.length + 20 ? around : firstWithin(h, 'a[href]');
  if (!link) return false;
  if (/\bhome\b/i.test(link.getAttribute('rel') ?? '')) return true;
  const href = (link.getAttribute('href') ?? '').trim();
  if (!href || href.startsWith('#')) return false;
  // An archived or proxied page links to the archived URL: the last absolute address in it is the target.
  const target = /https?:\/\/[^]*$/i.exec(href.replace(/^[^]*(?=https?:\/\/)/i, ''))?.[0] ?? href;
  const path = /^(?:https?:)?\/\/[^/?#]*([^?#]*)/i.exec(target)?.[1] ?? target.replace(/[?#].*$/, '');
  return /^(?:\.?\/)?(?:index\.\w+)?$/i.test(path);
}

const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** The part of a `<title>` that names the topic: the longest part once the site's name is left out. */
function topicPart(title: string, siteName: string): string {
  const parts = title.split(SEPARATORS).map((p) => p.trim()).filter((p) => p && fold(p) !== siteName);
  if (parts.length <= 1) return parts[0] ?? title;
  return parts.reduce((a, b) => (b.length > a.length ? b : a));
}

/** og:title or `<title>` without the site's name. */
function fromTitle(og: string, title: string, siteName: string): string {
  if (og) {
    if (!siteName) return og;
    const parts = og.split(SEPARATORS);
    // Only the site's name at either end is left out; a topic with a dash in it stays whole.
    if (parts.length > 1 && fold(parts[parts.length - 1]!) === siteName) return og.slice(0, og.length - parts[parts.length - 1]!.length).replace(BOUNDARY_BEFORE, '').trim() || og;
    if (parts.length > 1 && fold(parts[0]!) === siteName) return og.slice(parts[0]!.length).replace(/^\s*(?:[-|•·›»–—~/:]|::)\s*/, '').trim() || og;
    return og;
  }
  return title ? topicPart(title, siteName) : '';
}

const anyTitle = () => true;

/**
 * `doc.title` as it reads before folding, its element found through the page index where linkedom walks
 * the whole head for it. The first title element of the document, when it lies in the head and holds
 * text alone, is the one the DOM and linkedom both read; any other case asks the document.
 */
function pageTitle(doc: Document): string {
  const el = queryFirst(doc, 'title', ['title'], anyTitle);
  const head = doc.documentElement?.firstElementChild;
  if (el && head && head.localName === 'head' && el.namespaceURI === 'http://www.w3.org/1999/xhtml' && !el.firstElementChild) {
    for (let a = el.parentElement; a; a = a.parentElement) if (a === head) return el.textContent ?? '';
  }
  return doc.title ?? '';
}

/** What a heading is taken for: nothing, the title as `<title>` has it, the same after a label, close to it. */
const NOTHING = 0;
const EXACT = 1;
const UNLABELLED = 2;
const CLOSE = 3;

export function threadTitle(doc: Document, ix: PageIndex, firstBlock: number, firstBody: number): string {
  const title = pageTitle(doc).replace(/\s+/g, ' ').trim();
  const og = (metaContent(doc, 'meta[property="og:title"]') ?? '').replace(/\s+/g, ' ').trim();
  const siteName = fold(metaContent(doc, 'meta[property="og:site_name"]') ?? '');
  const wholes = [fold(title), fold(og)].filter(Boolean);
  const topic = topicPart(og || title, siteName);
  const topicWords = new Set(words(topic));
  const foldedTopic = fold(topic);
  let exact = '';
  let close = '';
  /** A subject heading in the opening post's own header, above its words. */
  let own = '';
  for (let i = 1; i < firstBody && i < ix.tag.length; i++) {
    // F_HEADING marks exactly the h1, h2 and h3 elements.
    if ((ix.flags[i]! & (F_HEADING | F_IN_QUOTE)) !== F_HEADING) continue;
    const h = ix.els[i]!;
    const text = lineOf(h);
    if (!text || text.length > 300) continue;
    const folded = fold(text);
    // What the heading would be taken for, found before asking whether it names the site (its links
    // searched), which only a heading taken for something needs.
    const unlabelled = folded.replace(LABEL, '');
    let kind = NOTHING;
    if (wholes.some((w) => isPartOf(folded, w))) kind = EXACT;
    else if (unlabelled !== folded && wholes.some((w) => isPartOf(unlabelled, w))) kind = UNLABELLED;
    else if (topicWords.size >= 2 && !folded.includes(foldedTopic)) {
      const own = words(text);
      const shared = own.filter((w) => topicWords.has(w)).length;
      if (shared >= topicWords.size * 0.6 && shared >= own.length * 0.4) kind = CLOSE;
    }
    if ((kind === NOTHING && i <= firstBlock) || namesSite(h, folded, siteName)) continue;
    if (i > firstBlock) own = text.replace(REPLY_PREFIX, '');
    if (kind === EXACT) exact = text;
    else if (kind === UNLABELLED) exact = text.replace(LABEL, '');
    else if (kind === CLOSE) close = text;
  }
  if (exact || close || own) return exact || close || own;
  // A page without <title> (a saved fragment): its first main heading, as it stands.
  if (!wholes.length) {
    const h1 = ix.tag.indexOf('h1');
    return h1 >= 0 ? lineOf(ix.els[h1]).replace(LABEL, '') : '';
  }
  return fromTitle(og, title, siteName) || title;
}
