import type { QuoteInput, Thread } from '../model/thread.ts';
import type { ParseHtml } from '../extract/types.ts';
import { absUrl, lineOf } from '../extract/dom.ts';
import { parseForumDate } from '../extract/dates.ts';
import { byTime, conversationThread, conversationTitle, splitConversations, type ChatMessage } from './conversations.ts';
import { baseName, importContext, type ImportContext } from './context.ts';
import { ImportError } from './errors.ts';
import { escapeHtml, fileNameOf, splitQuoted, withFiles, type FileRef } from './message-text.ts';

/*
 * DiscordChatExporter's HTML exports: the "HtmlDark" and "HtmlLight" formats, which differ only in
 * colours. One file per channel, or "NAME [part 2].html", "NAME [part 3].html", … after the first file
 * when the export was partitioned; every part carries the whole preamble and its own postamble.
 *
 * Built from DCE's own Razor templates (PreambleTemplate.cshtml, MessageGroupTemplate.cshtml,
 * PostambleTemplate.cshtml, and HtmlMarkdownVisitor.cs for message bodies), not from a real export:
 * none was at hand. test/support/dce-html.ts renders documents from those templates for the tests.
 * Read: the layout of v2.34 and later (`chatlog__message-container` with `data-message-id`), with
 * replies written `chatlog__reference…` (until about v2.40) or `chatlog__reply…` (since). The older
 * layout (`chatlog__messages`, `chatlog__author-name`) is refused with a reason.
 *
 * The Posts follow the JSON importer (discord.ts): the message id, the name shown (server nickname or
 * user name), replies linked by id with the answered message as the first quote, markdown quotes as
 * quotes, attachments as "[attachment: NAME]" and links, reactions summed as the score, system
 * notifications (joins, pins, calls, renames, threads) dropped. Mentions are already display names in
 * the page. Embeds are not the author's words and are left out, as in the JSON importer.
 *
 * Times. The page prints each time in the exporter's locale (.NET "g": "1/6/2023 2:03 PM",
 * "06.01.2023 14:03"), to the minute, in the exporting machine's local time unless it was run with
 * --utc, and never says which. Every message id is a Discord snowflake whose top bits are the UTC time
 * the message was sent, to the millisecond: that is the time kept, in UTC ("…Z"). Only when an id is
 * not a snowflake is the printed time read, as a local time without an offset.
 */

export interface HtmlPage {
  /** The file's name (a partition's own name), for errors and the channel id DCE writes into it. */
  name: string;
  html: string;
}

const DISCORD_EPOCH = 1_420_070_400_000;
/** 2100-01-01: a larger "snowflake" is some other number. */
const SNOWFLAKE_LIMIT = 4_102_444_800_000;

/** The UTC time (ms) a Discord snowflake id was made, or null when the string is not one. */
export function snowflakeTime(id: string | null | undefined): number | null {
  if (!id || !/^\d{15,20}$/.test(id)) return null;
  const ms = Number(BigInt(id) >> 22n) + DISCORD_EPOCH;
  return ms > DISCORD_EPOCH && ms < SNOWFLAKE_LIMIT ? ms : null;
}

function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** "Image: photo (1).png (12.3 KB)": the file name DCE writes into a media attachment's title. */
const MEDIA_TITLE = /^(?:Image|Video|Audio): ([\s\S]+) \([^()]*\)$/;
const SCROLL_TO = /scrollToMessage\(\s*event\s*,\s*['"]?(\d+)/;
const PART = / \[part (\d+)\](\.html?)$/i;
/** Never text, never kept: active content, media players, form controls. */
const INERT = new Set([
  'script', 'style', 'noscript', 'template', 'iframe', 'frame', 'frameset', 'object', 'embed', 'svg', 'math', 'form', 'input',
  'button', 'select', 'textarea', 'link', 'meta', 'base', 'video', 'audio', 'source', 'picture', 'canvas',
]);
const BLOCK = new Set(['div', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'pre', 'blockquote']);
/** Formatting DCE's markdown renderer writes, kept (without attributes) in the stored HTML. */
const KEPT = new Set(['strong', 'em', 'u', 's', 'b', 'i', 'code', 'h1', 'h2', 'h3', 'ul', 'ol', 'li']);

/** The key that unites a partitioned export's files: the first file's name. */
export function partitionKey(name: string): { key: string; part: number } {
  const m = PART.exec(name);
  return m ? { key: name.slice(0, m.index) + m[2], part: Number(m[1]) } : { key: name, part: 1 };
}

function child(el: Element | null | undefined, cls: string): Element | null {
  if (!el) return null;
  for (let c = el.firstElementChild; c; c = c.nextElementSibling) if (c.classList.contains(cls)) return c;
  return null;
}

/** First descendant passing the test, in document order; iterative, so nesting depth costs no call depth. */
function firstDescendant(el: Element | null | undefined, test: (c: Element) => boolean): Element | null {
  if (!el) return null;
  let c: Element | null = el.firstElementChild;
  while (c) {
    if (test(c)) return c;
    if (c.firstElementChild) {
      c = c.firstElementChild;
      continue;
    }
    while (c && c !== el && !c.nextElementSibling) c = c.parentElement;
    if (!c || c === el) return null;
    c = c.nextElementSibling;
  }
  return null;
}

/** First descendant with the class, depth first; a walk rather than a selector (linkedom compiles each query). */
function find(el: Element | null | undefined, cls: string): Element | null {
  return firstDescendant(el, (c) => c.classList.contains(cls));
}

function findTag(el: Element | null | undefined, tag: string): Element | null {
  return firstDescendant(el, (c) => c.tagName.toLowerCase() === tag);
}

/** An emoji image as text: Unicode emoji by their character (the alt), custom ones by their code (":name:"). */
function emojiText(img: Element): string {
  if (!img.classList.contains('chatlog__emoji')) return '';
  const alt = img.getAttribute('alt') ?? '';
  if (alt && !/^[\w-]+$/.test(alt)) return alt;
  return img.getAttribute('title') || (alt ? `:${alt}:` : '');
}

function endLine(out: string[]): void {
  const last = out[out.length - 1];
  if (last !== undefined && !last.endsWith('\n')) out.push('\n');
}

/**
 * A rendered message body back to chat text: whitespace as written (DCE keeps it, `pre-wrap`), quotes as
 * "> " lines so splitQuoted treats them as the JSON importer does, emoji as characters or codes.
 */
function markdownText(node: Node, into: string[]): void {
  // Iterative: each level saved is the sibling to resume at, the output it writes to, and what ending
  // the element adds (a line end after a block, a quote's "> " lines).
  const stack: { next: Node | null; out: string[]; finish: (() => void) | null }[] = [];
  let out = into;
  let c: Node | null = node.firstChild;
  for (;;) {
    if (!c) {
      const f = stack.pop();
      if (!f) return;
      f.finish?.();
      c = f.next;
      out = f.out;
      continue;
    }
    const n: Node = c;
    c = n.nextSibling;
    if (n.nodeType === 3) {
      out.push(n.nodeValue ?? '');
      continue;
    }
    if (n.nodeType !== 1) continue;
    const el = n as Element;
    const tag = el.tagName.toLowerCase();
    if (INERT.has(tag) || el.classList.contains('chatlog__edited-timestamp')) continue;
    if (tag === 'br') out.push('\n');
    else if (tag === 'img') out.push(emojiText(el));
    else if (el.classList.contains('chatlog__markdown-quote')) {
      const inner: string[] = [];
      const outer = out;
      stack.push({
        next: c,
        out: outer,
        finish: () => {
          endLine(outer);
          outer.push(inner.join('').replace(/\n$/, '').split('\n').map((l) => `> ${l}`).join('\n') + '\n');
        },
      });
      out = inner;
      c = (child(el, 'chatlog__markdown-quote-content') ?? el).firstChild;
    } else {
      const block = BLOCK.has(tag) || el.classList.contains('chatlog__markdown-pre--multiline');
      if (block) endLine(out);
      if (tag === 'li') out.push('- ');
      const outer = out;
      stack.push({ next: c, out: outer, finish: block ? () => endLine(outer) : null });
      c = el.firstChild;
    }
  }
}

function textOfMarkdown(el: Element | null): string {
  if (!el) return '';
  const out: string[] = [];
  markdownText(el, out);
  return out.join('').replace(/\r\n?/g, '\n').replace(/[ \t]+\n/g, '\n');
}

/**
 * The message's own words as HTML, built anew from the page rather than copied: text escaped, line
 * breaks kept, DCE's formatting tags without their attributes, http(s) links; quotes (kept as quotes),
 * scripts, handlers, styles and images (emoji become their text) never pass.
 */
function markdownHtml(node: Node, preformatted: boolean): string {
  // Iterative: each level saved is the sibling to resume at, the HTML written before the element, its
  // `pre`, and how the element's inner HTML is wrapped once it ends.
  const stack: { next: Node | null; before: string; pre: boolean; wrap: (inner: string) => string }[] = [];
  let s = '';
  let pre = preformatted;
  let c: Node | null = node.firstChild;
  for (;;) {
    if (!c) {
      const f = stack.pop();
      if (!f) return s;
      s = f.before + f.wrap(s);
      pre = f.pre;
      c = f.next;
      continue;
    }
    const n: Node = c;
    c = n.nextSibling;
    if (n.nodeType === 3) {
      const v = escapeHtml(n.nodeValue ?? '');
      s += pre ? v : v.replace(/\r?\n/g, '<br>');
      continue;
    }
    if (n.nodeType !== 1) continue;
    const el = n as Element;
    const tag = el.tagName.toLowerCase();
    if (INERT.has(tag) || el.classList.contains('chatlog__edited-timestamp') || el.classList.contains('chatlog__markdown-quote')) continue;
    if (tag === 'br') s += pre ? '\n' : '<br>';
    else if (tag === 'img') s += escapeHtml(emojiText(el));
    else if (el.classList.contains('chatlog__markdown-pre--multiline')) s += `<pre><code>${escapeHtml(el.textContent ?? '')}</code></pre>`;
    else {
      let wrap = (inner: string) => inner;
      let innerPre = pre;
      if (tag === 'a') {
        const href = absUrl(el.getAttribute('href'), 'about:blank');
        if (href) wrap = (inner) => `<a href="${escapeHtml(href)}">${inner}</a>`;
      } else if (KEPT.has(tag)) {
        wrap = (inner) => `<${tag}>${inner}</${tag}>`;
        innerPre = pre || tag === 'code';
      }
      stack.push({ next: c, before: s, pre, wrap });
      s = '';
      pre = innerPre;
      c = el.firstChild;
    }
  }
}


/** An attachment's file name and, when it is a web address (not a downloaded copy), its link. */
function attachment(att: Element): FileRef | null {
  const media = find(att, 'chatlog__attachment-media');
  let name = '';
  let href: string | null = null;
  if (media) {
    const isImg = media.tagName.toLowerCase() === 'img';
    const holder = isImg ? media : findTag(media, 'source');
    href = isImg ? (media.parentElement?.tagName.toLowerCase() === 'a' ? media.parentElement.getAttribute('href') : null) ?? media.getAttribute('src') : (holder?.getAttribute('src') ?? null);
    name = MEDIA_TITLE.exec(holder?.getAttribute('title') ?? '')?.[1] ?? '';
  } else {
    const generic = find(att, 'chatlog__attachment-generic-name');
    const a = findTag(generic, 'a');
    href = a?.getAttribute('href') ?? null;
    name = lineOf(a ?? generic);
  }
  name ||= fileNameOf(href);
  if (!name && !href) return null;
  const url = absUrl(href, 'about:blank');
  return { name: name || 'attachment', url };
}

interface Channel {
  guild: string;
  channel: string;
  iconUrl: string;
}

/** Guild and channel as the preamble shows them: "GUILD", "CATEGORY / CHANNEL", and the title "GUILD - CHANNEL". */
function preambleOf(doc: Document, preamble: Element): Channel {
  const entries: Element[] = [];
  const container = find(preamble, 'preamble__entries-container') ?? preamble;
  for (let c = container.firstElementChild; c; c = c.nextElementSibling) {
    if (c.classList.contains('preamble__entry') && !c.classList.contains('preamble__entry--small')) entries.push(c);
  }
  const guild = lineOf(entries[0]);
  const title = lineOf(findTag(doc.documentElement, 'title'));
  const second = lineOf(entries[1]);
  // Category and channel names may hold " / " and guild names " - ": the title, cut after the known
  // guild name, is the unambiguous source; the second entry is the fallback.
  const channel = guild && title.startsWith(`${guild} - `) ? title.slice(guild.length + 3) : second.includes(' / ') ? second.slice(second.indexOf(' / ') + 3) : second;
  const icon = find(preamble, 'preamble__guild-icon')?.getAttribute('src') ?? '';
  return { guild: guild || 'Discord', channel: channel || 'channel', iconUrl: icon };
}

/** One message as read, before the reply quotes are resolved (that needs every page, in time order). */
interface Read {
  id: string;
  time: number | null;
  publishedAt: string | null;
  author: string;
  own: string;
  quotes: QuoteInput[];
  text: string;
  html: string;
  replyTo: string | null;
  /** The answered message as the reply line shows it, for when that message is not in the export. */
  shown: { author: string | null; text: string } | null;
  score: number | null;
}

function notDce(file: string): ImportError {
  return new ImportError(
    'not a DiscordChatExporter HTML export: the page has no DCE preamble and chat log. Export the channel with DiscordChatExporter (HTML or, better, JSON).',
    file,
  );
}

function cutOff(file: string, where: string): ImportError {
  return new ImportError(
    `the file ends ${where}: it was cut off (an interrupted export, download or copy). Export the channel again, or import the complete file.`,
    file,
  );
}

function readPage(page: HtmlPage, parseHtml: ParseHtml, ctx: ImportContext, out: Read[]): Channel {
  const doc = parseHtml(page.html);
  const body = doc.body ?? doc.documentElement;
  const looksDce = /chatlog__message-(?:group|container)/.test(page.html) && /preamble__entr/.test(page.html);
  const preamble = find(body, 'preamble');
  const chatlog = find(body, 'chatlog');
  if (!preamble || !chatlog) {
    if (find(body, 'chatlog__messages') || find(body, 'chatlog__author-name')) {
      throw new ImportError(
        'this is the HTML layout of DiscordChatExporter before v2.34 (or another tool imitating it), which Gleaner does not read. Export the channel again with a current DiscordChatExporter, preferably as JSON.',
        page.name,
      );
    }
    if (looksDce) throw cutOff(page.name, 'before its messages begin');
    throw notDce(page.name);
  }
  const meta = preambleOf(doc, preamble);
  const postamble = find(body, 'postamble');
  if (!postamble) throw cutOff(page.name, 'before DiscordChatExporter\'s closing line ("Exported N message(s)")');

  let containers = 0;
  for (let group = chatlog.firstElementChild; group; group = group.nextElementSibling) {
    if (!group.classList.contains('chatlog__message-group')) continue;
    // Only a group's first message shows its author (and its reply line); the rest continue it.
    let author: string | null = null;
    for (let c = group.firstElementChild; c; c = c.nextElementSibling) {
      if (!c.classList.contains('chatlog__message-container')) continue;
      containers++;
      const id = c.getAttribute('data-message-id') ?? (c.getAttribute('id') ?? '').replace(/^chatlog__message-container-/, '');
      const message = child(c, 'chatlog__message') ?? c;
      const aside = child(message, 'chatlog__message-aside');
      const primary = child(message, 'chatlog__message-primary');
      if (!id || !primary) continue;
      if (find(primary, 'chatlog__system-notification-content') || find(aside, 'chatlog__system-notification-icon')) continue;
      const header = child(primary, 'chatlog__header');
      if (header) author = lineOf(child(header, 'chatlog__author') ?? find(header, 'chatlog__author')) || author;
      const read = readMessage(id, author ?? 'Unknown', aside, primary, header);
      if (read) out.push(read);
    }
  }
  if (!containers && find(body, 'chatlog__message-group')) throw notDce(page.name);
  // DCE counts the messages it wrote into each file ("Exported 1,234 message(s)", in the export's locale).
  const said = /Exported ([\d.,\s\u00a0\u202f'’]+) message/.exec(lineOf(postamble))?.[1]?.replace(/\D/g, '');
  if (said && Number(said) !== containers) {
    ctx.warn(`${page.name === ctx.file ? '' : `${baseName(page.name)}: `}DiscordChatExporter's closing line counts ${said} messages; Gleaner found ${containers}.`);
  }
  return meta;
}

function readMessage(id: string, author: string, aside: Element | null, primary: Element, header: Element | null): Read | null {
  let time = snowflakeTime(id);
  let publishedAt = time === null ? null : isoUtc(time);
  if (time === null) {
    // Not a snowflake: the printed time, local to the exporting machine (or UTC), zone unknown.
    const printed = header ? lineOf(child(header, 'chatlog__timestamp')) : (find(aside, 'chatlog__short-timestamp')?.getAttribute('title') ?? '');
    publishedAt = parseForumDate(printed);
    const t = publishedAt ? Date.parse(publishedAt) : NaN;
    time = Number.isFinite(t) ? t : null;
  }

  let replyTo: string | null = null;
  let shown: Read['shown'] = null;
  const reply = child(primary, 'chatlog__reply') ?? child(primary, 'chatlog__reference');
  if (reply) {
    const link = find(reply, 'chatlog__reply-link') ?? find(reply, 'chatlog__reference-link');
    replyTo = SCROLL_TO.exec(link?.getAttribute('onclick') ?? '')?.[1] ?? null;
    const placeholder = link?.firstElementChild?.tagName.toLowerCase() === 'em' && /^Click to see /.test(lineOf(link));
    shown = {
      author: lineOf(find(reply, 'chatlog__reply-author') ?? find(reply, 'chatlog__reference-author')) || null,
      text: placeholder ? '' : textOfMarkdown(link).trim().slice(0, 500),
    };
  }

  const content = child(primary, 'chatlog__content');
  const body = content ? (child(content, 'chatlog__markdown-preserve') ?? content) : null;
  const { text: own, quotes } = splitQuoted(textOfMarkdown(body));
  let html = '';
  if (own && body) {
    html = markdownHtml(body, false).replace(/^(?:\s|<br>)+|(?:\s|<br>)+$/g, '');
    html = html ? `<div>${html}</div>` : '';
  }

  const files: FileRef[] = [];
  let stickers = '';
  let score = 0;
  let embedLink: string | null = null;
  for (let c = primary.firstElementChild; c; c = c.nextElementSibling) {
    if (c.classList.contains('chatlog__attachment')) {
      const f = attachment(c);
      if (f) files.push(f);
    } else if (c.classList.contains('chatlog__sticker')) {
      stickers += `<p class="sticker">[sticker: ${escapeHtml(c.getAttribute('title') || 'sticker')}]</p>`;
    } else if (c.classList.contains('chatlog__reactions')) {
      for (let r = c.firstElementChild; r; r = r.nextElementSibling) score += Number(lineOf(child(r, 'chatlog__reaction-count')).replace(/\D/g, '')) || 0;
    } else if (c.classList.contains('chatlog__embed') && !embedLink) {
      // DCE hides a message's text when it is only a link to the image it embeds; the link is the message.
      const img = find(c, 'chatlog__embed-generic-image') ?? find(c, 'chatlog__embed-plainimage');
      const a = img?.parentElement?.tagName.toLowerCase() === 'a' ? img.parentElement : null;
      embedLink = absUrl(a?.getAttribute('href'), 'about:blank');
    }
  }
  let text = own;
  if (!own && !files.length && !stickers && embedLink) {
    text = embedLink;
    html = `<div><a href="${escapeHtml(embedLink)}">${escapeHtml(embedLink)}</a></div>`;
  }
  const withAtt = withFiles(text, html, files);
  const finalHtml = withAtt.html + stickers;
  if (!withAtt.text && !finalHtml) return null;
  return { id, time, publishedAt, author, own: text, quotes, text: withAtt.text, html: finalHtml, replyTo, shown, score: score || null };
}

/** Channel and guild ids for discord.com links, where the export shows them; null otherwise. */
function channelIds(meta: Channel, pages: HtmlPage[], earliest: number | null): { guild: string; channel: string } | null {
  const iconGuild = /\/icons\/(\d{15,20})\//.exec(meta.iconUrl)?.[1] ?? null;
  const direct = meta.guild === 'Direct Messages' && !iconGuild;
  // DCE names files "GUILD - CATEGORY - CHANNEL [CHANNEL_ID].html"; a group DM's icon carries the id too.
  const fromName = pages.map((p) => /\[(\d{15,20})\](?: \[part \d+\])?\.html?$/i.exec(baseName(p.name))?.[1]).find(Boolean);
  const channel = fromName ?? /\/channel-icons\/(\d{15,20})\//.exec(meta.iconUrl)?.[1] ?? null;
  const guild = direct ? '@me' : iconGuild;
  if (!channel || !guild) return null;
  // A channel is never younger than its messages, nor a guild than its channels: a number in brackets
  // that breaks this is not the channel's id.
  const ct = snowflakeTime(channel);
  if (ct === null || (earliest !== null && ct > earliest)) return null;
  if (guild !== '@me' && (snowflakeTime(guild) ?? Infinity) > ct) return null;
  return { guild, channel };
}

/** A DiscordChatExporter HTML export (its partitions in order), one Thread per conversation. */
export function importDiscordHtml(pages: HtmlPage[], parseHtml: ParseHtml, ctx: ImportContext = importContext('export.html')): Thread[] {
  const reads: Read[] = [];
  let meta: Channel | null = null;
  for (const page of pages) {
    const m = readPage(page, parseHtml, ctx, reads);
    if (!meta) meta = m;
    else if (m.guild !== meta.guild || m.channel !== meta.channel) {
      ctx.warn(`${baseName(page.name)} is an export of ${m.channel} (${m.guild}), not ${meta.channel} (${meta.guild}); read as part of it anyway.`);
    }
  }
  if (!meta || !reads.length) return [];

  const earliest = reads.reduce<number | null>((e, r) => (r.time !== null && (e === null || r.time < e) ? r.time : e), null);
  const ids = channelIds(meta, pages, earliest);
  if (!ids) {
    ctx.warn(
      'the export does not show the channel and server ids (DCE writes the channel id into the default file name, "… [ID].html", and the server id into its icon address), so posts carry no discord.com links.',
    );
  }
  const permalink = (id: string) => (ids ? `https://discord.com/channels/${ids.guild}/${ids.channel}/${id}` : null);
  const readOf = new Map<ChatMessage, Read>();
  for (const r of reads) {
    const m: ChatMessage = {
      time: r.time,
      post: { id: r.id, author: { name: r.author, url: null }, publishedAt: r.publishedAt, text: r.text, html: r.html, permalink: permalink(r.id), replyTo: r.replyTo, quotes: r.quotes, score: r.score },
    };
    readOf.set(m, r);
  }
  // Exports may run newest first (DCE's reverse order), and partitions may come in any order: a reply
  // quotes the message it answers once that message has been seen, so quotes are resolved in time order.
  const msgs = byTime([...readOf.keys()]);
  const said = new Map<string, { author: string; text: string }>();
  for (const m of msgs) {
    const r = readOf.get(m)!;
    if (r.replyTo) {
      const known = said.get(r.replyTo);
      m.post.quotes = [{ postId: r.replyTo, author: known ? known.author : (r.shown?.author ?? null), text: known ? known.text : (r.shown?.text ?? '') }, ...r.quotes];
    }
    if (!said.has(r.id)) said.set(r.id, { author: r.author, text: r.own.slice(0, 500) });
  }
  const label = meta.guild === 'Direct Messages' ? `${meta.channel} (${meta.guild})` : `#${meta.channel} (${meta.guild})`;
  const file = encodeURIComponent(baseName(partitionKey(pages[0]!.name).key));
  return splitConversations(msgs, ctx).map((c) => {
    const first = c[0]!.post.id;
    return conversationThread('discord', permalink(first) ?? `discord-html://${file}/${first}`, conversationTitle(label, c), c);
  });
}
