import { ExtractError, type Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { cleanHtml, fragmentParser, lineOf, textOf } from './dom.ts';
import { isoDate } from './dates.ts';

/**
 * BoardGameGeek XML API 2 (`/xmlapi2/thread?id=N`): `<thread id><subject/><articles><article id username
 * postdate editdate><subject/><body>` where the body is HTML, escaped as text and partly in CDATA.
 * `/xmlapi2/forum` and `/forumlist` responses are listings of threads, not threads: not read here.
 */
const SITE = 'https://boardgamegeek.com';
/** BGG renders quotes as `<div class="quote"><div class="quotetitle">NAME wrote:</div><div class="quotebody">`. */
const QUOTE = '.quote';

function rootName(doc: Document): string {
  return (doc.documentElement?.nodeName ?? '').toLowerCase();
}

function quotesIn(body: Element): QuoteInput[] {
  return Array.from(body.querySelectorAll(QUOTE)).map((q) => ({
    postId: null,
    author: /^(.+?)\s+wrote:?$/i.exec(lineOf(q.querySelector('.quotetitle')))?.[1] ?? null,
    text: textOf(q.querySelector('.quotebody') ?? q),
  }));
}

export const bggThreadXml: Adapter = {
  id: 'bgg-xmlapi2-thread',
  accepts: 'xml',
  detect: (src) => src.kind === 'xml' && ['thread', 'forum', 'forums'].includes(rootName(src.doc)) && !!src.doc.documentElement?.getAttribute('termsofuse')?.includes('boardgamegeek'),
  extract(src) {
    if (src.kind !== 'xml') return null;
    const kind = rootName(src.doc);
    if (kind !== 'thread') {
      throw new ExtractError(
        kind === 'forums'
          ? 'This is a BoardGameGeek list of forums (xmlapi2/forumlist), not a thread: open one of its forums, then save one of that forum\'s threads (xmlapi2/thread?id=N).'
          : 'This is a BoardGameGeek forum listing (xmlapi2/forum), not a thread: save one of the threads it lists (xmlapi2/thread?id=N) instead.',
        'no-thread',
      );
    }
    const root = src.doc.documentElement!;
    const tid = root.getAttribute('id') ?? '';
    const url = root.getAttribute('link') ?? (tid ? `${SITE}/thread/${tid}` : src.url);
    const parse = fragmentParser(src.parseHtml);
    const posts: PostInput[] = [];
    for (const a of Array.from(root.querySelectorAll('articles > article'))) {
      const id = a.getAttribute('id');
      if (!id) continue;
      const name = a.getAttribute('username') ?? '';
      // textContent joins the escaped text and the CDATA sections back into the body's HTML source.
      const body = parse(a.querySelector('body')?.textContent ?? '');
      posts.push({
        id,
        author: { name: name || 'unknown', url: name ? `${SITE}/user/${encodeURIComponent(name)}` : null },
        publishedAt: isoDate(a.getAttribute('postdate')),
        text: textOf(body, QUOTE),
        html: cleanHtml(body, url),
        permalink: a.getAttribute('link') ?? `${SITE}/thread/${tid}/article/${id}#${id}`,
        replyTo: null,
        quotes: quotesIn(body),
      });
    }
    if (!posts.length) return null;
    const title = lineOf(Array.from(root.children).find((c) => c.nodeName.toLowerCase() === 'subject'));
    return { platform: 'boardgamegeek', url, title, posts, extractor: 'bgg-xmlapi2-thread' };
  },
};
