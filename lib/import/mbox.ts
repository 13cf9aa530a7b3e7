import { remembered } from '../remembered.ts';
import { addressParser, decodeWords } from 'postal-mime';
import type { Thread } from '../model/thread.ts';
import { postsThread } from './conversations.ts';
import { baseName, importContext, type ImportContext } from './context.ts';
import { bomOf } from '../extract/decode-page.ts';
import { wideEncoding, wideNote } from './decode.ts';
import { ImportError } from './errors.ts';
import { isBlank, splitMailBody } from './mail-body.ts';
import { readMail, type MailMessage } from './mail-mime.ts';
import { textHtml, withFiles, type FileRef } from './message-text.ts';

export type MailPlatform = 'mailman' | 'listserv' | 'mbox' | 'nntp' | 'groupsio';

/**
 * How messages are laid end to end in the file: mbox "From " envelope lines (RFC 4155), a LISTSERV
 * notebook (LISTNAME.LOGyymm[w]: L-Soft documents each message as following a line of exactly 73 "="
 * signs, its header fields, padded with spaces, immediately after; any run of 40 or more followed by a
 * header line is accepted, as hand-edited notebooks drift), or one message alone (an .eml, a Usenet article).
 */
export type MailFraming = 'mbox' | 'notebook' | 'single';

// "From andy at example.com  Sat Nov 14 21:29:28 2015" (Mailman's obfuscated envelope) or "From MAILER-DAEMON Sat …".
const ENVELOPE = /^From \S.*?\s+\w{3} \w{3} [ \d]\d \d{1,2}:\d{2}(?::\d{2})? (?:[A-Z]{3,4} )?\d{4}\s*$/;
const NOTEBOOK_RULE = /^={40,}\s*$/;
const HEADER_LINE = /^[!-9;-~]+:/;
const OBFUSCATED = /^From \S+ at \S+ /m;

/** Which framing a file's first lines show; null when none. */
export function mailFraming(head: string): MailFraming | null {
  const lines = head.replace(/^\ufeff/, '').split(/\r?\n/);
  let i = 0;
  while (i < lines.length - 1 && !lines[i]!.trim()) i++;
  const first = lines[i] ?? '';
  if (ENVELOPE.test(first)) return 'mbox';
  if (NOTEBOOK_RULE.test(first) && HEADER_LINE.test(lines[i + 1] ?? '')) return 'notebook';
  // A lone message: header fields up to the first empty line, among them who sent it and when or which.
  if (!HEADER_LINE.test(first)) return null;
  const block: string[] = [];
  for (let k = i; k < lines.length && lines[k]!.trim(); k++) block.push(lines[k]!);
  if (block.length === lines.length - i) return null;
  const names = new Set(block.filter((l) => HEADER_LINE.test(l)).map((l) => l.slice(0, l.indexOf(':')).toLowerCase()));
  const folded = block.filter((l) => !HEADER_LINE.test(l) && !/^[ \t]/.test(l)).length;
  return !folded && names.has('from') && (names.has('date') || names.has('message-id')) && (names.has('subject') || names.has('newsgroups')) ? 'single' : null;
}

/** Which list software (or service) wrote the archive, from its own marks. */
export function mailPlatform(text: string, framing: MailFraming = 'mbox'): MailPlatform {
  if (framing === 'notebook') return 'listserv';
  if (OBFUSCATED.test(text)) return 'mailman';
  if (/^Archived-At: <https?:\/\/[^>]*wa\.exe/im.test(text) || /^sender: .*LISTSERV|@LIST\./im.test(text)) return 'listserv';
  if (/^User-Agent: GROUPS\.IO\b|^Message-Id: <[^>]*@groups\.io>/im.test(text)) return 'groupsio';
  if (framing === 'single' && /^Newsgroups: /im.test(text)) return 'nntp';
  return 'mbox';
}

/** One message as cut from the file: its bytes (valid until the splitter is given more), where it starts, its number. */
export interface MailRecord {
  raw: Uint8Array;
  offset: number;
  index: number;
  /** The file ended inside this message's last line. */
  endsMidLine: boolean;
}

/** A MailRecord as the splitter makes it: a class, as a chunk's records are held while they are read (see Group). */
class CutRecord implements MailRecord {
  constructor(
    readonly raw: Uint8Array,
    readonly offset: number,
    readonly index: number,
    readonly endsMidLine: boolean,
  ) {}
}

const FROM = [0x46, 0x72, 0x6f, 0x6d, 0x20];

// Browsers read "latin1" as windows-1252, Node as ISO-8859-1: the two differ only in 0x80–0x9F, which no pattern matched against these lines treats as a blank, a line end or a word character.
const latin1 = new TextDecoder('latin1');

/** A line's bytes as text for the delimiter patterns: one string, where adding a character at a time built one per character. */
function ascii(b: Uint8Array, from: number, to: number): string {
  return latin1.decode(b.subarray(from, to));
}

/**
 * Cuts a mail archive into messages as its bytes arrive, holding only the message being read: the
 * memory needed is that of the largest message plus one chunk, whatever the file's size.
 */
export class MailSplitter {
  private buf = new Uint8Array(1 << 16);
  private len = 0;
  /** File offset of buf[0]. */
  private base = 0;
  /** Start of the current message in buf, or -1 before the first delimiter. */
  private start = -1;
  /** Next line start to examine. */
  private scan = 0;
  /** ">From " lines of the current message (buf positions of their first ">"), unescaped when it is cut. */
  private escaped: number[] = [];
  private index = 0;
  private first = true;

  constructor(readonly framing: MailFraming) {}

  push(chunk: Uint8Array): MailRecord[] {
    let c = chunk;
    if (this.first && c.length) {
      this.first = false;
      if (c[0] === 0xef && c[1] === 0xbb && c[2] === 0xbf) {
        c = c.subarray(3);
        this.base = 3;
      }
    }
    this.append(c);
    return this.cut(false);
  }

  end(): MailRecord[] {
    return this.cut(true);
  }

  private append(c: Uint8Array): void {
    const keep = this.start >= 0 ? this.start : Math.min(this.scan, this.len);
    if (keep > 0) {
      this.buf.copyWithin(0, keep, this.len);
      this.len -= keep;
      this.base += keep;
      this.scan -= keep;
      if (this.start >= 0) this.start -= keep;
      for (let k = 0; k < this.escaped.length; k++) this.escaped[k]! -= keep;
    }
    if (this.len + c.length > this.buf.length) {
      let cap = this.buf.length;
      while (cap < this.len + c.length) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(c, this.len);
    this.len += c.length;
  }

  private record(from: number, to: number, endsMidLine: boolean): MailRecord {
    const b = this.buf;
    let raw: Uint8Array;
    const esc: number[] = [];
    for (let k = 0; k < this.escaped.length; k++) if (this.escaped[k]! < to) esc.push(this.escaped[k]!);
    if (!esc.length) raw = b.subarray(from, to);
    else {
      // mboxrd: one ">" is taken off every ">From " line (">>From " keeps one).
      raw = new Uint8Array(to - from - esc.length);
      let o = 0;
      let at = from;
      for (const p of esc) {
        raw.set(b.subarray(at, p), o);
        o += p - at;
        at = p + 1;
      }
      raw.set(b.subarray(at, to), o);
    }
    this.escaped = [];
    return new CutRecord(raw, this.base + from, this.index++, endsMidLine);
  }

  private cut(final: boolean): MailRecord[] {
    // Of the shape of an array of objects from the start: optimised code that took an empty literal for an
    // array of small integers was thrown away at the first record pushed.
    const out: MailRecord[] = noneOf();
    const b = this.buf;
    if (this.framing === 'single') {
      if (final && this.len) out.push(this.record(0, this.len, b[this.len - 1] !== 0x0a));
      if (final) this.len = 0;
      return out;
    }
    if (this.framing === 'mbox') return this.cutMbox(final, out);
    let p = this.scan;
    for (;;) {
      // p is a line start; find its end.
      const nl = b.indexOf(0x0a, p);
      if (nl < 0 || nl >= this.len) {
        if (!final) break;
        if (this.start >= 0 && this.len > this.start) out.push(this.record(this.start, this.len, this.len > p));
        this.start = -1;
        this.len = 0;
        p = 0;
        break;
      }
      const delimiter = this.isDelimiter(p, nl, final);
      if (delimiter === null) break; // needs the next line, not yet here
      if (delimiter) {
        if (this.start >= 0) {
          // The empty line before a delimiter separates messages; it is not the message's.
          let end = p;
          if (end > this.start && b[end - 1] === 0x0a) end--;
          if (end > this.start && b[end - 1] === 0x0d) end--;
          out.push(this.record(this.start, end, false));
        }
        this.escaped = [];
        this.start = nl + 1;
      }
      p = nl + 1;
    }
    this.scan = p;
    return out;
  }

  /**
   * mbox: only lines starting "From " (envelopes) or ">From " (mboxrd escapes) matter, so the scan jumps
   * from one "F" byte to the next instead of visiting every line.
   */
  private cutMbox(final: boolean, out: MailRecord[]): MailRecord[] {
    const b = this.buf;
    const len = this.len;
    let i = this.scan;
    for (;;) {
      const f = b.indexOf(0x46, i);
      if (f < 0 || f >= len) {
        i = len;
        break;
      }
      if (f + 5 > len) {
        i = final ? len : f;
        break;
      }
      if (b[f + 1] !== 0x72 || b[f + 2] !== 0x6f || b[f + 3] !== 0x6d || b[f + 4] !== 0x20) {
        i = f + 1;
        continue;
      }
      let j = f;
      while (j > 0 && b[j - 1] === 0x3e) j--;
      if (j > 0 && b[j - 1] !== 0x0a) {
        i = f + 1;
        continue;
      }
      if (j < f) {
        if (this.start >= 0 && j >= this.start) this.escaped.push(j);
        i = f + 1;
        continue;
      }
      const nl = b.indexOf(0x0a, f);
      if (nl < 0 || nl >= len) {
        i = final ? len : f;
        break;
      }
      const delimiter = this.isDelimiter(f, nl, final);
      if (delimiter === null) {
        i = f;
        break;
      }
      if (delimiter) {
        if (this.start >= 0) {
          let end = f;
          if (end > this.start && b[end - 1] === 0x0a) end--;
          if (end > this.start && b[end - 1] === 0x0d) end--;
          out.push(this.record(this.start, end, false));
        }
        this.escaped = [];
        this.start = nl + 1;
        i = nl + 1;
      } else i = f + 1;
    }
    this.scan = i;
    if (final) {
      // A file cut inside an envelope line: the message before it is whole, the one it began is lost.
      const lastLine = b.lastIndexOf(0x0a, len - 1) + 1;
      if (this.start >= 0 && b[len - 1] !== 0x0a && lastLine > this.start && FROM.every((ch, k) => lastLine + k >= len || b[lastLine + k] === ch)) {
        let end = lastLine;
        if (end > this.start && b[end - 1] === 0x0a) end--;
        if (end > this.start && b[end - 1] === 0x0d) end--;
        out.push(this.record(this.start, end, false));
        this.start = lastLine;
      }
      if (this.start >= 0 && len > this.start) out.push(this.record(this.start, len, b[len - 1] !== 0x0a));
      this.start = -1;
      this.len = 0;
      this.scan = 0;
    }
    return out;
  }

  /** Whether the line [p, nl) starts a message; null when that depends on a line not read yet. */
  private isDelimiter(p: number, nl: number, final: boolean): boolean | null {
    const b = this.buf;
    if (this.framing === 'notebook') {
      if (b[p] !== 0x3d || nl - p < 40) return false;
      if (!NOTEBOOK_RULE.test(ascii(b, p, nl))) return false;
      const next = b.indexOf(0x0a, nl + 1);
      if (next < 0 || next >= this.len) return final ? false : null;
      return HEADER_LINE.test(ascii(b, nl + 1, Math.min(next, nl + 200)));
    }
    if (b[p] !== 0x46 || !FROM.every((ch, j) => b[p + j] === ch)) return false;
    if (!ENVELOPE.test(ascii(b, p, Math.min(nl, p + 400)))) return false;
    if (this.start < 0 || p === this.start) return true;
    // RFC 4155 puts an empty line before each envelope; without one, the next line must be a header field.
    if (b[p - 2] === 0x0a || (b[p - 2] === 0x0d && b[p - 3] === 0x0a)) return true;
    const next = b.indexOf(0x0a, nl + 1);
    if (next < 0 || next >= this.len) return final ? false : null;
    return HEADER_LINE.test(ascii(b, nl + 1, Math.min(next, nl + 200)));
  }
}

/** Mailman archives write "andy at example.com (Andy Grunwald)"; the address is read as one. */
function deobfuscate(v: string): string {
  return v.includes(' at ') ? v.replace(/([\w.+-]+) at ([\w-]+(?:\.[\w-]+)+)/g, '$1@$2') : v;
}

/** Characters a subject's tag or reply prefix can start with ("[", and the first letters of PREFIX's words). */
const PREFIX_FIRST = new Uint8Array(128);
for (const c of '[rasfwtovRASFWTOV') PREFIX_FIRST[c.charCodeAt(0)] = 1;
const PREFIX = /^(?:\[[^\]]+\]\s*|(?:re|aw|sv|fwd?|wg|tr|rif|antw|odp|vs)(?:\[\d+\])?\s*:\s*)/i;

/** Whether replacing /\s+/g with " " would change s (a blank other than a space, or two in a row). */
function needsSpaces(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isBlank(c) && (c !== 0x20 || (i + 1 < s.length && isBlank(s.charCodeAt(i + 1))))) return true;
  }
  return false;
}

export function normaliseSubject(s: string): string {
  // Each pattern only where it can change the text: most subjects are one line of single spaces, with or without a prefix.
  let t = s.trim();
  if (t.charCodeAt(0) === 0x27) t = t.replace(/^'(.*)'$/, '$1');
  if (needsSpaces(t)) t = t.replace(/\s+/g, ' ');
  for (;;) {
    const c = t.charCodeAt(0);
    if (!(c < 128 && PREFIX_FIRST[c])) return t.toLowerCase();
    const next = t.replace(PREFIX, '');
    if (next === t) return t.toLowerCase();
    t = next;
  }
}

/** normaliseSubject, remembered: a conversation's mails repeat its subject. */
const subjectKey = remembered(normaliseSubject, 4096);

/** Characters a reply prefix cleanSubject takes off can start with. */
const REPLY_FIRST = new Uint8Array(128);
for (const c of 'rasfRASF') REPLY_FIRST[c.charCodeAt(0)] = 1;

/** A conversation's title: the subject without quotes around it and reply prefixes, its blank runs one space. */
function cleanSubject(s: string): string {
  // Each pattern only where it can change the text (see normaliseSubject).
  let t = s.trim();
  if (t.charCodeAt(0) === 0x27) t = t.replace(/^'(.*)'$/, '$1');
  const c = t.charCodeAt(0);
  if (c < 128 && REPLY_FIRST[c]) t = t.replace(/^(?:(?:re|aw|sv|fwd?)\s*:\s*)+/i, '');
  t = t.trim();
  return needsSpaces(t) ? t.replace(/\s+/g, ' ') : t;
}

/**
 * The <…> ids of a field, without their brackets: what /<([^<>\s]+)>/g matches, read by hand (a References
 * field names dozens of ids, and a match array per id was garbage at once).
 */
function ids(s: string | undefined): string[] {
  const out: string[] = [];
  if (!s) return out;
  const n = s.length;
  let i = s.indexOf('<');
  while (i >= 0) {
    let k = i + 1;
    let c = NaN;
    while (k < n && (c = s.charCodeAt(k)) !== 0x3e && c !== 0x3c && !isBlank(c)) k++;
    if (k < n && c === 0x3e && k > i + 1) out.push(s.slice(i + 1, k));
    // The next try starts at the next "<": this one's end when it is one, else past it.
    i = k < n && c === 0x3c ? k : s.indexOf('<', k + 1);
  }
  return out;
}

function words(v: string | undefined): string {
  if (!v) return '';
  return v.includes('=?') ? decodeWords(v) : v;
}

/** The sender's display name; an address is personal data and never stands in for one (its mailbox part does). */
// The usual shapes of a From field, read without the full address-list parser: "Name <a@b>", "\"Name\" <a@b>", "a@b (Name)", "a@b".
const FROM_ANGLE = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^"<>,;()@]*?))\s*<([^<>\s,;]*)>\s*$/;
const FROM_COMMENT = /^\s*([^\s<>(),;"]+@[^\s<>(),;"]+)\s*(?:\(([^()]*)\))?\s*$/;

/**
 * authorName, remembered: a list's mails come from the same few hundred senders, and reading a From
 * field took several patterns per mail.
 */
const authorNameOf = remembered(authorName, 4096);
const cachedAuthorName = (from: string | undefined): string => (from === undefined ? authorName(from) : authorNameOf(from));

function authorName(from: string | undefined): string {
  const raw = deobfuscate(from ?? '');
  let name = '';
  let address = '';
  const angle = FROM_ANGLE.exec(raw);
  const comment = angle ? null : FROM_COMMENT.exec(raw);
  if (angle) {
    name = words((angle[1] ?? angle[2] ?? '').replace(/\\(.)/g, '$1'));
    address = angle[3] ?? '';
  } else if (comment) {
    name = words(comment[2] ?? '');
    address = comment[1]!;
  } else try {
    const a = addressParser(raw)[0];
    if (a) {
      name = words(a.name ?? '').trim();
      address = 'address' in a ? (a.address ?? '') : '';
    }
  } catch {
    /* a malformed field: fall back to its words below */
  }
  name = name.replace(/^["']+|["']+$/g, '').replace(/\s+/g, ' ').trim();
  if (/@|\S+ at \S+\.\S+/.test(name)) name = name.replace(/\s*\S+@\S+|\s*\S+ at \S+\.\S+/g, '').trim() || (name.match(/^([^@\s]+)(?:@| at )/)?.[1] ?? '');
  return name || address.replace(/@.*$/, '') || 'Unknown';
}

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

const MONTH_OF = new Map(Object.entries(MONTHS).map(([k, i]) => [(k.charCodeAt(0) << 16) | (k.charCodeAt(1) << 8) | k.charCodeAt(2), i]));
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isLetter = (c: number) => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;

/**
 * RFC 5322's own form, which nearly every mail uses ("[Tue, ]15 Mar 2016 22:14:56 +0100"), read as the
 * pattern /^\s*(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4})?/
 * reads it, by hand (its match array, seven substrings and their conversions were most of the cost of a
 * message's date; test/unit/import-mail-fast-paths.test.ts compares the two): the instant, or NaN where
 * the pattern would not match, the month is unknown, neither an offset nor GMT/UT/UTC/Z follows, or the
 * instant is out of mailTime's range.
 */
function rfc5322Time(v: string): number {
  const n = v.length;
  let i = 0;
  while (i < n && isBlank(v.charCodeAt(i))) i++;
  if (isLetter(v.charCodeAt(i))) {
    // "Tue, ": three letters, an optional comma, blanks.
    if (!isLetter(v.charCodeAt(i + 1)) || !isLetter(v.charCodeAt(i + 2))) return NaN;
    i += 3;
    if (v.charCodeAt(i) === 0x2c) i++;
    if (!isBlank(v.charCodeAt(i))) return NaN;
    while (i < n && isBlank(v.charCodeAt(i))) i++;
  }
  let c = v.charCodeAt(i);
  if (!isDigit(c)) return NaN;
  let day = c - 0x30;
  c = v.charCodeAt(++i);
  if (isDigit(c)) {
    day = day * 10 + c - 0x30;
    c = v.charCodeAt(++i);
  }
  if (!isBlank(c)) return NaN;
  while (i < n && isBlank(v.charCodeAt(i))) i++;
  const m1 = v.charCodeAt(i);
  const m2 = v.charCodeAt(i + 1);
  const m3 = v.charCodeAt(i + 2);
  if (!isLetter(m1) || !isLetter(m2) || !isLetter(m3)) return NaN;
  const mo = MONTH_OF.get(((m1 | 0x20) << 16) | ((m2 | 0x20) << 8) | (m3 | 0x20));
  i += 3;
  while (i < n && (c = v.charCodeAt(i)) >= 0x61 && c <= 0x7a) i++;
  if (!isBlank(v.charCodeAt(i))) return NaN;
  while (i < n && isBlank(v.charCodeAt(i))) i++;
  let year = 0;
  for (let k = 0; k < 4; k++, i++) {
    c = v.charCodeAt(i);
    if (!isDigit(c)) return NaN;
    year = year * 10 + c - 0x30;
  }
  if (!isBlank(v.charCodeAt(i))) return NaN;
  while (i < n && isBlank(v.charCodeAt(i))) i++;
  c = v.charCodeAt(i);
  if (!isDigit(c)) return NaN;
  let hour = c - 0x30;
  c = v.charCodeAt(++i);
  if (isDigit(c)) {
    hour = hour * 10 + c - 0x30;
    c = v.charCodeAt(++i);
  }
  if (c !== 0x3a || !isDigit(v.charCodeAt(i + 1)) || !isDigit(v.charCodeAt(i + 2))) return NaN;
  const min = (v.charCodeAt(i + 1) - 0x30) * 10 + v.charCodeAt(i + 2) - 0x30;
  i += 3;
  let sec = 0;
  if (v.charCodeAt(i) === 0x3a && isDigit(v.charCodeAt(i + 1)) && isDigit(v.charCodeAt(i + 2))) {
    sec = (v.charCodeAt(i + 1) - 0x30) * 10 + v.charCodeAt(i + 2) - 0x30;
    i += 3;
  }
  while (i < n && isBlank(v.charCodeAt(i))) i++;
  let off = NaN;
  const sign = v.charCodeAt(i);
  if ((sign === 0x2b || sign === 0x2d) && isDigit(v.charCodeAt(i + 1)) && isDigit(v.charCodeAt(i + 2)) && isDigit(v.charCodeAt(i + 3)) && isDigit(v.charCodeAt(i + 4))) {
    off = (sign === 0x2d ? -1 : 1) * (((v.charCodeAt(i + 1) - 0x30) * 10 + v.charCodeAt(i + 2) - 0x30) * 60 + (v.charCodeAt(i + 3) - 0x30) * 10 + v.charCodeAt(i + 4) - 0x30);
  }
  if (mo === undefined) return NaN;
  if (Number.isNaN(off)) {
    if (!/^\s*(?:GMT|UTC?|Z)\b/i.test(v.slice(i))) return NaN;
    off = 0;
  }
  const t = Date.UTC(year, mo, day, hour, min, sec) - off * 60_000;
  return t >= 0 && t <= Date.UTC(2200, 0, 1) ? t : NaN;
}

/** The instant a Date field names (ms), or null. */
export function mailTime(v: string | undefined): number | null {
  if (!v) return null;
  const fast = rfc5322Time(v);
  if (!Number.isNaN(fast)) return fast;
  const t = Date.parse(v.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim());
  if (Number.isNaN(t) || t < Date.UTC(1970, 0, 1) || t > Date.UTC(2200, 0, 1)) return null;
  return t;
}


/**
 * Every message id read, as a 53-bit hash (two independent 32-bit FNV-1a variants, one cut to 21 bits): a
 * collision among a million ids is unlikely (about 1 in 10^4), and repeats are recognised without keeping
 * the ids of a huge archive. An open-addressed table of the two halves, where a Set of 53-bit numbers
 * kept each as a heap number of its own and cost more to look up than the hash to compute.
 */
class IdHashes {
  /**
   * Pairs (high 32 bits, low 21 bits with bit 31 set), a free slot is a zero low half. Small at first, so
   * that it grows within the first messages: a first growth in optimised code threw that code away.
   */
  private table = new Uint32Array(1 << 6);
  private size = 0;
  private hi = 0;
  private lo = 0;

  private hash(s: string): void {
    let a = 0x811c9dc5;
    let b = 0x01000193;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    this.hi = a >>> 0;
    this.lo = ((b & 0x1fffff) | 0x80000000) >>> 0;
  }

  /** The slot (even index) holding the current hash, or the free slot where it would go. */
  private slot(): number {
    const t = this.table;
    const mask = (t.length >> 1) - 1;
    for (let k = this.hi & mask; ; k = (k + 1) & mask) {
      const at = k << 1;
      if (t[at + 1] === 0 || (t[at] === this.hi && t[at + 1] === this.lo)) return at;
    }
  }

  has(s: string): boolean {
    this.hash(s);
    return this.table[this.slot() + 1] !== 0;
  }

  /** Whether s was added before; adds it. */
  add(s: string): boolean {
    this.hash(s);
    let at = this.slot();
    if (this.table[at + 1] !== 0) return true;
    if ((this.size + 1) * 2 > this.table.length >> 1) {
      this.grow();
      at = this.slot();
    }
    this.table[at] = this.hi;
    this.table[at + 1] = this.lo;
    this.size++;
    return false;
  }

  private grow(): void {
    const old = this.table;
    const hi = this.hi;
    const lo = this.lo;
    this.table = new Uint32Array(old.length * 2);
    for (let at = 0; at < old.length; at += 2) {
      if (old[at + 1] === 0) continue;
      this.hi = old[at]!;
      this.lo = old[at + 1]!;
      const to = this.slot();
      this.table[to] = this.hi;
      this.table[to + 1] = this.lo;
    }
    this.hi = hi;
    this.lo = lo;
  }
}

/**
 * A message read, held while its conversation is open. Only what the post needs is kept (its date as a
 * number, its quotes' authors and texts): the post itself is built when the conversation is
 * handed out, so the thousands of messages of open conversations are fewer objects for the collector
 * to copy and mark (a date string built by concatenation alone was some thirty).
 */
/**
 * A message as held while its conversation is open. A class, not an object literal: V8 decides to allocate a
 * literal's objects in the old generation once they outlive a few collections (these do, held by open
 * conversations), and that decision threw away the optimised code of toMail each time.
 */
class Mail {
  declare id: string;
  declare parentIds: string[];
  declare subject: string;
  /** The Date field's instant (ms), or MAX_SAFE_INTEGER when there is none. */
  declare time: number;
  declare dated: boolean;
  declare order: number;
  declare archivedAt: string | null;
  declare size: number;
  declare files: FileRef[];
  /** The writer's words before attachment notes, and the attachments: the HTML is made from them at hand-out. */
  declare ownText: string;
  declare author: string;
  /** The post's text: the writer's words with the attachment notes. */
  declare text: string;
  /** Its quotes' authors and texts, one after the other (author null for none), or null for no quote: the post's quote objects are made at hand-out. */
  declare quotes: (string | null)[] | null;
  declare signature: string | null;

  constructor(
    id: string,
    parentIds: string[],
    subject: string,
    time: number,
    dated: boolean,
    order: number,
    archivedAt: string | null,
    size: number,
    files: FileRef[],
    ownText: string,
    author: string,
    text: string,
    quotes: (string | null)[] | null,
    signature: string | null,
  ) {
    this.id = id;
    this.parentIds = parentIds;
    this.subject = subject;
    this.time = time;
    this.dated = dated;
    this.order = order;
    this.archivedAt = archivedAt;
    this.size = size;
    this.files = files;
    this.ownText = ownText;
    this.author = author;
    this.text = text;
    this.quotes = quotes;
    this.signature = signature;
  }
}

/**
 * A post's quotes from a held message's authors and texts; those that name nobody are the parent's when the
 * message answers one here.
 */
function postQuotes(held: (string | null)[] | null, parent: Mail | undefined): Quote[] {
  const out: Quote[] = [];
  if (!held) return out;
  for (let k = 0; k + 1 < held.length; k += 2) {
    const author = held[k]!;
    out.push({ postId: null, author: author === null && parent ? parent.author : author, text: held[k + 1]! });
  }
  return out;
}

type Quote = Thread['posts'][number]['quotes'][number];

/**
 * An empty array with the shape of arrays of objects or strings: an empty literal has the shape of an
 * array of small integers, and a loop that met both was compiled again.
 */
function noneOf<T>(): T[] {
  const a = [undefined as T];
  a.pop();
  return a;
}

// Shared by every message without ids or attachments: fewer objects held while conversations are open (never written to).
const NO_IDS: string[] = noneOf();
const NO_STRINGS: (string | null)[] = noneOf();
const NO_THREADS: Thread[] = noneOf();
const NO_FILES: FileRef[] = noneOf();

const byTime = (a: Mail, b: Mail) => a.time - b.time || a.order - b.order;

/**
 * Objects the import holds for thousands of messages (open conversations, awaited parents, the records of a
 * chunk) are class instances, not literals, and their arrays are copies of a shared empty one, not `[]`:
 * V8 decides, for each literal, to allocate its objects in the old generation once they outlive a few
 * collections, and each such decision threw away the optimised code that made them (add, cutMbox).
 */
const NO_MAILS: Mail[] = noneOf();
const NO_GROUPS: Group[] = noneOf();

class Group {
  mails: Mail[] = NO_MAILS.slice();
  bytes = 0;
  truncated = false;
  /** Neighbours in the list of open conversations (longest idle first); `open` says whether it is in it. */
  prev: Group | null = null;
  next: Group | null = null;
  open = false;

  constructor(
    readonly subjectKey: string,
    public lastSeen: number,
  ) {}
}

/** A parent id awaited since message number `seq`. */
class Wait {
  constructor(
    readonly seq: number,
    readonly id: string,
  ) {}
}

export interface MailThreadLimits {
  /** Text held in conversations still open; past it, the longest-idle are completed. */
  maxHeldBytes: number;
  /** A conversation no message has joined for this many messages is complete. */
  maxIdleMessages: number;
}

const DEFAULT_LIMITS: MailThreadLimits = { maxHeldBytes: 16 << 20, maxIdleMessages: 5_000 };

/**
 * Groups messages into conversations as they are read: by In-Reply-To and References, then by
 * normalised subject for replies whose parent is missing; a parent that arrives after its replies takes
 * them in. Conversations are handed out once idle (see MailThreadLimits), so a huge archive never sits
 * whole in memory; a small one (under the limits) comes out exactly as if read whole.
 */
export class MailThreads {
  /**
   * The open conversations, longest idle first: a list through the conversations themselves, where a Map
   * re-inserted into at every message left a hole per message for each walk from its start to skip.
   */
  private head: Group | null = null;
  private tail: Group | null = null;
  /** Message id → its open conversation. */
  private readonly groupOf = new Map<string, Group>();
  /** Every message id read (see IdHashes). */
  private readonly seenIds = new IdHashes();
  /** Parent ids awaited, oldest first, so that waits older than the idle limit are dropped. */
  private readonly waitOrder: Wait[] = [];
  private waitHead = 0;
  private readonly bySubject = new Map<string, Group>();
  private readonly waiting = new Map<string, Group[]>();
  private held = 0;
  private seen = 0;

  constructor(
    private readonly platform: MailPlatform,
    private readonly file: string,
    private readonly limits: MailThreadLimits = DEFAULT_LIMITS,
  ) {}

  /** Whether this message id was read before (and records it). */
  repeated(id: string): boolean {
    return this.seenIds.add(id);
  }

  add(m: Mail): Thread[] {
    const seq = ++this.seen;
    let group: Group | null = null;
    for (const pid of m.parentIds) {
      const g = pid === m.id ? undefined : this.groupOf.get(pid);
      if (g) {
        group = g;
        break;
      }
    }
    if (!group) {
      const key = subjectKey(m.subject);
      // A reply whose parent is not in this archive (or whose ids were rewritten) joins the conversation of its subject.
      group = this.bySubject.get(key) ?? null;
      if (!group) {
        group = new Group(key, seq);
        if (key) this.bySubject.set(key, group);
      }
      // Its parent may still come (archives are not always in date order): the nearest two ids wait for it.
      for (let k = 0; k < m.parentIds.length && k < 2; k++) {
        const pid = m.parentIds[k]!;
        if (this.seenIds.has(pid)) continue;
        const list = this.waiting.get(pid);
        if (list) list.push(group);
        else {
          const one = NO_GROUPS.slice();
          one.push(group);
          this.waiting.set(pid, one);
        }
        this.waitOrder.push(new Wait(seq, pid));
      }
      while (this.waitHead < this.waitOrder.length && this.waitOrder[this.waitHead]!.seq < seq - this.limits.maxIdleMessages) this.waiting.delete(this.waitOrder[this.waitHead++]!.id);
      if (this.waitHead > 4096 && this.waitHead * 2 > this.waitOrder.length) this.waitOrder.splice(0, this.waitHead), (this.waitHead = 0);
    }
    this.join(group, m, seq);
    const waiters = this.waiting.get(m.id);
    if (waiters) {
      this.waiting.delete(m.id);
      for (const w of waiters) if (w !== group && w.open) this.merge(w, group);
    }
    return this.evict(seq);
  }

  /** The conversations still open, in order of their first message. */
  finish(): Thread[] {
    const out: Thread[] = [];
    while (this.head) out.push(this.close(this.head));
    return out;
  }

  private join(g: Group, m: Mail, seq: number): void {
    g.mails.push(m);
    g.bytes += m.size;
    this.held += m.size;
    this.groupOf.set(m.id, g);
    g.lastSeen = seq;
    if (g.open) {
      if (g === this.tail) return;
      this.unlink(g);
    }
    g.open = true;
    g.prev = this.tail;
    if (this.tail) this.tail.next = g;
    else this.head = g;
    this.tail = g;
  }

  private unlink(g: Group): void {
    if (g.prev) g.prev.next = g.next;
    else this.head = g.next;
    if (g.next) g.next.prev = g.prev;
    else this.tail = g.prev;
    g.prev = g.next = null;
    g.open = false;
  }

  private merge(from: Group, into: Group): void {
    for (const m of from.mails) {
      into.mails.push(m);
      this.groupOf.set(m.id, into);
    }
    into.bytes += from.bytes;
    if (from.truncated) into.truncated = true;
    this.unlink(from);
    if (this.bySubject.get(from.subjectKey) === from) this.bySubject.set(from.subjectKey, into);
  }

  private evict(seq: number): Thread[] {
    const fresh = seq - this.limits.maxIdleMessages;
    // Nearly always nothing is due: the longest-idle conversation says so.
    let out = NO_THREADS;
    for (let g = this.head; g && (this.held > this.limits.maxHeldBytes || g.lastSeen < fresh); g = this.head) {
      if (out === NO_THREADS) out = [];
      out.push(this.close(g));
    }
    return out;
  }

  markTruncated(): boolean {
    const last = this.tail;
    if (last) last.truncated = true;
    return !!last;
  }

  private close(g: Group): Thread {
    this.unlink(g);
    this.held -= g.bytes;
    if (this.bySubject.get(g.subjectKey) === g) this.bySubject.delete(g.subjectKey);
    for (const m of g.mails) if (this.groupOf.get(m.id) === g) this.groupOf.delete(m.id);
    const ms = g.mails.length > 1 ? g.mails.sort(byTime) : g.mails;
    let here: Map<string, Mail> | null = null;
    if (ms.length > 1) {
      here = new Map<string, Mail>();
      for (const m of ms) here.set(m.id, m);
    }
    const posts: Thread['posts'] = new Array(ms.length);
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i]!;
      // The message it answers: the first of its ids that is here. Read, not written into the held message or
      // its quotes: a field written after its object was made is no longer constant, and V8 threw away the
      // optimised code of the functions that made such objects (toMail, join) once for it.
      let parent: Mail | undefined;
      if (here) for (const p of m.parentIds) if (p !== m.id && (parent = here.get(p))) break;
      const post: Thread['posts'][number] = {
        id: m.id,
        author: { name: m.author, url: null },
        publishedAt: m.dated ? isoTime(m.time) : null,
        text: m.text,
        html: withFiles(m.ownText, textHtml(m.ownText), m.files).html,
        permalink: m.archivedAt,
        replyTo: parent ? parent.id : null,
        quotes: postQuotes(m.quotes, parent),
        score: null,
      };
      if (m.signature) post.signature = m.signature;
      posts[i] = post;
    }
    const r = ms[0]!;
    // Checked by hand where the posts are plainly valid (zod per thread cost a twentieth of the import).
    const t = postsThread(
      this.platform,
      r.archivedAt ?? `mbox://${encodeURIComponent(this.file)}/${encodeURIComponent(r.id)}`,
      cleanSubject(r.subject) || '(no subject)',
      posts,
    );
    // Replies still waiting for a parent may name this conversation; its messages are not kept for them. The
    // list is emptied rather than replaced: a field written again after its object was made is no longer
    // constant, and V8 threw away the optimised code that read it (join) once for it.
    ms.length = 0;
    return g.truncated ? { ...t, truncated: true } : t;
  }
}

const DAY_MS = 86_400_000;
const two = (n: number) => (n < 10 ? '0' : '') + n;

/**
 * new Date(ms).toISOString() without its ".000" (mail dates are whole seconds), for 1970 to 2200 (the
 * instants mailTime gives), computed (the civil date of a day number, as in H. Hinnant's
 * civil_from_days), as toISOString per message cost more than reading the Date field.
 */
export function isoTime(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const mo = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (mo <= 2 ? 1 : 0);
  const inDay = ms - day * DAY_MS;
  const milli = inDay % 1000;
  const secs = (inDay - milli) / 1000;
  const s = secs % 60;
  const m = ((secs - s) / 60) % 60;
  const h = Math.floor(secs / 3600);
  if (milli || y < 1000 || y > 9999) return `${y}-${two(mo)}-${two(d)}T${two(h)}:${two(m)}:${two(s)}${milli ? `.${String(milli).padStart(3, '0')}` : ''}Z`;
  // One string of its twenty characters, where the template made a dozen joined pieces (a tenth of a kilobyte of garbage per post).
  return String.fromCharCode(
    0x30 + Math.floor(y / 1000), 0x30 + (Math.floor(y / 100) % 10), 0x30 + (Math.floor(y / 10) % 10), 0x30 + (y % 10), 0x2d,
    0x30 + Math.floor(mo / 10), 0x30 + (mo % 10), 0x2d, 0x30 + Math.floor(d / 10), 0x30 + (d % 10), 0x54,
    0x30 + Math.floor(h / 10), 0x30 + (h % 10), 0x3a, 0x30 + Math.floor(m / 10), 0x30 + (m % 10), 0x3a,
    0x30 + Math.floor(s / 10), 0x30 + (s % 10), 0x5a,
  );
}

/**
 * A string of its own: a substring points into the string it was cut from (the whole decoded body, for
 * the pieces of a mail's text), and would keep it alive while its conversation is open.
 */
const detached = (s: string): string => (s.length < 13 ? s : (' ' + s).slice(1));

export function toMail(email: MailMessage, rec: MailRecord, file: string, obfuscated: boolean): Mail {
  const h = email.headers;
  const id = ids(h.get('message-id'))[0] ?? h.get('message-id')?.trim() ?? `${file}#${rec.index + 1}`;
  const body = splitMailBody(email.text, { obfuscatedAddresses: obfuscated });
  // The writer's words are copied only when they may be a piece of a larger body: a text nearly as long as the
  // body (most mails quote nothing) holds no more than itself, and a copy of it was garbage at once.
  const own = body.text.length + 64 >= email.text.length ? body.text : detached(body.text);
  // The quotes' names and the signature may be pieces of the body too: each copied, so that an open
  // conversation holds what its posts show and not every body (splitMailBody's quote texts are their own).
  // Held as strings in an array copied from a shared one, not as quote objects and a literal array: V8's decision
  // to allocate a literal's objects in the old generation once they outlive a few collections (these do, held by
  // open conversations) threw away toMail's optimised code. The quote objects are made at hand-out (postQuotes).
  let quotes: (string | null)[] | null = null;
  if (body.quotes.length) {
    quotes = NO_STRINGS.slice();
    for (let i = 0; i < body.quotes.length; i++) {
      const q = body.quotes[i]!;
      quotes.push(q.author && detached(q.author), q.text);
    }
  }
  let files = body.files.length ? body.files : email.files.length ? email.files : NO_FILES;
  if (body.files.length && email.files.length) for (let i = 0; i < email.files.length; i++) files.push(email.files[i]!);
  // The HTML is written when the conversation is handed out (see MailThreads.close), so open conversations hold only the text.
  const text = files.length ? withFiles(own, '', files).text : own;
  const ms = mailTime(h.get('date'));
  const inReplyTo = ids(h.get('in-reply-to'));
  let refs = ids(h.get('references')).reverse();
  if (inReplyTo.length) refs.unshift(inReplyTo[0]!);
  if (!refs.length) refs = NO_IDS;
  let size = text.length + 200;
  for (const q of body.quotes) size += q.text.length;
  return new Mail(
    id,
    refs,
    words(h.get('subject')),
    ms ?? Number.MAX_SAFE_INTEGER,
    ms !== null,
    rec.index,
    ids(h.get('archived-at'))[0] ?? null,
    size,
    files,
    own,
    cachedAuthorName(h.get('from')),
    text,
    quotes,
    body.signature && detached(body.signature),
  );
}

export interface MailImportOptions {
  limits?: MailThreadLimits;
  onProgress?: (p: { bytes: number; messages: number; threads: number }) => void;
}

const HEAD_BYTES = 1 << 16;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * A mail archive read as a stream (mbox of any flavour: Mailman/pipermail monthly archives, LISTSERV
 * and groups.io mboxes; a LISTSERV notebook LOG file; a single message): conversations come out as
 * they complete. Unreadable messages are skipped and counted; a file that ends inside its last message
 * is said to be cut off, and the conversation holding that message carries `truncated`.
 */
export async function* importMboxStream(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, ctx: ImportContext = importContext('archive.mbox'), opts: MailImportOptions = {}): AsyncGenerator<Thread> {
  const file = baseName(ctx.file);
  let splitter = null as MailSplitter | null;
  let threads = null as MailThreads | null;
  let headText = '';
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let platform: MailPlatform = 'mbox';
  let bytes = 0;
  let messages = 0;
  let read = 0;
  let emitted = 0;
  let lastGood: MailRecord | null = null;
  const skipped: string[] = [];
  let skippedCount = 0;
  let cut: { rec: MailRecord; kept: boolean } | null = null;

  let wide: TextDecoder | null = null;
  const encoder = new TextEncoder();
  /** A chunk as the splitter reads it: UTF-16 archives are re-encoded as UTF-8 piece by piece. */
  const utf8Of = (chunk: Uint8Array): Uint8Array => (wide ? encoder.encode(wide.decode(chunk, { stream: true })) : chunk);

  const start = (): void => {
    let head: Uint8Array = new Uint8Array(pendingBytes);
    let o = 0;
    for (const p of pending) {
      head.set(p.subarray(0, Math.min(p.length, pendingBytes - o)), o);
      o += p.length;
      if (o >= pendingBytes) break;
    }
    // Windows tools save text as UTF-16 (with a byte order mark or without): read as the whole-file readers
    // do (normaliseTextFile), but as it streams, so memory stays that of a message and a chunk.
    const enc = wideEncoding(head);
    if (enc) {
      wide = new TextDecoder(enc);
      ctx.warn(wideNote(enc));
      // As normaliseTextFile: the mark is dropped here, and the decoder would drop a second one.
      let skip = bomOf(head)?.encoding === enc ? 2 : 0;
      pending = pending.map((p) => {
        const cut = Math.min(skip, p.length);
        skip -= cut;
        return utf8Of(p.subarray(cut));
      });
      head = concat(pending);
      pendingBytes = head.length;
    }
    headText = new TextDecoder('utf-8').decode(head.subarray(0, HEAD_BYTES));
    const framing = mailFraming(headText);
    if (!framing)
      throw new ImportError('not a mail archive: it starts neither with an mbox "From " envelope line, nor with a LISTSERV notebook "=====" line, nor with a mail header block.', ctx.file, { offset: 0, line: 1, column: 1 });
    platform = mailPlatform(headText, framing);
    splitter = new MailSplitter(framing);
    threads = new MailThreads(platform, file, opts.limits);
  };

  /**
   * The conversations the records complete, in order, each handed out as soon as it is complete (a
   * generator: a conversation kept until the chunk's last one was made survived young-generation
   * collections, and the import copied about 40 MB more).
   */
  function* take(recs: MailRecord[], final: boolean): Generator<Thread> {
    for (const rec of recs) {
      read++;
      const isLast = final && rec === recs[recs.length - 1];
      const r = readMail(rec.raw);
      if (!r.ok) {
        if (isLast && (rec.endsMidLine || rec.raw.length < 40)) {
          cut = { rec, kept: false };
          continue;
        }
        skippedCount++;
        if (skipped.length < 3) skipped.push(`message ${rec.index + 1} (byte ${rec.offset}): ${r.reason}`);
        continue;
      }
      const incomplete = isLast && (rec.endsMidLine || !r.mail.complete);
      if (incomplete) {
        // Only the headers arrived: no words of the writer to keep.
        const kept = r.mail.text.trim() !== '' || r.mail.files.length > 0;
        cut = { rec, kept };
        if (!kept) continue;
      }
      const m = toMail(r.mail, rec, file, platform === 'mailman');
      if (threads!.repeated(m.id)) continue;
      messages++;
      lastGood = rec;
      for (const t of threads!.add(m)) {
        emitted++;
        yield t;
      }
    }
  }

  /**
   * A chunk read: the records it completes, or null while the file's first bytes are gathered. (The stream's
   * steps are functions of their own, and its conversations are handed out by one loop per kind of step,
   * never by yield*: the async generator that hands them out is compiled by V8 as it runs, again after the
   * file's end, and its size is what that costs; yield* is a large piece of bytecode at each of its uses.)
   */
  const readChunk = (chunk: Uint8Array): MailRecord[] | null => {
    bytes += chunk.length;
    if (!splitter) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < HEAD_BYTES) return null;
      start();
      const recs = splitter!.push(pending.length === 1 ? pending[0]! : concat(pending));
      pending = [];
      return recs;
    }
    return splitter.push(utf8Of(chunk));
  };

  /** The file's end, in steps: each step's records are read (their bytes are the splitter's) before the next step. */
  function* endSteps(): Generator<{ recs: MailRecord[]; final: boolean }> {
    if (!splitter) {
      if (!pendingBytes) throw new ImportError('the file is empty.', ctx.file, { offset: 0, line: 1, column: 1 });
      start();
      yield { recs: splitter!.push(pending.length === 1 ? pending[0]! : concat(pending)), final: false };
    }
    if (wide) yield { recs: splitter!.push(encoder.encode((wide as TextDecoder).decode())), final: false };
    yield { recs: splitter!.end(), final: true };
  }

  /** After the last records: no message is an error; skipped ones and a cut-off end are warned about. */
  const endWarnings = (): void => {
    if (!messages) {
      throw new ImportError(
        skippedCount ? `no message could be read: ${skipped.join('; ')}.` : 'no message was found in this mail archive.',
        ctx.file,
        { offset: 0, line: null, column: null },
      );
    }
    if (skippedCount)
      ctx.warn(`${skippedCount} of ${read} messages could not be read and were skipped: ${skipped.join('; ')}${skippedCount > skipped.length ? '; …' : ''}.`);
    const c = cut as { rec: MailRecord; kept: boolean } | null;
    if (c) {
      threads!.markTruncated();
      ctx.warn(
        `this file looks cut off after message ${c.rec.index}: message ${c.rec.index + 1} (byte ${c.rec.offset}) ends mid-way` +
          (c.kept ? '; what arrived of it is kept, and its conversation is marked truncated.' : ' and was left out.') +
          ' Download or export the archive again to get all of it.',
      );
    }
  };

  for await (const chunk of chunks) {
    const recs = readChunk(chunk);
    if (recs === null) continue;
    for (const t of take(recs, false)) yield t;
    opts.onProgress?.({ bytes, messages, threads: emitted });
  }
  for (const step of endSteps()) for (const t of take(step.recs, step.final)) yield t;
  endWarnings();
  void lastGood;
  for (const t of threads!.finish()) {
    emitted++;
    yield t;
  }
  opts.onProgress?.({ bytes, messages, threads: emitted });
}

/**
 * A whole mail archive in memory (see importMboxStream): conversations in order of their first message.
 * Quoted ">" lines and attributions become quotes, the "-- " signature is kept apart, list footers are
 * dropped, and Mailman's "x at y" addresses are read as addresses.
 */
export async function importMbox(bytes: Uint8Array, ctx: ImportContext = importContext('archive.mbox'), opts: MailImportOptions = {}): Promise<Thread[]> {
  const out: Thread[] = [];
  const chunks = function* () {
    for (let i = 0; i < bytes.length; i += 1 << 20) yield bytes.subarray(i, i + (1 << 20));
  };
  for await (const t of importMboxStream(chunks(), ctx, opts)) out.push(t);
  const first = (t: Thread) => t.posts[0]!.publishedAt ?? '\uffff';
  return out.map((t, i) => ({ t, i })).sort((a, b) => (first(a.t) < first(b.t) ? -1 : first(a.t) > first(b.t) ? 1 : a.i - b.i)).map((x) => x.t);
}
