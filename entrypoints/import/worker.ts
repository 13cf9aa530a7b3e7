// Reads an archive off the page's thread, so a 500 MB export never freezes the import page.
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { ImportError } from '../../lib/import/errors.ts';
import { blobFile, importByteFile } from '../../lib/import/file-import.ts';
import { conversationSummary, threadMatches, type ConversationSummary } from '../../lib/import/summary.ts';
import type { FromImportWorker, ToImportWorker } from '../../lib/import/worker-messages.ts';
import type { Thread } from '../../lib/model/thread.ts';

const threads: Thread[] = [];
const post = (m: FromImportWorker) => (self as unknown as Worker).postMessage(m);
// Progress and new rows are sent at most this often: thousands of messages a second would flood the page.
const TICK_MS = 100;

async function start(file: File, gapMinutes?: number) {
  const warnings: string[] = [];
  let pending: ConversationSummary[] = [];
  let last = 0;
  const flush = () => {
    if (pending.length) post({ type: 'found', summaries: pending });
    pending = [];
  };
  try {
    // No DOMParser in workers: HTML exports (Telegram, DiscordChatExporter) are read with linkedom, as in the CLI.
    const opts = { parseHtml: linkedomKit.parseHtml, ...(gapMinutes ? { gapMs: gapMinutes * 60_000 } : {}) };
    for await (const t of importByteFile(blobFile(file, file.name), opts, warnings, (progress) => {
      const now = Date.now();
      if (now - last < TICK_MS && progress.bytes < progress.total) return;
      last = now;
      flush();
      post({ type: 'progress', progress });
    })) {
      pending.push(conversationSummary(t, threads.length));
      threads.push(t);
    }
    flush();
    post({ type: 'done', warnings });
  } catch (e) {
    flush();
    const err = e instanceof ImportError ? e : null;
    post({
      type: 'error',
      message: err ? err.message : `${file.name}: Gleaner could not read this file (${(e as Error).message}).`,
      file: err?.file ?? file.name,
      position: err?.position ?? null,
      warnings,
    });
  }
}

self.onmessage = (ev: MessageEvent<ToImportWorker>) => {
  const m = ev.data;
  if (m.type === 'start') void start(m.file, m.gapMinutes);
  else if (m.type === 'search') post({ type: 'search-result', seq: m.seq, indices: threads.flatMap((t, i) => (threadMatches(t, m.query) ? [i] : [])) });
  else if (m.type === 'get') post({ type: 'thread', index: m.index, thread: threads[m.index] ?? null });
};
