import type { Thread } from '../model/thread.ts';
import { fromUnix, isoDate } from '../extract/dates.ts';
import { byTime, conversationThread, conversationTitle, splitConversations, type ChatMessage } from './conversations.ts';
import { baseName, importContext, isRecord, str, type ImportContext } from './context.ts';
import { decodeUtf8, parseJson } from './decode.ts';
import { ImportError } from './errors.ts';
import { splitQuoted, textHtml, withFiles, type FileRef } from './message-text.ts';

/** Telegram's rich text: a string, or a list of strings and {type, text} entities. */
function plain(t: unknown): string {
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.map((p) => (typeof p === 'string' ? p : isRecord(p) ? (str(p.text) ?? '') : '')).join('');
  return '';
}

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
  for (const m of Array.isArray(chat.messages) ? chat.messages : []) {
    if (!isRecord(m) || str(m.type) !== 'message' || !str(m.id)) continue;
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
