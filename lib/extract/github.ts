import type { Adapter, ParseHtml } from './types.ts';
import type { PostInput, QuoteInput, ThreadInput } from '../model/thread.ts';
import { absUrl, canonicalUrl, cleanHtml, fragmentParser, lineOf, metaContent, textOf } from './dom.ts';
import { mayHave, queryHas } from './page-signals.ts';
import { isoDate } from './dates.ts';
import { z } from 'zod';
import { count, dateText, readShape } from './json-shape.ts';

/*
 * GitHub issues, pull-request conversations and discussions (github.com and GitHub Enterprise), and the
 * REST API's issue and issue-comments JSON. Built from the engine's documented/current markup; no real
 * sample in the corpus. Server-rendered timelines mark each comment `.timeline-comment` inside a
 * `.js-timeline-item` (or the opening post's group), with `a.author`, `relative-time[datetime]` and a
 * `.comment-body`; the comment's group id (`issue-N`, `issuecomment-N`, `discussioncomment-N`) is stable.
 */
const COMMENT = '.timeline-comment';

/** E-mail-style `>` quotes in Markdown bodies render as blockquotes; GitHub links no quoted comment. */
function quotesIn(body: Element): QuoteInput[] {
  return Array.from(body.querySelectorAll('blockquote'))
    .filter((q) => !q.parentElement?.closest('blockquote'))
    .map((q) => ({ postId: null, author: null, text: textOf(q) }));
}

function idOf(c: Element): string | null {
  const holder = c.closest('[id^="issuecomment-"], [id^="issue-"], [id^="discussioncomment-"], [id^="pullrequestreview-"]');
  return holder?.id ?? /#((?:issue|issuecomment|discussioncomment)-\d+)/.exec(c.querySelector('a.js-timestamp, a[href*="#issuecomment-"]')?.getAttribute('href') ?? '')?.[1] ?? null;
}

export const githubHtml: Adapter = {
  id: 'github',
  accepts: 'html',
  // Blogs' comments carry `.comment-body` too: without a `.timeline-comment` on the page none is GitHub's.
  detect: (src) => src.kind === 'html' && mayHave(src.doc, [COMMENT]) && queryHas(src.doc, `${COMMENT} .comment-body`, ['.comment-body']) && !!src.doc.querySelector(`${COMMENT} a.author, ${COMMENT} relative-time`),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const url = canonicalUrl(doc, src.url).replace(/[?#].*$/, '');
    const posts: PostInput[] = [];
    const seen = new Set<string>();
    for (const c of Array.from(doc.querySelectorAll(COMMENT))) {
      const body = c.querySelector('.comment-body');
      const id = idOf(c);
      if (!body || !id || seen.has(id)) continue;
      seen.add(id);
      const author = c.querySelector('a.author');
      const name = lineOf(author) || 'ghost';
      const reactions = Array.from(c.querySelectorAll('.reaction-summary-item[data-button-index-position], .social-reaction-summary-item')).reduce((n, r) => n + (Number(/\d+/.exec(lineOf(r))?.[0]) || 0), 0);
      // A reply in a discussion thread sits inside its parent comment's group.
      const parent = c.parentElement?.closest('[id^="discussioncomment-"]');
      posts.push({
        id,
        author: { name, url: absUrl(author?.getAttribute('href') ?? `/${name}`, url) },
        publishedAt: isoDate(c.querySelector('relative-time[datetime], time[datetime]')?.getAttribute('datetime')),
        text: textOf(body, 'blockquote'),
        html: cleanHtml(body, url),
        permalink: `${url}#${id}`,
        replyTo: parent && parent.id !== id ? parent.id : null,
        quotes: quotesIn(body),
        score: reactions || null,
      });
    }
    if (!posts.length) return null;
    const title = lineOf(doc.querySelector('.js-issue-title')) || lineOf(doc.querySelector('h1.gh-header-title')) || metaContent(doc, 'meta[property="og:title"]') || doc.title;
    return { platform: 'github', url, title, posts, extractor: 'github' };
  },
};

const ApiComment = z.object({
  id: z.number(),
  user: z.object({ login: z.string().nullish(), html_url: z.string().nullish() }).nullish(),
  body: z.string().nullish(),
  body_html: z.string().nullish(),
  created_at: dateText.nullish(),
  html_url: z.string().nullish(),
  reactions: z.object({ total_count: count.nullish() }).nullish(),
});
type ApiComment = z.infer<typeof ApiComment>;
const ApiIssue = ApiComment.extend({ number: z.number(), title: z.string() });
type ApiIssue = z.infer<typeof ApiIssue>;
/** What the extension saves after fetching both: the issue and its comments, in the API's own shapes. */
const Bundle = z.object({ issue: ApiIssue, comments: z.array(ApiComment) });
type Bundle = z.infer<typeof Bundle>;

const isComment = (c: unknown): c is ApiComment => {
  const x = c as ApiComment;
  return !!x && typeof x === 'object' && typeof x.id === 'number' && typeof x.created_at === 'string' && ('body' in x || 'body_html' in x) && !!x.user && typeof x.user.login === 'string';
};
const isIssue = (c: unknown): c is ApiIssue => isComment(c) && typeof (c as ApiIssue).number === 'number' && typeof (c as ApiIssue).title === 'string';
const isCommentList = (d: unknown): d is ApiComment[] =>
  Array.isArray(d) && d.length > 0 && d.every((c) => isComment(c) && /#issuecomment-\d+$/.test((c as ApiComment).html_url ?? ''));
const isBundle = (d: unknown): d is Bundle => {
  const b = d as Bundle;
  return !!b && typeof b === 'object' && isIssue(b.issue) && Array.isArray(b.comments) && b.comments.every(isComment);
};

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/**
 * Without `Accept: application/vnd.github.full+json` the API sends Markdown only. It is kept as text;
 * `>` lines become quotes and plain paragraphs become the HTML, so nothing is rendered from Markdown.
 */
function markdownBody(md: string, parseHtml: ParseHtml): Element {
  const paras = md.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  const html = paras
    .map((p) => {
      const lines = p.split('\n');
      if (lines.every((l) => /^\s*>/.test(l))) return `<blockquote>${escapeHtml(lines.map((l) => l.replace(/^\s*>\s?/, '')).join('\n'))}</blockquote>`;
      return `<p>${lines.map(escapeHtml).join('<br>')}</p>`;
    })
    .join('');
  return fragmentParser(parseHtml)(html);
}

function post(c: ApiComment, id: string, parseHtml: ParseHtml, base: string): PostInput {
  const body = c.body_html ? fragmentParser(parseHtml)(c.body_html) : markdownBody(c.body ?? '', parseHtml);
  const login = c.user?.login ?? 'ghost';
  return {
    id,
    author: { name: login, url: c.user?.html_url ?? `https://github.com/${login}` },
    publishedAt: isoDate(c.created_at),
    text: textOf(body, 'blockquote'),
    html: cleanHtml(body, base),
    permalink: c.html_url ?? null,
    replyTo: null,
    quotes: quotesIn(body),
    score: c.reactions?.total_count ? c.reactions.total_count : null,
  };
}

function fromApi(issue: ApiIssue | null, comments: ApiComment[], url: string, parseHtml: ParseHtml): ThreadInput | null {
  const issueUrl = issue?.html_url ?? comments[0]?.html_url?.replace(/#.*$/, '') ?? url;
  const posts: PostInput[] = [];
  if (issue) posts.push(post(issue, `issue-${issue.id}`, parseHtml, issueUrl));
  for (const c of comments) posts.push(post(c, `issuecomment-${c.id}`, parseHtml, issueUrl));
  if (!posts.length) return null;
  const number = /\/(?:issues|pull)\/(\d+)/.exec(issueUrl)?.[1];
  return { platform: 'github', url: issueUrl, title: issue?.title ?? (number ? `#${number}` : issueUrl), posts, extractor: 'github-api' };
}

export const githubJson: Adapter = {
  id: 'github-api',
  accepts: 'json',
  detect: (src) => src.kind === 'json' && (isBundle(src.data) || isIssue(src.data) || isCommentList(src.data)),
  extract(src) {
    if (src.kind !== 'json') return null;
    const d = src.data;
    if (isBundle(d)) {
      const b = readShape(Bundle, d, 'GitHub issue JSON');
      return fromApi(b.issue, b.comments, src.url, src.parseHtml);
    }
    if (isIssue(d)) return fromApi(readShape(ApiIssue, d, 'GitHub issue JSON'), [], src.url, src.parseHtml);
    if (isCommentList(d)) return fromApi(null, readShape(z.array(ApiComment), d, 'GitHub comments JSON'), src.url, src.parseHtml);
    return null;
  },
};
