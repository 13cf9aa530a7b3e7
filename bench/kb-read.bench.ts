/**
 * Public reads of the knowledge base on SQLite and (with BENCH_KB_PG=1) PostgreSQL: generated accepted
 * Q&A entries spread over subjects of one hobby, then p50/p95 of the home, hobby, subject and entry pages,
 * search and the duplicate lookup, one reader at a time through the app (no sockets). An ad-hoc
 * measurement of the query plans, not the 1,000,000-entry, 8-reader benchmark.
 * Run: `npx tsx bench/kb-read.bench.ts` (BENCH_KB_ENTRIES=20000, BENCH_KB_SUBJECTS=200 by default).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHubStore, type HubStore } from '../hub/store.ts';
import { createHubApp } from '../hub/app.ts';
import { knowledgeFor } from '../hub/knowledge.ts';
import type { Entry } from '../lib/model/entry.ts';
import { qaEntry } from '../test/support/entries.ts';
import { freshSchemaUrl, startPostgres } from '../test/unit/hub-support.ts';

const N = Number(process.env.BENCH_KB_ENTRIES ?? 20_000);
const SUBJECTS = Number(process.env.BENCH_KB_SUBJECTS ?? 200);
const WORDS = 'robber desert road city settlement knight card trade port harbour dice wool brick ore grain longest army victory point bank'.split(' ');

async function fill(store: HubStore): Promise<void> {
  const base = (await qaEntry()) as Entry & { kind: 'qa' };
  const kb = await knowledgeFor(store);
  await kb.createHobby({ slug: 'board-games', name: 'Board games' });
  for (let i = 0; i < SUBJECTS; i++) await kb.createSubject({ hobby: 'board-games', slug: `game-${i}`, name: `Game ${i}`, aliases: [], externalIds: {} });
  const { contributor } = await store.addContributor('bench');
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const text = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
  for (let b = 0; b < N; b += 500) {
    const batch: Entry[] = Array.from({ length: Math.min(500, N - b) }, (_, i) => ({
      ...base,
      id: `e${String(b + i).padStart(7, '0')}`,
      title: text(6),
      subject: { hobby: 'board-games', slug: `game-${(b + i) % SUBJECTS}` },
      qa: { question: { text: text(40), sourcePostIds: [base.sources[0]!.postId] }, answers: [{ text: text(60), rank: 1, sourcePostIds: [base.sources[1]!.postId] }] },
    }));
    await store.receiveBatch(contributor, `bench-${b}-key`, batch, 202);
  }
  // One UPDATE for all: the triggers still index row by row; times spread so "newest" orders something.
  const accept = "UPDATE entries SET state = 'accepted', updated_at = '2026-01-01T00:00:00.000Z' || id";
  if (store.backend === 'sqlite') (store as unknown as { db: { prepare(s: string): { run(): void } } }).db.prepare(accept).run();
  else await (store as unknown as { pool: { query(s: string): Promise<unknown> } }).pool.query(accept);
}

async function measure(store: HubStore): Promise<void> {
  const t0 = performance.now();
  await fill(store);
  console.log(`${store.backend}: ${N} entries over ${SUBJECTS} subjects stored, accepted and indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const app = createHubApp(store);
  let k = 0;
  const time = async (label: string, path: () => string, n = 40) => {
    const ts: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      const r = await app.request(path());
      await r.text();
      if (r.status !== 200) throw new Error(`${path()} answered ${r.status}`);
      ts.push(performance.now() - s);
    }
    ts.sort((a, b) => a - b);
    console.log(`  ${label.padEnd(28)} p50 ${ts[Math.floor(n / 2)]!.toFixed(1).padStart(7)} ms   p95 ${ts[Math.floor(n * 0.95)]!.toFixed(1).padStart(7)} ms`);
  };
  await time('home', () => '/');
  await time(`hobby (${SUBJECTS} subjects)`, () => '/hobbies/board-games');
  await time('subject page', () => `/hobbies/board-games/game-${k++ % SUBJECTS}`);
  await time('entry page', () => `/entries/e${String((k++ * 7919) % N).padStart(7, '0')}`);
  await time('search, 1 word', () => `/v1/public/search?q=${WORDS[k++ % WORDS.length]}`);
  await time('search, 2 words', () => `/v1/public/search?q=${WORDS[k++ % WORDS.length]}+${WORDS[(k * 3) % WORDS.length]}`);
  await time('search, 2 words in subject', () => `/v1/public/search?q=${WORDS[k++ % WORDS.length]}+${WORDS[(k * 3) % WORDS.length]}&hobby=board-games&subject=game-${k % SUBJECTS}`);
}

export default async function kbRead(): Promise<void> {
  const sqlite = await openHubStore(join(mkdtempSync(join(tmpdir(), 'gleaner-bench-kb-')), 'hub.sqlite'));
  try {
    await measure(sqlite);
  } finally {
    await sqlite.close();
  }
  if (process.env.BENCH_KB_PG !== '1') return;
  const pg = startPostgres();
  const store = await openHubStore(await freshSchemaUrl(pg.url));
  try {
    await measure(store);
  } finally {
    await store.close();
    pg.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await kbRead();
