import type { ListingReader, ListedThread } from './listing.ts';
import { absUrl, lineOf } from './dom.ts';

/**
 * phpBB `viewforum.php`. No real listing page is in the corpus: built from phpBB's documented prosilver
 * markup (3.1–3.3: `ul.topiclist.topics li.row dt a.topictitle`, next page `.pagination li.next a` /
 * `a[rel=next]`) and subsilver2 / 3.0 (`a.topictitle` in table rows, `.pagination strong + a`).
 * Session ids (`sid`) are dropped so a thread has one URL.
 */
export const phpbbListing: ListingReader = {
  id: 'phpbb-viewforum',
  read({ html }, url) {
    if (!html) return null;
    const links = Array.from(html.querySelectorAll('a.topictitle[href]'));
    if (!links.length) return null;
    const threads: ListedThread[] = [];
    for (const a of links) {
      const u = absUrl(a.getAttribute('href'), url);
      if (u && /viewtopic\.php/.test(u)) threads.push({ fetchUrl: u, url: u, title: lineOf(a) || null });
    }
    const nextHref =
      html.querySelector('.pagination li.next a[href], .pagination a[rel="next"], link[rel="next"]')?.getAttribute('href') ??
      html.querySelector('.pagination strong + a[href]')?.getAttribute('href');
    const next = absUrl(nextHref, url);
    return { engine: 'phpbb', threads, more: next ? [next] : [] };
  },
};
