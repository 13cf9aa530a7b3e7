import type { Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { absUrl, cleanHtml, cleanHtmlWhere, fragmentParser, lineOf, textOf, textSkipping, titlePostHtml } from './dom.ts';
import { hasClass, inClass, inside, queryAllWhere, queryHas, signalsOf, someTagged, type PageSignals } from './page-signals.ts';
import { fromUnix, isoDate } from './dates.ts';
import { z } from 'zod';
import { count, readShape, unixSeconds } from './json-shape.ts';
import { plainTextQuotes } from './plain-quotes.ts';

/**
 * Hacker News item pages (`/item?id=N`) in both layouts seen in the wild, and the Firebase API's item JSON.
 * Nesting is not in the markup's tree: every comment is a sibling row, its depth given by `td.ind[indent]`
 * (current) or by the width of the spacer image in `td.ind` (2015: 40px per level).
 */
const SITE = 'https://news.ycombinator.com/';

function itemIdFrom(href: string | null | undefined): string | null {
  return /[?&]id=(\d+)/.exec(href ?? '')?.[1] ?? null;
}

/*
 * Per-row lookups read the page index (page-signals.ts) and test tags and classes in code: each stands
 * for the selector in its comment, which linkedom would compile again for every comment.
 */

/** `root.querySelector('TAG.CLS')` */
function firstTagged(s: PageSignals, root: Element, tag: string, cls: string): Element | undefined {
  return inside(s, root, `.${cls}`).find((e) => e.localName === tag);
}

/** `.reply, .navs, form`: the reply link and the hidden "reply" form sit inside the comment cell, not the author's words. */
const notText = (x: Element) => x.localName === 'form' || hasClass(x, 'reply') || hasClass(x, 'navs');

function depthOf(s: PageSignals, row: Element): number {
  const ind = firstTagged(s, row, 'td', 'ind');
  const attr = ind?.getAttribute('indent');
  if (attr !== null && attr !== undefined && /^\d+$/.test(attr)) return Number(attr);
  const width = Number((ind ? inside(s, ind, 'img')[0] : null)?.getAttribute('width') ?? 0);
  return Number.isFinite(width) ? Math.round(width / 40) : 0;
}

function commentId(row: Element): string | null {
  if (/^\d+$/.test(row.id)) return row.id;
  const up = row.querySelector('a[id^="up_"]')?.id.slice(3);
  if (up && /^\d+$/.test(up)) return up;
  return itemIdFrom(row.querySelector('.comhead a[href*="item?id="]')?.getAttribute('href'));
}

/** Story rows: `.fatitem` (current) or the first `tr.athing` holding a `td.title` (2015). */
function storyRow(s: PageSignals, rows: Element[]): Element | null {
  // '.fatitem tr.athing', else the first row with a 'td.title'
  return rows.find((r) => inClass(r.parentElement, 'fatitem')) ?? rows.find((r) => firstTagged(s, r, 'td', 'title')) ?? null;
}

/** A link to the front page: `a[href="news"], a[href$="news.ycombinator.com/news"]` as code. */
const home = (a: Element) => {
  const h = a.getAttribute('href') ?? '';
  return h === 'news' || h.endsWith('news.ycombinator.com/news');
};

export const hackerNewsHtml: Adapter = {
  id: 'hackernews-html',
  accepts: 'html',
  detect(src) {
    if (src.kind !== 'html') return false;
    const op = src.doc.documentElement?.getAttribute('op');
    // The rows first: a lookup of one class, where the home link is looked for among every link of the page.
    return (
      queryHas(src.doc, 'tr.athing', ['.athing']) &&
      (op === 'item' || queryHas(src.doc, '.fatitem', ['.fatitem']) || someTagged(src.doc, 'a', home, 'a[href="news"], a[href$="news.ycombinator.com/news"]'))
    );
  },
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const base = absUrl(src.url, SITE) ?? SITE;
    const s = signalsOf(doc);
    // 'tr.athing'
    const rows = queryAllWhere(doc, 'tr.athing', ['.athing'], (r) => r.localName === 'tr');
    const story = storyRow(s, rows);
    const sid = story ? (/^\d+$/.test(story.id) ? story.id : story.querySelector('a[id^="up_"]')?.id.slice(3) ?? itemIdFrom(story.nextElementSibling?.querySelector('a[href*="item?id="]')?.getAttribute('href'))) : null;
    const storyId = sid ?? itemIdFrom(src.url);
    const url = storyId ? `${SITE}item?id=${storyId}` : base;
    const posts: PostInput[] = [];
    let title = '';

    if (story && storyId) {
      const titleLink = story.querySelector('.titleline > a, td.title > a');
      title = lineOf(titleLink);
      const sub = story.nextElementSibling;
      const user = sub?.querySelector('a.hnuser, a[href^="user?id="]');
      // The story's own text (Ask HN, Show HN) sits a few rows below the subtext, in `.toptext` or a bare cell.
      const top = doc.querySelector('.fatitem .toptext') ?? storyTextCell(story);
      const link = absUrl(titleLink?.getAttribute('href'), base);
      const html = top ? cleanHtml(top, base) : titlePostHtml(title, link);
      posts.push({
        id: storyId,
        author: { name: lineOf(user) || 'unknown', url: absUrl(user?.getAttribute('href'), base) },
        publishedAt: isoDate(sub?.querySelector('.age[title]')?.getAttribute('title')?.split(' ')[0]),
        text: top ? textOf(top) : title,
        html,
        permalink: url,
        replyTo: null,
        quotes: [],
        score: scoreOf(sub),
      });
    }

    // Each comment answers the nearest shallower comment above it; top-level ones answer the story.
    const stack: string[] = [];
    for (const row of rows) {
      if (row === story) continue;
      const cell = firstTagged(s, row, 'td', 'default');
      if (!cell) continue;
      const id = commentId(row);
      if (!id) continue;
      const depth = depthOf(s, row);
      stack.length = Math.min(stack.length, depth);
      const parent = depth > 0 ? stack[depth - 1] ?? stack[stack.length - 1] ?? storyId : storyId;
      stack[depth] = id;
      const head = inside(s, cell, '.comhead')[0];
      // 'a.hnuser, a[href^="user?id="], a[href*="/user?id="]'
      const user = head
        ? inside(s, head, 'a').find((a) => {
            const href = a.getAttribute('href') ?? '';
            return hasClass(a, 'hnuser') || href.startsWith('user?id=') || href.includes('/user?id=');
          })
        : undefined;
      const body = inside(s, cell, '.commtext')[0] ?? inside(s, cell, '.comment')[0];
      // Deleted and flagged comments keep their place in the tree but have no author and no words of theirs.
      const gone = !user;
      const skip = body ? new Set<Node>([...inside(s, body, 'form'), ...inside(s, body, '.reply'), ...inside(s, body, '.navs')]) : null;
      const words = gone ? { text: '', quotes: [] } : plainTextQuotes(textSkipping(body, skip));
      posts.push({
        id,
        author: { name: lineOf(user) || (gone ? '[deleted]' : 'unknown'), url: absUrl(user?.getAttribute('href'), base) },
        // '.age[title]'
        publishedAt: isoDate((head ? inside(s, head, '.age').find((a) => a.hasAttribute('title')) : null)?.getAttribute('title')?.split(' ')[0]),
        text: words.text,
        html: gone ? '' : cleanHtmlWhere(body, base, notText),
        permalink: `${SITE}item?id=${id}`,
        replyTo: parent ?? null,
        quotes: words.quotes,
      });
    }
    if (!posts.length) return null;
    return { platform: 'hackernews', url, title: title || doc.title, posts, extractor: 'hackernews-html' };
  },
};


function scoreOf(sub: Element | null | undefined): number | null {
  const m = /(-?\d+)\s+points?/.exec(lineOf(sub?.querySelector('.score')));
  return m ? Number(m[1]) : null;
}

/** 2015 layout: the story text is the cell after the subtext row and a spacer row, before the reply form. */
function storyTextCell(story: Element): Element | null {
  const table = story.closest('table');
  if (!table) return null;
  for (const td of Array.from(table.querySelectorAll('tr > td'))) {
    if (td.closest('tr') === story || td.classList.contains('subtext') || td.querySelector('form, textarea')) continue;
    if (td.getAttribute('colspan')) continue;
    if (lineOf(td) && !td.querySelector('.subtext, .titleline')) return td;
  }
  return null;
}

const FirebaseItem = z.object({
  id: z.number(),
  type: z.string().nullish(),
  by: z.string().nullish(),
  time: unixSeconds.nullish(),
  title: z.string().nullish(),
  text: z.string().nullish(),
  url: z.string().nullish(),
  score: count.nullish(),
  kids: z.array(z.number()).nullish(),
  deleted: z.boolean().nullish(),
});
type FirebaseItem = z.infer<typeof FirebaseItem>;

function isFirebaseItem(d: unknown): d is FirebaseItem {
  const x = d as FirebaseItem;
  return !!x && typeof x === 'object' && typeof x.id === 'number' && typeof x.type === 'string' && ['story', 'job', 'poll', 'comment', 'ask'].includes(x.type) && typeof x.time === 'number';
}

/**
 * `/v0/item/N.json`: one item; its replies are only ids (`kids`), each a further request. The story alone
 * is returned; `hackerNewsKidsNotFetched` tells a caller which ids to fetch to complete the thread.
 */
export const hackerNewsFirebase: Adapter = {
  id: 'hackernews-firebase',
  accepts: 'json',
  detect: (src) => src.kind === 'json' && isFirebaseItem(src.data),
  extract(src) {
    if (src.kind !== 'json' || !isFirebaseItem(src.data)) return null;
    const it = readShape(FirebaseItem, src.data, 'Hacker News item JSON');
    if (it.deleted || !it.by) return null;
    const url = `${SITE}item?id=${it.id}`;
    const parse = fragmentParser(src.parseHtml);
    const body = it.text ? parse(it.text) : null;
    const title = it.title ?? '';
    return {
      platform: 'hackernews',
      url,
      title,
      posts: [
        {
          id: String(it.id),
          author: { name: it.by, url: `${SITE}user?id=${encodeURIComponent(it.by)}` },
          publishedAt: fromUnix(it.time),
          text: body ? textOf(body) : title,
          html: body ? cleanHtml(body, url) : titlePostHtml(title, it.url),
          permalink: url,
          replyTo: null,
          quotes: [],
          score: it.score ?? null,
        },
      ],
      extractor: 'hackernews-firebase',
    };
  },
};

/** Reply ids a Firebase item names but does not include: the caller fetches `/v0/item/ID.json` for each. */
export function hackerNewsKidsNotFetched(data: unknown): number[] {
  return isFirebaseItem(data) ? [...(data.kids ?? [])] : [];
}
