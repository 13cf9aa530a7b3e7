import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Thread } from '../../lib/model/thread.ts';
import { importArchive } from '../../lib/import/index.ts';
import { importContext } from '../../lib/import/context.ts';
import { ImportError } from '../../lib/import/errors.ts';
import { importSlackZipStream, NotSlackExport, type ZipStreamProgress } from '../../lib/import/slack-stream.ts';
import { corpusBytes } from '../support/corpus.ts';

const ZIP = 'slack/slack-export-viewer-testarchive.zip';

function source(bytes: Uint8Array, size = 1000) {
  return async function* () {
    for (let o = 0; o < bytes.length; o += size) yield bytes.slice(o, o + size);
  };
}

async function collect(gen: AsyncGenerator<Thread>): Promise<Thread[]> {
  const out: Thread[] = [];
  for await (const t of gen) out.push(t);
  return out;
}

async function failure(gen: AsyncGenerator<Thread>): Promise<{ err: unknown; got: Thread[] }> {
  const got: Thread[] = [];
  try {
    for await (const t of gen) got.push(t);
  } catch (err) {
    return { err, got };
  }
  return { err: null, got };
}

const byUrl = (ts: Thread[]) => [...ts].sort((a, b) => a.url.localeCompare(b.url));

describe('Slack export ZIP, streamed', () => {
  it('gives the same 17 threads as the in-memory reader, fed in 1,000-byte chunks', async () => {
    const bytes = corpusBytes(ZIP);
    const batch = await importArchive({ name: ZIP, bytes });
    const warnings: string[] = [];
    let last: ZipStreamProgress | null = null;
    const streamed = await collect(importSlackZipStream(source(bytes), importContext(ZIP, {}, warnings), (p) => (last = p)));
    expect(streamed).toHaveLength(17);
    expect(byUrl(streamed)).toEqual(byUrl(batch.threads));
    expect(warnings).toEqual([]);
    expect(last).toEqual({ pass: 2, bytes: bytes.length, messages: 53, threads: 17 });
  });

  it('day files in any member order, users.json first or last, give the same threads', async () => {
    const files = new Map<string, Uint8Array>([
      ['general/2020-01-04.json', strToU8(JSON.stringify([{ type: 'message', user: 'U1', text: 'later', ts: '1578096100.000100' }]))],
      ['users.json', strToU8(JSON.stringify([{ id: 'U1', name: 'ann', profile: { display_name: 'Ann' } }]))],
      ['general/2020-01-01.json', strToU8(JSON.stringify([{ type: 'message', user: 'U1', text: 'first', ts: '1577836800.000100' }]))],
      ['channels.json', strToU8(JSON.stringify([{ id: 'C9', name: 'general' }]))],
    ]);
    const zip = zipSync(Object.fromEntries(files));
    const streamed = await collect(importSlackZipStream(source(zip, 64), importContext('ws.zip')));
    expect(streamed.map((t) => t.posts.map((p) => [p.author.name, p.text]))).toEqual([[['Ann', 'first']], [['Ann', 'later']]]);
  });

  it('a truncated ZIP is an error naming the file and the byte where it stops', async () => {
    const bytes = corpusBytes(ZIP);
    for (const cut of [bytes.length - 10, Math.floor(bytes.length / 2)]) {
      const { err } = await failure(importSlackZipStream(source(bytes.subarray(0, cut)), importContext('cut.zip')));
      expect(err).toBeInstanceOf(ImportError);
      expect((err as ImportError).message).toMatch(/^cut\.zip \(byte \d+\): the ZIP archive is truncated/);
      expect((err as ImportError).position!.offset).toBeLessThanOrEqual(cut);
    }
  });

  it('a ZIP bomb is refused before its day files are inflated', async () => {
    const big = new Uint8Array(3 * 1024 * 1024); // zeros deflate to almost nothing
    const zip = zipSync({ 'channels.json': strToU8('[{"id":"C1","name":"g"}]'), 'g/2020-01-01.json': big });
    const { err, got } = await failure(importSlackZipStream(source(zip, 4096), importContext('bomb.zip', { maxUncompressedBytes: 1024 * 1024 })));
    expect(got).toEqual([]);
    expect((err as Error).message).toMatch(/^bomb\.zip: the ZIP declares that its members unpack to more than 1 MB; refusing/);
  });

  it('missing users.json: imports with ids and warns; a ZIP without channels.json is not Slack', async () => {
    const day = strToU8(JSON.stringify([{ type: 'message', user: 'U1', text: 'hi', ts: '1577836800.000100' }]));
    const warnings: string[] = [];
    const got = await collect(importSlackZipStream(source(zipSync({ 'channels.json': strToU8('[{"id":"C1","name":"g"}]'), 'g/2020-01-01.json': day })), importContext('nu.zip', {}, warnings)));
    expect(got[0]!.posts[0]!.author.name).toBe('U1');
    expect(warnings[0]).toMatch(/^nu\.zip: users\.json is missing/);
    const { err } = await failure(importSlackZipStream(source(zipSync({ 'notes.txt': strToU8('x') })), importContext('other.zip')));
    expect(err).toBeInstanceOf(NotSlackExport);
  });

  it('invalid UTF-8 in a day file names the member and the byte', async () => {
    const day = strToU8(JSON.stringify([{ type: 'message', user: 'U1', text: 'hi', ts: '1577836800.000100' }]));
    day[30] = 0xff;
    const { err } = await failure(importSlackZipStream(source(zipSync({ 'channels.json': strToU8('[{"id":"C1","name":"g"}]'), 'g/2020-01-01.json': day })), importContext('bad.zip')));
    expect((err as Error).message).toMatch(/^bad\.zip\/g\/2020-01-01\.json \(line 1, column 31, byte 30\): the file is not valid UTF-8/);
  });

  const msg = (ts: string, text = 'hi') => ({ type: 'message', user: 'U1', text, ts });
  const day = (...ts: string[]) => strToU8(JSON.stringify(ts.map((t) => msg(t))));

  it('a day file that comes early and does not decode is reported in its turn, after the channels before it', async () => {
    const bad = strToU8('["\u00ff"]');
    bad[2] = 0xff;
    // Slack's member order is not promised: here g's later day comes first and is broken.
    const zip = zipSync({
      'channels.json': strToU8('[{"id":"C1","name":"a"},{"id":"C2","name":"g"}]'),
      'g/2020-01-02.json': bad,
      'a/2020-01-01.json': day('1577836800.000100'),
      'g/2020-01-01.json': day('1577836900.000100'),
    });
    const { err, got } = await failure(importSlackZipStream(source(zip, 64), importContext('early.zip')));
    expect(got.map((t) => t.url)).toEqual(['slack://early/C1/1577836800.000100']);
    expect((err as Error).message).toMatch(/^early\.zip\/g\/2020-01-02\.json \(line 1, column 3, byte 2\): the file is not valid UTF-8/);
  });

  it('the second read stops once every day file is in, and still notices a day file gone missing', async () => {
    const files = {
      'channels.json': strToU8('[{"id":"C1","name":"g"}]'),
      'g/2020-01-01.json': day('1577836800.000100'),
      'g/2020-01-02.json': day('1577923200.000100'),
      // Slack writes users.json last; here it is large and stored, so reading it is easy to notice.
      'users.json': strToU8(JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ id: `U${i}`, name: `member number ${i}` })))),
    };
    const zip = zipSync(files, { level: 0 });
    const read: number[] = [];
    const counted = (bytes: Uint8Array) => () => {
      const pass = read.push(0) - 1;
      return (async function* () {
        for (let o = 0; o < bytes.length; o += 4096) {
          read[pass]! += Math.min(4096, bytes.length - o);
          yield bytes.slice(o, o + 4096);
        }
      })();
    };
    const progress: ZipStreamProgress[] = [];
    const threads = await collect(importSlackZipStream(counted(zip), importContext('ws.zip'), (p) => progress.push(p)));
    expect(threads).toHaveLength(2);
    expect(read[0]).toBe(zip.length);
    expect(read[1]).toBeLessThan(zip.length / 2);
    expect(progress.at(-1)).toEqual({ pass: 2, bytes: zip.length, messages: 2, threads: 2 });

    // The file changes between the two reads: a day file listed the first time is gone the second.
    const { 'g/2020-01-02.json': _gone, ...rest } = files;
    const changed = zipSync(rest, { level: 0 });
    let opened = 0;
    const twoFiles = () => source(opened++ ? changed : zip, 4096)();
    const { err } = await failure(importSlackZipStream(twoFiles, importContext('ws.zip')));
    expect((err as Error).message).toMatch(/^ws\.zip: the file changed while it was being read/);
  });
});
