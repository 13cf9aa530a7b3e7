import type { HubEntryState } from '../lib/model/submission.ts';

/**
 * Review moves a moderator may make from each state. Rejected, withdrawn and published are final; an
 * accepted entry can still be reconsidered until it is published.
 */
export const REVIEW_MOVES: Record<HubEntryState, readonly HubEntryState[]> = {
  received: ['in_review', 'accepted', 'needs_changes', 'rejected'],
  in_review: ['accepted', 'needs_changes', 'rejected'],
  needs_changes: ['in_review', 'rejected'],
  accepted: ['in_review', 'needs_changes', 'rejected'],
  rejected: [],
  withdrawn: [],
  published: [],
};

/** States from which the contributor may still take an entry back. */
export const WITHDRAWABLE: readonly HubEntryState[] = ['received', 'in_review', 'needs_changes', 'accepted'];

/**
 * Merging duplicates (hub/similar.ts): the entry folded away becomes `rejected` (final, as above) with a
 * recorded pointer to the one it went into. It may be folded while under review or accepted, not once
 * published (it is in a release); the entry that stays may gain sources in any live state, published
 * included (the next release carries them).
 */
export const MERGE_FROM: readonly HubEntryState[] = ['received', 'in_review', 'needs_changes', 'accepted'];
export const MERGE_INTO: readonly HubEntryState[] = ['received', 'in_review', 'needs_changes', 'accepted', 'published'];

/** States the moderation queue shows. */
export const QUEUE_STATES: HubEntryState[] = ['received', 'in_review'];

export const entryEtag = (revision: number) => `"r${revision}"`;

/** The revision an `If-Match` header names, or null when it names none (strong ETags only: `"r3"`). */
export function revisionFromIfMatch(header: string | undefined): number | null {
  const m = /^\s*"r(\d+)"\s*$/.exec(header ?? '');
  return m ? Number(m[1]) : null;
}
