import type { Adapter } from './types.ts';
import type { PostInput } from '../model/thread.ts';
import { absUrl, bodyParts, canonicalUrl, cleanHtml, fragmentParser, generator, lineOf, textOf } from './dom.ts';
import { descendantsWith, earliest, hasClass, inClass, inside, insideAny, queryAllWhere, queryFirst, queryHas, signalsOf } from './page-signals.ts';
import { isoDate } from './dates.ts';
import { z } from 'zod';
import { count, dateText, readShape } from './json-shape.ts';

/** Not the author's words: quotes, and the file name / size caption Discourse puts under images. */
const NOT_OWN_TEXT = 'aside.quote, .lightbox-wrapper .meta';

function topicId(url: string): string | null {
  return /\/t\/(?:[^/]+\/)?(\d+)/.exec(url)?.[1] ?? null;
}

/** Discourse quotes: `<aside class="quote" data-username data-post data-topic>`. */
function quotesIn(body: Element, tid: string | null) {
  // 'aside.quote', by the page index where the body is in it
  return descendantsWith(body, '.quote').filter((q) => q.localName === 'aside').map((q) => {
    const post = q.getAttribute('data-post');
    const topic = q.getAttribute('data-topic') ?? tid;
    return {
      postId: post && topic ? `${topic}/${post}` : null,
      author: q.getAttribute('data-username') ?? (lineOf(q.querySelector('.title')).replace(/:$/, '') || null),
      text: textOf(q.querySelector('blockquote') ?? q),
    };
  });
}

/** The elements NOT_OWN_TEXT selects in `body`: 'aside.quote, .lightbox-wrapper .meta'. */
function notOwnText(s: ReturnType<typeof signalsOf>, body: Element): Set<Node> {
  const quotes = inside(s, body, '.quote').filter((q) => q.localName === 'aside');
  const meta = inside(s, body, '.meta').filter((m) => inClass(m.parentElement, 'lightbox-wrapper'));
  return new Set<Node>([...quotes, ...meta]);
}

/** Crawler (no-JS) HTML that Discourse serves to readers without JavaScript and to the extension's page read. */
export const discourseHtml: Adapter = {
  id: 'discourse-html',
  accepts: 'html',
  detect(src) {
    if (src.kind !== 'html') return false;
    return /^Discourse\b/i.test(generator(src.doc)) || queryHas(src.doc, '.crawler-post, #data-preloaded, meta[name="discourse_theme_id"]', ['.crawler-post', '#data-preloaded', 'meta'], (el) =>
        hasClass(el, 'crawler-post') || el.id === 'data-preloaded' || (el.localName === 'meta' && el.getAttribute('name') === 'discourse_theme_id'));
  },
  extract(src) {
    if (src.kind !== 'html') return null;
    const url = canonicalUrl(src.doc, src.url).replace(/\?.*$/, '');
    const tid = topicId(url);
    // Three renderings of the same topic: the crawler markup (parsed as elements when scripting is off,
    // as under linkedom); the same markup inside <noscript>, which a scripting browser keeps as text;
    // and the Ember app's rendered posts.
    let posts = crawlerPosts(src.doc, url, tid);
    if (!posts.length) {
      for (const ns of Array.from(src.doc.querySelectorAll('noscript'))) {
        if (!/crawler-post/.test(ns.textContent ?? '')) continue;
        posts = crawlerPosts(src.parseHtml(ns.textContent ?? ''), url, tid);
        if (posts.length) break;
      }
    }
    if (!posts.length) posts = renderedPosts(src.doc, url, tid);
    if (!posts.length) return null;
    const { doc } = src;
    // '.crawler-topic-title, #topic-title h1, h1' (every "#topic-title h1" is an h1)
    const heading = earliest(doc, [queryFirst(doc, '.crawler-topic-title', ['.crawler-topic-title']), queryFirst(doc, 'h1', ['h1'])]);
    const ogTitle = queryFirst(doc, 'meta[property="og:title"]', ['meta'], (m) => m.getAttribute('property') === 'og:title');
    const title = lineOf(heading) || (ogTitle?.getAttribute('content') ?? doc.title);
    const relNext = (e: Element) => (e.localName === 'a' || e.localName === 'link') && e.getAttribute('rel') === 'next';
    const next = queryFirst(doc, 'a[rel="next"], link[rel="next"]', ['[rel]'], relNext)?.getAttribute('href');
    const pageNo = Number(new URL(src.url).searchParams.get('page') ?? '1');
    return {
      platform: 'discourse',
      url,
      title,
      posts,
      pagination: { page: pageNo || 1, pageCount: null, nextUrl: absUrl(next, src.url) },
      extractor: 'discourse-html',
    };
  },
};

function crawlerPosts(doc: Document, url: string, tid: string | null): PostInput[] {
  const posts: PostInput[] = [];
  /*
   * Per-post lookups read the page index (page-signals.ts) and test attributes in code: each stands for
   * the selector in its comment, which linkedom would compile again for every post.
   */
  const s = signalsOf(doc);
  const prop = (e: Element, name: string) => e.getAttribute('itemprop') === name;
  const inProp = (e: Element | null, name: string) => {
    for (; e; e = e.parentElement) if (prop(e, name)) return true;
    return false;
  };
  const isPost = (e: Element) => hasClass(e, 'crawler-post') || (e.getAttribute('itemtype') ?? '').endsWith('DiscussionForumPosting');
  for (const el of queryAllWhere(doc, '.crawler-post, [itemtype$="DiscussionForumPosting"]', ['.crawler-post', '[itemtype]'], isPost)) {
    // '.post[itemprop="articleBody"], .post': the first .post either way.
    const body = inside(s, el, '.post')[0];
    if (!body) continue;
    const props = inside(s, el, '[itemprop]');
    const position = lineOf(props.find((e) => prop(e, 'position'))).replace('#', '') || String(posts.length + 1);
    // '[itemprop="author"] [itemprop="name"], .creator [itemprop="name"], .creator a'
    const nameEl = insideAny(s, el, ['[itemprop]', 'a']).find(
      (e) => (prop(e, 'name') && (inProp(e.parentElement, 'author') || inClass(e.parentElement, 'creator'))) || (e.localName === 'a' && inClass(e.parentElement, 'creator')),
    );
    // '[itemprop="author"] a[href], .creator a[href]'
    const profile = inside(s, el, 'a')
      .find((a) => a.hasAttribute('href') && (inProp(a.parentElement, 'author') || inClass(a.parentElement, 'creator')))
      ?.getAttribute('href');
    const datePublished = props.find((e) => prop(e, 'datePublished'));
    const published =
      datePublished?.getAttribute('content') ??
      datePublished?.getAttribute('datetime') ??
      inside(s, el, 'time').find((t) => t.hasAttribute('datetime'))?.getAttribute('datetime');
    // '[itemprop="interactionStatistic"] meta[itemprop="userInteractionCount"]'
    const likes = props
      .find((e) => e.localName === 'meta' && prop(e, 'userInteractionCount') && inProp(e.parentElement, 'interactionStatistic'))
      ?.getAttribute('content');
    const own = bodyParts(body, url, notOwnText(s, body)); // NOT_OWN_TEXT left out of the text
    posts.push({
      id: `${tid ?? 'topic'}/${position}`,
      author: { name: lineOf(nameEl) || 'unknown', url: absUrl(profile, url) },
      publishedAt: isoDate(published),
      text: own.text,
      html: own.html,
      permalink: `${url}/${position}`,
      replyTo: null,
      quotes: quotesIn(body, tid),
      score: likes !== undefined && likes !== null ? Number(likes) : null,
    });
  }
  return posts;
}

/** The Ember app's rendering (`article#post_N[data-post-id]` with `.cooked`), from Discourse's documented markup. */
function renderedPosts(doc: Document, url: string, tid: string | null): PostInput[] {
  return Array.from(doc.querySelectorAll('article[data-post-id]')).flatMap((el): PostInput[] => {
    const body = el.querySelector('.cooked');
    const n = /post_(\d+)/.exec(el.id)?.[1];
    if (!body || !n) return [];
    const nameLink = el.querySelector('.names .first a, .names a[data-user-card]');
    const ms = el.querySelector('.post-date [data-time], [data-time]')?.getAttribute('data-time');
    const replyN = /\/(\d+)$/.exec(el.querySelector('.reply-to-tab, a.reply-to-tab')?.getAttribute('href') ?? '')?.[1];
    return [
      {
        id: `${tid ?? el.getAttribute('data-topic-id') ?? 'topic'}/${n}`,
        author: { name: lineOf(nameLink) || nameLink?.getAttribute('data-user-card') || 'unknown', url: absUrl(nameLink?.getAttribute('href'), url) },
        // A data-time that is not a time Date can write (damaged markup) is no time, not a RangeError.
        publishedAt: ms && Math.abs(Number(ms)) <= 8.64e15 ? new Date(Number(ms)).toISOString() : null,
        text: textOf(body, NOT_OWN_TEXT),
        html: cleanHtml(body, url),
        permalink: `${url}/${n}`,
        replyTo: replyN ? `${tid}/${replyN}` : null,
        quotes: quotesIn(body, tid),
      },
    ];
  });
}

const DiscoursePost = z.object({
  id: z.number().nullish(),
  post_number: z.number(),
  username: z.string().nullish(),
  name: z.string().nullish(),
  created_at: dateText.nullish(),
  cooked: z.string().nullish(),
  reply_to_post_number: z.number().nullish(),
  like_count: count.nullish(),
  actions_summary: z.array(z.object({ id: z.number().nullish(), count: count.nullish() })).nullish(),
  accepted_answer: z.boolean().nullish(),
});
/** `/t/ID.json` as far as it is read: checked whole before any post is built. */
const DiscourseTopic = z.object({
  id: z.number(),
  title: z.string().nullish(),
  fancy_title: z.string().nullish(),
  slug: z.string().nullish(),
  post_stream: z.object({ posts: z.array(DiscoursePost), stream: z.array(z.number()).nullish() }),
});
type DiscourseTopic = z.infer<typeof DiscourseTopic>;

function isTopicJson(data: unknown): data is DiscourseTopic {
  const d = data as DiscourseTopic;
  return !!d && typeof d === 'object' && typeof d.id === 'number' && Array.isArray(d.post_stream?.posts);
}

/**
 * `/t/ID.json`: preferred when reachable, because the HTML lazy-loads posts. The response carries the
 * first 20 posts; `missingPostIds` tells the caller which ids to ask `/t/ID/posts.json` for.
 */
export const discourseJson: Adapter = {
  id: 'discourse-json',
  accepts: 'json',
  detect: (src) => src.kind === 'json' && isTopicJson(src.data),
  extract(src) {
    if (src.kind !== 'json' || !isTopicJson(src.data)) return null;
    const t = readShape(DiscourseTopic, src.data, 'Discourse topic JSON');
    // A saved response does not say which forum it came from: links are only made when the caller knows.
    const origin = originOf(src.url);
    const url = origin ? `${origin}/t/${t.slug ?? 'topic'}/${t.id}` : src.url;
    const parse = fragmentParser(src.parseHtml);
    const posts = (t.post_stream?.posts ?? []).map((p): PostInput => {
      const body = parse(p.cooked ?? '');
      const likes = p.like_count ?? p.actions_summary?.find((a) => a.id === 2)?.count;
      return {
        id: `${t.id}/${p.post_number}`,
        author: { name: p.username || p.name || 'unknown', url: origin && p.username ? `${origin}/u/${p.username}` : null },
        publishedAt: isoDate(p.created_at ?? null),
        text: textOf(body, NOT_OWN_TEXT),
        html: cleanHtml(body, url),
        permalink: origin ? `${url}/${p.post_number}` : null,
        replyTo: p.reply_to_post_number ? `${t.id}/${p.reply_to_post_number}` : null,
        quotes: quotesIn(body, String(t.id)),
        score: typeof likes === 'number' ? likes : null,
        accepted: p.accepted_answer || undefined,
      };
    });
    if (!posts.length) return null;
    return { platform: 'discourse', url, title: t.title ?? t.fancy_title ?? '', posts, extractor: 'discourse-json' };
  },
};

/** Post ids the topic has that the response did not include (Discourse sends 20 at a time). */
export function discourseMissingPostIds(data: unknown): number[] {
  if (!isTopicJson(data)) return [];
  const have = new Set((data.post_stream?.posts ?? []).map((p) => p.id));
  return (data.post_stream?.stream ?? []).filter((id) => !have.has(id));
}

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}
