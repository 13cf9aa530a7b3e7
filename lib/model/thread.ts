import { z } from 'zod';

/** Where a post's author can be found; `url` is null when the page shows no profile link. */
export const Author = z.object({
  name: z.string().min(1),
  url: z.string().nullable(),
});
export type Author = z.infer<typeof Author>;

/** A block of someone else's words quoted inside a post: kept, but never counted as the post's own text. */
export const Quote = z.object({
  /** Id of the quoted post when the page links it, else null. */
  postId: z.string().nullable(),
  author: z.string().nullable(),
  text: z.string(),
});
export type Quote = z.infer<typeof Quote>;
export type QuoteInput = z.input<typeof Quote>;

export const Post = z.object({
  /** Stable id: the engine's own post id where it has one, so re-captures match. */
  id: z.string().min(1),
  author: Author,
  /** ISO 8601. With an offset when the page states its timezone; without one when the time is local to the page. */
  publishedAt: z.string().nullable(),
  /** The post's own words as plain text: quoted text and signature excluded. */
  text: z.string(),
  /** The post body as HTML, already sanitized: safe to store, still sanitized again before display. */
  html: z.string(),
  permalink: z.string().nullable(),
  /** Id of the post this one answers, when the page says so. */
  replyTo: z.string().nullable(),
  quotes: z.array(Quote).default([]),
  /** Votes or likes where the page shows them. */
  score: z.number().nullable().default(null),
  /** Accepted answer (Q&A sites). */
  accepted: z.boolean().optional(),
  signature: z.string().optional(),
});
export type Post = z.infer<typeof Post>;
export type PostInput = z.input<typeof Post>;

export const Platform = z.string().min(1);

/**
 * The source's machine-readable AI/TDM opt-out signals, checked at capture (`opt_out_check`): each is
 * true (opt-out found), false (checked, none) or null (could not be checked).
 */
export const OptOutCheck = z.object({
  blocked: z.boolean(),
  reasons: z.array(z.string()),
  notes: z.array(z.string()).default([]),
  checkedAt: z.string(),
  tdmrep: z.boolean().nullable(),
  robotsAi: z.boolean().nullable(),
  meta: z.boolean().nullable(),
});
export type OptOutCheck = z.infer<typeof OptOutCheck>;

export const Thread = z.object({
  schemaVersion: z.literal(1).default(1),
  platform: Platform,
  url: z.string(),
  title: z.string(),
  /** BCP-47 language the page declares (`<html lang>`), when it does. */
  language: z.string().optional(),
  capturedAt: z.string().optional(),
  posts: z.array(Post).min(1),
  /** Multi-page threads: what the adapter saw of the pagination. */
  pagination: z
    .object({
      page: z.number().int().positive(),
      pageCount: z.number().int().positive().nullable(),
      nextUrl: z.string().nullable(),
    })
    .optional(),
  /** Licence signals found on the page (rel=license, meta, JSON-LD). */
  licenseHints: z.array(z.object({ license: z.string(), evidence: z.string() })).optional(),
  /** How the thread was obtained: which adapter, and whether it was the fallback. */
  extractor: z.string().optional(),
  /**
   * Which reader produced the posts: an engine's adapter, the generic reader (structure shared by every
   * engine), or the article fallback (the page's main text as one post).
   */
  reader: z.enum(['adapter', 'generic', 'article']).optional(),
  /**
   * How sure extraction is of this reading (1 = no doubt found), with each doubt said in words a person can
   * act on ("Gleaner is not sure about the authors on this page").
   */
  confidence: z
    .object({
      score: z.number().min(0).max(1),
      reasons: z.array(z.object({ code: z.string(), message: z.string() })),
    })
    .optional(),
  /**
   * The file ended before its closing structure (a page without its end, an archive whose last message
   * was cut off): what is here is real and kept, but something after it is missing.
   */
  truncated: z.boolean().optional(),
  /**
   * Replies the source names but did not include (Reddit "load more" stubs): counted, never invented,
   * so a reader knows the thread is incomplete and by how much.
   */
  omitted: z.object({ count: z.number().int().nonnegative(), reason: z.string() }).optional(),
  /**
   * The forum's navigation trail above the thread, outermost first (Board index › Strategy games › Chess):
   * where the thread sits in its community, offered as the entry's hobby and subject.
   */
  breadcrumbs: z.array(z.object({ name: z.string().min(1).max(200), url: z.string().nullable() })).max(12).optional(),
  optOut: OptOutCheck.optional(),
  /** The forum's terms page as read at capture (Discourse `/tos`), which decides its posts' licence. */
  terms: z.object({ url: z.string(), text: z.string().max(200_000) }).optional(),
});
export type Thread = z.infer<typeof Thread>;
export type ThreadInput = z.input<typeof Thread>;
