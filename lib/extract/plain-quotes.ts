import type { QuoteInput } from '../model/thread.ts';

/**
 * Plain-text quoting, where a site has no quote markup (Hacker News, mail archives, plain forums): a
 * line starting with ">" quotes someone. Those lines are quotes (whose, the page does not say) and left
 * out of the post's own words.
 */
export function plainTextQuotes(text: string): { text: string; quotes: QuoteInput[] } {
  const own: string[] = [];
  const quotes: QuoteInput[] = [];
  let open = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('>')) {
      const q = line.replace(/^>+\s?/, '');
      if (open && quotes.length) quotes[quotes.length - 1]!.text += `\n${q}`;
      else quotes.push({ postId: null, author: null, text: q });
      open = true;
    } else {
      if (line.trim()) open = false;
      own.push(line);
    }
  }
  return { text: own.join('\n').replace(/\n{3,}/g, '\n\n').trim(), quotes };
}
