import { utf16 } from '../support/encodings.ts';
import { describe, expect, it } from 'vitest';
import type { Thread } from '../../lib/model/thread.ts';
import { importContext } from '../../lib/import/context.ts';
import { importByteFile, type ByteFile } from '../../lib/import/file-import.ts';
import { importArchive } from '../../lib/import/index.ts';
import { importIrcStream } from '../../lib/import/irc.ts';
import { importWhatsAppStream } from '../../lib/import/whatsapp.ts';
import { corpusBytes } from '../support/corpus.ts';

/*
 * Line logs as Windows tools re-save them, read as streams (the path the import page and the command
 * line take for files of any size): UTF-16 with and without a byte order mark, in either byte order,
 * with CR-only line ends too, all derived at run time from the real corpus logs. The texts are compared
 * with the original's, never written here.
 */

const LOGS: ['irc' | 'whatsapp', string][] = [
  ['irc', 'irc/irclog2html-dircproxy-example.log'],
  ['irc', 'irc/limnoria-ltsp-2019-10-17.log'],
  ['whatsapp', 'whatsapp/ios-en-gb-plusword-gamers-_chat.txt'],
  ['whatsapp', 'whatsapp/mlomb_wa_4A_11M.txt'],
];

function utf32le(s: string, bom: boolean): Uint8Array {
  const cps = [...(bom ? '\ufeff' : '') + s].map((c) => c.codePointAt(0)!);
  const b = Buffer.alloc(cps.length * 4);
  cps.forEach((c, i) => b.writeUInt32LE(c, i * 4));
  return b;
}

/** Odd chunk sizes, so code units and line ends are split across chunks. */
async function* chunks(b: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < b.length; at += size) yield b.subarray(at, at + size);
}

async function streamed(kind: 'irc' | 'whatsapp', file: string, b: Uint8Array, size = 777): Promise<Thread[]> {
  const out: Thread[] = [];
  const ctx = importContext(file);
  const it = kind === 'irc' ? importIrcStream(chunks(b, size), ctx) : importWhatsAppStream(() => chunks(b, size), ctx);
  for await (const t of it) out.push(t);
  return out;
}

const posts = (ts: Thread[]) => ts.flatMap((t) => t.posts.map((p) => [p.author.name, p.publishedAt, p.text]));

function memoryFile(name: string, b: Uint8Array): ByteFile {
  return { name, size: b.length, read: async (s, e) => b.subarray(s, e), stream: () => chunks(b, 4099) };
}

describe('streamed line logs in UTF-16 and with CR-only line ends', () => {
  for (const [kind, file] of LOGS) {
    it(`${file}: every variant reads as the UTF-8 original does`, async () => {
      const raw = corpusBytes(file);
      // The original is read as the decoder reads it (a Windows-1252 line stays as it was read).
      const want = posts(await streamed(kind, file, raw));
      expect(want.length).toBeGreaterThan(5);
      const text = new TextDecoder().decode(raw);
      const variants: [string, Uint8Array][] = [
        ['UTF-16LE without BOM', utf16(text, false, false)],
        ['UTF-16BE without BOM', utf16(text, true, false)],
        ['UTF-16LE with BOM', utf16(text, false, true)],
        ['UTF-16BE with BOM, CR-only', utf16(text.replace(/\r?\n/g, '\r'), true, true)],
        ['UTF-16LE without BOM, CR-only', utf16(text.replace(/\r?\n/g, '\r'), false, false)],
        ['UTF-8, CR-only', Buffer.from(text.replace(/\r?\n/g, '\r'))],
      ];
      // A log with a line that is not UTF-8 cannot survive the round trip through a string unchanged.
      const clean = !text.includes('\ufffd');
      for (const [name, b] of variants) {
        for (const size of [777, 1 << 16]) {
          const got = posts(await streamed(kind, file, b, size));
          if (clean) expect([name, size, got]).toEqual([name, size, want]);
          else expect([name, size, got.length]).toEqual([name, size, want.length]);
        }
      }
      // The streaming file import (detection, then the stream reader) takes them as well.
      const viaFile: Thread[] = [];
      for await (const t of importByteFile(memoryFile(file.split('/').pop()!, utf16(text, false, false)))) viaFile.push(t);
      expect(posts(viaFile).length).toBe(want.length);
    });
  }

  it('a log in UTF-32 (with or without its mark) or binary bytes is refused naming what it is', async () => {
    const text = new TextDecoder().decode(corpusBytes('irc/limnoria-ltsp-2019-10-17.log'));
    for (const b of [utf32le(text, true), utf32le(text, false)]) {
      await expect(streamed('irc', 'x.log', b)).rejects.toThrow(/UTF-32LE text, an encoding Gleaner does not read/);
      await expect(streamed('whatsapp', 'x.txt', b)).rejects.toThrow(/UTF-32LE/);
      await expect(importArchive({ name: 'x.log', bytes: b })).rejects.toThrow(/UTF-32LE/);
    }
    const binary = Uint8Array.from({ length: 8192 }, (_, i) => (i * 7919) % 256);
    await expect(streamed('irc', 'x.log', binary)).rejects.toThrow(/binary data/);
    await expect(importArchive({ name: 'x.bin', bytes: binary })).rejects.toThrow(/format was not recognised: its first bytes are binary data/);
  });
});
