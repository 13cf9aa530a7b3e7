import type { Thread } from '../model/thread.ts';
import { importContext, type ImportContext, type ImportOptions } from './context.ts';
import { ImportError } from './errors.ts';
import { encodingAdvice, normaliseTextFile, unreadableEncoding } from './decode.ts';
import { looksCutOff } from '../extract/truncation.ts';
import { importDiscord } from './discord.ts';
import { importDiscordHtml, partitionKey } from './discord-html.ts';
import { importIrc, LOG_LINE_START } from './irc.ts';
import { importMatrix } from './matrix.ts';
import { elementPageKey, importMatrixHtml } from './matrix-html.ts';
import { importMattermost } from './mattermost.ts';
import { importMbox, mailFraming } from './mbox.ts';
import { importSlackExport, importSlackdump } from './slack.ts';
import { importTelegramHtml } from './telegram-html.ts';
import { importTelegramJson } from './telegram.ts';
import { importWhatsApp, WHATSAPP_LINE } from './whatsapp.ts';
import { isZip, unzipArchive, zipMemberNames } from './zip.ts';
import { logEndsMidLine, markLastCut } from './log-cut.ts';

export { ImportError } from './errors.ts';
export { importDiscordStream } from './discord-stream.ts';
export type { ImportOptions } from './context.ts';

export type ArchiveFormat =
  | 'discord'
  | 'discord-html'
  | 'slack-export'
  | 'slackdump'
  | 'telegram-json'
  | 'telegram-html'
  | 'matrix'
  | 'matrix-html'
  | 'mattermost'
  | 'irc'
  | 'whatsapp'
  | 'mbox'
  | 'unknown';

/** A single export file, or a ZIP's members / a folder's files as relative path → bytes. */
export type ArchiveInput = { name: string; bytes: Uint8Array } | { name: string; files: Map<string, Uint8Array> };

export interface ImportResult {
  threads: Thread[];
  warnings: string[];
}

const SNIFF = 1 << 16;
const lenient = new TextDecoder('utf-8');

// A UTF-16 log read as UTF-8 shows its ASCII with NULs between (and its byte order mark as U+FFFD): seen without them.
const asText = (l: string) => (l.indexOf('\u0000') < 0 ? l : l.replace(/\u0000/g, '').replace(/^\ufffd+/, ''));
// A WhatsApp message's first line in any locale, but not a bracketed-ISO IRC line ("[2018-01-02 12:34:56] <nick>").
const WHATSAPP_START = { test: (l: string) => WHATSAPP_LINE.test(asText(l)) && !/^[<*]|^-[!-]/.test(WHATSAPP_LINE.exec(asText(l))![10]!) };
// Any timestamp style or header the line-log reader knows; the reader itself refuses what no grammar fits, saying why.
const IRC_LINE = { test: (l: string) => LOG_LINE_START.test(asText(l)) };
const MBOX_FIRST = /^From \S.*\d{1,2}:\d{2}(?::\d{2})? (?:[A-Z]{3,4} )?\d{4}\s*$/;

function detectFiles(paths: string[]): ArchiveFormat {
  if (paths.some((p) => /(^|\/)channels\.json$/.test(p)) || (paths.some((p) => /(^|\/)users\.json$/.test(p)) && paths.some((p) => /\/\d{4}-\d{2}-\d{2}\.json$/.test(p))))
    return 'slack-export';
  if (paths.some((p) => /(^|\/)messages\d*\.html$/.test(p))) return 'telegram-html';
  return 'unknown';
}

/**
 * Which exporter wrote these bytes, judged from the content (the name only breaks ties): a renamed
 * file is still recognised, and a wrong extension does not mislead.
 */
export function detectFormat(name: string, bytes: Uint8Array): ArchiveFormat {
  if (isZip(bytes)) return detectFiles(zipMemberNames(bytes));
  const head = lenient.decode(bytes.subarray(0, SNIFF)).replace(/^\ufeff/, '').trimStart();
  // "[14 Jan 10:36]" opens a dircproxy log, not a JSON array.
  if (/^(\{|\[\s*[{\["\]])/.test(head)) {
    if (/"guild"\s*:/.test(head) && /"channel"\s*:/.test(head)) return 'discord';
    if (/"channel_id"\s*:/.test(head) && /"messages"\s*:/.test(head)) return 'slackdump';
    if (/"order"\s*:/.test(head) && /"posts"\s*:/.test(head)) return 'mattermost';
    if (/"origin_server_ts"\s*:|"room_name"\s*:|"room_id"\s*:/.test(head)) return 'matrix';
    if (/"(from_id|date_unixtime|text_entities)"\s*:|"type"\s*:\s*"(personal_chat|bot_chat|private_group|public_group|private_supergroup|public_supergroup|public_channel|private_channel|saved_messages)"/.test(head))
      return 'telegram-json';
    if (/^\[\s*\{/.test(head) && /"ts"\s*:\s*"\d+\.\d+"/.test(head)) return 'slack-export';
    return 'unknown';
  }
  // DiscordChatExporter's HTML: its chat-log classes and preamble (both also named in its stylesheet, which
  // comes first). The older layout had an "info" header instead; it is recognised to be refused clearly.
  if (/<html/i.test(head) && /chatlog__message-(?:group|container)/.test(head) && /preamble__entr|info__guild-name/.test(head)) return 'discord-html';
  // Element's HTML export: the client's own room-view classes, written before the first event.
  if (/<html/i.test(head) && /class="mx_MatrixChat"/.test(head) && /class="mx_RoomView"/.test(head)) return 'matrix-html';
  if (/<html/i.test(head) && /class="message (default|service)|chat_page/.test(head)) return 'telegram-html';
  const lines = head.split(/\r?\n/).filter((l) => l.trim()).slice(0, 30);
  if (lines[0] && MBOX_FIRST.test(lines[0])) return 'mbox';
  // A LISTSERV notebook LOG file, or a single message (.eml, a Usenet article): read by the mail importer.
  if (mailFraming(head)) return 'mbox';
  // The first message may run over many lines (issue 17): its first line is enough.
  if (lines.length && (WHATSAPP_START.test(lines[0]!) || lines.filter((l) => WHATSAPP_START.test(l)).length >= Math.ceil(lines.length / 2))) return 'whatsapp';
  if (lines.some((l) => IRC_LINE.test(l))) return 'irc';
  if (/\.mbox$/i.test(name) && /^From /.test(head)) return 'mbox';
  return 'unknown';
}

/** Files an export folder carries beside the chat (media, styles): never read as text. */
const MEDIA = /\.(png|jpe?g|gif|webp|bmp|svg|mp4|webm|mov|mp3|m4a|wav|css|js|woff2?|ttf|otf|ico|opus|ogg|pdf)$/i;

const FORMAT_HELP =
  'Gleaner reads DiscordChatExporter JSON/HTML, Slack export ZIPs and slackdump dumps, Telegram Desktop JSON/HTML, ' +
  'Element (Matrix) JSON/HTML, Mattermost API posts, IRC logs, WhatsApp .txt exports and mbox mail archives.';

async function importFile(name: string, raw: Uint8Array, ctx: ImportContext): Promise<Thread[]> {
  const { bytes, notes } = isZip(raw) ? { bytes: raw, notes: [] } : normaliseTextFile(raw);
  for (const n of notes) ctx.warn(n);
  const format = detectFormat(name, bytes);
  switch (format) {
    case 'discord':
      return importDiscord(bytes, ctx);
    case 'discord-html':
      return discordHtml([{ name: ctx.file, bytes }], ctx);
    case 'slackdump':
      return importSlackdump(bytes, ctx);
    case 'mattermost':
      return importMattermost(bytes, ctx);
    case 'matrix':
      return importMatrix(bytes, ctx);
    case 'matrix-html':
      return matrixHtml([{ name: ctx.file, bytes }], ctx);
    case 'telegram-json':
      return importTelegramJson(bytes, ctx);
    case 'telegram-html':
      return telegramHtml([bytes], ctx);
    case 'irc':
      return markLastCut(importIrc(bytes, ctx), logEndsMidLine(bytes));
    case 'whatsapp':
      return importWhatsApp(bytes, ctx);
    case 'mbox':
      return importMbox(bytes, ctx);
    case 'slack-export':
      if (isZip(bytes)) return importFiles(unzipArchive(bytes, name, ctx.maxUncompressedBytes), ctx);
      throw new ImportError('this is one day of a Slack export; import the whole export ZIP or folder so channels and names are known.', name);
    default: {
      const encoding = unreadableEncoding(raw);
      throw new ImportError(encoding ? `the format was not recognised: ${encodingAdvice(encoding)}` : `the format was not recognised. ${FORMAT_HELP}`, name, { offset: 0, line: 1, column: 1 });
    }
  }
}

function telegramHtml(pages: Uint8Array[], ctx: ImportContext): Thread[] {
  // The caller brings the DOM (linkedom in Node, DOMParser in the extension), as for the extractors.
  if (!ctx.parseHtml) throw new ImportError('reading a Telegram HTML export needs an HTML parser (option "parseHtml").', ctx.file);
  const texts = pages.map((p) => lenient.decode(p));
  return markCutOff(importTelegramHtml(texts, ctx.parseHtml, ctx), texts.at(-1)!);
}

/** An HTML export whose last page ends before its closing structure: its last conversation is marked truncated. */
function markCutOff(threads: Thread[], lastPage: string): Thread[] {
  if (threads.length && looksCutOff(lastPage, 'html')) threads[threads.length - 1] = { ...threads[threads.length - 1]!, truncated: true };
  return threads;
}

function discordHtml(pages: { name: string; bytes: Uint8Array }[], ctx: ImportContext): Thread[] {
  if (!ctx.parseHtml) throw new ImportError('reading a DiscordChatExporter HTML export needs an HTML parser (option "parseHtml").', ctx.file);
  const read = pages.map((p) => ({ name: p.name, html: lenient.decode(p.bytes) }));
  return markCutOff(importDiscordHtml(read, ctx.parseHtml, ctx), read.at(-1)!.html);
}

function matrixHtml(pages: { name: string; bytes: Uint8Array }[], ctx: ImportContext): Thread[] {
  if (!ctx.parseHtml) throw new ImportError('reading an Element HTML export needs an HTML parser (option "parseHtml").', ctx.file);
  return importMatrixHtml(pages.map((p) => ({ name: p.name, html: lenient.decode(p.bytes) })), ctx.parseHtml, ctx);
}

async function importFiles(given: Map<string, Uint8Array>, ctx: ImportContext): Promise<Thread[]> {
  // UTF-16 and CR-only files made plain UTF-8 text first, so they are recognised like any other.
  const files = new Map<string, Uint8Array>();
  for (const [p, b] of given) {
    if (isZip(b) || MEDIA.test(p)) {
      files.set(p, b);
      continue;
    }
    const { bytes, notes } = normaliseTextFile(b);
    for (const n of notes) ctx.warn(`${p}: ${n}`);
    files.set(p, bytes);
  }
  const paths = [...files.keys()];
  const kind = detectFiles(paths);
  if (kind === 'slack-export') return importSlackExport(files, ctx);
  if (kind === 'telegram-html') {
    const page = (p: string) => Number(/messages(\d*)\.html$/.exec(p)?.[1] || 1);
    const pages = paths.filter((p) => /(^|\/)messages\d*\.html$/.test(p)).sort((a, b) => page(a) - page(b));
    // A DiscordChatExporter page someone named messages.html is read below, with the other exports.
    const first = detectFormat(pages[0]!, files.get(pages[0]!)!);
    if (first !== 'discord-html' && first !== 'matrix-html') return telegramHtml(pages.map((p) => files.get(p)!), ctx);
  }
  // A folder of separate exports (a DiscordChatExporter run, a directory of IRC logs): each file on its own,
  // except the partitions of one DiscordChatExporter HTML export ("NAME.html", "NAME [part 2].html", …),
  // read together in part order as one channel.
  const formats = new Map(paths.map((p) => [p, detectFormat(p, files.get(p)!)]));
  const partitions = new Map<string, string[]>();
  for (const [p, f] of formats) {
    if (f !== 'discord-html' && f !== 'matrix-html') continue;
    const key = f === 'discord-html' ? partitionKey(p).key : `matrix:${elementPageKey(p).key}`;
    partitions.set(key, [...(partitions.get(key) ?? []), p]);
  }
  const out: Thread[] = [];
  for (const p of paths.sort()) {
    const bytes = files.get(p)!;
    const format = formats.get(p)!;
    const sub: ImportContext = { ...ctx, file: `${ctx.file}/${p}` };
    if (format === 'unknown') {
      if (!/(^|\/)\./.test(p) && !MEDIA.test(p)) ctx.warn(`${p}: not a chat or mail export; skipped.`);
      continue;
    }
    if (format === 'matrix-html') {
      // Element's pages of one room (messages.html, messages2.html, …), read together in page order.
      const key = `matrix:${elementPageKey(p).key}`;
      const parts = partitions.get(key);
      if (!parts) continue;
      partitions.delete(key);
      parts.sort((a, b) => elementPageKey(a).page - elementPageKey(b).page);
      out.push(...matrixHtml(parts.map((q) => ({ name: `${ctx.file}/${q}`, bytes: files.get(q)! })), { ...ctx, file: `${ctx.file}/${parts[0]}` }));
      continue;
    }
    if (format === 'discord-html') {
      const parts = partitions.get(partitionKey(p).key);
      if (!parts) continue; // read with the first of its parts
      partitions.delete(partitionKey(p).key);
      parts.sort((a, b) => partitionKey(a).part - partitionKey(b).part);
      out.push(...discordHtml(parts.map((q) => ({ name: `${ctx.file}/${q}`, bytes: files.get(q)! })), { ...ctx, file: `${ctx.file}/${parts[0]}` }));
      continue;
    }
    out.push(...(await importFile(p, bytes, sub)));
  }
  if (!out.length) throw new ImportError(`no chat or mail export found inside. ${FORMAT_HELP}`, ctx.file);
  return out;
}

/** Reads any supported export: one Thread per conversation, plus warnings worth showing a person. */
export async function importArchive(input: ArchiveInput, opts: ImportOptions = {}): Promise<ImportResult> {
  const warnings: string[] = [];
  const ctx = importContext(input.name, opts, warnings);
  let threads: Thread[];
  if ('files' in input) threads = await importFiles(input.files, ctx);
  else if (isZip(input.bytes)) threads = await importFiles(unzipArchive(input.bytes, input.name, opts.maxUncompressedBytes), ctx);
  else threads = await importFile(input.name, input.bytes, ctx);
  return { threads, warnings };
}
