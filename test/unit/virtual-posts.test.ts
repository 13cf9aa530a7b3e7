import { describe, expect, it } from 'vitest';
import { rangeAt, slots } from '../../components/useVirtualPosts.ts';

describe('virtual post list: range and gaps', () => {
  const heights = Float64Array.from({ length: 1000 }, (_, i) => (i < 10 ? 50 + i : 0)); // 10 measured, the rest unknown

  it('finds the posts that meet a band of pixels, measured heights first, the mean for the rest', () => {
    // Posts 0..9 are 50..59 px (545 px in all); then 100 px each.
    expect(rangeAt(1000, 0, 100, heights, 100)).toEqual([0, 2]);
    expect(rangeAt(1000, 545, 745, heights, 100)).toEqual([10, 12]);
    expect(rangeAt(1000, 600, 601, heights, 100)).toEqual([10, 11]);
    // Past the end: the last post, never an empty or inverted range.
    expect(rangeAt(1000, 1e9, 1e9 + 10, heights, 100)).toEqual([999, 1000]);
    expect(rangeAt(0, 0, 100, [], 100)).toEqual([0, 0]);
    expect(rangeAt(5, -800, 50, [10, 10, 10, 10, 10], 10)).toEqual([0, 5]);
  });

  it('draws the range and the cursor, with gaps that add up to the whole list', () => {
    const s = slots(1000, 100, 110, 3, heights, 100);
    expect(s.filter((x) => x.kind === 'post').map((x) => x.from)).toEqual([3, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    const gaps = s.filter((x) => x.kind === 'gap');
    expect(gaps.map((g) => [g.from, g.to])).toEqual([
      [0, 3],
      [4, 100],
      [110, 1000],
    ]);
    expect(gaps[0]!.height).toBe(50 + 51 + 52);
    const total = s.reduce((a, x) => a + x.height, 0);
    expect(total).toBe(545 + 990 * 100);
    // The cursor inside the range is drawn once; a range at the end leaves no empty gap.
    const end = slots(20, 15, 20, 17, new Float64Array(20), 30);
    expect(end.map((x) => `${x.kind}${x.from}`)).toEqual(['gap0', 'post15', 'post16', 'post17', 'post18', 'post19']);
  });
});
