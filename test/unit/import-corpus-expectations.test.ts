import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importArchive } from '../../lib/import/index.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import type { Post } from '../../lib/model/thread.ts';
import { corpusBytes, corpusPath } from '../support/corpus.ts';
import { digest, firstWords } from '../support/digest.ts';

/*
 * The corpus's JSON chat archives against an independent reading of the raw files
 * (scripts/expect-archives.py: Python's json module and each exporter's documented format, no Gleaner
 * code): how many messages a person wrote, and who wrote the first and last ten and how each begins.
 * Names and words are stored as digests (test/support/digest.ts).
 */

interface Expected {
  file: string;
  reading: string;
  messages: number;
  first: { author: string; start: string }[];
  last: { author: string; start: string }[];
}

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../expect-archives');
const EXPECTED = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(resolve(DIR, f), 'utf8')) as Expected);

/** Posts in time order (file order among equal times), as the independent reading orders messages. */
function inTimeOrder(posts: Post[]): Post[] {
  const at = (p: Post) => (p.publishedAt ? Date.parse(/Z|[+-]\d\d:\d\d$/.test(p.publishedAt) ? p.publishedAt : `${p.publishedAt}Z`) : Infinity);
  return posts
    .map((p, i) => ({ p, i, t: at(p) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.p);
}

describe('chat archives read as an independent reading of the raw files reads them', () => {
  it('has expectations to check', () => {
    expect(EXPECTED.length).toBeGreaterThanOrEqual(8);
  });

  it.each(EXPECTED.map((e) => [e.file, e] as const))('%s', async (file, e) => {
    const { threads } = await importArchive({ name: file.split('/').pop()!, bytes: corpusBytes(file) }, { parseHtml: linkedomKit.parseHtml });
    const posts = inTimeOrder(threads.flatMap((t) => t.posts));
    expect(posts.length).toBe(e.messages);
    const seen = (ps: Post[]) => ps.map((p) => ({ author: digest(p.author.name), start: digest(firstWords(p.text)) }));
    expect(seen(posts.slice(0, 10))).toEqual(e.first);
    expect(seen(posts.slice(-10))).toEqual(e.last);
  });

  it('the Slack export unpacked into a folder reads as its ZIP does', async () => {
    const e = EXPECTED.find((x) => x.file === 'slack/slack-export-viewer-testarchive.zip')!;
    const root = corpusPath('slack/slack-export-viewer-testarchive');
    const files = new Map<string, Uint8Array>();
    const walk = (dir: string) => {
      for (const d of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, d.name);
        if (d.isDirectory()) walk(p);
        else files.set(relative(root, p).split(sep).join('/'), readFileSync(p));
      }
    };
    walk(root);
    const { threads } = await importArchive({ name: 'slack-export-viewer-testarchive', files });
    const posts = inTimeOrder(threads.flatMap((t) => t.posts));
    expect(posts.length).toBe(e.messages);
    expect(posts.slice(0, 10).map((p) => ({ author: digest(p.author.name), start: digest(firstWords(p.text)) }))).toEqual(e.first);
  });
});
