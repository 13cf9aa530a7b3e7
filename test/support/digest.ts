import { createHash } from 'node:crypto';

/**
 * First 12 hex characters of the sha256 of a string, normalised (NFC, whitespace runs as one space,
 * trimmed): expectation files name real chat and mail participants and quote their words only this way.
 */
export function digest(s: string): string {
  return createHash('sha256').update(s.normalize('NFC').replace(/\s+/g, ' ').trim()).digest('hex').slice(0, 12);
}
