/**
 * A WhatsApp export cut short (an interrupted copy or download) marks its last conversation truncated, as
 * a cut IRC log or mail archive does, where the cut can be told from the app's own end (see endsCut):
 * a file ending inside a character (any phone), or an iOS export ending without the line break iOS
 * writes after every message. The cuts are made here at run time from the corpus's real exports.
 */
import { describe, expect, it } from 'vitest';
import { importContext } from '../../lib/import/context.ts';
import { importByteFile, type ByteFile } from '../../lib/import/file-import.ts';
import { importArchive } from '../../lib/import/index.ts';
import { importWhatsAppStream, readWhatsApp } from '../../lib/import/whatsapp.ts';
import type { Thread } from '../../lib/model/thread.ts';
import { corpusBytes } from '../support/corpus.ts';

const IOS = ['whatsapp/ios-en-gb-plusword-gamers-_chat.txt', 'whatsapp/ios-de-klimmzugchallenge-_chat.txt'];
const ANDROID = 'whatsapp/mlomb_wa_4A_11M.txt';

async function* chunks(b: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < b.length; at += size) yield b.subarray(at, at + size);
}

async function streamed(b: Uint8Array, size: number): Promise<Thread[]> {
  const out: Thread[] = [];
  for await (const t of importWhatsAppStream(() => chunks(b, size), importContext('_chat.txt'))) out.push(t);
  return out;
}

function memoryFile(name: string, b: Uint8Array): ByteFile {
  return { name, size: b.length, read: async (s, e) => b.subarray(s, e), stream: () => chunks(b, 4099) };
}

async function viaFile(b: Uint8Array): Promise<Thread[]> {
  const out: Thread[] = [];
  for await (const t of importByteFile(memoryFile('_chat.txt', b))) out.push(t);
  return out;
}

/** Which conversations say they are truncated, by index, in every way the file can be read. */
async function cutMarks(b: Uint8Array): Promise<number[][]> {
  const marks = (ts: Thread[]) => ts.flatMap((t, i) => (t.truncated ? [i] : []));
  return [
    marks(readWhatsApp(b, importContext('_chat.txt')).threads),
    marks(await streamed(b, 777)),
    marks(await streamed(b, 1 << 16)),
    marks((await importArchive({ name: '_chat.txt', bytes: b })).threads),
    marks(await viaFile(b)),
  ];
}

const allSay = (n: number, marks: number[][]) => expect(marks).toEqual(Array.from({ length: 5 }, () => (n < 0 ? [] : [n])));

/** The offset, at or before `at`, where a line (a message's first or further line) starts. */
function lineStart(b: Uint8Array, at: number): number {
  return b.lastIndexOf(0x0a, at - 1) + 1;
}

describe('WhatsApp exports cut short', () => {
  for (const file of IOS) {
    it(`${file}: whole, nothing is marked; cut mid-line, the last conversation is`, async () => {
      const b = corpusBytes(file);
      allSay(-1, await cutMarks(b));
      const whole = readWhatsApp(b, importContext('_chat.txt'));
      expect(whole.stats.cut).toBe(false);
      for (const frac of [0.31, 0.62, 0.93]) {
        // A few bytes into a line, past any line break, between whole characters.
        let at = lineStart(b, Math.floor(b.length * frac)) + 25;
        while ((b[at]! & 0xc0) === 0x80) at++;
        const cut = b.subarray(0, at);
        const n = readWhatsApp(cut, importContext('_chat.txt')).threads.length;
        allSay(n - 1, await cutMarks(cut));
        // Cut right after a message's line break, the file ends as iOS ends one: nothing to tell.
        allSay(-1, await cutMarks(b.subarray(0, lineStart(b, Math.floor(b.length * frac)))));
      }
    });
  }

  it('a cut inside a character (a multi-byte UTF-8 sequence left unfinished) is told on any phone', async () => {
    for (const file of [ANDROID, IOS[0]!]) {
      const b = corpusBytes(file);
      // The last four-byte or three-byte character: cut after its first byte.
      let lead = -1;
      for (let i = b.length - 1; i >= 0 && lead < 0; i--) if (b[i]! >= 0xe0) lead = i;
      expect(lead).toBeGreaterThan(0);
      const cut = b.subarray(0, lead + 1);
      const n = readWhatsApp(cut, importContext('_chat.txt')).threads.length;
      allSay(n - 1, await cutMarks(cut));
    }
  });

  it('an Android export ends without a line break, as the app writes it: not judged cut', async () => {
    const b = corpusBytes(ANDROID);
    expect(b[b.length - 1]).not.toBe(0x0a);
    allSay(-1, await cutMarks(b));
  });

  it('a UTF-16 export that ends on half a code unit is cut', async () => {
    const text = new TextDecoder().decode(corpusBytes(ANDROID));
    const b = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const marks = (ts: Thread[]) => ts.flatMap((t, i) => (t.truncated ? [i] : []));
    expect(marks(await viaFile(b))).toEqual([]);
    const cut = b.subarray(0, b.length - 1);
    const threads = await viaFile(cut);
    expect(marks(threads)).toEqual([threads.length - 1]);
    expect(marks(await streamed(cut, 777))).toEqual([threads.length - 1]);
  });
});
