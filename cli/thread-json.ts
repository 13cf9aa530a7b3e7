import type { Thread } from '../lib/model/thread.ts';

/** The CLI's public JSON shape: scripts depend on these field names. */
export function threadJson(t: Thread) {
  return {
    platform: t.platform,
    url: t.url,
    title: t.title,
    posts: t.posts.map((p) => ({
      id: p.id,
      author: { name: p.author.name, url: p.author.url },
      publishedAt: p.publishedAt,
      text: p.text,
      html: p.html,
      permalink: p.permalink,
      replyTo: p.replyTo,
      quotes: p.quotes,
      score: p.score,
      ...(p.accepted !== undefined ? { accepted: p.accepted } : {}),
    })),
    // Added fields (never renamed): which reader produced the posts, how sure it is and why, and
    // whether the file ended before its closing structure.
    ...(t.reader ? { reader: t.reader } : {}),
    ...(t.confidence ? { confidence: t.confidence } : {}),
    ...(t.truncated ? { truncated: true } : {}),
    ...(t.breadcrumbs?.length ? { breadcrumbs: t.breadcrumbs } : {}),
  };
}
