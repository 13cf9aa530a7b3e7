import { readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve, dirname, join, relative, sep } from 'node:path';

/** The shared corpus sits beside the clone (`../shared/corpus`); tests read it in place, never copy it. */
export const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');

export function corpusPath(rel: string): string {
  const p = resolve(CORPUS, rel);
  if (!existsSync(p)) throw new Error(`Corpus file missing: ${p}. The corpus must sit at ../shared/corpus beside the repository.`);
  return p;
}

export function corpusBytes(rel: string): Uint8Array {
  return readFileSync(corpusPath(rel));
}

/** Every file under a corpus folder, by its path inside the folder ('/'-separated): an export as its producer wrote it. */
export function corpusFolderFiles(folder: string): Map<string, Uint8Array> {
  const root = corpusPath(folder);
  const out = new Map<string, Uint8Array>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p).split(sep).join('/'), readFileSync(p));
    }
  };
  walk(root);
  return out;
}
