/**
 * Bench-only instrumentation of the hub, preloaded into its process by `hub-load.bench.ts` when TRACE=1
 * (`node --import tsx --import …/bench/hub-trace.ts hub/cli.ts serve …`, in the checkout the hub runs
 * from, BEFORE=DIR included); never part of the hub itself.
 * It wraps, from outside, what can hold a submission's answer back, and writes a timeline to the file in
 * $HUB_TRACE_FILE when the process exits:
 *   - each request (arrival of its headers to the end of its answer), from node:http;
 *   - the event loop standing still (a 1 ms timer that fired late), and garbage collection pauses;
 *   - the SQLite store's group commit (its one transaction), the WAL flush on the thread pool, the pruning
 *     of idempotency keys, and the duplicate index's writes, each with whether the database file grew or
 *     was written meanwhile (a WAL checkpoint copies pages into it inside whichever commit crosses the
 *     auto-checkpoint threshold, or the hub's checkpointer thread writes it meanwhile);
 *   - PostgreSQL's group commit: how many submissions each group held, and how long it took.
 * `traceSummary` (below) puts the slowest answers beside what overlapped them.
 */
import fs, { statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

export interface Span {
  kind: string;
  /** Milliseconds since the epoch, from the monotonic clock (comparable with the bench process's). */
  start: number;
  end: number;
  /** Requests: the HTTP status; commits: how many submissions; flushes: how many waiters. */
  n?: number;
  /** The database file was written during the span: a checkpoint ran inside it, or (with the hub's checkpointer thread) meanwhile. */
  checkpoint?: boolean;
}

const spans: Span[] = [];
export const now = () => performance.timeOrigin + performance.now();
const out = process.env.HUB_TRACE_FILE;

if (out) {
  const span = (kind: string, start: number, extra: Partial<Span> = {}) => spans.push({ kind, start, end: now(), ...extra });

  const origEmit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
    if (event === 'request') {
      const start = now();
      const res = args[1] as http.ServerResponse;
      res.once('finish', () => span('request', start, { n: res.statusCode }));
    }
    return origEmit.apply(this, [event, ...args] as Parameters<typeof origEmit>);
  } as typeof origEmit;

  // A 1 ms timer: a gap well over that is the event loop busy with one task (or the process descheduled).
  let last = now();
  setInterval(() => {
    const t = now();
    if (t - last > 5) spans.push({ kind: 'loop stalled', start: last, end: t });
    last = t;
  }, 1).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      // Minor (scavenge) and major (mark-compact) collections apart: only the latter can take tens of ms.
      const major = ((e as PerformanceEntry & { detail?: { kind?: number } }).detail)?.kind === constants.NODE_PERFORMANCE_GC_MAJOR;
      spans.push({ kind: major ? 'gc (major)' : 'gc (minor, incremental)', start: performance.timeOrigin + e.startTime, end: performance.timeOrigin + e.startTime + e.duration });
    }
  }).observe({ entryTypes: ['gc'] });

  const origSync = fs.fdatasync;
  fs.fdatasync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    const start = now();
    origSync(fd, (err) => {
      span('WAL flush (thread pool)', start);
      cb(err);
    });
  }) as typeof fs.fdatasync;
  syncBuiltinESMExports();

  let dbFile: string | null = null;
  const dbWritten = () => {
    if (!dbFile) return 0;
    const s = statSync(dbFile, { bigint: true });
    return Number(s.mtimeNs) + Number(s.size);
  };
  const wrap = (proto: Record<string, unknown>, name: string, kind: string, count?: (args: unknown[]) => number) => {
    const orig = proto[name] as (...a: unknown[]) => unknown;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      const start = now();
      const before = dbWritten();
      try {
        return orig.apply(this, args);
      } finally {
        spans.push({ kind, start, end: now(), n: count?.(args), checkpoint: dbWritten() !== before });
      }
    };
  };
  // The hub's modules of the checkout it runs from (BEFORE=DIR runs another one with this file).
  const hub = (f: string) => pathToFileURL(join(process.cwd(), 'hub', f)).href;
  const { SqliteHubStore } = (await import(hub('store-sqlite.ts'))) as typeof import('../hub/store-sqlite.ts');
  const { SqliteSimilar } = (await import(hub('similar-sqlite.ts'))) as typeof import('../hub/similar-sqlite.ts');
  const store = SqliteHubStore.prototype as unknown as Record<string, unknown>;
  const origFlush = store.flush as (...a: unknown[]) => unknown;
  store.flush = function (this: { pending: unknown[]; db: { name: string } }, ...args: unknown[]) {
    dbFile ??= this.db.name;
    const n = this.pending.length;
    const start = now();
    const before = dbWritten();
    try {
      return origFlush.apply(this, args);
    } finally {
      spans.push({ kind: 'group commit (event loop)', start, end: now(), n, checkpoint: dbWritten() !== before });
    }
  };
  wrap(store, 'pruneKeys', 'pruning idempotency keys');
  // PostgreSQL's group commit (absent from older checkouts): how many submissions each group held.
  const group = (await import(hub('pg-group-commit.ts')).catch(() => null)) as typeof import('../hub/pg-group-commit.ts') | null;
  if (group) {
    const proto = group.PgGroupCommit.prototype as unknown as Record<string, (...a: unknown[]) => Promise<void>>;
    const origGroup = proto.flush!;
    proto.flush = function (this: { pending: unknown[] }, ...args: unknown[]) {
      const n = this.pending.length;
      const start = now();
      return origGroup.apply(this, args).finally(() => spans.push({ kind: `PostgreSQL group of ${n > 4 ? '5+' : n}`, start, end: now(), n }));
    };
  }
  wrap(SqliteSimilar.prototype as unknown as Record<string, unknown>, 'index', 'duplicate index write (event loop)', (a) => (a[0] as unknown[]).length);

  process.on('exit', () => writeFileSync(out, JSON.stringify(spans)));
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/**
 * The slowest answers (above the 98th percentile) and, per kind of work, how much of their time it
 * overlapped on average, plus each kind's count and p50/p99/max over the run. `from`/`to` bound the
 * measured seconds (`now()` in the bench's process) (requests that started in them).
 */
export function traceSummary(file: string, from = -Infinity, to = Infinity): string[] {
  const all = JSON.parse(fs.readFileSync(file, 'utf8')) as Span[];
  const requests = all.filter((s) => s.kind === 'request' && s.start >= from && s.start <= to);
  const other = all.filter((s) => s.kind !== 'request' && s.end >= from && s.start <= to);
  const lines: string[] = [];
  const kinds = [...new Set(other.map((s) => s.kind))];
  lines.push('  what the hub did meanwhile (count, total ms; p50 / p99 / max ms; with the database file written meanwhile, by a checkpoint):');
  for (const k of kinds) {
    const ss = other.filter((s) => s.kind === k);
    const d = ss.map((s) => s.end - s.start).sort((a, b) => a - b);
    const cp = ss.filter((s) => s.checkpoint).length;
    const total = d.reduce((a, b) => a + b, 0);
    lines.push(`    ${k.padEnd(36)} ${String(ss.length).padStart(6)} ${total.toFixed(0).padStart(6)}; ${pct(d, 50).toFixed(1)} / ${pct(d, 99).toFixed(1)} / ${(d.at(-1) ?? 0).toFixed(1)}${cp ? `; ${cp} with a checkpoint` : ''}`);
  }
  const lat = requests.map((r) => r.end - r.start).sort((a, b) => a - b);
  const cut = pct(lat, 98);
  const slow = requests.filter((r) => r.end - r.start >= cut);
  lines.push(`  the ${slow.length} slowest answers (>= ${cut.toFixed(0)} ms, p98 of ${requests.length}; p50 ${pct(lat, 50).toFixed(1)}, p99 ${pct(lat, 99).toFixed(1)} ms): ms of each overlapped, on average`);
  for (const k of kinds) {
    let sum = 0;
    let hit = 0;
    for (const r of slow) {
      let o = 0;
      for (const s of other) if (s.kind === k) o += Math.max(0, Math.min(r.end, s.end) - Math.max(r.start, s.start));
      sum += o;
      if (o > 0) hit++;
    }
    lines.push(`    ${k.padEnd(36)} ${(sum / Math.max(1, slow.length)).toFixed(1).padStart(7)} ms (in ${hit} of ${slow.length})`);
  }
  return lines;
}
