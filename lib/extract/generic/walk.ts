import { isoDate, parseForumDate, fromUnix } from '../dates.ts';
import { readAttributes } from '../dom.ts';
import { active, elementCount, lastInside, orderOf } from '../page-signals.ts';
import {
  CHROME_TEXT,
  DATE_HINT,
  NOT_POST_DATE,
  PANEL_LABEL,
  POST_TYPE,
  isAuthorClass,
  isPermalinkHref,
  isPostId,
  isProfileHref,
  isQuoteClass,
  isSignatureClass,
} from './signals.ts';

/**
 * One iterative walk over the page's body that numbers every element in document order and writes, per
 * element, what the generic reader asks of it: its own marks (author link, time, permalink, post id,
 * schema.org type, quote, signature, chrome) and sums over its subtree (text, link text, chrome text,
 * how many author/time/permalink marks lie in it outside quotes). Everything after works on these arrays
 * by number: whether `a` holds `b` is `a <= b <= last[a]`, so no `contains`, no selector and no text is
 * read twice, and reading a page is linear in its size. No recursion, so depth costs nothing but memory.
 */

export const F_AUTHOR_LINK = 1;
export const F_AUTHOR_CLASS = 2;
export const F_TIME = 4;
export const F_PERMA = 8;
export const F_POST_ID = 16;
export const F_POST_TYPE = 32;
export const F_QUOTE = 64;
export const F_SIG = 128;
export const F_CHROME = 256;
export const F_IN_QUOTE = 512;
/** The element names its author in an attribute (`data-author`, `author`): XenForo, Reddit's custom elements. */
export const F_AUTHOR_ATTR = 1024;
export const F_ITEMPROP_AUTHOR = 2048;
export const F_HEADING = 4096;
/** Page furniture: nav, aside, header and footer of the page (not of a post), forms. */
export const F_FURNITURE = 8192;
/** A tag a post's words come in (div, p, td, li…): what the reader takes a body from. */
export const F_BODY_TAG = 16384;

/** A time of day alone: "02:42", "9:16:05", "4:58 pm". */
const CLOCK = /^\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?$/i;

/** Tags whose content is not text a reader sees. */
const SKIP_CONTENT = new Set(['script', 'style', 'template', 'svg', 'math', 'iframe', 'object', 'select', 'textarea', 'head']);
/** In `TAG_MARKS`: the element's content is skipped (not a flag of the index). */
const T_SKIP = 1 << 20;
/**
 * What an element's tag alone says, looked up once per element: quotes, headings, page furniture,
 * controls (their words are chrome: "Reply", "Quote") and the tags whose content is skipped.
 */
const TAG_MARKS = new Map<string, number>();
for (const [mark, tags] of [
  [F_QUOTE, ['blockquote', 'q']],
  [F_HEADING, ['h1', 'h2', 'h3']],
  [F_FURNITURE, ['nav', 'form', 'aside']],
  [F_CHROME, ['button', 'input', 'label']],
  [F_BODY_TAG, ['div', 'td', 'article', 'section', 'p', 'dd', 'span', 'blockquote', 'li', 'main', 'pre', 'font', 'tr', 'table', 'tbody', 'ul', 'ol']],
  [T_SKIP, [...SKIP_CONTENT]],
] as const) {
  for (const t of tags) TAG_MARKS.set(t, (TAG_MARKS.get(t) ?? 0) | mark);
}

/** The line that introduces a quote ("Bob wrote:"), outside the quote's own element on many engines. */
export const QUOTE_LEAD = /(?:wrote|posted|said|says|schrieb|hat geschrieben|a écrit|escribió|ha scritto|scrisse|napisał|skrev|schreef)\s*:\s*$/i;

/** The verb after a commenter's name written as plain text ("<strong>Vega</strong> Says:", "X schrieb:"). */
const SAYS = /^(?:says|said|wrote|sagt|schrieb|meint|dit|a écrit|dice|escribió|zegt|skrev)\s*:?$/i;
/** The line a quote box opens with, when the box has no quote markup of its own. */
const ORIGINALLY = /^(?:originally posted by|zitat von|ursprünglich (?:geschrieben|gepostet) von|message d'origine (?:de|par)|cita de|originalmente (?:escrito|publicado) por|originariamente inviato da|citaat van)\b/i;
/** A date told as the time of an edit ("Last edited: …", "fucked around with this message at …"), not of the post. */
export const EDITED = /edit|bearbeitet|geändert|modifi|changed|fucked around/i;
/** Elements a name is set in. */
const NAME_TAGS = new Set(['strong', 'b', 'a', 'span', 'cite', 'em', 'font']);

export interface Stamp {
  iso: string;
  /** 3 a `<time datetime>`, 2 another machine stamp (title, data-time), 1 a text date with a clock, 0 a date alone. */
  strength: number;
}

/**
 * The numeric columns are arrays of small integers made at the page's size: written once per element
 * and summed into as elements close, they cost a store each where eleven growing arrays cost a push
 * each. Each holds exactly one entry per element (`els.length`). They are not typed arrays: those live
 * outside V8's heap, and past 64 MB of them (about 1.3 million elements, a 16,000-post thread) V8 marks
 * the whole heap (the page's DOM) at once, which made the walk 4-5x slower at twice the size.
 */
/** One number per element: a plain array of small integers (see `PageIndex`). */
export type Column = number[];

export interface PageIndex {
  els: Element[];
  tag: string[];
  parent: Column;
  last: Column;
  depth: Column;
  flags: Column;
  /** Subtree sums: text characters, of which inside links, of which chrome or signature. */
  text: Column;
  link: Column;
  skip: Column;
  /** Subtree counts outside quotes. */
  nAuthor: Column;
  /** Subtree count of author hints (class or `rel` saying "author") outside quotes. */
  nHint: Column;
  /** Subtree count of short "Label:" texts ("Joined:", "Messages:"), which fill a user panel. */
  nLabel: Column;
  nTime: Column;
  nPerma: Column;
  /**
   * The class list's number among those the reader has met (`classList`), plus one; 0 for an element
   * without a class, or one met after the table filled up (its `cls` is read instead).
   */
  classNo: Column;
  /** Class attribute (or '') and id (or ''). */
  cls: string[];
  id: string[];
  /** Elements with each mark, in document order. */
  authors: number[];
  /** Elements whose class or `rel` says "author", a weaker mark than a profile link. */
  hints: number[];
  times: number[];
  permas: number[];
  stamps: Map<number, Stamp>;
  /** Profile href of author links; the name given by an author attribute. */
  hrefs: Map<number, string>;
  attrNames: Map<number, string>;
  /** schema.org type of microdata items and JSON-LD mentions, for scoring. */
  jsonLdPosts: number;
}

/** What the walk reads in an attribute, by its name; any other attribute is passed over. */
const A_CLASS = 1;
const A_ID = 2;
const A_HREF = 3;
const A_NAME = 4;
const A_REL = 5;
const A_ITEMTYPE = 6;
const A_ITEMPROP = 7;
const A_AUTHOR = 8;
const A_TITLE = 9;
const A_TIME = 10;

/** Attributes holding a post's time; `title` too (see `open`), read last. */
const TIME_ATTRS = ['datetime', 'data-time', 'data-timestamp', 'data-datetime', 'data-utime', 'data-created', 'created-timestamp', 'data-date'];
const AUTHOR_ATTRS = ['data-author', 'author', 'data-username', 'data-user-name', 'data-author-name'];
/** The names the walk reads, by their length: a name of no such length is passed over at once. */
const KINDS_BY_LENGTH: { name: string; kind: number }[][] = [];
for (const [name, kind] of [
  ['class', A_CLASS],
  ['id', A_ID],
  ['href', A_HREF],
  ['name', A_NAME],
  ['rel', A_REL],
  ['itemtype', A_ITEMTYPE],
  ['itemprop', A_ITEMPROP],
  ['title', A_TITLE],
  ...AUTHOR_ATTRS.map((n) => [n, A_AUTHOR] as const),
  ...TIME_ATTRS.map((n) => [n, A_TIME] as const),
] as const) {
  (KINDS_BY_LENGTH[name.length] ??= []).push({ name, kind });
}

/**
 * What the walk reads in attribute `name` (0: nothing), its case ignored: compared with the names of
 * its length, where a lookup in a map hashed each of the page's thousands of names (lowered first). The
 * names are ASCII, whose lower case keeps a name's length.
 */
function attrKind(name: string): number {
  const known = KINDS_BY_LENGTH[name.length];
  if (known === undefined) return 0;
  for (const k of known) if (name === k.name) return k.kind;
  // An HTML parser writes names in lower case; an XML page's keep theirs.
  if (!UPPER.test(name)) return 0;
  const lower = name.toLowerCase();
  for (const k of known) if (lower === k.name) return k.kind;
  return 0;
}

const UPPER = /[A-Z]/;

function stampOf(name: string, v: string, tag: string): Stamp | null {
  const t = v.trim();
  if (!t || t.length > 80) return null;
  if (/^\d{9,13}$/.test(t)) {
    if (name === 'title') return null;
    const iso = fromUnix(t.length > 11 ? Number(t) / 1000 : Number(t));
    return iso ? { iso, strength: 2 } : null;
  }
  if (!DATE_HINT.test(t)) return null;
  const space = t.search(/\s/);
  const first = space < 0 ? t : t.slice(0, space);
  const iso = isoDate(first) ?? isoDate(t) ?? (name === 'title' || name === 'data-date' ? parseForumDate(t) : null);
  if (!iso) return null;
  if (name === 'title' && NOT_POST_DATE.test(t)) return null;
  // .NET writes seven zero digits of fraction ("…T14:53:34.0000000"): the same second.
  return { iso: iso.includes('.0') ? iso.replace(/\.0+(?=$|Z|[+-]\d)/, '') : iso, strength: tag === 'time' && name === 'datetime' ? 3 : 2 };
}

/**
 * Class lists by number, as the reader met them: a page repeats a few hundred lists over thousands of
 * elements, so each is judged once (its marks) and later readers compare numbers, not the strings.
 */
const classNumbers = new Map<string, number>();
const classMarks: number[] = [];
export const classList: string[] = [];
/** Attribute name and value pairs of the element being opened (see `readAttributes`). */
const pairs: string[] = [];

/**
 * A faster visit of every node below `root` than firstChild and nextSibling, offered by the DOM in use
 * (linkedom.ts offers one): in document order, `enter` for each element (false: its content is not
 * visited, and it is closed at once), `text` for each text node with its value, `leave` when the
 * element entered last ends; other nodes are passed over. Returns false, before visiting anything, when
 * it cannot serve this document, and the standard walk runs.
 */
export type NodeScan = (root: Element, enter: (el: Element) => boolean, text: (value: string) => void, leave: () => void) => boolean;

let nodeScan: NodeScan | null = null;

/** Offers (or, with null, withdraws) a DOM's own node scan for the generic reader's walk. */
export function useNodeScan(scan: NodeScan | null): void {
  nodeScan = scan;
}

const COLUMNS = ['parent', 'last', 'depth', 'flags', 'text', 'link', 'skip', 'nAuthor', 'nHint', 'nLabel', 'nTime', 'nPerma', 'classNo'] as const;

/** An index with nothing in it yet, its columns made with room for `room` elements. */
export function newIndex(room: number): PageIndex {
  const column = (): Column => new Array<number>(room).fill(0);
  return {
    els: [], tag: [], parent: column(), last: column(), depth: column(), flags: column(), text: column(), link: column(), skip: column(), nAuthor: column(), nHint: column(), nLabel: column(), nTime: column(), nPerma: column(), classNo: column(),
    cls: [], id: [], authors: [], hints: [], times: [], permas: [], stamps: new Map(), hrefs: new Map(), attrNames: new Map(), jsonLdPosts: 0,
  };
}

export function buildIndex(doc: Document): PageIndex {
  // Room for every element of the page when its index tells how many there are (the walk covers the body).
  let room = Math.max(64, elementCount(doc) ?? 1024);
  const ix = newIndex(room);
  const grow = () => {
    const was = room;
    room *= 2;
    for (const k of COLUMNS) {
      ix[k].length = room;
      ix[k].fill(0, was);
    }
  };
  // A page with two <body> tags (one empty, from a template include) keeps its content in the second:
  // then the whole document is walked.
  const root = doc.body?.firstChild ? doc.body : doc.documentElement;
  if (!root) return ix;
  const stack: number[] = [];
  let hintsUnsorted = false;
  /** Whether the element opened last is one whose content is skipped (set by `open`). */
  let skipsContent = false;
  let quoteDepth = 0;
  let chromeDepth = 0;
  /** The last non-blank text seen, for "Joined:" labels written before a date in their own element. */
  let prevText = '';
  /** By the page index's class value numbers: each value's number in `classList` (-1: none) and marks (-1: not judged yet). */
  const pageNo: number[] = [];
  let pageMarks: number[] = [];

  /**
   * Opens `el`: `count` is how many of its attribute pairs the caller wrote into `pairs` already (from
   * the page index's tape), or -1 to read them off the element; `classId` its class value's number in
   * the page index (`classOf`), or -1; `tag` its local name, when the tape has it.
   */
  const open = (el: Element, parentIdx: number, count = -1, classId = -1, tag = el.localName): number => {
    const i = ix.els.length;
    if (i === room) grow();
    ix.els.push(el);
    ix.tag.push(tag);
    ix.parent[i] = parentIdx;
    ix.last[i] = i;
    ix.depth[i] = stack.length;
    let f = quoteDepth > 0 ? F_IN_QUOTE : 0;
    let cls = '';
    let id = '';
    let title: string | null = null;
    // Name and value pairs read off the DOM's own list where it offers one (dom.ts), each value the first
    // of its name as getAttributeNode answers; not getAttribute, which linkedom answers for 'class' by
    // building a token list. No closure per element: under tsx each one created was also named.
    if (count < 0) count = el.hasAttributes() ? readAttributes(el, pairs) : 0;
    if (count > 0) {
      for (let j = 0; j < count; j++) {
        const kind = attrKind(pairs[2 * j]!);
        if (kind === 0) continue;
        const value = pairs[2 * j + 1]!;
        switch (kind) {
          case A_CLASS:
            cls = value;
            break;
          case A_ID:
            id = value;
            break;
          case A_HREF:
            if (tag !== 'a') break;
            if (isProfileHref(value)) {
              f |= F_AUTHOR_LINK;
              ix.hrefs.set(i, value);
            } else if (isPermalinkHref(value)) f |= F_PERMA;
            break;
          case A_NAME:
            if (tag === 'a' && isPostId(value)) f |= F_POST_ID;
            break;
          case A_REL:
            if (tag === 'a' && /\bauthor\b/i.test(value)) f |= F_AUTHOR_CLASS;
            break;
          case A_ITEMTYPE:
            if (POST_TYPE.test(value)) f |= F_POST_TYPE;
            break;
          case A_ITEMPROP:
            if (/^(?:author|creator)$/i.test(value)) f |= F_ITEMPROP_AUTHOR;
            else if (/^(?:comment|answer|suggestedAnswer|acceptedAnswer)$/i.test(value)) f |= F_POST_TYPE;
            else if (/^(?:datePublished|dateCreated)$/i.test(value)) {
              const s = stampOf('datetime', (el.getAttributeNode('datetime')?.value ?? '') || (el.getAttributeNode('content')?.value ?? ''), 'time');
              if (s) {
                f |= F_TIME;
                ix.stamps.set(i, s);
              }
            }
            break;
          case A_AUTHOR: {
            const v = value.trim();
            if (v && v.length <= 60) {
              f |= F_AUTHOR_ATTR;
              ix.attrNames.set(i, v);
            }
            break;
          }
          case A_TITLE:
            title ??= value;
            break;
          case A_TIME: {
            const had = ix.stamps.get(i);
            if (had && had.strength > 2) break;
            const s = stampOf(pairs[2 * j]!.toLowerCase(), value, tag);
            if (s && (!had || s.strength >= had.strength)) {
              f |= F_TIME;
              ix.stamps.set(i, s);
            }
            break;
          }
        }
      }
      // The exact machine stamp wins over a title written for people (`title="Friday, 2:53 PM"`
      // beside `datetime="…T14:53:34"`), whichever comes first: the title is read only when no other
      // attribute gave a stamp.
      if (title !== null && !ix.stamps.has(i)) {
        const s = stampOf('title', title, tag);
        if (s) {
          f |= F_TIME;
          ix.stamps.set(i, s);
        }
      }
      if (cls) {
        // The value's number and marks, judged at its first element on this page when the page index
        // numbered its class values (`classOf`), else looked up by the string.
        let no: number;
        let marks = classId >= 0 ? pageMarks[classId]! : -1;
        if (marks >= 0) no = pageNo[classId]!;
        else {
          const had = classNumbers.get(cls);
          if (had === undefined) {
            marks = (isAuthorClass(cls) ? F_AUTHOR_CLASS : 0) | (isQuoteClass(cls) ? F_QUOTE : 0) | (isSignatureClass(cls) ? F_SIG : 0);
            no = -1;
            if (classList.length < 5000) {
              no = classList.length;
              classNumbers.set(cls, no);
              classList.push(cls);
              classMarks.push(marks);
            }
          } else {
            no = had;
            marks = classMarks[no]!;
          }
          if (classId >= 0) {
            pageMarks[classId] = marks;
            pageNo[classId] = no;
          }
        }
        if (no >= 0) ix.classNo[i] = no + 1;
        if (tag === 'a' || tag === 'span' || tag === 'button' || tag === 'li') marks &= ~F_QUOTE;
        f |= marks;
      }
      if (id) {
        if (isPostId(id)) f |= F_POST_ID;
        if (isSignatureClass(id)) f |= F_SIG;
      }
    }
    const tagMarks = TAG_MARKS.get(tag) ?? 0;
    skipsContent = (tagMarks & T_SKIP) !== 0;
    f |= tagMarks & ~T_SKIP;
    if (f & F_IN_QUOTE) f &= ~(F_AUTHOR_LINK | F_TIME | F_PERMA | F_POST_ID | F_AUTHOR_ATTR | F_ITEMPROP_AUTHOR | F_POST_TYPE);
    ix.flags[i] = f;
    ix.cls.push(cls);
    ix.id.push(id);
    if (f & F_AUTHOR_LINK || f & F_AUTHOR_ATTR || f & F_ITEMPROP_AUTHOR) ix.authors.push(i);
    else if (f & F_AUTHOR_CLASS && !(f & F_IN_QUOTE)) ix.hints.push(i);
    if (f & F_TIME) ix.times.push(i);
    if (f & (F_PERMA | F_POST_ID)) ix.permas.push(i);
    if (f & F_QUOTE) quoteDepth++;
    if (f & (F_CHROME | F_SIG)) chromeDepth++;
    return i;
  };

  const close = (i: number) => {
    const f = ix.flags[i]!;
    if (f & F_QUOTE) quoteDepth--;
    if (f & (F_CHROME | F_SIG)) chromeDepth--;
    if (f & (F_AUTHOR_LINK | F_AUTHOR_ATTR | F_ITEMPROP_AUTHOR)) ix.nAuthor[i]!++;
    else if (f & F_AUTHOR_CLASS && !(f & F_IN_QUOTE)) ix.nHint[i]!++;
    if (f & F_TIME) ix.nTime[i]!++;
    if (f & (F_PERMA | F_POST_ID)) ix.nPerma[i]!++;
    // A short element whose every word is chrome (a "Reply · Quote" bar) is chrome as a whole.
    if (!(f & F_CHROME) && ix.text[i]! > 0 && ix.skip[i] === ix.text[i] && ix.text[i]! <= 80) ix.flags[i] = f | F_CHROME;
    ix.last[i] = ix.els.length - 1;
    lastClosed = i;
    if (ix.tag[i] === 'dl' && !(f & F_IN_QUOTE) && ix.nAuthor[i] === 0 && ix.nHint[i] === 0) panelName(i);
    // A form around a whole post or page (ASP.NET pages, like buttons wired as forms) is no reply box.
    if (ix.tag[i] === 'form' && (ix.nAuthor[i]! > 0 || ix.text[i]! - ix.link[i]! - ix.skip[i]! > 200)) ix.flags[i] = ix.flags[i]! & ~F_FURNITURE;
    // A link's words are link text; but a link left open by broken markup (`<a/>`), which parsers carry
    // over whole paragraphs, is not one.
    if (ix.tag[i] === 'a' && ix.text[i]! <= 200) ix.link[i] = ix.text[i]!;
    const p = ix.parent[i]!;
    if (p >= 0) {
      ix.text[p]! += ix.text[i]!;
      ix.link[p]! += ix.link[i]!;
      ix.skip[p]! += ix.skip[i]!;
      ix.nAuthor[p]! += ix.nAuthor[i]!;
      ix.nHint[p]! += ix.nHint[i]!;
      ix.nLabel[p]! += ix.nLabel[i]!;
      ix.nTime[p]! += ix.nTime[i]!;
      ix.nPerma[p]! += ix.nPerma[i]!;
    }
  };

  /**
   * A user panel written as a definition list (FluxBB and PunBB `dl` with `<dt><strong>name</strong></dt>`
   * then `<dd>Registered: …</dd><dd>Posts: …</dd>`): the term is the member's name when no link or class
   * says so and the details are the labels of a member's standing.
   */
  const panelName = (dl: number) => {
    const dt = dl + 1;
    if (ix.parent[dt] !== dl || ix.tag[dt] !== 'dt' || ix.text[dt]! === 0 || ix.text[dt]! > 40) return;
    let labels = 0;
    for (let k = dt + 1; k <= ix.last[dl]!; k = ix.last[k]! + 1) {
      if (ix.tag[k] !== 'dd') continue;
      const label = /^\s*([^:\n]{2,24}:)/.exec(ix.els[k]!.textContent ?? '')?.[1];
      if (label && PANEL_LABEL.test(label)) labels++;
    }
    if (!labels) return;
    ix.flags[dt] = ix.flags[dt]! | F_AUTHOR_CLASS;
    ix.hints.push(dt);
    hintsUnsorted = true;
    ix.nHint[dt]!++;
    ix.nHint[dl]!++;
  };

  /** A stamp of a day without a clock, from the text just read, and that text. */
  let dayAt = -1;
  let dayText = '';
  /** The element closed last, for a name followed by its verb in the text after it ("<b>Anna</b> says:"). */
  let lastClosed = -1;
  const addText = (v: string, at: number) => {
    const t = v.trim();
    if (!t) return;
    const n = t.length;
    if (n <= 25 && t.endsWith(':')) ix.nLabel[at]!++;
    if (quoteDepth === 0 && n <= 200 && ORIGINALLY.test(t)) {
      // A quote box without quote markup (vBulletin 3: a table holding "Originally Posted by X" and the
      // words): the nearest table or blockquote around the line, else the line's own container, is the quote.
      let q = -1;
      for (let k = stack.length - 1, up = 0; k > 0 && up < 5; k--, up++) {
        const e = stack[k]!;
        if (ix.tag[e] === 'table' || ix.tag[e] === 'blockquote') {
          q = e;
          break;
        }
      }
      if (q < 0 && ix.text[at]! === 0 && stack.length > 1) q = ix.parent[at]!;
      if (q > 0 && !(ix.flags[q]! & F_QUOTE)) {
        ix.flags[q] = ix.flags[q]! | F_QUOTE;
        quoteDepth++;
      }
    }
    if (n <= 12 && lastClosed > at && ix.parent[lastClosed] === at && SAYS.test(t) && quoteDepth === 0) {
      const e = lastClosed;
      if (NAME_TAGS.has(ix.tag[e]!) && ix.text[e]! > 0 && ix.text[e]! <= 40 && !(ix.flags[e]! & (F_AUTHOR_CLASS | F_AUTHOR_LINK | F_AUTHOR_ATTR))) {
        ix.flags[e] = ix.flags[e]! | F_AUTHOR_CLASS;
        ix.hints.push(e);
        hintsUnsorted = true;
        ix.nHint[e]!++;
        ix.nHint[at]!++;
      }
    }
    ix.text[at]! += n;
    if (chromeDepth > 0 || (n <= 30 && CHROME_TEXT.test(t)) || (n <= 80 && t.endsWith(':') && QUOTE_LEAD.test(t))) ix.skip[at]! += n;
    // Source indentation inside a text node (a date, then its edit note on another line) is no length.
    // A clock in an element of its own right after a day ("erstellt: 21. Apr 2004, <span>02:42</span>")
    // completes that day's stamp.
    if (dayAt >= 0 && n <= 11 && CLOCK.test(t)) {
      const iso = parseForumDate(`${dayText} ${t}`);
      if (iso) ix.stamps.set(dayAt, { iso, strength: 1 });
    }
    dayAt = -1;
    const w = quoteDepth === 0 && n >= 6 && n <= 200 && DATE_HINT.test(t) && !(ix.flags[at]! & F_TIME) ? (n <= 80 ? t : t.replace(/\s+/g, ' ')) : '';
    if (w && w.length <= 80) {
      // A posting time followed by its edit note in the same words ("20. April 2020 11:17 (zuletzt
      // bearbeitet: 21. April …)", "May 3, 2020 10:12, edited May 4"): the time before the note is the post's.
      const edit = EDITED.exec(w);
      const d = edit && edit.index >= 6 ? w.slice(0, edit.index).replace(/[\s(\[,;–-]*(?:last|zuletzt|dernière|ultima|última)?\s*$/i, '') : w;
      const iso = parseForumDate(d);
      if (iso && !NOT_POST_DATE.test(d) && !PANEL_LABEL.test(prevText) && !/^\d{4}$/.test(d) && (d !== w || !edit) && !EDITED.test(prevText)) {
        ix.flags[at]! |= F_TIME;
        ix.stamps.set(at, { iso, strength: /\d:\d\d/.test(d) ? 1 : 0 });
        if (!/\d:\d\d/.test(d)) {
          dayAt = at;
          dayText = d;
        }
        ix.times.push(at);
        // The element was opened before its text was seen: its time is counted as it closes.
      }
    }
    prevText = t.length > 40 ? '' : t;
  };

  const r = open(root, -1);
  stack.push(r);
  const skipRoot = SKIP_CONTENT.has(root.localName);
  // The page index's scan met every node of the page already (page-signals.ts `tape`): read it again
  // from there, rather than walking the DOM a second time.
  const s = skipRoot ? undefined : active(doc);
  const rootAt = s?.tape && s.attributes ? orderOf(s, root) : undefined;
  if (s && rootAt !== undefined) {
    const { items, texts, at, end, attributesEnd, tags } = s.tape!;
    const { names, values } = s.attributes!;
    const { classOf } = s;
    pageMarks = new Array<number>(s.classLists.length).fill(-1);
    let pos = rootAt - s.start;
    const stop = end[pos]!;
    // The text nodes' values, one for each text entry of the tape: the first of the root's content is
    // after those of the entries before it.
    let text = 0;
    for (let k = 0, p = 0; k <= at[pos]!; k++) {
      if (items[k] === null) continue;
      if (k === at[p]) p++;
      else text++;
    }
    for (let k = at[pos]! + 1; k < stop; k++) {
      const item = items[k]!;
      if (item === null) {
        // The end of the element opened last (the root's own end stops the loop).
        if (stack.length > 1) close(stack.pop()!);
        continue;
      }
      // An element's entry is where the next position opens; any other entry is a text node.
      if (k !== at[pos + 1]) {
        addText(texts[text++]!, stack[stack.length - 1]!);
        continue;
      }
      pos++;
      const count = tapePairs(names, values, pos > 0 ? attributesEnd[pos - 1]! : 0, attributesEnd[pos]!);
      const i = open(item as Element, stack[stack.length - 1]!, count, classOf[pos]!, tags[pos]!);
      if (skipsContent) {
        close(i);
        // On past its content, to its end in the tape; positions go on after its last element's.
        const skipTo = end[pos]!;
        const from = pos;
        const lastAt = lastInside(s, item as Element);
        if (lastAt !== undefined) pos = lastAt - s.start;
        else while (pos + 1 < at.length && at[pos + 1]! < skipTo) pos++;
        // The entries passed over are text nodes but for the start and end of each element inside.
        if (skipTo > k) text += skipTo - k - 1 - 2 * (pos - from);
        k = Math.max(k, skipTo);
        continue;
      }
      stack.push(i);
    }
    close(stack.pop()!);
    return finish(ix, hintsUnsorted);
  }
  if (!skipRoot && nodeScan?.(root, (el) => {
    const i = open(el, stack[stack.length - 1]!);
    if (skipsContent) {
      close(i);
      return false;
    }
    stack.push(i);
    return true;
  }, (v) => addText(v, stack[stack.length - 1]!), () => close(stack.pop()!))) {
    close(stack.pop()!);
    return finish(ix, hintsUnsorted);
  }
  let c: Node | null = skipRoot ? null : root.firstChild;
  for (;;) {
    if (c) {
      const type = c.nodeType;
      if (type === 3) {
        addText(c.nodeValue ?? '', stack[stack.length - 1]!);
      } else if (type === 1) {
        const el = c as Element;
        const i = open(el, stack[stack.length - 1]!);
        if (!skipsContent && el.firstChild) {
          stack.push(i);
          c = el.firstChild;
          continue;
        }
        close(i);
      }
      c = c.nextSibling;
      continue;
    }
    const i = stack.pop()!;
    close(i);
    if (!stack.length) break;
    c = ix.els[i]!.nextSibling;
  }
  return finish(ix, hintsUnsorted);
}

/**
 * Writes into `pairs` the attributes from `from` to `to` of the page index's lists, as `readAttributes`
 * gives them (a repeated name takes the first one's value), and returns how many.
 */
function tapePairs(names: string[], values: string[], from: number, to: number): number {
  let n = 0;
  for (let a = from; a < to; a++) {
    const name = names[a]!;
    let value = values[a]!;
    for (let j = 0; j < n; j++) {
      if (pairs[2 * j] === name) {
        value = pairs[2 * j + 1]!;
        break;
      }
    }
    pairs[2 * n] = name;
    pairs[2 * n + 1] = value;
    n++;
  }
  return n;
}

function finish(ix: PageIndex, hintsUnsorted: boolean): PageIndex {
  // Times found in text were marked after their element opened; keep `times` in document order.
  ix.times.sort((a, b) => a - b);
  if (hintsUnsorted) ix.hints.sort((a, b) => a - b);
  const n = ix.els.length;
  for (const k of COLUMNS) ix[k].length = n;
  return ix;
}

/** The first position in `list` (ascending) holding a value ≥ `at`. */
export function lowerBound(list: number[], at: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Members of `list` inside element `i`'s subtree. */
export function within(ix: PageIndex, list: number[], i: number): number[] {
  const out: number[] = [];
  const end = ix.last[i]!;
  for (let k = lowerBound(list, i); k < list.length && list[k]! <= end; k++) out.push(list[k]!);
  return out;
}
