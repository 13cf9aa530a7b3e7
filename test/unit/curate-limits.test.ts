import { describe, expect, it } from 'vitest';
import { discourseThread, qaEntry } from '../support/entries.ts';
import { HUB_LIMITS } from '../../lib/model/limits.ts';

describe('the curate view checks the hub limits before building an entry', () => {
  it('refuses an entry whose attribution is over the hub limit, naming the field and the bound', async () => {
    const thread = discourseThread();
    // Every source's attribution line repeats the thread title: a long one takes the text over 20,000 characters.
    const long = { ...thread, title: `${thread.title} ${'very long title '.repeat(700)}`.slice(0, 11_000) };
    const err = await qaEntry(long, { title: 'A short entry title' }).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(err).toMatch(new RegExp(`attribution\\.text is \\d+ characters long; the hub accepts at most ${HUB_LIMITS.attributionChars}`));
  });

  it('builds the same thread with an ordinary title', async () => {
    const e = await qaEntry(discourseThread());
    expect(e.attribution.text.length).toBeLessThan(HUB_LIMITS.attributionChars);
  });
});
