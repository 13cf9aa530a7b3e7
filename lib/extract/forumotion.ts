import type { Adapter, Source } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { absUrl, canonicalUrl, cleanHtml, lineOf, metaContent, textOf } from './dom.ts';
import { inlineScriptTexts, queryHas } from './page-signals.ts';
import { parseForumDate } from './dates.ts';
import { phpbb2 } from './phpbb.ts';

/** The engine's own marks in the markup: `marker` is the selector of `isForumotion` as code. */
const marker = (el: Element) =>
  (el.localName === 'script' && (el.getAttribute('src') ?? '').includes('illiweb.com')) ||
  (el.localName === 'link' && (el.getAttribute('href') ?? '').includes('illiweb.com')) ||
  el.id === 'fa_toolbar' ||
  el.id === 'fa_ticker';

/**
 * Forumotion (forumotion.com, forumieren.com, forumactif.org and their custom domains): hosted boards
 * built from phpBB 2, phpBB 3, PunBB and Invision-like templates. Its own marks are the illiweb.com
 * asset host, the `_board[...]` settings script and the `fa_` toolbar; this adapter runs before the
 * phpBB ones, whose markup several Forumotion templates copy.
 */
function isForumotion(doc: Document): boolean {
  if (queryHas(doc, 'script[src*="illiweb.com"], link[href*="illiweb.com"], #fa_toolbar, #fa_ticker', ['script', 'link', '#fa_toolbar', '#fa_ticker'], marker)) return true;
  return inlineScriptTexts(doc).some((t) => t.includes('_board') && /_board\s*\[\s*["']toolbar/.test(t));
}

const POST = 'div.post[id^="p"]';
const BODY = '.post-entry, .postbody .content, .post-content';
const SIG = '.signature_div, .signature';

/**
 * Forumotion lets each board pick its date format; this board shows "26/10/13, 03:48 pm". Numeric
 * dates are read day-first or month-first as the page's own dates prove (a first field above 12 can only
 * be a day); with no such proof, the page language decides, and an English page stays unresolved.
 */
function numericOrder(doc: Document, shown: string[]): 'dmy' | 'mdy' | null {
  for (const s of shown) {
    const m = /\b(\d{1,2})\/(\d{1,2})\/\d{2,4}\b/.exec(s);
    if (m && Number(m[1]) > 12) return 'dmy';
    if (m && Number(m[2]) > 12) return 'mdy';
  }
  const lang = (doc.documentElement?.getAttribute('lang') ?? '').toLowerCase();
  return lang && !lang.startsWith('en') ? 'dmy' : null;
}

function shownDate(raw: string, order: 'dmy' | 'mdy' | null): string | null {
  const m = /\b(\d{1,2})\/(\d{1,2})\/(\d{2,4})\b/.exec(raw);
  if (!m) return parseForumDate(raw);
  if (!order) return null;
  const [a, b, y] = [m[1]!, m[2]!, m[3]!];
  const [d, mo] = order === 'dmy' ? [a, b] : [b, a];
  // Rewritten as day.month.year, the order parseForumDate reads unambiguously.
  return parseForumDate(raw.replace(m[0], `${d}.${mo}.${y}`));
}

function quotesIn(body: Element): QuoteInput[] {
  return Array.from(body.querySelectorAll('blockquote'))
    .filter((q) => !q.parentElement?.closest('blockquote'))
    .map((q) => {
      const cite = q.querySelector('cite');
      const author = cite ? lineOf(cite).replace(/\s*(wrote|schrieb|a écrit|ha scritto|escribió)\s*:?\s*$/i, '') : '';
      return { postId: null, author: author || null, text: textOf(q, 'cite') };
    });
}

function extractForumotion(src: Source & { kind: 'html' }) {
  const { doc } = src;
  const url = canonicalUrl(doc, src.url);
  const els = Array.from(doc.querySelectorAll(POST)).filter((el) => /^p[1-9]\d*$/.test(el.id));
  // Post "p0" is the host's sponsored block, shown as a post by "Gesponserte Inhalte"/"Sponsored content".
  const authorLines = els.map((el) => lineOf(el.querySelector('p.author, .author')));
  const order = numericOrder(doc, authorLines);
  const posts: PostInput[] = [];
  els.forEach((el, i) => {
    const id = el.id.slice(1);
    const body = el.querySelector(BODY);
    if (!body) return;
    const name =
      lineOf(el.querySelector('.postprofile-head strong, .postprofile-head a, .postprofile-name, .postprofile dt strong')) ||
      lineOf(el.querySelector('p.author strong, p.author a[href^="/u"]'));
    const profile = el.querySelector('.postprofile a[href^="/u"], p.author a[href^="/u"]')?.getAttribute('href');
    const line = authorLines[i] ?? '';
    const own = el.querySelector(`h3 a[href*="#${id}"], a[href$="#${id}"]`)?.getAttribute('href');
    const sig = el.querySelector(SIG);
    posts.push({
      id,
      author: { name: name || 'Guest', url: absUrl(profile, url) },
      publishedAt: shownDate(name ? line.slice(line.indexOf(name) + name.length) : line, order),
      text: textOf(body, `blockquote, ${SIG}`),
      html: cleanHtml(body, url, SIG),
      permalink: absUrl(own ?? `#${id}`, url),
      replyTo: null,
      quotes: quotesIn(body),
      signature: sig ? textOf(sig) || undefined : undefined,
    });
  });
  return { url, posts };
}

export const forumotion: Adapter = {
  id: 'forumotion',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && isForumotion(src.doc),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const title =
      lineOf(doc.querySelector('h1.page-title, .topic-title, h1.cattitle')) ||
      metaContent(doc, 'meta[property="og:title"]') ||
      doc.title.replace(/\s*-\s*[^-]*$/, '').trim();
    if (doc.querySelector(POST)) {
      const { url, posts } = extractForumotion(src);
      if (!posts.length) return null;
      const next = doc.querySelector('a.pag-img[rel="next"], link[rel="next"]')?.getAttribute('href');
      const page = Number(lineOf(doc.querySelector('.pagination strong'))) || 1;
      return { platform: 'forumotion', url, title, posts, pagination: { page, pageCount: null, nextUrl: absUrl(next, url) }, extractor: 'forumotion' };
    }
    // The phpBB 2 template keeps phpBB 2's markup exactly: read it as phpBB 2, credited to Forumotion.
    const old = phpbb2.detect(src) ? phpbb2.extract(src) : null;
    return old ? { ...old, platform: 'forumotion', title: old.title || title, extractor: 'forumotion' } : null;
  },
};
