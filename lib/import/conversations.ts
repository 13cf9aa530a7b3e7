import { Thread, type PostInput } from '../model/thread.ts';

/** A chat message on its way to becoming a Post: `time` (ms since epoch) drives the conversation split. */
export interface ChatMessage {
  post: PostInput;
  time: number | null;
}

export interface SplitOptions {
  /** Silence longer than this starts a new conversation. */
  gapMs: number;
  /**
   * How long a conversation stays open for late replies. Bounds memory when streaming: a reply to a
   * message older than this starts a new conversation (its replyTo still names the parent).
   */
  replyWindowMs: number;
}

export const DEFAULT_GAP_MS = 2 * 60 * 60 * 1000;
export const DEFAULT_REPLY_WINDOW_MS = 24 * 60 * 60 * 1000;

interface Open {
  msgs: ChatMessage[];
  last: number | null;
}

/**
 * Cuts a flat channel into conversations, online, so batch and streaming readers agree exactly:
 * a message joins the conversation of the message it explicitly replies to; otherwise the ongoing
 * conversation unless the channel was silent for longer than the gap. Messages must arrive in time order.
 */
export class ConversationSplitter {
  private readonly open = new Set<Open>();
  private readonly byId = new Map<string, Open>();
  private current: Open | null = null;
  /** Time of the last message of the channel's ongoing talk (late replies excluded). */
  private lastFlow: number | null = null;
  private minLast = Infinity;
  private readonly gap: number;
  private readonly window: number;

  constructor(opts: Partial<SplitOptions> = {}) {
    this.gap = opts.gapMs ?? DEFAULT_GAP_MS;
    this.window = Math.max(this.gap, opts.replyWindowMs ?? DEFAULT_REPLY_WINDOW_MS);
  }

  /** Adds one message; returns the conversations that can no longer grow. */
  push(m: ChatMessage): ChatMessage[][] {
    const closed: ChatMessage[][] = [];
    const t = m.time;
    // minLast is a lower bound of the open conversations' last times (they only grow), so the scan runs
    // only when one may have expired, not on every message: with a month-long window and hundreds of
    // open conversations, scanning each time was the importers' main cost.
    if (t !== null && t - this.minLast > this.window) {
      let min = Infinity;
      for (const c of this.open) {
        if (c.last === null) continue;
        if (t - c.last > this.window) closed.push(this.close(c));
        else if (c.last < min) min = c.last;
      }
      this.minLast = min;
    }
    if (this.byId.has(m.post.id)) return closed; // exports repeat edited messages under the same id
    const parent = m.post.replyTo ? this.byId.get(m.post.replyTo) : undefined;
    const current = this.current && this.open.has(this.current) ? this.current : null;
    const inFlow = current !== null && (t === null || this.lastFlow === null || t - this.lastFlow <= this.gap);
    let target: Open;
    if (parent && !(parent === current && inFlow)) {
      // A late reply (a Slack thread answered days later) joins its parent's conversation without
      // pulling the channel's ongoing talk in after it.
      target = parent;
    } else {
      if (parent) target = parent;
      else if (inFlow) target = current!;
      else {
        target = { msgs: [], last: null };
        this.open.add(target);
      }
      this.current = target;
      if (t !== null) this.lastFlow = t;
    }
    target.msgs.push(m);
    if (t !== null) {
      target.last = Math.max(target.last ?? t, t);
      if (target.last < this.minLast) this.minLast = target.last;
    }
    this.byId.set(m.post.id, target);
    return closed;
  }

  /** The conversations still open, oldest first. */
  flush(): ChatMessage[][] {
    return [...this.open].map((c) => this.close(c));
  }

  private close(c: Open): ChatMessage[] {
    this.open.delete(c);
    for (const m of c.msgs) this.byId.delete(m.post.id);
    if (this.current === c) this.current = null;
    return c.msgs;
  }
}

/** Batch form: all conversations of an already time-ordered message list. */
export function splitConversations(msgs: Iterable<ChatMessage>, opts: Partial<SplitOptions> = {}): ChatMessage[][] {
  const s = new ConversationSplitter(opts);
  const out: ChatMessage[][] = [];
  for (const m of msgs) out.push(...s.push(m));
  out.push(...s.flush());
  return out;
}

/** Stable sort by time; messages without a time keep their place relative to their neighbours. */
export function byTime(msgs: ChatMessage[]): ChatMessage[] {
  let last = -Infinity;
  const keyed = msgs.map((m, i) => {
    if (m.time !== null) last = m.time;
    return { m, k: m.time ?? last, i };
  });
  keyed.sort((a, b) => a.k - b.k || a.i - b.i);
  return keyed.map((x) => x.m);
}

/** "general (Example guild), 2023-01-06": where and when, since chat conversations have no subject. */
export function conversationTitle(label: string, msgs: ChatMessage[]): string {
  const first = msgs.find((m) => m.post.publishedAt)?.post.publishedAt;
  return first ? `${label}, ${first.slice(0, 10)}` : label;
}

/** A conversation as a validated Thread. */
export function conversationThread(platform: string, url: string, title: string, msgs: ChatMessage[]): Thread {
  return Thread.parse({ platform, url, title, posts: msgs.map((m) => m.post) });
}

export function safeIdPart(s: string): string {
  return encodeURIComponent(s.trim()).replace(/%20/g, '-');
}
