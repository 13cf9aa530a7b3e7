import { describe, expect, it } from 'vitest';
import { mergePages } from '../../lib/extract/merge.ts';
import { extractCorpus } from '../support/extract.ts';

describe('mergePages', () => {
  it('joins the pages of an askbot question in order and keeps the shared question post once', () => {
    const p1 = extractCorpus('askbot/ask.openstack-24396-page1.html', 'https://ask.openstack.org/en/question/24396/');
    const p2 = extractCorpus('askbot/ask.openstack-24396-page2.html', 'https://ask.openstack.org/en/question/24396/?page=2');
    const merged = mergePages([p1, p2]);
    const ids = merged.posts.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const shared = p1.posts.filter((p) => p2.posts.some((q) => q.id === p.id)).length;
    expect(shared).toBeGreaterThan(0);
    expect(merged.posts).toHaveLength(p1.posts.length + p2.posts.length - shared);
    expect(ids.slice(0, p1.posts.length)).toEqual(p1.posts.map((p) => p.id));
    expect(merged.pagination?.pageCount).toBe(2);
  });

  it('refuses an empty list', () => {
    expect(() => mergePages([])).toThrow(/at least one page/);
  });
});
