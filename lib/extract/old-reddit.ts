import type { Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { absUrl, canonicalUrl, cleanHtml, lineOf, textOf } from './dom.ts';
import { queryHas } from './page-signals.ts';
import { fromUnix, isoDate } from './dates.ts';

/*
 * old.reddit.com (and `?style=old` mirrors). Built from the engine's documented/current markup; no real
 * sample in the corpus. Every item is a `.thing` with `data-fullname` (t3_ the post, t1_ a comment);
 * replies sit inside the parent's `.child`, so nesting is read from the DOM, not from indentation.
 */
const COMMENT = '.thing.comment[data-fullname^="t1_"]';
const QUOTE = 'blockquote';

function quotesIn(md: Element): QuoteInput[] {
  return Array.from(md.querySelectorAll(QUOTE))
    .filter((q) => !q.parentElement?.closest(QUOTE))
    .map((q) => ({ postId: null, author: null, text: textOf(q) }));
}

function timeOf(thing: Element, entry: Element | null): string | null {
  const t = entry?.querySelector('.tagline time[datetime]')?.getAttribute('datetime');
  return isoDate(t) ?? fromUnix(Number(thing.getAttribute('data-timestamp')) / 1000 || null);
}

function scoreOf(thing: Element, entry: Element | null): number | null {
  const attr = thing.getAttribute('data-score');
  if (attr && /^-?\d+$/.test(attr)) return Number(attr);
  const span = entry?.querySelector('.tagline .score.unvoted, .tagline .score');
  const m = /^(-?\d+)/.exec(span?.getAttribute('title') ?? lineOf(span));
  return m ? Number(m[1]) : null;
}

/** The item's own `.entry`, not one of its replies'. */
function ownEntry(thing: Element): Element | null {
  for (const c of Array.from(thing.children)) if (c.classList.contains('entry')) return c;
  return thing.querySelector('.entry');
}

function authorOf(thing: Element, entry: Element | null, base: string) {
  const a = entry?.querySelector('.tagline a.author');
  const name = thing.getAttribute('data-author') || lineOf(a) || '[deleted]';
  return { name, url: a ? absUrl(a.getAttribute('href'), base) : name === '[deleted]' ? null : absUrl(`/user/${name}`, base) };
}

export const oldReddit: Adapter = {
  id: 'old-reddit',
  accepts: 'html',
  detect: (src) =>
    src.kind === 'html' && queryHas(src.doc, '.thing[data-fullname^="t3_"]', ['[data-fullname]']) && !!src.doc.querySelector('.commentarea, .thing .usertext-body'),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const link = doc.querySelector('.thing[data-fullname^="t3_"]');
    if (!link) return null;
    const url = canonicalUrl(doc, src.url);
    const linkId = link.getAttribute('data-fullname')!;
    const linkEntry = ownEntry(link);
    const title = lineOf(linkEntry?.querySelector('a.title')) || doc.title;
    const selfMd = linkEntry?.querySelector('.usertext-body .md') ?? null;
    const posts: PostInput[] = [
      {
        id: linkId,
        author: authorOf(link, linkEntry, url),
        publishedAt: timeOf(link, linkEntry),
        text: selfMd ? textOf(selfMd, QUOTE) : title,
        html: selfMd ? cleanHtml(selfMd, url) : '',
        permalink: absUrl(link.getAttribute('data-permalink'), url) ?? url,
        replyTo: null,
        quotes: selfMd ? quotesIn(selfMd) : [],
        score: scoreOf(link, linkEntry),
      },
    ];
    for (const el of Array.from(doc.querySelectorAll(COMMENT))) {
      const id = el.getAttribute('data-fullname')!;
      const entry = ownEntry(el);
      const md = entry?.querySelector('.usertext-body .md') ?? null;
      const deleted = el.classList.contains('deleted') || !md;
      const parent = el.parentElement?.closest(COMMENT)?.getAttribute('data-fullname') ?? linkId;
      posts.push({
        id,
        author: authorOf(el, entry, url),
        publishedAt: timeOf(el, entry),
        text: deleted || !md ? '' : textOf(md, QUOTE),
        html: deleted || !md ? '' : cleanHtml(md, url),
        permalink: absUrl(el.getAttribute('data-permalink') ?? entry?.querySelector('a.bylink')?.getAttribute('href'), url),
        replyTo: parent,
        quotes: md && !deleted ? quotesIn(md) : [],
        score: scoreOf(el, entry),
      });
    }
    // "load more comments (N replies)" stubs: counted, never invented.
    let count = 0;
    let stubs = 0;
    for (const more of Array.from(doc.querySelectorAll('.thing.morechildren, .morecomments'))) {
      if (more.parentElement?.closest('.thing.morechildren')) continue;
      const m = /\((\d+) repl/.exec(lineOf(more));
      if (m) {
        count += Number(m[1]);
        stubs++;
      }
    }
    const omitted = stubs ? { count, reason: `${stubs} "load more comments" link${stubs === 1 ? '' : 's'} on the page: ${count} replies not shown. Expand them on the page before capturing.` } : undefined;
    return { platform: 'reddit', url, title, posts, omitted, extractor: 'old-reddit' };
  },
};
