import type { Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { absUrl, cleanHtml, fragmentParser, lineOf, textOf, titlePostHtml } from './dom.ts';
import { queryHas } from './page-signals.ts';
import { all, closest, first, firstWithin, within } from './select.ts';
import { fromUnix } from './dates.ts';
import { z } from 'zod';
import { readShape, unixSeconds } from './json-shape.ts';

/**
 * Reddit: the `/comments/ID.json` API response (`[Listing of the t3 post, Listing of the t1 tree]`) and
 * the 2018–2023 redesign's comment page HTML. Ids are Reddit's fullnames (`t3_…`, `t1_…`) in both, so a
 * page capture and an API capture of the same thread merge. Comments the response leaves out (`more`
 * stubs, "N more replies") are counted in `omitted`, never invented.
 */
const SITE = 'https://www.reddit.com';
const QUOTE = 'blockquote';

/** Placeholders Reddit shows where a deleted or removed comment's words were: not the author's words. */
const GONE = new Set(['[deleted]', '[removed]', 'Comment deleted by user', 'Comment removed by moderator', 'Removed by moderator', 'Deleted by user']);

const profile = (name: string) => (name && name !== '[deleted]' ? `${SITE}/user/${encodeURIComponent(name)}/` : null);

function quotesIn(body: Element): QuoteInput[] {
  return within(body, QUOTE)
    .filter((q) => !closest(q.parentElement, QUOTE))
    .map((q) => ({ postId: null, author: null, text: textOf(q) }));
}

/**
 * Reddit's JSON carries HTML entity-escaped (`&lt;div class="md"&gt;`) unless fetched with `raw_json=1`,
 * which sends it as is: decode only when it is escaped, or the markup would be flattened to text.
 */
function unescapeHtml(parse: (html: string) => Element, s: string | null | undefined): string {
  if (!s) return '';
  return /^\s*&lt;/.test(s) ? parse(s).textContent ?? '' : s;
}

interface RedditThing {
  kind: string;
  data: Record<string, unknown>;
}
interface Listing {
  kind: 'Listing';
  data: { children: RedditThing[] };
}

function isListing(x: unknown): x is Listing {
  const l = x as Listing;
  return !!l && typeof l === 'object' && l.kind === 'Listing' && Array.isArray(l.data?.children);
}

function isCommentsResponse(d: unknown): d is [Listing, Listing] {
  return Array.isArray(d) && d.length === 2 && isListing(d[0]) && isListing(d[1]) && d[0].data.children[0]?.kind === 't3';
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A post or comment's fields as read; `replies` is checked when the walk reaches it, so depth costs no recursion. */
const ThingData = z.looseObject({
  id: z.string().nullish(),
  name: z.string().nullish(),
  title: z.string().nullish(),
  author: z.string().nullish(),
  body: z.string().nullish(),
  body_html: z.string().nullish(),
  selftext: z.string().nullish(),
  selftext_html: z.string().nullish(),
  permalink: z.string().nullish(),
  url: z.string().nullish(),
  parent_id: z.string().nullish(),
  created_utc: unixSeconds.nullish(),
  score: z.number().nullish(),
  count: z.number().nullish(),
  children: z.array(z.unknown()).nullish(),
  replies: z.unknown().optional(),
});
const Thing = z.object({ kind: z.string(), data: ThingData });
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export const redditJson: Adapter = {
  id: 'reddit-json',
  accepts: 'json',
  detect: (src) => src.kind === 'json' && isCommentsResponse(src.data),
  extract(src) {
    if (src.kind !== 'json' || !isCommentsResponse(src.data)) return null;
    const [postListing, commentListing] = src.data;
    const t3 = readShape(ThingData, postListing.data.children[0]!.data, 'Reddit post JSON (the first listing\'s post)');
    const parse = fragmentParser(src.parseHtml);
    const link = `t3_${str(t3.id)}`;
    const url = `${SITE}${str(t3.permalink) || `/comments/${str(t3.id)}/`}`;
    const title = lineOf(parse(str(t3.title)));
    const opName = str(t3.author) || '[deleted]';
    const selfBody = parse(unescapeHtml(parse, str(t3.selftext_html)));
    const hasSelf = !!str(t3.selftext_html);
    const outLink = !t3.is_self && str(t3.url) ? str(t3.url) : null;
    const posts: PostInput[] = [
      {
        id: link,
        author: { name: opName, url: profile(opName) },
        publishedAt: fromUnix(numOrNull(t3.created_utc)),
        // A link or title-only post has no body: its words are the title.
        text: hasSelf && !GONE.has(str(t3.selftext)) ? textOf(selfBody, QUOTE) : hasSelf ? '' : title,
        html: hasSelf ? cleanHtml(selfBody, url) : titlePostHtml(title, outLink),
        permalink: url,
        replyTo: null,
        quotes: hasSelf ? quotesIn(selfBody) : [],
        score: t3.hide_score ? null : numOrNull(t3.score),
      },
    ];
    let moreCount = 0;
    let moreStubs = 0;
    let continued = 0;
    // Depth-first, in the order the response gives, so a reply always follows the comment it answers.
    // An explicit stack of listings still to read: a reply chain thousands deep costs no call depth.
    const pending: { children: RedditThing[]; at: number; path: string }[] = [];
    const enter = (listing: unknown, path: string) => {
      if (isListing(listing)) pending.push({ children: listing.data.children, at: 0, path });
    };
    enter(commentListing, 'the comment listing, item ');
    while (pending.length) {
      const top = pending[pending.length - 1]!;
      if (top.at >= top.children.length) {
        pending.pop();
        continue;
      }
      const at = top.at++;
      const child = readShape(Thing, top.children[at], `Reddit comments JSON (${top.path}${at + 1})`);
      const d = child.data;
      if (child.kind === 'more') {
        moreStubs++;
        const n = numOrNull(d.count) ?? 0;
        // count 0 with no ids is "continue this thread": replies exist below, their number unknown.
        if (n === 0 && !d.children?.length) continued++;
        moreCount += n;
        continue;
      }
      if (child.kind !== 't1') continue;
      const name = str(d.author) || '[deleted]';
      const raw = str(d.body);
      const body = parse(unescapeHtml(parse, str(d.body_html)));
      const gone = GONE.has(raw.trim());
      posts.push({
        id: str(d.name) || `t1_${str(d.id)}`,
        author: { name, url: profile(name) },
        publishedAt: fromUnix(numOrNull(d.created_utc)),
        text: gone ? '' : textOf(body, QUOTE),
        html: gone ? '' : cleanHtml(body, url),
        permalink: str(d.permalink) ? `${SITE}${str(d.permalink)}` : `${url.replace(/\/?$/, '/')}${str(d.id)}/`,
        replyTo: str(d.parent_id) || link,
        quotes: gone ? [] : quotesIn(body),
        score: d.score_hidden ? null : numOrNull(d.score),
      });
      enter(d.replies, `the replies to ${str(d.name) || str(d.id) || 'a comment'}, item `);
    }
    const omitted =
      moreStubs > 0
        ? {
            count: moreCount,
            reason: `${moreStubs} "load more comments" stub${moreStubs === 1 ? '' : 's'} in the response: ${moreCount} comment${moreCount === 1 ? '' : 's'} not included${continued ? `, plus ${continued} deeper thread${continued === 1 ? '' : 's'} ("continue this thread") of unknown size` : ''}. Fetch them with /api/morechildren to complete the thread.`,
          }
        : undefined;
    return { platform: 'reddit', url, title, posts, omitted, extractor: 'reddit-json' };
  },
};

/** The redesign's state blob (`<script id="data">window.___r = {…}`): authors and times the markup no longer shows. */
interface PageState {
  comments?: { models?: Record<string, { author?: string; created?: number; score?: number; parentId?: string | null; isScoreHidden?: boolean }> };
  posts?: { models?: Record<string, { author?: string; created?: number; score?: number; numComments?: number; title?: string }> };
}

function pageState(doc: Document): PageState | null {
  const s = first(doc, 'script#data')?.textContent ?? '';
  const start = s.indexOf('{');
  const end = s.lastIndexOf('}');
  if (!/window\.___r\s*=/.test(s) || start < 0 || end <= start) return null;
  try {
    return JSON.parse(s.slice(start, end + 1)) as PageState;
  } catch {
    return null;
  }
}

/** The post's `created` is in milliseconds in the state blob, comments' in seconds. */
function unixish(n: number | undefined): string | null {
  if (typeof n !== 'number') return null;
  return fromUnix(n > 1e11 ? Math.floor(n / 1000) : n);
}

function exactCount(s: string): number | null {
  const m = /^(-?\d+)(?:\s+points?)?$/.exec(s.trim());
  return m ? Number(m[1]) : null;
}

function levelOf(el: Element): number {
  for (const span of within(el, 'span')) {
    const m = /^level (\d+)$/.exec(lineOf(span));
    if (m) return Number(m[1]);
  }
  const pad = /padding-left:\s*(\d+)px/.exec(el.getAttribute('style') ?? '')?.[1];
  // 16px for level 1, then 21px per level: the redesign's own indentation.
  return pad ? Math.max(1, Math.round((Number(pad) - 16) / 21) + 1) : 1;
}

function authorFromMarkup(el: Element): string | null {
  const named = firstWithin(el, 'a[data-testid="comment_author_link"], a[data-testid="post_author_link"]');
  if (named && lineOf(named)) return lineOf(named).replace(/^u\//, '');
  const href = firstWithin(el, 'a[data-testid="comment_author_icon"][href*="/user/"], a[href*="/user/"]')?.getAttribute('href');
  const m = /\/user\/([^/?#]+)/.exec(href ?? '');
  return m ? decodeURIComponent(m[1]!) : null;
}

export const redditHtml: Adapter = {
  id: 'reddit-html',
  accepts: 'html',
  detect: (src) =>
    src.kind === 'html' &&
    queryHas(src.doc, '[data-test-id="post-content"], [data-testid="post-container"]', ['[data-test-id]', '[data-testid]']) &&
    !!first(src.doc, 'div[id^="t3_"], [data-test-id="post-content"]'),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const container = first(doc, 'div[id^="t3_"][data-testid="post-container"], div[id^="t3_"]');
    const content = first(doc, '[data-test-id="post-content"]') ?? container;
    if (!content) return null;
    const link = container?.id.match(/^t3_[a-z0-9]+/)?.[0] ?? null;
    const state = pageState(doc);
    const sp = link ? state?.posts?.models?.[link] : undefined;
    const permalinkEl = firstWithin(content, 'a[data-click-id="timestamp"][href*="/comments/"]');
    const url = (absUrl(permalinkEl?.getAttribute('href'), SITE) ?? src.url).replace(/[?#].*$/, '');
    const title = lineOf(firstWithin(content, 'h1')) || sp?.title || doc.title;
    const found = firstWithin(content, '.RichTextJSON-root, [data-click-id="text"]');
    // A title-only post renders an empty text box: its words are the title.
    const body = found && textOf(found) ? found : null;
    const opName = sp?.author ?? authorFromMarkup(firstWithin(content, '[data-adclicklocation="top_bar"]') ?? content) ?? 'unknown';
    const posts: PostInput[] = [
      {
        id: link ?? 'post',
        author: { name: opName, url: opName === 'unknown' ? null : profile(opName) },
        publishedAt: unixish(sp?.created),
        text: body ? textOf(body, QUOTE) : title,
        html: body ? cleanHtml(body, url) : titlePostHtml(title),
        permalink: url,
        replyTo: null,
        quotes: body ? quotesIn(body) : [],
        score: sp?.score ?? exactCount(lineOf(firstWithin(content, '[id^="vote-arrows-t3_"] div'))),
      },
    ];
    const stack: string[] = [];
    for (const el of all(doc, 'div[id^="t1_"]')) {
      const comment = firstWithin(el, '.Comment') ?? el;
      const bodyEl = firstWithin(comment, '[data-test-id="comment"], [data-testid="comment"]');
      if (!bodyEl && !firstWithin(comment, '[id^="CommentTopMeta"]')) continue;
      const id = el.id;
      const level = levelOf(el);
      stack.length = Math.min(stack.length, level - 1);
      const model = state?.comments?.models?.[id];
      const parent = model?.parentId ?? (level > 1 ? stack[level - 2] ?? stack[stack.length - 1] : undefined) ?? link;
      stack[level - 1] = id;
      const name = model?.author ?? authorFromMarkup(comment) ?? '[deleted]';
      const words = bodyEl ? textOf(bodyEl, QUOTE) : '';
      const gone = !bodyEl || GONE.has(words);
      const permalink = firstWithin(comment, 'a[id^="CommentTopMeta--Created"]')?.getAttribute('href');
      posts.push({
        id,
        author: { name, url: profile(name) },
        publishedAt: unixish(model?.created),
        text: gone ? '' : words,
        html: gone ? '' : cleanHtml(bodyEl, url),
        permalink: absUrl(permalink, SITE)?.replace(/\?.*$/, '') ?? null,
        replyTo: parent ?? null,
        quotes: gone || !bodyEl ? [] : quotesIn(bodyEl),
        score: model ? (model.isScoreHidden ? null : model.score ?? null) : scoreFromMarkup(comment),
      });
    }
    // "N more replies" stubs say exactly how many replies the page did not render.
    let omittedCount = 0;
    let stubs = 0;
    for (const stub of all(doc, 'div[id^="moreComments-"]')) {
      const m = /(\d+) more repl/.exec(lineOf(stub));
      if (m) {
        omittedCount += Number(m[1]);
        stubs++;
      }
    }
    const omitted = stubs
      ? { count: omittedCount, reason: `${stubs} "more replies" link${stubs === 1 ? '' : 's'} on the page: ${omittedCount} replies not rendered. Load them on the page (or use the .json API) before capturing.` }
      : sp?.numComments !== undefined && sp.numComments > posts.length - 1
        ? { count: sp.numComments - (posts.length - 1), reason: `The post counts ${sp.numComments} comments; the page rendered ${posts.length - 1}. Expand the thread (or use the .json API) before capturing.` }
        : undefined;
    return { platform: 'reddit', url, title, posts, omitted, extractor: 'reddit-html' };
  },
};

function scoreFromMarkup(comment: Element): number | null {
  const votes = firstWithin(comment, '[id^="vote-arrows-t1_"] div');
  if (votes) return exactCount(lineOf(votes));
  for (const span of within(comment, 'span')) {
    const m = /^(-?\d+) points?$/.exec(lineOf(span));
    if (m) return Number(m[1]);
  }
  return null;
}

