import type { ListingReader, ListedThread } from './listing.ts';

/**
 * Discourse category and latest lists as JSON (`/c/{slug}/{id}.json`, `/latest.json`). No real sample
 * in the corpus: built from Discourse's documented API — `topic_list.topics[]` with `id`, `slug`,
 * `title`, and `topic_list.more_topics_url` for the next page (a path without `.json`).
 * Topics are fetched as `/t/{id}.json` (the thread adapter reads that JSON) and stored under `/t/{slug}/{id}`.
 */
interface TopicList {
  topic_list?: { topics?: { id?: unknown; slug?: unknown; title?: unknown }[]; more_topics_url?: unknown };
}

export const discourseListing: ListingReader = {
  id: 'discourse-topic-list',
  read({ json }, url) {
    const list = (json as TopicList | undefined)?.topic_list;
    if (!list || !Array.isArray(list.topics)) return null;
    const origin = new URL(url).origin;
    const threads: ListedThread[] = [];
    for (const t of list.topics) {
      if (typeof t.id !== 'number') continue;
      const slug = typeof t.slug === 'string' && t.slug ? t.slug : 'topic';
      threads.push({ fetchUrl: `${origin}/t/${t.id}.json`, url: `${origin}/t/${slug}/${t.id}`, title: typeof t.title === 'string' ? t.title : null });
    }
    const more: string[] = [];
    if (typeof list.more_topics_url === 'string' && list.more_topics_url) {
      // more_topics_url is the HTML route; the same route with .json before the query answers JSON.
      const next = new URL(list.more_topics_url, url);
      if (!next.pathname.endsWith('.json')) next.pathname += '.json';
      more.push(next.toString());
    }
    return { engine: 'discourse', threads, more };
  },
};
