/**
 * Where a process spent a stretch of wall time, from a V8 CPU profile (`node --cpu-prof`): each sample
 * is put in the first category found walking its stack from the innermost frame outwards, so time in
 * zod called from the hub's submit counts as schema, and time in SQLite called from anywhere as SQLite.
 * Transport (HTTP, sockets, the routes' own code) counts only where no other category is on the stack:
 * a socket write the pg client makes is PostgreSQL's. On a busy machine a socket write that wakes the
 * reader often hands it the CPU, so such waits show up in the writer's category.
 * Used by `hub-load.bench.ts`; not a benchmark itself (no `.bench.ts`).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Categories in the order they are tried on each frame; a frame's URL or function name decides. */
const CATEGORIES: { name: string; transport?: boolean; test: (url: string, fn: string) => boolean }[] = [
  { name: 'idle (waiting for clients or the disk)', test: (_u, fn) => fn === '(idle)' },
  { name: 'garbage collection', test: (_u, fn) => fn === '(garbage collector)' },
  { name: 'SQLite (statements, commits)', test: (u) => u.includes('better-sqlite3') || u.includes('hub/store-sqlite') },
  { name: 'PostgreSQL queries (pg client, its socket writes)', test: (u) => u.includes('/pg/') || u.includes('/pg-protocol/') || u.includes('/pg-pool/') || u.includes('hub/store-postgres') },
  { name: 'schema (zod)', test: (u) => u.includes('/zod/') || u.includes('lib/model/') && !u.includes('lib/model/limits') },
  { name: 'size limits (before the schema)', test: (u) => u.includes('lib/model/limits') || u.includes('hub/limits') },
  { name: 'entry checks (licence, SPDX, language, URLs, times)', test: (u) => u.includes('lib/license/') || u.includes('/spdx-') || u.includes('lib/curate/') && !u.includes('hash') },
  { name: 'hashing (content, token, request)', test: (u) => u.includes('hash.ts') || u.includes('content-hash') || u.includes('hub/tokens') || u.includes('internal/crypto') },
  { name: 'ids (ulid)', test: (u) => u.includes('/ulid/') || u.includes('hub/ids') },
  { name: 'JSON parse and stringify', test: (u, fn) => u === '' && (fn === 'parse' || fn === 'stringify') },
  {
    name: 'HTTP (node:http, sockets, Hono, node-server)',
    transport: true,
    test: (u) => /node:(_http|net|internal\/(streams|webstreams|http|deps\/undici|url|abort_controller|event_target))|node:(events|stream)/.test(u) || u.includes('/hono/') || u.includes('@hono/'),
  },
  { name: 'hub routes (app.ts)', transport: true, test: (u) => u.includes('hub/app') || u.includes('hub/body') || u.includes('hub/problem') || u.includes('hub/rate-limit') },
];
const OTHER = 'other (runtime, module loader, timers)';

export interface Breakdown {
  /** Wall time covered, milliseconds. */
  totalMs: number;
  rows: { name: string; ms: number }[];
}

/** Samples between `fromUs` and `toUs` (the monotonic clock in microseconds, as process.hrtime gives it), sorted by time spent. */
export function cpuBreakdown(file: string, fromUs: number, toUs: number): Breakdown {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const categoryOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = categoryOf.get(id);
    if (known) return known;
    let found: string | null = null;
    let transport: string | null = null;
    for (let at: number | undefined = id; at !== undefined && !found; at = parent.get(at)) {
      const { url, functionName } = byId.get(at)!.callFrame;
      const hit = CATEGORIES.find((c) => c.test(url, functionName));
      if (hit?.transport) transport ??= hit.name;
      else if (hit) found = hit.name;
    }
    found ??= transport ?? OTHER;
    categoryOf.set(id, found);
    return found;
  };
  const ms = new Map<string, number>();
  let t = prof.startTime;
  let total = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i]!;
    if (t < fromUs || t > toUs) continue;
    // A sample stands for the time since the previous one.
    const d = prof.timeDeltas[i]! / 1000;
    const name = classify(prof.samples[i]!);
    ms.set(name, (ms.get(name) ?? 0) + d);
    total += d;
  }
  return { totalMs: total, rows: [...ms].map(([name, v]) => ({ name, ms: v })).sort((a, b) => b.ms - a.ms) };
}
