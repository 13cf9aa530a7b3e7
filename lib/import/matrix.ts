import type { Thread } from '../model/thread.ts';
import { byTime, conversationThread, conversationTitle, splitConversations, type ChatMessage } from './conversations.ts';
import { importContext, isRecord, str, type ImportContext } from './context.ts';
import { decodeUtf8, parseJson } from './decode.ts';
import { ImportError } from './errors.ts';
import { ItemCheck } from './validate.ts';
import { unixMillis } from '../extract/json-shape.ts';
import { z } from 'zod';
import { splitQuoted, textHtml, withFiles, type FileRef } from './message-text.ts';

/** A Matrix event as far as it is read (client-server spec, "ClientEvent"): times range-checked. */
const MatrixEvent = z.looseObject({
  type: z.string().nullish(),
  event_id: z.string().nullish(),
  sender: z.string().nullish(),
  state_key: z.string().nullish(),
  origin_server_ts: unixMillis.nullish(),
  content: z.record(z.string(), z.unknown()).nullish(),
});

const FILE_TYPES = new Set(['m.image', 'm.file', 'm.video', 'm.audio']);

/**
 * Element's "Export chat" JSON: {room_name, room_id, messages: [Matrix events]}. Only m.room.message
 * events are speech; m.room.member events give display names. Built from the documented event format
 * (Matrix client-server spec); no real export was available to test against.
 */
export function importMatrix(bytes: Uint8Array, ctx: ImportContext = importContext('matrix.json')): Thread[] {
  const data = parseJson(decodeUtf8(bytes, ctx.file), ctx.file);
  if (!isRecord(data) || !Array.isArray(data.messages)) throw new ImportError('not an Element (Matrix) JSON export: there is no "messages" list.', ctx.file);
  const check = new ItemCheck(ctx, 'event');
  const events = data.messages.flatMap((e, i) => {
    if (!isRecord(e)) return [];
    const ok = check.read(MatrixEvent, e, () => `event ${i + 1}${str(e.event_id) ? ` (${str(e.event_id)})` : ''}`);
    return ok ? [ok] : [];
  });
  const names = new Map<string, string>();
  for (const e of events) {
    const c = isRecord(e.content) ? e.content : {};
    if (str(e.type) === 'm.room.member' && str(e.state_key) && str(c.displayname)) names.set(str(e.state_key)!, str(c.displayname)!);
  }
  const display = (mxid: string) => names.get(mxid) ?? mxid;
  const roomId = str(data.room_id) ?? str(events[0]?.room_id) ?? 'room';
  const msgs: ChatMessage[] = [];
  for (const e of events) {
    const c = isRecord(e.content) ? e.content : {};
    const rel = isRecord(c['m.relates_to']) ? c['m.relates_to'] : {};
    if (str(e.type) !== 'm.room.message' || !str(e.event_id) || str(rel.rel_type) === 'm.replace') continue;
    const inReply = isRecord(rel['m.in_reply_to']) ? str(rel['m.in_reply_to'].event_id) : null;
    const replyTo = inReply ?? (str(rel.rel_type) === 'm.thread' ? str(rel.event_id) : null);
    const msgtype = str(c.msgtype) ?? 'm.text';
    const files: FileRef[] = FILE_TYPES.has(msgtype) ? [{ name: str(c.filename) ?? str(c.body) ?? 'file', url: str(c.url) }] : [];
    const split = splitQuoted(files.length ? '' : (str(c.body) ?? ''));
    // The reply fallback quotes the parent as "> <@alice:example.org> words".
    const quotes = split.quotes.map((q) => {
      const m = /^<(@[^>]+)>\s*([\s\S]*)$/.exec(q.text);
      return m ? { postId: replyTo, author: display(m[1]!), text: m[2]! } : q;
    });
    const own = msgtype === 'm.emote' ? `* ${display(str(e.sender) ?? '')} ${split.text}` : split.text;
    const { text, html } = withFiles(own, textHtml(own), files);
    if (!text) continue;
    const ts = Number(e.origin_server_ts);
    msgs.push({
      time: Number.isFinite(ts) ? ts : null,
      post: {
        id: str(e.event_id)!,
        author: { name: display(str(e.sender) ?? 'unknown'), url: str(e.sender) ? `https://matrix.to/#/${str(e.sender)}` : null },
        publishedAt: Number.isFinite(ts) ? new Date(ts).toISOString() : null,
        text,
        html,
        permalink: `https://matrix.to/#/${roomId}/${str(e.event_id)}`,
        replyTo,
        quotes,
        score: null,
      },
    });
  }
  check.failIfAllSkipped(msgs.length);
  check.report();
  const label = str(data.room_name) ?? roomId;
  return splitConversations(byTime(msgs), { ...ctx, replyWindowMs: ctx.replyWindowMs ?? Infinity }).map((c) =>
    conversationThread('matrix', `https://matrix.to/#/${roomId}/${c[0]!.post.id}`, conversationTitle(label, c), c),
  );
}
