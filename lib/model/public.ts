import { z } from 'zod';
import { Attestation } from './attestation.ts';
import { Attribution, ChatMessage, ConsentBasis, HubConsentGrant, IdentityProof, PermissionPost, Source, SpdxId } from './entry.ts';
import { HubEntryState } from './submission.ts';
import { Author } from './thread.ts';
import { HobbySummary, Subject, SubjectRef, SubjectSummary } from './subject.ts';

/**
 * What anyone may read of the hub without a token (`GET /v1/public/…` and the HTML pages): accepted and
 * published entries only, each as its dataset row (provenance and the consent receipt, never the
 * contributor's identity) plus its public review history.
 */
export const PublicRecord = z.object({
  id: z.string(),
  kind: z.enum(['qa', 'strategy']),
  title: z.string(),
  language: z.string(),
  license: SpdxId,
  messages: z.array(ChatMessage),
  question: z.string().optional(),
  answers: z.array(z.object({ rank: z.number().int(), text: z.string() })).optional(),
  topic: z.string().optional(),
  body: z.string().optional(),
  tags: z.array(z.string()).optional(),
  domain: z.object({ hobby: z.string().nullable(), subject: z.string().nullable() }),
  sources: z.array(Source),
  attribution: Attribution,
  consent: z.object({
    basis: ConsentBasis,
    license: SpdxId,
    statement: z.string(),
    statementVersion: z.string(),
    at: z.string(),
    attestation: Attestation.pick({ community: true, license: true, termsUrl: true, role: true, attestedAt: true }).nullable(),
    permissions: z.array(z.object({ author: Author, post: PermissionPost.nullable(), hubGrant: HubConsentGrant.nullable() })),
    identityProofs: z.array(IdentityProof),
  }),
  contentSha256: z.string(),
  createdAt: z.string(),
});
export type PublicRecord = z.infer<typeof PublicRecord>;

/** A passage and the posts it was written from (ids into `sources`), in reading order. */
export const PublicPassage = z.object({ role: z.enum(['question', 'answer', 'topic', 'body']), rank: z.number().int().nullable(), text: z.string(), sourcePostIds: z.array(z.string()) });
export type PublicPassage = z.infer<typeof PublicPassage>;

export const PublicEntrySummary = z.object({
  id: z.string(),
  kind: z.enum(['qa', 'strategy']),
  title: z.string(),
  language: z.string(),
  hobby: z.string().nullable(),
  subject: z.string().nullable(),
  /** When it became public (accepted). */
  listedAt: z.string(),
  /** Distinct source posts it draws on: what `sort=cited` orders by. */
  cites: z.number().int().nonnegative().optional(),
});
export type PublicEntrySummary = z.infer<typeof PublicEntrySummary>;

export const PublicEntry = z.object({
  entry: PublicRecord,
  passages: z.array(PublicPassage),
  /** The subject the entry is filed under, after renames and merges; null when it names none the hub has. */
  subject: Subject.nullable(),
  state: HubEntryState,
  release: z.string().nullable(),
  /** Review states and their times (moderators' comments stay private). */
  history: z.array(z.object({ state: HubEntryState, at: z.string() })),
  /** Earlier versions the contributor replaced, oldest first. */
  revisions: z.array(z.object({ revision: z.number().int(), at: z.string(), contentSha256: z.string(), title: z.string(), /** Its title and passages, as one text. */ text: z.string() })),
  /** Where to tell the moderators something is wrong with this entry. */
  reportUrl: z.string(),
});
export type PublicEntry = z.infer<typeof PublicEntry>;

export const PublicHobbyList = z.object({ hobbies: z.array(HobbySummary) });
export const PublicHobbyPage = z.object({ hobby: HobbySummary.pick({ slug: true, name: true }), subjects: z.array(SubjectSummary) });
export const PublicSubjectPage = z.object({
  subject: Subject,
  /** The order of `entries`: newest first, or most cited first (then newest, then id). */
  sort: z.enum(['newest', 'cited']).optional(),
  entries: z.array(PublicEntrySummary),
  /** Pass as `?cursor=` (with the same `sort`) for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export const PublicSubjectMatches = z.object({ subjects: z.array(Subject) });
export const PublicSearchPage = z.object({
  /** The words searched for, as the hub read them (letters and digits; at most 8). */
  terms: z.array(z.string()),
  results: z.array(PublicEntrySummary.extend({ titleMatch: z.boolean() })),
  /** Pass as `?offset=` for the next results; null when there are no more. */
  nextOffset: z.number().int().nullable(),
});
export const PublicSubjectRef = SubjectRef;
