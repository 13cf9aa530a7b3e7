import { z } from 'zod';

/**
 * The community's rules page as Gleaner read it when the job was created: its readable text (the first
 * RULES_TEXT_CHARS characters), the SHA-256 of exactly that text, and the passage that grants reuse, so
 * anyone can check later what the attestation rested on and whether the page has changed since.
 */
export const RULES_TEXT_CHARS = 50_000;
export const RulesPage = z.object({
  url: z.string().trim().url('the rules page needs a full https:// address'),
  /** The page's readable text, cut to RULES_TEXT_CHARS; the hub re-hashes it. */
  text: z.string().min(1, 'the rules page has no text').max(RULES_TEXT_CHARS),
  /** Whether the page was longer than what `text` keeps. */
  truncated: z.boolean(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hash (64 lowercase hex characters)'),
  /** The passage about reuse or licensing (a part of `text`), for a reader who will not read the whole page. */
  excerpt: z.string().min(1).max(1000),
  readAt: z.string().datetime({ offset: true }),
});
export type RulesPage = z.infer<typeof RulesPage>;

/**
 * A moderator's statement, recorded once per bulk job, that the community's terms let anyone reuse
 * members' posts under a licence: the basis for entries made from that community's archive.
 */
export const Attestation = z.object({
  community: z.string().trim().min(1, 'Name the community whose archive this is.'),
  /** The licence the community's terms grant, as an SPDX id or a short name (e.g. CC-BY-SA-4.0). */
  license: z.string().trim().min(1, 'Say which licence the community\'s terms grant.'),
  termsUrl: z.string().trim().url('Link to the community\'s terms (a full https:// address).'),
  role: z.string().trim().min(1, 'Say what your role in the community is (e.g. moderator, administrator).'),
  attestedAt: z.string(),
  /**
   * The terms page captured when the job was created. Absent in jobs made before it was captured; the hub
   * accepts no attestation without it.
   */
  rulesPage: RulesPage.optional(),
});
export type Attestation = z.infer<typeof Attestation>;
