/**
 * The release build's time and peak memory: fills a SQLite hub with accepted entries (hub-read's fast
 * fill: entries over HUB_READ_SUBJECTS subjects in four hobbies, one in ten citing more posts) and runs
 * `hub publish` on it as its own process under `/usr/bin/time`, which reports the process's peak RSS.
 *
 * Environment: RELEASE_BENCH_ENTRIES (comma-separated sizes, default 50000,200000); HUB_READ_SUBJECTS (1000).
 * `RELEASE_BENCH_ENTRIES=50000,200000 npm run bench -- release-build`
 *
 * Peak RSS, loaded 2-core machine (times rough): 50,000 entries 1,772 MB -> 488 MB; 200,000 entries
 * 6,329 MB in 412 s -> 518 MB in 178 s (the build held every entry and file in memory, then streamed);
 * 1,000,000 entries (out of a 6 GB heap before) -> 547 MB in 984 s.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const SIZES = (process.env.RELEASE_BENCH_ENTRIES ?? '50000,200000').split(',').map(Number);

/** Fills a fresh SQLite hub with `n` accepted entries, in a child process (hub-read reads its size once). */
async function filled(n: number): Promise<{ dir: string; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gleaner-bench-release-'));
  const file = join(dir, 'hub.sqlite');
  const code = `const { fill } = await import(${JSON.stringify(join(ROOT, 'bench/hub-read.bench.ts'))});
const { openHubStore } = await import(${JSON.stringify(join(ROOT, 'hub/store.ts'))});
const s = await openHubStore(${JSON.stringify(file)}); await fill(s); await s.close();`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, HUB_READ_ENTRIES: String(n) } });
  const [exit] = await once(proc, 'exit');
  if (exit !== 0) throw new Error(`fill exited ${exit}`);
  return { dir, file };
}

export default async function releaseBuild(): Promise<void> {
  for (const n of SIZES) {
    const { dir, file } = await filled(n);
    const out = join(dir, 'release');
    const t = performance.now();
    const proc = spawn('/usr/bin/time', ['-f', 'peak-rss-kb %M', process.execPath, '--max-old-space-size=6144', '--import', 'tsx', 'hub/cli.ts', 'publish', '--out', out, '--date', '2026-01-01', '--db', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    let err = '';
    proc.stdout!.on('data', (d) => (said += d));
    proc.stderr!.on('data', (d) => (err += d));
    const [code] = await once(proc, 'exit');
    const kb = Number(/peak-rss-kb (\d+)/.exec(err)?.[1] ?? NaN);
    console.log(`release build (hub publish, SQLite, ${n} entries): ${((performance.now() - t) / 1000).toFixed(1)} s, peak RSS ${(kb / 1024).toFixed(0)} MB, exit ${code}; ${said.split('\n')[0]}`);
    if (code !== 0) console.log(err.slice(-2000));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await releaseBuild();
