import { z } from 'zod';
import { Author } from './thread.ts';
import { Attestation } from './attestation.ts';

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
