/**
 * The curate view's keyboard: plain keys act on the post under the cursor, unless the person is typing
 * in a field; Ctrl+Enter (⌘+Enter) submits from anywhere.
 */
export type KeyAction = 'next-post' | 'prev-post' | 'question' | 'answer' | 'use' | 'next-entry' | 'submit';

export const KEY_HELP: [string, string][] = [
  ['j / k', 'next / previous post'],
  ['q', 'mark the post as the question'],
  ['a', 'mark the post as an answer'],
  ['s', 'use the post in the strategy'],
  ['n', 'start the next entry from this thread'],
  ['Ctrl+Enter', 'submit (when allowed)'],
];

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** The key went to an input, textarea, select or editable element. */
  inField: boolean;
}

export function keyAction(e: KeyInput): KeyAction | null {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) return 'submit';
  if (e.inField || e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case 'j':
      return 'next-post';
    case 'k':
      return 'prev-post';
    case 'q':
      return 'question';
    case 'a':
      return 'answer';
    case 's':
      return 'use';
    case 'n':
      return 'next-entry';
    default:
      return null;
  }
}
