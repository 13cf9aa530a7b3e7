/**
 * The duplicate index at size, on SQLite: N generated Q&A entries (default 20 000, BENCH_SIMILAR_N) stored
 * without the index, then indexed by the backfill; prints the indexing rate, the bytes the index adds to the
 * database file per entry, and the latency of a lookup (`Similarity.find`: shared posts or a near-identical
 * question) for a question asked before and for a new one. Questions are made from a small vocabulary so
 * many share words, which is the hard case for band keys.
 * Run: `npx tsx bench/similar-index.bench.ts` (or `npm run bench -- similar-index`).
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SqliteHubStore } from '../hub/store-sqlite.ts';
import { similarityOf } from '../hub/similar.ts';
import { entry } from '../test/support/similar-entries.ts';
import type { Entry } from '../lib/model/entry.ts';

const N = Number(process.env.BENCH_SIMILAR_N ?? 20_000);
const WORDS = 'robber trade settlement road city card knight harbour dice resource wool grain ore brick longest army victory point turn player phase build move steal discard'.split(' ');

function question(i: number): string {
  let x = i * 2654435761;
  const pick = () => WORDS[(x = (x * 1103515245 + 12345) >>> 0) % WORDS.length];
  return `Can I ${pick()} the ${pick()} when another ${pick()} has a ${pick()} during the ${pick()} ${pick()} of game ${i}?`;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

export default async function similarIndex(): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'gleaner-sim-bench-')), 'hub.sqlite');
  const store = new SqliteHubStore(file);
  store.db.pragma('synchronous = OFF'); // filling, not measuring commits
  const who = store.addContributor('bench').contributor;
  const base = await entry('x', ['1', '2']);
  if (base.kind !== 'qa') throw new Error('expected a Q&A entry');
  const made: Entry[] = [];
  for (let i = 0; i < N; i++) {
    const q = question(i);
    const thread = `https://forum.bench/t/${i}`;
    made.push({
      ...base,
      id: `B${String(i).padStart(8, '0')}`,
      title: q.slice(0, 60),
      sources: base.sources.map((s, j) => ({ ...s, url: `${thread}/${j + 1}`, threadUrl: thread, postId: String(j + 1) })),
      qa: { ...base.qa, question: { ...base.qa.question, text: q } },
    });
  }
  for (let i = 0; i < made.length; i += 500) store.receiveBatch(who, `fill-${i}`, made.slice(i, i + 500), 202);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const before = statSync(file).size;

  const sim = await similarityOf(store);
  const t0 = performance.now();
  const indexed = await sim.backfill();
  const ms = performance.now() - t0;
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const after = statSync(file).size;
  console.log(`indexed ${indexed} entries in ${(ms / 1000).toFixed(1)} s (${((indexed / ms) * 1000).toFixed(0)}/s); index adds ${((after - before) / indexed).toFixed(0)} bytes per entry to the database file`);

  const lat = { known: [] as number[], fresh: [] as number[] };
  let hits = 0;
  for (let i = 0; i < 200; i++) {
    const k = (i * 97) % N;
    let t = performance.now();
    const f = await sim.find([], `Hi! ${question(k)}`, null);
    lat.known.push(performance.now() - t);
    if (f.some((x) => x.id === made[k]!.id)) hits++;
    t = performance.now();
    await sim.find([{ url: `https://elsewhere.bench/t/${i}/1` }], question(N + i), null);
    lat.fresh.push(performance.now() - t);
  }
  console.log(`lookup of a retyped question: p50 ${pct(lat.known, 0.5).toFixed(1)} ms, p95 ${pct(lat.known, 0.95).toFixed(1)} ms, found ${hits}/200`);
  console.log(`lookup of a new question: p50 ${pct(lat.fresh, 0.5).toFixed(1)} ms, p95 ${pct(lat.fresh, 0.95).toFixed(1)} ms`);
  store.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await similarIndex();
