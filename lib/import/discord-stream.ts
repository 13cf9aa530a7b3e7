import type { Thread } from '../model/thread.ts';
import { ConversationSplitter } from './conversations.ts';
import { importContext, type ImportContext } from './context.ts';
import { DiscordReader } from './discord.ts';
import { ImportError } from './errors.ts';
import { ItemCheck } from './validate.ts';
import { JsonArrayStream, type JsonStreamItem } from './json-stream.ts';

export interface StreamProgress {
  bytes: number;
  messages: number;
  threads: number;
}

/**
 * DiscordChatExporter JSON read as a byte stream (each message cut out and parsed on its own, see
 * json-stream.ts): threads come out as soon as a conversation can no
 * longer grow, and memory stays bounded by the open conversations, whatever the export's size.
 * Gives exactly the threads of importDiscord (same reader, same splitter).
 */
export async function* importDiscordStream(
  chunks: AsyncIterable<Uint8Array>,
  onProgress?: (p: StreamProgress) => void,
  ctx: ImportContext = importContext('discord.json'),
): AsyncGenerator<Thread> {
  const json = new JsonArrayStream('messages', ctx.file);
  const splitter = new ConversationSplitter(ctx);
  const check = new ItemCheck(ctx, 'message');
  let read = 0;
  let guild: unknown = null;
  let reader: DiscordReader | null = null;
  let messages = 0;
  let threads = 0;
  const ready: Thread[] = [];

  // Each message is converted as soon as it is parsed, so the raw parsed objects die young.
  const take = (item: JsonStreamItem) => {
    if (item.kind === 'member') {
      if (item.key === 'guild') guild = item.value;
      else if (item.key === 'channel') reader = new DiscordReader(guild, item.value, check);
      return;
    }
    // DiscordChatExporter writes guild and channel first; without them, ids fall back to "unknown".
    const r = (reader ??= new DiscordReader(guild, null, check));
    messages++;
    const m = r.message(item.value);
    if (!m) return;
    read++;
    for (const c of splitter.push(m)) ready.push(r.thread(c));
  };

  for await (const chunk of chunks) {
    json.each(chunk, take);
    while (ready.length) {
      threads++;
      yield ready.shift()!;
    }
    onProgress?.({ bytes: json.position, messages, threads });
  }
  json.end();
  if (!reader) throw new ImportError('not a DiscordChatExporter JSON export: there is no "messages" list.', ctx.file);
  const r: DiscordReader = reader;
  check.failIfAllSkipped(read);
  check.report();
  for (const c of splitter.flush()) ready.push(r.thread(c));
  while (ready.length) {
    threads++;
    yield ready.shift()!;
  }
  onProgress?.({ bytes: json.position, messages, threads });
}
