import type { Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { absUrl, bodyParts, canonicalUrl, generator, lineOf, metaContent, textOf } from './dom.ts';
import { hasClass, inClass, inside, queryAll, queryAllWhere, queryFirst, queryHas, signalsOf, type PageSignals } from './page-signals.ts';
import { fromUnix, isoDate } from './dates.ts';

/**
 * XenForo 2. It prints no generator meta by default, so the page is recognised by what every XF2 style
 * keeps: `<html id="XF">` or `data-xf-init` hooks, and posts as `.message--post` with a `.bbWrapper` body.
 */
const POST = 'article.message--post, .message[data-content^="post-"]';
/* Quotes are `blockquote.bbCodeBlock--quote`, found by quoteBlocks below. */

function isXenforo(doc: Document): boolean {
  // Post markup first: the class index answers it at once, while the attribute test reads the whole page.
  // The selector as code: other engines' `.message` elements (vBulletin quotes) would each cost a compile.
  const postLike = (el: Element) =>
    (el.localName === 'article' && hasClass(el, 'message--post')) ||
    (hasClass(el, 'message') && (el.getAttribute('data-content') ?? '').startsWith('post-')) ||
    hasClass(el, 'bbWrapper');
  if (!queryHas(doc, `${POST}, .bbWrapper`, ['.message--post', '.message', '.bbWrapper'], postLike)) return false;
  return doc.documentElement?.id === 'XF' || /xenforo/i.test(generator(doc)) || queryHas(doc, '[data-xf-init]', ['[data-xf-init]']);
}

function postId(el: Element): string | null {
  return (
    /^post-(\d+)$/.exec(el.getAttribute('data-content') ?? '')?.[1] ??
    /^js-post-(\d+)$/.exec(el.id)?.[1] ??
    /^post-(\d+)$/.exec(el.id)?.[1] ??
    null
  );
}

/** `data-source="post: 123"` names the quoted post, `data-quote` its author. */
function quotesIn(s: PageSignals, body: Element): QuoteInput[] {
  return quoteBlocks(s, body)
    .filter((q) => !insideQuote(q.parentElement))
    .map((q) => {
      const content = q.querySelector('.bbCodeBlock-expandContent, .bbCodeBlock-content') ?? q;
      return {
        postId: /post:\s*(\d+)/.exec(q.getAttribute('data-source') ?? '')?.[1] ?? null,
        author: q.getAttribute('data-quote') || lineOf(q.querySelector('.bbCodeBlock-title')).replace(/\s*(said|hat gesagt|a dit)\.?:?$/i, '') || null,
        text: textOf(content, '.bbCodeBlock-expandLink, .bbCodeBlock-title'),
      };
    });
}

/*
 * Per-post lookups below read the page index (page-signals.ts) and test classes and attributes in code:
 * each stands for the selector in its comment, which linkedom would compile again for every post.
 */

/** `body.querySelectorAll('blockquote.bbCodeBlock--quote')` */
function quoteBlocks(s: PageSignals, body: Element): Element[] {
  return inside(s, body, '.bbCodeBlock--quote').filter((q) => q.localName === 'blockquote');
}

/** `el.closest('blockquote.bbCodeBlock--quote')` */
function insideQuote(el: Element | null): boolean {
  for (let e = el; e; e = e.parentElement) if (e.localName === 'blockquote' && hasClass(e, 'bbCodeBlock--quote')) return true;
  return false;
}

/**
 * Reactions bar: "<bdi>A</bdi>, <bdi>B</bdi> and 3 others". Each named person and the "others" count
 * are one reaction; null when the bar is absent or empty, so "no reactions shown" is not read as 0.
 */
function reactionCount(s: PageSignals, el: Element): number | null {
  const link = inside(s, el, '.reactionsBar-link')[0];
  if (!link) return null;
  const named = inside(s, link, 'bdi').length;
  const others = /(\d[\d.,]*)\s+(?:others?|weitere|autres|otros|altri)/i.exec(lineOf(link))?.[1];
  const n = named + (others ? Number(others.replace(/[.,]/g, '')) : 0);
  return n > 0 ? n : null;
}

function pagination(doc: Document, base: string) {
  const current = Number(lineOf(queryFirst(doc, '.pageNav-page--current', ['.pageNav-page--current']))) || 1;
  const pages = queryAll(doc, '.pageNav-page', ['.pageNav-page']).map((p) => Number(lineOf(p))).filter((n) => n > 0);
  const next = queryFirst(doc, 'a.pageNav-jump--next, link[rel="next"]', ['.pageNav-jump--next', 'link'])?.getAttribute('href');
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
    const posts: PostInput[] = [];
    const seen = new Set<string>();
    const s = signalsOf(doc);
    const isPost = (m: Element) =>
      (m.localName === 'article' && hasClass(m, 'message--post')) || (hasClass(m, 'message') && (m.getAttribute('data-content') ?? '').startsWith('post-'));
    for (const el of queryAllWhere(doc, POST, ['.message--post', '.message'], isPost)) {
      const id = postId(el);
      // '.message-body .bbWrapper, .bbWrapper': the first .bbWrapper either way.
      const body = inside(s, el, '.bbWrapper')[0];
      if (!id || !body || seen.has(id)) continue;
      seen.add(id);
      // '.message-name a.username, .message-name .username, a.username[data-user-id]'
      const nameLink = inside(s, el, '.username').find((u) => inClass(u.parentElement, 'message-name') || (u.localName === 'a' && u.hasAttribute('data-user-id')));
      const name = el.getAttribute('data-author') || lineOf(nameLink);
      // '.message-attribution time[datetime], time.u-dt[datetime], time[datetime]': the first time[datetime].
      const time = inside(s, el, 'time').find((t) => t.hasAttribute('datetime'));
      // `.message-attribution a[href*="post-ID"], a[href*="/posts/ID/"]:not([href$="/share"])`
      const ownLink = inside(s, el, 'a').find((a) => {
        const href = a.getAttribute('href');
        if (href === null) return false;
        return (href.includes(`post-${id}`) && inClass(a.parentElement, 'message-attribution')) || (href.includes(`/posts/${id}/`) && !href.endsWith('/share'));
      });
      const sig = inside(s, el, '.message-signature')[0];
      // The post's own words: quotes and the "click to expand" marker skipped, as if removed from a copy.
      const skip = new Set<Node>([...quoteBlocks(s, body), ...inside(s, body, '.js-selectToQuoteEnd')]);
      // '.js-selectToQuoteEnd, .bbCodeBlock-expandLink' left out of the HTML
      const own = bodyParts(body, url, skip, (x) => hasClass(x, 'js-selectToQuoteEnd') || hasClass(x, 'bbCodeBlock-expandLink'));
      posts.push({
        id,
        author: { name: name || 'Guest', url: nameLink?.tagName === 'A' ? absUrl(nameLink.getAttribute('href'), url) : null },
        publishedAt: isoDate(time?.getAttribute('datetime')) ?? fromUnix(time?.getAttribute('data-time')),
        text: own.text,
        html: own.html,
        permalink: absUrl(ownLink?.getAttribute('href') ?? `/posts/${id}/`, url),
        replyTo: null,
        quotes: quotesIn(s, body),
        score: reactionCount(s, el),
        signature: sig ? textOf(sig) || undefined : undefined,
      });
    }
    if (!posts.length) return null;
    const title = lineOf(queryFirst(doc, 'h1.p-title-value', ['.p-title-value'])) || metaContent(doc, 'meta[property="og:title"]') || doc.title.replace(/\s*\|[^|]*$/, '');
    return { platform: 'xenforo', url, title, posts, pagination: pagination(doc, url), extractor: 'xenforo' };
  },
};
