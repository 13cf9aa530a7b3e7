import type { ListingReader, ListedThread } from './listing.ts';
import { lineOf } from './dom.ts';
import { earliest, queryFirstWithin } from './page-signals.ts';

/**
 * Simple Machines Forum board pages (the corpus holds a real SMF 2.0 RC3 board). Topic titles sit in
 * `td.subject span[id^="msg_"] > a`; the per-topic page links beside them (`small > a.navPages`) are
 * not separate threads. Page links read "Pages: [<strong>1</strong>] <a class="navPages">2</a>", so the
 * link right after the bold current page is the next page.
 */
function smfHref(href: string | null, base: string): string | null {
  if (!href) return null;
  const h = href.replace(/([?&;])PHPSESSID=[^&;#]*[&;]?/i, '$1').replace(/[?&;]+(#|$)/, '$1');
  try {
    const u = new URL(h, base);
    u.hash = '';
    return /^https?:$/.test(u.protocol) ? u.toString() : null;
  } catch {
    return null;
  }
}

function isSmf(doc: Document): boolean {
  if (doc.querySelector('a[href*="simplemachines.org"], #smflogo')) return true;
  return Array.from(doc.querySelectorAll('script:not([src])')).some((s) => /\bsmf_(scripturl|theme_url)\b/.test(s.textContent ?? ''));
}

/** The next page of an SMF board or topic: the link after the bold current page number. */
export function smfNextPage(doc: Document, url: string): string | null {
  // '.pagelinks strong + a, .pagesection .nav_page + a, .middletext strong + a.navPages', block by block
  const a = earliest(doc, [
    queryFirstWithin(doc, '.pagelinks', 'strong + a'),
    queryFirstWithin(doc, '.pagesection', '.nav_page + a'),
    queryFirstWithin(doc, '.middletext', 'strong + a.navPages'),
  ]);
  return smfHref(a?.getAttribute('href') ?? null, url);
}

export const smfListing: ListingReader = {
  id: 'smf-board',
  read({ html }, url) {
    if (!html || !isSmf(html)) return null;
    const threads: ListedThread[] = [];
    for (const a of Array.from(html.querySelectorAll('td.subject span[id^="msg_"] > a[href], .subject span[id^="msg_"] a[href]'))) {
      const u = smfHref(a.getAttribute('href'), url);
      if (u) threads.push({ fetchUrl: u, url: u, title: lineOf(a) || null });
    }
    if (!threads.length) return null;
    const next = smfNextPage(html, url);
    return { engine: 'smf', threads, more: next ? [next] : [] };
  },
};
