import { createHash } from 'node:crypto';

/**
 * Chat and mail archives hold real people's names and words, so expectation files store them only as
 * digests: the first 12 hex characters of SHA-256 of the whitespace-folded (NFC) string. Enough to tell a
 * right author or opening from a wrong one, not enough to publish anyone's words in the repository.
 */
export const fold = (s: string): string => s.normalize('NFC').replace(/\s+/g, ' ').trim();

export function digest(s: string): string {
  return createHash('sha256').update(fold(s), 'utf8').digest('hex').slice(0, 12);
}

/**
 * The first `n` words of a text, each reduced to its letters and digits: markup a reader renders
 * (`*bold*`, `@mention:`, quotes around a word, an apostrophe's shape) does not decide whether the
 * opening is the same one.
 */
export function firstWords(text: string, n = 4): string {
  const out: string[] = [];
  for (const token of fold(text).split(' ')) {
    const w = Array.from(token)
      .filter((c) => /[\p{L}\p{N}]/u.test(c))
      .join('');
    if (w) out.push(w);
    if (out.length === n) break;
  }
  return out.join(' ');
}
