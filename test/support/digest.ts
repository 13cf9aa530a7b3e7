import { createHash } from 'node:crypto';

/**
 * How tests and expectation files name chat participants and quote their words without writing them:
 * the first 12 hex characters of sha256 of the NFC-normalised, trimmed, whitespace-collapsed string.
 */
export function digest(s: string): string {
  return createHash('sha256').update(s.normalize('NFC').trim().replace(/\s+/g, ' ')).digest('hex').slice(0, 12);
}

/** The first words of a message, as expectation files digest them. */
export function firstWords(text: string, n = 5): string {
  return text.trim().split(/\s+/).slice(0, n).join(' ');
}
