import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, Zip, ZipDeflate, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { corpusFolderFiles } from '../support/corpus.ts';

/*
 * The memory ceiling of a streamed ZIP import (README, "Limits on what is read": about 256 MB whatever
 * the archive holds or declares), measured on the real command line in a child process whose JS heap
 * is capped at 256 MB (past it V8 stops the process), reporting its peak resident size at exit. The
 * archives are built at run time from the corpus's Slack export: tens of thousands of day files, and a
 * day file that declares 1,000 bytes and inflates to 200 MB.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FOLDER = 'slack/slack-export-viewer-testarchive';
const CEILING_MB = 256;
const PEAK = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\npeak-rss-kb="+process.resourceUsage().maxRSS+"\\n"))';

const exportFiles = () => corpusFolderFiles(FOLDER);

const isDay = (p: string) => /^[^/]+\/\d{4}-\d{2}-\d{2}\.json$/.test(p);

/** The export's channel listing and users, and `days` day files of one real message each in the first channel with one. */
function manyDays(days: number): { files: Record<string, Uint8Array>; channel: string } {
  const files = exportFiles();
  const day = [...files.keys()].find((p) => isDay(p) && (JSON.parse(new TextDecoder().decode(files.get(p))) as { subtype?: string; text?: string }[]).some((m) => !m.subtype && m.text))!;
  const message = (JSON.parse(new TextDecoder().decode(files.get(day))) as { subtype?: string; text?: string }[]).find((m) => !m.subtype && m.text)!;
  const channel = day.split('/')[0]!;
  const out: Record<string, Uint8Array> = {};
  for (const [p, b] of files) if (!isDay(p)) out[p] = b;
  const t0 = Date.UTC(1980, 0, 1);
  for (let i = 0; i < days; i++) {
    const ts = (t0 + i * 86_400_000) / 1000;
    out[`${channel}/${new Date(ts * 1000).toISOString().slice(0, 10)}.json`] = strToU8(JSON.stringify([{ ...message, ts: `${ts}.000100`, thread_ts: undefined }]));
  }
  return { files: out, channel };
}

/** `gleaner import FILE` with the JS heap capped; stdout lines counted (not kept), stderr kept, peak RSS read off stderr. */
function importInChild(file: string): Promise<{ code: number | null; lines: number; err: string; peakMb: number }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${CEILING_MB}`, '--import', PEAK, join(ROOT, 'bin/gleaner.js'), 'import', file], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lines = 0;
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      for (const c of d) if (c === 0x0a) lines++;
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      const kb = Number(/peak-rss-kb=(\d+)/.exec(err)?.[1] ?? NaN);
      done({ code, lines, err, peakMb: kb / 1024 });
    });
  });
}

describe('a streamed ZIP import stays under its memory ceiling', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gleaner-mem-'));
  // The runtime and code alone (tsx, the readers): a one-day export. What an import needs is measured above it.
  let base: Promise<number> | null = null;
  const baseMb = () =>
    (base ??= (async () => {
      const small = join(dir, 'small.zip');
      writeFileSync(small, zipSync(manyDays(1).files));
      const r = await importInChild(small);
      expect(r.code, r.err).toBe(0);
      return r.peakMb;
    })());

  it('20,000 day files: every conversation printed, the heap never past 256 MB, peak RSS reported', async () => {
    const { files } = manyDays(20_000);
    const file = join(dir, 'days.zip');
    writeFileSync(file, zipSync(files));
    const base = await baseMb();
    const r = await importInChild(file);
    // An out-of-memory stop would end the child with a signal or code 134 and "heap out of memory".
    expect(r.err).not.toMatch(/heap out of memory/);
    expect(r.code).toBe(0);
    expect(r.lines).toBe(20_000);
    // What the import itself takes, above the runtime and code a one-day export needs.
    expect(r.peakMb - base).toBeLessThan(CEILING_MB);
    console.log(`20,000 members: peak RSS ${Math.round(r.peakMb)} MB (one-day export ${Math.round(base)} MB)`);
  }, 180_000);

  it('a day file declaring 1,000 bytes that inflates to 200 MB: refused by name, under the ceiling', async () => {
    const { files, channel } = manyDays(3);
    const bombDay = `${channel}/1999-12-31.json`;
    const file = join(dir, 'bomb.zip');
    const fd = openSync(file, 'w');
    const parts: Uint8Array[] = [];
    const zip = new Zip((e, chunk) => {
      if (e) throw e;
      parts.push(chunk);
    });
    for (const [name, bytes] of Object.entries(files)) {
      const f = new ZipDeflate(name);
      zip.add(f);
      f.push(bytes, true);
    }
    const big = new ZipDeflate(bombDay, { level: 9 });
    zip.add(big);
    const spaces = new Uint8Array(1 << 20).fill(0x20);
    big.push(strToU8('['), false);
    for (let i = 0; i < 200; i++) big.push(spaces, false);
    big.push(strToU8(']'), true);
    zip.end();
    const bomb = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) bomb.set(p, o), (o += p.length);
    // The declared size, in the central directory entry of the bomb day (found by its name).
    const name = strToU8(bombDay);
    let central = -1;
    for (let i = bomb.length - 46; i >= 0 && central < 0; i--) {
      if (bomb[i] === 0x50 && bomb[i + 1] === 0x4b && bomb[i + 2] === 1 && bomb[i + 3] === 2 && name.every((c, k) => bomb[i + 46 + k] === c)) central = i;
    }
    expect(central).toBeGreaterThan(0);
    for (let k = 0; k < 4; k++) bomb[central + 24 + k] = (1000 >>> (8 * k)) & 0xff;
    writeSync(fd, bomb);
    closeSync(fd);
    const base = await baseMb();
    const r = await importInChild(file);
    expect(r.err).not.toMatch(/heap out of memory/);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`"${bombDay}" is damaged: it unpacks to more than`);
    expect(r.peakMb - base).toBeLessThan(CEILING_MB);
    console.log(`200 MB hidden in a day file: refused, peak RSS ${Math.round(r.peakMb)} MB (one-day export ${Math.round(base)} MB)`);
  }, 180_000);
});
