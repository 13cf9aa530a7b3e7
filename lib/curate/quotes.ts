import type { Post } from '../model/thread.ts';

/**
 * Quoted text and signatures are someone else's words (or boilerplate), so passages start without them;
 * restoring puts them back as Markdown: quotes as `>` blocks, the signature after the usual `-- ` line.
 */
export function withQuotesAndSignature(post: Post): string {
  const quotes = post.quotes.map((q) => {
    const who = q.author ? `${q.author} wrote:\n` : '';
    return `${who}${q.text}`.split('\n').map((l) => `> ${l}`.trimEnd()).join('\n');
  });
  const sig = post.signature?.trim() ? `-- \n${post.signature.trim()}` : '';
  return [...quotes, post.text, sig].filter((s) => s.trim()).join('\n\n');
}

/** True when the post has something to restore. */
export function hasStripped(post: Post): boolean {
  return post.quotes.length > 0 || !!post.signature?.trim();
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * True when a passage is nothing but quoted material: `>` lines and the texts its posts quote. Such a
 * passage restates what someone else said and credits the wrong author.
 */
export function onlyQuotes(text: string, posts: Post[]): boolean {
  if (!text.trim()) return false;
  let rest = text
    .split('\n')
    .filter((l) => !/^\s*>/.test(l))
    .join('\n');
  rest = squash(rest);
  for (const q of posts.flatMap((p) => p.quotes)) {
    const qt = squash(q.text);
    if (qt) rest = rest.split(qt).join(' ');
    if (q.author) rest = rest.split(`${q.author} wrote:`).join(' ');
  }
  return !/[\p{L}\p{N}]/u.test(rest);
}
