import { readdirSync, readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { extractCorpus } from '../support/extract.ts';

/**
 * Hand-checked expectations, one file per corpus page (`test/expect/<engine>--<slug>.json`):
 * { file, url, platform, title?, posts: [{ author, start, publishedAt? , quotes?, accepted?, score? }] }
 * `start` is the first words of the post's own text (quotes and signature excluded).
 */
interface Expectation {
  file: string;
  url: string;
  platform: string;
  title?: string;
  posts: { author: string; start: string; publishedAt?: string | null; quotes?: number; accepted?: boolean; score?: number | null }[];
}

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../expect');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const table = new Map<string, { pages: number; found: number; expected: number; authors: number; times: number; timesExpected: number }>();

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('extraction fidelity on the real corpus', () => {
  it('has expectation files', () => expect(files.length).toBeGreaterThan(0));

  for (const f of files) {
    const exp = JSON.parse(readFileSync(resolve(DIR, f), 'utf8')) as Expectation;
    it(`${f}: ${exp.posts.length} posts as hand-checked`, () => {
      const engine = f.split('--')[0]!;
      const row = table.get(engine) ?? { pages: 0, found: 0, expected: 0, authors: 0, times: 0, timesExpected: 0 };
      table.set(engine, row);
      row.pages++;
      row.expected += exp.posts.length;
      const t = extractCorpus(exp.file, exp.url);
      row.found += Math.min(t.posts.length, exp.posts.length);
      exp.posts.forEach((e, i) => {
        const p = t.posts[i];
        if (p?.author.name === e.author) row.authors++;
        if (e.publishedAt !== undefined) {
          row.timesExpected++;
          if (p?.publishedAt === e.publishedAt) row.times++;
        }
      });
      expect(t.platform).toBe(exp.platform);
      if (exp.title !== undefined) expect(squash(t.title)).toBe(squash(exp.title));
      expect(t.posts.map((p) => p.author.name)).toEqual(exp.posts.map((p) => p.author));
      exp.posts.forEach((e, i) => {
        const p = t.posts[i]!;
        expect(squash(p.text).startsWith(squash(e.start)), `post ${i + 1} by ${e.author} starts "${squash(p.text).slice(0, 60)}"`).toBe(true);
        if (e.publishedAt !== undefined) expect(p.publishedAt, `post ${i + 1} time`).toBe(e.publishedAt);
        if (e.quotes !== undefined) expect(p.quotes.length, `post ${i + 1} quotes`).toBe(e.quotes);
        if (e.accepted !== undefined) expect(!!p.accepted, `post ${i + 1} accepted`).toBe(e.accepted);
        if (e.score !== undefined) expect(p.score, `post ${i + 1} score`).toBe(e.score);
      });
      // Ids must be unique: they key de-duplication across pages and re-captures.
      expect(new Set(t.posts.map((p) => p.id)).size).toBe(t.posts.length);
    });
  }

  afterAll(() => {
    const rows = [...table.entries()].map(([engine, r]) => ({
      engine,
      pages: r.pages,
      'posts found/expected': `${r.found}/${r.expected}`,
      'authors right': `${r.authors}/${r.expected}`,
      'times right': `${r.times}/${r.timesExpected}`,
    }));
    console.log('\nExtraction fidelity on ../shared/corpus');
    console.table(rows);
  });
});
