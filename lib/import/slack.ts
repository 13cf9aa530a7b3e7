import type { Post, Quote, Thread } from '../model/thread.ts';
import { fromUnix } from '../extract/dates.ts';
import { ConversationSplitter, postsThread } from './conversations.ts';
import { baseName, importContext, isRecord, str, type ImportContext } from './context.ts';
import { decodeUtf8, parseJson } from './decode.ts';
import { ImportError } from './errors.ts';
import { ItemCheck } from './validate.ts';
import { count, idLike, MAX_UNIX_SECONDS } from '../extract/json-shape.ts';
import { z } from 'zod';
import { isPlainParagraph, splitQuoted, textHtml, unquotedText, withFiles, type FileRef } from './message-text.ts';

/** Subtypes that carry a person's words; joins, topic changes, bot posts and deleted stubs do not. */
const SPOKEN = new Set(['', 'file_share', 'file_comment', 'thread_broadcast', 'me_message']);

export type Users = Map<string, string>;

/** "@U…" → "@Name" per member list, filled as mentions are met: most of a chat's links are mentions of a few people. */
const mentionCache = new WeakMap<Users, Map<string, string>>();

function mentionsOf(users: Users): Map<string, string> {
  let mentions = mentionCache.get(users);
  if (!mentions) mentionCache.set(users, (mentions = new Map()));
  return mentions;
}

function slackLink(inner: string, users: Users, mentions: Map<string, string>): string {
  const known = mentions.get(inner);
  if (known !== undefined) return known;
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  // As inner.split('|')[1]: the label ends at a second bar, if any.
  const bar2 = bar < 0 ? -1 : inner.indexOf('|', bar + 1);
  const label = bar < 0 ? undefined : inner.slice(bar + 1, bar2 < 0 ? inner.length : bar2);
  const c = target.charCodeAt(0);
  if (c === 0x40 /* @ */) {
    const name = label ?? users.get(target.slice(1));
    if (name === undefined) return target;
    if (bar < 0) mentions.set(inner, `@${name}`);
    return `@${name}`;
  }
  if (c === 0x23 /* # */) return `#${label ?? target.slice(1)}`;
  if (c === 0x21 /* ! */) return `@${label ?? target.slice(1).replace(/\^.*/, '')}`;
  return label && label !== target ? `${label} (${target})` : target;
}

/**
 * Slack's message markup as plain text: mentions by display name, links as their label and address.
 * Every `<…>` holding neither `<` nor `>` is a link or mention; then the three entities Slack escapes
 * are decoded. Scanned by hand rather than with a regex and a callback: it runs once per message.
 */
export function slackText(s: string, users: Users): string {
  let out = '';
  let mentions: Map<string, string> | undefined;
  let last = 0;
  const n = s.length;
  let i = s.indexOf('<');
  while (i >= 0) {
    let j = i + 1;
    let c = 0;
    while (j < n && (c = s.charCodeAt(j)) !== 0x3c && c !== 0x3e) j++;
    if (j >= n) break;
    if (c === 0x3c) {
      i = j;
      continue;
    }
    if (j > i + 1) {
      out += s.slice(last, i) + slackLink(s.slice(i + 1, j), users, (mentions ??= mentionsOf(users)));
      last = j + 1;
    }
    i = s.indexOf('<', j + 1);
  }
  if (last) out += s.slice(last);
  else out = s;
  return out.includes('&') ? out.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&') : out;
}

export function userNames(raw: unknown): Users {
  const users: Users = new Map();
  for (const u of Array.isArray(raw) ? raw : []) {
    if (!isRecord(u) || !str(u.id)) continue;
    const p = isRecord(u.profile) ? u.profile : {};
    users.set(str(u.id)!, str(p.display_name) || str(p.real_name) || str(u.real_name) || str(u.name) || str(u.id)!);
  }
  return users;
}

function slackFile(f: Record<string, unknown>): FileRef {
  return { name: str(f.name) || str(f.title) || 'file', url: str(f.permalink) || str(f.url_private) || null };
}

/**
 * A Slack message while its conversation is open: what its post is made of, not the post. A channel
 * keeps a month of messages open for late thread replies; held as finished posts (author object, date
 * string, HTML) they survived the young generation by the thousand and the garbage collector copied
 * them all. The post is built when the conversation closes (slackPost).
 */
interface SlackMessage {
  /** Slack's ts, the post id. */
  id: string;
  /** ts as a number (Unix seconds), parsed once. */
  sec: number;
  name: string;
  /** The writer's own words, quotes taken out. */
  own: string;
  /** textHtml(own), or null when that is plainly `<p>own</p>` (most messages): written when the post is. */
  html: string | null;
  quotes: Quote[] | null;
  files: FileRef[] | null;
  replyTo: string | null;
  score: number | null;
}

/** Slack's ts: Unix seconds written as text ("1577836800.000012"). */
const SlackTs = z.string().refine((ts) => {
  const n = tsSeconds(ts);
  return Number.isFinite(n) && n >= 0 && n <= MAX_UNIX_SECONDS;
}, { message: 'expected a Unix time in seconds, written as text, between 1970 and 9999' });

/**
 * A Slack message as far as it is read, checked before anything is built from it: a ts or reaction
 * count no one could have written (1e400, a list) costs that message, not the import.
 */
const SlackRaw = z.object({
  type: z.string().nullish(),
  subtype: z.string().nullish(),
  ts: SlackTs.nullish(),
  thread_ts: SlackTs.nullish(),
  user: idLike.nullish(),
  username: z.string().nullish(),
  text: z.string().nullish(),
  reactions: z.array(z.object({ count: count.nullish() })).nullish(),
  files: z.array(z.unknown()).nullish(),
  file: z.unknown().optional(),
  comment: z.unknown().optional(),
  user_profile: z.unknown().optional(),
  bot_id: z.unknown().optional(),
  bot_profile: z.unknown().optional(),
});

function slackMessage(input: unknown, users: Users, check: ItemCheck | null, index: number, path: string): SlackMessage | null {
  if (!isRecord(input) || (str(input.type) ?? 'message') !== 'message') return null;
  const raw = check ? check.read(SlackRaw, input, () => `${path ? `${path} ` : ''}message ${index + 1}${str(input.ts) ? ` (ts ${str(input.ts)})` : ''}`) : input;
  if (!raw) return null;
  const subtype = str(raw.subtype) ?? '';
  const ts = str(raw.ts);
  if (!SPOKEN.has(subtype) || !ts) return null;
  // An app posting through its bot user writes a user id and no subtype; bot_id/bot_profile tell it apart.
  if ((typeof raw.bot_id === 'string' && raw.bot_id) || isRecord(raw.bot_profile)) return null;
  const comment = isRecord(raw.comment) ? raw.comment : null;
  const userId = str(raw.user) ?? (comment ? str(comment.user) : null);
  let name = userId && users.get(userId);
  if (!name) {
    const profile = isRecord(raw.user_profile) ? raw.user_profile : {};
    name = str(profile.display_name) || str(profile.real_name) || str(raw.username) || userId || 'Unknown';
  }
  const body = subtype === 'file_comment' && comment ? (str(comment.comment) ?? '') : (str(raw.text) ?? '');
  const said = slackText(body, users);
  let own = unquotedText(said);
  let quotes: Quote[] | null = null;
  if (own === null) {
    const split = splitQuoted(said);
    own = split.text;
    if (split.quotes.length) quotes = split.quotes;
  }
  let files: FileRef[] | null = null;
  // Most messages carry no file: no arrays built for them.
  if (Array.isArray(raw.files)) for (const f of raw.files) if (isRecord(f)) (files ??= []).push(slackFile(f));
  if (isRecord(raw.file) && subtype !== 'file_comment') (files ??= []).push(slackFile(raw.file));
  if (!own && !files) return null;
  const threadTs = str(raw.thread_ts);
  let score = 0;
  if (Array.isArray(raw.reactions)) for (const r of raw.reactions) if (isRecord(r)) score += Number(r.count) || 0;
  return {
    id: ts,
    sec: tsSeconds(ts),
    name,
    own,
    // Decided while the text is fresh in the cache rather than when the conversation closes.
    html: isPlainParagraph(own) ? null : textHtml(own),
    quotes,
    files,
    replyTo: threadTs && threadTs !== ts ? threadTs : null,
    score: score || null,
  };
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Slack's ts ("1577836800.000012") as Number(ts) reads it, without the general number parser (a
 * noticeable share of a million-message import). The digits read as one exact integer and divided by
 * an exact power of ten give the double nearest to the decimal, as Number does; anything else, or
 * more digits than a double holds exactly, goes to Number.
 */
export function tsSeconds(ts: string): number {
  const n = ts.length;
  let v = 0;
  let dot = -1;
  for (let i = 0; i < n; i++) {
    const c = ts.charCodeAt(i);
    if (c >= 48 && c <= 57) v = v * 10 + (c - 48);
    else if (c === 46 && dot < 0) dot = i;
    else return Number(ts);
  }
  if (!n || dot === 0 || dot === n - 1 || n - dot - 1 > 22 || v >= 2 ** 53) return Number(ts);
  return dot < 0 ? v : v / POW10[n - dot - 1]!;
}

function slackPost(m: SlackMessage): Post {
  const html = m.html ?? `<p>${m.own}</p>`;
  if (m.files) {
    const withAttachments = withFiles(m.own, html, m.files);
    return post(m, withAttachments.text, withAttachments.html);
  }
  return post(m, m.own, html);
}

function post(m: SlackMessage, text: string, html: string): Post {
  return {
    id: m.id,
    author: { name: m.name, url: null },
    publishedAt: fromUnix(m.sec),
    text,
    html,
    permalink: null,
    replyTo: m.replyTo,
    quotes: m.quotes ?? [],
    score: m.score,
  };
}

/**
 * How long a Slack thread stays open for late replies. Slack threads are explicit, so a reply days
 * later still belongs to its thread; a finite window keeps a streamed million-message channel from
 * holding every conversation open until the end (a later reply starts a new conversation and its
 * replyTo still names the parent).
 */
export const SLACK_REPLY_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** A channel as listed in channels.json (or groups, mpims, dms): its id and the folder of its day files. */
export interface SlackChannel {
  id: string;
  name: string;
}

/** The channels of the listing files, first listing wins; pass each listing's parsed JSON in order. */
export function slackChannels(lists: unknown[]): SlackChannel[] {
  const out: SlackChannel[] = [];
  const seen = new Set<string>();
  for (const list of lists) {
    for (const ch of Array.isArray(list) ? list : []) {
      if (!isRecord(ch)) continue;
      const id = str(ch.id) ?? str(ch.name) ?? 'channel';
      const folder = str(ch.name) ?? id;
      if (seen.has(folder)) continue;
      seen.add(folder);
      out.push({ id, name: folder });
    }
  }
  return out;
}

export const SLACK_LISTINGS = ['channels.json', 'groups.json', 'mpims.json', 'dms.json'];
export const SLACK_DAY = /^(.*)\/(\d{4}-\d{2}-\d{2})\.json$/;

/**
 * One channel read day file by day file, in date order, so a batch and a streamed import agree and
 * memory holds only the conversations still open.
 */
export class SlackChannelReader {
  private readonly splitter: ConversationSplitter<SlackMessage>;
  private readonly urlPrefix: string;
  private readonly label: string;
  messages = 0;
  /** Messages skipped because a field was not as expected; reported once the channel ends. */
  readonly check: ItemCheck;

  constructor(
    private readonly ctx: ImportContext,
    workspace: string,
    readonly channel: SlackChannel,
    private readonly users: Users,
  ) {
    // A message's time is read from its id (ts), as the splitter's timeFromId asks.
    this.splitter = new ConversationSplitter<SlackMessage>({ ...ctx, replyWindowMs: ctx.replyWindowMs ?? SLACK_REPLY_WINDOW_MS }, { timeFromId: true });
    this.urlPrefix = `slack://${encodeURIComponent(workspace)}/${encodeURIComponent(channel.id)}/`;
    this.label = `#${channel.name} (${workspace})`;
    this.check = new ItemCheck(ctx, 'message');
  }

  /** A parsed day file (or any list of raw messages); returns the conversations that can no longer grow. */
  day(arr: unknown, path: string): Thread[] {
    if (!Array.isArray(arr)) {
      this.ctx.warn(`${path} is not a list of messages; skipped.`);
      return [];
    }
    const msgs: SlackMessage[] = [];
    for (let i = 0; i < arr.length; i++) {
      const m = slackMessage(arr[i], this.users, this.check, i, path);
      if (m) msgs.push(m);
    }
    this.messages += msgs.length;
    const out: Thread[] = [];
    const ordered = inTimeOrder(msgs);
    for (let i = 0; i < ordered.length; i++) {
      const m = ordered[i]!;
      const closed = this.splitter.add(m, m.id, m.replyTo, m.sec * 1000);
      for (let k = 0; k < closed.length; k++) out.push(this.thread(closed[k]!));
    }
    return out;
  }

  end(): Thread[] {
    this.check.report();
    return this.splitter.flush().map((c) => this.thread(c));
  }

  private thread(c: SlackMessage[]): Thread {
    const posts: Post[] = new Array(c.length);
    let finite = true;
    for (let i = 0; i < c.length; i++) {
      posts[i] = slackPost(c[i]!);
      if (c[i]!.score !== null && !Number.isFinite(c[i]!.score)) finite = false;
    }
    const first = posts.find((p) => p.publishedAt)?.publishedAt;
    const url = this.urlPrefix + posts[0]!.id;
    const title = first ? `${this.label}, ${first.slice(0, 10)}` : this.label;
    // slackPost builds posts exactly as the schema gives them back (a test holds it to that); only an
    // infinite reaction count needs the schema's own verdict.
    return finite ? { schemaVersion: 1, platform: 'slack', url, title, posts } : postsThread('slack', url, title, posts);
  }
}

/** Stable sort by time, as byTime does for chat messages (a Slack message always has one, maybe NaN). */
function inTimeOrder(msgs: SlackMessage[]): SlackMessage[] {
  let prev = -Infinity;
  let sorted = true;
  let finite = true;
  for (const m of msgs) {
    const t = m.sec * 1000;
    // NaN counts as out of order: the sort below decides where it goes.
    if (!(t >= prev)) sorted = false;
    else prev = t;
    if (!Number.isFinite(t)) finite = false;
  }
  if (sorted) return msgs;
  // With finite times the comparison is consistent, and a stable sort keeps ties in their order as
  // the index tie-break below does; otherwise that tie-break decides, as byTime's does.
  if (finite) return msgs.sort((a, b) => a.sec * 1000 - b.sec * 1000);
  const keyed = msgs.map((m, i) => ({ m, k: m.sec * 1000, i }));
  keyed.sort((a, b) => a.k - b.k || a.i - b.i);
  return keyed.map((x) => x.m);
}

/** The export's name as shown in titles and pseudo-URLs. */
export function slackWorkspace(file: string): string {
  return baseName(file).replace(/\.zip$/i, '');
}

/**
 * Channel folders holding day files that no listing names (an export edited by hand, a listing cut
 * short): read under the folder's name, with a warning, rather than dropped.
 */
export function unlistedChannels(paths: Iterable<string>, listed: Map<string, SlackChannel>, ctx: ImportContext): SlackChannel[] {
  const counts = new Map<string, number>();
  for (const p of paths) {
    const m = SLACK_DAY.exec(p);
    if (m && !listed.has(m[1]!)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  const out: SlackChannel[] = [];
  for (const [folder, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    ctx.warn(`the channel folder "${folder}" (${n} day file${n === 1 ? '' : 's'}) is not listed in channels.json, groups.json, mpims.json or dms.json; it is imported under the folder's name.`);
    out.push({ id: folder, name: folder });
  }
  return out;
}

/** An export in which no one said anything Gleaner can keep: an error, so an empty result is never silent. */
export function noMessages(channels: number, folders: number, file: string): ImportError {
  return new ImportError(
    `no messages found: the export lists ${channels} channel${channels === 1 ? '' : 's'} and has day files for ${folders}, but none holds a message a person wrote (joins, topic changes and bot notices are not kept).`,
    file,
  );
}

export const USERS_MISSING = 'users.json is missing: authors are shown by their Slack user id (U…) instead of their names.';

function json(files: Map<string, Uint8Array>, path: string, ctx: ImportContext): unknown {
  const b = files.get(path)!;
  return parseJson(decodeUtf8(b, `${ctx.file}/${path}`), `${ctx.file}/${path}`);
}

/**
 * A Slack workspace export (the ZIP's members, or the unpacked folder's files, as path → bytes):
 * channels.json + users.json + `<channel>/<YYYY-MM-DD>.json`. One Thread per conversation per channel.
 * For a ZIP too large to hold in memory, see slack-stream.ts (same reader, same threads).
 */
export function importSlackExport(files: Map<string, Uint8Array>, ctx: ImportContext = importContext('slack-export.zip')): Thread[] {
  // Some tools zip the export inside a top folder.
  const listing = [...files.keys()].find((p) => /(^|\/)(channels|groups|dms|mpims)\.json$/.test(p));
  if (!listing) throw new ImportError('not a Slack workspace export: channels.json is missing. Import the ZIP exactly as Slack produced it.', ctx.file);
  const root = listing.replace(/[^/]*$/, '');
  const rel = new Map<string, Uint8Array>();
  for (const [p, b] of files) if (p.startsWith(root)) rel.set(p.slice(root.length), b);

  let users: Users = new Map();
  if (rel.has('users.json')) users = userNames(json(rel, 'users.json', ctx));
  else ctx.warn(USERS_MISSING);

  const workspace = slackWorkspace(ctx.file);
  const listed = slackChannels(SLACK_LISTINGS.filter((f) => rel.has(f)).map((f) => json(rel, f, ctx)));
  const channels = [...listed, ...unlistedChannels(rel.keys(), new Map(listed.map((c) => [c.name, c])), ctx)];
  const out: Thread[] = [];
  let messages = 0;
  for (const ch of channels) {
    const reader = new SlackChannelReader(ctx, workspace, ch, users);
    const days = [...rel.keys()].filter((p) => p.startsWith(`${ch.name}/`) && SLACK_DAY.test(p)).sort();
    for (const day of days) out.push(...reader.day(json(rel, day, ctx), day));
    out.push(...reader.end());
    messages += reader.messages;
  }
  if (!messages) throw noMessages(listed.length, channels.filter((c) => [...rel.keys()].some((p) => p.startsWith(`${c.name}/`))).length, ctx.file);
  return out;
}

/** A slackdump conversation dump: {channel_id, name, messages[]}, thread replies nested under their parent. */
export function importSlackdump(bytes: Uint8Array, ctx: ImportContext = importContext('slackdump.json')): Thread[] {
  const data = parseJson(decodeUtf8(bytes, ctx.file), ctx.file);
  if (!isRecord(data) || !Array.isArray(data.messages)) throw new ImportError('not a slackdump conversation dump: there is no "messages" list.', ctx.file);
  ctx.warn('slackdump conversation dumps carry no user names: authors are shown by their Slack user id.');
  // Each message, then its replies, read as one day file would be.
  const raws: unknown[] = [];
  for (const raw of data.messages) {
    raws.push(raw);
    if (isRecord(raw) && Array.isArray(raw.slackdump_thread_replies)) for (const r of raw.slackdump_thread_replies) raws.push(r);
  }
  const id = str(data.channel_id) ?? 'channel';
  const reader = new SlackChannelReader(ctx, 'slackdump', { id, name: str(data.name) ?? id }, new Map());
  const threads = reader.day(raws, '');
  reader.check.failIfAllSkipped(reader.messages);
  return [...threads, ...reader.end()];
}
