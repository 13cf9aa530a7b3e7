import type { Thread } from '../model/thread.ts';
import { conversationThread, conversationTitle, splitConversations, type ChatMessage } from './conversations.ts';
import { baseName, importContext, type ImportContext } from './context.ts';
import { decodeUtf8 } from './decode.ts';
import { ImportError } from './errors.ts';
import { textHtml, withFiles, type FileRef } from './message-text.ts';

// Android: "12/9/20, 23:55 - Name: text"; iOS: "[12/09/2020, 23:55:01] Name: text". Either may use a
// 12-hour clock ("9:05 PM") and carries invisible direction marks (U+200E) from the phone.
const ANDROID = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s?([AaPp])\.?\s?[Mm]\.?)? - (.*)$/;
const IOS = /^\[(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s?([AaPp])\.?\s?[Mm]\.?)?\] (.*)$/;
const MEDIA = /^<(Media omitted|[^>]* omitted)>$|^(?:image|video|audio|sticker|GIF|document) omitted$|^(.+\.\w{2,5}) \((file attached|archivo adjunto|Datei angehängt)\)$|^<attached: (.+)>$/;

interface Raw {
  a: number;
  b: number;
  y: number;
  h: number;
  mi: number;
  s: number;
  rest: string;
  lines: string[];
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A WhatsApp "Export chat" text file (without media). Lines that do not start with a date continue the
 * previous message. Lines with a date but no "Name:" are WhatsApp's own notices and are dropped.
 * Day/month order is not stated in the file: it is inferred from values above 12, else day first.
 */
export function importWhatsApp(bytes: Uint8Array, ctx: ImportContext = importContext('chat.txt')): Thread[] {
  const lines = decodeUtf8(bytes, ctx.file).replace(/[\u200e\u200f\u202a-\u202e]/g, '').split(/\r?\n/);
  const raws: Raw[] = [];
  for (const line of lines) {
    const m = IOS.exec(line) ?? ANDROID.exec(line);
    if (m) {
      let h = Number(m[4]);
      if (m[7]) h = (h % 12) + (/p/i.test(m[7]) ? 12 : 0);
      const y = Number(m[3]);
      raws.push({ a: Number(m[1]), b: Number(m[2]), y: y < 100 ? 2000 + y : y, h, mi: Number(m[5]), s: Number(m[6] ?? 0), rest: m[8]!, lines: [] });
    } else if (raws.length) raws[raws.length - 1]!.lines.push(line);
  }
  if (!raws.length) throw new ImportError('not a WhatsApp chat export: no line starts with a date and time.', ctx.file, { offset: 0, line: 1, column: 1 });
  const monthFirst = raws.some((r) => r.b > 12) && !raws.some((r) => r.a > 12);
  if (!raws.some((r) => r.a > 12 || r.b > 12)) ctx.warn('the dates could be day/month or month/day; read as day/month.');
  const msgs: ChatMessage[] = [];
  raws.forEach((r, i) => {
    const sep = r.rest.indexOf(': ');
    if (sep <= 0) return; // "Alice created group …", encryption notice
    const name = r.rest.slice(0, sep).trim();
    const body = [r.rest.slice(sep + 2), ...r.lines].join('\n').trim();
    const [d, mo] = monthFirst ? [r.b, r.a] : [r.a, r.b];
    const publishedAt = `${r.y}-${pad(mo)}-${pad(d)}T${pad(r.h)}:${pad(r.mi)}:${pad(r.s)}`;
    const media = MEDIA.exec(body);
    const files: FileRef[] = media ? [{ name: media[2] ?? media[4] ?? 'media (not exported)', url: null }] : [];
    const own = media ? '' : body;
    const { text, html } = withFiles(own, textHtml(own), files);
    if (!text) return;
    msgs.push({
      time: Date.parse(`${publishedAt}Z`),
      post: { id: String(i + 1), author: { name, url: null }, publishedAt, text, html, permalink: null, replyTo: null, quotes: [], score: null },
    });
  });
  const file = baseName(ctx.file);
  const label = file.replace(/^WhatsApp Chat with /i, '').replace(/\.txt$/i, '');
  return splitConversations(msgs, ctx).map((c) =>
    conversationThread('whatsapp', `whatsapp://${encodeURIComponent(file)}/${c[0]!.post.id}`, conversationTitle(label, c), c),
  );
}
