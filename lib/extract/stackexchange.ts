import { ExtractError, type Adapter } from './types.ts';
import type { PostInput } from '../model/thread.ts';
import { absUrl, canonicalUrl, cleanHtml, fragmentParser, lineOf, textOf } from './dom.ts';
import { queryHas } from './page-signals.ts';
import { fromUnix, isoDate } from './dates.ts';
import { z } from 'zod';
import { count, readShape, unixSeconds } from './json-shape.ts';

/**
 * Stack Exchange (Stack Overflow and its sister sites): the question page, and the public API's
 * `{items: [...]}` responses. Comments become posts whose replyTo is the question or answer they sit under.
 */

/** "2014-02-07 10:53:03Z, License: CC BY-SA 3.0" → the date part. */
function titleDate(el: Element | null | undefined): string | null {
  return isoDate(el?.getAttribute('title')?.split(',')[0] ?? null);
}

function num(v: string | null | undefined): number | null {
  if (v === null || v === undefined || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** The author's signature: the one marked itemprop=author, else the last (the first may be the last editor's). */
function ownerSignature(post: Element): Element | null {
  const own = post.querySelector('.post-signature .user-details[itemprop="author"]');
  if (own) return own.closest('.post-signature');
  const all = Array.from(post.querySelectorAll('.post-layout .post-signature')).filter((s) => !s.closest('.comments'));
  return all[all.length - 1] ?? null;
}

function commentsOf(post: Element, parentId: string, pageUrl: string, base: string): PostInput[] {
  return Array.from(post.querySelectorAll('.comments .comment[data-comment-id], li.comment[id^="comment-"]')).map((c) => {
    const cid = c.getAttribute('data-comment-id') ?? c.id.replace('comment-', '');
    const user = c.querySelector('a.comment-user, span.comment-user');
    const body = c.querySelector('.comment-copy');
    return {
      id: `comment-${cid}`,
      author: { name: lineOf(user) || 'unknown', url: absUrl(user?.getAttribute('href'), base) },
      publishedAt: titleDate(c.querySelector('.comment-date [title]')),
      text: textOf(body),
      html: cleanHtml(body, base),
      permalink: `${pageUrl}#comment${cid}_${parentId}`,
      replyTo: parentId,
      quotes: [],
      score: num(c.getAttribute('data-comment-score')),
    };
  });
}

function pagePost(el: Element, id: string, questionId: string | null, pageUrl: string, base: string): PostInput {
  const sig = ownerSignature(el);
  const user = sig?.querySelector('.user-details a[href*="/users/"]');
  const name = lineOf(sig?.querySelector('.user-details [itemprop="name"]')) || lineOf(user) || lineOf(sig?.querySelector('.user-details'));
  const body = el.querySelector('.js-post-body, .s-prose[itemprop="text"], .post-text');
  const isAnswer = !!questionId && id !== questionId;
  return {
    id,
    author: { name: name || 'unknown', url: absUrl(user?.getAttribute('href'), base) },
    publishedAt: titleDate(sig?.querySelector('.user-action-time .relativetime, .relativetime')),
    text: textOf(body),
    html: cleanHtml(body, base),
    permalink: isAnswer ? absUrl(`/a/${id}`, base) : pageUrl,
    replyTo: isAnswer ? questionId : null,
    quotes: [],
    score: num(el.getAttribute('data-score')) ?? num(el.querySelector('.js-vote-count')?.getAttribute('data-value')),
    accepted: isAnswer ? el.classList.contains('accepted-answer') : undefined,
  };
}

export const stackExchangeHtml: Adapter = {
  id: 'stackexchange-html',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && queryHas(src.doc, '#question[data-questionid], .question[data-questionid]', ['[data-questionid]']) && queryHas(src.doc, '.js-post-body, .post-text', ['.js-post-body', '.post-text']),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const q = doc.querySelector('#question[data-questionid], .question[data-questionid]');
    const qid = q?.getAttribute('data-questionid');
    if (!q || !qid) return null;
    const url = canonicalUrl(doc, src.url);
    const posts: PostInput[] = [pagePost(q, qid, qid, url, url), ...commentsOf(q, qid, url, url)];
    for (const a of Array.from(doc.querySelectorAll('.answer[data-answerid]'))) {
      const aid = a.getAttribute('data-answerid')!;
      posts.push(pagePost(a, aid, qid, url, url), ...commentsOf(a, aid, url, url));
    }
    const title = lineOf(doc.querySelector('#question-header h1, h1[itemprop="name"]')) || doc.title;
    // No licence hint here: the footer names no version, and the Stack Exchange site policy (lib/license) dates each post's licence.
    return { platform: 'stackexchange', url, title, posts, extractor: 'stackexchange-html' };
  },
};

/** The API's shapes (https://api.stackexchange.com/docs/types/question), as far as a thread needs them. */
const ApiUser = z.object({ display_name: z.string().nullish(), link: z.string().nullish() });
type ApiUser = z.infer<typeof ApiUser>;
const ApiComment = z.object({
  comment_id: z.number(),
  owner: ApiUser.nullish(),
  creation_date: unixSeconds.nullish(),
  score: count.nullish(),
  body: z.string().nullish(),
  link: z.string().nullish(),
});
type ApiComment = z.infer<typeof ApiComment>;
const ApiAnswer = z.object({
  answer_id: z.number(),
  owner: ApiUser.nullish(),
  creation_date: unixSeconds.nullish(),
  score: count.nullish(),
  is_accepted: z.boolean().nullish(),
  body: z.string().nullish(),
  link: z.string().nullish(),
  comments: z.array(ApiComment).nullish(),
});
const ApiQuestion = z.object({
  question_id: z.number(),
  title: z.string().nullish(),
  link: z.string().nullish(),
  owner: ApiUser.nullish(),
  creation_date: unixSeconds.nullish(),
  score: count.nullish(),
  body: z.string().nullish(),
  answers: z.array(ApiAnswer).nullish(),
  comments: z.array(ApiComment).nullish(),
});
type ApiQuestion = { question_id: number };

function isApiResponse(data: unknown): data is { items: unknown[]; quota_max?: number } {
  const d = data as { items?: unknown; quota_max?: unknown; has_more?: unknown };
  return !!d && typeof d === 'object' && Array.isArray(d.items) && ('quota_max' in d || 'has_more' in d);
}

function isQuestion(x: unknown): x is ApiQuestion {
  return !!x && typeof x === 'object' && typeof (x as ApiQuestion).question_id === 'number';
}

/**
 * `GET /2.3/questions/{ids}?filter=withbody` (plus answers and comments when the filter asks for them).
 * The default filter sends metadata only: a question with no body holds none of its authors' words,
 * so it is reported as no thread rather than saved as an empty post.
 */
export const stackExchangeApi: Adapter = {
  id: 'stackexchange-api',
  accepts: 'json',
  detect: (src) => src.kind === 'json' && isApiResponse(src.data) && src.data.items.some(isQuestion),
  extract(src) {
    if (src.kind !== 'json' || !isApiResponse(src.data)) return null;
    const found = src.data.items.findIndex(isQuestion);
    if (found < 0) return null;
    const q = readShape(ApiQuestion, src.data.items[found], `Stack Exchange API response (items[${found}])`);
    if (typeof q.body !== 'string') {
      throw new ExtractError(
        `This Stack Exchange API response describes question ${q.question_id} but carries no post text (it was fetched without a body filter). Fetch it again with filter=withbody, or save the question page itself.`,
        'no-thread',
      );
    }
    const url = q.link ?? src.url;
    const parse = fragmentParser(src.parseHtml);
    const decode = (s: string | null | undefined) => lineOf(parse(s ?? ''));
    const qid = String(q.question_id);
    const author = (u: ApiUser | null | undefined) => ({ name: decode(u?.display_name) || 'unknown', url: u?.link ?? null });
    const comments = (list: ApiComment[] | null | undefined, parentId: string): PostInput[] =>
      (list ?? []).map((c) => {
        const body = parse(c.body ?? '');
        return {
          id: `comment-${c.comment_id}`,
          author: author(c.owner),
          publishedAt: fromUnix(c.creation_date),
          text: textOf(body),
          html: cleanHtml(body, url),
          permalink: c.link ?? `${url}#comment${c.comment_id}_${parentId}`,
          replyTo: parentId,
          quotes: [],
          score: c.score ?? null,
        };
      });
    const qBody = parse(q.body);
    const posts: PostInput[] = [
      {
        id: qid,
        author: author(q.owner),
        publishedAt: fromUnix(q.creation_date),
        text: textOf(qBody),
        html: cleanHtml(qBody, url),
        permalink: url,
        replyTo: null,
        quotes: [],
        score: q.score ?? null,
      },
      ...comments(q.comments, qid),
    ];
    for (const a of q.answers ?? []) {
      const aid = String(a.answer_id);
      const body = parse(a.body ?? '');
      posts.push(
        {
          id: aid,
          author: author(a.owner),
          publishedAt: fromUnix(a.creation_date),
          text: textOf(body),
          html: cleanHtml(body, url),
          permalink: a.link ?? absUrl(`/a/${aid}`, url),
          replyTo: qid,
          quotes: [],
          score: a.score ?? null,
          accepted: !!a.is_accepted,
        },
        ...comments(a.comments, aid),
      );
    }
    return { platform: 'stackexchange', url, title: decode(q.title), posts, extractor: 'stackexchange-api' };
  },
};
