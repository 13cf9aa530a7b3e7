import type { Thread } from '../model/thread.ts';
import { byTime, conversationThread, conversationTitle, splitConversations, type ChatMessage } from './conversations.ts';
import { baseName, importContext, isRecord, str, type ImportContext } from './context.ts';
import { decodeUtf8, parseJson } from './decode.ts';
import { ImportError } from './errors.ts';
import { ItemCheck } from './validate.ts';
import { unixMillis } from '../extract/json-shape.ts';
import { z } from 'zod';
import { splitQuoted, textHtml, withFiles } from './message-text.ts';

/** A post of the API's posts response (Mattermost API reference, "Post"), as far as it is read. */
const MattermostPost = z.looseObject({
  type: z.string().nullish(),
  message: z.string().nullish(),
  user_id: z.string().nullish(),
  channel_id: z.string().nullish(),
  parent_id: z.string().nullish(),
  root_id: z.string().nullish(),
  create_at: unixMillis.nullish(),
  delete_at: z.number().nullish(),
  props: z.unknown().optional(),
  metadata: z.unknown().optional(),
});

/**
 * A Mattermost API posts page (`GET /channels/{id}/posts`: `order[]` + `posts{}`). Replies name their
 * thread root (root_id) and the post answered (parent_id). The API gives user ids only; names need
 * the users endpoint, so authors are shown by id unless a post carries an override name.
 */
export function importMattermost(bytes: Uint8Array, ctx: ImportContext = importContext('posts.json')): Thread[] {
  const data = parseJson(decodeUtf8(bytes, ctx.file), ctx.file);
  if (!isRecord(data) || !isRecord(data.posts) || !Array.isArray(data.order)) {
    throw new ImportError('not a Mattermost posts response: "order" and "posts" are missing.', ctx.file);
  }
  const posts = data.posts;
  // Ids are strings; anything else in the order list (a number at most) is not followed into.
  const ids = [...new Set([...data.order.flatMap((id) => (typeof id === 'string' || typeof id === 'number' ? [String(id)] : [])), ...Object.keys(posts)])];
  const msgs: ChatMessage[] = [];
  let channel = '';
  const check = new ItemCheck(ctx, 'post');
  for (const id of ids) {
    const raw = posts[id];
    if (!isRecord(raw)) continue;
    const p = check.read(MattermostPost, raw, () => `post ${id}`);
    if (!p || Number(p.delete_at) > 0) continue;
    // Typed posts (system_join_channel, system_header_change …) are the server talking, not a person.
    if (str(p.type)) continue;
    channel ||= str(p.channel_id) ?? '';
    const props = isRecord(p.props) ? p.props : {};
    const { text: own, quotes } = splitQuoted(str(p.message) ?? '');
    const files = (isRecord(p.metadata) && Array.isArray(p.metadata.files) ? p.metadata.files : []).filter(isRecord).map((f) => ({
      name: str(f.name) ?? 'file',
      url: null,
    }));
    const { text, html } = withFiles(own, textHtml(own), files);
    if (!text) continue;
    const time = Number(p.create_at);
    msgs.push({
      time: Number.isFinite(time) ? time : null,
      post: {
        id,
        author: { name: str(props.override_username) || str(p.user_id) || 'Unknown', url: null },
        publishedAt: Number.isFinite(time) ? new Date(time).toISOString() : null,
        text,
        html,
        permalink: null,
        replyTo: str(p.parent_id) || str(p.root_id) || null,
        quotes,
        score: null,
      },
    });
  }
  check.failIfAllSkipped(msgs.length);
  check.report();
  ctx.warn('Mattermost posts carry user ids only: authors are shown by id.');
  const file = baseName(ctx.file);
  return splitConversations(byTime(msgs), { ...ctx, replyWindowMs: ctx.replyWindowMs ?? Infinity }).map((c) =>
    conversationThread('mattermost', `mattermost://${encodeURIComponent(file)}/${channel}/${c[0]!.post.id}`, conversationTitle(`Mattermost channel ${channel}`, c), c),
  );
}
