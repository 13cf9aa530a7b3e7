import { JSONParser } from '@streamparser/json';
import type { Thread } from '../model/thread.ts';
import { ConversationSplitter } from './conversations.ts';
import { importContext, type ImportContext } from './context.ts';
import { DiscordReader } from './discord.ts';
import { ImportError } from './errors.ts';

export interface StreamProgress {
  bytes: number;
  messages: number;
  threads: number;
}

/**
 * DiscordChatExporter JSON read as a byte stream: threads come out as soon as a conversation can no
 * longer grow, and memory stays bounded by the open conversations, whatever the export's size.
 * Gives exactly the threads of importDiscord (same reader, same splitter).
 */
export async function* importDiscordStream(
  chunks: AsyncIterable<Uint8Array>,
  onProgress?: (p: StreamProgress) => void,
  ctx: ImportContext = importContext('discord.json'),
): AsyncGenerator<Thread> {
  const parser = new JSONParser({ paths: ['$.guild', '$.channel', '$.messages.*'], keepStack: false });
  const splitter = new ConversationSplitter(ctx);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let guild: unknown = null;
  // A holder, not a variable: the parser's callback assigns it, which flow analysis cannot see.
  const st: { reader: DiscordReader | null } = { reader: null };
  const ready: Thread[] = [];
  let failure: string | null = null;
  let bytes = 0;
  let messages = 0;
  let threads = 0;

  parser.onValue = ({ value, key, stack }) => {
    if (stack.length === 1 && key === 'guild') guild = value;
    else if (stack.length === 1 && key === 'channel') st.reader = new DiscordReader(guild, value);
    else if (stack.length === 2 && typeof key === 'number') {
      // DiscordChatExporter writes guild and channel first; without them, ids fall back to "unknown".
      st.reader ??= new DiscordReader(guild, null);
      const reader = st.reader;
      messages++;
      const m = reader.message(value);
      if (m) for (const c of splitter.push(m)) ready.push(reader.thread(c));
    }
  };
  parser.onError = (e) => {
    failure ??= e.message;
  };
  const fail = (msg: string): never => {
    const truncated = /ended in (the )?mid/i.test(msg);
    throw new ImportError(
      truncated ? 'the JSON ends early: the file looks truncated. Export it again.' : `the file is not valid JSON (${msg}).`,
      ctx.file,
      { offset: Number(/absolute position "(\d+)"/.exec(msg)?.[1] ?? bytes), line: null, column: null },
    );
  };

  for await (const chunk of chunks) {
    try {
      utf8.decode(chunk, { stream: true });
    } catch {
      throw new ImportError('the file is not valid UTF-8 in this chunk. Re-export it, or convert it to UTF-8 first.', ctx.file, {
        offset: bytes,
        line: null,
        column: null,
      });
    }
    if (!parser.isEnded) parser.write(chunk);
    bytes += chunk.length;
    if (failure) fail(failure);
    while (ready.length) {
      threads++;
      yield ready.shift()!;
    }
    onProgress?.({ bytes, messages, threads });
  }
  if (!parser.isEnded) {
    try {
      parser.end();
    } catch (e) {
      failure ??= (e as Error).message;
    }
  }
  if (failure) fail(failure);
  if (!st.reader) throw new ImportError('not a DiscordChatExporter JSON export: there is no "messages" list.', ctx.file);
  const r = st.reader;
  for (const c of splitter.flush()) ready.push(r.thread(c));
  while (ready.length) {
    threads++;
    yield ready.shift()!;
  }
  onProgress?.({ bytes, messages, threads });
}
