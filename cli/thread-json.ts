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
    ...(t.truncated ? { truncated: true } : {}),
  };
}
