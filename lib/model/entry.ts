import { z } from 'zod';
import { Author } from './thread.ts';
import { Attestation } from './attestation.ts';
import { SubjectRef } from './subject.ts';

export const ENTRY_SCHEMA_VERSION = 1;

/** An SPDX licence id or expression, e.g. `CC-BY-SA-4.0`. */
export const SpdxId = z.string().regex(/^[A-Za-z0-9.+\-() ]+$/, 'an SPDX licence identifier');

export const SourceRole = z.enum(['question', 'answer', 'context']);

/** One post an entry draws on, with everything attribution needs (TASL: title, author, source, licence). */
export const Source = z.object({
  url: z.string().min(1),
  threadUrl: z.string().min(1),
  platform: z.string().min(1),
  postId: z.string().min(1),
  title: z.string(),
  author: Author,
  postedAt: z.string().nullable(),
  license: SpdxId.nullable(),
  licenseEvidence: z.object({ url: z.string().nullable(), how: z.string() }).nullable(),
  role: SourceRole,
  /** The post's votes or likes as the page showed them at capture; absent where the page shows none. */
  score: z.number().finite().nullable().optional(),
  /** The thread marks this post as the accepted answer (Q&A sites). */
  accepted: z.boolean().optional(),
});
export type Source = z.infer<typeof Source>;

/** A passage of the entry and the posts it was written from, so attribution survives edits. */
export const Passage = z.object({
  text: z.string().min(1, 'has no text'),
  sourcePostIds: z.array(z.string()).min(1, 'names no source post'),
});
export type Passage = z.infer<typeof Passage>;

export const QaBody = z.object({
  question: Passage,
  answers: z.array(Passage.extend({ rank: z.number().int().positive() })).min(1, 'needs at least one answer'),
});
export type QaBody = z.infer<typeof QaBody>;

export const StrategyBody = z.object({
  topic: z.string().min(1),
  body: Passage,
  tags: z.array(z.string()).default([]),
  /** The body's parts, each with the post it was written from, so attribution stays exact after edits. */
  passages: z.array(Passage).optional(),
});
export type StrategyBody = z.infer<typeof StrategyBody>;

export const ConsentBasis = z.enum(['self', 'author_opt_in', 'moderator_attestation', 'open_license']);

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hash (64 lowercase hex characters)');

/** A post, as captured by Gleaner, in which an author grants permission to use their posts. */
export const PermissionPost = z.object({
  url: z.string().min(1),
  postId: z.string().min(1),
  /** The post's author as the page names them: must be the author the permission is for. */
  author: Author,
  /** The post's own words as captured, so the grant can be read without the forum. */
  text: z.string().min(1, 'has no text'),
  /** SHA-256 of `text`, so a later change to the record shows. */
  sha256: Sha256Hex,
  capturedAt: z.string().nullable(),
});
export type PermissionPost = z.infer<typeof PermissionPost>;

/** A grant an author made on the hub after proving their identity. Issued by the hub; not yet built. */
export const HubConsentGrant = z.object({
  hub: z.string().min(1),
  grantId: z.string().min(1),
  license: SpdxId,
  grantedAt: z.string().datetime({ offset: true }),
});
export type HubConsentGrant = z.infer<typeof HubConsentGrant>;

/** With basis author_opt_in: one author's permission, resting on their own post or on a hub grant. */
export const AuthorPermission = z
  .object({
    author: Author,
    post: PermissionPost.optional(),
    hubGrant: HubConsentGrant.optional(),
  })
  .refine((p) => !!p.post || !!p.hubGrant, { message: 'a permission needs the author\'s post or a hub grant', path: ['post'] });
export type AuthorPermission = z.infer<typeof AuthorPermission>;

/** A forum identity the hub checked: the page it fetched itself and the code it found there. Not yet built. */
export const IdentityProof = z.object({
  forum: z.string().min(1),
  name: z.string().min(1),
  profileUrl: z.string().nullable(),
  proofUrl: z.string().min(1),
  sha256: Sha256Hex,
  checkedAt: z.string().datetime({ offset: true }),
});
export type IdentityProof = z.infer<typeof IdentityProof>;

/** A receipt: what the contributor agreed to, word for word, and when. */
export const Consent = z.object({
  basis: ConsentBasis,
  license: SpdxId,
  statement: z.string().min(1),
  statementVersion: z.string().min(1),
  who: z.string().min(1),
  at: z.string().datetime({ offset: true }),
  /** With basis moderator_attestation: the attestation the entry rests on. */
  attestation: Attestation.optional(),
  /** With basis author_opt_in: one permission per author of the sources. Absent in older entries. */
  permissions: z.array(AuthorPermission).optional(),
  /**
   * With basis self: the proofs that the contributor is each source post's author. Empty until proven
   * identities exist: the receipt then rests on the contributor's word, and its statement says so.
   */
  identityProofs: z.array(IdentityProof).optional(),
});
export type Consent = z.infer<typeof Consent>;

export const Attribution = z.object({
  /** TASL line per source, joined; "modified" when the text was edited. */
  text: z.string().min(1),
  modified: z.boolean(),
});
export type Attribution = z.infer<typeof Attribution>;

export const ChatMessage = z.object({ role: z.enum(['user', 'assistant']), content: z.string() });

export const Capture = z.object({
  extensionVersion: z.string(),
  capturedAt: z.string(),
  extractor: z.string(),
  pageSha256: z.string().nullable(),
});

export const PiiReport = z.object({
  detectorVersion: z.string(),
  /** Redacted: typed placeholders in the submitted text, per type. */
  counts: z.record(z.string(), z.number().int().nonnegative()),
  /** Found but left in the text on the contributor's decision (emails, phones…), per type; absent in older entries. */
  kept: z.record(z.string(), z.number().int().nonnegative()).optional(),
});

const EntryBase = z.object({
  schemaVersion: z.literal(ENTRY_SCHEMA_VERSION),
  id: z.string().min(1),
  title: z.string().min(1, 'needs a title'),
  language: z.string().min(2),
  domain: z
    .object({ hobby: z.string().nullable(), subject: z.string().nullable(), externalIds: z.record(z.string(), z.string()).default({}) })
    .default({ hobby: null, subject: null, externalIds: {} }),
  /** The hub subject the entry belongs to (a game within board games…); absent in older entries, `domain` keeps the free text. */
  subject: SubjectRef.optional(),
  sources: z.array(Source).min(1, 'keeps no source'),
  license: SpdxId,
  /** Why the effective licence is what it is (ShareAlike versions, NC, attribution duties); absent in older entries. */
  licenseNotes: z.array(z.string()).optional(),
  /** Where `language` came from: detected in the text, the page's `<html lang>`, or set by the contributor. */
  languageSource: z.enum(['detected', 'page', 'manual']).optional(),
  attribution: Attribution,
  consent: Consent,
  messages: z.array(ChatMessage).min(1),
  pii: PiiReport.nullable().default(null),
  capture: Capture.nullable().default(null),
  contentSha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
});

export const QaEntry = EntryBase.extend({ kind: z.literal('qa'), qa: QaBody });
export const StrategyEntry = EntryBase.extend({ kind: z.literal('strategy'), strategy: StrategyBody });
export const Entry = z.discriminatedUnion('kind', [QaEntry, StrategyEntry]);
export type Entry = z.infer<typeof Entry>;
export type EntryInput = z.input<typeof Entry>;
