import { strToU8, Zip, ZipDeflate, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { importArchive, ImportError } from '../../lib/import/index.ts';
import { blobFile, importByteFile } from '../../lib/import/file-import.ts';
import type { Thread } from '../../lib/model/thread.ts';
import { corpusFolderFiles } from '../support/corpus.ts';

/*
 * ZIPs that must be refused by name, checked, or read despite their size (issue 17). Every archive is
 * built at run time from the corpus's Slack export folder, re-zipped and then altered byte by byte.
 */

const FOLDER = 'slack/slack-export-viewer-testarchive';

const exportFiles = () => corpusFolderFiles(FOLDER);

const u32 = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const put16 = (b: Uint8Array, i: number, v: number) => ((b[i] = v & 0xff), (b[i + 1] = v >>> 8));
const put32 = (b: Uint8Array, i: number, v: number) => {
  for (let k = 0; k < 4; k++) b[i + k] = (v >>> (8 * k)) & 0xff;
};

/** Offsets of a member's local header and central directory entry, found by name. */
function headers(zip: Uint8Array, name: string): { local: number; central: number } {
  const want = new TextEncoder().encode(name);
  const at = (sig: number, nameAt: number, lenAt: number) => {
    for (let i = 0; i + 46 < zip.length; i++) {
      if (u32(zip, i) !== sig) continue;
      const len = zip[i + lenAt]! | (zip[i + lenAt + 1]! << 8);
      if (len === want.length && want.every((c, k) => zip[i + nameAt + k] === c)) return i;
    }
    throw new Error(`${name} not found`);
  };
  return { local: at(0x04034b50, 30, 26), central: at(0x02014b50, 46, 28) };
}

async function streamed(zip: Uint8Array, name = 'ws.zip'): Promise<{ threads: Thread[]; warnings: string[] }> {
  const warnings: string[] = [];
  const threads: Thread[] = [];
  for await (const t of importByteFile(blobFile(new Blob([new Uint8Array(zip)]), name), {}, warnings)) threads.push(t);
  return { threads, warnings };
}

/** Both readers (whole in memory, and streamed as the CLI and import page read a file) must refuse alike. */
async function bothRefuse(zip: Uint8Array, re: RegExp): Promise<void> {
  const whole = await importArchive({ name: 'ws.zip', bytes: zip }).catch((e) => e);
  expect(whole).toBeInstanceOf(ImportError);
  expect((whole as Error).message).toMatch(re);
  const stream = await streamed(zip).catch((e) => e);
  expect(stream).toBeInstanceOf(ImportError);
  expect((stream as Error).message).toMatch(re);
}

const DAY = (files: Map<string, Uint8Array>) => [...files.keys()].find((p) => /^[^/]+\/\d{4}-\d{2}-\d{2}\.json$/.test(p))!;

describe('ZIP members are checked before they are used', () => {
  it('a changed byte in a stored day file fails its CRC-32, naming the member', async () => {
    const files = exportFiles();
    const day = DAY(files);
    const zip = zipSync(Object.fromEntries(files), { level: 0 });
    const { local } = headers(zip, day);
    const data = local + 30 + day.length;
    // A letter inside the day file's text, so the JSON still parses and only the checksum can tell.
    const k = data + [...zip.subarray(data, data + 400)].findIndex((c, i) => i > 20 && c >= 0x61 && c <= 0x7a);
    zip[k] = zip[k] === 0x61 ? 0x62 : 0x61;
    await bothRefuse(zip, new RegExp(`"${day.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" is damaged: its CRC-32 checksum`));
  });

  it('bzip2 and LZMA members are refused by name', async () => {
    for (const [method, label] of [
      [12, 'bzip2'],
      [14, 'LZMA'],
    ] as const) {
      const files = exportFiles();
      const zip = zipSync(Object.fromEntries(files));
      const { local, central } = headers(zip, 'users.json');
      put16(zip, local + 8, method);
      put16(zip, central + 10, method);
      await bothRefuse(zip, new RegExp(`"users\\.json" uses ${label} compression, which Gleaner does not read; re-zip it with Deflate`));
    }
  });

  it('an encrypted member is refused by name', async () => {
    const zip = zipSync(Object.fromEntries(exportFiles()));
    const { local, central } = headers(zip, 'channels.json');
    zip[local + 6] = zip[local + 6]! | 1;
    zip[central + 8] = zip[central + 8]! | 1;
    await bothRefuse(zip, /"channels\.json" is encrypted/);
  });

  it('a member name listed twice is refused rather than imported twice', async () => {
    const files = exportFiles();
    const day = DAY(files);
    const parts: Uint8Array[] = [];
    const zip = new Zip((err, chunk) => {
      if (err) throw err;
      parts.push(chunk);
    });
    for (const [name, bytes] of [...files, [day, files.get(day)!] as const]) {
      const f = new ZipDeflate(name);
      zip.add(f);
      f.push(bytes, true);
    }
    zip.end();
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) joined.set(p, o), (o += p.length);
    await bothRefuse(joined, new RegExp(`holds "${day.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" twice`));
  });

  it('a member that inflates far past the size its directory declares stops at that size, memory bounded', async () => {
    // 96 MB of zeros deflated as a stream (never held whole here), declared as 1,000 bytes.
    const parts: Uint8Array[] = [];
    const zip = new Zip((err, chunk) => {
      if (err) throw err;
      parts.push(chunk);
    });
    for (const [name, bytes] of exportFiles()) {
      if (name === 'users.json') continue;
      const f = new ZipDeflate(name);
      zip.add(f);
      f.push(bytes, true);
    }
    const big = new ZipDeflate('users.json', { level: 9 });
    zip.add(big);
    const zeros = new Uint8Array(1 << 20);
    for (let i = 0; i < 96; i++) big.push(zeros, i === 95);
    zip.end();
    const bomb = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) bomb.set(p, o), (o += p.length);
    put32(bomb, headers(bomb, 'users.json').central + 24, 1000);
    const before = process.memoryUsage().rss;
    await bothRefuse(bomb, /"users\.json" is damaged: it unpacks to more than/);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  }, 60_000);
});

describe('valid archives are read, whatever their size, and what is off is said', () => {
  /** A Slack export with `days` day files of one message each, in one channel. */
  function manyDays(days: number): Uint8Array {
    const files = exportFiles();
    // The first message a person wrote (no subtype), and its channel.
    let channel = '';
    let message: object | undefined;
    for (const [p, b] of files) {
      if (message || !/^[^/]+\/\d{4}-/.test(p)) continue;
      message = (JSON.parse(new TextDecoder().decode(b)) as { subtype?: string; text?: string }[]).find((m) => !m.subtype && m.text);
      channel = p.split('/')[0]!;
    }
    const out: Record<string, Uint8Array> = {};
    for (const [p, b] of files) if (!/^[^/]+\/\d{4}-/.test(p)) out[p] = b;
    const t0 = Date.UTC(2001, 0, 1);
    for (let i = 0; i < days; i++) {
      const ts = (t0 + i * 86_400_000) / 1000;
      out[`${channel}/${new Date(ts * 1000).toISOString().slice(0, 10)}.json`] = strToU8(JSON.stringify([{ ...message, ts: `${ts}.000100`, thread_ts: undefined }]));
    }
    return zipSync(out);
  }

  it('3,000 day files stream into 3,000 conversations (one a day, silence between)', async () => {
    const { threads } = await streamed(manyDays(3000));
    expect(threads.length).toBe(3000);
  }, 60_000);

  it('a channel folder missing from channels.json is imported, with a warning', async () => {
    const files = exportFiles();
    const listed = JSON.parse(new TextDecoder().decode(files.get('channels.json'))) as { name: string }[];
    const withDays = listed.filter((c) => [...files.keys()].some((p) => p.startsWith(`${c.name}/`)));
    const dropped = withDays[0]!.name;
    const whole = await importArchive({ name: 'ws.zip', bytes: zipSync(Object.fromEntries(files)) });
    files.set('channels.json', strToU8(JSON.stringify(listed.filter((c) => c.name !== dropped))));
    const zip = zipSync(Object.fromEntries(files));
    for (const got of [await importArchive({ name: 'ws.zip', bytes: zip }), await streamed(zip)]) {
      expect(got.threads.length).toBe(whole.threads.length);
      expect(got.warnings.join('\n')).toContain(`the channel folder "${dropped}"`);
    }
  });

  it('an export whose day files hold no message anyone wrote says so', async () => {
    const files = exportFiles();
    for (const p of files.keys()) {
      if (/^[^/]+\/\d{4}-/.test(p)) files.set(p, strToU8(JSON.stringify([{ type: 'message', subtype: 'channel_join', ts: '1500000000.000100', text: 'joined' }])));
    }
    await bothRefuse(zipSync(Object.fromEntries(files)), /no messages found/);
  });
});
