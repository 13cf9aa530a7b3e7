import { describe, expect, it } from 'vitest';
import { remembered } from '../../lib/remembered.ts';

describe('remembered', () => {
  it('answers as the function does, working each value out once, falsy answers included', () => {
    const calls: string[] = [];
    const f = remembered((v: string) => (calls.push(v), v === 'none' ? undefined : v === 'null' ? null : v.length), 10);
    for (const v of ['abc', 'none', 'null', '', 'abc', 'none', 'null', '']) f(v);
    expect(['abc', 'none', 'null', ''].map(f)).toEqual([3, undefined, null, 0]);
    expect(calls).toEqual(['abc', 'none', 'null', '']);
  });

  it('holds at most its bound, then starts again with the same answers', () => {
    const calls: string[] = [];
    const f = remembered((v: string) => (calls.push(v), v.toUpperCase()), 3);
    for (const v of ['a', 'b', 'c']) f(v);
    expect(f('a')).toBe('A');
    expect(calls).toHaveLength(3);
    // A fourth value empties the memory: 'a' is worked out again, with the same answer.
    expect(f('d')).toBe('D');
    expect(f('a')).toBe('A');
    expect(calls).toEqual(['a', 'b', 'c', 'd', 'a']);
  });
});
