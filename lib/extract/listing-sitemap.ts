import type { ListingReader, ListedThread } from './listing.ts';

/**
 * sitemaps.org XML: `<urlset><url><loc>` lists pages (each taken as a thread URL), `<sitemapindex>
 * <sitemap><loc>` lists further sitemaps to read. Read by local name so the namespace prefix does not matter.
 */
function locs(root: Element, parent: string): string[] {
  const out: string[] = [];
  for (const el of Array.from(root.getElementsByTagName(parent))) {
    const loc = Array.from(el.childNodes).find((n) => (n as Element).localName === 'loc' || n.nodeName.toLowerCase() === 'loc');
    const text = loc?.textContent?.trim();
    if (text && /^https?:\/\//i.test(text)) out.push(text);
  }
  return out;
}

export const sitemapListing: ListingReader = {
  id: 'sitemap',
  read({ xml }) {
    const root = xml?.documentElement;
    const name = root?.localName ?? root?.nodeName;
    if (!root || (name !== 'urlset' && name !== 'sitemapindex')) return null;
    if (name === 'sitemapindex') return { engine: 'sitemap', threads: [], more: locs(root, 'sitemap') };
    const threads: ListedThread[] = locs(root, 'url').map((u) => ({ fetchUrl: u, url: u, title: null }));
    return { engine: 'sitemap', threads, more: [] };
  },
};
