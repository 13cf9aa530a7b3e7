import type { Thread } from '../model/thread.ts';

/**
 * Pages of one thread, in reading order, as one Thread: posts keep their order, a post seen on two
 * pages (a page that grew while it was read, a repeated first post) is kept once, by id.
 */
export function mergePages(pages: Thread[]): Thread {
  const [first, ...rest] = pages;
  if (!first) throw new Error('mergePages needs at least one page');
  const seen = new Set<string>();
  const posts = pages.flatMap((p) => p.posts).filter((p) => (seen.has(p.id) ? false : (seen.add(p.id), true)));
  const last = rest.at(-1) ?? first;
  return {
    ...first,
    posts,
    pagination: { page: 1, pageCount: pages.length, nextUrl: last.pagination?.nextUrl ?? null },
    omitted: pages.some((p) => p.omitted) ? { count: pages.reduce((n, p) => n + (p.omitted?.count ?? 0), 0), reason: pages.find((p) => p.omitted)!.omitted!.reason } : undefined,
  };
}
