import type { Entry } from '../lib/model/entry.ts';
import type { HubEntryState } from '../lib/model/submission.ts';
import type { Hobby, HobbySummary, Subject, SubjectCreate, SubjectMerge, SubjectMoveEntries, SubjectRename, SubjectSplit, SubjectSummary } from '../lib/model/subject.ts';
import type { Awaitable, HubStore } from './store.ts';
import type { SubjectSort } from './subject-order.ts';

/**
 * The hub as a knowledge base: hobbies, their subjects, and the accepted entries filed under them, with
 * full-text search. A module of its own beside the HubStore, over the same database handle, with its
 * own migrations (`kb_schema`), so it never renumbers the store's. Entries reach its index through
 * database triggers on `entries`: whatever path moves an entry (review, publish, revision), the public
 * index follows in the same transaction.
 */

/** Only these states are public. */
export const PUBLIC_STATES: readonly HubEntryState[] = ['accepted', 'published'];

export type KbResult<T> = { ok: true; value: T } | { ok: false; status: 404 | 409 | 422; reason: string };

export type Resolved = { subject: Subject } | { redirect: string } | null;

export interface EntrySummary {
  id: string;
  kind: 'qa' | 'strategy';
  title: string;
  language: string;
  hobby: string | null;
  subject: string | null;
  /** When the entry became public (accepted). */
  listedAt: string;
  /** Distinct source posts the entry draws on: the `cited` order (hub/subject-order.ts). */
  cites: number;
}

export interface MoveOutcome {
  from: Subject;
  into: Subject;
  moved: string[];
  /** `into` was created by the move. */
  created: boolean;
}

export interface EntryPageQuery {
  limit: number;
  /** nextCursor of the previous page (of the same order). */
  cursor?: string | null;
  /** Newest first (the default) or most cited first. */
  sort?: SubjectSort;
}

export interface SearchQuery {
  terms: string[];
  hobby?: string | null;
  subject?: string | null;
  kind?: 'qa' | 'strategy' | null;
  language?: string | null;
  limit: number;
  offset: number;
}

export interface SearchHit extends EntrySummary {
  /** Every term is in the title: such hits come first. */
  titleMatch: boolean;
}

export interface RevisionInfo {
  revision: number;
  at: string;
  contentSha256: string;
  record: Entry;
}

export interface KnowledgeStore {
  createHobby(h: Hobby, now?: Date): Awaitable<KbResult<Hobby>>;
  hobbies(): Awaitable<HobbySummary[]>;
  hobby(slug: string): Awaitable<Hobby | null>;
  createSubject(s: SubjectCreate, now?: Date): Awaitable<KbResult<Subject>>;
  /** A hobby's subjects by name, each with its count of public entries (merged subjects' entries included). */
  subjects(hobby: string): Awaitable<SubjectSummary[]>;
  /** The subject at this slug, or where a renamed or merged slug now points. */
  resolveSubject(hobby: string, slug: string): Awaitable<Resolved>;
  renameSubject(hobby: string, slug: string, change: SubjectRename, now?: Date): Awaitable<KbResult<Subject>>;
  mergeSubject(hobby: string, slug: string, merge: SubjectMerge, now?: Date): Awaitable<KbResult<Subject>>;
  /** A slug redirecting to this subject becomes a subject again (see SubjectSplit); answers the new subject. */
  splitSubject(hobby: string, slug: string, split: SubjectSplit, now?: Date): Awaitable<KbResult<Subject>>;
  /**
   * Moves chosen entries listed under a subject to another subject of the hobby, or to one created in the
   * same call (hub/subject-move.ts); both subjects' versions are bumped. All or nothing.
   */
  moveEntries(hobby: string, slug: string, move: SubjectMoveEntries, now?: Date): Awaitable<KbResult<MoveOutcome>>;
  /** Subjects whose name, alias or slug contains `key` (a matchKey), name prefixes first. */
  autocomplete(key: string, hobby: string | null, limit: number): Awaitable<Subject[]>;
  /** Public entries of a subject (and of the slugs redirecting to it), newest or most cited first. */
  subjectEntries(hobby: string, slug: string, page: EntryPageQuery): Awaitable<{ entries: EntrySummary[]; nextCursor: string | null }>;
  /** Earlier versions of an entry, oldest first. */
  revisions(id: string): Awaitable<RevisionInfo[]>;
  search(q: SearchQuery): Awaitable<SearchHit[]>;
  /**
   * Entries that draw on a source post this one draws on, or whose question (strategy: topic and body)
   * is near-identical; null when there is no such entry. Entries submitted or revised since the last call
   * are indexed first (a trigger queues them in the writer's transaction, so none is missed).
   */
}

/**
 * The text subjects are matched on: compatibility-decomposed, marks removed, lowercased, spaces
 * collapsed, so "Échecs", "echecs" and "ＥＣＨＥＣＳ" meet. Computed here, not in SQL, because SQLite's
 * lower() knows only ASCII.
 */
export function matchKey(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Escapes LIKE's wildcards (with `\` as the ESCAPE character) so typed text only ever matches itself. */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Bounds on a search: characters read of the query, words kept, characters per word. */
export const SEARCH_LIMITS = { queryChars: 200, terms: 8, termChars: 64 } as const;

/**
 * A search query as words: runs of letters and digits (any script), lowercased, first few kept. Every
 * other character separates words, so neither FTS5's query syntax (quotes, `*`, `NEAR`, `:`, `^`) nor
 * tsquery's (`&`, `|`, `!`, `<->`) can be written by a searcher; each word is then quoted by the store.
 * Words are matched whole on both backends (no stemming: entries come in many languages).
 */
export function searchTerms(q: string): string[] {
  let head = q.slice(0, SEARCH_LIMITS.queryChars);
  // A word the limit cuts in two is left out rather than searched for as a fragment.
  if (q.length > head.length && /^[\p{L}\p{N}]/u.test(q.slice(head.length))) head = head.replace(/[\p{L}\p{N}]+$/u, '');
  const words = head.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.map((w) => w.slice(0, SEARCH_LIMITS.termChars)))].slice(0, SEARCH_LIMITS.terms);
}

/**
 * One page of search results in the public order (every word in the title first, then newest, then id
 * descending) from two bounded reads: `part(true, n, o)` gives title hits, `part(false, n, o)` the other
 * matches, each newest first. The second is read only when the title hits end before the page does.
 */
export async function pagedByTitle(q: Pick<SearchQuery, 'limit' | 'offset'>, part: (title: boolean, limit: number, offset: number) => Awaitable<SearchHit[]>): Promise<SearchHit[]> {
  const end = q.offset + q.limit;
  const titled = await part(true, end, 0);
  if (titled.length >= end) return titled.slice(q.offset, end);
  const skip = Math.max(0, q.offset - titled.length);
  return [...titled.slice(q.offset), ...(await part(false, end - titled.length - skip, skip))];
}

/**
 * A merge of subject `slug` into `merge.into` as both stores decide it: either subject missing (404), a
 * version the moderator read that has moved on (409), or `into` as it ends up.
 */
export function planMerge(hobby: string, slug: string, merge: SubjectMerge, from: Subject | null, into: Subject | null): KbResult<Subject> {
  if (!from) return { ok: false, status: 404, reason: `No subject "${slug}" in "${hobby}".` };
  if (!into) return { ok: false, status: 404, reason: `No subject "${merge.into}" in "${hobby}" to merge into.` };
  if (merge.expectVersion !== undefined && merge.expectVersion !== from.version)
    return { ok: false, status: 409, reason: `"${slug}" changed since you read it (version ${merge.expectVersion}, now ${from.version}). Read it again before merging.` };
  if (merge.expectIntoVersion !== undefined && merge.expectIntoVersion !== into.version)
    return { ok: false, status: 409, reason: `"${merge.into}" changed since you read it (version ${merge.expectIntoVersion}, now ${into.version}). Read it again before merging.` };
  const fields = mergedFields(from, into);
  return fields.ok ? { ok: true, value: { ...into, ...fields.value } } : fields;
}

/** Merges `from`'s names and ids into `into`: `into` keeps its own, gains what it lacks. */
export function mergedFields(from: Subject, into: Subject): KbResult<Pick<Subject, 'aliases' | 'externalIds'>> {
  for (const k of ['bgg', 'wikidata'] as const) {
    const a = from.externalIds[k];
    const b = into.externalIds[k];
    if (a && b && a !== b)
      return { ok: false, status: 409, reason: `"${from.slug}" and "${into.slug}" carry different ${k === 'bgg' ? 'BoardGameGeek ids' : 'Wikidata ids'} (${a} and ${b}): they name different things. Correct the wrong id first, then merge.` };
  }
  const seen = new Set([matchKey(into.name)]);
  const aliases: string[] = [];
  for (const a of [...into.aliases, from.name, ...from.aliases]) {
    const k = matchKey(a);
    if (!seen.has(k)) (seen.add(k), aliases.push(a));
  }
  return {
    ok: true,
    value: { aliases: aliases.slice(0, 50), externalIds: { bgg: into.externalIds.bgg ?? from.externalIds.bgg, wikidata: into.externalIds.wikidata ?? from.externalIds.wikidata } },
  };
}

const stores = new WeakMap<HubStore, Promise<KnowledgeStore>>();

/** The knowledge store over a hub store's own database handle (one per store, migrated on first use). */
export function knowledgeFor(store: HubStore): Promise<KnowledgeStore> {
  let k = stores.get(store);
  if (!k) {
    k = (async (): Promise<KnowledgeStore> => {
      if (store.backend === 'sqlite') {
        const { SqliteKnowledge } = await import('./knowledge-sqlite.ts');
        return new SqliteKnowledge((store as unknown as { db: import('better-sqlite3').Database }).db);
      }
      const { PostgresKnowledge } = await import('./knowledge-postgres.ts');
      return PostgresKnowledge.open((store as unknown as { pool: import('pg').Pool }).pool);
    })();
    stores.set(store, k);
    // A failed migration is not cached: the next request tries again and reports its own error.
    k.catch(() => stores.delete(store));
  }
  return k;
}
