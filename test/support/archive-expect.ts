import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve, dirname } from 'node:path';
import { expect } from 'vitest';
import type { Thread } from '../../lib/model/thread.ts';
import { CORPUS } from './corpus.ts';
import { digest } from './digest.ts';

/** The first words of a message as these expectation files digest them: whitespace-split, as written. */
function firstWords(text: string, n = 5): string {
  return text.trim().split(/\s+/).slice(0, n).join(' ');
}

/**
 * Hand-checked expectations for the corpus's chat archives (`test/expect/archives/<dir>--<name>.json`):
 * message count, system lines, and the author and first words of the first and last ten messages,
 * as digests (see digest.ts).
 */
export interface ArchiveExpectation {
  file: string;
  messages: number;
  systemLines: number;
  first: { author: string; firstWords: string }[];
  last: { author: string; firstWords: string }[];
}

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../expect/archives');

export function archiveExpectations(corpusDir: string): ArchiveExpectation[] {
  return readdirSync(DIR)
    .filter((f) => f.startsWith(`${corpusDir}--`) && f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(resolve(DIR, f), 'utf8')) as ArchiveExpectation);
}

/** Every file of a corpus folder: each must have an expectation. */
export function corpusFiles(corpusDir: string): string[] {
  return readdirSync(resolve(CORPUS, corpusDir))
    .filter((f) => !f.startsWith('.'))
    .map((f) => `${corpusDir}/${f}`)
    .sort();
}

/** The posts of all threads in the file's order (ids carry it: "L12" is line 12, "7" the 7th message). */
export function postsInFileOrder(threads: Thread[]) {
  const n = (id: string) => Number(id.replace(/^L/, ''));
  return threads.flatMap((t) => t.posts).sort((a, b) => n(a.id) - n(b.id));
}

export function checkArchive(exp: ArchiveExpectation, threads: Thread[], systemLines: number): void {
  const posts = postsInFileOrder(threads);
  const shape = (p: (typeof posts)[number]) => ({ author: digest(p.author.name), firstWords: digest(firstWords(p.text)) });
  expect({ file: exp.file, messages: posts.length, systemLines }).toEqual({ file: exp.file, messages: exp.messages, systemLines: exp.systemLines });
  expect(posts.slice(0, 10).map(shape)).toEqual(exp.first);
  expect(posts.slice(-10).map(shape)).toEqual(exp.last);
}
