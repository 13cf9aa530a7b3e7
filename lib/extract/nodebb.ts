import type { Adapter, ParseHtml } from './types.ts';
import type { PostInput, QuoteInput, ThreadInput } from '../model/thread.ts';
import { absUrl, canonicalUrl, cleanHtml, fragmentParser, inertClone, lineOf, metaContent, textOf } from './dom.ts';
import { queryHas } from './page-signals.ts';
import { fromUnix, isoDate } from './dates.ts';
import { z } from 'zod';
import { count, dateText, idLike, readShape, unixMillis } from './json-shape.ts';

/*
 * NodeBB (Persona and Harmony themes, and `/api/topic/ID`). Built from the engine's documented/current
 * markup; no real sample in the corpus (the corpus's NodeBB file is a single ActivityPub object, not a
 * thread). Posts are `[component=post]` with `data-pid`/`data-uid`, bodies `[component=post/content]`,
 * times in `.timeago[title]` (ISO); the API answers the same topic as JSON with `toPid` reply links.
 */
const POST = '[component="post"][data-pid]';

function quotesIn(body: Element): QuoteInput[] {
  return Array.from(body.querySelectorAll('blockquote'))
    .filter((q) => !q.parentElement?.closest('blockquote'))
    .map((q) => {
      // NodeBB's quote button writes "@name said in Title:" as the paragraph before the blockquote.
      const lead = q.previousElementSibling;
      const who = lead ? /@?([\w.-]+) said in\b/.exec(lineOf(lead))?.[1] ?? null : null;
      const link = lead?.querySelector('a[href*="/post/"]')?.getAttribute('href') ?? '';
      return { postId: /\/post\/(\d+)/.exec(link)?.[1] ?? null, author: who, text: textOf(q) };
    });
}

/** The "@name said in …:" lead of each quote belongs to the quote, not the post's own words. */
function quoteLeads(body: Element): Element[] {
  return Array.from(body.querySelectorAll('blockquote'))
    .map((q) => q.previousElementSibling)
    .filter((p): p is Element => !!p && /said in\b/.test(lineOf(p)));
}

function ownText(body: Element): string {
  // Works on an inert copy: the live page is never marked or changed.
  const copy = inertClone(body);
  for (const lead of quoteLeads(copy)) lead.remove();
  return textOf(copy, 'blockquote');
}

const ApiPost = z.object({
  pid: z.number(),
  content: z.string().nullish(),
  timestamp: unixMillis.nullish(),
  timestampISO: dateText.nullish(),
  votes: count.nullish(),
  toPid: idLike.nullish(),
  deleted: z.union([z.boolean(), z.number()]).nullish(),
  user: z.object({ username: z.string().nullish(), displayname: z.string().nullish(), userslug: z.string().nullish(), signature: z.string().nullish() }).nullish(),
});
/** `/api/topic/ID` as far as it is read (NodeBB's read API). */
const ApiTopic = z.object({
  tid: z.number(),
  title: z.string(),
  slug: z.string().nullish(),
  posts: z.array(ApiPost),
  pagination: z.object({ currentPage: z.number().int().positive().nullish(), pageCount: z.number().int().positive().nullish() }).nullish(),
});
type ApiTopic = z.infer<typeof ApiTopic>;

function isApiTopic(d: unknown): d is ApiTopic {
  const t = d as ApiTopic;
  return !!t && typeof t === 'object' && typeof t.tid === 'number' && typeof t.title === 'string' && Array.isArray(t.posts) && t.posts.every((p) => typeof p?.pid === 'number');
}

function forumRoot(url: string): string {
  const m = /^(https?:\/\/[^?#]*?)\/(?:api\/topic|topic)\//.exec(url);
  return m ? m[1]! : url.replace(/[?#].*$/, '').replace(/\/$/, '');
}

function fromApi(t: ApiTopic, url: string, parseHtml: ParseHtml): ThreadInput | null {
  const root = forumRoot(url);
  const fragment = fragmentParser(parseHtml);
  const posts: PostInput[] = t.posts
    .filter((p) => !p.deleted)
    .map((p) => {
      const body = fragment(p.content ?? '');
      const name = p.user?.displayname || p.user?.username || '[deleted]';
      const sig = p.user?.signature ? textOf(fragment(p.user.signature)) : '';
      return {
        id: String(p.pid),
        author: { name, url: p.user?.userslug ? absUrl(`${root}/user/${p.user.userslug}`, root) : null },
        publishedAt: isoDate(p.timestampISO) ?? fromUnix(p.timestamp ? p.timestamp / 1000 : null),
        text: ownText(body),
        html: cleanHtml(body, root),
        permalink: absUrl(`${root}/post/${p.pid}`, root),
        replyTo: p.toPid !== null && p.toPid !== undefined && String(p.toPid) !== '' ? String(p.toPid) : null,
        quotes: quotesIn(body),
        score: typeof p.votes === 'number' ? p.votes : null,
        signature: sig || undefined,
      };
    });
  if (!posts.length) return null;
  return {
    platform: 'nodebb',
    url: absUrl(`${root}/topic/${t.slug ?? t.tid}`, root) ?? url,
    title: t.title,
    posts,
    pagination: t.pagination?.currentPage ? { page: t.pagination.currentPage, pageCount: t.pagination.pageCount ?? null, nextUrl: null } : undefined,
    extractor: 'nodebb-api',
  };
}

export const nodebbJson: Adapter = {
  id: 'nodebb-api',
  accepts: 'json',
  detect: (src) => src.kind === 'json' && isApiTopic(src.data),
  extract: (src) => (src.kind === 'json' && isApiTopic(src.data) ? fromApi(readShape(ApiTopic, src.data, 'NodeBB topic JSON'), src.url, src.parseHtml) : null),
};

export const nodebbHtml: Adapter = {
  id: 'nodebb',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && queryHas(src.doc, `${POST} [component="post/content"]`, ['[component]']),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const url = canonicalUrl(doc, src.url);
    const posts: PostInput[] = [];
    for (const el of Array.from(doc.querySelectorAll(POST))) {
      const id = el.getAttribute('data-pid')!;
      const body = el.querySelector('[component="post/content"]');
      if (!body || el.classList.contains('deleted')) continue;
      const nameLink = el.querySelector('[itemprop="author"], [component="post/header"] a[href*="/user/"], a[data-username]');
      const name = el.getAttribute('data-username') || nameLink?.getAttribute('data-username') || lineOf(nameLink) || '[deleted]';
      const time = el.querySelector('.timeago[title]')?.getAttribute('title') ?? el.querySelector('meta[itemprop="datePublished"]')?.getAttribute('content');
      const votes = el.querySelector('[component="post/vote-count"]');
      const sig = el.querySelector('[component="post/signature"], .post-signature');
      posts.push({
        id,
        author: { name, url: absUrl(nameLink?.getAttribute('href'), url) },
        publishedAt: isoDate(time) ?? fromUnix(Number(el.getAttribute('data-timestamp')) / 1000 || null),
        text: ownText(body),
        html: cleanHtml(body, url),
        permalink: absUrl(`/post/${id}`, url),
        replyTo: el.querySelector('[component="post/parent"][data-topid]')?.getAttribute('data-topid') ?? null,
        quotes: quotesIn(body),
        score: votes ? Number(votes.getAttribute('data-votes') ?? lineOf(votes)) || 0 : null,
        signature: sig ? textOf(sig) || undefined : undefined,
      });
    }
    if (!posts.length) return null;
    const title = lineOf(doc.querySelector('[component="topic/title"], h1')) || metaContent(doc, 'meta[property="og:title"]') || doc.title;
    return { platform: 'nodebb', url, title, posts, extractor: 'nodebb' };
  },
};
