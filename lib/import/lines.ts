import type { PostInput } from '../model/thread.ts';
import { bomOf, utf16Sniff } from '../extract/decode-page.ts';
import { cp1252, encodingAdvice, SNIFF_BYTES, unreadableEncoding } from './decode.ts';
import { ImportError } from './errors.ts';

/**
 * Text logs read as lines straight from bytes, chunk by chunk: no string of the whole file and no
 * array of all its lines ever exists, so memory follows the longest line, not the file.
 *
 * Each block of whole lines is decoded as UTF-8 at once (the common case, and the fast one); a block
 * that is not valid UTF-8 is decoded line by line, each line as UTF-8 when it is, else as
 * Windows-1252, because old chat logs mix both as clients changed their charset over the years.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * One line: its text (without the line break), its 1-based number, and the byte offset where it
 * starts (known for the first lines only, where errors about a file's format point; else -1).
 */
export type LineSink = (text: string, lineNo: number, offset: number) => void;

/**
 * A line longer than this is no chat message: the file is not a line log, or its line breaks are lost.
 * Reading stops there instead of holding the rest of the file as one line.
 */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Thrown when a line exceeds MAX_LINE_BYTES; the readers turn it into an ImportError naming the file. */
export class LineTooLong extends Error {
  constructor(readonly lineNo: number) {
    super(`line ${lineNo} is longer than ${MAX_LINE_BYTES / 1048576} MB: this is not a line-per-message log, or its line breaks are lost.`);
  }
}

/** Thrown when the file's text is in an encoding the decoder cannot read (UTF-32, UTF-7, …) or is not text. */
export class UnreadableEncoding extends Error {
  constructor(readonly encoding: string) {
    super(encodingAdvice(encoding));
  }
}

/** A LineTooLong or UnreadableEncoding as the ImportError a person sees (naming the file); anything else unchanged. */
export function lineError(e: unknown, file: string): unknown {
  if (e instanceof UnreadableEncoding) return new ImportError(e.message, file, { offset: 0, line: 1, column: 1 });
  return e instanceof LineTooLong ? new ImportError(e.message, file) : e;
}

function join(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Lines whose byte offset is tracked. */
const OFFSET_LINES = 1000;

function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 2; // a surrogate pair: 4 bytes for 2 code units
      i++;
    } else n += 2;
  }
  return n;
}

const NL = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into decoded lines. `\n`, `\r\n` and (when the first chunk has no `\n` at all)
 * old Mac `\r` line ends are understood; a UTF-8 byte order mark is dropped.
 */
export class LineDecoder {
  /** Lines that were not UTF-8 and were read as Windows-1252. */
  fallbackLines = 0;
  /** Bytes consumed so far. */
  position = 0;
  /** The unfinished last line, in the pieces it arrived in (joined once its end is seen). */
  private carry: Uint8Array[] = [];
  private carryLength = 0;
  private lineNo = 0;
  private sep = -1;
  private first = true;
  private offset = 0;
  private utf16: TextDecoder | null = null;
  private textCarry = '';
  private textSep = '';
  /** Set by stop(): no further line is handed out. */
  private stopped = false;
  /** The first bytes, held until there are enough (SNIFF_BYTES) to tell the encoding; null once told. */
  private head: Uint8Array[] | null = [];
  private headLength = 0;

  /** Ends the reading early (a first pass that has learned enough). */
  stop(): void {
    this.stopped = true;
  }

  get done(): boolean {
    return this.stopped;
  }

  push(chunk: Uint8Array, sink: LineSink): void {
    if (this.stopped) return;
    this.position += chunk.length;
    if (this.head) {
      this.head.push(chunk);
      this.headLength += chunk.length;
      if (this.headLength >= SNIFF_BYTES) this.decide(sink);
      // Held past this call: the caller may reuse its buffer.
      else this.head[this.head.length - 1] = chunk.slice();
      return;
    }
    this.feed(chunk, sink);
  }

  /**
   * The encoding, told from the first bytes: Windows editors re-save logs as UTF-16, with a byte order
   * mark or without one (then told by its zero bytes); an encoding no decoder here reads is refused by name.
   */
  private decide(sink: LineSink): void {
    const b = join(this.head!, this.headLength);
    this.head = null;
    const unreadable = unreadableEncoding(b);
    if (unreadable) throw new UnreadableEncoding(unreadable);
    const bom = bomOf(b);
    const wide = bom && bom.encoding !== 'utf-8' ? bom.encoding : utf16Sniff(b);
    // The decoder drops a UTF-16 byte order mark itself.
    if (wide) this.utf16 = new TextDecoder(wide);
    if (b.length) this.feed(b, sink);
  }

  private feed(chunk: Uint8Array, sink: LineSink): void {
    if (this.utf16) {
      this.first = false;
      this.text(this.utf16.decode(chunk, { stream: true }), sink, false);
      return;
    }
    if (this.sep < 0) this.sep = chunk.indexOf(NL) < 0 && chunk.indexOf(CR) >= 0 ? CR : NL;
    const last = chunk.lastIndexOf(this.sep);
    if (last < 0) {
      this.keep(chunk.slice());
      return;
    }
    let from = 0;
    if (this.carry.length) {
      // Only the line the carry belongs to is joined, not the whole chunk: a chunk-sized copy per chunk
      // cost more than decoding that one line apart (lines are read one by one either way).
      const nl = chunk.indexOf(this.sep);
      this.carry.push(chunk.subarray(0, nl + 1));
      this.block(join(this.carry, this.carryLength + nl + 1), sink);
      this.carry = [];
      this.carryLength = 0;
      from = nl + 1;
      if (this.stopped) return;
    }
    if (from <= last) this.block(chunk.subarray(from, last + 1), sink);
    if (last + 1 < chunk.length) this.keep(chunk.slice(last + 1));
  }

  private keep(piece: Uint8Array): void {
    this.carry.push(piece);
    this.carryLength += piece.length;
    if (this.carryLength > MAX_LINE_BYTES) throw new LineTooLong(this.lineNo + 1);
  }

  end(sink: LineSink): void {
    if (this.stopped) return;
    if (this.head) this.decide(sink);
    if (this.stopped) return;
    if (this.utf16) {
      this.text(this.utf16.decode(), sink, true);
      return;
    }
    if (this.carryLength) this.block(join(this.carry, this.carryLength), sink, true);
    this.carry = [];
    this.carryLength = 0;
  }

  /** Whether the file is UTF-16 (then read as text; byte offsets are not tracked). */
  get isUtf16(): boolean {
    return this.utf16 !== null;
  }

  /** The UTF-16 byte order the file was read in, or null for 8-bit text. */
  get utf16Encoding(): 'utf-16le' | 'utf-16be' | null {
    return this.utf16 ? (this.utf16.encoding as 'utf-16le' | 'utf-16be') : null;
  }

  /** UTF-16 text, already decoded: split into lines, the unfinished last one kept for the next call. */
  private text(s: string, sink: LineSink, final: boolean): void {
    s = this.textCarry + s;
    if (!this.textSep) this.textSep = s.indexOf('\n') < 0 && s.indexOf('\r') >= 0 ? '\r' : '\n';
    let at = 0;
    for (;;) {
      const nl = s.indexOf(this.textSep, at);
      if (nl < 0) break;
      const line = s.slice(at, nl);
      sink(this.textSep === '\n' && line.endsWith('\r') ? line.slice(0, -1) : line, ++this.lineNo, -1);
      at = nl + 1;
      if (this.stopped) return;
    }
    this.textCarry = s.slice(at);
    if (this.textCarry.length > MAX_LINE_BYTES / 2) throw new LineTooLong(this.lineNo + 1);
    if (final && this.textCarry) sink(this.textCarry, ++this.lineNo, -1);
  }

  /** Byte offset of a line just cut from a decoded block, while offsets are tracked. */
  private at(line: string, cr: number): number {
    if (this.lineNo > OFFSET_LINES) return -1;
    const at = this.offset;
    this.offset += utf8Length(line) + cr + 1;
    return at;
  }

  /** Whole lines (ending with the separator, except at the very end of the file). */
  private block(b: Uint8Array, sink: LineSink, final = false): void {
    let start = 0;
    if (this.first) {
      this.first = false;
      if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) start = 3;
    }
    this.offset += start;
    const body = b.subarray(start, final && b[b.length - 1] !== this.sep ? b.length : b.length - 1);
    let text: string | null = null;
    try {
      text = utf8.decode(body);
    } catch {
      text = null;
    }
    const sepChar = this.sep === NL ? '\n' : '\r';
    if (text !== null) {
      let at = 0;
      for (;;) {
        const nl = text.indexOf(sepChar, at);
        const end = nl < 0 ? text.length : nl;
        let line = text.slice(at, end);
        let cr = 0;
        if (this.sep === NL && line.charCodeAt(line.length - 1) === CR) {
          line = line.slice(0, -1);
          cr = 1;
        }
        sink(line, ++this.lineNo, this.at(line, cr));
        if (nl < 0 || this.stopped) break;
        at = nl + 1;
      }
      return;
    }
    let s = 0;
    for (let i = 0; i <= body.length; i++) {
      if (i < body.length && body[i] !== this.sep) continue;
      let e = i;
      if (this.sep === NL && e > s && body[e - 1] === CR) e--;
      const raw = body.subarray(s, e);
      let line: string;
      try {
        line = utf8.decode(raw);
      } catch {
        line = cp1252(raw);
        this.fallbackLines++;
      }
      const lineNo = ++this.lineNo;
      const offset = lineNo <= OFFSET_LINES ? this.offset : -1;
      if (lineNo <= OFFSET_LINES) this.offset += i + 1 - s;
      sink(line, lineNo, offset);
      if (this.stopped) return;
      s = i + 1;
    }
  }
}

/**
 * Bytes fed to a line reader at a time. A streaming reader hands out the conversations each piece
 * closed before it reads the next, so the young-generation collector finds at most a piece's worth
 * of finished messages alive: fed 1 MB chunks whole, about ten conversations' posts were copied and
 * promoted at every collection, and collection took as long as the reading.
 */
export const PIECE_BYTES = 1 << 16;

/** A stream's chunk in pieces of at most PIECE_BYTES (views, not copies). */
export function* pieces(chunk: Uint8Array): Generator<Uint8Array> {
  if (chunk.length <= PIECE_BYTES) {
    yield chunk;
    return;
  }
  for (let at = 0; at < chunk.length; at += PIECE_BYTES) yield chunk.subarray(at, at + PIECE_BYTES);
}

/** Every line of an in-memory file, through the same decoder the streaming readers use. */
export function eachLine(bytes: Uint8Array, sink: LineSink, chunkSize = 1 << 20, d = new LineDecoder()): LineDecoder {
  for (let at = 0; at < bytes.length && !d.done; at += chunkSize) d.push(bytes.subarray(at, at + chunkSize), sink);
  d.end(sink);
  return d;
}

/** A line as it may be shown in a message: control characters escaped, long lines cut. */
export function quoteLine(line: string, max = 80): string {
  const cut = line.length > max ? `${line.slice(0, max)}…` : line;
  // JSON escapes quotes and C0 controls; C1 controls and direction overrides could still reorder or
  // colour a terminal's output, so they are escaped too.
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Lines a reader could not read: counted, the first few kept to be quoted in a warning. */
export class SkippedLines {
  count = 0;
  readonly first: { lineNo: number; text: string }[] = [];
  constructor(private readonly keep = 3) {}

  add(lineNo: number, text: string): void {
    this.count++;
    if (this.first.length < this.keep) this.first.push({ lineNo, text });
  }

  describe(): string {
    const shown = this.first.map((l) => `line ${l.lineNo}: ${quoteLine(l.text)}`).join('; ');
    return `${this.count} line(s) could not be read and were skipped (${shown}${this.count > this.first.length ? '; …' : ''}).`;
  }
}

/**
 * Conversations of a log without reply links (IRC, WhatsApp), cut where the channel was silent for
 * longer than the gap: the same cut ConversationSplitter makes for such messages, but each
 * conversation is handed out as soon as the next one starts, and no id map is kept, since line logs
 * have no replies to look up.
 */
export class GapConversations<M> {
  private current: M[] = [];
  private last: number | null = null;

  constructor(private readonly gap: number) {}

  /** Adds a message at time t (ms); returns the conversation it closed, if any. */
  add(m: M, t: number): M[] | null {
    let closed: M[] | null = null;
    // As the splitter: a message earlier than the last one (a clock set back) stays in the conversation.
    if (this.current.length && this.last !== null && t - this.last > this.gap) {
      closed = this.current;
      this.current = [];
    }
    this.current.push(m);
    this.last = t;
    return closed;
  }

  flush(): M[] | null {
    const c = this.current;
    this.current = [];
    return c.length ? c : null;
  }
}

/** "label, 2016-06-01": where and when, as conversationTitle writes it. */
export function logTitle(label: string, posts: PostInput[]): string {
  const first = posts.find((p) => p.publishedAt)?.publishedAt;
  return first ? `${label}, ${first.slice(0, 10)}` : label;
}
