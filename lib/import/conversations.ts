import { Thread, type Post, type PostInput, type Quote } from '../model/thread.ts';

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

interface Open<M> {
  msgs: M[];
  closed: boolean;
  last: number | null;
  /** Creation order: conversations that expire together are handed out in it. */
  seq: number;
  /** Whether the expiry queue holds an entry for it. */
  queued: boolean;
}

/**
 * Open conversations by the time of their last message, earliest first. Entries are not updated when
 * a conversation grows: an entry's key is a lower bound of its conversation's last time, refreshed when
 * it reaches the front. Finding the expired ones costs a few steps instead of a scan of every open
 * conversation (hundreds, with Slack's month-long window).
 */
class ExpiryQueue<M> {
  private readonly keys: number[] = [];
  private readonly items: Open<M>[] = [];

  get size(): number {
    return this.keys.length;
  }

  frontKey(): number {
    return this.keys[0]!;
  }

  front(): Open<M> {
    return this.items[0]!;
  }

  push(c: Open<M>, key: number): void {
    const { keys, items } = this;
    let i = keys.length;
    keys.push(key);
    items.push(c);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    keys[i] = key;
    items[i] = c;
  }

  pop(): void {
    const { keys, items } = this;
    const key = keys.pop()!;
    const item = items.pop()!;
    const n = keys.length;
    if (!n) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && keys[child + 1]! < keys[child]!) child++;
      if (keys[child]! >= key) break;
      keys[i] = keys[child]!;
      items[i] = items[child]!;
      i = child;
    }
    keys[i] = key;
    items[i] = item;
  }
}

/**
 * Which open conversation holds each message id. Closing a conversation deletes nothing here (a
 * delete per message took a third of the splitter's time): an id whose conversation has closed
 * is ignored, and such ids are dropped a generation at a time, the young map becoming the old one
 * once it is large and the old one's ids of open conversations moving to the young one.
 */
class OpenIds<M> {
  private young = new Map<string, Open<M>>();
  private old = new Map<string, Open<M>>();
  private limit = 4096;

  get(id: string): Open<M> | undefined {
    const c = this.young.get(id);
    if (c && !c.closed) return c;
    const o = this.old.get(id);
    return o && !o.closed ? o : undefined;
  }

  set(id: string, c: Open<M>): void {
    this.young.set(id, c);
    if (this.young.size < this.limit) return;
    let kept = 0;
    const young = this.young;
    // An id still open here cannot be in the young map: it is added again only once its conversation closed.
    this.old.forEach((o, k) => {
      if (!o.closed) {
        young.set(k, o);
        kept++;
      }
    });
    // Ids of long-open conversations are carried each time: a limit of twice their number keeps that linear.
    this.limit = Math.max(4096, 2 * kept);
    this.old = this.young;
    this.young = new Map();
  }
}

/** What push returns when nothing closes: shared, so a message costs no array of its own. */
const NONE_CLOSED: never[] = Object.freeze([]) as unknown as never[];

/**
 * Cuts a flat channel into conversations, online, so batch and streaming readers agree exactly:
 * a message joins the conversation of the message it explicitly replies to; otherwise the ongoing
 * conversation unless the channel was silent for longer than the gap. Messages must arrive in time order.
 * It holds whatever the reader gives it (`M`): a reader that keeps conversations open for long may hold
 * compact records and build the posts when a conversation closes.
 */
export class ConversationSplitter<M = ChatMessage> {
  private readonly open = new Set<Open<M>>();
  private readonly byId = new OpenIds<M>();
  private current: Open<M> | null = null;
  /** Time of the last message of the channel's ongoing talk (late replies excluded). */
  private lastFlow: number | null = null;
  private readonly expiry = new ExpiryQueue<M>();
  private seq = 0;
  private readonly gap: number;
  private readonly window: number;
  private readonly timeFromId: boolean;
  /** The latest time added (kept with timeFromId only). */
  private latest = -Infinity;

  /**
   * `timeFromId`: the reader promises that a message's time follows from its id (Slack's ts is both),
   * so an id later than every time seen is new and needs no lookup: a reader whose messages come in
   * time order then looks an id up only for replies.
   */
  constructor(opts: Partial<SplitOptions> = {}, { timeFromId = false }: { timeFromId?: boolean } = {}) {
    this.gap = opts.gapMs ?? DEFAULT_GAP_MS;
    this.window = Math.max(this.gap, opts.replyWindowMs ?? DEFAULT_REPLY_WINDOW_MS);
    this.timeFromId = timeFromId;
  }

  /** Adds one chat message; returns the conversations that can no longer grow (do not modify the list). */
  push(this: ConversationSplitter<ChatMessage>, m: ChatMessage): ChatMessage[][] {
    return this.add(m, m.post.id, m.post.replyTo ?? null, m.time);
  }

  /**
   * Adds one message with its id, the id it replies to and its time; returns the conversations that
   * can no longer grow (do not modify the list).
   */
  add(m: M, id: string, replyTo: string | null, t: number | null): M[][] {
    let closed: M[][] = NONE_CLOSED;
    // Every open conversation whose last message is more than the window before this one ends here.
    // Conversations without a (numeric) last time never expire.
    if (t !== null && this.expiry.size && t - this.expiry.frontKey() > this.window) {
      const expired: Open<M>[] = [];
      while (this.expiry.size) {
        const c = this.expiry.front();
        const key = this.expiry.frontKey();
        if (c.closed) {
          this.expiry.pop();
          c.queued = false;
        } else if (c.last !== key) {
          // It grew since it was queued: queue it again at its real last time.
          this.expiry.pop();
          c.queued = false;
          this.queue(c);
        } else if (t - key > this.window) {
          this.expiry.pop();
          c.queued = false;
          expired.push(c);
        } else break;
      }
      if (expired.length) {
        expired.sort((a, b) => a.seq - b.seq);
        closed = [];
        for (const c of expired) closed.push(this.close(c));
      }
    }
    if (this.timeFromId && t !== null && t > this.latest) this.latest = t;
    else if (this.byId.get(id)) return closed; // exports repeat edited messages under the same id
    const parent = replyTo ? this.byId.get(replyTo) : undefined;
    const current = this.current && !this.current.closed ? this.current : null;
    const inFlow = current !== null && (t === null || this.lastFlow === null || t - this.lastFlow <= this.gap);
    let target: Open<M>;
    if (parent && !(parent === current && inFlow)) {
      // A late reply (a Slack thread answered days later) joins its parent's conversation without
      // pulling the channel's ongoing talk in after it.
      target = parent;
    } else {
      if (parent) target = parent;
      else if (inFlow) target = current!;
      else {
        target = { msgs: [], closed: false, last: null, seq: this.seq++, queued: false };
        this.open.add(target);
      }
      this.current = target;
      if (t !== null) this.lastFlow = t;
    }
    target.msgs.push(m);
    if (t !== null) {
      target.last = Math.max(target.last ?? t, t);
      if (!target.queued) this.queue(target);
    }
    this.byId.set(id, target);
    return closed;
  }

  private queue(c: Open<M>): void {
    // NaN stays NaN under Math.max: such a conversation can never expire, so it is not queued.
    if (c.last === null || Number.isNaN(c.last)) return;
    this.expiry.push(c, c.last);
    c.queued = true;
  }

  /** The conversations still open, oldest first. */
  flush(): M[][] {
    return [...this.open].map((c) => this.close(c));
  }

  private close(c: Open<M>): M[] {
    this.open.delete(c);
    c.closed = true;
    if (this.current === c) this.current = null;
    // The id map may still point at this conversation for a while: it must not keep the messages alive.
    const msgs = c.msgs;
    c.msgs = [];
    return msgs;
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
  // Exports are nearly always in order already: then the sort would give the same list back.
  let prev = -Infinity;
  let sorted = true;
  for (const m of msgs) {
    if (m.time === null) continue;
    // NaN counts as out of order: the sort below decides where it goes.
    if (!(m.time >= prev)) {
      sorted = false;
      break;
    }
    prev = m.time;
  }
  if (sorted) return msgs.slice();
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

/** The Post schema's keys in its order; the last two are optional. */
const POST_KEYS = ['id', 'author', 'publishedAt', 'text', 'html', 'permalink', 'replyTo', 'quotes', 'score', 'accepted', 'signature'];
const POST_REQUIRED = 9;
const AUTHOR_KEYS = ['name', 'url'];
const QUOTE_KEYS = ['postId', 'author', 'text'];
const isNullableString = (v: unknown) => v === null || typeof v === 'string';

/**
 * -1: not the schema's keys (one unknown, or one of the first `required` missing); 0: the schema's keys
 * in another order; 1: the schema's keys in its order (optional ones left out or not).
 */
function keyOrder(o: object, keys: string[], required = keys.length): -1 | 0 | 1 {
  let last = -1;
  let seen = 0;
  let ordered = true;
  for (const k in o) {
    let i = last + 1;
    if (k !== keys[i]) {
      i = keys.indexOf(k);
      if (i < 0) return -1;
      if (i <= last) ordered = false;
    }
    if (i < required) seen++;
    last = i;
  }
  return seen !== required ? -1 : ordered ? 1 : 0;
}

/**
 * The importers' posts as the Post schema would give them back, or null when one is not plainly
 * valid (then zod checks it, and names the problem). The same checks and defaults, in the schema's
 * key order, without zod's cost per post: a million-message import builds a million posts.
 */
function plainPosts(posts: PostInput[]): Post[] | null {
  const out: Post[] = new Array(posts.length);
  for (let i = 0; i < posts.length; i++) {
    const p = posts[i]!;
    const order = keyOrder(p, POST_KEYS, POST_REQUIRED);
    const a = p.author;
    const score = p.score ?? null;
    // Mail keeps a signature apart; Q&A marks the accepted answer. A key present but undefined is left to zod.
    const hasAccepted = 'accepted' in p;
    const hasSignature = 'signature' in p;
    if (
      order < 0 ||
      (hasAccepted && typeof p.accepted !== 'boolean') ||
      (hasSignature && typeof p.signature !== 'string') ||
      typeof p.id !== 'string' ||
      !p.id ||
      typeof a !== 'object' ||
      a === null ||
      typeof a.name !== 'string' ||
      !a.name ||
      !isNullableString(a.url) ||
      !isNullableString(p.publishedAt) ||
      typeof p.text !== 'string' ||
      typeof p.html !== 'string' ||
      !isNullableString(p.permalink) ||
      !isNullableString(p.replyTo) ||
      !Array.isArray(p.quotes) ||
      !(score === null || (typeof score === 'number' && Number.isFinite(score)))
    ) {
      return null;
    }
    let same = order === 1 && p.score !== undefined && keyOrder(a, AUTHOR_KEYS) === 1;
    for (const q of p.quotes) {
      if (typeof q !== 'object' || q === null || !isNullableString(q.postId) || !isNullableString(q.author) || typeof q.text !== 'string') return null;
      const qo = keyOrder(q, QUOTE_KEYS);
      if (qo < 0) return null;
      if (qo === 0) same = false;
    }
    if (same) {
      // Already exactly what the schema gives back: kept as it is, not copied.
      out[i] = p as Post;
      continue;
    }
    const quotes: Quote[] = p.quotes.map((q) => ({ postId: q.postId, author: q.author, text: q.text }) as Quote);
    out[i] = {
      id: p.id,
      author: { name: a.name, url: a.url },
      publishedAt: p.publishedAt,
      text: p.text,
      html: p.html,
      permalink: p.permalink,
      replyTo: p.replyTo,
      quotes,
      score,
      ...(hasAccepted ? { accepted: p.accepted } : {}),
      ...(hasSignature ? { signature: p.signature } : {}),
    };
  }
  return out;
}

/** A conversation as a validated Thread. */
export function conversationThread(platform: string, url: string, title: string, msgs: ChatMessage[]): Thread {
  return postsThread(platform, url, title, msgs.map((m) => m.post));
}

/** Posts as a validated Thread: checked by hand when they are plainly valid, else by the schema (which names the problem). */
export function postsThread(platform: string, url: string, title: string, posts: PostInput[]): Thread {
  const plain = posts.length && platform && typeof url === 'string' && typeof title === 'string' ? plainPosts(posts) : null;
  if (plain) return { schemaVersion: 1, platform, url, title, posts: plain };
  return Thread.parse({ platform, url, title, posts });
}

declare const madeByChatPost: unique symbol;
/** A line log's message as chatPost made it. */
export type ChatPost = Post & { readonly [madeByChatPost]: true };

/**
 * A line log's message (IRC, WhatsApp) as a Post, made only here, with the schema's keys in its order
 * and nothing left to default: chatThread then checks each post's values, not its keys (walking every
 * post's keys cost a tenth of reading a log).
 */
export function chatPost(id: string, name: string, publishedAt: string | null, text: string, html: string): ChatPost {
  return { id, author: { name, url: null }, publishedAt, text, html, permalink: null, replyTo: null, quotes: [], score: null } as Post as ChatPost;
}

/** Posts made by chatPost as a validated Thread; a value the schema would refuse sends them to zod, which names the problem. */
export function chatThread(platform: string, url: string, title: string, posts: ChatPost[]): Thread {
  let plain = posts.length > 0 && !!platform && typeof url === 'string' && typeof title === 'string';
  for (let i = 0; plain && i < posts.length; i++) {
    const p = posts[i]!;
    plain = typeof p.id === 'string' && p.id !== '' && typeof p.author.name === 'string' && p.author.name !== '' && isNullableString(p.publishedAt) && typeof p.text === 'string' && typeof p.html === 'string';
  }
  if (plain) return { schemaVersion: 1, platform, url, title, posts };
  return Thread.parse({ platform, url, title, posts });
}

export function safeIdPart(s: string): string {
  return encodeURIComponent(s.trim()).replace(/%20/g, '-');
}
