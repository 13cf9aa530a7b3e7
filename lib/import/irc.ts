import type { Thread } from '../model/thread.ts';
import { chatPost, chatThread, DEFAULT_GAP_MS, type ChatPost } from './conversations.ts';
import { baseName, importContext, type ImportContext } from './context.ts';
import { ImportError } from './errors.ts';
import { classify, DAY_LINE, grammarName, HEADER, headerDate, Kind, learnGrammar, said, TIME_STYLES, type Grammar, type Stamp } from './line-grammar.ts';
import { eachLine, GapConversations, LineDecoder, lineError, logTitle, pieces, quoteLine, SkippedLines } from './lines.ts';
import { textHtml } from './message-text.ts';

/** Lines the grammar is learned from: enough to see past a log's opening joins and notices. */
const SAMPLE_LINES = 300;
/** How far the sample grows when it holds only events, looking for the first message. */
const MAX_SAMPLE_LINES = 20_000;

/** "00" to "99": two-digit fields without a string built per line. */
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const pad = (n: number) => TWO[n] ?? String(n).padStart(2, '0');
const offsetText = (off: number) => `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
const MIRC_CODES = /[\x02\x0f\x16\x1d\x1e\x1f]|\x03\d{0,2}(?:,\d{1,2})?/g;
const MIRC_CODE = /[\x02\x03\x0f\x16\x1d\x1e\x1f]/;
/** mIRC's codes and what textHtml looks for (NOT_PLAIN) in one class. */
const NOT_PLAIN_IRC = /[\x02\x03\x0f\x16\x1d\x1e\x1f&<>"\n]|http/;

/** Counts a test or a caller can check: what each line of the log turned out to be. */
export interface LineLogStats {
  posts: number;
  actions: number;
  /** Joins, parts, quits, nick/mode/topic changes and the logger's own notices. */
  events: number;
  /** Log openings, day changes, session starts. */
  headers: number;
  skipped: number;
  /** Messages with no text left (a bare identify mark, colour codes only). */
  empty: number;
  grammar: string | null;
}

/**
 * Reads a line log one line at a time. The first lines are held until the grammar is learned from
 * them, then every line is read with it; conversations come out as soon as they can no longer grow.
 */
export class IrcReader {
  readonly stats: LineLogStats = { posts: 0, actions: 0, events: 0, headers: 0, skipped: 0, empty: 0, grammar: null };
  private grammar: Grammar | null = null;
  private sample: { lineNo: number; text: string; offset: number }[] | null = [];
  private sampleLimit = SAMPLE_LINES;
  private readonly skipped = new SkippedLines();
  private readonly convs: GapConversations<ChatPost>;
  private readonly ready: ChatPost[][] = [];
  private readonly stamp: Stamp = { y: null, mo: null, d: null, h: 0, mi: 0, s: 0, off: null };
  private readonly file: string;
  private readonly label: string;
  // The current day, from headers, the file name or dated stamps.
  private y: number | null = null;
  private mo: number | null = null;
  private d: number | null = null;
  private lastClock = -1;
  private dayOffset = 0;
  private yearOffset = 0;
  private lastMonth = 0;
  private noYearWarned = false;
  /** The time (ms) and publishedAt of the stamp clock() read last. */
  private t = 0;
  private at: string | null = null;
  /** "2016-06-01T" for the day last written, kept while the day does not change. */
  private dayKey = -1;
  private dayText = '';
  /** Midnight UTC of that day (ms), before any offset. */
  private dayMs = 0;
  /** "2016-06-01T12:34:" for the minute last written. */
  private minuteKey = -1;
  private minuteText = '';
  /** ":ss" and the offset, for every second, under the offset last written. */
  private tailOff: number | null = null;
  private tails: string[] = [];

  constructor(private readonly ctx: ImportContext) {
    this.convs = new GapConversations(ctx.gapMs ?? DEFAULT_GAP_MS);
    this.file = baseName(ctx.file);
    this.label = this.file.replace(/\.(log|txt)$/i, '');
    const fromName = /(\d{4})-?(\d{2})-?(\d{2})/.exec(this.file);
    if (fromName && +fromName[2]! >= 1 && +fromName[2]! <= 12 && +fromName[3]! >= 1 && +fromName[3]! <= 31) {
      this.y = +fromName[1]!;
      this.mo = +fromName[2]!;
      this.d = +fromName[3]!;
    }
  }

  line(text: string, lineNo: number, offset = -1): void {
    if (this.sample) {
      this.sample.push({ lineNo, text, offset });
      if (this.sample.length >= this.sampleLimit) this.learn(false);
      return;
    }
    this.read(text, lineNo);
  }

  private learn(atEnd: boolean): void {
    const sample = this.sample!;
    const learned = learnGrammar(sample);
    if (learned.eventsOnly && !atEnd && sample.length < MAX_SAMPLE_LINES) {
      this.sampleLimit *= 2;
      return;
    }
    this.sample = null;
    if (!learned.grammar && learned.eventsOnly) learned.grammar = learned.eventsOnly;
    if (!learned.grammar) {
      if (!learned.lines) throw new ImportError('the log has no lines to read.', this.ctx.file, { offset: 0, line: 1, column: 1 });
      const bad = learned.unreadable.map((l) => `line ${l.lineNo}: ${quoteLine(l.text)}`).join('; ');
      const tried = learned.tried.map((t) => t.name);
      const first = learned.unreadable[0];
      throw new ImportError(
        `no line format we know fits this log; lines it could not read: ${bad}. ` +
          `Tried ${tried.length} timestamp × speaker grammars (${[...new Set(tried)].join(', ')}); the best read ${learned.tried[0]!.read} of ${learned.lines} lines.`,
        this.ctx.file,
        first && first.offset >= 0 ? { offset: first.offset, line: first.lineNo, column: 1 } : null,
      );
    }
    this.grammar = learned.grammar;
    this.stats.grammar = grammarName(learned.grammar);
    for (const l of sample) this.read(l.text, l.lineNo);
  }

  private read(text: string, lineNo: number): void {
    const g = this.grammar!;
    let len = -1;
    if (g.time.scan) len = g.time.scan(text, this.stamp);
    else {
      const m = g.time.re.exec(text);
      if (m && g.time.read(m, this.stamp)) len = m[0].length;
    }
    if (len < 0) {
      if (!text.trim()) return;
      if (HEADER.test(text)) {
        this.stats.headers++;
        this.setDay(headerDate(text));
        return;
      }
      this.stats.skipped++;
      this.skipped.add(lineNo, text);
      return;
    }
    const body = text.slice(len);
    const kind = classify(body, g.speaker);
    if (kind === Kind.Bad) {
      this.stats.skipped++;
      this.skipped.add(lineNo, text);
      return;
    }
    const st = this.stamp;
    if (kind === Kind.Event) {
      // eggdrop and others mark midnight with "--- Tue Jan  3 2018": a header, not an event.
      if (DAY_LINE.test(body)) {
        this.stats.headers++;
        this.setDay(headerDate(body));
        return;
      }
      this.stats.events++;
      this.clock(st);
      return;
    }
    this.clock(st);
    let t = said.text;
    if (kind === Kind.Post && g.identifyMarks && !g.identifyMarks.unmarked.has(said.nick)) t = t.replace(/^[+-]/, '');
    // One scan says whether the text holds colour codes or anything the HTML must escape; most lines hold neither.
    const plain = !NOT_PLAIN_IRC.test(t);
    if (!plain && MIRC_CODE.test(t)) t = t.replace(MIRC_CODES, '');
    t = t.trim();
    if (!t) {
      this.stats.empty++;
      return;
    }
    if (kind === Kind.Action) {
      this.stats.actions++;
      t = `/me ${t}`;
    } else this.stats.posts++;
    const post = chatPost(`L${lineNo}`, said.nick, this.at, t, plain ? `<p>${t}</p>` : textHtml(t));
    const closed = this.convs.add(post, this.t);
    if (closed) this.ready.push(closed);
  }

  private setDay(day: { y: number; mo: number; d: number } | null): void {
    if (!day) return;
    this.y = day.y;
    this.mo = day.mo;
    this.d = day.d;
    this.lastClock = -1;
  }

  /** The stamp as a time (ms, in this.t) and as the post's publishedAt (this.at), the date filled from the log around it. */
  private clock(st: Stamp): void {
    const secs = st.h * 3600 + st.mi * 60 + st.s;
    let y = st.y;
    let mo = st.mo;
    let d = st.d;
    if (mo !== null && d !== null && y !== null) {
      // A dated stamp also dates the clock-only lines after it (Pidgin writes the date only when it changes).
      this.y = y;
      this.mo = mo;
      this.d = d;
    } else if (mo !== null && d !== null) {
      // Month and day without a year (dircproxy, HexChat): the year from a header or the caller, counted on at each new year.
      if (mo < this.lastMonth) this.yearOffset++;
      this.lastMonth = mo;
      y = this.y !== null ? this.y + this.yearOffset : this.ctx.year !== undefined ? this.ctx.year + this.yearOffset : null;
      if (y === null && !this.noYearWarned) {
        this.ctx.warn('this log does not state the year: dates are left empty. Pass the year (option "year") to keep them.');
        this.noYearWarned = true;
      }
    } else {
      // A clock alone: the day is the current one, and a clock running backwards means midnight passed.
      if (secs < this.lastClock) {
        if (this.d !== null) {
          const next = new Date(Date.UTC(this.y!, this.mo! - 1, this.d + 1));
          this.y = next.getUTCFullYear();
          this.mo = next.getUTCMonth() + 1;
          this.d = next.getUTCDate();
        } else this.dayOffset++;
      }
      y = this.y;
      mo = this.mo;
      d = this.d;
    }
    this.lastClock = secs;
    const off = st.off ?? 0;
    if (mo === null || d === null) {
      this.t = Date.UTC(2000, 0, 1 + this.dayOffset, st.h, st.mi, st.s);
      this.at = null;
      return;
    }
    // 2000 is a leap year: any "29 Feb" in a yearless log has a date to count from.
    const year = y ?? 2000 + this.yearOffset;
    const key = (year * 100 + mo) * 100 + d;
    if (key !== this.dayKey) {
      this.dayKey = key;
      this.dayMs = Date.UTC(year, mo - 1, d);
      this.dayText = `${year}-${pad(mo)}-${pad(d)}T`;
    }
    this.t = this.dayMs + secs * 1000 - off * 60_000;
    if (y === null) {
      this.at = null;
      return;
    }
    // Lines come minute by minute with the same offset: the text is two pieces, each built once.
    const minute = key * 1440 + st.h * 60 + st.mi;
    if (minute !== this.minuteKey) {
      this.minuteKey = minute;
      this.minuteText = `${this.dayText}${pad(st.h)}:${pad(st.mi)}:`;
    }
    if (st.off !== this.tailOff || !this.tails.length) {
      this.tailOff = st.off;
      const off = st.off === null ? '' : offsetText(st.off);
      this.tails = TWO.slice(0, 61).map((ss) => ss + off);
    }
    this.at = this.minuteText + (this.tails[st.s] ?? `${pad(st.s)}${st.off === null ? '' : offsetText(st.off)}`);
  }

  /** Conversations that closed since the last call. */
  take(): Thread[] {
    const out = this.ready.map((c) => this.thread(c));
    this.ready.length = 0;
    return out;
  }

  /** The end of the log: the remaining conversations, and the warnings. */
  finish(fallbackLines: number): Thread[] {
    if (this.sample) this.learn(true);
    const last = this.convs.flush();
    if (last) this.ready.push(last);
    if (fallbackLines) this.ctx.warn(`${fallbackLines} line(s) were not UTF-8 and were read as Windows-1252/Latin-1.`);
    if (this.skipped.count) this.ctx.warn(this.skipped.describe());
    if (!this.stats.posts && !this.stats.actions) this.ctx.warn(`no messages found: ${this.stats.events} join, part and other event line(s) only.`);
    return this.take();
  }

  private thread(c: ChatPost[]): Thread {
    return chatThread('irc', `irc-log://${encodeURIComponent(this.file)}#${c[0]!.id}`, logTitle(this.label, c), c);
  }
}

/**
 * An IRC (or other line-per-message) chat log from any common client, its grammar learned from its
 * first lines (see line-grammar.ts). What people said, /me actions and notices are kept; joins,
 * parts, quits, nick, mode and topic changes are counted as events and left out. Lines the grammar
 * cannot read are skipped and reported in a warning; a log no grammar fits is refused, naming the
 * lines it could not read and the grammars tried.
 */
export function importIrc(bytes: Uint8Array, ctx: ImportContext = importContext('channel.log')): Thread[] {
  return readIrcLog(bytes, ctx).threads;
}

/** importIrc, with what each line turned out to be. */
export function readIrcLog(bytes: Uint8Array, ctx: ImportContext = importContext('channel.log')): { threads: Thread[]; stats: LineLogStats } {
  const reader = new IrcReader(ctx);
  try {
    const dec = eachLine(bytes, (text, n, at) => reader.line(text, n, at));
    // eachLine has delivered every line before the reader is drained: conversations are collected at the end.
    return { threads: [...reader.take(), ...reader.finish(dec.fallbackLines)], stats: reader.stats };
  } catch (e) {
    throw lineError(e, ctx.file);
  }
}

/**
 * The same reader over a stream of byte chunks: threads come out as conversations close, and memory
 * stays bounded by the longest line and the open conversation, whatever the log's size.
 */
export async function* importIrcStream(chunks: AsyncIterable<Uint8Array>, ctx: ImportContext = importContext('channel.log'), onBytes?: (n: number) => void): AsyncGenerator<Thread> {
  const reader = new IrcReader(ctx);
  const dec = new LineDecoder();
  const sink = (text: string, n: number, at: number) => reader.line(text, n, at);
  try {
    for await (const chunk of chunks) {
      for (const piece of pieces(chunk)) {
        dec.push(piece, sink);
        yield* reader.take();
      }
      onBytes?.(dec.position);
    }
    dec.end(sink);
  } catch (e) {
    throw lineError(e, ctx.file);
  }
  yield* reader.finish(dec.fallbackLines);
}

/** A line with a stamp of some kind and then a "<nick>": a chat log, even when its stamp is in no style the reader knows. */
const SPEAKER_AFTER_STAMP = /^\S.{0,40}?\s<[^>\s]{1,40}>\s/;

/**
 * For the format sniffer: a line that opens with a timestamp style the reader knows followed by
 * something a chat log holds (a speaker or an event, in any speaker style), a log header, or an unknown
 * stamp before a "<nick>" (so that the reader, not a generic message, says which lines and grammars did
 * not fit). A note file that merely starts with a time ("10:30 call the shop") is not taken for a log.
 */
export const LOG_LINE_START = {
  test: (line: string): boolean =>
    HEADER.test(line) ||
    SPEAKER_AFTER_STAMP.test(line) ||
    TIME_STYLES.some((s) => {
      const m = s.re.exec(line);
      return m !== null && (['angle', 'tab', 'colon'] as const).some((sp) => classify(line.slice(m[0].length), sp) !== Kind.Bad);
    }),
};
