import { markPostBody, queryFirst, tapeInside } from './page-signals.ts';
import { sel, within } from './select.ts';

/**
 * DOM helpers shared by the adapters. They use only the standard DOM API, so the same code runs in
 * the page (injected by the extension) and in Node under linkedom (CLI, tests).
 */

/** Tag names as `localName` gives them (lower case): `tagName` is upper-cased anew on every read under linkedom. */
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure',
  'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre',
  'section', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul',
]);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'button', 'select', 'textarea', 'iframe', 'object']);

/** Elements never kept in stored post HTML. Display sanitizes again; this only keeps storage lean and inert. */
const DROP_IN_HTML = 'script, style, noscript, template, iframe, frame, object, embed, form, input, button, select, textarea, link, meta, base';
/** The same list as tag names: checked while walking, since a selector this long costs ~1 ms to compile under linkedom. */
const DROP_TAGS = new Set(DROP_IN_HTML.split(', '));

const inertDocs = new WeakMap<Document, Document>();

/**
 * A deep copy in a document with no browsing context. Copying inside the live page would start loading
 * every image the copy holds (tracking pixels included) with the extension's privileges; an inert
 * document loads nothing. linkedom has no `implementation` and loads nothing anyway.
 */
export function inertClone<T extends Element>(el: T): T {
  const owner = el.ownerDocument;
  const impl = owner?.implementation as DOMImplementation | undefined;
  if (!impl?.createHTMLDocument) return el.cloneNode(true) as T;
  let inert = inertDocs.get(owner);
  if (!inert) {
    inert = impl.createHTMLDocument('');
    inertDocs.set(owner, inert);
  }
  return inert.importNode(el, true) as T;
}

/**
 * Readable text of an element: block elements and <br> become line breaks, runs of blank space fold.
 * `exclude` removes matching descendants first (quotes, signatures, buttons).
 */
export function textOf(el: Element | null | undefined, exclude?: string): string {
  if (!el) return '';
  // Excluded parts are skipped while walking rather than removed from a copy: the same text, without
  // deep-copying every post (a large share of extraction time on long threads).
  const skip = exclude ? new Set<Node>(matchingWithin(el, exclude)) : null;
  return textSkipping(el, skip);
}

const readable = new Map<string, boolean>();

/**
 * Descendants of `el` matching `selector`: found through the page index with the selector compiled once
 * (select.ts) when its grammar reads it, else by the DOM. linkedom compiles a selector anew on every
 * `querySelectorAll`, which for a quote's excluded parts cost more than reading the quote.
 */
function matchingWithin(el: Element, selector: string): Element[] {
  let ok = readable.get(selector);
  if (ok === undefined) {
    try {
      sel(selector);
      ok = true;
    } catch {
      ok = false;
    }
    readable.set(selector, ok);
  }
  return ok ? within(el, selector) : Array.from(el.querySelectorAll(selector));
}

/**
 * Whether `textOf(el)` can hold a match of `letters`, a pattern of letters alone (no blank may be part of
 * a match). The walk writes each text node's letters as they are, in order, and only adds or folds blanks
 * between them, never removes one between two letters, and writes an image as its alt only when that is
 * a smiley (joined here the same way): so where `el` holds no element whose text the walk leaves out
 * (SKIP), its text can match only where its text nodes and smiley alts joined do. True whenever such an
 * element is there. For checks that read many boxes to find a few words.
 */
export function textMayMatch(el: Element, letters: RegExp): boolean {
  let raw = '';
  // While an extraction runs, the page index's tape holds the element's text nodes and elements in
  // document order: read there, rather than by linkedom's firstChild, nextSibling and parentNode.
  const tape = tapeInside(el);
  if (tape) {
    const { items, at, to } = tape;
    let next = tape.next;
    for (let k = tape.from; k < to; k++) {
      const item = items[k];
      if (item === null) continue;
      if (k !== at[next]) {
        raw += (item as Text).nodeValue ?? '';
        continue;
      }
      next++;
      const tag = (item as Element).localName.toLowerCase();
      // Template contents are not on the tape; SKIP holds templates, so the answer is true as the walk's.
      if (SKIP.has(tag)) return true;
      if (tag === 'img') {
        const alt = (item as Element).getAttribute('alt');
        if (alt && isSmileyAlt(alt)) raw += alt;
        // An image holds nothing (HTML parses it as void): its end follows. The walk would not read inside
        // one that held something, which the tape cannot leave out here: the walk answers then.
        if (items[k + 1] !== null) return textMayMatchByDom(el, letters);
      }
    }
    return letters.test(raw);
  }
  return textMayMatchByDom(el, letters);
}

/** `textMayMatch` by walking the DOM. */
function textMayMatchByDom(el: Element, letters: RegExp): boolean {
  let raw = '';
  let n: Node | null = el.firstChild;
  while (n) {
    if (n.nodeType === 3) raw += n.nodeValue ?? '';
    else if (n.nodeType === 1) {
      const tag = (n as Element).localName.toLowerCase();
      if (SKIP.has(tag)) return true;
      if (tag === 'img') {
        // The walk writes an image's alt only when it is a smiley, and then as it is: the same here, so a
        // comment footer's avatar no longer sends the whole footer through the walk.
        const alt = (n as Element).getAttribute('alt');
        if (alt && isSmileyAlt(alt)) raw += alt;
      } else if (n.firstChild) {
        n = n.firstChild;
        continue;
      }
    }
    while (n && n !== el && !n.nextSibling) n = n.parentNode;
    if (!n || n === el) break;
    n = n.nextSibling;
  }
  return letters.test(raw);
}

/** `textOf` with the excluded elements given as nodes, for callers that found them without a selector. */
export function textSkipping(el: Element | null | undefined, skip: Set<Node> | null): string {
  if (!el) return '';
  return walkParts(el, '', skip, null, true, false).text;
}

/*
 * Whitespace inside <pre> and <code> is meaning (indentation, ASCII tables), so it travels through
 * normaliseText as private-use stand-ins that the folding rules do not touch, and is restored after.
 */
const KEEP_SPACE = '\ue000';
const KEEP_TAB = '\ue001';
const KEEP_NL = '\ue002';
/** A form feed, which folding would turn into a space: still a blank beside a line break (`finishWalked`). */
const KEEP_FF = '\ue003';
/** The page's own U+0091, kept apart from the walk's line breaks (BREAK) until the text is folded. */
const KEEP_BREAK_CHAR = '\ue004';
const PRESERVE = new Set(['pre', 'code', 'listing', 'xmp', 'plaintext']);

/** Set when a walk wrote a stand-in (preformatted text, a page's own BREAK), so only then is the result searched for them. */
let keptWhitespace = false;

/**
 * A space `finishWalked` might fold: at either end of a piece (beside what the next piece writes), or
 * beside any blank. A single space between two other characters is left alone by the fold, as its
 * stand-in would be, so it stays a space: code is mostly such spaces, and writing and restoring a
 * stand-in for each was a quarter of reading a thread of logs. Every alternative starts with the space
 * itself (the blank before it is looked behind from after it), so the search skips from space to space:
 * an alternative opening with a look-behind was tried at every character of a long log.
 */
const FOLDABLE_SPACE = / (?=[\s\u0091\ue003])| (?<=[\s\u0091\ue003] )|^ | $/g;

function keepWhitespace(s: string): string {
  if (s.includes('\r')) s = s.replace(/\r\n?/g, '\n');
  if (s.includes(' ')) s = s.replace(FOLDABLE_SPACE, KEEP_SPACE);
  if (s.includes('\u00a0')) s = s.replaceAll('\u00a0', KEEP_SPACE);
  if (s.includes('\t')) s = s.replaceAll('\t', KEEP_TAB);
  if (s.includes('\n')) s = s.replaceAll('\n', KEEP_NL);
  if (s.includes('\f')) s = s.replaceAll('\f', KEEP_FF);
  return s;
}

/** Each stand-in back to what it stands for: one plain search per kind, no function called per character. */
function restoreWhitespace(s: string): string {
  if (s.includes(KEEP_SPACE)) s = s.replaceAll(KEEP_SPACE, ' ');
  if (s.includes(KEEP_TAB)) s = s.replaceAll(KEEP_TAB, '\t');
  if (s.includes(KEEP_NL)) s = s.replaceAll(KEEP_NL, '\n');
  if (s.includes(KEEP_FF)) s = s.replaceAll(KEEP_FF, '\f');
  if (s.includes(KEEP_BREAK_CHAR)) s = s.replaceAll(KEEP_BREAK_CHAR, BREAK);
  return s;
}

/**
 * What stands in the walked text for a piece of preformatted text kept aside (`preTexts`): a character
 * the fold leaves alone, like every character such a piece holds once its blanks are stand-ins.
 */
const PRE_PIECE = '\ue005';
/** Preformatted pieces kept aside during one walk, in order, each as the text gives it. */
const preTexts: string[] = [];
/** False while a walk is made again without keeping pieces aside (see `walkParts`). */
let preAside = true;
/**
 * Preformatted text the fold still works on after `keepWhitespace` (a form feed beside a break, rare
 * blanks it has no stand-in for), or that holds the stand-in for a piece kept aside: such text takes the
 * stand-in path.
 */
const FOLDED_IN_PRE = /[\v\f\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\ue000-\ue005]/;

/** `text` with each PRE_PIECE given back its piece; null when the page's own text held the character too. */
function withPreTexts(text: string): string | null {
  const parts = text.split(PRE_PIECE);
  if (parts.length !== preTexts.length + 1) return null;
  let out = parts[0]!;
  for (let k = 0; k < preTexts.length; k++) out += preTexts[k]! + parts[k + 1]!;
  return out;
}

/**
 * Text as the walk writes it: preformatted blanks and the page's own BREAK characters as stand-ins.
 * `mayHoldBreak` false when the caller has already searched `v` and found none.
 */
function walkedText(v: string, pre: boolean, mayHoldBreak = true): string {
  // The indentation between a template's elements: folded with what surrounds it to the same as one
  // space would be (see `plainBlanks`), and written so, a shorter run for the join and the fold.
  if (!pre && v.length > 1 && plainBlanks(v)) return ' ';
  if (pre) {
    // Preformatted text that holds no blank the fold would still touch comes out as written (line ends
    // made \n, no-break spaces plain): it waits aside, one PRE_PIECE in its place, where writing a
    // stand-in for every blank of a log and restoring each after the fold was most of reading it.
    if (preAside && v && !FOLDED_IN_PRE.test(v)) {
      preTexts.push((v.includes('\r') ? v.replace(/\r\n?/g, '\n') : v).replaceAll('\u00a0', ' '));
      return PRE_PIECE;
    }
    v = keepWhitespace(v);
  }
  // One memchr-like search per text node: a page holding U+0091 (mis-decoded Windows quotes do) keeps it.
  if (!mayHoldBreak || v.indexOf(BREAK) === -1) return v;
  keptWhitespace = true;
  return v.replaceAll(BREAK, KEEP_BREAK_CHAR);
}

/**
 * Whether `v` holds only blanks that `finishWalked` folds alike (space, tab, line feed, form feed,
 * carriage return). Such a text outside preformatted text joins the run of blank space and breaks around
 * it, and that run comes out the same with one space in its place: as many breaks, blanks all foldable,
 * and, where it stood alone between words, a space; removed at either end either way.
 */
function plainBlanks(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 9 && c !== 13 && c !== 12) return false;
  }
  return true;
}

/** `[ \t\r\n\f]+` except a single plain space: the same result as replacing every run, far fewer matches. */
const FOLD_BLANKS = /[\t\r\n\f\u00a0][ \t\r\n\f\u00a0]*| [ \t\r\n\f\u00a0]+/g;
/** `[ \t]+` except a single plain space. */
const FOLD_SPACES = /\t[ \t]*| [ \t]+/g;

/** Blank space (what `trim` removes) beside a line break, where there is some to remove. */
const AROUND_BREAK = /[^\S\n]+\n[^\S\n]*|\n[^\S\n]+/g;
/** Blanks `trim` removes that folding leaves: where none occurs, a space is the only blank beside a break. */
const RARE_BLANK = /[\t\v\f\r\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/**
 * Each line's runs of spaces and tabs folded to one space and the line trimmed, at most one blank line
 * in a row, the whole trimmed. The same as splitting into lines, but in whole-string passes that touch
 * only what changes: long threads have tens of thousands of lines.
 */
export function normaliseText(s: string): string {
  const folded = s.replace(/\u00a0/g, ' ').replace(FOLD_SPACES, ' ');
  // AROUND_BREAK tries a match at every space; with only single spaces left, two literal patterns do.
  const broken = RARE_BLANK.test(folded) ? folded.replace(AROUND_BREAK, '\n') : folded.replace(/ \n/g, '\n').replace(/\n /g, '\n');
  return broken.replace(/\n{3,}/g, '\n\n').trim();
}

/**
 * A line break the walk wrote (a <br>, a block's edge), held apart from the page's own blank space until
 * that is folded. U+0091, the control Unicode names PRIVATE USE ONE; a page's own (text whose Windows
 * quotes were decoded twice holds them) is written as a stand-in and given back. It is in Latin-1, so a
 * post written in Latin-1 letters stays a one-byte string through the walk and the fold; the
 * noncharacter used before made every post's text two-byte, twice the bytes to join and scan.
 */
const BREAK = '\u0091';
/**
 * `normaliseText` for what `walkBoth` wrote: the page's text as it is, written breaks and preformatted
 * stand-ins. The same as folding every run of blank space (FOLD_BLANKS) to a space, then replacing each
 * break with the blank space (`\s`) around it by a line break, then keeping one blank line at most and
 * trimming the whole (the tests check it against the plain reading), in one pass that stops only where
 * there is work: the three passes scanned each post's text three times and tried a match at every
 * space, a tenth of extraction on long threads. A preformatted form feed (KEEP_FF) counts as blank
 * beside a break, as the page's own would, but is not folded.
 */
function finishWalked(raw: string): string {
  const end = raw.length;
  let text = raw.replace(BLANK_WORK, (run: string, at: number) => {
    // Blank space at either end goes, as trim() takes it; written breaks keep lines apart.
    if (at === 0 || at + run.length === end) return '';
    let breaks = 0;
    let foldable = true; // only blanks FOLD_BLANKS folds
    for (let k = 0; k < run.length; k++) {
      const c = run.charCodeAt(k);
      if (c === BREAK_CODE) breaks++;
      else if (!(c === 32 || c === 9 || c === 10 || c === 12 || c === 13 || c === 0xa0)) foldable = false;
    }
    return breaks > 1 ? '\n\n' : breaks ? '\n' : foldable ? ' ' : run.replace(FOLD_BLANKS, ' ');
  });
  // A lone space at either end, which BLANK_WORK leaves alone.
  if (text.charCodeAt(0) === 32) text = text.slice(1);
  if (text.charCodeAt(text.length - 1) === 32) text = text.slice(0, -1);
  return keptWhitespace ? restoreWhitespace(text) : text;
}

/**
 * The blank space `finishWalked` has work to do on: a run of two or more blanks or breaks, or a single
 * one other than a plain space. A lone space between words, most blanks, is not even matched.
 */
const BLANK_WORK = /[\s\u0091\ue003]{2,}|[\t-\r\u0091\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\ue003]/g;

const BREAK_CODE = BREAK.charCodeAt(0);

/** Single-line text (names, titles). */
export function lineOf(el: Element | null | undefined): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Query parameters that identify a visit, not a page: phpBB `sid`, vBulletin `s`, PHP sessions, campaign tags. */
const SESSION_PARAM = /^(sid|s|PHPSESSID|utm_[\w-]*)$/i;

/**
 * The query without session parameters, every other byte kept. Not URLSearchParams: it re-encodes the
 * whole query, which turns SMF's `?action=profile;u=3` into `action=profile%3Bu%3D3`, a different page.
 * SMF also separates parameters with `;`, so both separators count.
 */
function withoutSessionParams(search: string): string {
  if (search.length < 2) return search;
  const tokens = search.slice(1).split(/(?=[&;])/);
  const kept = tokens.filter((t) => !SESSION_PARAM.test(decodeKey(t.replace(/^[&;]/, '').split('=')[0] ?? '')));
  if (kept.length === tokens.length) return search;
  const q = kept.join('').replace(/^[&;]+/, '');
  return q ? `?${q}` : '';
}

function decodeKey(k: string): string {
  try {
    return decodeURIComponent(k);
  } catch {
    return k;
  }
}

/**
 * `resolve(href, base)` with its answers remembered per base URL: a page repeats the same smiley,
 * avatar and profile links in every post, and parsing a URL costs more than the rest of a link's
 * handling. Bounded: a few bases, 20,000 answers each.
 */
export function rememberingUrls(resolve: (href: string, base: string) => string | null): (href: string | null | undefined, base: string) => string | null {
  const byBase = new Map<string, Map<string, string | null>>();
  return (href, base) => {
    if (!href) return null;
    let known = byBase.get(base);
    if (!known) {
      if (byBase.size > 16) byBase.clear();
      known = new Map();
      byBase.set(base, known);
    }
    const hit = known.get(href);
    if (hit !== undefined) return hit;
    const url = resolve(href, base);
    if (known.size >= 20_000) known.clear();
    known.set(href, url);
    return url;
  };
}

/** An absolute URL with tracking/session parameters dropped, or null. */
export const absUrl = rememberingUrls(resolveUrl);

function resolveUrl(href: string, base: string): string | null {
  const h = href.trim();
  if (!h || /^(javascript|data|vbscript):/i.test(h)) return null;
  try {
    const u = new URL(h, base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    const search = withoutSessionParams(u.search);
    return search === u.search ? u.href : u.href.replace(/\?[^#]*/, search);
  } catch {
    return null;
  }
}

/**
 * Post HTML kept for storage: active content removed, links made absolute, event handlers and script
 * URLs dropped, comments left out. Not a security boundary: every extension page sanitizes with
 * DOMPurify before display.
 *
 * Serialized while walking the page's own nodes, nothing copied: a deep copy of every post (then its
 * `innerHTML`) was most of the extraction time on long threads under linkedom, and a walk that only
 * reads creates no node that could start loading an image in the live page. The output follows the
 * HTML fragment serialization algorithm, so the browser and linkedom store the same markup.
 */
export function cleanHtml(el: Element | null | undefined, base: string, exclude?: string): string {
  if (!el) return '';
  const excluded = exclude ? new Set<Element>(matchingWithin(el, exclude)) : null;
  return cleanHtmlWhere(el, base, excluded ? (x) => excluded.has(x) : null);
}

/** `cleanHtml` with the excluded parts told by a test on each element rather than a selector. */
export function cleanHtmlWhere(el: Element | null | undefined, base: string, excluded: ((x: Element) => boolean) | null): string {
  if (!el) return '';
  markPostBody(el);
  return walkParts(el, base, null, excluded, false, true).html;
}

/** Elements with no end tag and no children in serialized HTML. */
const VOID = new Set(['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'frame', 'hr', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/** What a text node is searched for when it is written as both text and HTML: something to escape, or a BREAK character. */
const TEXT_SPECIAL = /[&<>\u00a0\u0091]/;

/**
 * Whether a text node holds a TEXT_SPECIAL character. A paragraph's text is searched for each character
 * alone: five plain searches ran about four times faster than the one class search over a post's words
 * (page text is mostly two-byte, sliced from the decoded page). The short blanks between elements,
 * where a call's cost is most of a search, keep the single search.
 */
function holdsTextSpecial(v: string): boolean {
  if (v.length < 32) return TEXT_SPECIAL.test(v);
  return v.includes('&') || v.includes('<') || v.includes('>') || v.includes('\u00a0') || v.includes(BREAK);
}
const ATTR_ESCAPE = /[&<>"\u00a0]/;
/** An attribute value escaped as the serializer escapes it (text's escapes and `"`). */
function escapeAttr(s: string): string {
  if (!ATTR_ESCAPE.test(s)) return s;
  s = escapedText(s);
  return s.includes('"') ? s.replaceAll('"', '&quot;') : s;
}

/**
 * Text escaped as the serializer escapes it: a plain search and replace per character present, `&`
 * first so that no escape is escaped again, rather than a function called per match.
 */
function escapedText(v: string): string {
  if (v.includes('&')) v = v.replaceAll('&', '&amp;');
  if (v.includes('<')) v = v.replaceAll('<', '&lt;');
  if (v.includes('>')) v = v.replaceAll('>', '&gt;');
  if (v.includes('\u00a0')) v = v.replaceAll('\u00a0', '&nbsp;');
  return v;
}

/**
 * The stored HTML of a post that has no body of its own, only a title, linking out when `link` is given
 * (link posts on Reddit and Hacker News): escaped as the serializer escapes a page's text.
 */
export function titlePostHtml(title: string, link?: string | null): string {
  const text = escapedText(title);
  return link ? `<p><a href="${escapeAttr(link)}">${text}</a></p>` : `<p>${text}</p>`;
}

/** A post body's own text (as `textSkipping` gives it) and its stored HTML (as `cleanHtmlWhere` gives it). */
export interface BodyParts {
  text: string;
  html: string;
}

/**
 * `textSkipping(el, skip)` and `cleanHtmlWhere(el, base, excluded)` from one walk over the body: on long
 * threads the two walks were a third of extraction, and each part of the body is visited once here.
 *
 * The walk writes pieces into two arrays kept between calls and joins each once: no rope of small
 * strings to build and flatten, and the stored HTML's blank lines are folded as its text pieces are
 * written rather than by another pass over the whole. Long threads allocated about 60 kB per post in
 * the two walks, and the collections that followed were a tenth of extraction.
 */
export function bodyParts(el: Element, base: string, skip: Set<Node> | null, excluded: ((x: Element) => boolean) | null = null): BodyParts {
  markPostBody(el);
  return walkParts(el, base, skip, excluded, true, true);
}

/** One `walkBoth` over `el`'s content, for its text, its stored HTML or both (the other is ''). */
function walkParts(el: Element, base: string, skip: Set<Node> | null, excluded: ((x: Element) => boolean) | null, text: boolean, html: boolean): BodyParts {
  keptWhitespace = false;
  htmlEndsInBreak = false;
  preTexts.length = 0;
  try {
    walkBoth(el, base, skip, excluded, text, html, false);
    let walked = text ? finishWalked(textParts.take()) : '';
    if (preTexts.length) {
      const whole = withPreTexts(walked);
      if (whole === null) {
        // The page's own text holds PRE_PIECE: walked again, every preformatted piece by stand-ins.
        textParts.clear();
        htmlParts.clear();
        preTexts.length = 0;
        preAside = false;
        try {
          return walkParts(el, base, skip, excluded, text, html);
        } finally {
          preAside = true;
        }
      }
      walked = whole;
    }
    return { text: walked, html: html ? htmlParts.take(true) : '' };
  } finally {
    // A walk cut short by an exception leaves nothing for the next one.
    textParts.clear();
    htmlParts.clear();
    preTexts.length = 0;
  }
}

/** How long a run of pieces joined as they are written grows before it is set aside (see `Pieces`). */
const RUN = 2048;

/**
 * Pieces of a string, written into an array that is kept and reused: emptying an array (length = 0)
 * frees its storage, and growing it again for every post allocated as much as the pieces themselves.
 * The pieces are joined as they come into runs of about RUN characters, and the runs once at the end:
 * `join` spent a few hundred instructions on each element, most of them tags, attribute names and the
 * short blanks between elements, where appending one to a run costs a few dozen.
 */
class Pieces {
  private readonly all: string[] = [];
  /** How many runs of `all` are this string's; any after them are blank. */
  private n = 0;
  /** The pieces written since the last run was set aside. */
  private run = '';
  push(piece: string): void {
    const run = this.run + piece;
    if (run.length < RUN) this.run = run;
    else {
      this.all[this.n++] = run;
      this.run = '';
    }
  }
  /**
   * The string, joined once (runs left over from a longer string are blank), trimmed as `trim` would
   * when `trimmed`; the runs are blanked for the next. Trimming the end runs before the join spares
   * a second copy of a post's HTML, which the serializer's line break after its first tag began.
   */
  take(trimmed = false): string {
    if (this.run) {
      this.all[this.n++] = this.run;
      this.run = '';
    }
    if (trimmed) this.trimEnds();
    // join reads (and holds a slot for) every run, blank ones too: after a long post, a short one
    // gives the blank tail back rather than joining thousands of blanks.
    if (this.all.length > 2 * this.n + 64) this.all.length = this.n;
    const s = this.n === 1 ? this.all[0]! : this.all.join('');
    this.clear();
    return s;
  }
  /** The blank space at the start of the first runs and the end of the last removed, as trimming their join would. */
  private trimEnds(): void {
    const { all, n } = this;
    let first = 0;
    while (first < n && (all[first] = all[first]!.trimStart()) === '') first++;
    for (let last = n - 1; last >= first && (all[last] = all[last]!.trimEnd()) === ''; last--);
  }
  /** Blanks the runs written, for the next string. */
  clear(): void {
    const { all, n } = this;
    for (let i = 0; i < n; i++) all[i] = '';
    // A post of many thousand runs is not kept around.
    if (all.length > 8192) all.length = 0;
    this.n = 0;
    this.run = '';
  }
}

/* What `walkBoth` writes. */
const textParts = new Pieces();
const htmlParts = new Pieces();
/** Whether the HTML written so far ends with a line break: the next text's leading break folds into it. */
let htmlEndsInBreak = false;

/** HTML text (escaped) written with every run of line breaks folded to one, as stored HTML keeps them. */
function writeHtmlText(s: string): void {
  if (s.includes('\n')) {
    if (s.includes('\n\n')) s = s.replace(/\n{2,}/g, '\n');
    if (htmlEndsInBreak && s.charCodeAt(0) === 10) s = s.slice(1);
  }
  if (!s) return;
  htmlParts.push(s);
  htmlEndsInBreak = s.charCodeAt(s.length - 1) === 10;
}

/** An element's start tag as stored: event handlers, styles and script URLs dropped, links made absolute. */
function writeOpenTag(x: Element, t: TagInfo, base: string): void {
  const pairs = attributeReader ? attributeReader(x, attributePairs) : -1;
  if (pairs === 0 || (pairs < 0 && !x.hasAttributes())) {
    htmlParts.push(t.plain);
  } else {
    htmlParts.push(t.open);
    if (pairs > 0) {
      for (let i = 0; i < pairs; i++) writeAttribute(attributePairs[2 * i]!, attributePairs[2 * i + 1]!, base);
    } else {
      for (const name of x.getAttributeNames()) writeAttribute(name, x.getAttributeNode(name)?.value ?? '', base);
    }
    htmlParts.push('>');
  }
  htmlEndsInBreak = false;
}

function writeAttribute(name: string, value: string, base: string): void {
  const n = name.toLowerCase();
  if (n.startsWith('on') || n === 'style' || n === 'srcdoc' || n === 'srcset') return;
  const kept = n === 'href' || n === 'src' ? absUrl(value, base) : value;
  if (kept === null) return;
  let v = escapeAttr(kept);
  if (v.includes('\n\n')) v = v.replace(/\n{2,}/g, '\n');
  htmlParts.push(attributeStart(name));
  htmlParts.push(v);
  htmlParts.push('"');
}

/**
 * A DOM's own reading of an element's attributes, offered as linkedom.ts offers its node list: writes
 * each attribute's name and value (as `getAttributeNode(name).value` gives it) into `out` as pairs, in
 * `getAttributeNames` order, and returns how many; -1 when it cannot read this element, and the
 * standard calls answer. `getAttributeNames` then a `getAttributeNode` per name re-read the attribute
 * list once per name and built an array per element: a fifth of the stored-HTML walk on markup-heavy posts.
 */
export type AttributeReader = (el: Element, out: string[]) => number;

let attributeReader: AttributeReader | null = null;
const attributePairs: string[] = [];

/** Offers (or, with null, withdraws) a DOM's own attribute reading for serializing post HTML. */
export function useAttributeReader(reader: AttributeReader | null): void {
  attributeReader = reader;
}

/**
 * An element's attributes as name and value pairs written into `out`, as an `AttributeReader` writes
 * them, through the DOM's own reading when one is offered; returns how many.
 */
export function readAttributes(el: Element, out: string[]): number {
  const n = attributeReader ? attributeReader(el, out) : -1;
  if (n >= 0) return n;
  const names = el.getAttributeNames();
  for (let i = 0; i < names.length; i++) {
    out[2 * i] = names[i]!;
    out[2 * i + 1] = el.getAttributeNode(names[i]!)?.value ?? '';
  }
  return names.length;
}

/** ` name="`, kept per attribute name: each piece written is one more for the join. */
const attributeStarts = new Map<string, string>();
function attributeStart(name: string): string {
  let start = attributeStarts.get(name);
  if (start === undefined) {
    start = ` ${name}="`;
    if (attributeStarts.size < 2000) attributeStarts.set(name, start);
  }
  return start;
}

/* What `walkBoth` asks of a tag, as bits: SKIP, DROP_TAGS, BLOCK and PRESERVE by its lower-case name, VOID by its own. */
const SKIPPED = 1;
const DROPPED = 2;
const IS_BLOCK = 4;
const PREFORMATTED = 8;
const IS_VOID = 16;
const IS_BR = 32;
const IS_IMG = 64;
/** What `walkBoth` knows of a tag name: its kind bits and its tags as written, so that each is one piece. */
interface TagInfo {
  kind: number;
  /** `<tag`, for a start tag with attributes. */
  open: string;
  /** `<tag>`. */
  plain: string;
  /** `</tag>`. */
  close: string;
}
const tags = new Map<string, TagInfo>();

/** One lookup per element instead of a lower-casing and five set lookups. */
function tagInfo(tag: string): TagInfo {
  let info = tags.get(tag);
  if (info === undefined) {
    const lower = tag.toLowerCase();
    const kind =
      (SKIP.has(lower) ? SKIPPED : 0) | (DROP_TAGS.has(lower) ? DROPPED : 0) | (BLOCK.has(lower) ? IS_BLOCK : 0) | (PRESERVE.has(lower) ? PREFORMATTED : 0) |
      (VOID.has(tag) ? IS_VOID : 0) | (lower === 'br' ? IS_BR : 0) | (lower === 'img' ? IS_IMG : 0);
    info = { kind, open: `<${tag}`, plain: `<${tag}>`, close: `</${tag}>` };
    if (tags.size < 2000) tags.set(tag, info);
  }
  return info;
}

/**
 * The one walk behind post text and stored HTML: the readable text (when `text`: block elements and
 * <br> as written breaks, preformatted whitespace as stand-ins, blank space folded later by
 * `finishWalked`) and the stored HTML (when `html`: the HTML fragment serialization algorithm, dropped
 * and excluded elements left out, comments too), in one pass. A part only one of them keeps (a form's
 * words are text, not stored HTML; an svg is HTML, not text; a quote is skipped from the text) is
 * walked for that one alone.
 */
function walkBoth(parent: Node, base: string, skip: Set<Node> | null, excluded: ((x: Element) => boolean) | null, text: boolean, html: boolean, pre: boolean): void {
  // Iterative, with the way back up kept in parallel arrays: a post nested thousands of elements deep
  // must not cost call depth. Each level saved is the next sibling to resume at, the level's own
  // text/html/pre, and what closing the element writes (its end tag, a break after a block).
  const resume: (Node | null)[] = [];
  const modes: number[] = [];
  const closes: (string | null)[] = [];
  let c: Node | null = parent.firstChild;
  for (;;) {
    if (!c) {
      const depth = resume.length;
      if (!depth) return;
      const mode = modes.pop()!;
      const close = closes.pop()!;
      c = resume.pop()!;
      text = !!(mode & 1);
      html = !!(mode & 2);
      pre = !!(mode & 4);
      if (close !== null) {
        htmlParts.push(close);
        htmlEndsInBreak = false;
      }
      if (mode & 8) textParts.push(pre ? KEEP_NL : BREAK);
      continue;
    }
    const type = c.nodeType;
    if (type === 3) {
      const v = c.nodeValue ?? '';
      if (!html) textParts.push(walkedText(v, pre));
      else if (!holdsTextSpecial(v)) {
        // Nothing to escape and no BREAK character: one search answered both.
        if (text) textParts.push(walkedText(v, pre, false));
        writeHtmlText(v);
      } else {
        if (text) textParts.push(walkedText(v, pre));
        writeHtmlText(escapedText(v));
      }
      c = c.nextSibling;
      continue;
    }
    if (type !== 1) {
      c = c.nextSibling;
      continue;
    }
    const x = c as Element;
    const info = tagInfo(x.localName);
    const kind = info.kind;
    let inText = text && !(kind & SKIPPED) && !skip?.has(x);
    const inHtml = html && !(kind & DROPPED) && !excluded?.(x);
    if (!inText && !inHtml) {
      c = c.nextSibling;
      continue;
    }
    if (inHtml) writeOpenTag(x, info, base);
    let block = false;
    let preformatted = pre;
    if (inText) {
      if (kind & IS_BR) {
        textParts.push(pre ? KEEP_NL : BREAK);
        inText = false;
      } else if (kind & IS_IMG) {
        const alt = x.getAttribute('alt');
        if (alt && isSmileyAlt(alt)) textParts.push(alt);
        inText = false;
      } else {
        preformatted = pre || !!(kind & PREFORMATTED);
        if (preformatted) keptWhitespace = true;
        block = !!(kind & IS_BLOCK);
        if (block) textParts.push(pre ? KEEP_NL : BREAK);
      }
    }
    const innerHtml = inHtml && !(kind & IS_VOID && !x.namespaceURI?.endsWith('/svg'));
    if (inText || innerHtml) {
      resume.push(c.nextSibling);
      modes.push((text ? 1 : 0) | (html ? 2 : 0) | (pre ? 4 : 0) | (block ? 8 : 0));
      closes.push(innerHtml ? info.close : null);
      text = inText;
      html = innerHtml;
      pre = preformatted;
      c = x.firstChild;
      continue;
    }
    if (block) textParts.push(pre ? KEEP_NL : BREAK);
    c = c.nextSibling;
  }
}

/** The `content` of the first `meta` element matching `selector` (a selector of meta elements). */
export function metaContent(doc: Document, selector: string): string | null {
  const v = queryFirst(doc, selector, ['meta'])?.getAttribute('content');
  return v ? v.trim() : null;
}

/** The page's canonical URL if it declares one, else the URL it was read from. */
export function canonicalUrl(doc: Document, url: string): string {
  // og:url is looked for only when there is no canonical link, which it stands in for.
  const c = queryFirst(doc, 'link[rel="canonical"]', ['link'])?.getAttribute('href') ?? (queryFirst(doc, 'meta[property="og:url"]', ['meta'])?.getAttribute('content')?.trim() || null);
  return absUrl(c, url) ?? url;
}

const isGenerator = (m: Element) => (m.getAttribute('name') ?? '').toLowerCase() === 'generator';

export function generator(doc: Document): string {
  return queryFirst(doc, 'meta[name="generator" i]', ['meta'], isGenerator)?.getAttribute('content')?.trim() || '';
}

export function firstMatch(s: string, re: RegExp): string | null {
  const m = re.exec(s);
  return m?.[1] ?? null;
}

/** An HTML fragment (an API's post body) as an element of an inert, never-rendered document. */
export function fragmentParser(parseHtml: (html: string) => Document): (html: string) => Element {
  return (html: string) => parseHtml(`<!doctype html><html><body><div>${html}</div></body></html>`).body.firstElementChild!;
}

/**
 * The address the page's relative links resolve against: its `<base href>` when it has one (XenForo 1
 * and vBulletin print every link relative to the forum root), else the address given.
 */
export function linkBase(doc: Document, url: string): string {
  const base = queryFirst(doc, 'base[href]', ['base'], (b) => b.hasAttribute('href'))?.getAttribute('href');
  return (base && absUrl(base, url)) || url;
}

/**
 * Whether an image's alt text is a smiley the author typed: a `:name:` code, an emoticon (":)", ";-)",
 * ":D", "8-)") or emoji. Those are the author's words; other alt texts (a photo's description, "Image")
 * are not part of the post's text.
 */
function isSmileyAlt(alt: string): boolean {
  const a = alt.trim();
  if (SMILEY_CODE.test(a)) return true;
  if (EMOTICON.test(a) || EMOTICON_FACE.test(a)) return true;
  return EMOJI_ONLY.test(a) && PICTOGRAPH.test(a);
}

/* isSmileyAlt's patterns, made once: a literal inside the function is a new object at every image. */
const SMILEY_CODE = /^:[\w+-]+:$/;
const EMOTICON = /^[:;8=xXB>][-'^o]?[()DPpOo03|\\/*@[\]{}<>$Ss]{1,2}$/;
const EMOTICON_FACE = /^[(^<][-_.^]?[)^>]$/;
const EMOJI_ONLY = /^(\p{Extended_Pictographic}|\p{Emoji_Component}|\u200d|\ufe0f)+$/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;

/** Whether a UTF-16 code unit is blank as `\s` (and `trimStart`) counts it. */
function isBlankCode(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** The first character of `el`'s text (as `textContent` joins it) that is not blank (what `trimStart` removes), or ''. */
function firstTextChar(el: Element): string {
  let n: Node | null = el.firstChild;
  while (n) {
    if (n.nodeType === 3 || n.nodeType === 4) {
      const v = n.nodeValue ?? '';
      for (let i = 0; i < v.length; i++) if (!isBlankCode(v.charCodeAt(i))) return v[i]!;
    }
    if (n.firstChild) {
      n = n.firstChild;
      continue;
    }
    while (n && n !== el && !n.nextSibling) n = n.parentNode;
    if (!n || n === el) return '';
    n = n.nextSibling;
  }
  return '';
}

/**
 * A post body whose markup was escaped into the page as text ("&lt;p&gt;Hi!&lt;/p&gt;", as a forum
 * migrated from another engine may show it): the browser shows the tags literally, but the author
 * wrote the HTML they describe. Such a body is parsed again, inertly, and that reading returned; any
 * other body is returned as it is.
 */
export function unescapedBody(body: Element, parseHtml: (html: string) => Document): Element {
  // Nearly every body's text starts otherwise: it is not read whole to learn that.
  if (firstTextChar(body) !== '<') return body;
  const raw = body.textContent ?? '';
  if (!raw.trimStart().startsWith('<')) return body;
  // Escaped from its first character and closing a block it opened: markup, not a post that talks about tags.
  if (!/^\s*<(p|div|blockquote|ul|ol)\b[^<>]*>/i.test(raw) || !/<\/(p|div|blockquote|ul|ol)>\s*$/i.test(raw)) return body;
  return parseHtml(`<!doctype html><html><body>${raw}</body></html>`).body ?? body;
}
