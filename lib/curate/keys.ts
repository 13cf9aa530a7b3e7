/**
 * The curate view's keyboard. Single-letter keys act only while focus is in the list of posts (so they
 * never fire while the person is typing, or anywhere else on the page) and can be switched off in the
 * options (WCAG 2.1.4 Character Key Shortcuts). Ctrl+Enter (⌘+Enter) submits from anywhere.
 */
export type KeyAction = 'next-post' | 'prev-post' | 'question' | 'answer' | 'use' | 'next-entry' | 'consent' | 'submit';

export const KEY_HELP: [string, string][] = [
  ['j / k', 'next / previous post'],
  ['q', 'mark the focused post as the question (Q&A)'],
  ['a', 'mark the focused post as an answer (Q&A)'],
  ['s', 'use the focused post in the strategy (Strategy tab)'],
  ['n', 'start the next entry (can be undone)'],
  ['c', 'go to the consent statement (Space ticks it)'],
  ['Ctrl+Enter', 'submit, or say what is missing'],
];

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** The key went to an input, textarea, select or editable element. */
  inField: boolean;
  /** Focus is inside the list of posts. */
  inList: boolean;
  /** The user's setting: single-key shortcuts on (default) or off. */
  singleKeys: boolean;
}

const SINGLE: Record<string, KeyAction> = { j: 'next-post', k: 'prev-post', q: 'question', a: 'answer', s: 'use', n: 'next-entry', c: 'consent' };

export function keyAction(e: KeyInput): KeyAction | null {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey) return 'submit';
  if (!e.singleKeys || !e.inList || e.inField || e.ctrlKey || e.metaKey || e.altKey) return null;
  return SINGLE[e.key] ?? null;
}

/** The post a key acts on: the one holding focus when there is one, else the cursor's. */
export function keyTarget(focusedIndex: number | null, cursor: number, length: number): number | null {
  if (length === 0) return null;
  if (focusedIndex !== null && focusedIndex >= 0 && focusedIndex < length) return focusedIndex;
  return Math.max(0, Math.min(length - 1, cursor));
}

/** j/k from the post a key acts on, clamped to the list. */
export function moveCursor(from: number, delta: number, length: number): number {
  return Math.max(0, Math.min(length - 1, from + delta));
}

/**
 * A marking key that does not fit the active tab does nothing and says so: `s` never switches a Q&A
 * into a strategy (that lost the Q&A choice silently), nor `q`/`a` a strategy into a Q&A.
 */
export function wrongTabMessage(action: KeyAction, kind: 'qa' | 'strategy'): string | null {
  if (kind === 'qa' && action === 'use') return 's uses a post in a strategy. Nothing changed: switch to the Strategy tab first to build one.';
  if (kind === 'strategy' && (action === 'question' || action === 'answer')) return `${action === 'question' ? 'q' : 'a'} marks a Q&A post. Nothing changed: switch to the Q&A tab first.`;
  return null;
}
