import { createHash } from 'node:crypto';
import { normaliseForHash } from '../lib/curate/hash.ts';

/**
 * The entry's content hash as `lib/curate/hash.ts` computes it (same normalisation, SHA-256 of its
 * UTF-8 bytes), computed synchronously with node:crypto. Web Crypto's digest costs the hub a promise
 * job per entry, close to a millisecond each under load (CPU profile of `npm run bench -- hub-load`),
 * more than the schema check.
 */
export function contentHashSync(messages: { role: string; content: string }[]): string {
  return createHash('sha256').update(normaliseForHash(messages), 'utf8').digest('hex');
}
