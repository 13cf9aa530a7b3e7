import type { Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { absUrl, canonicalUrl, cleanHtml, lineOf, metaContent, textOf, unescapedBody } from './dom.ts';
import { queryHas } from './page-signals.ts';
import { all, closest, first, firstWithin, within } from './select.ts';
import { isoDate, parseForumDate } from './dates.ts';

/*
 * Vanilla Forums 2.x / 3.x (open source and hosted Higher Logic Vanilla, default "Keystone"-era markup).
 * Built from the engine's documented/current markup; no real sample in the corpus. The opening post is
 * `.ItemDiscussion` (`#Discussion_ID`), replies `li.ItemComment#Comment_ID`; each has `.Item-Header
 * .Username`, `time[datetime]` in the permalink and `.Message.userContent`; quotes are
 * `blockquote.UserQuote` (author in `.QuoteAuthor` or the first `.blockquote-content` link).
 */
const ITEM = '.ItemDiscussion, .ItemComment, .Item.Comment';
// `blockquote.ipsQuote`: bodies imported from Invision keep its quote markup.
const QUOTE = 'blockquote.UserQuote, blockquote.Quote, blockquote.ipsQuote';

function quotesIn(body: Element): QuoteInput[] {
  return within(body, QUOTE)
    .filter((q) => !closest(q.parentElement, QUOTE))
    .map((q) => {
      const contents = Array.from(q.children).filter((c) => c.classList.contains('blockquote-content'));
      const head = firstWithin(q, '.QuoteAuthor') ?? (contents.length > 1 ? contents[0]! : null);
      const who = (q.getAttribute('data-ipsquote-username') ?? '') || lineOf((head && firstWithin(head, 'a[href*="/profile"]')) ?? head).replace(/\s*(said|wrote|a écrit|schrieb):?.*$/i, '');
      const link = (head && firstWithin(head, 'a[href*="/comment/"], a[href*="Comment_"]'))?.getAttribute('href') ?? '';
      const text = firstWithin(q, '.QuoteText') ?? (contents.length > 1 ? contents[contents.length - 1]! : null);
      return { postId: /(?:comment\/|Comment_)(\d+)/.exec(link)?.[1] ?? null, author: who || null, text: text ? textOf(text) : textOf(q, '.QuoteAuthor') };
    });
}

function idOf(el: Element): string | null {
  const own = /^(Discussion|Comment)_(\d+)$/.exec(el.id) ?? /^(Discussion|Comment)_(\d+)$/.exec(closest(el, '[id^="Discussion_"], [id^="Comment_"]')?.id ?? '');
  return own ? (own[1] === 'Discussion' ? `d${own[2]}` : own[2]!) : null;
}

export const vanilla: Adapter = {
  id: 'vanilla',
  accepts: 'html',
  detect: (src) =>
    src.kind === 'html' && queryHas(src.doc, '.MessageList .Message.userContent, .ItemDiscussion .Message, .ItemComment .Message', ['.Message']) && !!first(src.doc, '.Item-Header .Username, .Author .Username'),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const url = canonicalUrl(doc, src.url);
    const posts: PostInput[] = [];
    const seen = new Set<string>();
    for (const el of all(doc, ITEM)) {
      const id = idOf(el);
      const shown = firstWithin(el, '.Message.userContent, .Message');
      if (!id || !shown || seen.has(id)) continue;
      const body = unescapedBody(shown, src.parseHtml);
      seen.add(id);
      const nameLink = firstWithin(el, '.Item-Header a.Username, .Author a.Username, a.Username');
      const time = firstWithin(el, '.DateCreated time[datetime], time[datetime]');
      const sig = firstWithin(el, '.Signature, .UserSignature');
      posts.push({
        id,
        author: { name: lineOf(nameLink) || 'Guest', url: absUrl(nameLink?.getAttribute('href'), url) },
        publishedAt: isoDate(time?.getAttribute('datetime')) ?? parseForumDate(time?.getAttribute('title')),
        text: textOf(body, QUOTE),
        html: cleanHtml(body, url),
        permalink: absUrl(firstWithin(el, 'a.Permalink')?.getAttribute('href') ?? (id.startsWith('d') ? url : `/discussion/comment/${id}#Comment_${id}`), url),
        // Vanilla comments are flat: the page does not say which post a comment answers.
        replyTo: null,
        quotes: quotesIn(body),
        signature: sig ? textOf(sig) || undefined : undefined,
      });
    }
    if (!posts.length) return null;
    const title = lineOf(first(doc, '.PageTitle h1, h1')) || metaContent(doc, 'meta[property="og:title"]') || doc.title;
    const next = first(doc, '#PagerAfter a.Next, .Pager a.Next, a[rel="next"]')?.getAttribute('href');
    const page = Number(lineOf(first(doc, '.Pager a.Highlight'))) || 1;
    return { platform: 'vanilla', url, title, posts, pagination: { page, pageCount: null, nextUrl: absUrl(next, url) }, extractor: 'vanilla' };
  },
};
