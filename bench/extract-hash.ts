/**
 * A fingerprint of what extraction gives on every corpus file (HTML, XML and JSON), on the product path
 * and with `reader: 'generic'`: one SHA-256 per file and path (of the Thread as JSON, or of the refusal's
 * message), and one over them all. An optimisation of the extraction must leave every line as it was:
 * run it before and after and compare. Not a benchmark (no `.bench.ts`).
 * `npx tsx bench/extract-hash.ts [OUT_FILE]` (the per-file lines go to OUT_FILE, else to stdout).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePage, extractThread, sourceFromText } from '../lib/extract/index.ts';
import { nodeKit } from '../lib/extract/linkedom-node.ts';
import { CORPUS, corpusBytes } from '../test/support/corpus.ts';

const EXPECT = resolve(dirname(fileURLToPath(import.meta.url)), '../test/expect');
/** A fixed capture time: the Thread records when it was read. */
const CAPTURED_AT = '2026-01-01T00:00:00Z';

/** Each page's own address where an expectation states it (relative links resolve against it), else a stand-in. */
const urls = new Map<string, string>();
for (const f of readdirSync(EXPECT).filter((f) => f.endsWith('.json'))) {
  const p = JSON.parse(readFileSync(resolve(EXPECT, f), 'utf8')) as { file: string; url: string };
  urls.set(p.file, p.url);
}

const files: string[] = [];
const walk = (dir: string) => {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(html|xml|json)$/.test(e)) files.push(relative(CORPUS, p).split(sep).join('/'));
  }
};
walk(CORPUS);

const lines: string[] = [];
const all = createHash('sha256');
for (const file of files.sort()) {
  for (const reader of ['auto', 'generic'] as const) {
    let out: string;
    try {
      const src = sourceFromText(decodePage(corpusBytes(file)), urls.get(file) ?? `https://example.org/${file}`, nodeKit);
      out = JSON.stringify(extractThread(src, { reader, capturedAt: CAPTURED_AT }));
    } catch (e) {
      out = `refused: ${(e as Error).message}`;
    }
    const h = createHash('sha256').update(out).digest('hex').slice(0, 16);
    all.update(h);
    lines.push(`${h} ${reader} ${file}`);
  }
}
const outFile = process.argv[2];
if (outFile) writeFileSync(outFile, `${lines.join('\n')}\n`);
else console.log(lines.join('\n'));
console.log(`${files.length} files, ${lines.length} results; all: ${all.digest('hex').slice(0, 16)}`);
