import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePage, extractThread, sourceFromText } from '../../lib/extract/index.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { Thread } from '../../lib/model/thread.ts';
import { corpusBytes } from '../support/corpus.ts';
import { budget, clearOutcome, describeMutation, jsonReplacement, mutateJson, mutation, mutate, params } from '../support/fuzz.ts';

/*
 * Saved pages and API responses, mutated: cut, bytes flipped or inserted, chunks deleted or repeated,
 * elements nested thousands deep, re-encoded (UTF-16 with and without BOM, Latin-1, CR line ends), and
 * JSON values replaced by wrong types, impossible numbers and deep nesting. Each must give a valid
 * Thread or an ExtractError (see test/support/fuzz.ts).
 */

const EXPECT = resolve(dirname(fileURLToPath(import.meta.url)), '../expect');
const PAGES = readdirSync(EXPECT)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(resolve(EXPECT, f), 'utf8')) as { file: string; url: string });

const API = [
  ['discourse/discourse-api-topic-try-discourse.json', 'https://try.discourse.org/t/x/1'],
  ['discourse/discourse-api-topic-ibm-powervm-4posts.json', 'https://community.ibm.com/t/x/1'],
  ['hackernews/hn-firebase-item-5172905.json', 'https://news.ycombinator.com/item?id=5172905'],
  ['reddit/reddit-api-comments-3hahrw.json', 'https://www.reddit.com/r/x/comments/3hahrw/'],
  ['reddit/reddit-api-comments-fo7p5b-poll.json', 'https://www.reddit.com/r/x/comments/fo7p5b/'],
  ['reddit/praw-cassette-commentforest-sort-old.json', 'https://www.reddit.com/r/x/comments/x/'],
  ['stackexchange/se-api-question-17992553.json', 'https://stackoverflow.com/q/17992553'],
  ['nodebb/activitypub-nodebb-bb.devnull.land-post1-article.json', 'https://bb.devnull.land/topic/1'],
  ['bgg/bggclient_thread_3208373.xml', 'https://boardgamegeek.com/thread/3208373'],
  ['bgg/tnaskali_thread_666.xml', 'https://boardgamegeek.com/thread/666'],
] as const;

const FILES: { file: string; url: string }[] = [...PAGES.map((p) => ({ file: p.file, url: p.url })), ...API.map(([file, url]) => ({ file, url }))];
const bytesOf = new Map(FILES.map((f) => [f.file, corpusBytes(f.file)]));

function extract(bytes: Uint8Array, url: string): Thread {
  const t = extractThread(sourceFromText(decodePage(bytes), url, linkedomKit));
  // What comes out is a Thread the schema accepts as it is.
  expect(Thread.safeParse(t).success).toBe(true);
  return t;
}

const whole = new Map<string, boolean>();
function readsWhole(file: string, url: string): boolean {
  if (!whole.has(file)) {
    try {
      extractThread(sourceFromText(decodePage(bytesOf.get(file)!), url, linkedomKit));
      whole.set(file, true);
    } catch {
      whole.set(file, false);
    }
  }
  return whole.get(file)!;
}

describe('fuzz: saved pages and API responses', () => {
  it(
    'mutated bytes give a thread or an ExtractError',
    async () => {
      const seen = { ok: 0, refused: 0 };
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: FILES.length - 1 }), mutation, async (i, m) => {
          const { file, url } = FILES[i]!;
          const input = mutate(bytesOf.get(file)!, m);
          const outcome = await clearOutcome(`${file} ${describeMutation(m)}`, input.length, () => extract(input, url));
          // Listings and pages no reader understands are refused whole too: only the others are counted.
          if (readsWhole(file, url)) seen[outcome]++;
        }),
        params(40),
      );
      // Most mutations of a readable page leave a readable thread: a reader that refused everything would pass the rest.
      expect(seen.ok).toBeGreaterThan(seen.refused);
    },
    budget(40, 1500),
  );

  it(
    'JSON responses with a value replaced give a thread or an ExtractError naming the place',
    async () => {
      const json = API.filter(([f]) => f.endsWith('.json'));
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: json.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), jsonReplacement, async (i, pick, to) => {
          const [file, url] = json[i]!;
          const text = mutateJson(new TextDecoder().decode(bytesOf.get(file)!), pick, to);
          if (text === null) return;
          await clearOutcome(`${file} value at ${pick.toFixed(4)} → ${to}`, text.length, () => extract(new TextEncoder().encode(text), url));
        }),
        params(80),
      );
    },
    budget(80, 300),
  );
});
