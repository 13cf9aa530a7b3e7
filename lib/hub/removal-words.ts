import type { Submission } from '../model/submission.ts';

/**
 * How the dashboard names a submission's state. A withdrawn entry is either one the contributor took
 * back, or one the hub took out of the dataset (an author of a quoted post asked, or a moderator upheld
 * a report): the two read differently, and a removal says why in plain words.
 */
const STATE_WORDS: Record<string, string> = {
  ready: 'reviewed, waiting for “submit all”',
  queued: 'queued',
  sending: 'sending',
  held: 'needs your attention',
  received: 'received',
  in_review: 'in review',
  accepted: 'accepted',
  needs_changes: 'needs changes',
  rejected: 'rejected',
  published: 'published',
  withdrawn: 'withdrawn by you',
};

export const REMOVAL_WORDS: Record<NonNullable<Submission['removal']>['reason'], string> = {
  author_request:
    'An author whose posts this entry quotes asked on the hub that their posts be left out of the dataset. The entry leaves the next release; an entry without their posts can be made anew.',
  copyright: 'Someone reported that this entry infringes copyright, and a moderator of the hub agreed. The entry leaves the next release.',
  privacy: 'Someone reported that this entry exposes personal information, and a moderator of the hub agreed. The entry leaves the next release.',
  wrong_attribution: 'Someone reported that this entry names the wrong authors, and a moderator of the hub agreed. The entry leaves the next release.',
};

export interface StateView {
  /** Short words for the state column. */
  label: string;
  /** For a removal: why, in plain words, with the day. */
  removal: string | null;
  /** `removed` for a withdrawal the hub made, else the state itself (for styling and tests). */
  kind: string;
}

export function stateView(sub: Pick<Submission, 'state' | 'removal' | 'history'>): StateView {
  if (sub.state === 'withdrawn' && sub.removal) {
    return { label: 'removed from the dataset', removal: `${REMOVAL_WORDS[sub.removal.reason]} (Removed on ${sub.removal.at.slice(0, 10)}.)`, kind: 'removed' };
  }
  return { label: STATE_WORDS[sub.state] ?? sub.state, removal: null, kind: sub.state };
}

/** A history step's words: the last withdrawal step of a removed entry says it was the hub's. */
export function historyStateWords(state: string, removed: boolean): string {
  if (state === 'withdrawn') return removed ? 'removed from the dataset' : 'withdrawn by you';
  return STATE_WORDS[state] ?? state;
}
