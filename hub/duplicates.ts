import type { Entry } from '../lib/model/entry.ts';

/**
 * Near-duplicate detection by MinHash over character shingles.
 *
 * Text is normalised (NFKC, lowercase, every run of non-letters/digits one space), cut into overlapping
 * 5-character shingles — characters, not words, so scripts written without spaces (Japanese, Chinese)
 * are handled like the rest — and summarised by 64 minimums of 64 hash functions (double hashing of
 * two 32-bit FNV-1a variants). The share of equal minimums estimates the Jaccard similarity of the two
 * shingle sets, with a standard error of about 0.05 near 0.8.
 *
 * Two entries are flagged as near-identical at an estimated similarity of 0.8 or more
 * (NEAR_DUPLICATE). Candidates are found without comparing against every entry by locality-sensitive
 * hashing: 16 bands of 4 minimums, any band equal makes a candidate; a pair at similarity 0.8 shares a
 * band with probability 1 − (1 − 0.8⁴)¹⁶ ≈ 0.9996, a pair at 0.3 with about 0.12 (then dropped by the
 * full comparison).
 */
export const SHINGLE_CHARS = 5;
export const MINHASHES = 64;
export const BANDS = 16;
export const ROWS_PER_BAND = MINHASHES / BANDS;
export const NEAR_DUPLICATE = 0.8;

export function normaliseForDuplicates(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function fnv1a(s: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // A final avalanche (murmur3's), so shingles differing in their last character spread over all bits.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function shingles(text: string): Set<string> {
  const t = normaliseForDuplicates(text);
  const out = new Set<string>();
  const chars = [...t];
  if (chars.length <= SHINGLE_CHARS) {
    if (t) out.add(t);
    return out;
  }
  for (let i = 0; i + SHINGLE_CHARS <= chars.length; i++) out.add(chars.slice(i, i + SHINGLE_CHARS).join(''));
  return out;
}

/** The MinHash signature of a text, or null when it has no letter or digit. */
export function minhash(text: string): Uint32Array | null {
  const set = shingles(text);
  if (!set.size) return null;
  const sig = new Uint32Array(MINHASHES).fill(0xffffffff);
  for (const s of set) {
    const h1 = fnv1a(s, 0x811c9dc5);
    const h2 = fnv1a(s, 0x9747b28c) | 1;
    for (let i = 0; i < MINHASHES; i++) {
      const v = (h1 + Math.imul(i, h2)) >>> 0;
      if (v < sig[i]!) sig[i] = v;
    }
  }
  return sig;
}

export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < MINHASHES; i++) if (a[i] === b[i]) same++;
  return same / MINHASHES;
}

export const signatureHex = (sig: Uint32Array) => Array.from(sig, (v) => v.toString(16).padStart(8, '0')).join('');
export const signatureFromHex = (hex: string) => Uint32Array.from({ length: MINHASHES }, (_, i) => parseInt(hex.slice(i * 8, i * 8 + 8), 16));

/** The LSH band keys of a signature: band number and the hex of its rows. */
export function bandKeys(sig: Uint32Array): { band: number; key: string }[] {
  const hex = signatureHex(sig);
  return Array.from({ length: BANDS }, (_, b) => ({ band: b, key: hex.slice(b * ROWS_PER_BAND * 8, (b + 1) * ROWS_PER_BAND * 8) }));
}

/** The text two entries are compared on: a Q&A's question, a strategy's topic and body. */
export function duplicateText(e: Entry): string {
  return e.kind === 'qa' ? e.qa.question.text : `${e.strategy.topic}\n${e.strategy.body.text}`;
}

/** A source post as one key whatever page it was captured from: the forum's host and the post id. */
export function sourceKeys(e: Pick<Entry, 'sources'>): string[] {
  const host = (u: string) => {
    try {
      return new URL(u).host.toLowerCase().replace(/^www\./, '');
    } catch {
      return u;
    }
  };
  return [...new Set(e.sources.map((s) => `${host(s.threadUrl)} ${s.postId}`))];
}

/** What a lookup compares against the index: a MinHash signature (hex) and source post keys. */
export interface DuplicateProbe {
  signature: string | null;
  sources: string[];
}

/** A probe for text and sources that are not (yet) an entry: what a contributor is about to submit. */
export function probeFor(text: string, sources: { threadUrl: string; postId: string }[]): DuplicateProbe {
  const sig = minhash(text);
  return { signature: sig ? signatureHex(sig) : null, sources: sourceKeys({ sources } as Pick<Entry, 'sources'>) };
}

export interface SimilarEntry {
  id: string;
  /** Who submitted it: for deciding what a lookup may show, never sent out. */
  contributorId: string;
  title: string;
  kind: 'qa' | 'strategy';
  state: string;
  /** Source posts both entries draw on. */
  sharedSources: number;
  /** Estimated similarity of the questions (strategy: topic and body), when at or above NEAR_DUPLICATE. */
  similarity: number | null;
}

/** At most this many similar entries are listed (the most alike). */
export const MAX_SIMILAR = 50;

/** Most shared sources first, then most similar, then id: the same order on both stores; the first MAX_SIMILAR. */
export function topSimilar(shared: Map<string, number>, near: Map<string, number>): { id: string; sharedSources: number; similarity: number | null }[] {
  const all = [...new Set([...shared.keys(), ...near.keys()])].map((id) => ({ id, sharedSources: shared.get(id) ?? 0, similarity: near.get(id) ?? null }));
  all.sort((a, b) => b.sharedSources - a.sharedSources || (b.similarity ?? 0) - (a.similarity ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return all.slice(0, MAX_SIMILAR);
}
