import type { Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { absUrl, canonicalUrl, cleanHtml, lineOf, metaContent, textOf } from './dom.ts';
import { queryHas } from './page-signals.ts';
import { pick } from './select.ts';
import { fromUnix, isoDate } from './dates.ts';

/*
 * Invision Community (IPS) 4 and 5. Built from the engine's documented/current markup; no real sample in
 * the corpus. Each post is `article#elComment_ID`; the body is `[data-role=commentContent]`; quotes are
 * `blockquote.ipsQuote` naming the quoted member and post in `data-ipsquote-*`. The comment wrapper's
 * `data-quotedata` JSON (both versions) names the author even when a theme moves the author pane.
 */
const POST = 'article[id^="elComment_"]';
const QUOTE = 'blockquote.ipsQuote';
const SIGNATURE = '[data-role="memberSignature"]';
// Neowin prints a subscriber's name as "<b>+</b>Raze": the mark is the group's, not the name's.
const BADGES = 'button, .ipsRepBadge, .ipsResponsive_showPhone, .ipsBadge, [class*="group-subscriber"] > b';

interface QuoteData {
  username?: string;
  timestamp?: number;
}

function quoteData(el: Element): QuoteData {
  const raw = el.querySelector('[data-quotedata]')?.getAttribute('data-quotedata');
  if (!raw) return {};
  try {
    const d = JSON.parse(raw) as QuoteData;
    return d && typeof d === 'object' ? d : {};
  } catch {
    return {};
  }
}

function quotesIn(body: Element): QuoteInput[] {
  return Array.from(body.querySelectorAll(QUOTE))
    .filter((q) => !q.parentElement?.closest(QUOTE))
    .map((q) => ({
      postId: q.getAttribute('data-ipsquote-contentcommentid') || null,
      author: q.getAttribute('data-ipsquote-username') || null,
      text: textOf(q.querySelector('.ipsQuote_contents') ?? q, '.ipsQuote_citation'),
    }));
}

export const invision: Adapter = {
  id: 'invision',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && queryHas(src.doc, `${POST} [data-role="commentContent"]`, ['[data-role]']),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const url = canonicalUrl(doc, src.url);
    const posts: PostInput[] = [];
    for (const el of Array.from(doc.querySelectorAll(POST))) {
      const id = el.querySelector('[data-commentid]')?.getAttribute('data-commentid') ?? /^elComment_(\d+)$/.exec(el.id)?.[1];
      const body = el.querySelector('[data-role="commentContent"]');
      if (!id || !body) continue;
      const qd = quoteData(el);
      const nameLink = pick(el, ['.cAuthorPane_author a[href*="/profile/"], .ipsEntry__username a, [data-role="commentAuthor"] a', 'h3 a[href*="/profile/"]', '.cAuthorPane_author a'], (a) => !!lineOf(a));
      // A theme's author pane without a link (Neowin's) holds badges beside the name: an "OP" button, a reputation count.
      const pane = nameLink ?? pick(el, ['.cAuthorPane_author [itemprop="name"]', '.cAuthorPane_author strong', '.cAuthorPane_author, .ipsEntry__username']);
      const name = (nameLink ? lineOf(nameLink) : pane ? textOf(pane, BADGES).replace(/\s+/g, ' ').trim() : '') || qd.username || 'Guest';
      const time = el.querySelector('.ipsComment_meta time[datetime], time[datetime]')?.getAttribute('datetime');
      const own = el.querySelector(`a[href*="comment=${id}"]`)?.getAttribute('href');
      const sig = el.querySelector(SIGNATURE);
      const score = Number(lineOf(el.querySelector('.ipsReact_reactCount, [data-role="reactCount"]')).replace(/[^\d-]/g, ''));
      posts.push({
        id,
        author: { name, url: nameLink ? absUrl(nameLink.getAttribute('href'), url) : null },
        publishedAt: isoDate(time) ?? fromUnix(qd.timestamp),
        text: textOf(body, QUOTE),
        html: cleanHtml(body, url),
        permalink: absUrl(own ?? `?do=findComment&comment=${id}`, url),
        replyTo: null,
        quotes: quotesIn(body),
        score: el.querySelector('.ipsReact_reactCount, [data-role="reactCount"]') && Number.isFinite(score) ? score : null,
        signature: sig ? textOf(sig) || undefined : undefined,
      });
    }
    if (!posts.length) return null;
    const title = lineOf(doc.querySelector('h1.ipsType_pageTitle, .ipsType_pageTitle, h1')) || metaContent(doc, 'meta[property="og:title"]') || doc.title;
    const next = doc.querySelector('li.ipsPagination_next a[href], a[rel="next"]')?.getAttribute('href');
    const active = Number(lineOf(doc.querySelector('.ipsPagination_active a'))) || 1;
    const last = Number(doc.querySelector('.ipsPagination[data-pages]')?.getAttribute('data-pages')) || null;
    return { platform: 'invision', url, title, posts, pagination: { page: active, pageCount: last, nextUrl: absUrl(next, url) }, extractor: 'invision' };
  },
};
