import type { Adapter } from './types.ts';
import type { PostInput } from '../model/thread.ts';
import { absUrl, canonicalUrl, cleanHtml, generator, lineOf, metaContent, textOf, inertClone } from './dom.ts';
import { isoDate, parseForumDate } from './dates.ts';

/**
 * Unknown forum engines: a thread page is a run of sibling blocks built from the same template, each
 * naming an author and a time. This adapter looks for exactly that and nothing looser, because a wrong
 * thread (a topic list read as posts, a sidebar read as replies) is worse than none: when in doubt it
 * returns null and the caller falls back to keeping the article.
 */

const AUTHOR_HINT = /(author|user|poster|byline)/i;
const AUTHOR_PROP = /^(author|creator)$/i;
const SIG_HINT = '[class*="signature" i], [class*="sig-" i]';
const MIN_POSTS = 2;

/** Tag plus sorted classes, with per-item classes (ids, counters, alternating row colours) dropped. */
function shape(el: Element): string {
  const classes = Array.from(el.classList)
    .filter((c) => !/\d/.test(c) && !/^(odd|even|alt|first|last|new|unread|seen|selected|active)$/i.test(c))
    .sort();
  return `${el.tagName}.${classes.join('.')}`;
}

function isAuthorLike(el: Element): boolean {
  const cls = el.getAttribute('class') ?? '';
  const prop = el.getAttribute('itemprop') ?? '';
  const rel = el.getAttribute('rel') ?? '';
  if (!AUTHOR_HINT.test(cls) && !AUTHOR_PROP.test(prop) && rel !== 'author') return false;
  // A class like "userinfo" wraps a whole profile panel; the name itself is short.
  const name = authorName(el);
  return name.length >= 1 && name.length <= 60 && !/\n/.test(name) && !/^[\d\s.,:/#-]+$/.test(name);
}

const STRONG_HINT = /(author|username|user-?name|poster|byline)/i;

/**
 * The block's author element: a strong hint ("author", "username") beats a bare "user" (which also
 * marks profile panels and user titles), and the innermost element beats the panel around it.
 */
function authorIn(block: Element): Element | null {
  const all = Array.from(block.querySelectorAll('[class], [itemprop], a[rel="author"]')).filter(isAuthorLike);
  const innermost = all.filter((a) => !all.some((b) => b !== a && a.contains(b)));
  const strong = (el: Element) => STRONG_HINT.test(el.getAttribute('class') ?? '') || AUTHOR_PROP.test(el.getAttribute('itemprop') ?? '') || el.getAttribute('rel') === 'author';
  return innermost.find(strong) ?? innermost[0] ?? null;
}

/** The name inside an author element: its link or heading when it has one (panels also hold titles, counts). */
function authorName(el: Element): string {
  const inner = el.querySelector('[itemprop="name"], a[href], strong, b, h2, h3, h4, h5');
  return lineOf(inner ?? el);
}

/** Profile panels also print dates (joined, registered); those are never the post's time. */
const NOT_POST_DATE = /(regist|join|since|member|birth|age)/i;

function timeOf(block: Element): { el: Element; iso: string } | null {
  for (const t of Array.from(block.querySelectorAll('time[datetime]'))) {
    const iso = isoDate(t.getAttribute('datetime'));
    if (iso && !NOT_POST_DATE.test(t.getAttribute('class') ?? '')) return { el: t, iso };
  }
  // Otherwise the smallest element whose whole text reads as a date ("Sep 20, 2012 11:16"), preferring
  // one with a clock time: a bare date in a post block is more often a join date than the post's.
  const dated: { el: Element; iso: string; clock: boolean }[] = [];
  for (const el of Array.from(block.querySelectorAll('*'))) {
    if (el.children.length > 3 || NOT_POST_DATE.test(el.getAttribute('class') ?? '')) continue;
    const text = lineOf(el);
    if (text.length < 6 || text.length > 60 || NOT_POST_DATE.test(text)) continue;
    const iso = parseForumDate(text);
    if (iso && /\d{4}|\d{1,2}[./]\d{1,2}[./]\d{2}/.test(text)) dated.push({ el, iso, clock: /\d:\d\d/.test(text) });
  }
  const best = dated.find((d) => d.clock) ?? dated[0];
  return best ? { el: best.el, iso: best.iso } : null;
}

interface Group {
  parent: Element;
  shape: string;
  members: Element[];
}

/** Repeated sibling templates that contain an author-like element, keyed by parent and shape. */
function candidateGroups(doc: Document): Group[] {
  const groups = new Map<Element, Map<string, Group>>();
  const authors = Array.from(doc.body?.querySelectorAll('[class], [itemprop], a[rel="author"]') ?? []).filter(isAuthorLike);
  for (const a of authors) {
    for (let el: Element | null = a; el && el.parentElement && el !== doc.body; el = el.parentElement) {
      const parent = el.parentElement;
      const s = shape(el);
      const siblings = Array.from(parent.children).filter((c) => shape(c) === s);
      if (siblings.length < MIN_POSTS) continue;
      const byShape = groups.get(parent) ?? new Map<string, Group>();
      groups.set(parent, byShape);
      // Every repeated level is a candidate (a post's table rows repeat too); reading decides.
      if (!byShape.has(s)) byShape.set(s, { parent, shape: s, members: siblings });
    }
  }
  return [...groups.values()].flatMap((m) => [...m.values()]);
}

interface Found {
  block: Element;
  author: Element;
  time: { el: Element; iso: string };
  body: Element;
}

/** The largest element of the block that holds neither the author nor the time: the post's own words. */
function bodyOf(block: Element, author: Element, time: Element): Element | null {
  let best: Element | null = null;
  let bestLen = 0;
  for (const el of Array.from(block.querySelectorAll('div, article, section, td, blockquote, p, dd'))) {
    if (el.contains(author) || el.contains(time) || el.closest(SIG_HINT)) continue;
    const len = textOf(el).length;
    if (len > bestLen) {
      best = el;
      bestLen = len;
    }
  }
  return best;
}

/** Some engines wrap the whole message in a blockquote (vBulletin's `postcontent`): that is not a quote. */
function unwrapped(body: Element): Element {
  let el = body;
  for (;;) {
    const quotes = Array.from(el.querySelectorAll('blockquote')).filter((q) => !q.parentElement?.closest('blockquote') || q.parentElement.closest('blockquote') === el);
    const only = quotes.length === 1 ? quotes[0]! : null;
    if (!only || only === el || textOf(only).length < textOf(el).length * 0.9) return el;
    el = only;
  }
}

function linkDensity(el: Element): number {
  const all = textOf(el).length || 1;
  const linked = Array.from(el.querySelectorAll('a')).reduce((n, a) => n + lineOf(a).length, 0);
  return linked / all;
}

function readGroup(g: Group): Found[] | null {
  const found: Found[] = [];
  for (const block of g.members) {
    const author = authorIn(block);
    const time = timeOf(block);
    if (!author || !time) continue;
    const body = bodyOf(block, author, time.el);
    if (!body) continue;
    found.push({ block, author, time, body: unwrapped(body) });
  }
  // Nearly every repeated block must read as a post (a host's ad slot dressed as a post may not);
  // a template where many do not is not understood.
  if (found.length < MIN_POSTS || found.length < g.members.length * 0.75) return null;
  // Topic lists also repeat author + date: their "bodies" are titles, short and mostly link text.
  const prose = found.filter((f) => textOf(f.body).length >= 20 && linkDensity(f.body) < 0.5);
  if (prose.length * 2 < found.length) return null;
  return found;
}

function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

function idOf(f: Found, name: string): string {
  const own = f.block.id || f.block.getAttribute('data-post-id') || f.block.getAttribute('data-id') || '';
  const digits = /(\d{2,})/.exec(own)?.[1];
  return digits ?? `h${hash(`${name}|${f.time.iso}|${textOf(f.body).slice(0, 200)}`)}`;
}

export const generic: Adapter = {
  id: 'generic',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && !!src.doc.body,
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const readable = candidateGroups(doc)
      .map((g) => ({ g, found: readGroup(g) }))
      .filter((r): r is { g: Group; found: Found[] } => !!r.found);
    if (!readable.length) return null;
    // Most posts first; between nested templates of equal size, the inner one, which is the post itself.
    readable.sort((a, b) => b.found.length - a.found.length || (a.g.parent.contains(b.g.parent) ? 1 : b.g.parent.contains(a.g.parent) ? -1 : 0));
    const [first, second] = readable;
    // Two unrelated templates that both read as equally long threads: no way to tell which is the thread.
    if (second && second.found.length === first!.found.length && !first!.g.parent.contains(second.g.parent) && !second.g.parent.contains(first!.g.parent)) {
      return null;
    }
    const url = canonicalUrl(doc, src.url);
    const posts: PostInput[] = first!.found.map((f) => {
      const name = authorName(f.author);
      const link = f.author.matches('a[href]') ? f.author : f.author.querySelector('a[href]');
      const sig = f.block.querySelector(SIG_HINT);
      const clean = inertClone(f.body);
      const quotes = Array.from(clean.querySelectorAll('blockquote')).filter((q) => !q.parentElement?.closest('blockquote'));
      for (const q of quotes) q.remove();
      const id = idOf(f, name);
      return {
        id,
        author: { name, url: absUrl(link?.getAttribute('href'), url) },
        publishedAt: f.time.iso,
        text: textOf(clean, SIG_HINT),
        html: cleanHtml(f.body, url, SIG_HINT),
        permalink: f.block.id ? absUrl(`#${f.block.id}`, url) : null,
        replyTo: null,
        quotes: quotes.map((q) => ({ postId: null, author: null, text: textOf(q) })),
        signature: sig && !f.body.contains(sig) ? textOf(sig) || undefined : undefined,
      };
    });
    if (new Set(posts.map((p) => p.id)).size !== posts.length) posts.forEach((p, i) => (p.id = `${p.id}-${i + 1}`));
    const title = lineOf(doc.querySelector('h1')) || metaContent(doc, 'meta[property="og:title"]') || doc.title.trim();
    const platform = (/^[A-Za-z][\w.-]*/.exec(generator(doc))?.[0] ?? 'forum').toLowerCase();
    return { platform, url, title, posts, extractor: 'generic' };
  },
};
