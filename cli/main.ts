import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFile } from 'node:fs/promises';
import { extractThread, sourceFromText, ExtractError } from '../lib/extract/index.ts';
import { decodePageReport } from '../lib/extract/decode-page.ts';
import { nodeKit } from '../lib/extract/linkedom-node.ts';
import type { Thread } from '../lib/model/thread.ts';
import { threadJson } from './thread-json.ts';
import { cutOffMessage } from '../lib/extract/truncation.ts';

const USAGE = `Usage:
  gleaner extract FILE [--url ORIGINAL_URL] [--format json|markdown] [--fallback] [--reader auto|generic]
      Print the discussion thread in a saved page or API response (type detected from the content).
      --reader generic switches every engine adapter off and reads the page by structure alone.
  gleaner import FILE|ZIP|FOLDER
      Read a chat or mail archive; print one Thread per conversation as JSON Lines.
  gleaner redact [--jsonl]
      Redact personal data from text on standard input.

A file that ends before its closing structure (a page or log cut off) is still read; stderr says
"this file looks cut off after post N" and the output carries "truncated": true.
Exit status: 0 done (warnings on stderr), 1 the input could not be read (the reason on stderr),
2 wrong usage, 141 the output was closed early (| head).
`;

/** Commands that live in their own module; each exports run(args, io). */
const MODULES: Record<string, () => Promise<{ run: (args: string[], io: Io) => Promise<number> }>> = {
  import: () => import('./import.ts'),
  redact: () => import('./redact.ts'),
};

import { stdio, type Io } from './io.ts';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}

// Lives in its own module so `gleaner import` can use it without importing this entry point.
export { threadJson } from './thread-json.ts';

export function threadMarkdown(t: Thread): string {
  const lines = [`# ${t.title}`, '', `Source: <${t.url}> (${t.platform})`, ''];
  for (const p of t.posts) {
    lines.push(`## ${p.author.name}${p.publishedAt ? ` — ${p.publishedAt}` : ''}`, '');
    if (p.permalink) lines.push(`<${p.permalink}>`, '');
    for (const q of p.quotes) lines.push(...q.text.split('\n').map((l) => `> ${l}`), '');
    lines.push(p.text, '');
  }
  return lines.join('\n');
}

async function extract(args: string[], io: Io): Promise<number> {
  const url = flag(args, '--url');
  const format = flag(args, '--format') ?? 'json';
  const reader = flag(args, '--reader') ?? 'auto';
  const fallback = args.includes('--fallback');
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length !== 1 || !['json', 'markdown'].includes(format) || (reader !== 'auto' && reader !== 'generic')) {
    io.err(USAGE);
    return 2;
  }
  const file = files[0]!;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    io.err(`gleaner extract: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return 1;
  }
  try {
    const decoded = decodePageReport(bytes);
    if (decoded.replaced) {
      io.err(`gleaner extract: ${file}: warning: ${decoded.replaced} place${decoded.replaced === 1 ? '' : 's'} in the file ${decoded.replaced === 1 ? 'is' : 'are'} not valid UTF-8 and read as "\ufffd"; the rest of the page is UTF-8.\n`);
    }
    const src = sourceFromText(decoded.text, url ?? pathToFileURL(resolve(file)).href, nodeKit);
    const thread = extractThread(src, { fallback, reader });
    io.out(format === 'markdown' ? threadMarkdown(thread) : JSON.stringify(threadJson(thread)) + '\n');
    // What was read is printed (and marked "truncated" in the JSON); the exit status stays 0.
    if (thread.truncated) io.err(`gleaner extract: ${file}: warning: ${cutOffMessage(thread.posts.length)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ExtractError) {
      io.err(`gleaner extract: ${file}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'extract':
      return extract(rest, io);
    case 'import':
    case 'redact':
      return (await MODULES[cmd]!()).run(rest, io);
    case undefined:
    case '-h':
    case '--help':
      io.out(USAGE);
      return cmd ? 0 : 2;
    default:
      io.err(`gleaner: unknown command "${cmd}"\n${USAGE}`);
      return 2;
  }
}
