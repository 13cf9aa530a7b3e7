import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve, dirname } from 'node:path';

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
