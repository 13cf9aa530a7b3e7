import type { Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { absUrl, canonicalUrl, cleanHtml, lineOf, textOf } from './dom.ts';
import { queryHas } from './page-signals.ts';
import { parseForumDate } from './dates.ts';

/*
 * MyBB 1.8 (default theme and its derivatives). Built from the engine's documented/current markup; no
 * real sample in the corpus. Each post is `div.post#post_ID` with the body in `.post_body#pid_ID`, the
 * author in `.author_information .largetext a`, the time in `.post_date` and quotes as
 * `blockquote.mycode_quote > cite` ("Name Wrote:" plus a jump link to the quoted post).
 */
const POST = 'div.post[id^="post_"]';
const QUOTE = 'blockquote.mycode_quote';

/**
 * MyBB prints "01-26-2020, 12:53 AM" (default m-d-Y), and for recent posts "Yesterday, 12:53 AM" with
 * the real date in the span's title.
 */
function postDate(el: Element | null): string | null {
  if (!el) return null;
  const titled = el.querySelector('span[title]');
  const clone = el.cloneNode(true) as Element;
  for (const x of Array.from(clone.querySelectorAll('.post_edit'))) x.remove();
  let shown = lineOf(clone);
  if (titled) shown = shown.replace(lineOf(titled), titled.getAttribute('title') ?? '');
  return parseForumDate(shown);
}

function quotesIn(body: Element): QuoteInput[] {
  return Array.from(body.querySelectorAll(QUOTE))
    .filter((q) => !q.parentElement?.closest(QUOTE))
    .map((q) => {
      const cite = q.querySelector('cite');
      const jump = cite?.querySelector('a[href*="pid"]')?.getAttribute('href') ?? '';
      const who = cite ? lineOf(cite).replace(/\([^)]*\)/, '').replace(/\s*(Wrote|schrieb|a écrit|escribió|ha scritto):?\s*$/i, '').trim() : '';
      return { postId: /pid=?(\d+)/.exec(jump)?.[1] ?? null, author: who || null, text: textOf(q, 'cite') };
    });
}

export const mybb: Adapter = {
  id: 'mybb',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && queryHas(src.doc, `${POST} .post_body[id^="pid_"]`, ['.post_body']),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const url = canonicalUrl(doc, src.url);
    const posts: PostInput[] = [];
    for (const el of Array.from(doc.querySelectorAll(POST))) {
      const id = /^post_(\d+)$/.exec(el.id)?.[1];
      const body = el.querySelector('.post_body');
      if (!id || !body) continue;
      const nameLink = el.querySelector('.author_information .largetext a, .author_information a[href*="action=profile"]');
      const name = lineOf(nameLink) || lineOf(el.querySelector('.author_information .largetext')) || 'Guest';
      const sig = el.querySelector('.signature');
      posts.push({
        id,
        author: { name, url: absUrl(nameLink?.getAttribute('href'), url) },
        publishedAt: postDate(el.querySelector('.post_date')),
        text: textOf(body, QUOTE),
        html: cleanHtml(body, url),
        permalink: absUrl(el.querySelector(`.post_head a[href*="pid=${id}"]`)?.getAttribute('href') ?? `showthread.php?pid=${id}#pid${id}`, url),
        replyTo: null,
        quotes: quotesIn(body),
        signature: sig ? textOf(sig) || undefined : undefined,
      });
    }
    if (!posts.length) return null;
    const title = lineOf(doc.querySelector('.navigation .active')) || doc.title.trim();
    const current = Number(lineOf(doc.querySelector('.pagination .pagination_current'))) || 1;
    const last = Number(lineOf(doc.querySelector('.pagination .pagination_last'))) || null;
    const next = doc.querySelector('.pagination a.pagination_next')?.getAttribute('href');
    return { platform: 'mybb', url, title, posts, pagination: { page: current, pageCount: last, nextUrl: absUrl(next, url) }, extractor: 'mybb' };
  },
};
