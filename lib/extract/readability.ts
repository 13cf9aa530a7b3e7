import { Readability } from '@mozilla/readability';
import type { ThreadInput } from '../model/thread.ts';
import { canonicalUrl, cleanHtml, fragmentParser, textOf } from './dom.ts';
import type { ParseHtml } from './types.ts';

/**
 * Last resort, only when the user asks for it: the page's main article as a single post.
 * Readability mutates the document it reads, so it gets its own copy.
 */
export function readabilityThread(doc: Document, url: string, parseHtml: ParseHtml): ThreadInput | null {
  const copy = doc.cloneNode(true) as Document;
  const article = new Readability(copy).parse();
  if (!article?.content || !(article.textContent ?? '').trim()) return null;
  const body = fragmentParser(parseHtml)(article.content);
  const canonical = canonicalUrl(doc, url);
  return {
    platform: 'article',
    url: canonical,
    title: article.title ?? doc.title,
    posts: [
      {
        id: 'article',
        author: { name: article.byline?.trim() || article.siteName?.trim() || new URL(canonical).hostname, url: null },
        publishedAt: article.publishedTime ?? null,
        text: textOf(body),
        html: cleanHtml(body, canonical),
        permalink: canonical,
        replyTo: null,
      },
    ],
    extractor: 'readability',
  };
}
