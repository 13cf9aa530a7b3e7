import { readdirSync, readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Thread } from '../../lib/model/thread.ts';
import { ExtractError } from '../../lib/extract/index.ts';
import { extractCorpus } from './extract.ts';

/**
 * A hand-checked expectation, one file per corpus page (`test/expect/<engine>--<site-slug>.json`);
 * see test/expect/README.md for how each is checked.
 */
export interface ExpectedPost {
  author: string;
  /** The first words of the post's own text (quotes and signature excluded); '' for a post without words. */
  start: string;
  publishedAt?: string | null;
  quotes?: number;
  accepted?: boolean;
  score?: number | null;
  /** A post a reader may or may not count (a deleted stub, an ad dressed as a post): neither required nor wrong. */
  optional?: boolean;
}

export interface Expectation {
  file: string;
  url: string;
  /** `thread` (default) holds posts; the others must give no thread, and the table says what they are. */
  kind?: 'thread' | 'listing' | 'activitypub' | 'not-thread';
  platform?: string;
  title?: string;
  posts: ExpectedPost[];
  /**
   * What the engine's reader still gets wrong on this page, in words. The strict check is then expected
   * to fail (it says so when the page starts passing, so the note is removed); the scores still count.
   */
  known?: string;
}

export const EXPECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../expect');

export function loadExpectations(): { name: string; exp: Expectation }[] {
  return readdirSync(EXPECT_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => ({ name, exp: JSON.parse(readFileSync(resolve(EXPECT_DIR, name), 'utf8')) as Expectation }));
}

export const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Pages the generic reader is measured on: HTML thread pages (API responses have no markup to read). */
export function isHtmlThread(exp: Expectation): boolean {
  return (exp.kind ?? 'thread') === 'thread' && /\.html?$/i.test(exp.file);
}

export interface Score {
  /** Required posts expected, required posts found, optional posts found, posts returned. */
  required: number;
  matchedRequired: number;
  matchedOptional: number;
  returned: number;
  /** Matched required posts whose author name is right. */
  authorsRight: number;
  timesExpected: number;
  timesRight: number;
  /** Expected index → returned index, for the strict checks. */
  pairs: [number, number][];
}

/**
 * Aligns returned posts to expected ones in order: an expected post matches the next returned post whose
 * text starts with its first words (or, for a post without words, whose author is the same). Returned
 * posts skipped over count against precision; expected posts never matched count against recall.
 */
export function score(exp: Expectation, posts: Thread['posts']): Score {
  const s: Score = { required: 0, matchedRequired: 0, matchedOptional: 0, returned: posts.length, authorsRight: 0, timesExpected: 0, timesRight: 0, pairs: [] };
  const texts = posts.map((p) => squash(p.text));
  let next = 0;
  for (let i = 0; i < exp.posts.length; i++) {
    const e = exp.posts[i]!;
    if (!e.optional) s.required++;
    const start = squash(e.start);
    let hit = -1;
    for (let j = next; j < posts.length; j++) {
      if (start ? texts[j]!.startsWith(start) : posts[j]!.author.name === e.author && texts[j] === '') {
        hit = j;
        break;
      }
    }
    if (hit < 0) {
      if (!e.optional && e.publishedAt !== undefined) s.timesExpected++;
      continue;
    }
    next = hit + 1;
    s.pairs.push([i, hit]);
    if (e.optional) {
      s.matchedOptional++;
      continue;
    }
    s.matchedRequired++;
    if (posts[hit]!.author.name === e.author) s.authorsRight++;
    if (e.publishedAt !== undefined) {
      s.timesExpected++;
      if (posts[hit]!.publishedAt === e.publishedAt) s.timesRight++;
    }
  }
  return s;
}

export const recall = (s: Score) => (s.required ? s.matchedRequired / s.required : 1);
export const precision = (s: Score) => (s.returned ? (s.matchedRequired + s.matchedOptional) / s.returned : 1);
export const authorAccuracy = (s: Score) => (s.required ? s.authorsRight / s.required : 1);

export type Reading = { thread: Thread; error?: undefined } | { thread?: undefined; error: ExtractError };

/** Extracts a page as the CLI does; an ExtractError is a reading too (no thread, with its reason). */
export function read(exp: Expectation, reader: 'auto' | 'generic'): Reading {
  try {
    return { thread: extractCorpus(exp.file, exp.url, { reader }) };
  } catch (e) {
    if (e instanceof ExtractError) return { error: e };
    throw e;
  }
}

/** Sums scores over pages. */
export function total(scores: Score[]): Score {
  const t: Score = { required: 0, matchedRequired: 0, matchedOptional: 0, returned: 0, authorsRight: 0, timesExpected: 0, timesRight: 0, pairs: [] };
  for (const s of scores) {
    t.required += s.required;
    t.matchedRequired += s.matchedRequired;
    t.matchedOptional += s.matchedOptional;
    t.returned += s.returned;
    t.authorsRight += s.authorsRight;
    t.timesExpected += s.timesExpected;
    t.timesRight += s.timesRight;
  }
  return t;
}

/** Every difference between a reading and its expectation, in words; none means the page is right. */
export function differences(exp: Expectation, r: Reading): string[] {
  const kind = exp.kind ?? 'thread';
  if (kind !== 'thread') return r.thread ? [`a ${kind} page was read as a thread of ${r.thread.posts.length} posts`] : [];
  if (!r.thread) return [`no thread: ${r.error.message}`];
  const t = r.thread;
  const out: string[] = [];
  if (exp.platform !== undefined && t.platform !== exp.platform) out.push(`platform ${t.platform}, expected ${exp.platform}`);
  if (exp.title !== undefined && squash(t.title) !== squash(exp.title)) out.push(`title "${squash(t.title)}", expected "${squash(exp.title)}"`);
  const s = score(exp, t.posts);
  const matched = new Map(s.pairs);
  const used = new Set(s.pairs.map(([, j]) => j));
  exp.posts.forEach((e, i) => {
    const j = matched.get(i);
    if (j === undefined) {
      if (!e.optional) out.push(`post ${i + 1} by ${e.author} ("${e.start.slice(0, 40)}") not found`);
      return;
    }
    const p = t.posts[j]!;
    if (p.author.name !== e.author) out.push(`post ${i + 1}: author "${p.author.name}", expected "${e.author}"`);
    if (e.publishedAt !== undefined && p.publishedAt !== e.publishedAt) out.push(`post ${i + 1}: time ${p.publishedAt}, expected ${e.publishedAt}`);
    if (e.quotes !== undefined && p.quotes.length !== e.quotes) out.push(`post ${i + 1}: ${p.quotes.length} quotes, expected ${e.quotes}`);
    if (e.accepted !== undefined && !!p.accepted !== e.accepted) out.push(`post ${i + 1}: accepted ${!!p.accepted}, expected ${e.accepted}`);
    if (e.score !== undefined && p.score !== e.score) out.push(`post ${i + 1}: score ${p.score}, expected ${e.score}`);
  });
  t.posts.forEach((p, j) => {
    if (!used.has(j)) out.push(`extra post ${j + 1} by ${p.author.name}: "${squash(p.text).slice(0, 40)}"`);
  });
  // Ids key de-duplication across pages and re-captures.
  if (new Set(t.posts.map((p) => p.id)).size !== t.posts.length) out.push('post ids are not unique');
  return out;
}
