import type { QuoteInput, Thread } from '../model/thread.ts';
import type { ParseHtml } from '../extract/types.ts';
import { absUrl, cleanHtmlWhere, lineOf } from '../extract/dom.ts';
import { byTime, conversationThread, conversationTitle, splitConversations, type ChatMessage } from './conversations.ts';
import { baseName, importContext, type ImportContext } from './context.ts';
import { ImportError } from './errors.ts';
import { fileNameOf, splitQuoted, withFiles, type FileRef } from './message-text.ts';

/*
 * Element's "Export chat" as HTML: a ZIP holding messages.html, messages2.html, … (a page per 1,000
 * events), css/, js/, the room and user avatars and, when chosen, the media. Built from Element's export
 * code (HtmlExport: each event rendered by the client's own EventTile inside
 * `<div class="mx_Export_EventWrapper" id=EVENT_ID>`, continuation tiles for the same sender's next
 * messages, `mx_EventTile_info` tiles for state events, replies as "In reply to <a data-scroll-to=ID>")
 * and checked against a real two-page export (Polish interface).
 *
 * Kept as posts: message tiles. Not posts: state events (joins, invites, renames, profile changes: info
 * tiles), redacted messages (their stub) and m.notice messages (what bots and bridges say).
 *
 * Times. The page shows only "HH:MM"; the full time is in the timestamp's `title`, written in the
 * exporter's interface language ("Nd, 6 Mar 2022 15:14:28", "Thu, Mar 10 2022 15:14:28") and in the
 * exporting machine's zone, which the page never states: kept as a local time without an offset. The
 * language is found once per export, not assumed from the page (always lang="en"): the locale whose month
 * names (as Intl writes them) read the most titles while each weekday name falls on one weekday only, so
 * "lip" is July in Polish and June in Croatian, told apart by the weekday names beside it. Titles written without
 * spaces (Chinese, Japanese) are not read: those posts keep no time, with a warning.
 */

export interface ElementHtmlPage {
  /** The page's file name, for errors and warnings. */
  name: string;
  html: string;
}

/** Never text, never kept: active content, media players, form controls. */
const INERT = new Set([
  'script', 'style', 'noscript', 'template', 'iframe', 'frame', 'frameset', 'object', 'embed', 'svg', 'math', 'form', 'input',
  'button', 'select', 'textarea', 'link', 'meta', 'base', 'video', 'audio', 'source', 'picture', 'canvas', 'img',
]);
const BLOCK = new Set(['div', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'pre', 'blockquote', 'hr', 'table', 'tr']);

function hasClass(el: Element, cls: string): boolean {
  return el.classList.contains(cls);
}

/**
 * Descendants in document order that pass `test`, not entering elements `stop` rejects; at most `limit`.
 * A loop with its own stack, not recursion: a hostile page may nest markup deeper than the call stack.
 */
function findAll(el: Element | null | undefined, test: (e: Element) => boolean, stop?: (e: Element) => boolean, limit = Infinity): Element[] {
  const out: Element[] = [];
  if (!el) return out;
  const stack: Element[] = [];
  for (let c = el.lastElementChild; c; c = c.previousElementSibling) stack.push(c);
  while (stack.length && out.length < limit) {
    const c = stack.pop()!;
    if (stop?.(c)) continue;
    if (test(c)) out.push(c);
    for (let k = c.lastElementChild; k; k = k.previousElementSibling) stack.push(k);
  }
  return out;
}

/** First descendant with the class, in document order, not entering elements `stop` rejects. */
function find(el: Element | null | undefined, cls: string, stop?: (e: Element) => boolean): Element | null {
  return findAll(el, (e) => hasClass(e, cls), stop, 1)[0] ?? null;
}

const isReplyChain = (e: Element) => hasClass(e, 'mx_ReplyChain_wrapper') || hasClass(e, 'mx_ReplyChain') || hasClass(e, 'mx_ReplyTile');

function endLine(out: string[]): void {
  const last = out[out.length - 1];
  if (last !== undefined && !last.endsWith('\n')) out.push('\n');
}

/**
 * A rendered body back to text. A plain body is shown `pre-wrap`, so its line breaks are the message's;
 * in a formatted (HTML) body only <br> and blocks break lines. Images (custom emoticons, inline pictures)
 * give no text; Unicode emoji are text already.
 */
function bodyText(node: Node, pre: boolean, out: string[]): void {
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 3) {
      const v = c.nodeValue ?? '';
      out.push(pre ? v : v.replace(/[ \t\r\n]+/g, ' '));
      continue;
    }
    if (c.nodeType !== 1) continue;
    const el = c as Element;
    const tag = el.tagName.toLowerCase();
    if (INERT.has(tag) || isReplyChain(el)) continue;
    if (tag === 'br') {
      out.push('\n');
      continue;
    }
    if (tag === 'blockquote') {
      const inner: string[] = [];
      bodyText(el, pre, inner);
      endLine(out);
      const lines = inner.join('').trim();
      if (lines) out.push(lines.split('\n').map((l) => `> ${l}`).join('\n') + '\n');
      continue;
    }
    const block = BLOCK.has(tag);
    if (block) endLine(out);
    if (tag === 'li') out.push('- ');
    bodyText(el, pre || tag === 'pre', out);
    if (block) endLine(out);
  }
}

function textOfBody(body: Element): string {
  const out: string[] = [];
  bodyText(body, !hasClass(body, 'markdown-body'), out);
  return out
    .join('')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n[ \t]+/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}


const webUrl = (href: string | null): string | null => (href && /^https?:\/\//i.test(href) ? absUrl(href, 'about:blank') : null);

/** Images, videos, audio and files the message carries: their names, and links when they are on the web. */
function mediaFiles(line: Element): FileRef[] {
  const files: FileRef[] = [];
  const seen = new Set<string>();
  const add = (name: string, href: string | null) => {
    const n = name.trim() || fileNameOf(href);
    if (!n || seen.has(n)) return;
    seen.add(n);
    files.push({ name: n, url: webUrl(href) });
  };
  const media = findAll(
    line,
    (e) => hasClass(e, 'mx_MImageBody') || hasClass(e, 'mx_MVideoBody') || hasClass(e, 'mx_MAudioBody') || hasClass(e, 'mx_MFileBody') || hasClass(e, 'mx_MStickerBody'),
    isReplyChain,
  );
  for (const m of media) {
    if (m.parentElement && media.includes(m.parentElement)) continue;
    const v = findAll(m, (e) => ['video', 'audio', 'img', 'a'].includes(e.tagName.toLowerCase()));
    const video = v.find((e) => e.tagName.toLowerCase() === 'video' || e.tagName.toLowerCase() === 'audio');
    const img = v.find((e) => e.tagName.toLowerCase() === 'img');
    const link = v.find((e) => e.tagName.toLowerCase() === 'a' && e.getAttribute('href'));
    if (video) add(video.getAttribute('title') ?? '', video.getAttribute('src') ?? findAll(video, (e) => e.tagName.toLowerCase() === 'source')[0]?.getAttribute('src') ?? null);
    else if (img) add(img.getAttribute('title') || img.getAttribute('alt') || '', link?.getAttribute('href') ?? img.getAttribute('src'));
    else {
      // A file: its name as the download attribute or the shown label, "notes.pdf (12 KB)", without the size.
      const label = find(m, 'mx_MFileBody_info_filename') ?? link ?? null;
      add(link?.getAttribute('download') || lineOf(label).replace(/\s*\([^()]*\)\s*$/, ''), link?.getAttribute('href') ?? null);
    }
  }
  return files;
}

interface Stamp {
  y: number | null;
  d: number;
  h: number;
  mi: number;
  s: number;
  words: string[];
}

const norm = (w: string) => w.normalize('NFC').toLocaleLowerCase().replace(/\.$/, '');

/** The pieces of a localised full date: year, day, time, and the words (month and weekday names). */
function parseStamp(title: string | null): Stamp | null {
  if (!title) return null;
  let y: number | null = null;
  let d: number | null = null;
  let time: number[] | null = null;
  const words: string[] = [];
  for (const tok of title.split(/[\s,]+/).filter(Boolean)) {
    const t = /^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$/.exec(tok);
    if (t && !time) time = [Number(t[1]), Number(t[2]), Number(t[3] ?? 0)];
    else if (/^\d{4}$/.test(tok)) y = Number(tok);
    else if (/^\d{1,2}\.?$/.test(tok)) d = Number(tok.replace('.', ''));
    else if (!/^[ap]\.?m\.?$/i.test(tok)) words.push(norm(tok));
  }
  if (d === null || !time || time[0]! > 23 || time[1]! > 59 || time[2]! > 59 || d < 1 || d > 31) return null;
  return { y, d, h: time[0]!, mi: time[1]!, s: time[2]!, words };
}

/** Languages Element is translated into, English first: their month names as Intl writes them. */
const LOCALES = [
  'en', 'pl', 'de', 'fr', 'es', 'it', 'pt', 'pt-BR', 'nl', 'ru', 'uk', 'be', 'cs', 'sk', 'sv', 'da', 'nb', 'nn', 'fi', 'et', 'lv', 'lt', 'hu', 'ro',
  'bg', 'hr', 'sl', 'sr', 'el', 'tr', 'ar', 'he', 'fa', 'hi', 'ja', 'ko', 'zh-Hans', 'zh-Hant', 'vi', 'id', 'th', 'eu', 'ca', 'gl', 'eo', 'sq',
  'is', 'cy', 'ga', 'ka', 'hy', 'az', 'kk', 'uz', 'ms', 'fil', 'bn', 'ta', 'te', 'mr', 'ml', 'kn', 'gu', 'ur', 'af', 'lb', 'fy', 'oc', 'ia',
];
interface Names {
  months: Map<string, number>;
  /** Weekday names → 0 (Sunday) … 6, to choose between locales that share month names. */
  weekdays: Map<string, number>;
}
let localeNames: Names[] | null = null;

function weekdaysOf(locale: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const weekday of ['short', 'long'] as const) {
    const f = new Intl.DateTimeFormat(locale, { weekday, timeZone: 'UTC' });
    // 2021-08-01 was a Sunday.
    for (let d = 0; d < 7; d++) out.set(norm(f.format(Date.UTC(2021, 7, 1 + d))), d);
  }
  return out;
}

function monthsOf(locale: string): Map<string, number> {
  const out = new Map<string, number>();
  const forms: Intl.DateTimeFormatOptions[] = [{ month: 'short' }, { month: 'long' }, { day: 'numeric', month: 'short' }, { day: 'numeric', month: 'long' }];
  for (const opts of forms) {
    let f: Intl.DateTimeFormat;
    try {
      f = new Intl.DateTimeFormat(locale, { ...opts, timeZone: 'UTC' });
    } catch {
      return out;
    }
    for (let m = 0; m < 12; m++) {
      const v = f.formatToParts(Date.UTC(2021, m, 15)).find((p) => p.type === 'month')?.value;
      if (v && !/^\d+$/.test(v)) out.set(norm(v), m + 1);
    }
  }
  return out;
}

function tables(): Names[] {
  if (!localeNames) {
    localeNames = [];
    for (const l of LOCALES) {
      const months = monthsOf(l);
      if (months.size) localeNames.push({ months, weekdays: weekdaysOf(l) });
    }
  }
  return localeNames;
}

interface Resolved {
  y: number;
  m: number;
  stamp: Stamp;
}

/**
 * Each stamp's month under one locale (a stamp whose words hold none of its month names stays unread),
 * or null when a weekday name would fall on two different weekdays: then these are not its names.
 */
function underLocale(stamps: Stamp[], { months, weekdays }: Names): { read: Map<Stamp, Resolved>; named: number } | null {
  const weekday = new Map<string, number>();
  const out = new Map<Stamp, Resolved>();
  let named = 0;
  for (const st of stamps) {
    const at = st.words.findIndex((w) => months.has(w));
    if (at < 0 || st.y === null) continue;
    const m = months.get(st.words[at]!)!;
    const date = new Date(Date.UTC(st.y, m - 1, st.d));
    if (date.getUTCDate() !== st.d) continue;
    const day = date.getUTCDay();
    for (const [i, w] of st.words.entries()) {
      if (i === at) continue;
      if ((weekday.get(w) ?? day) !== day) return null;
      weekday.set(w, day);
      if (weekdays.get(w) === day) named++;
    }
    out.set(st, { y: st.y, m, stamp: st });
  }
  return { read: out, named };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Titles → local ISO times (null where a title does not read), under the locale that reads the most. */
function readTimes(titles: (string | null)[], ctx: ImportContext): (string | null)[] {
  const stamps = titles.map(parseStamp);
  const present = stamps.filter((s): s is Stamp => s !== null);
  // Most titles read first; among equals, the locale whose own weekday names stand beside its dates
  // (Element's translations mostly agree with Intl's).
  let best: Map<Stamp, Resolved> = new Map();
  let bestNamed = -1;
  for (const names of tables()) {
    const found = present.length ? underLocale(present, names) : null;
    if (found && (found.read.size > best.size || (found.read.size === best.size && found.named > bestNamed))) {
      best = found.read;
      bestNamed = found.named;
    }
  }
  const example = titles.find(Boolean);
  if (!best.size) {
    if (example) ctx.warn(`Element wrote its timestamps in a form or language Gleaner could not read (for example "${example}"); the posts keep no time.`);
    return titles.map(() => null);
  }
  const unread = titles.filter((t, i) => t && !best.has(stamps[i]!)).length;
  if (unread) ctx.warn(`${unread} of Element's timestamps could not be read; those posts keep no time.`);
  return stamps.map((st) => {
    const r = st && best.get(st);
    return r ? `${r.y}-${pad(r.m)}-${pad(st.d)}T${pad(st.h)}:${pad(st.mi)}:${pad(st.s)}` : null;
  });
}

type Kind = 'post' | 'state' | 'redacted' | 'notice';

/** One event as read; posts get their time and quotes once every page is read. */
interface Read {
  id: string;
  kind: Kind;
  title: string | null;
  author: string;
  mxid: string | null;
  own: string;
  quotes: QuoteInput[];
  text: string;
  html: string;
  replyTo: string | null;
  shown: { author: string | null; text: string } | null;
  permalink: string | null;
}

export interface ElementRoom {
  name: string;
  roomId: string | null;
}

function notElement(file: string): ImportError {
  return new ImportError("not an Element (Matrix) HTML export: the page has no Element message list. Export the room from Element's \"Export chat\" (HTML or JSON).", file);
}

const EVENT_LINK = /^https:\/\/matrix\.to\/#\/(![^/?#]+)\/(\$[^/?#]+)/;

function readPage(page: ElementHtmlPage, parseHtml: ParseHtml, ctx: ImportContext, out: Read[], state: { author: string | null; mxid: string | null }): ElementRoom {
  const doc = parseHtml(page.html);
  const root = doc.body ?? doc.documentElement;
  const list = find(root, 'mx_RoomView_MessageList');
  const label = page.name === ctx.file ? '' : `${baseName(page.name)}: `;
  // Element writes the whole page at once; its end (the status area, the closing tags) is missing only
  // when the file was cut.
  const complete = /mx_RoomView_statusArea[\s\S]*<\/html>\s*$/i.test(page.html);
  if (!list) {
    if (!complete && /class="mx_MatrixChat"/.test(page.html)) throw new ImportError('the file ends before its messages begin: it was cut off (an interrupted export, download or copy). Export the room again.', page.name);
    throw notElement(page.name);
  }
  const room: ElementRoom = { name: lineOf(find(root, 'mx_RoomHeader_nametext')) || '', roomId: null };
  const wrappers = eventWrappers(list);
  if (!complete) {
    // The last event may have lost its end: it is left out rather than kept half.
    if (wrappers.length) wrappers.pop();
    ctx.warn(`${label}the page ends before Element's closing markup: it was cut off (an interrupted export, download or copy). The ${wrappers.length} events before the cut are read; export the room again for the rest.`);
  }
  for (const w of wrappers) {
    try {
      readEvent(w, room, state, out);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      // Markup nested thousands deep (a damaged or hostile file) would exhaust the stack: that event only is left out.
      ctx.warn(`${label}event ${w.getAttribute('id') ?? '?'} nests its markup too deeply to read; left out.`);
    }
  }
  if (!wrappers.length && /mx_Export_EventWrapper/.test(page.html)) {
    throw new ImportError("the page's events are not inside Element's message list, where Element's export puts them: a layout Gleaner does not read. Export the room again, or as JSON.", page.name);
  }
  return room;
}

/** One event wrapper: its kind, sender (a continuation tile's is the previous one's), time title and words. */
function readEvent(w: Element, room: ElementRoom, state: { author: string | null; mxid: string | null }, out: Read[]): void {
  const id = w.getAttribute('id') ?? '';
  let tile: Element | null = null;
  for (let c = w.firstElementChild; c; c = c.nextElementSibling) if (hasClass(c, 'mx_EventTile')) tile = c;
  if (!id || !tile) return;
  const stop = isReplyChain;
  const stampEl = find(tile, 'mx_MessageTimestamp', stop);
  const linkEl = find(tile, 'sc_LinkedTimestamp', stop) ?? stampEl?.parentElement ?? null;
  const href = linkEl?.getAttribute('href') ?? '';
  const link = EVENT_LINK.exec(href);
  if (link && !room.roomId) room.roomId = decodeURIComponent(link[1]!);
  const profile = find(tile, 'mx_DisambiguatedProfile', stop);
  if (profile) {
    state.author = lineOf(find(profile, 'mx_DisambiguatedProfile_displayName')) || state.author;
    const avatar = findAll(find(tile, 'mx_EventTile_avatar', stop), (e) => e.getAttribute('title')?.startsWith('@') ?? false)[0];
    const shownId = lineOf(find(profile, 'mx_DisambiguatedProfile_mxid')).replace(/^\(|\)$/g, '');
    state.mxid = (avatar?.getAttribute('title') ?? null) || (shownId.startsWith('@') ? shownId : null);
  }
  const info = hasClass(tile, 'mx_EventTile_info');
  const redacted = hasClass(tile, 'mx_EventTile_redacted') || find(tile, 'mx_RedactedBody', stop) !== null;
  const notice = find(tile, 'mx_MNoticeBody', stop) !== null;
  const kind: Kind = info ? 'state' : redacted ? 'redacted' : notice ? 'notice' : 'post';
  const base: Read = {
    id,
    kind,
    title: stampEl?.getAttribute('title') ?? null,
    author: state.author ?? 'Unknown',
    mxid: state.mxid,
    own: '',
    quotes: [],
    text: '',
    html: '',
    replyTo: null,
    shown: null,
    permalink: link ? `https://matrix.to/#/${link[1]}/${link[2]}` : null,
  };
  if (kind !== 'post') {
    out.push(base);
    return;
  }
  readMessage(tile, base);
  out.push(base);
}

/** The page's events, in order; a tile rendered inside another (a quoted reply) belongs to its outer event. */
function eventWrappers(list: Element): Element[] {
  const isWrapper = (e: Element) => hasClass(e, 'mx_Export_EventWrapper');
  return findAll(list, isWrapper, isReplyChain).filter((w) => {
    for (let p = w.parentElement; p && p !== list; p = p.parentElement) if (isWrapper(p)) return false;
    return true;
  });
}

function readMessage(tile: Element, r: Read): void {
  const chain = findAll(tile, isReplyChain)[0] ?? null;
  if (chain) {
    const anchor = findAll(chain, (e) => e.tagName.toLowerCase() === 'a' && Boolean(e.getAttribute('data-scroll-to') || /#\$|\/\$/.test(e.getAttribute('href') ?? '')))[0];
    const target = anchor?.getAttribute('data-scroll-to') || /(\$[^/?#]+)$/.exec(decodeURIComponent(anchor?.getAttribute('href') ?? ''))?.[1] || null;
    r.replyTo = target;
    // Newer exports may render the answered message itself inside the chain: its sender and words.
    const quotedBody = findAll(chain, (e) => hasClass(e, 'mx_EventTile_body')).pop();
    r.shown = quotedBody ? { author: lineOf(find(chain, 'mx_DisambiguatedProfile_displayName')) || null, text: textOfBody(quotedBody).slice(0, 500) } : null;
  }
  const bodies = findAll(tile, (e) => hasClass(e, 'mx_EventTile_body'), isReplyChain);
  const body = bodies[bodies.length - 1] ?? null;
  let said = body ? textOfBody(body) : '';
  const emote = find(tile, 'mx_MEmoteBody', isReplyChain);
  if (emote && said) said = `* ${r.author} ${said}`;
  const { text: own, quotes } = splitQuoted(said);
  let html = '';
  if (own && body) {
    html = cleanHtmlWhere(body, 'about:blank', (e) => {
      const tag = e.tagName.toLowerCase();
      return INERT.has(tag) || isReplyChain(e) || tag === 'blockquote';
    }).trim();
    html = html ? `<div>${html}</div>` : '';
  }
  const files = mediaFiles(tile);
  const withAtt = withFiles(own, html, files);
  r.own = own;
  r.quotes = quotes;
  r.text = withAtt.text;
  r.html = withAtt.html;
}

/** Element's HTML export of one room (its pages in order): one Thread per conversation. */
export function importMatrixHtml(pages: ElementHtmlPage[], parseHtml: ParseHtml, ctx: ImportContext = importContext('messages.html')): Thread[] {
  const reads: Read[] = [];
  const state = { author: null as string | null, mxid: null as string | null };
  let room: ElementRoom | null = null;
  for (const page of pages) {
    let r: ElementRoom;
    try {
      r = readPage(page, parseHtml, ctx, reads, state);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      throw new ImportError('the page nests its markup too deeply to read (a damaged file, or not one Element wrote). Export the room again.', page.name);
    }
    if (!room) room = r;
    else {
      room.roomId ??= r.roomId;
      if (r.roomId && room.roomId && r.roomId !== room.roomId) {
        ctx.warn(`${baseName(page.name)} is an export of another room (${r.name || r.roomId}) than ${room.name || room.roomId}; read as part of it anyway.`);
      }
    }
  }
  if (!room) return [];
  const seen = new Set<string>();
  const unique = reads.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
  if (unique.length < reads.length) ctx.warn(`${reads.length - unique.length} events appear on more than one page; each is read once.`);
  const times = readTimes(unique.map((r) => r.title), ctx);
  const roomId = room.roomId;
  const msgs: ChatMessage[] = [];
  const said = new Map<string, { author: string; text: string }>();
  unique.forEach((r, i) => {
    if (r.kind !== 'post') return;
    if (!r.text) return;
    const publishedAt = times[i] ?? null;
    // Only the order and the gaps between posts matter here: the local time read as if it were UTC.
    const t = publishedAt ? Date.parse(`${publishedAt}Z`) : NaN;
    const quotes: QuoteInput[] = [...r.quotes];
    if (r.replyTo) {
      const known = said.get(r.replyTo);
      // A reply to a message the export does not show as a post (a notice, a deleted message, an older
      // one) keeps its link only: there are no words to quote.
      if (known || r.shown) quotes.unshift({ postId: r.replyTo, author: known ? known.author : (r.shown?.author ?? null), text: known ? known.text : (r.shown?.text ?? '') });
    }
    said.set(r.id, { author: r.author, text: r.own.slice(0, 500) });
    msgs.push({
      time: Number.isFinite(t) ? t : null,
      post: {
        id: r.id,
        author: { name: r.author, url: r.mxid ? `https://matrix.to/#/${r.mxid}` : null },
        publishedAt,
        text: r.text,
        html: r.html,
        permalink: r.permalink ?? (roomId ? `https://matrix.to/#/${roomId}/${r.id}` : null),
        replyTo: r.replyTo,
        quotes,
        score: null,
      },
    });
  });
  const label = room.name || roomId || baseName(pages[0]!.name);
  const file = encodeURIComponent(baseName(pages[0]!.name));
  return splitConversations(byTime(msgs), { ...ctx, replyWindowMs: ctx.replyWindowMs ?? Infinity }).map((c) => {
    const first = c[0]!.post.id;
    return conversationThread('matrix', roomId ? `https://matrix.to/#/${roomId}/${first}` : `matrix://${file}/${first}`, conversationTitle(label, c), c);
  });
}

/** Element names its pages messages.html, messages2.html, …; a saved copy may carry a prefix. */
const ELEMENT_PAGE = /(^|[/\\_ -])messages(\d*)\.html?$/i;

/** The key that unites an export's pages ("…messages.html", "…messages2.html", …) and the page's number. */
export function elementPageKey(name: string): { key: string; page: number } {
  const m = ELEMENT_PAGE.exec(name);
  return m ? { key: name.slice(0, m.index + m[1]!.length) + 'messages.html', page: Number(m[2] || 1) } : { key: name, page: 1 };
}
