/**
 * `npm run bench [-- NAME...]`: runs every `bench/*.bench.ts`, one after another, in this process.
 *
 * Convention for adding a benchmark: create `bench/<topic>.bench.ts` whose default export is an async
 * function that prints its own results (a table and a one-line summary). Arguments after `--` pick
 * benchmarks whose file name contains them. Benchmarks never run inside the test suite.
 * `npm run bench` exposes `gc`, so benchmarks may collect garbage between pages (steadier numbers);
 * `node --expose-gc --import tsx bench/run.ts` is the same.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !wanted.length || wanted.some((w) => f.includes(w)))
  .sort();

if (!files.length) {
  console.error(wanted.length ? `No benchmark in bench/ matches ${wanted.join(', ')}.` : 'No bench/*.bench.ts files found.');
  process.exit(1);
}

for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default?: () => Promise<void> | void };
  if (typeof mod.default !== 'function') {
    console.error(`${f} has no default export to run; see the convention at the top of bench/run.ts.`);
    process.exitCode = 1;
    continue;
  }
  await mod.default();
}
