import { z } from 'zod';
import { HubEntryStatus, HubQueuePage, HubSimilarEntry } from './submission.ts';

/** Duplicates at the hub (hub/similar.ts): the lookup a contributor makes before submitting, and the moderators' merge. */

const text = (max: number) => z.string().max(max).refine((t) => !t.includes('\u0000') && t.isWellFormed(), 'contains a NUL character or a broken surrogate');

/** `POST /v1/similar`: the posts an entry draws on and its question (or a strategy's topic and start). */
export const HubSimilarRequest = z.object({
  sources: z.array(z.object({ url: text(2000).pipe(z.string().min(1)), threadUrl: text(2000).nullable().optional(), postId: text(200).nullable().optional() })).max(100).default([]),
  question: text(50_000).default(''),
  /** The entry being revised, which is not its own duplicate. */
  excludeId: text(200).nullable().optional(),
});
export type HubSimilarRequest = z.input<typeof HubSimilarRequest>;

export const HubSimilarList = z.object({ similar: z.array(HubSimilarEntry) });
export type HubSimilarList = z.infer<typeof HubSimilarList>;

/** `POST /v1/entries/{id}/merge`: fold entry {id} into `into`. */
export const HubMergeRequest = z.object({
  into: text(200).pipe(z.string().min(1)),
  /** The revision of `into` the moderator saw (its ETag's number): a change since is 412. */
  intoRevision: z.number().int().positive().optional(),
  comment: text(5000).nullable().optional(),
});

export const HubMergeResult = z.object({ entry: HubEntryStatus, into: HubEntryStatus });
export type HubMergeResult = z.infer<typeof HubMergeResult>;

/** `POST /v1/entries/{id}/similar/dismiss`: keep both; the pair is not flagged again. */
export const HubDismissRequest = z.object({ other: text(200).pipe(z.string().min(1)) });

/** `GET /v1/queue/{id}`: one entry as the queue shows it (moderators), whatever its state. */
export const HubQueueItem = HubQueuePage.shape.entries.element;
