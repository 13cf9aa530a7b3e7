import type { DomKit } from './index.ts';
import { smfListing } from './listing-smf.ts';
import { bggForumListing } from './listing-bgg.ts';
import { phpbbListing } from './listing-phpbb.ts';
import { xenforoListing } from './listing-xenforo.ts';
import { discourseListing } from './listing-discourse.ts';
import { sitemapListing } from './listing-sitemap.ts';

/** One thread a listing page names: where to fetch it, and the URL it is stored under. */
export interface ListedThread {
  fetchUrl: string;
  /** The thread's canonical URL (what `Thread.url` will be), used to recognise it across runs. */
  url: string;
  title: string | null;
}

/** What a listing page (board, category, sitemap) holds: its threads and where the listing goes on. */
export interface Listing {
  engine: string;
  threads: ListedThread[];
  /** Further listing pages to read: the next page, or child sitemaps of a sitemap index. */
  more: string[];
}

/** Reads one listing document; null when it is not that reader's kind of page. */
export interface ListingReader {
  id: string;
  read(doc: { html?: Document; xml?: Document; json?: unknown }, url: string): Listing | null;
}

/** Specific engines first; the sitemap reader only answers to urlset/sitemapindex roots. */
export const LISTING_READERS: ListingReader[] = [bggForumListing, sitemapListing, discourseListing, smfListing, phpbbListing, xenforoListing];

/** Drops repeats (same canonical URL), keeping the first title seen. */
export function uniqueThreads(threads: ListedThread[]): ListedThread[] {
  const seen = new Set<string>();
  return threads.filter((t) => !seen.has(t.url) && (seen.add(t.url), true));
}

/**
 * Reads a fetched listing (HTML, XML or JSON by content) into thread links. The error says what the
 * page was taken for, so the user can paste thread URLs instead.
 */
export function readListing(text: string, url: string, dom: DomKit): Listing | { error: string } {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  let input: { html?: Document; xml?: Document; json?: unknown };
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      input = { json: JSON.parse(t) };
    } catch (e) {
      return { error: `The listing looks like JSON but does not parse (${(e as Error).message}).` };
    }
  } else if (/^<\?xml/i.test(t) || /^<(urlset|sitemapindex|forum)\b/i.test(t)) input = { xml: dom.parseXml(t) };
  else input = { html: dom.parseHtml(t) };
  for (const r of LISTING_READERS) {
    const found = r.read(input, url);
    if (found) return { ...found, threads: uniqueThreads(found.threads) };
  }
  return {
    error:
      'No thread list found on this page: it is not an SMF board, phpBB or XenForo forum page, Discourse category JSON, BoardGameGeek forum XML or a sitemap. Open a board or category page, or paste thread URLs instead.',
  };
}
