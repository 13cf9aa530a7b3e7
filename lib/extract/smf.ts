import type { Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { cleanHtml, lineOf, textOf, inertClone } from './dom.ts';
import { smfNextPage } from './listing-smf.ts';
import { parseForumDate } from './dates.ts';

/**
 * Simple Machines Forum 2 (core and Curve themes). Every SMF page carries its licence link to
 * simplemachines.org and `smf_*` script variables; topic pages hold `div.inner#msg_ID` bodies next to a
 * `.poster` column. Board (topic list) pages reuse `msg_ID` on `<span>` titles, so only `div` bodies count.
 */
const BODY = 'div.inner[id^="msg_"], div.post > div[id^="msg_"]';

function isSmf(doc: Document): boolean {
  if (doc.querySelector('a[href*="simplemachines.org"], #smflogo')) return true;
  return Array.from(doc.querySelectorAll('script:not([src])')).some((s) => /\bsmf_(scripturl|theme_url|charset)\b/.test(s.textContent ?? ''));
}

/**
 * SMF puts `PHPSESSID` into links for guests without cookies and separates parameters with ";"
 * (`?action=profile;u=3`), which URLSearchParams would re-encode: strip the session id as text instead.
 */
function smfUrl(href: string | null | undefined, base: string): string | null {
  if (!href) return null;
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
function containerOf(body: Element): Element | null {
  let el: Element | null = body.parentElement;
  for (let depth = 0; el && depth < 8; depth++, el = el.parentElement) {
    if (el.querySelector('.poster')) return el;
  }
  return null;
}

/**
 * SMF 2.0 writes `div.quoteheader` ("Quote from: NAME on DATE", linked to `msgID`) before the
 * blockquote; 2.1 puts a `cite` inside it. Header text is localised, so the name is read between the
 * first colon and the " on "/" am " that introduces the date.
 */
function quoteParts(body: Element): { block: Element; header: Element | null }[] {
  return Array.from(body.querySelectorAll('blockquote'))
    .filter((b) => !b.parentElement?.closest('blockquote'))
    .map((block) => {
      const prev = block.previousElementSibling;
      return { block, header: prev?.classList.contains('quoteheader') ? prev : block.querySelector('cite') };
    });
}

function quotesIn(body: Element): QuoteInput[] {
  return quoteParts(body).map(({ block, header }) => {
    const label = lineOf(header);
    const link = header?.querySelector('a[href]')?.getAttribute('href') ?? '';
    const author = /:\s*(.+?)(?:\s+(?:on|am|le|il|el|op)\s+.*)?$/i.exec(label)?.[1] ?? null;
    return { postId: /msg(\d+)/.exec(link)?.[1] ?? null, author, text: textOf(block, 'cite') };
  });
}

function title(doc: Document): string {
  const top = lineOf(doc.querySelector('#top_subject, #display_head h2, h2.display_title'))
    .replace(/^[^:]{1,20}:\s*/, '')
    .replace(/\s*\([^)]*\d[^)]*\)\s*$/, '');
  return top || doc.title.trim();
}

export const smf: Adapter = {
  id: 'smf',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && isSmf(src.doc),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const canonical = doc.querySelector('link[rel="canonical"]')?.getAttribute('href');
    // Every page of a topic names itself (topic=ID.START); the thread is the topic, so its URL is page 1's.
    const url = (smfUrl(canonical, src.url) ?? src.url).replace(/([?&;/]topic[=,]\d+)\.\d+/, '$1.0');
    const posts: PostInput[] = [];
    for (const body of Array.from(doc.querySelectorAll(BODY))) {
      const id = /^msg_(\d+)$/.exec(body.id)?.[1];
      const box = containerOf(body);
      if (!id || !box) continue;
      const poster = box.querySelector('.poster h4');
      const nameLink = poster?.querySelector('a[href]');
      const keyinfo = box.querySelector('.keyinfo .smalltext, .postinfo .smalltext, .keyinfo');
      // "« Reply #1 on: September 19, 2007, 01:08:14 PM »": the date follows the first colon in any language.
      const shown = lineOf(keyinfo).replace(/[«»]/g, '').replace(/^[^:]*:\s*/, '');
      const subject = box.querySelector(`#subject_${id} a[href], a[href*="msg${id}"]`)?.getAttribute('href');
      const sig = box.querySelector('.signature');
      const clean = inertClone(body);
      for (const { block, header } of quoteParts(clean)) {
        block.remove();
        header?.remove();
      }
      posts.push({
        id,
        author: { name: lineOf(nameLink ?? poster) || 'Guest', url: smfUrl(nameLink?.getAttribute('href'), url) },
        publishedAt: parseForumDate(shown),
        text: textOf(clean, '.quotefooter, .quoteheader'),
        html: cleanHtml(body, url),
        permalink: smfUrl(subject ?? `#msg${id}`, url),
        replyTo: null,
        quotes: quotesIn(body),
        signature: sig ? textOf(sig) || undefined : undefined,
      });
    }
    if (!posts.length) return null;
    const next = smfNextPage(doc, src.url);
    const current = Number(lineOf(doc.querySelector('.pagelinks strong, .pagelinks .current_page'))) || 1;
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
