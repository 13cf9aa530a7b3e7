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

/**
 * lib/curate/hash.ts's sha256Hex (SHA-256 of the UTF-8 text, hex), synchronously: for the evidence hashes
 * (rules pages, permission posts), where Web Crypto cost about 0.2 ms per submission under hub-load.
 */
export function sha256HexSync(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
