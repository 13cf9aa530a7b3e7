import type { Thread } from '../model/thread.ts';
import type { Source } from '../model/entry.ts';
import { GRANT_CHOICES, sourceLicenseOf, type ConsentBasisId } from '../license/index.ts';
import { sourceFor, type QaDraft, type StrategyDraft } from './entry.ts';

/**
 * The curate view's state: plain data, saved as a draft on every change. Texts are keyed by post id so
 * the user's edits stay with the post they came from.
 */
export interface EditorState {
  kind: 'qa' | 'strategy';
  title: string;
  questionId: string | null;
  answerIds: string[];
  strategyIds: string[];
  texts: Record<string, string>;
  topic: string;
  tags: string;
  grant: string;
  basis: ConsentBasisId;
  agreed: boolean;
}

export function initialState(thread: Thread): EditorState {
  return {
    kind: 'qa',
    title: thread.title,
    questionId: null,
    answerIds: [],
    strategyIds: [],
    texts: {},
    topic: '',
    tags: '',
    grant: GRANT_CHOICES[0],
    basis: sourceLicenseOf(thread).license ? 'open_license' : 'author_opt_in',
    agreed: false,
  };
}

export type Role = 'question' | 'answer' | 'use';

export function roleOf(s: EditorState, postId: string): Role | null {
  if (s.kind === 'strategy') return s.strategyIds.includes(postId) ? 'use' : null;
  if (s.questionId === postId) return 'question';
  return s.answerIds.includes(postId) ? 'answer' : null;
}

/** Toggles a post's role; any change to what is chosen withdraws consent, which must be given for the final content. */
export function toggleRole(s: EditorState, postId: string, role: Role): EditorState {
  const next = { ...s, agreed: false };
  if (role === 'use') {
    next.strategyIds = s.strategyIds.includes(postId) ? s.strategyIds.filter((x) => x !== postId) : [...s.strategyIds, postId];
    return next;
  }
  next.answerIds = s.answerIds.filter((x) => x !== postId);
  if (role === 'question') next.questionId = s.questionId === postId ? null : postId;
  else {
    if (s.questionId === postId) next.questionId = null;
    if (!s.answerIds.includes(postId)) next.answerIds = [...next.answerIds, postId];
  }
  return next;
}

export function textFor(s: EditorState, thread: Thread, key: string): string {
  if (key in s.texts) return s.texts[key]!;
  if (key === 'strategy') return s.strategyIds.map((id) => thread.posts.find((p) => p.id === id)?.text ?? '').join('\n\n');
  return thread.posts.find((p) => p.id === key)?.text ?? '';
}

export function toDraft(s: EditorState, thread: Thread): QaDraft | StrategyDraft {
  if (s.kind === 'qa') {
    return {
      kind: 'qa',
      title: s.title,
      question: { text: s.questionId ? textFor(s, thread, s.questionId) : '', postIds: s.questionId ? [s.questionId] : [] },
      answers: s.answerIds.map((id) => ({ text: textFor(s, thread, id), postIds: [id] })),
    };
  }
  return {
    kind: 'strategy',
    title: s.title,
    topic: s.topic,
    tags: s.tags.split(',').map((t) => t.trim()).filter(Boolean),
    body: { text: textFor(s, thread, 'strategy'), postIds: s.strategyIds },
  };
}

/** Sources the entry would carry, for the attribution preview. */
export function previewSources(s: EditorState, thread: Thread): Source[] {
  const ids = s.kind === 'qa' ? [...(s.questionId ? [s.questionId] : []), ...s.answerIds] : s.strategyIds;
  return ids.flatMap((id) => {
    const p = thread.posts.find((x) => x.id === id);
    if (!p) return [];
    return [sourceFor(thread, p, s.kind === 'qa' ? (id === s.questionId ? 'question' : 'answer') : 'context')];
  });
}
