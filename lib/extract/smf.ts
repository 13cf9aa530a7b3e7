import type { Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { bodyParts, lineOf, rememberingUrls, textOf, textSkipping } from './dom.ts';
import { earliest, hasClass, inlineScriptTexts, inClass, inside, insideAny, inTag, queryByIdPrefix, queryFirst, queryFirstWithin, queryHas, signalsOf, someTagged, type PageSignals } from './page-signals.ts';
import { smfNextPage } from './listing-smf.ts';
import * as sel from './select.ts';
import { parseForumDate } from './dates.ts';

/**
 * Simple Machines Forum 2 (core and Curve themes). Every SMF page carries its licence link to
 * simplemachines.org and `smf_*` script variables; topic pages hold `div.inner#msg_ID` bodies next to a
 * `.poster` column. Board (topic list) pages reuse `msg_ID` on `<span>` titles, so only `div` bodies count.
 */
const BODY = 'div.inner[id^="msg_"], div.post > div[id^="msg_"]';

function isSmf(doc: Document): boolean {
  if (someTagged(doc, 'a', (a) => (a.getAttribute('href') ?? '').includes('simplemachines.org'), 'a[href*="simplemachines.org"]') || queryHas(doc, '#smflogo', ['#smflogo'])) return true;
  return inlineScriptTexts(doc).some((t) => t.includes('smf_') && /\bsmf_(scripturl|theme_url|charset)\b/.test(t));
}

/**
 * SMF puts `PHPSESSID` into links for guests without cookies and separates parameters with ";"
 * (`?action=profile;u=3`), which URLSearchParams would re-encode: strip the session id as text instead.
 * Answers are remembered per base URL: a thread links the same profiles in every post.
 */
const smfUrl = rememberingUrls(resolveSmfUrl);

function resolveSmfUrl(href: string, base: string): string | null {
  const h = href.trim().replace(/([?&;])PHPSESSID=[^&;#]*[&;]?/i, '$1').replace(/[?&;]+(#|$)/, '$1');
  if (!h || /^(javascript|data|vbscript):/i.test(h)) return null;
  try {
    const u = new URL(h, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** The post's outer block: the nearest ancestor that also holds the poster column. */
function containerOf(s: PageSignals, body: Element): Element | null {
  let el: Element | null = body.parentElement;
  for (let depth = 0; el && depth < 8; depth++, el = el.parentElement) {
    if (inside(s, el, '.poster').length) return el;
  }
  return null;
}

/** Whether `e` or an ancestor has the id `id`. */
function within(e: Element | null, id: string): boolean {
  for (; e; e = e.parentElement) if (e.id === id) return true;
  return false;
}

/**
 * SMF 2.0 writes `div.quoteheader` ("Quote from: NAME on DATE", linked to `msgID`) before the
 * blockquote; 2.1 puts a `cite` inside it. Header text is localised, so the name is read between the
 * first colon and the " on "/" am " that introduces the date.
 */
function quoteParts(s: PageSignals, body: Element): { block: Element; header: Element | null }[] {
  // SMF 1.1 writes the quote as `div.quote` after its `div.quoteheader`.
  return sel.within(body, 'blockquote, div.quote')
    .filter((b) => !sel.closest(b.parentElement, 'blockquote, div.quote'))
    .map((block) => {
      const prev = block.previousElementSibling;
      return { block, header: prev && hasClass(prev, 'quoteheader') ? prev : (inside(s, block, 'cite')[0] ?? null) };
    });
}

function quotesIn(s: PageSignals, parts: ReturnType<typeof quoteParts>): QuoteInput[] {
  return parts.map(({ block, header }) => {
    const label = lineOf(header);
    // 'a[href]'
    const link = (header ? inside(s, header, 'a').find((a) => a.hasAttribute('href')) : undefined)?.getAttribute('href') ?? '';
    const author = /:\s*(.+?)(?:\s+(?:on|am|le|il|el|op)\s+.*)?$/i.exec(label)?.[1] ?? null;
    return { postId: /msg(\d+)/.exec(link)?.[1] ?? null, author, text: textSkipping(block, new Set<Node>(inside(s, block, 'cite'))) };
  });
}

function title(doc: Document): string {
  // '#top_subject, #display_head h2, h2.display_title'
  const heading = earliest(doc, [
    queryFirst(doc, '#top_subject', ['#top_subject']),
    queryFirstWithin(doc, '#display_head', 'h2'),
    queryFirst(doc, 'h2.display_title', ['.display_title'], (h) => h.localName === 'h2'),
  ]);
  const top = lineOf(heading)
    .replace(/^[^:]{1,20}:\s*/, '')
    .replace(/\s*\([^)]*\d[^)]*\)\s*$/, '');
  return top || doc.title.trim();
}

/**
 * SMF 1.1 (default theme and its copies): no `msg_ID` bodies; each post is a table holding the poster's
 * profile link, `div#subject_ID` with the date in the `div.smalltext` after it ("« on: April 04, 2020,
 * 09:22:51 AM »"), and the body `div.post`.
 */
function smf1Posts(doc: Document, url: string): PostInput[] {
  const s = signalsOf(doc);
  const posts: PostInput[] = [];
  for (const subject of queryByIdPrefix(doc, 'div[id^="subject_"]', 'subject_', (d) => d.localName === 'div')) {
    const id = /^subject_(\d+)$/.exec(subject.id)?.[1];
    let box: Element | null = subject.parentElement;
    // Up to the block that holds the body and the poster's column.
    while (box && !(sel.firstWithin(box, 'div.post') && sel.firstWithin(box, 'a[href*="action=profile"]'))) box = box.parentElement;
    const body = box && sel.firstWithin(box, 'div.post');
    if (!id || !box || !body) continue;
    const nameLink = sel.pick(box, ['a[href*="action=profile"]'], (a) => !body.contains(a) && !!lineOf(a));
    const info = subject.nextElementSibling && sel.is(subject.nextElementSibling, '.smalltext') ? subject.nextElementSibling : null;
    const quotes = quoteParts(s, body);
    const skip = new Set<Node>(sel.within(body, '.quoteheader, .quotefooter'));
    for (const { block } of quotes) skip.add(block);
    const own = bodyParts(body, url, skip);
    const sig = sel.firstWithin(box, '.signature');
    posts.push({
      id,
      author: { name: lineOf(nameLink) || 'Guest', url: smfUrl(nameLink?.getAttribute('href'), url) },
      publishedAt: parseForumDate(lineOf(info).replace(/[«»]/g, '').replace(/^[^:]*:\s*/, '')),
      text: own.text,
      html: own.html,
      permalink: smfUrl(sel.firstWithin(subject, 'a[href]')?.getAttribute('href') ?? `#msg${id}`, url),
      replyTo: null,
      quotes: quotesIn(s, quotes),
      signature: sig ? textOf(sig) || undefined : undefined,
    });
  }
  return posts;
}

export const smf: Adapter = {
  id: 'smf',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && isSmf(src.doc),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const canonical = queryFirst(doc, 'link[rel="canonical"]', ['link'], (l) => l.getAttribute('rel') === 'canonical')?.getAttribute('href');
    // Every page of a topic names itself (topic=ID.START); the thread is the topic, so its URL is page 1's.
    const url = (smfUrl(canonical, src.url) ?? src.url).replace(/([?&;/]topic[=,]\d+)\.\d+/, '$1.0');
    const posts: PostInput[] = [];
    /*
     * Per-post lookups read the page index (page-signals.ts) and test tags and classes in code: each
     * stands for the selector in its comment, which linkedom would compile again for every post.
     */
    const s = signalsOf(doc);
    const isBody = (d: Element) => d.localName === 'div' && (hasClass(d, 'inner') || (d.parentElement?.localName === 'div' && hasClass(d.parentElement, 'post')));
    for (const body of queryByIdPrefix(doc, BODY, 'msg_', isBody)) {
      const id = /^msg_(\d+)$/.exec(body.id)?.[1];
      const box = containerOf(s, body);
      if (!id || !box) continue;
      // '.poster h4'
      const poster = inside(s, box, 'h4').find((h) => inClass(h.parentElement, 'poster'));
      const nameLink = poster ? inside(s, poster, 'a').find((a) => a.hasAttribute('href')) : undefined;
      // '.keyinfo .smalltext, .postinfo .smalltext, .keyinfo'
      const keyinfo = insideAny(s, box, ['.smalltext', '.keyinfo']).find(
        (e) => hasClass(e, 'keyinfo') || inClass(e.parentElement, 'keyinfo') || inClass(e.parentElement, 'postinfo'),
      );
      // "« Reply #1 on: September 19, 2007, 01:08:14 PM »": the date follows the first colon in any language.
      const shown = lineOf(keyinfo).replace(/[«»]/g, '').replace(/^[^:]*:\s*/, '');
      // `#subject_ID a[href], a[href*="msgID"]`
      const subjectId = `subject_${id}`;
      const msg = `msg${id}`;
      const subject = inside(s, box, 'a')
        .find((a) => a.hasAttribute('href') && ((a.getAttribute('href') ?? '').includes(msg) || within(a.parentElement, subjectId)))
        ?.getAttribute('href');
      const sig = inside(s, box, '.signature')[0];
      // The post's own words: quotes, their headers and footers skipped, as if removed from a copy.
      const skip = new Set<Node>(inside(s, body, '.quotefooter').concat(inside(s, body, '.quoteheader')));
      const quotes = quoteParts(s, body);
      for (const { block, header } of quotes) {
        skip.add(block);
        if (header) skip.add(header);
      }
      const own = bodyParts(body, url, skip);
      posts.push({
        id,
        author: { name: lineOf(nameLink ?? poster) || 'Guest', url: smfUrl(nameLink?.getAttribute('href'), url) },
        publishedAt: parseForumDate(shown),
        text: own.text,
        html: own.html,
        permalink: smfUrl(subject ?? `#msg${id}`, url),
        replyTo: null,
        quotes: quotesIn(s, quotes),
        signature: sig ? textOf(sig) || undefined : undefined,
      });
    }
    if (!posts.length) posts.push(...smf1Posts(doc, url));
    if (!posts.length) return null;
    const next = smfNextPage(doc, src.url);
    const current = Number(lineOf(queryFirstWithin(doc, '.pagelinks', 'strong, .current_page'))) || 1;
    return {
      platform: 'smf',
      url,
      title: title(doc),
      posts,
      pagination: { page: current, pageCount: null, nextUrl: next },
      extractor: 'smf',
    };
  },
};
