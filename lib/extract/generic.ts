import type { Adapter, ParseHtml } from './types.ts';
import type { PostInput, ThreadInput } from '../model/thread.ts';
import { absUrl, bodyParts, canonicalUrl, generator, lineOf, metaContent, textSkipping, unescapedBody } from './dom.ts';
import { buildIndex, EDITED, F_CHROME, F_HEADING, F_IN_QUOTE, F_QUOTE, F_SIG, lowerBound, QUOTE_LEAD, type PageIndex } from './generic/walk.ts';
import { PostReader, candidateGroups, isInnerThread, listingRows, proseOf, quickScore, readGroup, releaseShapes, sameList, shapeOf, type Found, type Reading } from './generic/posts.ts';
import { plainTextQuotes } from './plain-quotes.ts';
import { isQuoteClass } from './generic/signals.ts';
import { threadTitle } from './generic/title.ts';
import { firstWithin } from './select.ts';

/**
 * Unknown forum engines, blog comments and any page whose engine no adapter knows: a thread is a run of
 * blocks built from one template, each naming an author (a profile link, an author attribute or slot),
 * usually with a time and a permalink, around a body of prose. The reader walks the page once
 * (generic/walk.ts), forms candidate sets of blocks (siblings of one tag, elements of one shape anywhere,
 * schema.org posts), reads the promising ones and keeps the best by several independent signals
 * (generic/posts.ts). A wrong thread (a topic list read as posts, a sidebar read as replies) is worse
 * than none: when no set reads as a discussion it returns null.
 */

const LEADING_VERB = /^\s*(?:says|said|wrote|sagt|schrieb|meint|dit|a écrit|dice|escribió|zegt|skrev)\s*:\s*/i;

/** How many candidate sets are read in full: the rest are ranked out by their subtree sums. */
const READ_GROUPS = 10;
const DEBUG = typeof process !== 'undefined' && !!process.env?.GLEANER_DEBUG_GENERIC;

function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

/** Picks the reading of the page: the best set, with the replies nested in its blocks when they form their own set. */
export function readPosts(ix: PageIndex, pageUrl: string | null = null): Found[] | null {
  try {
    return readPostsOf(ix, pageUrl);
  } finally {
    releaseShapes();
  }
}

function readPostsOf(ix: PageIndex, pageUrl: string | null): Found[] | null {
  const t0 = DEBUG ? performance.now() : 0;
  // A block's line is read for each set it belongs to, and the sets overlap.
  const lines = new Map<Element, string>();
  const line = (el: Element) => {
    let l = lines.get(el);
    if (l === undefined) lines.set(el, (l = lineOf(el)));
    return l;
  };
  const reader = new PostReader(ix, line, pageUrl);
  const groups = candidateGroups(ix)
    .map((g) => ({ g, q: quickScore(ix, g) }))
    .filter((x) => x.q >= 2)
    .sort((a, b) => b.q - a.q)
    .slice(0, READ_GROUPS);
  const readings: Reading[] = [];
  if (DEBUG) console.error(`groups ${(performance.now() - t0).toFixed(1)} ms`);
  listingRows.length = 0;
  // A sibling set and a class set often hold the very same blocks (every post an `li.message` of one
  // list): one reading serves both. (A rejected set's listing rows were noted at its first reading.)
  const read: { members: number[]; r: Reading | null }[] = [];
  for (const { g } of groups) {
    let r: Reading | null | undefined;
    for (const x of read) {
      if (sameList(x.members, g.members)) {
        r = x.r && { ...x.r };
        break;
      }
    }
    if (r === undefined) read.push({ members: g.members, r: (r = readGroup(reader, g)) });
    if (DEBUG) console.error(`group ${g.key} members=${g.members.length} q=${quickScore(ix, g).toFixed(1)} -> ${r ? `${r.found.length} score=${r.score.toFixed(2)}` : 'rejected'}`);
    if (r) readings.push(r);
  }
  // A set read inside the rows of a topic list (a row's byline cell) is part of that list.
  if (listingRows.length) {
    const rows = [...new Set(listingRows)].sort((a, b) => a - b);
    const inRow = (b: number) => {
      const at = lowerBound(rows, b + 1) - 1;
      return at >= 0 && ix.last[rows[at]!]! >= b;
    };
    // Or a set whose blocks hold those rows (the list items around each row's title and byline).
    const holdsRow = (b: number) => {
      const at = lowerBound(rows, b);
      return at < rows.length && rows[at]! <= ix.last[b]!;
    };
    for (let k = readings.length - 1; k >= 0; k--) {
      const r = readings[k]!;
      if (r.found.filter((f) => inRow(f.block) || holdsRow(f.block)).length * 2 >= r.found.length) readings.splice(k, 1);
    }
  }
  if (DEBUG) console.error(`readings ${(performance.now() - t0).toFixed(1)} ms`);
  if (!readings.length) return null;
  // Best score first; between readings of the same blocks at two levels, the inner (smaller) one.
  readings.sort((a, b) => b.score - a.score || ix.text[a.found[0]!.block]! - ix.text[b.found[0]!.block]!);
  let best = readings[0]!;
  // Comments under posts (Stack Exchange, Askbot) can outnumber the posts and outscore them: when the
  // best set lies inside the blocks of another good set, that one is the thread and these are its replies.
  let outer: Reading | null = null;
  for (const r of readings.slice(1)) {
    if (r.found.length < 2 || r.score < best.score * 0.4 || !isInnerThread(ix, r.found, best.found)) continue;
    if (!outer || r.score > outer.score) outer = r;
  }
  if (outer) {
    readings.splice(readings.indexOf(outer), 1);
    readings.unshift(outer);
    best = outer;
  }
  let found = best.found;
  for (const r of readings.slice(1)) {
    if (r.found.length < 2 || !isInnerThread(ix, found, r.found)) continue;
    const blocks = new Set(found.map((f) => f.block));
    const extra = r.found.filter((f) => !blocks.has(f.block) && f.body >= 0);
    // The outer posts are read again around the nested ones: their words, author and time are their own.
    const outerPosts = found.map((f) => {
      const inside = topLevel(ix, [...f.nested, ...extra.map((e) => e.block)].filter((b) => b > f.block && b <= ix.last[f.block]!));
      if (!inside.length) return f;
      return reader.read(f.block, inside, null) ?? { ...f, nested: inside };
    });
    found = [...outerPosts, ...extra].sort((a, b) => a.block - b.block);
  }
  const opening = openingPost(ix, reader, found);
  return opening ? [opening, ...found] : found;
}

/** The most frequent value of a list, or null. */
function commonest(values: string[]): string | null {
  const n = new Map<string, number>();
  for (const v of values) n.set(v, (n.get(v) ?? 0) + 1);
  let best: string | null = null;
  for (const [v, c] of n) if (best === null || c > n.get(best)!) best = v;
  return best;
}

/**
 * The opening post, when it is built from another template than the replies (a discussion's first
 * message, a question above its answers): the nearest element before the first reply whose tag and
 * class are those of the replies' bodies, with an author of its own in a container that holds no reply.
 */
function openingPost(ix: PageIndex, reader: PostReader, found: Found[]): Found | null {
  if (found.length < 2) return null;
  const sig = (i: number) => shapeOf(ix, i);
  const bodySig = commonest(found.filter((f) => f.body >= 0 && ix.cls[f.body]).map((f) => sig(f.body)));
  if (!bodySig || bodySig.endsWith('.')) return null;
  const first = found[0]!.block;
  // A shape starts with its tag: most elements are told apart by that alone.
  const bodyTag = bodySig.slice(0, bodySig.indexOf('.'));
  let body = -1;
  for (let i = first - 1; i > 0; i--) {
    if (ix.last[i]! >= first || ix.flags[i]! & F_IN_QUOTE || ix.tag[i] !== bodyTag || sig(i) !== bodySig) continue;
    if (ix.text[i]! - ix.skip[i]! - ix.link[i]! >= 20) body = i;
    break;
  }
  if (body < 0) return null;
  const outside = (k: number) => k < body || k > ix.last[body]!;
  for (let a = ix.parent[body]!, up = 0; a > 0 && up < 6 && ix.last[a]! < first; a = ix.parent[a]!, up++) {
    for (const list of [ix.authors, ix.hints]) {
      for (let k = lowerBound(list, a); k < list.length && list[k]! <= ix.last[a]!; k++) {
        const at = list[k]!;
        if (!outside(at) || ix.flags[at]! & F_IN_QUOTE) continue;
        const name = reader.nameAt(at);
        if (!name || name.length > 60) continue;
        let time = -1;
        let best = -1;
        for (let t = lowerBound(ix.times, a); t < ix.times.length && ix.times[t]! <= ix.last[a]!; t++) {
          const x = ix.times[t]!;
          const st = ix.stamps.get(x)!.strength;
          if (outside(x) && !(ix.flags[x]! & F_IN_QUOTE) && st > best) {
            best = st;
            time = x;
          }
        }
        const pk = lowerBound(ix.permas, a);
        const perma = pk < ix.permas.length && ix.permas[pk]! <= ix.last[a]! ? ix.permas[pk]! : -1;
        return { block: a, author: at, name, href: ix.hrefs.get(at) ?? null, time, body, omit: [], perma, nested: [] };
      }
    }
  }
  return null;
}

/** The blocks of a list not inside another of them, in document order. */
function topLevel(ix: PageIndex, blocks: number[]): number[] {
  const out: number[] = [];
  for (const b of [...new Set(blocks)].sort((x, y) => x - y)) {
    const prev = out[out.length - 1];
    if (prev === undefined || b > ix.last[prev]!) out.push(b);
  }
  return out;
}

/** Elements of the body left out of its text: quotes, signatures, chrome. */
function skipped(ix: PageIndex, body: number): { skip: Set<Node>; quotes: Element[]; chrome: Set<Element> } {
  const skip = new Set<Node>();
  const quotes: Element[] = [];
  const chrome = new Set<Element>();
  const end = ix.last[body]!;
  // A subject line heading the body, before any words of the message ("<h3>Re: …</h3><p>…"), is no part of it.
  const first = body + 1;
  if (first <= end && ix.parent[first] === body && /^h[1-6]$/.test(ix.tag[first]!) && ix.text[first]! <= 100 && ix.text[body]! > ix.text[first]! * 2) {
    const lead = ix.els[body]!.firstChild;
    const before = lead && lead !== ix.els[first] && lead.nodeType === 3 ? (lead.nodeValue ?? '').trim() : '';
    if (!before) {
      skip.add(ix.els[first]!);
      chrome.add(ix.els[first]!);
    }
  }
  for (let i = body + 1; i <= end; i++) {
    const f = ix.flags[i]!;
    // Any quote met is skipped with its subtree, so quotes nested in it are never met; a quote inside a
    // body that is itself a blockquote (XenForo 1's blockquote.messageText) is marked in-quote too.
    // A span classed as a quote is a button's label on many engines, but one holding a sentence is the
    // quoted words themselves (an old forum's `<span class="quote">` in a bordered table).
    if (f & F_QUOTE || (ix.tag[i] === 'span' && ix.text[i]! >= 20 && isQuoteClass(ix.cls[i]!))) {
      skip.add(ix.els[i]!);
      quotes.push(ix.els[i]!);
      // Its attribution in a line of its own above it, split over links ("<a>Anna</a> <a>schrieb</a>:").
      const lead = ix.els[i]!.previousElementSibling;
      if (lead && lead !== ix.els[body] && !skip.has(lead) && !firstWithin(lead, 'blockquote')) {
        const line = lineOf(lead);
        if (line.length <= 80 && QUOTE_LEAD.test(line)) skip.add(lead);
      }
      i = ix.last[i]!;
    } else if (f & (F_SIG | F_CHROME)) {
      skip.add(ix.els[i]!);
      chrome.add(ix.els[i]!);
      i = ix.last[i]!;
    }
  }
  return { skip, quotes, chrome };
}


/** An edit note set in a quote box ("Geändert von X (…) Grund: …"). */
function editNote(ix: PageIndex, c: number): boolean {
  return !!(ix.flags[c]! & F_QUOTE) && ix.text[c]! <= 200 && EDITED.test(lineOf(ix.els[c]!).slice(0, 40));
}

/** Whether element `c` beside a message frame holds no words of a reply: headings, chrome, edit notes. */
function aside(ix: PageIndex, c: number): boolean {
  if (ix.flags[c]! & (F_HEADING | F_CHROME | F_SIG) || proseOf(ix, c) <= 0) return true;
  let notes = 0;
  for (let k = c; k <= ix.last[c]!; k++) {
    if (ix.flags[k]! & F_HEADING || editNote(ix, k)) {
      notes += Math.max(0, proseOf(ix, k));
      k = ix.last[k]!;
    }
  }
  return proseOf(ix, c) - notes <= 0;
}

/** Containers an attachment list comes in. */
const BLOCKS = new Set(['div', 'ul', 'ol', 'table', 'fieldset', 'dl']);

/**
 * The engine's message frame marked up as a quote (vBulletin 4 `blockquote.postcontent`) inside a body
 * that also holds the subject heading or attachments: a quote with no attribution that holds nearly all
 * the words beside headings is the message, not a quote of another post. -1 when there is none.
 */
function messageFrame(ix: PageIndex, body: number): number {
  let frame = -1;
  let quoted = 0;
  /** Words beside the message that are none of its own: the subject heading, edit notes. */
  let headings = 0;
  for (let i = body + 1; i <= ix.last[body]!; i++) {
    const fl = ix.flags[i]!;
    if (fl & F_QUOTE) {
      // An edit note set in a quote box ("Geändert von X (…) Grund: …") is no quote of anyone.
      if (editNote(ix, i)) {
        headings += Math.max(0, proseOf(ix, i));
        i = ix.last[i]!;
        continue;
      }
      quoted += Math.max(0, proseOf(ix, i));
      if (frame < 0 || proseOf(ix, i) > proseOf(ix, frame)) frame = i;
      i = ix.last[i]!;
    } else if (fl & F_HEADING) {
      headings += Math.max(0, proseOf(ix, i));
      i = ix.last[i]!;
    }
  }
  // Only a blockquote whose class does not say "quote" can be a frame: a class that says so means it.
  if (frame < 0 || proseOf(ix, frame) < 20 || ix.tag[frame] !== 'blockquote' || isQuoteClass(ix.cls[frame]!)) return -1;
  const outside = proseOf(ix, body) - quoted - headings;
  if (outside * 4 > proseOf(ix, frame) || proseOf(ix, frame) * 10 < quoted * 9) return -1;
  // The frame sits alone in its containers: a reply written beside a quote shares its parent with it.
  for (let a = frame; a !== body; a = ix.parent[a]!) {
    const p = ix.parent[a]!;
    let inElements = 0;
    for (let c = p + 1; c <= ix.last[p]!; c = ix.last[c]! + 1) {
      inElements += ix.text[c]!;
      // Attachments under the message ("Attached thumbnails") are a block after it, of a few words.
      const attached = c > a && BLOCKS.has(ix.tag[c]!) && proseOf(ix, c) <= 60;
      if (c !== a && !aside(ix, c) && !attached) return -1;
    }
    if (ix.text[p]! - inElements > 0) return -1;
  }
  const el = ix.els[frame]!;
  if (firstWithin(el, 'cite') || QUOTE_LEAD.test(lineOf(el).slice(0, 120).split('\n')[0]!.replace(/:.*$/, ':'))) return -1;
  return frame;
}

/** A line of a header block: a short label, a colon (or a full-width one), a value ("发信人: x (y), 信区: z", "From: …"). */
const HEADER_LINE = /^[^\s:：][^:：\n]{0,11}[:：]\s*\S/;
/** A tool bar set as text: bracketed labels alone on their line ("[回复] [修改] [删除]", "[ 2 ]"). */
const BRACKET_LINE = /^(?:\s*\[[^\]\n]{1,20}\])+\s*$/;

/** The line of `text` that starts at `from`. */
function lineFrom(text: string, from: number): string {
  const end = text.indexOf('\n', from);
  return text.slice(from, end < 0 ? text.length : end);
}

/**
 * A post that opens with a header block in mail or BBS style, written as text in the body: lines of
 * "Label: value", one naming the post's author ("发信人: getout (出去), 信区: Beijing", "From: Anna"),
 * ended by a blank line, perhaps after a tool bar of bracketed labels. That block is the post's byline,
 * already read, not its words. A post whose first lines merely look so but do not name its author keeps them.
 */
function withoutHeaderLines(text: string, author: string): string {
  if (!author || !text.includes(author)) return text;
  // Only the first lines are read: a long post is not split whole to learn that it has no header.
  // `at` is where the current line starts; past the end of the text when there is no line left.
  let at = 0;
  let line = lineFrom(text, at);
  while (at <= text.length && (BRACKET_LINE.test(line) || !line.trim())) {
    at += line.length + 1;
    line = at <= text.length ? lineFrom(text, at) : '';
  }
  let headers = 0;
  let named = false;
  while (at <= text.length && headers < 6 && HEADER_LINE.test(line)) {
    if (line.includes(author)) named = true;
    headers++;
    at += line.length + 1;
    line = at <= text.length ? lineFrom(text, at) : '';
  }
  if (!named || headers < 2 || (at <= text.length && line.trim())) return text;
  return text.slice(at).replace(/^\s+/, '');
}

/** Whether body `b` holds quote markup of its own (then it is markup, not escaped text). */
function holdsQuote(ix: PageIndex, b: number): boolean {
  for (let i = b + 1; i <= ix.last[b]!; i++) if (ix.flags[i]! & F_QUOTE) return true;
  return false;
}

const noneLeftOut = (): boolean => false;
/** What the post being written leaves out of its HTML: chrome and nested replies (set around its walk). */
let leftOutChrome: Set<Element> | null = null;
let leftOutNested: ReadonlySet<Element> | null = null;
/** The nested replies of a post that holds none. */
const NO_ELEMENTS: ReadonlySet<Element> = new Set<Element>();
/** One test for every post, reading the sets above, rather than a closure made for each. */
const leftOutOfHtml = (x: Element): boolean => !!leftOutChrome?.has(x) || !!leftOutNested?.has(x);

/** Words of nested replies inside a block are not the block's: their elements are skipped too. */
function postOf(ix: PageIndex, f: Found, url: string, nestedEls: ReadonlySet<Element>, parseHtml: ParseHtml | null): PostInput {
  if (f.body >= 0 && !f.nested.length) {
    const frame = messageFrame(ix, f.body);
    if (frame >= 0) f = { ...f, body: frame, omit: [] };
  }
  const bodyEl = f.body >= 0 ? ix.els[f.body]! : null;
  let text = '';
  let html = '';
  let quotes: NonNullable<PostInput['quotes']> = [];
  if (bodyEl) {
    const { skip, quotes: qs, chrome } = skipped(ix, f.body);
    for (const o of f.omit) {
      skip.add(ix.els[o]!);
      chrome.add(ix.els[o]!);
    }
    for (const n of nestedEls) skip.add(n);
    // A body whose markup was escaped into the page as text is read from that markup, parsed again.
    const escaped = parseHtml && ix.text[f.body]! > 0 && !f.nested.length && !holdsQuote(ix, f.body) ? unescapedBody(bodyEl, parseHtml) : bodyEl;
    let parts;
    if (escaped !== bodyEl) parts = bodyParts(escaped, url, new Set(), noneLeftOut);
    else {
      leftOutChrome = chrome;
      leftOutNested = nestedEls;
      try {
        parts = bodyParts(bodyEl, url, skip, leftOutOfHtml);
      } finally {
        leftOutChrome = leftOutNested = null;
      }
    }
    // A body read straight from the block starts with the byline's verb ("Says:"), left as loose text.
    text = f.body === f.block ? parts.text.replace(LEADING_VERB, '') : parts.text;
    html = parts.html;
    quotes = qs.map((q) => ({ postId: null, author: null, text: textSkipping(q, null) }));
    if (escaped !== bodyEl) {
      // Quotes of the escaped markup are set apart like any other.
      const inner = Array.from(escaped.querySelectorAll('blockquote')).filter((q) => !q.parentElement?.closest('blockquote'));
      if (inner.length) {
        const again = bodyParts(escaped, url, new Set<Node>(inner), () => false);
        text = again.text;
        html = again.html;
        quotes = inner.map((q) => ({ postId: null, author: null, text: textSkipping(q, null) }));
      }
    }
    text = withoutHeaderLines(text, f.name);
    if (text.includes('>') && /^>/m.test(text)) {
      const split = plainTextQuotes(text);
      text = split.text;
      quotes = [...quotes, ...split.quotes];
    }
  }
  const ownId = ix.id[f.block] || (f.perma >= 0 ? ix.id[f.perma] || ix.els[f.perma]!.getAttribute('name') || ix.els[f.perma]!.getAttribute('href') || '' : '');
  const digits = /(\d{2,})(?!.*\d{2,})/.exec(ownId)?.[1];
  const time = f.time >= 0 ? ix.stamps.get(f.time)!.iso : null;
  const permaHref = f.perma >= 0 && ix.tag[f.perma] === 'a' ? ix.els[f.perma]!.getAttribute('href') : null;
  return {
    id: digits ?? `h${hash(`${f.name}|${time}|${text.slice(0, 200)}`)}`,
    author: { name: f.name, url: absUrl(f.href, url) },
    publishedAt: time,
    text,
    html,
    // The block's id as the page index read it (its id attribute), not by the DOM again.
    permalink: permaHref ? absUrl(permaHref, url) : ix.id[f.block] ? absUrl(`#${ix.id[f.block]}`, url) : null,
    replyTo: null,
    quotes,
  };
}

export function readThread(doc: Document, pageUrl: string, parseHtml: ParseHtml | null = null): ThreadInput | null {
  const t0 = DEBUG ? performance.now() : 0;
  const ix = buildIndex(doc);
  if (DEBUG) console.error(`walk ${(performance.now() - t0).toFixed(1)} ms`);
  const url = canonicalUrl(doc, pageUrl);
  const found = readPosts(ix, url);
  if (!found) return null;
  const posts: PostInput[] = [];
  for (const f of found) {
    let nestedEls: ReadonlySet<Element> = NO_ELEMENTS;
    if (f.nested.length) {
      const els = new Set<Element>();
      for (const n of f.nested) els.add(ix.els[n]!);
      nestedEls = els;
    }
    posts.push(postOf(ix, f, url, nestedEls, parseHtml));
  }
  if (DEBUG) console.error(`posts ${(performance.now() - t0).toFixed(1)} ms`);
  if (new Set(posts.map((p) => p.id)).size !== posts.length) posts.forEach((p, i) => (p.id = `${p.id}-${i + 1}`));
  const first = found[0]!;
  const title = threadTitle(doc, ix, first.block, first.body >= 0 ? first.body : first.block);
  const platform = (/^[A-Za-z][\w.-]*/.exec(generator(doc))?.[0] ?? 'forum').toLowerCase();
  return { platform, url, title, posts, extractor: 'generic' };
}

export const generic: Adapter = {
  id: 'generic',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && !!src.doc.body,
  extract(src) {
    if (src.kind !== 'html') return null;
    return readThread(src.doc, src.url, src.parseHtml);
  },
};
