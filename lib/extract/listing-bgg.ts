import type { ListingReader, ListedThread } from './listing.ts';

/**
 * BoardGameGeek `xmlapi2/forum?id=N[&page=P]` (real samples in the corpus): `<forum numthreads>` with up
 * to 50 `<thread id subject>` per page. Threads are fetched as `xmlapi2/thread?id=N` from the same
 * origin the listing came from and stored under their canonical `https://boardgamegeek.com/thread/N`.
 */
const SITE = 'https://boardgamegeek.com';
/** BGG's documented page size for forum listings. */
const PAGE_SIZE = 50;

export const bggForumListing: ListingReader = {
  id: 'bgg-xmlapi2-forum',
  read({ xml }, url) {
    const root = xml?.documentElement;
    if (!root || root.nodeName.toLowerCase() !== 'forum' || !root.getAttribute('termsofuse')?.includes('boardgamegeek')) return null;
    const base = new URL(url);
    const threads: ListedThread[] = [];
    for (const t of Array.from(root.getElementsByTagName('thread'))) {
      const id = t.getAttribute('id');
      if (!id || !/^\d+$/.test(id)) continue;
      threads.push({ fetchUrl: `${base.origin}/xmlapi2/thread?id=${id}`, url: `${SITE}/thread/${id}`, title: t.getAttribute('subject') });
    }
    const total = Number(root.getAttribute('numthreads') ?? '0');
    const page = Number(base.searchParams.get('page') ?? '1') || 1;
    const more: string[] = [];
    if (threads.length && page * PAGE_SIZE < total) {
      const next = new URL(url);
      next.searchParams.set('page', String(page + 1));
      more.push(next.toString());
    }
    return { engine: 'bgg', threads, more };
  },
};
