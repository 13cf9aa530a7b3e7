import { decodePage, extractThread, sourceFromText, type ExtractOptions } from '../../lib/extract/index.ts';
import { nodeKit } from '../../lib/extract/linkedom-node.ts';
import { corpusBytes } from './corpus.ts';

/** Extracts a corpus file as the CLI does: bytes → decoded text → source → Thread. */
export function extractCorpus(rel: string, url: string, opts?: ExtractOptions) {
  return extractThread(sourceFromText(decodePage(corpusBytes(rel)), url, nodeKit), opts);
}

export function extractText(text: string, url: string, opts?: ExtractOptions) {
  return extractThread(sourceFromText(text, url, nodeKit), opts);
}
