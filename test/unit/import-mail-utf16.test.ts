/**
 * Mail archives saved as UTF-16 (as Windows tools save text, with or without a byte order mark) are read
 * as they stream, re-encoded piece by piece, and give the threads the same archive gives in UTF-8. The
 * UTF-16 files are built here at run time from the corpus's real archives.
 */
import { utf16 } from '../support/encodings.ts';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { importContext } from '../../lib/import/context.ts';
import { importByteFile, type ByteFile } from '../../lib/import/file-import.ts';
import { importMboxStream } from '../../lib/import/mbox.ts';
import type { Thread } from '../../lib/model/thread.ts';
import { corpusBytes } from '../support/corpus.ts';

const FILES = [
  'listserv/listserv-3gpp-tsg-sa-wg4-evs.mbox',
  'mbox/gnome-desktop-devel-list-2-messages.mbox',
  'mailman/mailman2-pipermail-bigbang-dev-2014-11.txt',
  'listserv/listserv-notebook-3gpp-tsg-sa-itut-ahg-LOG1705B.txt',
  'groupsio/groupsio-updates-export-messages.zip',
];

function mailBytes(file: string): Uint8Array {
  const b = corpusBytes(file);
  return file.endsWith('.zip') ? unzipSync(b)['messages.mbox']! : b;
}

/** Odd chunk sizes, so code units (and surrogate pairs) are split across chunks. */
function* chunks(b: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < b.length; at += size) yield b.subarray(at, at + size);
}

async function streamed(name: string, b: Uint8Array, size: number, warnings: string[] = []): Promise<Thread[]> {
  const out: Thread[] = [];
  for await (const t of importMboxStream(chunks(b, size), importContext(name, {}, warnings))) out.push(t);
  return out;
}

/** A file that can only be streamed: a read of more than the first 64 kB (the whole file) fails the test. */
function streamOnlyFile(name: string, b: Uint8Array): ByteFile {
  return {
    name,
    size: b.length,
    read: async (s, e) => {
      if (e - s > 1 << 16) throw new Error(`read ${e - s} bytes at once: the file was read whole, not streamed`);
      return b.subarray(s, e);
    },
    stream: async function* () {
      yield* chunks(b, 4099);
    },
  };
}

describe('UTF-16 mail archives stream as UTF-8 ones do', () => {
  for (const file of FILES) {
    it(`${file}: every UTF-16 variant gives the UTF-8 archive's threads`, async () => {
      const text = new TextDecoder().decode(mailBytes(file));
      const name = file.split('/').pop()!;
      const want = await streamed(name, new TextEncoder().encode(text), 1 << 16);
      expect(want.length).toBeGreaterThan(0);
      const variants: [string, Uint8Array][] = [
        ['UTF-16LE with BOM', utf16(text, false, true)],
        ['UTF-16BE with BOM', utf16(text, true, true)],
        ['UTF-16LE without BOM', utf16(text, false, false)],
        ['UTF-16BE without BOM', utf16(text, true, false)],
      ];
      for (const [variant, b] of variants) {
        for (const size of [777, 1 << 16]) {
          const warnings: string[] = [];
          const got = await streamed(name, b, size, warnings);
          expect([variant, size, got]).toEqual([variant, size, want]);
          expect(warnings.some((w) => /is UTF-16[LB]E text; it was read as such/.test(w))).toBe(true);
        }
        // Through the file import: detected from its text, then streamed, never read whole.
        const viaFile: Thread[] = [];
        const warnings: string[] = [];
        for await (const t of importByteFile(streamOnlyFile(name, b), {}, warnings)) viaFile.push(t);
        expect([variant, viaFile]).toEqual([variant, want]);
      }
    });
  }

  it('a UTF-16 archive cut mid-message is still judged cut off', async () => {
    const text = new TextDecoder().decode(mailBytes('listserv/listserv-3gpp-tsg-sa-wg4-evs.mbox'));
    const b = utf16(text, false, true);
    // Cut inside a message's text, on a code unit boundary.
    const cut = b.subarray(0, Math.floor((b.length * 0.77) / 2) * 2);
    const warnings: string[] = [];
    const got = await streamed('cut.mbox', cut, 4099, warnings);
    const wantWarnings: string[] = [];
    const want = await streamed('cut.mbox', new TextEncoder().encode(new TextDecoder('utf-16le').decode(cut)), 4099, wantWarnings);
    expect(got).toEqual(want);
    expect(got.some((t) => t.truncated)).toBe(true);
    expect(warnings.filter((w) => /cut off/.test(w))).toEqual(wantWarnings.filter((w) => /cut off/.test(w)));
  });
});
