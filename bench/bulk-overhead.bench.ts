/**
 * Bulk capture overhead against its politeness delay, in Node (linkedom + fake-indexeddb, the same
 * code the service worker runs; the e2e test `test/e2e/bulk.test.ts` prints the same per-page figure
 * measured inside Chromium). Prints ms per page for extract + store of real SMF topic pages (built from
 * the corpus at run time), and Dexie write time per 1,000 posts through saveThread.
 * Run: `npx tsx bench/bulk-overhead.bench.ts` (or `npm run bench -- bulk-overhead`).
 */
import 'fake-indexeddb/auto';
import { performance } from 'node:perf_hooks';
import { openDb } from '../lib/store/db.ts';
import { saveThread } from '../lib/store/threads.ts';
import { extractThread, sourceFromText } from '../lib/extract/index.ts';
import { linkedomKit } from '../lib/extract/linkedom.ts';
import { buildForum } from '../test/support/bulk-forum.ts';
import type { Thread } from '../lib/model/thread.ts';

const PAGES = Number(process.env.BENCH_BULK_PAGES ?? 40);
const DEFAULT_INTERVAL_MS = 2000;

export default async function bulkOverhead(): Promise<void> {
  const origin = 'http://forum.bench';
  const forum = buildForum(origin);
  const db = openDb(`bench-bulk-${Date.now()}`);
  const urls = forum.topics.filter((u) => u !== forum.flaky).slice(0, PAGES);
  const extractMs: number[] = [];
  const storeMs: number[] = [];
  const threads: Thread[] = [];
  for (const u of urls) {
    const body = forum.route(new URL(u).pathname)!.body;
    const t0 = performance.now();
    const thread = extractThread(sourceFromText(body, u, linkedomKit));
    const t1 = performance.now();
    await saveThread(db, thread);
    const t2 = performance.now();
    extractMs.push(t1 - t0);
    storeMs.push(t2 - t1);
    threads.push(thread);
  }
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  const posts = threads.reduce((n, t) => n + t.posts.length, 0);

  // Dexie per 1,000 posts: fresh threads (new URLs) of the same posts, written one saveThread each.
  const db2 = openDb(`bench-bulk-posts-${Date.now()}`);
  let written = 0;
  const w0 = performance.now();
  for (let i = 0; written < 5000; i++) {
    const t = threads[i % threads.length]!;
    await saveThread(db2, { ...t, url: `${t.url}?copy=${i}` });
    written += t.posts.length;
  }
  const perThousand = ((performance.now() - w0) / written) * 1000;

  console.table([
    { step: 'extract (linkedom parse + adapter)', 'mean ms': mean(extractMs).toFixed(1), 'median ms': median(extractMs).toFixed(1) },
    { step: 'store (saveThread, merge by URL)', 'mean ms': mean(storeMs).toFixed(1), 'median ms': median(storeMs).toFixed(1) },
  ]);
  const perPage = mean(extractMs) + mean(storeMs);
  console.log(
    `bulk overhead: ${perPage.toFixed(1)} ms per page (${urls.length} SMF pages, ${posts} posts) = ${((perPage / DEFAULT_INTERVAL_MS) * 100).toFixed(1)}% of the default ${DEFAULT_INTERVAL_MS} ms interval; Dexie (fake-indexeddb) ${perThousand.toFixed(0)} ms per 1,000 posts written through saveThread`,
  );
  db.close();
  db2.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await bulkOverhead();
