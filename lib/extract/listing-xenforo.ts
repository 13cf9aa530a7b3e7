import type { ListingReader, ListedThread } from './listing.ts';
import { absUrl, lineOf } from './dom.ts';

/**
 * XenForo forum listings. No real listing page is in the corpus: built from XenForo's documented
 * markup — 2.x `.structItem--thread .structItem-title a[href*="/threads/"]` (a prefix link to the
 * forum may come first), next page `a.pageNav-jump--next`; 1.x `li.discussionListItem h3.title a`,
 * next page `.PageNav a[rel=next]`/`link[rel=next]`.
 */
export const xenforoListing: ListingReader = {
  id: 'xenforo-forum',
  read({ html }, url) {
    if (!html) return null;
    const links = Array.from(html.querySelectorAll('.structItem--thread .structItem-title a[href*="threads/"], li.discussionListItem h3.title a[href*="threads/"]'));
    if (!links.length) return null;
    const threads: ListedThread[] = [];
    for (const a of links) {
      const u = absUrl(a.getAttribute('href'), url);
      // Title links end at the thread; "/unread", "/latest" and "/page-N" variants point into the same thread.
      const clean = u?.replace(/\/(unread|latest|page-\d+)\/?$/, '/');
      if (clean) threads.push({ fetchUrl: clean, url: clean, title: lineOf(a) || null });
    }
    const next = absUrl(html.querySelector('a.pageNav-jump--next[href], .PageNav a[rel="next"], link[rel="next"]')?.getAttribute('href'), url);
    return { engine: 'xenforo', threads, more: next ? [next] : [] };
  },
};
