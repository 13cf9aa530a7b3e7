import { describe, expect, it } from 'vitest';
import { mergeEntries } from '../../lib/curate/merge-entries.ts';
import { entryProblems } from '../../lib/license/entry-checks.ts';
import type { Entry } from '../../lib/model/entry.ts';
import { entryOn } from '../support/evidence.ts';
import { entry, FORUM, Q1, Q1_RETYPED } from '../support/similar-entries.ts';

const now = new Date();

/** An entry like `e` whose first source post is another post by another author (with that author's permission record, if any). */
function byAnotherAuthor(e: Entry): Entry {
  const zed = { name: 'Zed', url: 'https://meta.discourse.org/u/zed' };
  const first = e.sources[0]!;
  const url = `${first.threadUrl}/99`;
  return {
    ...e,
    sources: e.sources.map((s, i) => (i === 0 ? { ...s, author: zed, url, postId: '12483/99' } : s)),
    consent: {
      ...e.consent,
      permissions: e.consent.permissions?.map((p, i) => (i === 0 ? { ...p, author: zed, post: p.post && { ...p.post, author: zed, url, postId: '12483/99' } } : p)),
    },
  };
}

describe('folding one entry into another', () => {
  it('adds the posts it does not name yet, as context, with their attribution lines before "Modified"', async () => {
    const a = await entry(Q1, ['1', '2']);
    const into = { ...a, attribution: { text: `${a.attribution.text}\nModified: text edited and condensed for this entry.`, modified: true } };
    const from = await entry(Q1_RETYPED, ['2', '7']); // post 2 is already A's answer
    const r = mergeEntries(into, from);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.added.map((s) => [s.url, s.role])).toEqual([[`${FORUM}/7`, 'context']]);
    expect(r.entry.sources.map((s) => s.url)).toEqual([`${FORUM}/1`, `${FORUM}/2`, `${FORUM}/7`]);
    const lines = r.entry.attribution.text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain(`${FORUM}/7, licensed CC-BY-SA-4.0`);
    expect(lines[3]).toMatch(/^Modified: /);
    expect(r.entry).toMatchObject({ messages: into.messages, contentSha256: into.contentSha256, license: 'CC-BY-SA-4.0' });
    expect(entryProblems(r.entry, { now })).toEqual([]);
    // Nothing new: the same record back, with nothing added.
    const same = mergeEntries(r.entry, from);
    expect(same.ok && same.added).toEqual([]);
  });

  it('refuses posts that would change the licence the entry is published under', async () => {
    const into = await entry(Q1, ['1', '2'], { license: 'CC-BY-4.0' }); // BY posts under a BY-SA grant: BY-SA
    expect(into.license).toBe('CC-BY-SA-4.0');
    const from = await entry(Q1, ['5', '6'], { thread: 'https://nc.example/t/1', license: 'CC-BY-NC-SA-4.0' });
    const r = mergeEntries(into, from);
    expect(r).toEqual({ ok: false, problems: [{ field: 'license', message: expect.stringMatching(/would change the licence from CC-BY-SA-4\.0 to CC-BY-NC-SA-4\.0; keep both entries, or fold them the other way$/) }] });
  });

  it('keeps an entry resting on "I wrote every post" to posts by the same authors', async () => {
    const mine = await entryOn('self');
    const also = await entryOn('self');
    const reworded: Entry = { ...also, sources: also.sources.map((s) => ({ ...s, url: `${s.url}?reply=1`, postId: `${s.postId}-again` })) };
    expect(mergeEntries(mine, reworded).ok).toBe(true);
    const r = mergeEntries(mine, byAnotherAuthor(also));
    expect(r).toEqual({ ok: false, problems: [{ field: 'sources', message: expect.stringMatching(/^the entry rests on its contributor's word that they wrote every post, and post 12483\/99 by Zed .* is by someone else/) }] });
  });

  it('takes the other entry\'s permission records along under author opt-in, and only those', async () => {
    const into = await entryOn('author_opt_in');
    const from = byAnotherAuthor(await entryOn('author_opt_in'));
    const r = mergeEntries(into, from);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.entry.consent.permissions!.map((p) => p.author.name)).toEqual([...into.consent.permissions!.map((p) => p.author.name), 'Zed']);
    expect(entryProblems(r.entry, { now })).toEqual([]);
    // An entry on another basis brings no permission: the hub's checks then name the author without one.
    const { permissions: _, ...consent } = from.consent;
    const open = mergeEntries(into, { ...from, consent: { ...consent, basis: 'open_license' } });
    expect(open.ok).toBe(true);
    if (!open.ok) return;
    expect(entryProblems(open.entry, { now }).map((p) => [p.field, p.message])).toEqual([['consent.permissions', expect.stringContaining('Zed')]]);
  });
});
