import { describe, expect, it } from 'vitest';
import { contentHash, sha256Hex } from '../../lib/curate/hash.ts';
import { contentHashSync, sha256HexSync } from '../../hub/content-hash.ts';

describe('the hub computes the content hash the extension computes', () => {
  it('gives the same digest as Web Crypto for text that normalisation and UTF-8 treat differently', async () => {
    const cases = [
      [{ role: 'user', content: 'plain ASCII question?' }],
      // Decomposed é (NFC composes it), CRLF and CR newlines, trailing blanks, astral and combining characters.
      [{ role: 'user', content: 'cafe\u0301 \r\nline two  \rline three\t' }, { role: 'assistant', content: 'émoji 🧵 ZWJ 👩‍👩‍👧, ﬁ ligature, Ω' }],
      [{ role: 'assistant', content: '' }],
    ];
    for (const messages of cases) expect(contentHashSync(messages)).toBe(await contentHash(messages));
    // And it tells different contents apart.
    expect(contentHashSync(cases[0]!)).not.toBe(contentHashSync(cases[2]!));
  });

  it('hashes evidence text (rules pages, permission posts) to the digest Web Crypto gives', async () => {
    // A lone surrogate: TextEncoder and node:crypto must both write U+FFFD for it.
    const texts = ['', 'rules: be kind', 'Zoë 🧵 \r\n tabs\t', 'broken \ud800 half', 'x'.repeat(100_000)];
    for (const t of texts) expect(sha256HexSync(t)).toBe(await sha256Hex(t));
    expect(sha256HexSync('a')).not.toBe(sha256HexSync('b'));
  });
});
