import type { Thread } from '../model/thread.ts';
import { fromUnix } from '../extract/dates.ts';
import { byTime, conversationThread, conversationTitle, splitConversations, type ChatMessage } from './conversations.ts';
import { baseName, importContext, isRecord, str, type ImportContext } from './context.ts';
import { decodeUtf8, parseJson } from './decode.ts';
import { ImportError } from './errors.ts';
import { splitQuoted, textHtml, withFiles, type FileRef } from './message-text.ts';

/** Subtypes that carry a person's words; joins, topic changes, bot posts and deleted stubs do not. */
const SPOKEN = new Set(['', 'file_share', 'file_comment', 'thread_broadcast', 'me_message']);

type Users = Map<string, string>;

/** Slack's message markup as plain text: mentions by display name, links as their label and address. */
export function slackText(s: string, users: Users): string {
  return s
    .replace(/<([^<>]+)>/g, (_all, inner: string) => {
      const [target = '', label] = inner.split('|');
      if (target.startsWith('@')) return `@${label ?? users.get(target.slice(1)) ?? target.slice(1)}`;
      if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
      if (target.startsWith('!')) return `@${label ?? target.slice(1).replace(/\^.*/, '')}`;
      return label && label !== target ? `${label} (${target})` : target;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function userNames(raw: unknown): Users {
  const users: Users = new Map();
  for (const u of Array.isArray(raw) ? raw : []) {
    if (!isRecord(u) || !str(u.id)) continue;
    const p = isRecord(u.profile) ? u.profile : {};
    users.set(str(u.id)!, str(p.display_name) || str(p.real_name) || str(u.real_name) || str(u.name) || str(u.id)!);
  }
  return users;
}

function slackMessage(raw: unknown, users: Users): ChatMessage | null {
  if (!isRecord(raw) || (str(raw.type) ?? 'message') !== 'message') return null;
  const subtype = str(raw.subtype) ?? '';
  const ts = str(raw.ts);
  if (!SPOKEN.has(subtype) || !ts) return null;
  const comment = isRecord(raw.comment) ? raw.comment : null;
  const userId = str(raw.user) ?? (comment ? str(comment.user) : null);
  const profile = isRecord(raw.user_profile) ? raw.user_profile : {};
  const name = (userId && users.get(userId)) || str(profile.display_name) || str(profile.real_name) || str(raw.username) || userId || 'Unknown';
  const body = subtype === 'file_comment' && comment ? (str(comment.comment) ?? '') : (str(raw.text) ?? '');
  const { text: own, quotes } = splitQuoted(slackText(body, users));
  const fileObjs = [...(Array.isArray(raw.files) ? raw.files : []), ...(isRecord(raw.file) && subtype !== 'file_comment' ? [raw.file] : [])];
  const files: FileRef[] = fileObjs.filter(isRecord).map((f) => ({
    name: str(f.name) || str(f.title) || 'file',
    url: str(f.permalink) || str(f.url_private) || null,
  }));
  const { text, html } = withFiles(own, textHtml(own), files);
  if (!text) return null;
  const threadTs = str(raw.thread_ts);
  const score = (Array.isArray(raw.reactions) ? raw.reactions : []).filter(isRecord).reduce((n, r) => n + (Number(r.count) || 0), 0);
  return {
    time: Number(ts) * 1000,
    post: {
      id: ts,
      author: { name, url: null },
      publishedAt: fromUnix(ts),
      text,
      html,
      permalink: null,
      replyTo: threadTs && threadTs !== ts ? threadTs : null,
      quotes,
      score: score || null,
    },
  };
}

function threads(msgs: ChatMessage[], ctx: ImportContext, workspace: string, channel: { id: string; name: string }): Thread[] {
  // Slack threads are explicit: a reply weeks later still belongs to its thread.
  return splitConversations(byTime(msgs), { ...ctx, replyWindowMs: ctx.replyWindowMs ?? Infinity }).map((c) =>
    conversationThread(
      'slack',
      `slack://${encodeURIComponent(workspace)}/${encodeURIComponent(channel.id)}/${c[0]!.post.id}`,
      conversationTitle(`#${channel.name} (${workspace})`, c),
      c,
    ),
  );
}

function json(files: Map<string, Uint8Array>, path: string, ctx: ImportContext): unknown {
  const b = files.get(path)!;
  return parseJson(decodeUtf8(b, `${ctx.file}/${path}`), `${ctx.file}/${path}`);
}

/**
 * A Slack workspace export (the ZIP's members, or the unpacked folder's files, as path → bytes):
 * channels.json + users.json + `<channel>/<YYYY-MM-DD>.json`. One Thread per conversation per channel.
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
  else ctx.warn('users.json is missing: authors are shown by their Slack user id (U…) instead of their names.');

  const workspace = baseName(ctx.file).replace(/\.zip$/i, '');
  const out: Thread[] = [];
  const seen = new Set<string>();
  for (const listFile of ['channels.json', 'groups.json', 'mpims.json', 'dms.json']) {
    if (!rel.has(listFile)) continue;
    const list = json(rel, listFile, ctx);
    for (const ch of Array.isArray(list) ? list : []) {
      if (!isRecord(ch)) continue;
      const id = str(ch.id) ?? str(ch.name) ?? 'channel';
      const folder = str(ch.name) ?? id;
      if (seen.has(folder)) continue;
      seen.add(folder);
      const days = [...rel.keys()].filter((p) => p.startsWith(`${folder}/`) && /\/\d{4}-\d{2}-\d{2}\.json$/.test(p)).sort();
      const msgs: ChatMessage[] = [];
      for (const day of days) {
        const arr = json(rel, day, ctx);
        if (!Array.isArray(arr)) {
          ctx.warn(`${day} is not a list of messages; skipped.`);
          continue;
        }
        for (const raw of arr) {
          const m = slackMessage(raw, users);
          if (m) msgs.push(m);
        }
      }
      out.push(...threads(msgs, ctx, workspace, { id, name: folder }));
    }
  }
  return out;
}

/** A slackdump conversation dump: {channel_id, name, messages[]}, thread replies nested under their parent. */
export function importSlackdump(bytes: Uint8Array, ctx: ImportContext = importContext('slackdump.json')): Thread[] {
  const data = parseJson(decodeUtf8(bytes, ctx.file), ctx.file);
  if (!isRecord(data) || !Array.isArray(data.messages)) throw new ImportError('not a slackdump conversation dump: there is no "messages" list.', ctx.file);
  ctx.warn('slackdump conversation dumps carry no user names: authors are shown by their Slack user id.');
  const users: Users = new Map();
  const msgs: ChatMessage[] = [];
  for (const raw of data.messages) {
    const m = slackMessage(raw, users);
    if (m) msgs.push(m);
    const replies = isRecord(raw) && Array.isArray(raw.slackdump_thread_replies) ? raw.slackdump_thread_replies : [];
    for (const r of replies) {
      const rm = slackMessage(r, users);
      if (rm) msgs.push(rm);
    }
  }
  const id = str(data.channel_id) ?? 'channel';
  return threads(msgs, ctx, 'slackdump', { id, name: str(data.name) ?? id });
}
