import { lineOf } from '../dom.ts';
import {
  F_AUTHOR_ATTR,
  F_AUTHOR_CLASS,
  F_AUTHOR_LINK,
  F_BODY_TAG,
  F_CHROME,
  F_FURNITURE,
  F_HEADING,
  F_IN_QUOTE,
  F_ITEMPROP_AUTHOR,
  F_PERMA,
  F_POST_ID,
  F_POST_TYPE,
  F_QUOTE,
  F_SIG,
  classList,
  lowerBound,
  newIndex,
  type PageIndex,
} from './walk.ts';
import { PANEL_LABEL } from './signals.ts';

/**
 * Finding the posts: candidate sets of blocks built from one template, each read for an author, a time
 * and a body, and scored on several independent signals. A set is only accepted when most of its blocks
 * read as posts and their bodies are prose (a topic list's "bodies" are titles: short, mostly links).
 */

/** One block read as a post: element numbers in the page index (-1 when absent). */
export interface Found {
  block: number;
  author: number;
  /** The author's name, as read. */
  name: string;
  href: string | null;
  time: number;
  body: number;
  /** Children of the body left out: the author's panel, the time, a heading, when the words share a container with them. */
  omit: number[];
  perma: number;
  /** Nested blocks (replies) inside this one, whose words are not this post's. */
  nested: number[];
}

interface Group {
  key: string;
  members: number[];
}

/** Class tokens that vary between posts of one template: numbers, alternating rows, states. */
const VARYING_CLASS = /\d|^(?:odd|even|alt|alt\d|first|last|new|unread|seen|selected|active|hover|highlight|sticky|deleted|ignored|byuser|bypostauthor|comment-author-[\w-]+|depth-\d+|thread-(?:odd|even|alt)|parent|has-children|is-\w+|mod|staff|op|own|self|current)$/i;

const classKeys = new Map<string, string>();

/** A class list's template part: its tokens less the varying ones, sorted. A page repeats a few hundred lists over thousands of elements: each is keyed once. */
export function classKey(cls: string): string {
  if (!cls) return '';
  let key = classKeys.get(cls);
  if (key === undefined) {
    key = cls.split(/\s+/).filter((c) => c && !VARYING_CLASS.test(c)).sort().join('.');
    if (classKeys.size < 5000) classKeys.set(cls, key);
  }
  return key;
}

/** Class keys by class list number (walk.ts `classList`). */
const keysByNumber: string[] = [];

/** Element `i`'s class key (see `classKey`). */
export function classKeyOf(ix: PageIndex, i: number): string {
  const no = ix.classNo[i]!;
  if (no === 0) return classKey(ix.cls[i]!);
  return (keysByNumber[no] ??= classKey(classList[no - 1]!));
}

/** Shapes by class list number (0: no class), then by tag: the same string each time, so sets key and compare them cheaply. */
const shapesByNumber: (Map<string, string> | undefined)[] = [];
const shapes = new WeakMap<PageIndex, string[]>();
/** The page index last asked of and its shapes, until `releaseShapes` lets the page go. */
let shapesIx: PageIndex | null = null;
let shapesList: string[] | undefined;

/** Lets go of the page `shapeOf` keeps at hand: a page read must not outlive its reading. */
export function releaseShapes(): void {
  shapesIx = null;
  shapesList = undefined;
}

/** Element `i`'s shape, tag and class key ("div.message"), as the sets compare bodies and name slots; kept per page index. */
export function shapeOf(ix: PageIndex, i: number): string {
  // The sets, the slots and the opening post ask thousands of times of one page: its list is kept at hand.
  let list = ix === shapesIx ? shapesList : shapes.get(ix);
  if (!list) shapes.set(ix, (list = new Array<string>(ix.els.length).fill('')));
  shapesIx = ix;
  shapesList = list;
  let shape = list[i]!;
  if (shape) return shape;
  const no = ix.classNo[i]!;
  const tag = ix.tag[i]!;
  if (no === 0 && ix.cls[i]) shape = `${tag}.${classKey(ix.cls[i]!)}`;
  else {
    const byTag = (shapesByNumber[no] ??= new Map());
    shape = byTag.get(tag) ?? '';
    if (!shape) byTag.set(tag, (shape = `${tag}.${classKeyOf(ix, i)}`));
  }
  return (list[i] = shape);
}

/** Whether element `x` (when there is one) lies in element `i`'s subtree, `i` included. */
function subtreeHolds(ix: PageIndex, i: number, x: number): boolean {
  return x >= 0 && i <= x && x <= ix.last[i]!;
}

/** Whether element `i` lies in element `x`'s subtree (when there is an `x`), `x` included. */
function inSubtree(ix: PageIndex, i: number, x: number): boolean {
  return x >= 0 && x <= i && i <= ix.last[x]!;
}

/** Whether element `k` is a block's own, not inside one of its nested blocks (in document order, disjoint). */
function ownElement(ix: PageIndex, nested: number[], k: number): boolean {
  if (!nested.length) return true;
  const at = lowerBound(nested, k + 1) - 1;
  return at < 0 || ix.last[nested[at]!]! < k;
}

/** Whether two lists of numbers hold the same, in the same order. */
export function sameList(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** Whether any of `list` lies in element `p`'s subtree, `p` included. */
function holdsAny(ix: PageIndex, p: number, list: number[]): boolean {
  for (const x of list) if (x >= p && x <= ix.last[p]!) return true;
  return false;
}

/** Element `i`'s words less chrome and signatures. */
function wordsOf(ix: PageIndex, i: number): number {
  return ix.text[i]! - ix.skip[i]!;
}

/** Element `i`'s prose: its words less link text; 0 for no element. */
export function proseOf(ix: PageIndex, i: number): number {
  return i < 0 ? 0 : ix.text[i]! - ix.skip[i]! - ix.link[i]!;
}

/** Debugging output, asked for once: `process.env` is read through the environment on every access. */
const DEBUG = typeof process !== 'undefined' && !!process.env?.GLEANER_DEBUG_GENERIC;

/** Marks of an element that neither is nor holds a post body, combined once here rather than per element scanned. */
const NOT_BODY = F_CHROME | F_SIG | F_IN_QUOTE | F_FURNITURE;


const EDIT_NOTICE = /^(?:last )?edited\b|^zuletzt (?:bearbeitet|geändert)|^dernière (?:modification|édition)|^modifié|^editado|^modificato/i;

/** Words that are never a person's name, though they sit in profile links and name slots. */
const NOT_NAME =
  /^(?:profile|view profile|user profile|pm|send pm|private message|message|send message|website|www|homepage|e-?mail|find|find posts|find all posts|posts|search|follow|ignore|report|quote|reply|avatar|offline|online|more|members?|users?|guest|anonymous user|view|log ?in|sign ?in|register|\d+ (?:posts?|comments?|replies))$/i;

function cleanName(raw: string): string {
  let s = raw.replace(/\s+/g, ' ').trim();
  s = s.replace(/^(?:by|von|par|posted by|written by|de|di|door|av|autor:?|author:?)\s+/i, '').replace(/^@/, '');
  // The verb comment templates put after the name ("Anna says:", WordPress in every locale).
  // A word of its own: "kool maudit" does not end in the verb "dit".
  s = s.replace(/\s+(?:wrote|said|says|schrieb|sagt|meint|a écrit|dit|escribió|dice|ha scritto|disse|diz|zegt|schreef|skrev|skriver|sier|napisał|pisze|пишет|написал|kirjoitti|yazdı)\s*:?$/i, '').replace(/\s*:$/, '');
  return s.trim();
}

function validName(s: string): boolean {
  return s.length >= 1 && s.length <= 60 && !NOT_NAME.test(s) && !/^[\d\s.,:/#()+-]+$/.test(s) && /[\p{L}\p{N}]/u.test(s) && !/\d:\d\d|\b\d{4}\b/.test(s);
}

/** An absolute http(s) address's authority when it is a plain domain name (see `plainHost`). */
const PLAIN_AUTHORITY = /^https?:\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?:[/?#\\]|$)/;

/**
 * The host `new URL(href)` gives, read without parsing the address, when the address is absolute and its
 * authority a plain domain name: lower-case letters, digits and hyphens in dot-separated labels, no user,
 * no port, no IDNA label ("xn--", which the parser checks), a last label that starts with a letter (one of
 * digits is read as an IPv4 address). Such a name is its own host. Null for any other address.
 */
function plainHost(href: string): string | null {
  const host = PLAIN_AUTHORITY.exec(href)?.[1];
  if (host === undefined || host.includes('xn--')) return null;
  const c = host.charCodeAt(host.lastIndexOf('.') + 1);
  return c >= 97 && c <= 122 ? host : null;
}

/** The reader that turns a candidate group into posts; each call reads within one block. */
export class PostReader {
  constructor(
    readonly ix: PageIndex,
    private readonly lineOf: (el: Element) => string,
    /** The page's own address, to tell a link to this page or another site from a topic list's title link. */
    readonly pageUrl: string | null = null,
  ) {}

  /**
   * Names and readings already made: the candidate sets overlap (a comment's `li` is a sibling of its
   * kind and an element of its class; its author link sits in several sets' blocks), and both are
   * functions of the page index alone.
   */
  private readonly names = new Map<number, string>();
  private readonly valid = new Map<number, boolean>();
  private readonly readings = new Map<number, { slot: string; nested: number[]; found: Found | null }[]>();

  private page: URL | null | undefined;
  private readonly away = new Map<string, boolean>();

  /**
   * Whether `href` leads to this very page (the question's heading above its answers) or to another site
   * (a member's homepage in the user card): a topic list's titles lead to topics of the same site.
   * Answered once per address: the sets overlap, and so do the links their blocks hold.
   */
  leadsElsewhere(href: string): boolean {
    if (this.page === undefined) {
      try {
        this.page = this.pageUrl ? new URL(this.pageUrl) : null;
      } catch {
        this.page = null;
      }
    }
    const page = this.page;
    if (!page) return false;
    let known = this.away.get(href);
    if (known === undefined) {
      const host = plainHost(href);
      if (host !== null && host !== page.host) known = true;
      else try {
        const u = new URL(href, page);
        known = u.host !== page.host || (u.pathname.replace(/\/$/, '') === page.pathname.replace(/\/$/, '') && u.search === page.search);
      } catch {
        known = false;
      }
      this.away.set(href, known);
    }
    return known;
  }

  /** An element's text on one line, as the reader was given to read it. */
  line(el: Element): string {
    return this.lineOf(el);
  }

  /** The name an element shows: short text, or the first short text of a link or strong inside it. */
  nameAt(i: number): string {
    let name = this.names.get(i);
    if (name === undefined) {
      name = this.readName(i);
      this.names.set(i, name);
      this.valid.set(i, validName(name));
    }
    return name;
  }

  /** Whether the name element `i` shows (`nameAt`) can be a person's. */
  validNameAt(i: number): boolean {
    if (!this.valid.has(i)) this.nameAt(i);
    return this.valid.get(i)!;
  }

  private readName(i: number): string {
    const { ix } = this;
    if (ix.flags[i]! & F_AUTHOR_ATTR) return cleanName(ix.attrNames.get(i) ?? '');
    if (ix.text[i]! <= 80) {
      // A name slot that also holds a user title ("Django8 Inventar"): the name is the marked-up part.
      const end = ix.last[i]!;
      for (let k = i + 1; k <= end; k++) {
        const t = ix.tag[k]!;
        if (ix.text[k]! === 0 || ix.text[k] === ix.text[i]) continue;
        if (t === 'a' || t === 'strong' || t === 'b' || t === 'cite' || ix.flags[k]! & F_AUTHOR_CLASS) {
          const n = cleanName(this.lineOf(ix.els[k]!));
          if (validName(n)) return n;
        }
      }
      const n = cleanName(this.withoutMarks(i));
      if (validName(n)) return n;
    }
    // A panel or a byline: its first link, strong or name-marked element with a short text.
    const end = ix.last[i]!;
    for (let k = i + 1; k <= end; k++) {
      const t = ix.tag[k]!;
      if (ix.text[k]! === 0 || ix.text[k]! > 60) continue;
      if (t === 'a' || t === 'strong' || t === 'b' || t === 'span' || t === 'cite' || ix.flags[k]! & F_AUTHOR_CLASS) {
        const n = cleanName(this.lineOf(ix.els[k]!));
        if (validName(n)) return n;
      }
    }
    return '';
  }

  /**
   * An element's words without the marks set beside a name in elements of their own: a reputation count
   * ("Alex 5"), a subscriber or status sign ("+Human.Online").
   */
  withoutMarks(i: number): string {
    const { ix } = this;
    let s = this.lineOf(ix.els[i]!);
    const end = ix.last[i]!;
    for (let k = i + 1; k <= end; k++) {
      const n = ix.text[k]!;
      if (n === 0 || n > 12) continue;
      const t = this.lineOf(ix.els[k]!);
      if (!/^(?:[+\-•*†]|[+\-]?[\d.,]+[kKmM]?)$/.test(t)) continue;
      if (s.endsWith(t)) s = s.slice(0, -t.length).trim();
      else if (s.startsWith(t)) s = s.slice(t.length).trim();
      k = ix.last[k]!;
    }
    return s;
  }

  /**
   * Reads block `m` (its nested blocks `nested` left out) as a post; null when it names no author.
   * `slot`: where other blocks of the template keep the author, for blocks whose author is not linked.
   */
  read(m: number, nested: number[], slot: string | null, banned: Set<string> | null = null): Found | null {
    if (banned) return this.readBlock(m, nested, slot, banned);
    const s = slot ?? '';
    let made = this.readings.get(m);
    if (!made) this.readings.set(m, (made = []));
    for (const r of made) if (r.slot === s && sameList(r.nested, nested)) return r.found;
    const found = this.readBlock(m, nested, slot, null);
    made.push({ slot: s, nested, found });
    return found;
  }

  private readBlock(m: number, nested: number[], slot: string | null, banned: Set<string> | null): Found | null {
    const { ix } = this;
    const end = ix.last[m]!;

    let author = -1;
    let name = '';
    let href: string | null = null;
    if (ix.flags[m]! & F_AUTHOR_ATTR) {
      author = m;
      name = this.nameAt(m);
    }
    if (!name) {
      for (let k = lowerBound(ix.authors, m); k < ix.authors.length && ix.authors[k]! <= end; k++) {
        const a = ix.authors[k]!;
        if (!ownElement(ix, nested, a)) continue;
        const n = this.nameAt(a);
        if (!this.validNameAt(a) || banned?.has(n)) continue;
        author = a;
        name = n;
        href = ix.hrefs.get(a) ?? null;
        break;
      }
    }
    if (!name) {
      for (let k = lowerBound(ix.hints, m); k < ix.hints.length && ix.hints[k]! <= end; k++) {
        const a = ix.hints[k]!;
        if (!ownElement(ix, nested, a) || ix.flags[a]! & F_IN_QUOTE) continue;
        const n = this.nameAt(a);
        if (!this.validNameAt(a) || banned?.has(n)) continue;
        author = a;
        name = n;
        break;
      }
    }
    if (!name && slot) {
      const slotTag = slot.slice(0, slot.indexOf('.'));
      for (let k = m + 1; k <= end; k++) {
        // A shape starts with its tag: most elements are told apart by that alone.
        if (ix.tag[k] !== slotTag || shapeOf(ix, k) !== slot || !ownElement(ix, nested, k)) continue;
        const n = this.nameAt(k);
        if (this.validNameAt(k)) {
          author = k;
          name = n;
          break;
        }
      }
    }
    if (!name) return null;

    let time = -1;
    let best = -1;
    for (let k = lowerBound(ix.times, m); k < ix.times.length && ix.times[k]! <= end; k++) {
      const t = ix.times[k]!;
      if (!ownElement(ix, nested, t) || ix.flags[t]! & F_IN_QUOTE) continue;
      const s = ix.stamps.get(t)!.strength;
      if (s > best) {
        best = s;
        time = t;
        if (s === 3) break;
      }
    }
    let perma = ix.flags[m]! & (F_PERMA | F_POST_ID) ? m : -1;
    if (perma < 0) {
      for (let k = lowerBound(ix.permas, m); k < ix.permas.length && ix.permas[k]! <= end; k++) {
        if (ownElement(ix, nested, ix.permas[k]!)) {
          perma = ix.permas[k]!;
          break;
        }
      }
    }
    // An author named by the block's own attribute: the element showing that name (the user panel's
    // link) is what the body must steer around.
    let authorEl = author;
    if (author === m) {
      authorEl = -1;
      for (const list of [ix.authors, ix.hints]) {
        for (let k = lowerBound(list, m + 1); k < list.length && list[k]! <= end && authorEl < 0; k++) {
          const a = list[k]!;
          if (ownElement(ix, nested, a) && !(ix.flags[a]! & F_IN_QUOTE) && this.nameAt(a) === name) authorEl = a;
        }
      }
    }
    // The visible name is the author element from now on: a nested set reading the same panel is no reply.
    if (authorEl >= 0) {
      author = authorEl;
      href ??= ix.hrefs.get(authorEl) ?? null;
    }
    let body = this.bodyOf(m, nested, authorEl, time);
    if (body >= 0 && !nested.length) body = this.message(body);
    if (!nested.length) {
      const paired = this.pairedBody(m, body);
      if (paired >= 0) return { block: m, author, name, href, time, body: paired, omit: [], perma, nested };
    }
    // An edit notice ("Last edited by X on …, edited 2 times") names someone beside loose words: no post.
    if (body < 0 && !nested.length && time !== m && author !== m && !(ix.text[m]! <= 300 && EDIT_NOTICE.test(this.lineOf(ix.els[m]!)))) {
      // The words written straight into the block, between its byline elements ("<strong>Vega</strong>
      // Says: <time>…</time> The only one…"): the block is the body, less the byline's elements.
      let inElements = 0;
      const left: number[] = [];
      for (let c = m + 1; c <= end; c = ix.last[c]! + 1) {
        inElements += ix.text[c]!;
        const f = ix.flags[c]!;
        if (subtreeHolds(ix, c, authorEl) || subtreeHolds(ix, c, time) || f & (F_HEADING | F_CHROME | F_SIG | F_FURNITURE) || /^#?\d+$/.test(this.lineOf(ix.els[c]!))) left.push(c);
      }
      if (ix.text[m]! - inElements >= 20) return { block: m, author, name, href, time, body: m, omit: left, perma, nested };
    }
    let omit: number[] = [];
    const p = body >= 0 ? ix.parent[body]! : -1;
    // The words may be several paragraphs beside the byline in one container (Askbot, many blogs):
    // then the body is that container without the byline.
    if (p > m && !holdsAny(ix, p, nested)) {
      if (subtreeHolds(ix, p, authorEl) || subtreeHolds(ix, p, time)) {
        let extra = 0;
        const left: number[] = [];
        for (let c = p + 1; c <= ix.last[p]!; c = ix.last[c]! + 1) {
          if (c === body) continue;
          const f = ix.flags[c]!;
          if (subtreeHolds(ix, c, authorEl) || subtreeHolds(ix, c, time) || f & (F_HEADING | F_CHROME | F_SIG | F_FURNITURE)) left.push(c);
          else extra += ix.text[c]! - ix.skip[c]!;
        }
        // Text written straight into the container, between the elements, counts too.
        let inElements = 0;
        for (let c = p + 1; c <= ix.last[p]!; c = ix.last[c]! + 1) inElements += ix.text[c]!;
        extra += ix.text[p]! - inElements;
        if (extra > 0) {
          body = p;
          omit = left;
        }
      }
    }
    return { block: m, author, name, href, time, body, omit, perma, nested };
  }

  /**
   * Header and message in sibling rows (an old table layout's name-and-date row, then the text row;
   * a byline div, then the message div): when the block holds no more than a subject line, the next
   * sibling that names no author and is not page furniture, a list of links or a heading, and has more
   * words than the block's own body, is its message.
   */
  pairedBody(m: number, body: number): number {
    const { ix } = this;
    const own = proseOf(ix, body);
    if (own >= 150) return -1;
    const parent = ix.parent[m]!;
    let s = ix.last[m]! + 1;
    for (let step = 0; step < 3 && s < ix.els.length && ix.parent[s] === parent; step++, s = ix.last[s]! + 1) {
      const f = ix.flags[s]!;
      if (ix.nAuthor[s]! > 0 || ix.nHint[s]! > 0 || f & (F_POST_ID | F_POST_TYPE)) return -1;
      if (proseOf(ix, s) <= 0 || f & F_CHROME) continue;
      if (f & (F_FURNITURE | F_HEADING | F_SIG) || ix.link[s]! * 2 > ix.text[s]! || proseOf(ix, s) <= own) return -1;
      const inner = this.bodyOf(s, [], -1, -1);
      return inner >= 0 && proseOf(ix, inner) * 10 >= proseOf(ix, s) * 9 ? this.message(inner) : s;
    }
    return -1;
  }

  /**
   * The message inside a body that also holds a short tool or date row ("[report] Sunday 8th March",
   * "Sep 9, 2017 #1"): the child with nearly all the words, when what is left beside it is a few words
   * outside any paragraph. A quote is never the message, and neither is one paragraph among others.
   */
  message(body: number): number {
    const { ix } = this;
    for (;;) {
      const total = wordsOf(ix, body);
      let inner = -1;
      let inElements = 0;
      for (let c = body + 1; c <= ix.last[body]!; c = ix.last[c]! + 1) {
        inElements += ix.text[c]!;
        // A quote element holding every word is the engine's message frame (vBulletin 4 blockquote.postcontent).
        const quote = ix.flags[c]! & F_QUOTE && wordsOf(ix, c) < total;
        if (quote || ix.flags[c]! & (F_CHROME | F_SIG) || !(ix.flags[c]! & F_BODY_TAG) || ix.tag[c] === 'p') continue;
        if (proseOf(ix, c) > 0 && (inner < 0 || proseOf(ix, c) > proseOf(ix, inner)) && !this.holdsFurniture(c)) inner = c;
      }
      if (inner < 0 || ix.text[body]! > inElements) return body;
      let rest = 0;
      let paragraph = false;
      for (let c = body + 1; c <= ix.last[body]!; c = ix.last[c]! + 1) {
        // A subject line over the message ("Re: …") is a heading, not the post's words.
        if (c === inner || wordsOf(ix, c) === 0 || ix.flags[c]! & F_HEADING || /^h[4-6]$/.test(ix.tag[c]!)) continue;
        rest += Math.max(0, proseOf(ix, c));
        if (ix.tag[c] === 'p' || ix.tag[c] === 'blockquote' || ix.flags[c]! & F_QUOTE) paragraph = true;
      }
      // Links-only rows (likes, tools) weigh nothing; a few words beside many more are a date or a label.
      if (paragraph || rest > 40 || proseOf(ix, inner) < 2 * rest) return body;
      body = inner;
    }
  }

  /** Whether element `i` reads as one line of a user panel: a member's label ("Posts:", "Location:") and its value. */
  panelLine(i: number): boolean {
    const label = /^\s*([^:\n]{2,24}:)/.exec(this.ix.els[i]!.textContent ?? '')?.[1];
    return !!label && PANEL_LABEL.test(label);
  }

  /** Whether a form, nav or aside lies in element `i` (a hidden reply box beside a short message). */
  holdsFurniture(i: number): boolean {
    const { ix } = this;
    for (let k = i; k <= ix.last[i]!; k++) if (ix.flags[k]! & F_FURNITURE) return true;
    return false;
  }

  /**
   * The post's own words: the element of the block with the most non-chrome text that holds neither the
   * author nor the time nor a nested reply; on a near tie, the deeper one (the message inside its frame).
   */
  bodyOf(m: number, nested: number[], author: number, time: number): number {
    const { ix } = this;
    const end = ix.last[m]!;
    let best = -1;
    let bestScore = 0;
    let n = 0;
    for (let i = m + 1; i <= end; i++) {
      while (n < nested.length && nested[n]! < i && ix.last[nested[n]!]! < i) n++;
      if (n < nested.length && nested[n] === i) {
        i = ix.last[i]!;
        continue;
      }
      const f = ix.flags[i]!;
      if (f & NOT_BODY || inSubtree(ix, i, author) || inSubtree(ix, i, time)) {
        i = ix.last[i]!;
        continue;
      }
      if (!(ix.flags[i]! & F_BODY_TAG) || subtreeHolds(ix, i, author) || subtreeHolds(ix, i, time)) continue;
      // A user panel of "Joined: … Messages: …" pairs is about the member, not a message.
      if (ix.nLabel[i]! >= 3 && ix.text[i]! < ix.nLabel[i]! * 50) {
        i = ix.last[i]!;
        continue;
      }
      if (n < nested.length && nested[n]! <= ix.last[i]!) continue;
      const score = ix.text[i]! - ix.skip[i]! - 0.7 * ix.link[i]!;
      const better = score > bestScore + 2 || (best >= 0 && score >= bestScore - 2 && subtreeHolds(ix, best, i));
      // One "Label: value" line of a member's panel ("Wohnort: …", "Beiträge: 8143") beside a one-word message.
      if (better && ix.text[i]! <= 60 && this.panelLine(i)) {
        i = ix.last[i]!;
        continue;
      }
      if (better) {
        if (score > bestScore) bestScore = score;
        best = i;
      }
    }
    return best;
  }
}

export interface Reading {
  found: Found[];
  members: number;
  score: number;
}

/** Blocks of groups rejected as topic-list rows: a group read inside them is part of a listing too. */
export const listingRows: number[] = [];

/**
 * A candidate set as it is gathered: siblings of one tag under one parent ('s'), elements of one shape
 * ('c'), or schema.org posts ('type'). Its key, which only debugging output shows, is written when asked.
 */
class CandidateSet implements Group {
  /** The set of another tag under the same parent. */
  other: CandidateSet | null = null;
  readonly members: number[];
  constructor(
    readonly kind: 's' | 'c' | 'type',
    readonly parent: number,
    /** The tag ('s') or the shape ('c'). */
    readonly name: string,
    first: number,
  ) {
    this.members = [first];
  }

  get key(): string {
    return this.kind === 's' ? `s${this.parent}:${this.name}` : this.kind === 'c' ? `c${this.name}` : 'type';
  }
}

/**
 * One instance of each class the reader makes per page, kept for the module's life and holding no page.
 * Optimised code holds the maps (shapes) of the objects it was made for weakly: once every PostReader of
 * the last page had died, a full garbage collection dropped the class's map and with it the optimised
 * code of every method that had met one (`node --trace-deopt`: "weak objects", 100 and more per 100
 * extractions of a WordPress comment page, each collection between two extractions), so in a long-lived
 * process (bulk capture, the CLI reading many files, the hub) each extraction after a full collection ran
 * unoptimised code and compiled it again.
 */
export const keptShapes: readonly object[] = [new PostReader(newIndex(0), String), new CandidateSet('s', -1, '', -1)];

/** Candidate groups: siblings of one tag under one parent, and elements of one shape anywhere. */
export function candidateGroups(ix: PageIndex): Group[] {
  // Sets in the order they were first met; each found by parent and tag (a short chain per parent),
  // or by shape, with no key string built.
  const order: CandidateSet[] = [];
  const siblings = new Array<CandidateSet | undefined>(ix.els.length);
  const shaped = new Map<string, CandidateSet>();
  let typed: CandidateSet | null = null;
  for (let i = 1; i < ix.els.length; i++) {
    const f = ix.flags[i]!;
    if (f & F_IN_QUOTE) {
      i = ix.last[i]!;
      continue;
    }
    const authorish = ix.nAuthor[i]! > 0 || ix.nHint[i]! > 0;
    if (!authorish && !(ix.nTime[i]! > 0 && ix.nPerma[i]! > 0) && !(f & F_POST_TYPE)) {
      // Nothing below can be a post either.
      if (ix.nAuthor[i] === 0 && ix.nHint[i] === 0 && ix.nTime[i] === 0 && ix.nPerma[i] === 0) i = ix.last[i]!;
      continue;
    }
    if (ix.text[i]! - ix.link[i]! < 2) continue;
    const p = ix.parent[i]!;
    const tag = ix.tag[i]!;
    let sib: CandidateSet | null | undefined = siblings[p];
    while (sib && sib.name !== tag) sib = sib.other;
    if (sib) sib.members.push(i);
    else {
      const g = new CandidateSet('s', p, tag, i);
      g.other = siblings[p] ?? null;
      siblings[p] = g;
      order.push(g);
    }
    if (classKeyOf(ix, i)) {
      const shape = shapeOf(ix, i);
      const same = shaped.get(shape);
      if (same) same.members.push(i);
      else {
        const g = new CandidateSet('c', -1, shape, i);
        shaped.set(shape, g);
        order.push(g);
      }
    }
    if (f & F_POST_TYPE) {
      if (typed) typed.members.push(i);
      else order.push((typed = new CandidateSet('type', -1, '', i)));
    }
  }
  const out: Group[] = [];
  for (const g of order) if (g.members.length >= 2 || g.kind === 'type') out.push(g);
  return out;
}

/** A quick bound on how good a group can be, from the subtree sums alone, to read only the promising ones. */
export function quickScore(ix: PageIndex, g: Group): number {
  let withAuthor = 0;
  let withTime = 0;
  let withPerma = 0;
  let prose = 0;
  for (const m of g.members) {
    if (ix.nAuthor[m]! > 0 || ix.nHint[m]! > 0) withAuthor++;
    if (ix.nTime[m]! > 0) withTime++;
    if (ix.nPerma[m]! > 0) withPerma++;
    if (ix.text[m]! - ix.link[m]! - ix.skip[m]! >= 20) prose++;
  }
  const k = g.members.length;
  return Math.min(withAuthor, prose) * (1 + withTime / k + withPerma / k);
}

/** Members without the ones nested in others, and for each its nested members. */
export function nesting(ix: PageIndex, members: number[]): Map<number, number[]> {
  const nested = new Map<number, number[]>();
  const stack: number[] = [];
  for (const m of members) {
    while (stack.length && ix.last[stack[stack.length - 1]!]! < m) stack.pop();
    const top = stack[stack.length - 1];
    if (top !== undefined) nested.get(top)!.push(m);
    nested.set(m, []);
    stack.push(m);
  }
  // Each is listed under its nearest enclosing member only: a deeper one lies inside a direct one.
  return nested;
}

/** Reads a group as posts and scores the reading; null when it does not read as a thread. */
export function readGroup(reader: PostReader, g: Group): Reading | null {
  const { ix } = reader;
  const nest = nesting(ix, g.members);
  const first: (Found | null)[] = g.members.map((m) => reader.read(m, nest.get(m)!, null));
  // Where most blocks keep the author (by the container of their author element), look there in the others.
  const slots = new Map<string, number>();
  for (const f of first) {
    if (!f || f.author < 0) continue;
    const p = f.author === f.block ? f.author : ix.parent[f.author]!;
    const key = shapeOf(ix, p);
    slots.set(key, (slots.get(key) ?? 0) + 1);
  }
  // The commonest; between equals, the first met.
  let slot: string | null = null;
  let most = 0;
  for (const [key, c] of slots) {
    if (c > most) {
      most = c;
      slot = key;
    }
  }
  // The same words on (nearly) every block of a long set, taken from a link, are a tool's label
  // ("Post History", "Profile" in another language), not one person writing every post.
  const counts = new Map<string, number>();
  for (const f of first) if (f) counts.set(f.name, (counts.get(f.name) ?? 0) + 1);
  const banned = new Set<string>();
  if (g.members.length >= 5) for (const [name, c] of counts) if (c >= g.members.length * 0.8) banned.add(name);
  let readings = g.members.map((m, k) => first[k] ?? (slot ? reader.read(m, nest.get(m)!, slot) : null));
  if (banned.size) {
    // Only when the blocks name someone else in another slot, and not one person throughout (a
    // single author's thread stays theirs).
    const alt = readings.map((f, k) => (f && banned.has(f.name) ? reader.read(g.members[k]!, nest.get(g.members[k]!)!, slot, banned) : f));
    const named = alt.filter((f) => f && !banned.has(f.name));
    if (named.length >= g.members.length * 0.8 && new Set(named.map((f) => f!.name)).size >= 2) readings = alt;
  }
  const found = sameBodySlot(ix, readings.filter((f): f is Found => !!f));
  if (!found.length) return null;
  const k = g.members.length;
  // Nearly every block must read as a post; a template where many do not is not understood.
  if (found.length < 2 || found.length < k * 0.6) return why(`${found.length} of ${k} read`);
  let withTime = 0;
  let withPerma = 0;
  let typed = 0;
  let prose = 0;
  let linkHeavy = 0;
  let bodyChars = 0;
  let bodyless = 0;
  const names = new Map<string, number>();
  for (const f of found) {
    if (f.time >= 0) withTime++;
    if (f.perma >= 0) withPerma++;
    if (ix.flags[f.block]! & F_POST_TYPE) typed++;
    names.set(f.name, (names.get(f.name) ?? 0) + 1);
    if (f.body < 0) {
      bodyless++;
      continue;
    }
    const text = ix.text[f.body]! - ix.skip[f.body]!;
    bodyChars += text;
    if (text - ix.link[f.body]! >= 25) prose++;
    if (ix.link[f.body]! > 0.5 * text) linkHeavy++;
  }
  const n = found.length;
  const titled = titledLinks(reader, found);
  if (DEBUG) console.error(`  titled ${titled} of ${n}`);
  if (titled * 5 >= n * 3) {
    // Two or three titled blocks may be the page's own wrappers (each with a heading link), not a list's rows.
    if (n >= 4) for (const f of found) listingRows.push(f.block);
    return why('titled links');
  }
  // Topic lists also repeat author + date: their "bodies" are titles, short and mostly link text.
  if (prose * 2.5 < n || linkHeavy * 2 > n || bodyless * 2 > n) return why(`prose ${prose} linkHeavy ${linkHeavy} bodyless ${bodyless} of ${n}`);
  // Two or three blocks are as likely the page's own regions (its header and main column): each must
  // read as a post with words of its own.
  if (n <= 3 && (prose < n || bodyless)) return why(`a short set with ${n - prose} blocks without prose`);
  // One name on every block of a long list is a byline repeated (a blog's article list), not a discussion.
  let top = 0;
  for (const c of names.values()) if (c > top) top = c;
  const sameAuthor = n >= 4 && top === n;
  const evidence = 1 + withTime / n + withPerma / n + typed / n;
  const score = n * evidence * (prose / n) * (sameAuthor ? 0.5 : 1) + Math.min(bodyChars / n, 400) / 400;
  return { found, members: k, score };
}

/**
 * Posts of one template keep their words in one slot. Where most blocks' bodies are elements of one
 * classed shape, a block whose body was taken elsewhere (a short "Thanks" losing to the "in reply to
 * X" line of its header, a message of an image alone losing to the member panel's "Joined" date) has
 * its body put back in its own element of that shape, when it has one outside quotes and nested posts.
 */
function sameBodySlot(ix: PageIndex, found: Found[]): Found[] {
  if (found.length < 3) return found;
  // A body's own shape; else, for a classless body (the paragraph inside the message frame), the shape
  // of its nearest classed container in the block. The first is tried first.
  for (const framed of [false, true]) {
    const counts = new Map<string, number>();
    for (const f of found) {
      if (f.body < 0 || f.nested.length) continue;
      const k = bodySlot(ix, f, framed);
      if (k) counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    let common = '';
    for (const [k, c] of counts) if (c * 10 >= found.length * 6 && !k.endsWith('.') && (!common || c > counts.get(common)!)) common = k;
    if (!common) continue;
    const out: Found[] = [];
    for (const f of found) out.push(inBodySlot(ix, f, framed, common));
    return out;
  }
  return found;
}

/** The shape of a block's body (`framed`: of its nearest classed container in the block; '' when none). */
function bodySlot(ix: PageIndex, f: Found, framed: boolean): string {
  if (!framed) return shapeOf(ix, f.body);
  let b = f.body;
  while (b > f.block && !classKeyOf(ix, b)) b = ix.parent[b]!;
  return b > f.block ? shapeOf(ix, b) : '';
}

/** Block `f` with its body in the element of shape `common` it holds, when it is elsewhere (see `sameBodySlot`). */
function inBodySlot(ix: PageIndex, f: Found, framed: boolean, common: string): Found {
  // A block with no words at all (a blank template) stays without a body.
  if (f.nested.length || f.body < 0 || bodySlot(ix, f, framed) === common) return f;
  // In the block, or in the row after it when the template pairs a header row with a message row
  // (then the row names no author of its own).
  const next = ix.last[f.block]! + 1;
  const paired = next < ix.els.length && ix.parent[next] === ix.parent[f.block] && ix.nAuthor[next] === 0 && ix.nHint[next] === 0;
  // A shape starts with its tag: most elements are told apart by that alone.
  const commonTag = common.slice(0, common.indexOf('.'));
  for (let pass = 0; pass < 2; pass++) {
    const from = pass === 0 ? f.block + 1 : paired ? next : 1;
    const to = pass === 0 ? ix.last[f.block]! : paired ? ix.last[next]! : 0;
    for (let i = from; i <= to; i++) {
      if (ix.flags[i]! & F_IN_QUOTE) {
        i = ix.last[i]!;
        continue;
      }
      if (ix.tag[i] !== commonTag || shapeOf(ix, i) !== common) continue;
      if ((f.author >= i && f.author <= ix.last[i]!) || (f.time >= i && f.time <= ix.last[i]!)) return f;
      return { ...f, body: i, omit: [] };
    }
  }
  return f;
}

/**
 * How many blocks carry a title link: a link outside the body with a title-length text to an address of
 * its own (not a fragment, not a permalink or profile), distinct from the other blocks'. That is what
 * a topic list's rows are, even those that show an excerpt of the first post; a thread's posts link to
 * themselves (permalinks), to profiles, or from inside their bodies.
 */
function titledLinks(reader: PostReader, found: Found[]): number {
  const { ix } = reader;
  const byText = new Map<string, number>();
  const hrefs = new Set<string>();
  const firsts: string[] = [];
  for (const f of found) {
    // A row's title comes before its excerpt, or opens it; links after the body are the post's tools.
    const bodyEnd = f.body >= 0 ? ix.last[f.body]! : -1;
    const end = f.body >= 0 ? bodyEnd : ix.last[f.block]!;
    for (let i = f.block; i <= end; i++) {
      if (ix.tag[i] !== 'a' || ix.flags[i]! & (F_AUTHOR_LINK | F_PERMA | F_IN_QUOTE) || ix.text[i]! < 15 || ix.text[i]! > 300 || ix.nTime[i]! > 0 || ix.nAuthor[i]! > 0) continue;
      if (i > f.body && i <= bodyEnd && textBefore(ix, i, f.body) > 0) break;
      const href = (ix.els[i]!.getAttribute('href') ?? '').replace(/#.*$/, '');
      if (!href || /^(?:javascript|mailto):/i.test(href) || hrefs.has(href) || reader.leadsElsewhere(href)) continue;
      hrefs.add(href);
      const text = reader.line(ix.els[i]!);
      byText.set(text, (byText.get(text) ?? 0) + 1);
      firsts.push(text);
      break;
    }
  }
  // A title is one row's own: words that repeat on several rows are a tool ("Show posts by this user").
  return firsts.filter((t) => byText.get(t)! * 3 <= found.length || byText.get(t) === 1).length;
}

const why = (reason: string): null => {
  if (DEBUG) console.error(`  rejected: ${reason}`);
  return null;
};

/** Text inside `root` before element `i` (in the elements before it on its way up; loose text between them is not counted). */
function textBefore(ix: PageIndex, i: number, root: number): number {
  let s = 0;
  for (let x = i; x !== root && x > root; x = ix.parent[x]!) {
    const p = ix.parent[x]!;
    for (let c = p + 1; c < x; c = ix.last[c]! + 1) s += ix.text[c]! - ix.skip[c]!;
  }
  return s;
}

const outerSets = new WeakMap<Found[], { blocks: number[]; authors: Set<number> }>();

/** A group's members all lie inside the chosen group's blocks, each holding its own author: nested comments. */
export function isInnerThread(ix: PageIndex, outer: Found[], inner: Found[]): boolean {
  // A reading is tested against several others: its blocks and authors are listed once.
  let sets = outerSets.get(outer);
  if (!sets) {
    const blocks: number[] = [];
    const authors = new Set<number>();
    for (const f of outer) {
      blocks.push(f.block);
      authors.add(f.author);
    }
    outerSets.set(outer, (sets = { blocks, authors }));
  }
  const { blocks, authors } = sets;
  for (const f of inner) {
    // A block without words (the engine's blank template for a new comment, kept at the page's end) is no reply.
    if (f.body < 0) continue;
    // A reply holds its own words: a byline paired with the next sibling's text is the outer post's header.
    // (The blocks are distinct and in document order: the one at or before f's is f's own when f is one of them.)
    const at = lowerBound(blocks, f.block + 1) - 1;
    const o = blocks[at];
    if (o === f.block || authors.has(f.author) || f.body < f.block || f.body > ix.last[f.block]!) return false;
    if (o === undefined || ix.last[o]! < f.block) return false;
    // It must not hold the outer block's author or time (a header panel is not a reply).
    const of = outer[at]!;
    if ((of.author >= f.block && of.author <= ix.last[f.block]!) || (of.body >= 0 && of.body >= f.block && of.body <= ix.last[f.block]!)) return false;
  }
  return true;
}

export { F_AUTHOR_LINK, F_ITEMPROP_AUTHOR, F_QUOTE };
