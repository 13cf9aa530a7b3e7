/**
 * Near-duplicate questions and shared source posts, the same in the hub and the extension.
 *
 * Questions are compared as sets of character shingles of their normalised text, estimated with MinHash
 * (Broder 1997): the chance that two sets have the same minimum under a random hash is their Jaccard
 * similarity, so the share of equal positions in two signatures estimates it. Character shingles, not
 * words, because many scripts (Chinese, Japanese, Thai) write no spaces between words. Lookup at scale is
 * locality-sensitive hashing: the signature is cut into bands, each band hashed to one key; two texts that
 * agree on a whole band become candidates and are then verified on the full signature.
 *
 * Everything is seeded and fixed (the hub stores signatures and band keys): changing SHINGLE, HASHES,
 * BANDS, the seed or the normalisation changes every key, so it needs a new SIMILAR_VERSION and a re-index.
 */

/** Stored next to signatures, so a hub can tell keys computed by another version of these rules. */
export const SIMILAR_VERSION = 1;
/**
 * Characters per shingle. 3 rather than 4 or 5: in Chinese or Japanese a character is nearly a word, and
 * longer shingles let one inserted particle break too many of them (a retyped Japanese question measured
 * 0.73 at 3, 0.60 at 4, 0.38 at 5), while different English questions stay apart at 3 as well.
 */
export const SHINGLE = 3;
export const HASHES = 128;
/** 32 bands of 4 rows. */
export const BANDS = 32;
export const ROWS = HASHES / BANDS;
/**
 * Estimated Jaccard similarity of the question's shingles at or above which two entries are flagged as
 * "similar question". Why 0.6: the same question retyped with a changed word, other punctuation, case or
 * spacing, a greeting added, or its clauses swapped, measured 0.7–0.85 on 3-character shingles in Latin,
 * Cyrillic, Arabic and Japanese script, while two different questions about the same game, which share
 * their nouns, stayed below 0.4 (see test/unit/curate-similar.test.ts). With 128
 * hashes the estimate's standard error is about 0.04 near 0.6, so a true 0.45 is flagged well under 1 % of
 * the time. A flag is only a hint to a moderator, who decides, so a few false flags cost less than a missed
 * duplicate. LSH with 32 bands of 4 makes a pair of Jaccard 0.6 a candidate with probability
 * 1 − (1 − 0.6⁴)³² ≈ 0.985 (0.7: 0.9998), one of 0.2 with 0.05.
 */
export const SIMILAR_THRESHOLD = 0.6;
/** Raw characters read at most (before normalisation, which can grow text up to 18-fold under NFKC). */
export const MAX_RAW_CHARS = 16_000;
/** Characters of normalised text hashed at most: a question longer than this is still a long question. */
export const MAX_HASHED_CHARS = 4_000;

/**
 * NFKC (full-width letters, ligatures and compatibility forms fold to their plain letters), lower case
 * with the few full case foldings lower-casing misses, every run of punctuation, symbols, controls and
 * white space folded to one space. Combining marks stay: in Devanagari or Thai they are the vowels.
 */
export function normaliseText(text: string): string {
  let raw = text.length > MAX_RAW_CHARS ? text.slice(0, MAX_RAW_CHARS) : text;
  // A surrogate pair cut in half by the cap is dropped, not hashed as a broken character.
  if (/[\uD800-\uDBFF]$/.test(raw)) raw = raw.slice(0, -1);
  const folded = raw
    .toWellFormed()
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/ς/g, 'σ')
    .normalize('NFKC')
    .replace(/[\p{P}\p{S}\p{Z}\p{C}\s]+/gu, ' ')
    .trim();
  const chars = Array.from(folded);
  return chars.length > MAX_HASHED_CHARS ? chars.slice(0, MAX_HASHED_CHARS).join('').trimEnd() : folded;
}

/** Murmur3's 32-bit finaliser: a full-avalanche mix of one 32-bit word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units of a string, mixed with a seed. */
function hashString(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h ^ s.length);
}

/** The distinct shingles of normalised text; a text shorter than one shingle is its own single shingle. */
export function shingles(normalised: string): Set<string> {
  const chars = Array.from(normalised);
  const out = new Set<string>();
  if (!chars.length) return out;
  if (chars.length <= SHINGLE) {
    out.add(normalised);
    return out;
  }
  for (let i = 0; i + SHINGLE <= chars.length; i++) {
    let s = chars[i]!;
    for (let j = 1; j < SHINGLE; j++) s += chars[i + j]!;
    out.add(s);
  }
  return out;
}

/** Fixed odd multipliers and offsets for the HASHES hash functions (splitmix32 from a fixed seed). */
const SEEDS = (() => {
  let x = 0x5eed1e55;
  const next = () => {
    x = (x + 0x9e3779b9) >>> 0;
    return fmix32(x);
  };
  const a = new Uint32Array(HASHES);
  const b = new Uint32Array(HASHES);
  for (let i = 0; i < HASHES; i++) {
    a[i] = next() | 1;
    b[i] = next();
  }
  return [a, b] as const;
})();
const [SEED_A, SEED_B] = SEEDS;

export type Signature = Uint32Array;

/**
 * The MinHash signature of a text: for each of HASHES hash functions, the least hash over its shingles.
 * Each function is h_i(x) = fmix32(a_i·x + b_i) over one 32-bit hash of the shingle. An empty text gets
 * the all-ones signature, which `estimatedJaccard` treats as similar to nothing.
 */
export function signature(text: string): Signature {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const sh of shingles(normaliseText(text))) {
    const x = hashString(sh, 0x9747b28c);
    for (let i = 0; i < HASHES; i++) {
      // fmix32 inlined: this loop is the whole cost of a signature.
      let h = (Math.imul(SEED_A[i]!, x) + SEED_B[i]!) >>> 0;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h = (h ^ (h >>> 16)) >>> 0;
      if (h < sig[i]!) sig[i] = h;
    }
  }
  return sig;
}

const isEmpty = (s: Signature) => s.every((v) => v === 0xffffffff);

/** The share of positions where two signatures agree: an unbiased estimate of the shingles' Jaccard similarity. */
export function estimatedJaccard(a: Signature, b: Signature): number {
  if (a.length !== HASHES || b.length !== HASHES) throw new Error(`a signature has ${HASHES} hashes; got ${a.length} and ${b.length}`);
  if (isEmpty(a) || isEmpty(b)) return 0;
  let same = 0;
  for (let i = 0; i < HASHES; i++) if (a[i] === b[i]) same++;
  return same / HASHES;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** BANDS keys, "b<band in base 32><12 hex>": two signatures that share a key agree on that whole band. None for an empty text. */
export function bandKeys(sig: Signature): string[] {
  if (isEmpty(sig)) return [];
  const keys: string[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h1 = 0x3c6ef372 ^ b;
    let h2 = 0xa54ff53a ^ b;
    for (let r = 0; r < ROWS; r++) {
      const v = sig[b * ROWS + r]!;
      h1 = fmix32((h1 ^ v) >>> 0);
      h2 = fmix32((Math.imul(h2, 31) + v) >>> 0);
    }
    // 48 bits per band are plenty (a chance collision per band and pair is 2^-48) and keep the stored key short.
    keys.push(`b${b.toString(32)}${hex8(h1)}${hex8(h2).slice(0, 4)}`);
  }
  return keys;
}

/** A signature as 1 024 hex characters, for storage. */
export function signatureToHex(sig: Signature): string {
  return Array.from(sig, hex8).join('');
}

export function signatureFromHex(hex: string): Signature {
  if (!/^[0-9a-f]+$/.test(hex) || hex.length !== HASHES * 8) throw new Error(`a stored signature is ${HASHES * 8} hex characters; this one is ${hex.length}`);
  const sig = new Uint32Array(HASHES);
  for (let i = 0; i < HASHES; i++) sig[i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  return sig;
}

/** Query parameters trackers and forum sessions add, which never change which post a page is. */
const NOISE_PARAMS = /^(utm_[a-z_]+|fbclid|gclid|mc_[a-z]+|ref_src|phpsessid|sid|s|sessionid|session_id)$/i;

/**
 * A source address as a key: http and https alike, host lower-cased without "www." or a default port,
 * tracking and session parameters dropped (phpBB's `sid`, vBulletin's `s`), the rest sorted, no trailing
 * slash. The fragment is kept when asked: many forums name the post in it (`viewtopic.php?t=1#p52`).
 * Other schemes (archives: `irc-log:`, `mbox:`) are kept as written, trimmed.
 */
export function normaliseSourceUrl(raw: string, keepFragment: boolean): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return raw.trim().slice(0, 2000);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return (keepFragment ? u.href : u.href.replace(/#.*$/, '')).slice(0, 2000);
  const host = u.hostname.toLowerCase().replace(/^www\./, '');
  const params = [...u.searchParams].filter(([k]) => !NOISE_PARAMS.test(k)).sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  const query = params.length ? `?${new URLSearchParams(params).toString()}` : '';
  const path = u.pathname.replace(/\/+$/, '') || '/';
  const port = u.port && u.port !== '80' && u.port !== '443' ? `:${u.port}` : '';
  const frag = keepFragment && u.hash.length > 1 ? u.hash : '';
  return `//${host}${port}${path}${query}${frag}`.slice(0, 2000);
}

/** What a source contributes to lookups: the post's own address, and the thread's address with the post id. */
export interface SourceRef {
  url: string;
  threadUrl?: string | null;
  postId?: string | null;
}

/**
 * Keys that name one source post: "p:" its address (fragment kept), "t:" its thread's address (fragment
 * dropped) with the post id. Either one shared means the same post, even when it was captured from
 * another page of the thread.
 */
export function sourceKeys(sources: readonly SourceRef[]): string[] {
  const keys = new Set<string>();
  for (const s of sources) {
    if (s.url) keys.add(`p:${normaliseSourceUrl(s.url, true)}`);
    if (s.threadUrl && s.postId) keys.add(`t:${normaliseSourceUrl(s.threadUrl, false)}\u0001${s.postId.trim().slice(0, 200)}`);
  }
  return [...keys];
}

/** The text compared for "similar question": a Q&A entry's question, a strategy's topic and the start of its body. */
export function questionText(entry: { kind: 'qa'; qa: { question: { text: string } } } | { kind: 'strategy'; strategy: { topic: string; body: { text: string } } }): string {
  return entry.kind === 'qa' ? entry.qa.question.text : `${entry.strategy.topic}\n${entry.strategy.body.text.slice(0, 1000)}`;
}
