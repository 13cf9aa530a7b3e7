import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { importArchive } from '../../lib/import/index.ts';
import { blobFile, importByteFile } from '../../lib/import/file-import.ts';
import { corpusBytes } from '../support/corpus.ts';
import { budget, clearOutcome, params } from '../support/fuzz.ts';

/*
 * ZIP structure fuzzed where it matters: a field of a local header, the central directory or the end
 * record set to another value (sizes, offsets, methods, flags, name lengths, counts). Both readers,
 * whole and streamed, must give threads or an ImportError, within the memory bound.
 */

const ZIPS = ['slack/slack-export-viewer-testarchive.zip', 'groupsio/groupsio-updates-export-messages.zip'];
const bytesOf = new Map(ZIPS.map((f) => [f, corpusBytes(f)]));

const u32 = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/** Offsets of every header of a ZIP: local (PK\3\4), central (PK\1\2), end (PK\5\6), with their sizes. */
function headersOf(zip: Uint8Array): { at: number; size: number }[] {
  const out: { at: number; size: number }[] = [];
  for (let i = 0; i + 22 <= zip.length; i++) {
    const sig = u32(zip, i);
    if (sig === 0x04034b50) out.push({ at: i, size: 30 });
    else if (sig === 0x02014b50) out.push({ at: i, size: 46 });
    else if (sig === 0x06054b50) out.push({ at: i, size: 22 });
  }
  return out;
}
const headers = new Map(ZIPS.map((f) => [f, headersOf(bytesOf.get(f)!)]));

const field = fc.record({
  zip: fc.nat({ max: ZIPS.length - 1 }),
  header: fc.nat(),
  offset: fc.nat({ max: 45 }),
  width: fc.constantFrom(1, 2, 4),
  value: fc.oneof(fc.constantFrom(0, 1, 0xff, 0xffff, 0xffffffff, 8, 12, 14, 99, 0x0801), fc.nat()),
});

describe('fuzz: ZIP headers', () => {
  it(
    'a changed header field gives threads or an ImportError, read whole or streamed',
    async () => {
      await fc.assert(
        fc.asyncProperty(field, async ({ zip, header, offset, width, value }) => {
          const file = ZIPS[zip]!;
          const list = headers.get(file)!;
          const h = list[header % list.length]!;
          const bytes = bytesOf.get(file)!.slice();
          const at = h.at + 4 + (offset % Math.max(1, h.size - 4 - width + 1));
          for (let k = 0; k < width; k++) bytes[at + k] = (value >>> (8 * k)) & 0xff;
          const name = file.split('/').pop()!;
          await clearOutcome(`${file} header at ${h.at}, byte ${at}: ${width} byte(s) ← ${value}`, bytes.length, async () => {
            const opts = { parseHtml: linkedomKit.parseHtml };
            const whole = await importArchive({ name, bytes }, opts);
            let streamed = 0;
            for await (const _ of importByteFile(blobFile(new Blob([bytes]), name), opts)) streamed++;
            expect(streamed).toBe(whole.threads.length);
          });
        }),
        params(60),
      );
    },
    budget(60, 300),
  );
});
