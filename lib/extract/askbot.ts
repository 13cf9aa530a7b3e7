import type { Adapter } from './types.ts';
import type { PostInput } from '../model/thread.ts';
import { absUrl, canonicalUrl, cleanHtml, lineOf, textOf } from './dom.ts';
import { queryHas } from './page-signals.ts';
import { isoDate } from './dates.ts';

/**
 * Askbot Q&A pages (ask.openstack.org, askbot.org, ask.fedoraproject.org…): a question `.post.js-question`,
 * answers `.post.answer`, and comments under each in `.comments[data-parent-post-id]`. Askbot stores
 * comments as posts too, so every id below is the engine's own post id and ids never collide.
 */
/** The "asked/answered/updated by" cards sit inside the post body; they are not the post's words. */
const NOT_TEXT = '.post-update-info-container';

/** "2013-03-20 16:29:40 -0600" → ISO with offset (the page states its zone). */
function askbotDate(el: Element | null | undefined): string | null {
  const t = el?.getAttribute('title')?.trim();
  return t ? isoDate(t.replace(/\s+([+-]\d{2}):?(\d{2})$/, '$1:$2')) : null;
}

function num(s: string): number | null {
  const t = s.trim();
  return /^-?\d+$/.test(t) ? Number(t) : null;
}

/**
 * The author is the card of the "asked"/"answered" entry; later entries are editors. Community-wiki
 * posts show no author card at all: the post is then credited to the wiki, as the page does.
 */
function authorOf(post: Element, base: string) {
  const infos = Array.from(post.querySelectorAll('.post-update-info'));
  const own = infos.find((i) => /\b(asked|answered)\b/i.test(lineOf(i.querySelector('p')))) ?? infos[0];
  const link = own?.querySelector('.user-info a[href*="/users/"]');
  const name = lineOf(link);
  if (name) return { author: { name, url: absUrl(link?.getAttribute('href'), base) }, when: askbotDate(own?.querySelector('abbr.timeago')) };
  const wiki = own?.querySelector('img[alt*="wiki" i]') || /\bwiki\b/i.test(lineOf(own));
  return { author: { name: wiki ? 'community wiki' : 'unknown', url: null }, when: askbotDate(own?.querySelector('abbr.timeago')) };
}

/** A comment's id: older Askbot marks comments with data-comment-id, later versions with data-post-id. */
const ids = (c: Element) => c.getAttribute('data-comment-id') ?? c.getAttribute('data-post-id') ?? /^post-id-(\d+)$/.exec(c.id)?.[1] ?? null;

function commentsUnder(post: Element, parentId: string, pageUrl: string, base: string): PostInput[] {
  const box = post.querySelector(`.comments[data-parent-post-id="${parentId}"]`);
  if (!box) return [];
  return Array.from(box.querySelectorAll('.comment.js-comment')).flatMap((c) => {
    const id = ids(c);
    if (!id) return [];
    const user = c.querySelector('.comment-controls a.author');
    const body = c.querySelector('.comment-body');
    const post: PostInput = {
      id,
      author: { name: lineOf(user) || 'unknown', url: absUrl(user?.getAttribute('href'), base) },
      publishedAt: askbotDate(c.querySelector('.comment-controls abbr.timeago')),
      text: textOf(body),
      html: cleanHtml(body, base),
      permalink: `${pageUrl}?comment=${id}#post-id-${id}`,
      replyTo: parentId,
      quotes: [],
      // The vote box is filled by script in the browser; a saved page usually shows no count (null, not 0).
      score: num(lineOf(c.querySelector('.comment-votes .upvote'))),
    };
    return [post];
  });
}

function pagination(doc: Document, base: string) {
  const pager = doc.querySelector('.paginator[data-num-pages]');
  if (!pager) return undefined;
  const count = Number(pager.getAttribute('data-num-pages'));
  const page = Number(pager.querySelector('.curr[data-page]')?.getAttribute('data-page') ?? '1');
  const next = pager.querySelector('.next a[href]')?.getAttribute('href');
  return {
    page: page > 0 ? page : 1,
    pageCount: count > 0 ? count : null,
    nextUrl: count > page ? absUrl(next, base)?.replace(/#.*$/, '') ?? null : null,
  };
}

export const askbot: Adapter = {
  id: 'askbot',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && queryHas(src.doc, '.post.js-question[data-post-id] .vote-buttons, .post.js-question[data-post-id] .post-update-info', ['.vote-buttons', '.post-update-info']),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const q = doc.querySelector('.post.js-question[data-post-id]');
    const qid = q?.getAttribute('data-post-id');
    if (!q || !qid) return null;
    const h1 = q.querySelector('h1 a[href], h1');
    const pageUrl = (absUrl(h1?.getAttribute('href'), src.url) ?? canonicalUrl(doc, src.url)).replace(/[?#].*$/, '');
    // Profile and paginator links are relative: resolve them against the page's own address.
    const base = pageUrl;
    const qa = authorOf(q, base);
    const qBody = q.querySelector('.post-body');
    const posts: PostInput[] = [
      {
        id: qid,
        author: qa.author,
        publishedAt: qa.when,
        text: textOf(qBody, NOT_TEXT),
        html: cleanHtml(qBody, base, NOT_TEXT),
        permalink: pageUrl,
        replyTo: null,
        quotes: [],
        score: num(lineOf(q.querySelector('.vote-number'))),
      },
      ...commentsUnder(q, qid, pageUrl, base),
    ];
    for (const a of Array.from(doc.querySelectorAll('.post.answer[data-post-id]'))) {
      const aid = a.getAttribute('data-post-id')!;
      const who = authorOf(a, base);
      const body = a.querySelector('.post-body');
      posts.push(
        {
          id: aid,
          author: who.author,
          publishedAt: who.when,
          text: textOf(body, NOT_TEXT),
          html: cleanHtml(body, base, NOT_TEXT),
          permalink: `${pageUrl}?answer=${aid}#post-id-${aid}`,
          replyTo: qid,
          quotes: [],
          score: num(lineOf(a.querySelector('.vote-number'))),
          accepted: a.classList.contains('accepted-answer'),
        },
        ...commentsUnder(a, aid, pageUrl, base),
      );
    }
    return {
      platform: 'askbot',
      url: pageUrl,
      title: lineOf(h1) || doc.title,
      posts,
      pagination: pagination(doc, base),
      extractor: 'askbot',
    };
  },
};
