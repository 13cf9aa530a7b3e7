import { z } from 'zod';
import { Entry } from './entry.ts';
import { EntryRemovalInfo } from './hub-consent.ts';

/** What a contributor sees: local states first, then the hub's review states. */
export const SubmissionState = z.enum([
  /** Reviewed and kept for a bulk submission the user starts from the dashboard. */
  'ready',
  'queued',
  'sending',
  'held',
  'received',
  'in_review',
  'accepted',
  'needs_changes',
  'rejected',
  'published',
  'withdrawn',
]);
export type SubmissionState = z.infer<typeof SubmissionState>;

export const HubEntryState = z.enum(['received', 'in_review', 'accepted', 'needs_changes', 'rejected', 'published', 'withdrawn']);
export type HubEntryState = z.infer<typeof HubEntryState>;

export const StateChange = z.object({ state: SubmissionState, at: z.string(), note: z.string().nullable().default(null) });
export type StateChange = z.infer<typeof StateChange>;

/** An entry on its way to (or tracked at) a hub: the outbox row. */
export const Submission = z.object({
  entryId: z.string(),
  hub: z.string(),
  idempotencyKey: z.string().min(8),
  state: SubmissionState,
  history: z.array(StateChange),
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: z.number().nullable(),
  /** Plain-words reason the last attempt failed, shown to the user. */
  lastError: z.string().nullable(),
  hubResponse: z.unknown().nullable(),
  reviewComment: z.string().nullable().default(null),
  updatedAt: z.string(),
  /** Set when the hub withdrew the entry itself: an author asked for removal, or a moderator upheld a report. */
  removal: EntryRemovalInfo.optional(),
});
export type Submission = z.infer<typeof Submission>;

// ---- Hub wire format ----

export const SubmissionRequest = z.object({ entries: z.array(Entry).min(1).max(100) });
export type SubmissionRequest = z.infer<typeof SubmissionRequest>;

export const EntryResult = z.object({
  entryId: z.string(),
  status: z.enum(['received', 'duplicate', 'invalid']),
  state: HubEntryState.nullable(),
  problem: z.string().nullable(),
});
export type EntryResult = z.infer<typeof EntryResult>;

export const SubmissionResponse = z.object({ submissionId: z.string(), results: z.array(EntryResult) });
export type SubmissionResponse = z.infer<typeof SubmissionResponse>;

export const HubEntryStatus = z.object({
  id: z.string(),
  kind: z.enum(['qa', 'strategy']),
  title: z.string(),
  state: HubEntryState,
  comment: z.string().nullable(),
  receivedAt: z.string(),
  updatedAt: z.string(),
  history: z.array(z.object({ state: HubEntryState, at: z.string(), comment: z.string().nullable() })),
  /** Bumped on every change (review, revision, withdrawal); the entry's ETag, sent back in `If-Match`. */
  revision: z.number().int().positive().optional(),
  /** Set when the contributor revised the entry after "needs changes": the version it replaced. */
  revisionOf: z.object({ revision: z.number().int().positive(), contentSha256: z.string() }).nullable().optional(),
  /** The dataset release that published it. */
  release: z.string().nullable().optional(),
  /** Set when the entry was removed from the releases: an author asked, or a moderator upheld a report. */
  removal: EntryRemovalInfo.optional(),
  /** A moderator folded this entry into that one (state rejected): its sources are credited there. */
  mergedInto: z.string().nullable().optional(),
});
export type HubEntryStatus = z.infer<typeof HubEntryStatus>;

export const HubEntryList = z.object({
  entries: z.array(HubEntryStatus),
  nextCursor: z.string().nullable(),
  /** Pass as `?since=` on the next poll to receive only entries that changed after this listing. */
  nextSince: z.string().optional(),
});
export type HubEntryList = z.infer<typeof HubEntryList>;

/** RFC 9457 problem details, with per-entry pointers. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;

/**
 * Another live entry that may be the same (hub/similar.ts): it draws on the same source posts, or its
 * question is near-identical. `score` is the estimated Jaccard similarity of the two questions (0–1).
 */
export const HubSimilarEntry = z.object({
  id: z.string(),
  title: z.string(),
  state: HubEntryState,
  reason: z.enum(['same_sources', 'similar_question']),
  score: z.number().min(0).max(1),
  /** How many of the asking entry's source posts the other entry names too. */
  sharedSources: z.number().int().nonnegative(),
});
export type HubSimilarEntry = z.infer<typeof HubSimilarEntry>;

/** A page of the moderators' review queue (`GET /v1/queue`): each entry's status, full record and submitter. */
export const HubQueuePage = z.object({
  entries: z.array(z.object({ status: HubEntryStatus, entry: Entry, contributor: z.string(), similar: z.array(HubSimilarEntry).optional() })),
  /** Pass as `?cursor=` for the next page; null on the last. */
  nextCursor: z.string().nullable(),
});
export type HubQueuePage = z.infer<typeof HubQueuePage>;

/** A review move (`POST /v1/entries/{id}/review`). */
export const HubReview = z.object({
  state: z.enum(['in_review', 'accepted', 'needs_changes', 'rejected']),
  comment: z.string().max(5000).nullable().optional(),
});

/** Pairing (`POST /v1/pair`): the code in, the token out. */
export const HubPairRequest = z.object({ code: z.string().min(4).max(40) });
export const HubPairResponse = z.object({ token: z.string(), contributor: z.object({ name: z.string(), role: z.enum(['contributor', 'moderator']) }) });
