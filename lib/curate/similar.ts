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
  // Int32Array: the same bits as unsigned words, but every value a small integer to V8, so the loop below
  // stays in 32-bit integer arithmetic instead of boxing words over 2^31 as doubles.
  const a = new Int32Array(HASHES);
  const b = new Int32Array(HASHES);
  for (let i = 0; i < HASHES; i++) {
    a[i] = next() | 1;
    b[i] = next();
  }
  return [a, b] as const;
})();
const [SEED_A, SEED_B] = SEEDS;

export type Signature = Uint32Array;

/** Shingle hashes of a text, reused between calls (a signature is computed to the end before the next starts). */
let hashBuf = new Int32Array(256);
/** The UTF-16 offset where each character of a text starts, and one past its end. */
let startBuf = new Int32Array(256);

/**
 * The distinct hashes of normalised text's shingles (a text shorter
 * than one shingle is its own single shingle): what `shingles` would give, hashed, without making a string
 * per shingle. Answers how many of `hashBuf` hold them, sorted. A shingle's hash is FNV-1a over its UTF-16
 * code units from a seeded basis, its length mixed in by fmix32 (fixed: stored signatures depend on it).
 */
function shingleHashes(normalised: string): number {
  const len = normalised.length;
  if (startBuf.length < len + 1) startBuf = new Int32Array(len + 1);
  // Character boundaries as Array.from cuts the string: a surrogate pair is one character.
  let chars = 0;
  for (let i = 0; i < len; chars++) {
    startBuf[chars] = i;
    const c = normalised.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < len && (normalised.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  startBuf[chars] = len;
  if (!chars) return 0;
  const count = chars <= SHINGLE ? 1 : chars - SHINGLE + 1;
  if (hashBuf.length < count) hashBuf = new Int32Array(count);
  const span = chars <= SHINGLE ? chars : SHINGLE;
  for (let k = 0; k < count; k++) {
    const from = startBuf[k]!;
    const to = startBuf[k + span]!;
    let h = (0x811c9dc5 ^ 0x9747b28c) | 0;
    for (let i = from; i < to; i++) h = Math.imul(h ^ normalised.charCodeAt(i), 0x01000193);
    hashBuf[k] = fmix32(h ^ (to - from));
  }
  // The same shingle twice gives the same hash: sorted, the repeats are neighbours and dropped.
  const sorted = hashBuf.subarray(0, count).sort();
  let n = 1;
  for (let k = 1; k < count; k++) if (sorted[k] !== sorted[n - 1]) sorted[n++] = sorted[k]!;
  return n;
}

/**
 * The MinHash signature of a text: for each of HASHES hash functions, the least hash over its shingles.
 * Each function is h_i(x) = fmix32(a_i·x + b_i) over one 32-bit hash of the shingle. An empty text gets
 * the all-ones signature, which `estimatedJaccard` treats as similar to nothing.
 *
 * The hashes are compared with their top bit flipped, as signed 32-bit integers (the same order as
 * unsigned), and the least over the shingles is kept in a local per hash function: the loop is 32-bit
 * integer arithmetic alone, with no unsigned words over 2^31 boxed as doubles. The same signatures as the
 * string-per-shingle loop over unsigned words it replaced (test/unit/curate-similar.test.ts), in ~60 % of
 * its time.
 */
export function signature(text: string): Signature {
  const n = shingleHashes(normaliseText(text));
  const xs = hashBuf;
  const sig = new Uint32Array(HASHES);
  // Four hash functions per pass over the shingles (HASHES is a multiple of 4): four independent chains of
  // multiplications the processor overlaps, and one read of each shingle's hash for the four.
  for (let i = 0; i < HASHES; i += 4) {
    const a0 = SEED_A[i]!, a1 = SEED_A[i + 1]!, a2 = SEED_A[i + 2]!, a3 = SEED_A[i + 3]!;
    const b0 = SEED_B[i]!, b1 = SEED_B[i + 1]!, b2 = SEED_B[i + 2]!, b3 = SEED_B[i + 3]!;
    // 0xffffffff with its top bit flipped.
    let l0 = 0x7fffffff, l1 = 0x7fffffff, l2 = 0x7fffffff, l3 = 0x7fffffff;
    for (let k = 0; k < n; k++) {
      const x = xs[k]!;
      // fmix32(a·x + b), inlined; 0x85ebca6b and 0xc2b2ae35 written as the signed integers of their bits.
      let h0 = (Math.imul(a0, x) + b0) | 0, h1 = (Math.imul(a1, x) + b1) | 0, h2 = (Math.imul(a2, x) + b2) | 0, h3 = (Math.imul(a3, x) + b3) | 0;
      h0 ^= h0 >>> 16; h1 ^= h1 >>> 16; h2 ^= h2 >>> 16; h3 ^= h3 >>> 16;
      h0 = Math.imul(h0, -0x7a143595); h1 = Math.imul(h1, -0x7a143595); h2 = Math.imul(h2, -0x7a143595); h3 = Math.imul(h3, -0x7a143595);
      h0 ^= h0 >>> 13; h1 ^= h1 >>> 13; h2 ^= h2 >>> 13; h3 ^= h3 >>> 13;
      h0 = Math.imul(h0, -0x3d4d51cb); h1 = Math.imul(h1, -0x3d4d51cb); h2 = Math.imul(h2, -0x3d4d51cb); h3 = Math.imul(h3, -0x3d4d51cb);
      // The top bit flipped: signed order is then the unsigned order of the hashes.
      h0 = h0 ^ (h0 >>> 16) ^ -0x80000000; h1 = h1 ^ (h1 >>> 16) ^ -0x80000000; h2 = h2 ^ (h2 >>> 16) ^ -0x80000000; h3 = h3 ^ (h3 >>> 16) ^ -0x80000000;
      if (h0 < l0) l0 = h0;
      if (h1 < l1) l1 = h1;
      if (h2 < l2) l2 = h2;
      if (h3 < l3) l3 = h3;
    }
    sig[i] = l0 ^ -0x80000000;
    sig[i + 1] = l1 ^ -0x80000000;
    sig[i + 2] = l2 ^ -0x80000000;
    sig[i + 3] = l3 ^ -0x80000000;
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

/** Two hex digits per byte value. */
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
/** A 32-bit word as 8 hex digits, from a table rather than toString(16) and padStart (a tenth of the time). */
const hex8 = (n: number) => BYTE_HEX[n >>> 24]! + BYTE_HEX[(n >>> 16) & 255]! + BYTE_HEX[(n >>> 8) & 255]! + BYTE_HEX[n & 255]!;

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

/** The digits' character codes, written as bytes and decoded at once: a tenth of the time of 128 strings joined. */
const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const ASCII = new TextDecoder('latin1');

/** A signature as 1 024 hex characters, for storage. */
export function signatureToHex(sig: Signature): string {
  const out = new Uint8Array(sig.length * 8);
  for (let i = 0, o = 0; i < sig.length; i++) {
    const w = sig[i]!;
    for (let shift = 28; shift >= 0; shift -= 4) out[o++] = HEX_DIGITS[(w >>> shift) & 15]!;
  }
  return ASCII.decode(out);
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
