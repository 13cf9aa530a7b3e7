import type { Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { absUrl, canonicalUrl, cleanHtml, generator, lineOf, metaContent, textOf, inertClone } from './dom.ts';
import { fromUnix, isoDate } from './dates.ts';

/**
 * XenForo 2. It prints no generator meta by default, so the page is recognised by what every XF2 style
 * keeps: `<html id="XF">` or `data-xf-init` hooks, and posts as `.message--post` with a `.bbWrapper` body.
 */
const POST = 'article.message--post, .message[data-content^="post-"]';
const QUOTE = 'blockquote.bbCodeBlock--quote';

function isXenforo(doc: Document): boolean {
  const marked = doc.documentElement?.id === 'XF' || /xenforo/i.test(generator(doc)) || !!doc.querySelector('[data-xf-init]');
  return marked && !!doc.querySelector(`${POST}, .bbWrapper`);
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
function quotesIn(body: Element): QuoteInput[] {
  return Array.from(body.querySelectorAll(QUOTE))
    .filter((q) => !q.parentElement?.closest(QUOTE))
    .map((q) => {
      const content = q.querySelector('.bbCodeBlock-expandContent, .bbCodeBlock-content') ?? q;
      return {
        postId: /post:\s*(\d+)/.exec(q.getAttribute('data-source') ?? '')?.[1] ?? null,
        author: q.getAttribute('data-quote') || lineOf(q.querySelector('.bbCodeBlock-title')).replace(/\s*(said|hat gesagt|a dit)\.?:?$/i, '') || null,
        text: textOf(content, '.bbCodeBlock-expandLink, .bbCodeBlock-title'),
      };
    });
}

/**
 * Reactions bar: "<bdi>A</bdi>, <bdi>B</bdi> and 3 others". Each named person and the "others" count
 * are one reaction; null when the bar is absent or empty, so "no reactions shown" is not read as 0.
 */
function reactionCount(el: Element): number | null {
  const link = el.querySelector('.reactionsBar-link');
  if (!link) return null;
  const named = link.querySelectorAll('bdi').length;
  const others = /(\d[\d.,]*)\s+(?:others?|weitere|autres|otros|altri)/i.exec(lineOf(link))?.[1];
  const n = named + (others ? Number(others.replace(/[.,]/g, '')) : 0);
  return n > 0 ? n : null;
}

function pagination(doc: Document, base: string) {
  const current = Number(lineOf(doc.querySelector('.pageNav-page--current'))) || 1;
  const pages = Array.from(doc.querySelectorAll('.pageNav-page')).map((p) => Number(lineOf(p))).filter((n) => n > 0);
  const next = doc.querySelector('a.pageNav-jump--next, link[rel="next"]')?.getAttribute('href');
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
    for (const el of Array.from(doc.querySelectorAll(POST))) {
      const id = postId(el);
      const body = el.querySelector('.message-body .bbWrapper, .bbWrapper');
      if (!id || !body || seen.has(id)) continue;
      seen.add(id);
      const nameLink = el.querySelector('.message-name a.username, .message-name .username, a.username[data-user-id]');
      const name = el.getAttribute('data-author') || lineOf(nameLink);
      const time = el.querySelector('.message-attribution time[datetime], time.u-dt[datetime], time[datetime]');
      const ownLink = el.querySelector(`.message-attribution a[href*="post-${id}"], a[href*="/posts/${id}/"]:not([href$="/share"])`);
      const sig = el.querySelector('.message-signature');
      const clean = inertClone(body);
      for (const q of Array.from(clean.querySelectorAll(QUOTE))) q.remove();
      posts.push({
        id,
        author: { name: name || 'Guest', url: nameLink?.tagName === 'A' ? absUrl(nameLink.getAttribute('href'), url) : null },
        publishedAt: isoDate(time?.getAttribute('datetime')) ?? fromUnix(time?.getAttribute('data-time')),
        text: textOf(clean, '.js-selectToQuoteEnd'),
        html: cleanHtml(body, url, '.js-selectToQuoteEnd, .bbCodeBlock-expandLink'),
        permalink: absUrl(ownLink?.getAttribute('href') ?? `/posts/${id}/`, url),
        replyTo: null,
        quotes: quotesIn(body),
        score: reactionCount(el),
        signature: sig ? textOf(sig) || undefined : undefined,
      });
    }
    if (!posts.length) return null;
    const title = lineOf(doc.querySelector('h1.p-title-value')) || metaContent(doc, 'meta[property="og:title"]') || doc.title.replace(/\s*\|[^|]*$/, '');
    return { platform: 'xenforo', url, title, posts, pagination: pagination(doc, url), extractor: 'xenforo' };
  },
};
