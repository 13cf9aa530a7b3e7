import { describe, expect, it } from 'vitest';
import { contentHash } from '../../lib/curate/hash.ts';
import { contentHashSync } from '../../hub/content-hash.ts';

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
});
