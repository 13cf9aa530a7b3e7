import type { Thread } from '../model/thread.ts';
import { isoDate } from '../extract/dates.ts';
import { ConversationSplitter, conversationThread, conversationTitle, type ChatMessage } from './conversations.ts';
import { importContext, isRecord, str, type ImportContext } from './context.ts';
import { decodeUtf8, parseJson } from './decode.ts';
import { ImportError } from './errors.ts';
import { ItemCheck } from './validate.ts';
import { count, dateText, idLike } from '../extract/json-shape.ts';
import { z } from 'zod';
import { splitQuoted, textHtml, withFiles, escapeHtml, type FileRef } from './message-text.ts';

/** Message types that are people talking; joins, pins, calls, renames and thread notices are not. */
const SPOKEN = new Set(['Default', 'Reply']);
const MENTION = /<@!?(\d+)>/g;
/** How many recent messages are remembered to quote the message a reply answers. */
const REMEMBERED = 5000;

type Json = Record<string, unknown>;

const Named = z.object({ id: idLike.nullish(), name: z.string().nullish(), nickname: z.string().nullish() });
/**
 * A DiscordChatExporter message, as far as it is read: checked before anything is built from it, so a
 * count or time no one could have reached (1e400, a list where a number belongs) costs that message only.
 */
const DiscordMessage = z.object({
  id: idLike.nullish(),
  type: z.string().nullish(),
  timestamp: dateText.nullish(),
  content: z.string().nullish(),
  author: Named.nullish(),
  mentions: z.array(z.unknown()).nullish(),
  reference: z.object({ messageId: idLike.nullish(), channelId: idLike.nullish() }).nullish(),
  attachments: z.array(z.unknown()).nullish(),
  stickers: z.array(z.unknown()).nullish(),
  reactions: z.array(z.object({ count: count.nullish() })).nullish(),
});

/**
 * Turns DiscordChatExporter JSON messages into chat messages, one at a time, so the batch and the
 * streaming reader share every rule.
 */
export class DiscordReader {
  /** Remembered message id → its slot in the ring. */
  private readonly recent = new Map<string, number>();
  // Oldest-first ring of remembered ids: deleting a Map's first key through keys().next() slows down
  // as deletions pile up, which made this reader the importer's bottleneck. Author and text sit in
  // parallel arrays rather than an object per message, which the garbage collector would have to move.
  private readonly ring: (string | undefined)[] = new Array(REMEMBERED);
  private readonly ringAuthor: string[] = new Array(REMEMBERED);
  private readonly ringText: string[] = new Array(REMEMBERED);
  private ringAt = 0;
  private readonly guildId: string;
  private readonly channelId: string;
  readonly label: string;

  private seen = 0;

  constructor(
    guild: unknown,
    channel: unknown,
    private readonly check: ItemCheck | null = null,
  ) {
    const g = isRecord(guild) ? guild : {};
    const c = isRecord(channel) ? channel : {};
    this.guildId = str(g.id) ?? '0';
    this.channelId = str(c.id) ?? 'unknown';
    const gName = str(g.name) ?? 'Discord';
    const cName = str(c.name) ?? this.channelId;
    this.label = /^Guild/.test(str(c.type) ?? 'Guild') ? `#${cName} (${gName})` : `${cName} (${gName})`;
  }

  message(input: unknown): ChatMessage | null {
    const index = this.seen++;
    if (!isRecord(input)) return null;
    const raw = this.check ? this.check.read(DiscordMessage, input, () => `message ${index + 1}${str(input.id) ? ` (id ${str(input.id)})` : ''}`) : input;
    if (!raw) return null;
    const type = str(raw.type) ?? 'Default';
    const id = str(raw.id);
    if (!SPOKEN.has(type) || !id) return null;
    const author = isRecord(raw.author) ? raw.author : {};
    const name = str(author.nickname) || str(author.name) || 'Unknown';
    // Older exports keep raw mention markup; show the display name a reader saw.
    let content = str(raw.content) ?? '';
    if (content.includes('<@') && Array.isArray(raw.mentions) && raw.mentions.length) {
      const mentions = new Map<string, string>();
      for (const m of raw.mentions) {
        if (isRecord(m) && str(m.id)) mentions.set(str(m.id)!, str(m.nickname) || str(m.name) || str(m.id)!);
      }
      content = content.replace(MENTION, (all, uid: string) => (mentions.has(uid) ? `@${mentions.get(uid)}` : all));
    }
    const { text: own, quotes } = splitQuoted(content);
    const ref = isRecord(raw.reference) ? raw.reference : null;
    const replyTo = ref && str(ref.messageId) && (str(ref.channelId) ?? this.channelId) === this.channelId ? str(ref.messageId) : null;
    if (replyTo) {
      const slot = this.recent.get(replyTo);
      quotes.unshift({ postId: replyTo, author: slot === undefined ? null : this.ringAuthor[slot]!, text: slot === undefined ? '' : this.ringText[slot]! });
    }
    // Loops rather than filter/map chains: most messages have no attachment, sticker or reaction.
    const files: FileRef[] = [];
    if (Array.isArray(raw.attachments)) for (const a of raw.attachments) if (isRecord(a)) files.push({ name: str(a.fileName) ?? 'attachment', url: str(a.url) });
    let { text, html } = withFiles(own, textHtml(own), files);
    if (Array.isArray(raw.stickers)) for (const s of raw.stickers) if (isRecord(s)) html += `<p class="sticker">[sticker: ${escapeHtml(str(s.name) ?? 'sticker')}]</p>`;
    if (!text && !html) return null;
    let score = 0;
    if (Array.isArray(raw.reactions)) for (const r of raw.reactions) if (isRecord(r)) score += Number(r.count) || 0;
    const ts = str(raw.timestamp);
    const time = ts ? Date.parse(ts) : NaN;
    this.remember(id, name, own);
    return {
      time: Number.isFinite(time) ? time : null,
      post: {
        id,
        author: { name, url: null },
        publishedAt: isoDate(ts),
        text,
        html,
        permalink: this.permalink(id),
        replyTo,
        quotes,
        score: score || null,
      },
    };
  }

  permalink(id: string): string {
    return `https://discord.com/channels/${this.guildId === '0' ? '@me' : this.guildId}/${this.channelId}/${id}`;
  }

  thread(msgs: ChatMessage[]): Thread {
    return conversationThread('discord', this.permalink(msgs[0]!.post.id), conversationTitle(this.label, msgs), msgs);
  }

  private remember(id: string, author: string, text: string): void {
    // A repeated id (an edited message exported twice) keeps its place in the ring.
    let slot = this.recent.get(id);
    if (slot === undefined) {
      slot = this.ringAt;
      const old = this.ring[slot];
      if (old !== undefined) this.recent.delete(old);
      this.ring[slot] = id;
      this.ringAt = (slot + 1) % REMEMBERED;
      this.recent.set(id, slot);
    }
    this.ringAuthor[slot] = author;
    this.ringText[slot] = text.slice(0, 500);
  }
}

/** A DiscordChatExporter JSON export (guild channel, thread or DM), one Thread per conversation. */
export function importDiscord(bytes: Uint8Array, ctx: ImportContext = importContext('discord.json')): Thread[] {
  const data = parseJson(decodeUtf8(bytes, ctx.file), ctx.file);
  if (!isRecord(data) || !Array.isArray(data.messages)) {
    throw new ImportError('not a DiscordChatExporter JSON export: there is no "messages" list. Export the channel as JSON.', ctx.file);
  }
  const check = new ItemCheck(ctx, 'message');
  const reader = new DiscordReader(data.guild, data.channel, check);
  const splitter = new ConversationSplitter(ctx);
  const convs: ChatMessage[][] = [];
  let read = 0;
  for (const raw of data.messages as Json[]) {
    const m = reader.message(raw);
    if (m) read++, convs.push(...splitter.push(m));
  }
  convs.push(...splitter.flush());
  check.failIfAllSkipped(read);
  check.report();
  return convs.map((c) => reader.thread(c));
}
