import { createHash } from 'node:crypto';

/**
 * How chat and mail participants' names and words appear in expectation files: the first 12 hex
 * characters of sha256 of the NFC-normalised string with whitespace runs as one space, trimmed — so
 * tests can check them without the repository holding real people's names or messages.
 */
export function digest(s: string): string {
  return createHash('sha256').update(s.normalize('NFC').replace(/\s+/g, ' ').trim(), 'utf8').digest('hex').slice(0, 12);
}

/** The first `n` words of a text, as the expectation files take a message's start. */
export function firstWords(s: string, n = 4): string {
  return s.split(/\s+/).filter(Boolean).slice(0, n).join(' ');
}
