import { describe, expect, it } from 'vitest';
import { keyAction, keyTarget, moveCursor, wrongTabMessage, type KeyInput } from '../../lib/curate/keys.ts';

const k = (key: string, o: Partial<KeyInput> = {}) => keyAction({ key, inField: false, inList: true, singleKeys: true, ...o });

describe('curate keyboard model', () => {
  it('maps j/k/q/a/s/n in the list of posts, and nothing else', () => {
    expect(['j', 'k', 'q', 'a', 's', 'n', 'c', 'x'].map((c) => k(c))).toEqual(['next-post', 'prev-post', 'question', 'answer', 'use', 'next-entry', 'consent', null]);
  });

  it('single keys do nothing outside the list of posts, while typing, with modifiers, or when switched off (WCAG 2.1.4)', () => {
    expect(k('q', { inList: false })).toBeNull();
    expect(k('q', { inField: true })).toBeNull();
    expect(k('a', { ctrlKey: true })).toBeNull();
    expect(k('j', { altKey: true })).toBeNull();
    expect(k('j', { singleKeys: false })).toBeNull();
  });

  it('Ctrl+Enter / Cmd+Enter submits from anywhere, even with single keys off; plain Enter never does', () => {
    expect(k('Enter', { ctrlKey: true, inField: true, inList: false })).toBe('submit');
    expect(k('Enter', { metaKey: true, singleKeys: false })).toBe('submit');
    expect(k('Enter')).toBeNull();
    expect(k('Enter', { ctrlKey: true, altKey: true })).toBeNull();
  });

  it('keys act on the focused post, else on the cursor', () => {
    expect(keyTarget(4, 0, 10)).toBe(4);
    expect(keyTarget(null, 3, 10)).toBe(3);
    // A cursor left from a longer thread is clamped to this one (never a post that does not exist).
    expect(keyTarget(null, 50, 10)).toBe(9);
    expect(keyTarget(12, 2, 10)).toBe(2);
    expect(keyTarget(null, 0, 0)).toBeNull();
  });

  it('j/k move from the acted-on post and stop at the ends', () => {
    expect(moveCursor(4, 1, 10)).toBe(5);
    expect(moveCursor(0, -1, 10)).toBe(0);
    expect(moveCursor(9, 1, 10)).toBe(9);
  });

  it('s in a Q&A, and q/a in a strategy, explain instead of switching the kind of entry', () => {
    expect(wrongTabMessage('use', 'qa')).toMatch(/Strategy tab/);
    expect(wrongTabMessage('question', 'strategy')).toMatch(/Q&A tab/);
    expect(wrongTabMessage('answer', 'strategy')).toMatch(/^a marks/);
    expect(wrongTabMessage('use', 'strategy')).toBeNull();
    expect(wrongTabMessage('question', 'qa')).toBeNull();
    expect(wrongTabMessage('next-post', 'qa')).toBeNull();
  });
});
