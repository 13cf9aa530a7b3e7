import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { importArchive, ImportError, type ImportOptions } from '../lib/import/index.ts';
import { importByteFile, type ByteFile } from '../lib/import/file-import.ts';
import { linkedomKit } from '../lib/extract/linkedom.ts';
import type { Io } from './io.ts';
import { threadJson } from './thread-json.ts';
import { cutOffMessage } from '../lib/extract/truncation.ts';
import type { Thread } from '../lib/model/thread.ts';

const USAGE = `Usage: gleaner import FILE|ZIP|FOLDER [--gap-minutes N] [--year YYYY]
  Reads a chat or mail archive and prints one Thread per conversation as JSON Lines.
  --gap-minutes N  silence that starts a new conversation (default 120)
  --year YYYY      year for IRC logs whose timestamps omit it
`;

async function readFolder(root: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) files.set(relative(root, p).split(sep).join('/'), await readFile(p));
    }
  };
  await walk(root);
  return files;
}

/** A file on disk as the importers' ByteFile: ranged reads, and a fresh read stream per pass. */
function nodeFile(path: string, size: number): ByteFile {
  return {
    name: path,
    size,
    read: async (start, end) => {
      const fh = await open(path, 'r');
      try {
        const buf = new Uint8Array(Math.max(0, end - start));
        const { bytesRead } = await fh.read(buf, 0, buf.length, start);
        return buf.subarray(0, bytesRead);
      } finally {
        await fh.close();
      }
    },
    stream: () => createReadStream(path, { highWaterMark: 1 << 20 }),
  };
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}

export async function run(argv: string[], io: Io): Promise<number> {
  const args = [...argv];
  const gap = option(args, '--gap-minutes');
  const year = option(args, '--year');
  if (args.length !== 1 || args[0]!.startsWith('-') || (gap !== undefined && !(Number(gap) > 0)) || (year !== undefined && !/^\d{4}$/.test(year))) {
    io.err(USAGE);
    return 2;
  }
  const path = args[0]!;
  const opts: ImportOptions = { parseHtml: linkedomKit.parseHtml, ...(gap ? { gapMs: Number(gap) * 60_000 } : {}), ...(year ? { year: Number(year) } : {}) };
  const cut: string[] = [];
  const write = (t: Thread) => {
    io.out(JSON.stringify(threadJson(t)) + '\n');
    if (t.truncated) cut.push(`${t.url}: ${cutOffMessage(t.posts.length)}`);
  };
  const warn = (warnings: string[]) => {
    for (const w of warnings) io.err(`gleaner import: warning: ${w}\n`);
    for (const c of cut) io.err(`gleaner import: warning: ${c}\n`);
  };
  try {
    const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file or folder' : (e.code ?? e.message)}`);
    });
    if (st.isFile()) {
      // DiscordChatExporter JSON and Slack export ZIPs are streamed (threads printed as they complete,
      // memory bounded whatever the size); other formats are read whole.
      const warnings: string[] = [];
      for await (const t of importByteFile(nodeFile(path, st.size), opts, warnings)) write(t);
      warn(warnings);
      return 0;
    }
    const { threads, warnings } = await importArchive({ name: path, files: await readFolder(path) }, opts);
    for (const t of threads) write(t);
    warn(warnings);
    return 0;
  } catch (e) {
    if (e instanceof ImportError || (e instanceof Error && e.message.startsWith('cannot read'))) {
      io.err(`gleaner import: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
