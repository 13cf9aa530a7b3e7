import type { ListedThread } from './listing.ts';

/**
 * A pasted or uploaded list of thread URLs: one per line or separated by spaces (not commas: SMF addresses contain them). Anything
 * that is not an http(s) URL is reported back, not silently dropped. BoardGameGeek thread pages are
 * fetched through `xmlapi2/thread`, the form the BGG adapter reads.
 */
export function readUrlList(text: string): { threads: ListedThread[]; rejected: string[] } {
  const threads: ListedThread[] = [];
  const rejected: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/\s+/)) {
    const s = raw.trim();
    if (!s || s.startsWith('#')) continue;
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      rejected.push(s);
      continue;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      rejected.push(s);
      continue;
    }
    u.hash = '';
    const bgg = /(?:^|\.)boardgamegeek\.com$/.test(u.hostname) ? /^\/thread\/(\d+)/.exec(u.pathname)?.[1] : undefined;
    const t: ListedThread = bgg
      ? { fetchUrl: `https://boardgamegeek.com/xmlapi2/thread?id=${bgg}`, url: `https://boardgamegeek.com/thread/${bgg}`, title: null }
      : { fetchUrl: u.toString(), url: u.toString(), title: null };
    if (seen.has(t.url)) continue;
    seen.add(t.url);
    threads.push(t);
  }
  return { threads, rejected };
}
