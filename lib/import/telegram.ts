import type { Thread } from '../model/thread.ts';
import { fromUnix, isoDate } from '../extract/dates.ts';
import { byTime, conversationThread, conversationTitle, splitConversations, type ChatMessage } from './conversations.ts';
import { baseName, importContext, isRecord, str, type ImportContext } from './context.ts';
import { decodeUtf8, parseJson } from './decode.ts';
import { ImportError } from './errors.ts';
import { ItemCheck } from './validate.ts';
import { dateText, idLike, MAX_UNIX_SECONDS } from '../extract/json-shape.ts';
import { z } from 'zod';
import { splitQuoted, textHtml, withFiles, type FileRef } from './message-text.ts';

/** Telegram's rich text: a string, or a list of strings and {type, text} entities. */
function plain(t: unknown): string {
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.map((p) => (typeof p === 'string' ? p : isRecord(p) ? (str(p.text) ?? '') : '')).join('');
  return '';
}

/** Unix seconds as Telegram Desktop writes them: digits in a string. */
const UnixText = z.union([z.string(), z.number()]).refine((v) => {
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 && n <= MAX_UNIX_SECONDS;
}, { message: 'expected a Unix time in seconds between 1970 and 9999' });

/** A message of Telegram Desktop's JSON export, as far as it is read. */
const TelegramMessage = z.looseObject({
  id: idLike,
  date: dateText.nullish(),
  date_unixtime: UnixText.nullish(),
  from: z.string().nullish(),
  from_id: idLike.nullish(),
  reply_to_message_id: idLike.nullish(),
  text: z.union([z.string(), z.array(z.unknown())]).nullish(),
});

const NOT_INCLUDED = /^\(File not included/;

function media(m: Record<string, unknown>): FileRef[] {
  const out: FileRef[] = [];
  for (const key of ['photo', 'file', 'thumbnail']) {
    const v = str(m[key]);
    if (!v || (key === 'thumbnail' && out.length)) continue;
    const name = str(m.file_name) || (NOT_INCLUDED.test(v) ? (str(m.media_type) ?? key) : baseName(v));
    out.push({ name, url: null });
  }
  return out;
}

function chatThreads(chat: Record<string, unknown>, ctx: ImportContext): Thread[] {
  const chatId = str(chat.id) ?? 'chat';
  const chatName = str(chat.name) ?? chatId;
  const msgs: ChatMessage[] = [];
  const check = new ItemCheck(ctx, 'message');
  const list = Array.isArray(chat.messages) ? chat.messages : [];
  for (let i = 0; i < list.length; i++) {
    const input = list[i];
    if (!isRecord(input) || str(input.type) !== 'message' || !str(input.id)) continue;
    const m = check.read(TelegramMessage, input, () => `${chatName}: message ${i + 1} (id ${str(input.id)})`);
    if (!m) continue;
    const { text: own, quotes } = splitQuoted(plain(m.text));
    const { text, html } = withFiles(own, textHtml(own), media(m));
    if (!text) continue;
    // date_unixtime is exact; date alone is the exporting computer's local time, kept without offset.
    const publishedAt = fromUnix(str(m.date_unixtime)) ?? isoDate(str(m.date));
    const time = publishedAt ? Date.parse(/Z|[+-]\d\d:\d\d$/.test(publishedAt) ? publishedAt : `${publishedAt}Z`) : NaN;
    msgs.push({
      time: Number.isFinite(time) ? time : null,
      post: {
        id: str(m.id)!,
        author: { name: str(m.from) || str(m.from_id) || 'Unknown', url: null },
        publishedAt,
        text,
        html,
        permalink: null,
        replyTo: str(m.reply_to_message_id),
        quotes,
        score: null,
      },
    });
  }
  check.report();
  const file = baseName(ctx.file);
  return splitConversations(byTime(msgs), { ...ctx, replyWindowMs: ctx.replyWindowMs ?? Infinity }).map((c) =>
    conversationThread('telegram', `telegram://${encodeURIComponent(file)}/${chatId}/${c[0]!.post.id}`, conversationTitle(chatName, c), c),
  );
}

/** Telegram Desktop "Export chat history" JSON (result.json): one chat, or a full export's chats.list. */
export function importTelegramJson(bytes: Uint8Array, ctx: ImportContext = importContext('result.json')): Thread[] {
  const data = parseJson(decodeUtf8(bytes, ctx.file), ctx.file);
  if (!isRecord(data)) throw new ImportError('not a Telegram Desktop JSON export.', ctx.file);
  const chats = isRecord(data.chats) && Array.isArray(data.chats.list) ? data.chats.list.filter(isRecord) : [data];
  if (!chats.some((c) => Array.isArray(c.messages))) throw new ImportError('not a Telegram Desktop JSON export: no chat has a "messages" list.', ctx.file);
  return chats.flatMap((c) => chatThreads(c, ctx));
}
