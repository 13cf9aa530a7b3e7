/**
 * Dexie bulk writes of imported conversations in Chromium: the e2e build's import page writes
 * generated threads (100 posts each, Slack-sized text) into the extension's own IndexedDB through the
 * same Dexie database the extension uses. Prints ms per 1,000 posts.
 *
 * Needs a built e2e extension: `GLEANER_OUT_DIR=.output-e2e E2E=1 npx wxt build` (GLEANER_E2E_DIR
 * chooses another folder). Run: `npx tsx bench/import-dexie.bench.ts`.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { E2E_BUILD, launchWithExtension } from '../test/e2e/support/chromium.ts';

const POSTS_PER_THREAD = 100;
const THREADS = Number(process.env.BENCH_DEXIE_THREADS ?? 1000);
const BATCH = 50;

/** The page bundle's db() is not global: find the chunk that exports it and the name it goes by. */
function dbModule(): { path: string; name: string } {
  const chunks = join(E2E_BUILD, 'chunks');
  const importChunk = readdirSync(chunks).find((f) => /^import-.*\.js$/.test(f));
  if (!importChunk) throw new Error(`no import page in ${E2E_BUILD}: build the e2e extension first`);
  const m = /import\{(\w+) as \w+\}from"\.\/(db-[^"]+\.js)"/.exec(readFileSync(join(chunks, importChunk), 'utf8'));
  if (!m) throw new Error('cannot find the db chunk the import page uses');
  return { path: `/chunks/${m[2]}`, name: m[1]! };
}

export default async function main(): Promise<void> {
  if (!existsSync(join(E2E_BUILD, 'manifest.json'))) {
    console.log(`Skipped: no e2e build in ${E2E_BUILD}. Build it with "GLEANER_OUT_DIR=.output-e2e E2E=1 npx wxt build" first.`);
    return;
  }
  const mod = dbModule();
  const b = await launchWithExtension();
  try {
    const page = await b.context.newPage();
    await page.goto(b.page('import.html'));
    // A string, not a function: tsx would add helpers (__name) that do not exist in the page.
    const script = `(async () => {
      const m = await import(${JSON.stringify(mod.path)});
      const db = m[${JSON.stringify(mod.name)}]();
      const text = 'the rules say you may move one worker then place a tile but the expansion changes scoring so check the errata first';
      const row = (i) => ({
        id: 'bench-' + String(i).padStart(8, '0'),
        url: 'slack://bench/C1/' + i,
        capturedAt: new Date(0).toISOString(),
        thread: {
          schemaVersion: 1, platform: 'slack', url: 'slack://bench/C1/' + i, title: '#bench (bench), 2020-01-01',
          posts: Array.from({ length: ${POSTS_PER_THREAD} }, (_, k) => ({
            id: i + '.' + k, author: { name: 'Member ' + (k % 50), url: null }, publishedAt: '2020-01-01T00:00:00Z',
            text, html: '<p>' + text + '</p>', permalink: null, replyTo: null, quotes: [], score: null,
          })),
        },
      });
      const t0 = performance.now();
      for (let i = 0; i < ${THREADS}; i += ${BATCH}) await db.threads.bulkPut(Array.from({ length: Math.min(${BATCH}, ${THREADS} - i) }, (_, k) => row(i + k)));
      const ms = performance.now() - t0;
      const stored = await db.threads.count();
      await db.threads.clear();
      return { ms, stored };
    })()`;
    const result = (await page.evaluate(script)) as { ms: number; stored: number };
    if (result.stored < THREADS) throw new Error(`only ${result.stored} of ${THREADS} threads stored`);
    const posts = THREADS * POSTS_PER_THREAD;
    console.log(
      `Dexie bulkPut in Chromium: ${THREADS} threads × ${POSTS_PER_THREAD} posts in batches of ${BATCH}: ${(result.ms / 1000).toFixed(2)} s, ${((result.ms / posts) * 1000).toFixed(1)} ms per 1,000 posts`,
    );
  } finally {
    await b.close();
    rmSync(b.profile, { recursive: true, force: true });
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await main();
