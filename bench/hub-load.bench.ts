/**
 * `npm run bench -- hub-load`. Load benchmark for the hub: autocannon drives the real hub (`hub/cli.ts
 * serve`, its own process, write rate limit off) on loopback with one-entry batches, each with its own
 * entry id and Idempotency-Key, so every 202 is a newly stored entry. After a short warm-up (the first
 * requests load modules and compile hot code), the measured seconds give accepted submissions/s and
 * latency percentiles, and the hub's own CPU profile over those seconds says where its time went. On Linux
 * the hub's CPU time per submission (main thread and the rest, from /proc) is printed too: steadier than
 * throughput on a shared machine, where other processes take turns on the cores.
 *
 * The ceiling is a bare better-sqlite3 loop inserting the same rows, one transaction each, at the hub's
 * durability (WAL, synchronous=FULL: every commit is on disk before it returns), into a fresh file in the
 * same temp folder, in the same run. A shared machine's disk flushes at very different speeds from one
 * minute to the next, so the loop runs beside every hub run: once before the first, then after each (so
 * each hub run sits between two bare runs, BARE_SECONDS each), and a hub run's ratio is its accepted/s over
 * the mean of the bare loop just before and just after it. The ratio of every run is printed, and the median
 * of each hub's (with BEFORE=…, the before and this hubs' separately). The loop at synchronous=NORMAL (the
 * last commits can be lost on power failure) is printed once, at the end, for reference.
 *
 * When PostgreSQL's binaries are installed (scripts/ensure-postgres.sh --install-only), the same load
 * runs against a throwaway durable cluster (fsync and synchronous_commit on), beside a bare `pg` loop
 * inserting the same rows from as many connections. PG=off skips it; PG=postgres://… uses that database.
 *   DURATION=8 measured seconds, WARMUP=1, CONNECTIONS=8, BATCH=1 by default (environment variables);
 *   PROFILES=DIR keeps the hub's CPU profiles there (open them in Chrome DevTools' Performance panel).
 *   TMPDIR=/dev/shm puts the hub's file (and the bare loop's) on tmpfs, where a flush costs nothing: the hub
 *   is then bound by its CPU, as on a quiet machine whose disk flushes in half a millisecond, which a shared
 *   machine's busy disk hides (for comparisons, BEFORE=DIR; nothing there is durable).
 *   THREADS=1 lists the hub's CPU time per thread (named by thread id less the process id: V8's helpers come
 *   first, then libuv's pool, then the worker threads in the order they started); by default, per thread name.
 *   TRACE=1 adds a timeline of the hub's own (bench/hub-trace.ts): what overlapped the slowest answers.
 *   BEFORE=DIR[,DIR…] runs the hub from DIR (another commit's files, e.g. `git archive COMMIT hub lib | tar -x -C
 *   DIR` plus a node_modules link) under the same load right before this one, ROUNDS=n times each,
 *   alternating: before/after figures from one run, on the same machine load (PostgreSQL: a fresh database
 *   per hub run on the one cluster).
 */
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import pg from 'pg';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ulid } from 'ulid';
import type { Entry } from '../lib/model/entry.ts';
import { qaEntry } from '../test/support/entries.ts';
import { addContributor, freePort } from '../test/e2e/support/hub-process.ts';
import { cpuBreakdown, type Breakdown } from './cpu-breakdown.ts';
import { now as traceNow, traceSummary } from './hub-trace.ts';

const DURATION = Number(process.env.DURATION ?? 8);
const WARMUP = Number(process.env.WARMUP ?? 1);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 8);
const BATCH = Number(process.env.BATCH ?? 1);
const PG = process.env.PG ?? 'auto';
const PROFILES = process.env.PROFILES;
const TRACE = process.env.TRACE === '1';
const BEFORE = process.env.BEFORE ? process.env.BEFORE.split(',').map((d) => resolve(d)) : [];
const ROUNDS = Number(process.env.ROUNDS ?? 1);
const THREADS = process.env.THREADS === '1';
const BARE_SECONDS = Math.min(2, DURATION);
const ROOT = resolve(import.meta.dirname, '..');

const pgInstalled = () => existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

interface HubRun {
  accepted: number;
  /** Answered 2xx in the measured seconds. */
  submissions: number;
  failed: number;
  /** Answer times, ms (each response's, as autocannon timed it). */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  stored: number;
  sent: number;
  /** Live entries the duplicate index had not reached when the hub stopped (null: not counted). */
  unindexed: number | null;
  breakdown: Breakdown | null;
  /** The load generator's (this process's) CPU time over the measured seconds, in cores. */
  clientCpu: number;
  /** TRACE=1: the slowest answers beside what the hub did meanwhile (bench/hub-trace.ts). */
  trace: string[] | null;
  /** The hub process's CPU time over the measured seconds (Linux /proc), ms: its main thread and the rest (workers, libuv's pool, V8's). */
  cpuMs: { main: number; others: number; byName: [name: string, ms: number][] } | null;
}

/** CPU time (user + system) of each thread of a process so far, ms, with the thread's name, by thread id (Linux /proc; null elsewhere). */
function threadCpu(pid: number): Map<number, { name: string; ms: number }> | null {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  try {
    const out = new Map<number, { name: string; ms: number }>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out.set(Number(tid), { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ms: (Number(f[11]) + Number(f[12])) * tick });
      } catch {
        // The thread ended meanwhile.
      }
    }
    return out;
  } catch {
    return null;
  }
}

/** CPU used between two threadCpu readings: the main thread's (its id is the process's), all others', and theirs by thread name. */
function cpuBetween(pid: number, a: Map<number, { name: string; ms: number }> | null, b: Map<number, { name: string; ms: number }> | null): HubRun['cpuMs'] {
  if (!a || !b) return null;
  let main = 0;
  let others = 0;
  const byName = new Map<string, number>();
  for (const [tid, t] of b) {
    const d = t.ms - (a.get(tid)?.ms ?? 0);
    if (tid === pid) main += d;
    else {
      others += d;
      const name = THREADS ? `${t.name}#${tid - pid}` : t.name;
      byName.set(name, (byName.get(name) ?? 0) + d);
    }
  }
  return { main, others, byName: [...byName].filter(([, ms]) => ms > 0).sort((x, y) => y[1] - x[1]) };
}

/** Starts the hub on `target`, loads it, stops it, and reads its CPU profile for the measured seconds. */
async function loadHub(target: string, token: string, template: Entry, profDir: string, countStored: () => Promise<{ stored: number; unindexed: number | null }>, root = ROOT): Promise<HubRun> {
  const port = await freePort();
  // node itself (not the tsx wrapper) so --cpu-prof profiles the hub's own process.
  const traceFile = TRACE ? join(profDir, '..', `trace-${port}.json`) : null;
  if (traceFile) mkdirSync(dirname(traceFile), { recursive: true });
  const proc = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--import', 'tsx', ...(traceFile ? ['--import', join(ROOT, 'bench/hub-trace.ts')] : []), 'hub/cli.ts', 'serve', '--port', String(port), '--db', target, '--write-rate', 'off'], {
    cwd: root,
    env: traceFile ? { ...process.env, HUB_TRACE_FILE: traceFile } : process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ok, fail) => {
    proc.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && ok());
    proc.on('exit', (code) => fail(new Error(`the hub exited (${code}) before listening`)));
  });
  const load = (seconds: number, took?: number[]) =>
    new Promise<autocannon.Result>((ok, fail) => {
      const run = autocannon(
        {
          url: `http://127.0.0.1:${port}/v1/submissions`,
          connections: CONNECTIONS,
          duration: seconds,
          requests: [
            {
              method: 'POST',
              setupRequest: (req) => ({
                ...req,
                headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${ulid()}` },
                body: JSON.stringify({ entries: Array.from({ length: BATCH }, () => ({ ...template, id: ulid() })) }),
              }),
            },
          ],
        },
        (err, result) => (err ? fail(err) : ok(result)),
      );
      // Each answer's time, for the percentiles autocannon's summary leaves out (p95).
      if (took) run.on('response', (_client, _status, _bytes, ms) => took.push(ms));
    });
  const warm = WARMUP > 0 ? await load(WARMUP) : null;
  const from = nowUs();
  const fromMs = traceNow();
  const cpu = process.cpuUsage();
  const hubCpuFrom = threadCpu(proc.pid!);
  const took: number[] = [];
  const result = await load(DURATION, took);
  const hubCpuTo = threadCpu(proc.pid!);
  took.sort((a, b) => a - b);
  const to = nowUs();
  const toMs = traceNow();
  const used = process.cpuUsage(cpu);
  // autocannon drops the requests in flight when time is up; let the hub finish them before it stops.
  await new Promise((r) => setTimeout(r, 500));
  proc.kill('SIGTERM');
  await once(proc, 'exit');
  const profiles = existsSync(profDir) ? readdirSync(profDir).map((f) => join(profDir, f)) : [];
  // The main thread's profile is the largest (a loader worker writes its own, small one).
  const main = profiles.sort((a, b) => statSync(b).size - statSync(a).size)[0];
  const ok = result['2xx'];
  const counted = await countStored();
  return {
    accepted: (ok * BATCH) / ((to - from) / 1e6),
    submissions: ok,
    failed: result.non2xx + result.errors + (warm ? warm.non2xx + warm.errors : 0),
    p50: percentile(took, 50),
    p95: percentile(took, 95),
    p99: percentile(took, 99),
    max: result.latency.max,
    stored: counted.stored,
    unindexed: counted.unindexed,
    sent: (ok + (warm?.['2xx'] ?? 0)) * BATCH,
    breakdown: main ? cpuBreakdown(main, from, to) : null,
    clientCpu: (used.user + used.system) / (to - from),
    trace: traceFile && existsSync(traceFile) ? traceSummary(traceFile, fromMs, toMs) : null,
    cpuMs: cpuBetween(proc.pid!, hubCpuFrom, hubCpuTo),
  };
}

interface Bare {
  rate: number;
  /** Milliseconds per commit. */
  p50: number;
  p99: number;
  max: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

let bareRuns = 0;

/** One bare loop run into a fresh file in `dir`, removed afterwards so every run starts alike. */
function bareSqlite(dir: string, template: Entry, seconds: number, synchronous: 'FULL' | 'NORMAL'): Bare {
  const file = join(dir, `bare-${synchronous}-${bareRuns++}.sqlite`);
  try {
    return bareLoop(file, template, seconds, synchronous);
  } finally {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }
}

function bareLoop(file: string, template: Entry, seconds: number, synchronous: 'FULL' | 'NORMAL'): Bare {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec('CREATE TABLE entries (id TEXT PRIMARY KEY, record TEXT NOT NULL, received_at TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO entries (id, record, received_at) VALUES (?, ?, ?)');
  const one = db.transaction((id: string) => insert.run(id, JSON.stringify({ ...template, id }), new Date().toISOString()));
  const took: number[] = [];
  const end = performance.now() + seconds * 1000;
  for (let t = performance.now(); t < end; ) {
    one(ulid());
    const after = performance.now();
    took.push(after - t);
    t = after;
  }
  db.close();
  took.sort((a, b) => a - b);
  return { rate: took.length / seconds, p50: percentile(took, 50), p99: percentile(took, 99), max: took.at(-1) ?? 0 };
}

/** The same rows into PostgreSQL from CONNECTIONS connections, one INSERT (its own transaction) at a time each. */
async function barePostgres(url: string, template: Entry, seconds: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS });
  await pool.query('CREATE TABLE bare_entries (id TEXT PRIMARY KEY, record TEXT NOT NULL, received_at TEXT NOT NULL)');
  let n = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const id = ulid();
        await pool.query('INSERT INTO bare_entries (id, record, received_at) VALUES ($1, $2, $3)', [id, JSON.stringify({ ...template, id }), new Date().toISOString()]);
        n++;
      }
    }),
  );
  await pool.query('DROP TABLE bare_entries');
  await pool.end();
  return n / seconds;
}

/**
 * Every accepted entry is stored, and nothing else but the requests still in flight when each load run
 * stopped (autocannon does not count their answers): at most one per connection per run.
 */
const storedAsAccepted = (run: HubRun) => run.stored >= run.sent && run.stored <= run.sent + (WARMUP > 0 ? 2 : 1) * CONNECTIONS * BATCH;

function printRun(label: string, run: HubRun): void {
  const pct = (x: number, of: number) => `${((100 * x) / of).toFixed(1).padStart(5)} %`;
  console.log(`${label}, ${CONNECTIONS} connections, ${BATCH} entr${BATCH === 1 ? 'y' : 'ies'} per request, ${DURATION} s measured after ${WARMUP} s warm-up`);
  console.log(`  accepted submissions/s: ${run.accepted.toFixed(0)} (${run.failed} non-2xx or errors)`);
  console.log(`  latency p50 ${run.p50.toFixed(1)} ms, p95 ${run.p95.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms, max ${run.max} ms`);
  if (run.unindexed !== null) console.log(`  entries the duplicate index had not reached when the hub stopped: ${run.unindexed}`);
  if (!storedAsAccepted(run)) console.log(`  STORED ${run.stored} ENTRIES BUT ${run.sent} WERE ACCEPTED`);
  // CPU time is steadier than throughput on a shared machine: other processes take turns, not cycles.
  if (run.cpuMs && run.submissions) {
    const us = (ms: number) => ((ms / run.submissions) * 1000).toFixed(0);
    console.log(`  the hub's CPU time per accepted submission: ${us(run.cpuMs.main + run.cpuMs.others)} µs (main thread ${us(run.cpuMs.main)} µs, its other threads ${us(run.cpuMs.others)} µs: ${run.cpuMs.byName.map(([n, ms]) => `${n} ${us(ms)}`).join(', ')}; /proc)`);
  }
  const b = run.breakdown;
  if (run.trace) for (const l of run.trace) console.log(l);
  if (!b || b.totalMs === 0) return console.log('  (no CPU profile of the hub was written)');
  const perRequest = (ms: number) => `${((ms / run.submissions) * 1000).toFixed(0).padStart(5)} µs/submission`;
  console.log(`  where the hub's time went over the measured ${(b.totalMs / 1000).toFixed(1)} s (its CPU profile; µs per accepted submission):`);
  for (const r of b.rows) console.log(`    ${r.name.padEnd(52)} ${pct(r.ms, b.totalMs)} ${perRequest(r.ms)}`);
  console.log(`  (the load generator, autocannon in this process, used ${(run.clientCpu * 100).toFixed(0)} % of a core meanwhile; the machine has 2 cores, load average ${loadavg()[0]!.toFixed(1)})`);
}

export default async function hubLoad(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gleaner-bench-'));
  const template = await qaEntry();
  let pgDir: string | null = null;
  try {
    // BEFORE=DIR: the hub in DIR (an earlier commit's files) runs under the same load just before this
    // one, ROUNDS times each, alternating, so both meet the same machine.
    const roots = BEFORE.length ? [...BEFORE.map((root, i) => ({ label: BEFORE.length > 1 ? `before ${i + 1}` : 'before', root })), { label: 'this', root: ROOT }] : [{ label: '', root: ROOT }];
    // Each hub run between two bare loop runs: bares[i] just before runs[i], bares[i + 1] just after it.
    const runs: { label: string; run: HubRun }[] = [];
    const bares: Bare[] = [bareSqlite(dir, template, BARE_SECONDS, 'FULL')];
    let n = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const { label, root } of roots) {
        const dbFile = join(dir, `hub-${n++}.sqlite`);
        const token = addContributor(dbFile, 'bench');
        const countSqlite = async () => {
          const db = new Database(dbFile, { readonly: true });
          const c = (db.prepare("SELECT COUNT(*) AS n FROM entries WHERE state = 'received'").get() as { n: number }).n;
          // The index in the hub's file (before it moved) or in its own beside it (hub/similar-sqlite.ts).
          const inMain = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'similar_index'").get();
          if (!inMain && existsSync(`${dbFile}-similar`)) db.prepare('ATTACH DATABASE ? AS idx').run(`${dbFile}-similar`);
          const unindexed = inMain || existsSync(`${dbFile}-similar`)
            ? (db.prepare(`SELECT COUNT(*) AS n FROM entries e WHERE e.state = 'received' AND NOT EXISTS (SELECT 1 FROM ${inMain ? 'main' : 'idx'}.similar_index s WHERE s.entry_id = e.id)`).get() as { n: number }).n
            : null;
          db.close();
          return { stored: c, unindexed };
        };
        const run = await loadHub(dbFile, token, template, join(PROFILES ?? dir, `prof-sqlite-${n}`), countSqlite, root);
        printRun(`hub on loopback (own process), SQLite${label ? `, ${label} (${root})` : ''}`, run);
        runs.push({ label, run });
        bares.push(bareSqlite(dir, template, BARE_SECONDS, 'FULL'));
        console.log(`  bare durable insert loop just before and just after: ${bares.at(-2)!.rate.toFixed(0)} and ${bares.at(-1)!.rate.toFixed(0)} rows/s`);
      }
    }
    const bareNormal = bareSqlite(dir, template, BARE_SECONDS, 'NORMAL');
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
    };
    const bareP99 = median(bares.map((b) => b.p99));
    console.log(`bare better-sqlite3 insert loop (one transaction per row, synchronous=FULL like the hub), ${bares.length} runs of ${BARE_SECONDS} s beside the hub runs: ${bares.map((b) => b.rate.toFixed(0)).join(', ')} rows/s`);
    console.log(`  one durable commit (mostly the disk's flush), median over the runs: p50 ${median(bares.map((b) => b.p50)).toFixed(1)} ms, p99 ${bareP99.toFixed(1)} ms, max ${median(bares.map((b) => b.max)).toFixed(1)} ms`);
    console.log(`  (the same loop at synchronous=NORMAL, not durable per commit: ${bareNormal.rate.toFixed(0)} rows/s)`);

    let pgLine = 'PostgreSQL: not measured (PG=off)';
    const pgRatios: number[] = [];
    if (PG !== 'off') {
      let url: string | null = PG.startsWith('postgres') ? PG : null;
      if (!url && pgInstalled()) {
        const out = execFileSync('bash', [join(ROOT, 'scripts/ensure-postgres.sh'), '--durable'], { encoding: 'utf8', timeout: 120_000 }).trim().split('\n');
        pgDir = out.find((l) => l.startsWith('PGDIR='))!.slice(6);
        url = out.at(-1)!;
      }
      if (!url) pgLine = 'PostgreSQL: not measured (no binaries: bash scripts/ensure-postgres.sh --install-only)';
      else {
        // One fresh database per hub run, so each run's stored count is its own.
        const admin = new pg.Client(url);
        await admin.connect();
        const pgLines: string[] = [];
        let m = 0;
        try {
          for (let round = 0; round < ROUNDS; round++) {
            for (const { label, root } of roots) {
              const name = `hub_load_${m++}`;
              await admin.query(`CREATE DATABASE ${name}`);
              const runUrl = Object.assign(new URL(url), { pathname: `/${name}` }).toString();
              const pgToken = addContributor(runUrl, 'bench');
              const countPg = async () => {
                const c = new pg.Client(runUrl);
                await c.connect();
                const n = Number((await c.query("SELECT COUNT(*) AS n FROM entries WHERE state = 'received'")).rows[0].n);
                const u = await c
                  .query("SELECT COUNT(*) AS n FROM entries e WHERE e.state = 'received' AND NOT EXISTS (SELECT 1 FROM similar_index s WHERE s.entry_id = e.id)")
                  .then((r) => Number(r.rows[0].n), () => null);
                await c.end();
                return { stored: n, unindexed: u };
              };
              const pgRun = await loadHub(runUrl, pgToken, template, join(PROFILES ?? dir, `prof-pg-${m}`), countPg, root);
              printRun(`hub on loopback (own process), PostgreSQL${pgDir ? ' (throwaway cluster, fsync and synchronous_commit on)' : ''}${label ? `, ${label} (${root})` : ''}`, pgRun);
              pgLines.push(`PostgreSQL${label ? ` (${label})` : ''}: ${pgRun.accepted.toFixed(0)} accepted/s, RATIO, p50 ${pgRun.p50.toFixed(1)} ms, p95 ${pgRun.p95.toFixed(1)} ms, p99 ${pgRun.p99.toFixed(1)} ms`);
              pgRatios.push(pgRun.accepted);
              if (pgRun.failed > 0 || !storedAsAccepted(pgRun)) process.exitCode = 1;
            }
          }
        } finally {
          await admin.end();
        }
        const pgBare = await barePostgres(url, template, BARE_SECONDS);
        console.log(`bare pg insert loop (${CONNECTIONS} connections, one INSERT per transaction): ${pgBare.toFixed(0)} rows/s`);
        pgLine = pgLines.map((l, i) => l.replace('RATIO', `${(pgRatios[i]! / pgBare).toFixed(2)}x its bare loop`)).join('\n');
      }
    }

    console.log('');
    const ratios = new Map<string, number[]>();
    runs.forEach(({ label, run }, i) => {
      const bare = (bares[i]!.rate + bares[i + 1]!.rate) / 2;
      const ratio = run.accepted / bare;
      ratios.set(label, [...(ratios.get(label) ?? []), ratio]);
      console.log(`SQLite${label ? ` (${label})` : ''}: hub reaches ${ratio.toFixed(2)}x the bare durable insert loop (goal >= 0.3x), p50 ${run.p50.toFixed(1)} ms, p95 ${run.p95.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms (goal < 50 ms): ${run.accepted.toFixed(0)} vs ${bare.toFixed(0)} rows/s (the bare loop's mean just before and after)`);
      if (run.failed > 0 || !storedAsAccepted(run)) process.exitCode = 1;
    });
    for (const [label, rs] of ratios) {
      const p99s = runs.filter((r) => r.label === label).map((r) => r.run.p99);
      console.log(`SQLite${label ? ` (${label})` : ''}: median ratio over ${rs.length} run${rs.length === 1 ? '' : 's'} ${median(rs).toFixed(2)}x (${rs.map((r) => r.toFixed(2)).join(', ')}), median p99 ${median(p99s).toFixed(1)} ms`);
    }
    console.log(`  a submission's answer waits for the WAL flush in progress and then its own: twice the disk's flush p99 here is ${(2 * bareP99).toFixed(0)} ms`);
    console.log(pgLine);
  } finally {
    if (pgDir) execFileSync('bash', [join(ROOT, 'scripts/ensure-postgres.sh'), '--stop', pgDir]);
    rmSync(dir, { recursive: true, force: true });
  }
}
