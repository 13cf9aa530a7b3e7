import type { Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { absUrl, bodyParts, canonicalUrl, generator, lineOf, linkBase, metaContent, textOf } from './dom.ts';
import { all, closest, first, firstWithin, is, pick, within } from './select.ts';
import { fromUnix, isoDate, parseForumDate } from './dates.ts';
import { holds } from './page-signals.ts';

/**
 * XenForo 2 and 1. Neither prints a generator meta by default; what every style keeps is the root
 * `<html id="XF">` (XF2) or `<html id="XenForo">` (XF1), `data-xf-init` hooks, and post ids: XF2's
 * `article.message--post` with `data-content="post-123"` and a `.bbWrapper` body, XF1's
 * `li.message#post-123` with `data-author` and a `blockquote.messageText` body.
 */
const POST = 'article.message--post, .message[data-content^="post-"], li.message[id^="post-"]';
const BODY = '.bbWrapper, .messageText';
/** XF2 quotes, then XF1's. */
const QUOTE = '.bbCodeBlock--quote, div.bbCodeQuote';

function isXenforo(doc: Document): boolean {
  if (!first(doc, `${POST}, ${BODY}`)) return false;
  const root = doc.documentElement?.id;
  return root === 'XF' || root === 'XenForo' || /xenforo/i.test(generator(doc)) || !!first(doc, '[data-xf-init]');
}

function postId(el: Element): string | null {
  return (
    /^post-(\d+)$/.exec(el.getAttribute('data-content') ?? '')?.[1] ??
    /^js-post-(\d+)$/.exec(el.id)?.[1] ??
    /^post-(\d+)$/.exec(el.id)?.[1] ??
    null
  );
}

/** `data-source="post: 123"` names the quoted post (XF2), `data-quote` (XF2) or `data-author` (XF1) its author. */
function quotesIn(body: Element): QuoteInput[] {
  return within(body, QUOTE)
    .filter((q) => !closest(q.parentElement, QUOTE))
    .map((q) => {
      const content = firstWithin(q, '.bbCodeBlock-expandContent, .bbCodeBlock-content, .quote') ?? q;
      return {
        postId: /post:\s*(\d+)/.exec(q.getAttribute('data-source') ?? '')?.[1] ?? null,
        author: q.getAttribute('data-quote') || q.getAttribute('data-author') || lineOf(firstWithin(q, '.bbCodeBlock-title, .attribution')).replace(/\s*(said|hat gesagt|a dit)\.?:?$/i, '') || null,
        text: textOf(content, '.bbCodeBlock-expandLink, .bbCodeBlock-title, .quoteExpand'),
      };
    });
}

/** The post's time: XF2's `<time datetime>`, XF1's `abbr.DateTime[data-time]` (unix) or `span.DateTime[title]`. */
function timeOf(post: Element, body: Element): string | null {
  const stamp = within(post, 'time[datetime]').find((x) => !holds(body, x));
  if (stamp) return isoDate(stamp.getAttribute('datetime')) ?? fromUnix(stamp.getAttribute('data-time'));
  // The permalink's stamp before any other: an edit note ("Last edited: …") carries one too.
  const dt = pick(post, ['.datePermalink .DateTime, .messageMeta .DateTime', '.DateTime'], (x) => !holds(body, x) && !closest(x, '.editDate'));
  if (!dt) return null;
  return fromUnix(dt.getAttribute('data-time')) ?? parseForumDate((dt.getAttribute('title') || lineOf(dt)).replace(/\s+at\s+/i, ' '));
}

/**
 * Reactions bar: "<bdi>A</bdi>, <bdi>B</bdi> and 3 others". Each named person and the "others" count
 * are one reaction; null when the bar is absent or empty, so "no reactions shown" is not read as 0.
 */
function reactionCount(el: Element): number | null {
  const link = firstWithin(el, '.reactionsBar-link');
  if (!link) return null;
  const named = within(link, 'bdi').length;
  const others = /(\d[\d.,]*)\s+(?:others?|weitere|autres|otros|altri)/i.exec(lineOf(link))?.[1];
  const n = named + (others ? Number(others.replace(/[.,]/g, '')) : 0);
  return n > 0 ? n : null;
}

function pagination(doc: Document, base: string) {
  // XF2 `.pageNav-page--current`, XF1 `.PageNav a.currentPage`
  const current = Number(lineOf(first(doc, '.pageNav-page--current, .PageNav a.currentPage'))) || 1;
  const pages = all(doc, '.pageNav-page, .PageNav nav > a').map((p) => Number(lineOf(p))).filter((n) => n > 0);
  const next = first(doc, 'a.pageNav-jump--next, link[rel="next"], .PageNav a.text[rel="next"]')?.getAttribute('href');
  return { page: current, pageCount: pages.length ? Math.max(current, ...pages) : 1, nextUrl: absUrl(next, base) };
}

export const xenforo: Adapter = {
  id: 'xenforo',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && isXenforo(src.doc),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const url = canonicalUrl(doc, src.url);
    const base = linkBase(doc, url);
    const posts: PostInput[] = [];
    const seen = new Set<string>();
    for (const el of all(doc, POST)) {
      const id = postId(el);
      const body = firstWithin(el, BODY);
      if (!id || !body || seen.has(id)) continue;
      seen.add(id);
      const nameLink = firstWithin(el, '.message-name .username, a.username[data-user-id], .messageUserInfo a.username, .userText .username');
      const name = el.getAttribute('data-author') || lineOf(nameLink);
      const ownLink = within(el, '.message-attribution a[href*="post-"], a[href*="/posts/"], a.datePermalink').find((a) => {
        const href = a.getAttribute('href') ?? '';
        return (href.includes(`post-${id}`) || href.includes(`/posts/${id}/`)) && !href.endsWith('/share');
      });
      const sig = firstWithin(el, '.message-signature, .signature');
      // The post's own words: quotes and the "click to expand" markers skipped, as if removed from a copy.
      const skip = new Set<Node>([...within(body, QUOTE), ...within(body, '.js-selectToQuoteEnd, .messageTextEndMarker')]);
      const own = bodyParts(body, base, skip, (x) => is(x, '.js-selectToQuoteEnd, .bbCodeBlock-expandLink, .messageTextEndMarker, .quoteExpand'));
      posts.push({
        id,
        author: { name: name || 'Guest', url: nameLink?.localName === 'a' ? absUrl(nameLink.getAttribute('href'), base) : null },
        publishedAt: timeOf(el, body),
        text: own.text,
        html: own.html,
        permalink: absUrl(ownLink?.getAttribute('href') ?? `/posts/${id}/`, base),
        replyTo: null,
        quotes: quotesIn(body),
        score: reactionCount(el),
        signature: sig ? textOf(sig) || undefined : undefined,
      });
    }
    if (!posts.length) return null;
    const title = lineOf(first(doc, 'h1.p-title-value, .titleBar h1')) || metaContent(doc, 'meta[property="og:title"]') || doc.title.replace(/\s*\|[^|]*$/, '');
    return { platform: 'xenforo', url, title, posts, pagination: pagination(doc, base), extractor: 'xenforo' };
  },
};
