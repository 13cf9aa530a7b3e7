import type { Thread } from '../model/thread.ts';
import { importContext, type ImportOptions } from './context.ts';
import { importDiscordStream } from './discord-stream.ts';
import { wideEncoding, wideNote } from './decode.ts';
import { ImportError } from './errors.ts';
import { detectFormat, importArchive } from './index.ts';
import { importSlackZipStream, NotSlackExport, type ByteSource } from './slack-stream.ts';
import { importMboxStream } from './mbox.ts';
import { isZip } from './zip.ts';
import { importIrcStream } from './irc.ts';
import { logEndsMidLine } from './log-cut.ts';
import { importWhatsAppStream } from './whatsapp.ts';

/** A file as the browser (File) or Node (a path opened on demand) offers it: size, name, random reads and a stream. */
export interface ByteFile {
  name: string;
  size: number;
  /** Bytes [start, end). */
  read(start: number, end: number): Promise<Uint8Array>;
  /** The whole file as a stream of chunks, from the start, each time it is called. */
  stream: ByteSource;
}

export interface FileImportProgress {
  /** Bytes read so far, out of `total` (a Slack ZIP is read twice). */
  bytes: number;
  total: number;
  messages: number;
  threads: number;
}

/**
 * Formats without a streaming reader are read whole; past this size the browser tab could run out of
 * memory, so such a file is refused with a reason instead.
 */
export const WHOLE_FILE_LIMIT = 512 * 1024 * 1024;

/** A browser File (or any Blob with a name) as a ByteFile. */
export function blobFile(blob: Blob, name: string): ByteFile {
  return {
    name,
    size: blob.size,
    read: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()),
    stream: () => readableChunks(blob.stream()),
  };
}

/** A ReadableStream as an async iterable (not every browser we support iterates streams natively). */
export async function* readableChunks(rs: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = rs.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Any supported export, read with bounded memory where a streaming reader exists (DiscordChatExporter
 * JSON, Slack export ZIPs, mail archives) and whole otherwise. Threads come out as conversations complete; warnings go
 * to the array passed in options' place.
 */
export async function* importByteFile(
  file: ByteFile,
  opts: ImportOptions = {},
  warnings: string[] = [],
  onProgress?: (p: FileImportProgress) => void,
): AsyncGenerator<Thread> {
  const ctx = importContext(file.name, opts, warnings);
  const head = await file.read(0, Math.min(file.size, 1 << 16));
  if (isZip(head)) {
    const total = file.size * 2;
    try {
      yield* importSlackZipStream(file.stream, ctx, (p) => onProgress?.({ bytes: (p.pass === 2 ? file.size : 0) + p.bytes, total, messages: p.messages, threads: p.threads }));
      return;
    } catch (e) {
      if (!(e instanceof NotSlackExport)) throw e;
      // Other ZIPs (a Telegram HTML export, a folder of logs) are read by the in-memory readers.
    }
  } else {
    // A UTF-16 file is recognised by its text: a mail archive then streams (re-encoded as it is read).
    const wide = wideEncoding(head);
    const format = wide ? detectFormat(file.name, new TextEncoder().encode(new TextDecoder(wide).decode(head))) : detectFormat(file.name, head);
    if (format === 'discord' && !wide) {
      yield* importDiscordStream(file.stream(), (p) => onProgress?.({ bytes: p.bytes, total: file.size, messages: p.messages, threads: p.threads }), ctx);
      return;
    }
    if (format === 'mbox') {
      // Mail archives (mbox, LISTSERV notebooks, single messages) are read message by message, whatever their size.
      yield* importMboxStream(file.stream(), ctx, { onProgress: (p) => onProgress?.({ bytes: p.bytes, total: file.size, messages: p.messages, threads: p.threads }) });
      return;
    }
    // Line logs are read from the stream line by line (WhatsApp twice: the first pass settles the date order);
    // the line decoder reads UTF-16 itself, and the encoding is noted as the whole-file readers note it.
    if (format === 'irc' || format === 'whatsapp') {
      if (wide) ctx.warn(wideNote(wide));
      let messages = 0;
      let threads = 0;
      let bytes = 0;
      const total = format === 'whatsapp' ? file.size * 2 : file.size;
      const source =
        format === 'irc'
          ? importIrcStream(file.stream(), ctx, (n) => (bytes = n))
          : importWhatsAppStream(file.stream, ctx, (n, pass) => {
              bytes = (pass === 2 ? file.size : 0) + n;
              if (pass === 1) onProgress?.({ bytes, total, messages, threads });
            });
      // The last conversation is held back until the end: a log cut mid-line marks it truncated.
      const cut = format === 'irc' && logEndsMidLine(await file.read(Math.max(0, file.size - 2), file.size));
      let held: Thread | null = null;
      for await (const t of source) {
        messages += t.posts.length;
        threads++;
        onProgress?.({ bytes, total, messages, threads });
        if (held) yield held;
        held = t;
      }
      if (held) yield cut ? { ...held, truncated: true } : held;
      onProgress?.({ bytes: total, total, messages, threads });
      return;
    }
  }
  if (file.size > WHOLE_FILE_LIMIT) {
    throw new ImportError(
      `the file is ${Math.round(file.size / 1048576)} MB; this kind of export is read whole, and Gleaner reads at most ${WHOLE_FILE_LIMIT / 1048576} MB that way. Split it (by month or by channel) and import the parts.`,
      file.name,
    );
  }
  onProgress?.({ bytes: 0, total: file.size, messages: 0, threads: 0 });
  const bytes = await file.read(0, file.size);
  const { threads, warnings: w } = await importArchive({ name: file.name, bytes }, opts);
  warnings.push(...w);
  const messages = threads.reduce((n, t) => n + t.posts.length, 0);
  onProgress?.({ bytes: file.size, total: file.size, messages, threads: threads.length });
  yield* threads;
}
