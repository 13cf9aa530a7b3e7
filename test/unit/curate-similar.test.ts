import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bandKeys,
  estimatedJaccard,
  HASHES,
  MAX_HASHED_CHARS,
  normaliseSourceUrl,
  normaliseText,
  questionText,
  shingles,
  signature,
  signatureFromHex,
  signatureToHex,
  SIMILAR_THRESHOLD,
  sourceKeys,
  MAX_RAW_CHARS,
} from '../../lib/curate/similar.ts';
import { discourseThread } from '../support/entries.ts';

const est = (a: string, b: string) => estimatedJaccard(signature(a), signature(b));
const exact = (a: string, b: string) => {
  const A = shingles(normaliseText(a));
  const B = shingles(normaliseText(b));
  let both = 0;
  for (const x of A) if (B.has(x)) both++;
  return both / (A.size + B.size - both);
};

// Retyped questions: the same question asked again with other words around it, in several scripts.
const NEAR: [string, string, string][] = [
  ['case and punctuation', 'Can I trade with another player during the robber phase in Catan?', 'can i trade with another player during the robber phase in catan'],
  ['a greeting and a plural', 'Can I trade with another player during the robber phase in Catan?', 'Hi all! Can I trade with other players during the robber phase in Catan? Thanks'],
  ['clauses swapped', 'When does the robber move in Catan, and can it be moved back to the desert?', 'In Catan, can the robber be moved back to the desert, and when does it move?'],
  ['hyphen and a word', 'How do I cast on for a sweater using the long tail method?', 'How do I cast on a sweater with the long-tail method?'],
  ['Japanese, a particle added', 'カタンで盗賊フェーズ中に他のプレイヤーと交易できますか？', 'カタンで盗賊のフェーズ中に他のプレイヤーと交易はできますか'],
  ['Russian, plural', 'Можно ли торговать с другим игроком во время фазы разбойника в Катане?', 'Можно ли торговать с другими игроками во время фазы разбойника в Катане'],
  ['Arabic, a synonym', 'هل يمكنني التجارة مع لاعب آخر أثناء مرحلة اللص في كاتان؟', 'هل يمكنني التجارة مع لاعب اخر خلال مرحلة اللص في كاتان'],
  ['full-width letters', 'Ｃａｎ Ｉ ｔｒａｄｅ with another player during the robber phase in Catan?', 'Can I trade with another player during the robber phase in Catan?'],
];
// Different questions on the same subject: they share the game's nouns, not the question.
const APART: [string, string, string][] = [
  ['same game, other rule', 'Can I trade with another player during the robber phase in Catan?', 'Can I build a settlement during another player turn in Catan?'],
  ['same game, other question', 'Can I trade with another player during the robber phase in Catan?', 'How many victory points do you need to win a game of Catan?'],
  ['same craft, other step', 'How do I cast on for a sweater using the long tail method?', 'How do I bind off a sweater with the stretchy method?'],
  ['Japanese, other question', 'カタンで盗賊フェーズ中に他のプレイヤーと交易できますか？', 'カタンで勝利に必要な勝利点は何点ですか？'],
  ['Russian, other question', 'Можно ли торговать с другим игроком во время фазы разбойника в Катане?', 'Сколько победных очков нужно для победы в Катане?'],
];

describe('normalised text', () => {
  it('folds compatibility forms, case, punctuation and white space, and keeps combining marks', () => {
    expect(normaliseText('  Ｈｅｌｌｏ,\tWORLD!!  ﬁne… ')).toBe('hello world fine');
    expect(normaliseText('STRAẞE Straße')).toBe('strasse strasse');
    expect(normaliseText('ΟΔΟΣ')).toBe(normaliseText('οδος'));
    // Devanagari vowel signs are combining marks: dropping them would merge different words.
    expect(normaliseText('किताब')).not.toBe(normaliseText('कतब'));
    expect(normaliseText('¿Qué?\u00a0—\u200b¡Sí!')).toBe('qué sí');
  });

  it('caps what it reads and hashes, without splitting a character', () => {
    const emoji = '😀'.repeat(20_000); // 40 000 UTF-16 units
    const n = normaliseText(emoji);
    expect(n.isWellFormed()).toBe(true);
    expect(Array.from(n).length).toBeLessThanOrEqual(MAX_HASHED_CHARS);
    // NFKC can grow one character 18-fold (U+FDFA): the cap holds after normalisation too.
    expect(Array.from(normaliseText('\ufdfa'.repeat(10_000))).length).toBeLessThanOrEqual(MAX_HASHED_CHARS);
    expect(normaliseText('a\ud800b')).toBe('a b');
  });
});

describe('MinHash signatures', () => {
  it('are deterministic and survive storage', () => {
    const a = signature('How do I cast on for a sweater?');
    expect(a).toHaveLength(HASHES);
    expect(signatureToHex(signature('How do I cast on for a sweater?'))).toBe(signatureToHex(a));
    expect(signatureFromHex(signatureToHex(a))).toEqual(a);
    expect(() => signatureFromHex('abc')).toThrow(/1024 hex characters; this one is 3/);
    expect(() => estimatedJaccard(a, new Uint32Array(3))).toThrow(/128 hashes/);
  });

  it('estimate the shingles\' Jaccard similarity within a few hundredths', () => {
    for (const [, a, b] of [...NEAR, ...APART]) expect(Math.abs(est(a, b) - exact(a, b))).toBeLessThan(0.12);
  });

  it.each(NEAR)('flag a retyped question (%s)', (_why, a, b) => {
    expect(est(a, b)).toBeGreaterThanOrEqual(SIMILAR_THRESHOLD);
  });

  it.each(APART)('leave a different question on the same subject apart (%s)', (_why, a, b) => {
    expect(est(a, b)).toBeLessThan(SIMILAR_THRESHOLD - 0.15);
  });

  it('treat empty text as similar to nothing, itself included', () => {
    expect(est('', '')).toBe(0);
    expect(est('?!', 'a question')).toBe(0);
    expect(bandKeys(signature('…'))).toEqual([]);
    expect(est('ab', 'ab')).toBe(1);
  });

  it('handle hostile sizes quickly: only the capped start is hashed', () => {
    const longText = 'a long question '.repeat(400_000); // 6.4 MB
    const long = signature(longText);
    const cjkText = Array.from({ length: 60_000 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20_000))).join('');
    const cjk = signature(cjkText);
    // What is hashed is the capped start alone: the signature is that of the first MAX_RAW_CHARS.
    expect(long).toEqual(signature(longText.slice(0, MAX_RAW_CHARS)));
    expect(cjk).toEqual(signature(cjkText.slice(0, MAX_RAW_CHARS)));
    expect(estimatedJaccard(long, signature('a long question '.repeat(1000)))).toBe(1);
    expect(cjk.some((v) => v !== 0xffffffff)).toBe(true);
  });
});

/**
 * The signature as first written: a string per shingle, one FNV-1a hash of each, and HASHES functions over
 * unsigned words. Stored signatures and band keys were made this way, so the faster code must give the same.
 */
function referenceSignature(text: string): Uint32Array {
  const fmix = (h: number) => {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
  let x = 0x5eed1e55;
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < HASHES; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    a.push(fmix(x) | 1);
    x = (x + 0x9e3779b9) >>> 0;
    b.push(fmix(x));
  }
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const sh of shingles(normaliseText(text))) {
    let h = (0x811c9dc5 ^ 0x9747b28c) >>> 0;
    for (let i = 0; i < sh.length; i++) h = Math.imul(h ^ sh.charCodeAt(i), 0x01000193);
    const v = fmix(h ^ sh.length);
    for (let i = 0; i < HASHES; i++) sig[i] = Math.min(sig[i]!, fmix((Math.imul(a[i]!, v) + b[i]!) >>> 0));
  }
  return sig;
}

describe('MinHash signatures as stored', () => {
  const texts = [
    ...[...NEAR, ...APART].flatMap(([, a, b]) => [a, b]),
    ...discourseThread().posts.map((p) => p.text),
    '', '?!', 'a', 'ab', 'abc', 'abcd', 'aaaaaaaaaaaaaaaa', 'abcabcabcabc', 'x y z',
    '😀', '😀😀', '😀a😀b😀', 'a\ud800b', '\udc00\ud800', 'e\u0301t\u00e9', 'किताब पढ़ो', 'ภาษาไทยไม่มีช่องว่าง', '한국어 질문입니다',
    'a long question '.repeat(2000),
    Array.from({ length: 5000 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20_000))).join(''),
    Array.from({ length: 3000 }, (_, i) => String.fromCodePoint(0x1f300 + (i % 300))).join(''),
  ];

  it('are those of the string-per-shingle computation, band keys and hex included', () => {
    for (const t of texts) {
      const sig = signature(t);
      const ref = referenceSignature(t);
      expect(signatureToHex(sig)).toBe(Array.from(ref, (v) => v.toString(16).padStart(8, '0')).join(''));
      expect(bandKeys(sig)).toEqual(bandKeys(ref));
    }
  });

  it('stay what hubs have stored (pinned)', () => {
    const digest = createHash('sha256');
    for (const t of texts.slice(0, 26)) digest.update(`${signatureToHex(signature(t))}${bandKeys(signature(t)).join(',')}\n`);
    expect(digest.digest('hex').slice(0, 16)).toBe('dec545d4e7aa9826');
  });
});

describe('LSH band keys', () => {
  it('are shared by near-duplicates and by few different questions', () => {
    const shared = (a: string, b: string) => {
      const k = new Set(bandKeys(signature(a)));
      return bandKeys(signature(b)).filter((x) => k.has(x)).length;
    };
    for (const [, a, b] of NEAR) expect(shared(a, b)).toBeGreaterThan(0);
    expect(shared(APART[1]![1], APART[1]![2])).toBe(0);
    expect(bandKeys(signature('x y z'))).toHaveLength(32);
    expect(new Set(bandKeys(signature('x y z'))).size).toBe(32);
  });
});

describe('source keys', () => {
  it('name one post across schemes, hosts, tracking parameters and sessions, keeping the post fragment', () => {
    expect(normaliseSourceUrl('https://WWW.Forum.example:443/viewtopic.php?t=5&sid=0123abcd&utm_source=x#p52', true)).toBe('//forum.example/viewtopic.php?t=5#p52');
    expect(normaliseSourceUrl('http://forum.example/viewtopic.php?t=5#p52', false)).toBe('//forum.example/viewtopic.php?t=5');
    expect(normaliseSourceUrl('https://forum.example/t/slug/12/?b=2&a=1', true)).toBe('//forum.example/t/slug/12?a=1&b=2');
    expect(normaliseSourceUrl('irc-log:libera/%23chess/2024-01-01#l12', true)).toBe('irc-log:libera/%23chess/2024-01-01#l12');
    expect(normaliseSourceUrl('not a url', true)).toBe('not a url');
  });

  it('match a post captured from another page of its thread through thread and post id', () => {
    const a = sourceKeys([{ url: 'https://forum.example/viewtopic.php?t=5&start=20#p52', threadUrl: 'https://forum.example/viewtopic.php?t=5', postId: '52' }]);
    const b = sourceKeys([{ url: 'https://forum.example/viewtopic.php?p=52#p52', threadUrl: 'http://www.forum.example/viewtopic.php?t=5#top', postId: '52' }]);
    expect(a.filter((k) => b.includes(k))).toEqual(['t://forum.example/viewtopic.php?t=5\u000152']);
    const other = sourceKeys([{ url: 'https://forum.example/viewtopic.php?t=5#p53', threadUrl: 'https://forum.example/viewtopic.php?t=5', postId: '53' }]);
    expect(a.filter((k) => other.includes(k))).toEqual([]);
  });

  it('read the question of a Q&A entry and the topic and start of a strategy', () => {
    expect(questionText({ kind: 'qa', qa: { question: { text: 'Q?' } } })).toBe('Q?');
    expect(questionText({ kind: 'strategy', strategy: { topic: 'Openings', body: { text: 'x'.repeat(5000) } } })).toHaveLength('Openings\n'.length + 1000);
  });
});
