import type { EntrySummary } from './knowledge.ts';

/**
 * The two orders of a subject's entries. `newest`: when the entry became public, newest first. `cited`:
 * how many distinct source posts the entry draws on (its `sources`, counted by post id), most first, then
 * newest, then id descending. The source count is the one measure of standing the hub holds for every
 * entry on both backends alike: it is what the dataset cites, and a moderator folding a duplicate into an
 * entry adds the duplicate's sources to it (hub/similar.ts), so entries that many threads arrived at rank
 * higher. Both orders end on the entry id, so every position is unique and a keyset cursor is stable.
 */
export const SUBJECT_SORTS = ['newest', 'cited'] as const;
export type SubjectSort = (typeof SUBJECT_SORTS)[number];

export const isSubjectSort = (s: string): s is SubjectSort => (SUBJECT_SORTS as readonly string[]).includes(s);

/** Where the previous page ended: (listedAt, id) for newest, (cites, listedAt, id) for cited. */
export type OrderKey = { sort: 'newest'; at: string; id: string } | { sort: 'cited'; cites: number; at: string; id: string };

export function encodeOrderCursor(sort: SubjectSort, e: EntrySummary): string {
  const key = sort === 'cited' ? [e.cites, e.listedAt, e.id] : [e.listedAt, e.id];
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The position a cursor names in this order, or null when it is not a cursor of this order (a cursor of
 * the other order is refused rather than read as something it is not).
 */
export function decodeOrderCursor(sort: SubjectSort, c: string): OrderKey | null {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(v)) return null;
  if (sort === 'newest') return v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' ? { sort, at: v[0], id: v[1] } : null;
  return v.length === 3 && Number.isSafeInteger(v[0]) && v[0] >= 0 && typeof v[1] === 'string' && typeof v[2] === 'string' ? { sort, cites: v[0], at: v[1], id: v[2] } : null;
}

/** ORDER BY of an order over kb_entries' columns (`alias` prefixes each: "k." inside a branch, "" outside). */
export const orderBy = (sort: SubjectSort, alias = ''): string =>
  sort === 'cited' ? `${alias}cites DESC, ${alias}listed_at DESC, ${alias}entry_id DESC` : `${alias}listed_at DESC, ${alias}entry_id DESC`;

/** Rows after the cursor's position in the order, as a row-value comparison an index range can serve. */
export const afterKey = (sort: SubjectSort, p: { cites: string; at: string; id: string }): string =>
  sort === 'cited' ? `(k.cites, k.listed_at, k.entry_id) < (${p.cites}, ${p.at}, ${p.id})` : `(k.listed_at, k.entry_id) < (${p.at}, ${p.id})`;

/**
 * A subject's page is read per slug (its own and each slug redirecting to it): one branch each, reading at
 * most a page from its index range in order, and the branches' few rows merged. A single IN list over the
 * slugs would read and sort every entry of the subject. Past this many slugs the IN list is used.
 */
export const MAX_SLUG_BRANCHES = 64;
