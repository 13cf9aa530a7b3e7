/**
 * Output check for work on the mail importer's speed: every corpus mail archive imported through
 * importByteFile (what the CLI uses) as is, with CRLF line ends, cut at 60%, with a UTF-8 BOM,
 * mboxrd-escaped and as UTF-16 (LE/BE, with and without a mark), fed in several chunk sizes, plus the
 * import bench's generated mbox (20 MB in every form; 100 MB as is); threads and warnings hashed, one line
 * per file and form. Run it on a copy of the code before a change and on the change, and diff the outputs:
 *   npx tsx bench/mail-output-hash.ts [ROOT] > after.txt   (ROOT: a checkout to import from; default this one)
 * Not a benchmark (bench/run.ts runs only *.bench.ts files). Prints no message text.
 */
import { createHash } from 'node:crypto';
import { utf16 } from '../test/support/encodings.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { mboxFile } from './import.bench.ts';

const HERE = resolve(fileURLToPath(import.meta.url), '../..');
const root = resolve(process.argv[2] ?? HERE);
const { importByteFile } = (await import(`${root}/lib/import/file-import.ts`)) as typeof import('../lib/import/file-import.ts');
const C = resolve(HERE, '../shared/corpus') + '/';
const files = [
  'mailman/mailman2-pipermail-bigbang-dev-2014-11.txt',
  'mailman/mailman2-pipermail-metrics-grimoire-2015-11.mbox',
  'listserv/listserv-3gpp-tsg-sa-wg4-evs.mbox',
  'listserv/listserv-notebook-3gpp-tsg-sa-itut-ahg-LOG1705B.txt',
  'mbox/gnome-desktop-devel-list-2-messages.mbox',
  'nntp/nntp-article-mozilla-dev-project-link-2016.txt',
];
const inputs: [string, Uint8Array][] = files.map((f) => [f, new Uint8Array(readFileSync(C + f))]);
const zip = new Uint8Array(readFileSync(C + 'groupsio/groupsio-updates-export-messages.zip'));
inputs.push(['groupsio/messages.mbox', unzipSync(zip)['messages.mbox']!]);
const dir = mkdtempSync(join(tmpdir(), 'gleaner-mail-hash-'));
await mboxFile(join(dir, 'gen20.mbox'), 20 * 1024 * 1024);
await mboxFile(join(dir, 'gen100.mbox'), 100 * 1024 * 1024);
const gen: [string, Uint8Array][] = [['gen20', new Uint8Array(readFileSync(join(dir, 'gen20.mbox')))]];

function crlf(b: Uint8Array): Uint8Array {
  return Buffer.from(Buffer.from(b).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}
function mboxrd(b: Uint8Array): Uint8Array {
  const s = Buffer.from(b).toString('latin1');
  // Escape >*From lines inside messages (not envelopes: an envelope follows an empty line or starts the file).
  const lines = s.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^>*From /.test(l)) {
      const envelope = /^From \S.*\d{4}\s*$/.test(l) && (i === 0 || lines[i - 1] === '' || lines[i - 1] === '\r');
      if (!envelope) lines[i] = '>' + l;
    }
  }
  return Buffer.from(lines.join('\n'), 'latin1');
}
const utf16Of = (b: Uint8Array, be: boolean, bom: boolean): Uint8Array => utf16(new TextDecoder('utf-8').decode(b), be, bom);
const variants: [string, (b: Uint8Array) => Uint8Array][] = [
  ['asis', (b) => b],
  ['crlf', crlf],
  ['cut60', (b) => b.subarray(0, Math.floor(b.length * 0.6))],
  ['bom', (b) => new Uint8Array([0xef, 0xbb, 0xbf, ...b])],
  ['mboxrd', mboxrd],
  ['utf16le-bom', (b) => utf16Of(b, false, true)],
  ['utf16be-bom', (b) => utf16Of(b, true, true)],
  ['utf16le', (b) => utf16Of(b, false, false)],
];

async function run(name: string, bytes: Uint8Array, chunk: number): Promise<string> {
  const h = createHash('sha256');
  const warnings: string[] = [];
  const file = {
    name: name.split('/').pop()!,
    size: bytes.length,
    read: async (s: number, e: number) => bytes.slice(s, e),
    stream: async function* () {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.slice(i, i + chunk);
    },
  };
  let n = 0;
  try {
    for await (const t of importByteFile(file, {}, warnings)) {
      h.update(JSON.stringify(t));
      h.update('\n');
      n++;
    }
  } catch (e) {
    h.update('ERR ' + String((e as Error).message));
  }
  h.update(JSON.stringify(warnings));
  return `${h.digest('hex').slice(0, 16)} ${n}`;
}

const chunksSmall = [1, 7, 64, 4096, 65537, 1 << 20];
for (const [f, b] of [...inputs, ...gen]) {
  for (const [vn, v] of variants) {
    const bytes = v(b);
    const sizes = b.length > 1 << 20 ? [4093, 65537, 1 << 20] : bytes.length > 200000 ? [7, 4096, 65537, 1 << 20] : chunksSmall;
    const res = new Set<string>();
    const per: string[] = [];
    for (const c of sizes) {
      const r = await run(f, bytes, c);
      res.add(r);
      per.push(`${c}:${r}`);
    }
    const line = res.size === 1 ? `${f} ${vn} ${[...res][0]}` : `${f} ${vn} CHUNK-DEPENDENT ${per.join(' ')}`;
    console.log(line);
  }
}
// The groupsio zip itself, as is.
console.log(`groupsio zip asis ${await run('groupsio-updates-export-messages.zip', zip, 1 << 20)}`);
console.log(`gen100 asis ${await run('archive.mbox', new Uint8Array(readFileSync(join(dir, 'gen100.mbox'))), 1 << 20)}`);
rmSync(dir, { recursive: true, force: true });
