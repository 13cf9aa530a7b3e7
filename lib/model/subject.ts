import { z } from 'zod';

/**
 * A slug: the part of a public address that names a hobby or a subject. Lowercase ASCII letters and
 * digits in hyphen-separated runs, so an address never needs escaping and two spellings of one slug
 * cannot exist.
 */
export const Slug = z
  .string()
  .min(1, 'is empty')
  .max(80, 'is longer than 80 characters')
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a slug: lowercase letters a–z and digits in runs joined by single hyphens, e.g. "terraforming-mars"');

const Name = z.string().trim().min(1, 'is empty').max(200, 'is longer than 200 characters').refine((t) => !/[\u0000-\u001f\u007f]/.test(t) && t.isWellFormed(), 'contains a control character or a broken surrogate');

/** BoardGameGeek's numeric thing id (the number in boardgamegeek.com/boardgame/ID/…). */
export const BggId = z.string().regex(/^[1-9][0-9]{0,9}$/, 'a BoardGameGeek id: the number in boardgamegeek.com/boardgame/ID');
/** A Wikidata item id. */
export const WikidataQid = z.string().regex(/^Q[1-9][0-9]{0,11}$/, 'a Wikidata item id such as Q12345');

export const ExternalIds = z.object({ bgg: BggId.nullable().default(null), wikidata: WikidataQid.nullable().default(null) });
export type ExternalIds = z.infer<typeof ExternalIds>;

/** Where an entry belongs: a subject (a game, a technique) within a hobby, by their slugs. */
export const SubjectRef = z.object({ hobby: Slug, slug: Slug });
export type SubjectRef = z.infer<typeof SubjectRef>;

export const Hobby = z.object({ slug: Slug, name: Name });
export type Hobby = z.infer<typeof Hobby>;

export const Subject = z.object({
  hobby: Slug,
  slug: Slug,
  name: Name,
  aliases: z.array(Name).max(50).default([]),
  externalIds: ExternalIds.default({ bgg: null, wikidata: null }),
  /** Bumped by every change; a rename or merge may name the version it was decided on. */
  version: z.number().int().positive(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Subject = z.infer<typeof Subject>;

/** Moderators: a new hobby. */
export const HobbyCreate = Hobby;
/** Moderators: a new subject within an existing hobby. */
export const SubjectCreate = z.object({
  hobby: Slug,
  slug: Slug,
  name: Name,
  aliases: z.array(Name).max(50).default([]),
  externalIds: ExternalIds.partial().default({}),
});
export type SubjectCreate = z.infer<typeof SubjectCreate>;

/** Moderators: a new name, slug (the old one then redirects), aliases or external ids. */
export const SubjectRename = z.object({
  name: Name.optional(),
  slug: Slug.optional(),
  aliases: z.array(Name).max(50).optional(),
  externalIds: ExternalIds.partial().optional(),
  /** The version the change was decided on: a subject changed since is refused (409) with the reason. */
  expectVersion: z.number().int().positive().optional(),
});
export type SubjectRename = z.infer<typeof SubjectRename>;

/** Moderators: fold this subject into `into` (same hobby); its slug redirects there for good. */
export const SubjectMerge = z.object({
  into: Slug,
  expectVersion: z.number().int().positive().optional(),
  expectIntoVersion: z.number().int().positive().optional(),
});
export type SubjectMerge = z.infer<typeof SubjectMerge>;

/**
 * Moderators: undo a merge or rename for one slug. `slug` must redirect to the subject being split; it
 * stops redirecting and becomes a subject of its own again with these names and ids, and the entries
 * filed under it are listed there. Names and ids it takes are dropped from the subject it leaves.
 */
export const SubjectSplit = z.object({
  slug: Slug,
  name: Name,
  aliases: z.array(Name).max(50).default([]),
  externalIds: ExternalIds.partial().default({}),
  expectVersion: z.number().int().positive().optional(),
});
export type SubjectSplit = z.infer<typeof SubjectSplit>;

export const HobbySummary = Hobby.extend({ subjects: z.number().int().nonnegative(), entries: z.number().int().nonnegative() });
export type HobbySummary = z.infer<typeof HobbySummary>;
export const SubjectSummary = Subject.extend({ entries: z.number().int().nonnegative() });
export type SubjectSummary = z.infer<typeof SubjectSummary>;

/** At most this many entries move in one call: one page of a subject's listing and then some. */
export const MOVE_MAX_ENTRIES = 100;

/**
 * Moderators: move chosen entries listed under this subject (directly or under a slug redirecting to it)
 * to another subject of the same hobby, `into`, or to a new one, `create`, made in the same call. Each
 * entry's `subject` is rewritten; its text, sources and state stay. `expectVersion` and
 * `expectIntoVersion` name the versions the choice was made on: a subject changed since is refused (409).
 */
export const SubjectMoveEntries = z
  .object({
    entries: z
      .array(z.string().min(1, 'is empty').max(200, 'is longer than 200 characters'))
      .min(1, 'names no entry')
      .max(MOVE_MAX_ENTRIES, `names more than ${MOVE_MAX_ENTRIES} entries; move them in several calls`)
      .refine((ids) => new Set(ids).size === ids.length, 'names an entry twice'),
    into: Slug.optional(),
    create: SubjectCreate.omit({ hobby: true }).optional(),
    expectVersion: z.number().int().positive().optional(),
    expectIntoVersion: z.number().int().positive().optional(),
  })
  .superRefine((m, ctx) => {
    if ((m.into === undefined) === (m.create === undefined)) ctx.addIssue({ code: 'custom', path: ['into'], message: 'name either "into" (an existing subject) or "create" (a new one), not both or neither' });
    if (m.create && m.expectIntoVersion !== undefined) ctx.addIssue({ code: 'custom', path: ['expectIntoVersion'], message: 'goes with "into": a subject created by this call has no earlier version' });
  });
export type SubjectMoveEntries = z.infer<typeof SubjectMoveEntries>;

export const SubjectMoveResult = z.object({ from: Subject, into: Subject, moved: z.array(z.string()) });
export type SubjectMoveResult = z.infer<typeof SubjectMoveResult>;
