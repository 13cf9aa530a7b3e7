import { decodeWords } from 'postal-mime';
import type { FileRef } from './message-text.ts';

/**
 * One RFC 5322 / MIME message read straight from its bytes: header fields, the text a person wrote
 * (text/plain preferred, else text/html turned into text with its blockquotes as ">" lines), and the
 * names of attached files. Written for archives of tens of thousands of mails: bytes are decoded once,
 * straight into the text's own charset, and no part is copied more than once. postal-mime, which the
 * importer used before, parses about 14 MB/s of list mail here; mail archives need several times that.
 * postal-mime still decodes RFC 2047 encoded words and parses address lists (see mbox.ts).
 */
export interface MailMessage {
  /** Lower-case field name → first value, unfolded, encoded words left as they are. */
  headers: Map<string, string>;
  text: string;
  files: FileRef[];
  /** False when the message ends inside its header block or before a multipart's closing boundary. */
  complete: boolean;
}

export type MailRead = { ok: true; mail: MailMessage } | { ok: false; reason: string };

const MAX_DEPTH = 16;
const latin1Decoder = new TextDecoder('iso-8859-1');
const encoder = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');
// WHATWG decoders read "iso-8859-1" as windows-1252, Node's as Latin-1; the 0x80–0x9F range is mapped here so both agree.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const C1 = /[\u0080-\u009f]/g;
const decoders = new Map<string, TextDecoder | null>();

function cp1252(b: Uint8Array): string {
  const s = latin1Decoder.decode(b);
  return C1.test(s) ? s.replace(C1, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!) : s;
}

/** Bytes in the charset a part declares; undeclared 8-bit text is UTF-8 when it decodes as such, else windows-1252. */
export function decodeCharset(b: Uint8Array, charset: string | undefined): string {
  const cs = (charset ?? '').trim().toLowerCase();
  if (!cs || cs === 'us-ascii' || cs === 'ascii' || cs === 'unknown-8bit' || cs === 'x-unknown') {
    // ASCII reads the same as UTF-8, whose decoder checks and decodes in one native pass.
    try {
      return utf8Strict.decode(b);
    } catch {
      return cp1252(b);
    }
  }
  if (cs === 'utf-8' || cs === 'utf8') return utf8Lenient.decode(b);
  if (/^(?:iso-8859-1|iso8859-1|latin-?1|windows-1252|cp1252|l1)$/.test(cs)) return cp1252(b);
  let d = decoders.get(cs);
  if (d === undefined) {
    try {
      d = new TextDecoder(cs);
    } catch {
      d = null;
    }
    decoders.set(cs, d);
  }
  return d ? d.decode(b) : cp1252(b);
}

function headerText(b: Uint8Array): string {
  // ASCII (nearly every header block) reads the same as UTF-8, whose decoder checks and decodes in one native pass.
  try {
    // RFC 6532 allows raw UTF-8 in header fields; older mailers wrote their own 8-bit charset.
    return utf8Strict.decode(b);
  } catch {
    return cp1252(b);
  }
}

/** Offset where the header block ends (the empty line), or -1, and where the body starts. */
function headerEnd(b: Uint8Array, from: number): { end: number; body: number } {
  if (b[from] === 0x0a) return { end: from, body: from + 1 };
  if (b[from] === 0x0d && b[from + 1] === 0x0a) return { end: from, body: from + 2 };
  let i = from;
  for (;;) {
    i = b.indexOf(0x0a, i);
    if (i < 0) return { end: -1, body: b.length };
    if (b[i + 1] === 0x0a) return { end: i + 1, body: i + 2 };
    if (b[i + 1] === 0x0d && b[i + 2] === 0x0a) return { end: i + 1, body: i + 3 };
    i++;
  }
}

/** Whether `line` starts with a header field name and a colon (RFC 5322: printable ASCII but ":", then optional blanks). */
function fieldColon(line: string): number {
  const colon = line.indexOf(':');
  if (colon <= 0) return -1;
  let end = colon;
  while (end > 0 && (line.charCodeAt(end - 1) === 0x20 || line.charCodeAt(end - 1) === 0x09)) end--;
  if (end === 0) return -1;
  for (let i = 0; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return -1;
  }
  return colon;
}

// The fields the importer reads; the rest (Received, DKIM-Signature, X-…) are checked for form but not kept.
const WANTED = new Set(['from', 'date', 'subject', 'message-id', 'in-reply-to', 'references', 'archived-at', 'content-type', 'content-transfer-encoding', 'content-disposition', 'newsgroups', 'user-agent']);
const WANTED_FIRST = new Set([...'fdsmiracnuFDSMIRACNU'].map((c) => c.charCodeAt(0)));
/** WANTED_FIRST as a table of bytes, for the header lines read off the bytes. */
const WANTED_FIRST_BYTE = new Uint8Array(256);
for (const c of WANTED_FIRST) WANTED_FIRST_BYTE[c] = 1;

/**
 * A header value as a string of its own. A substring points into the string it was cut from, so the ids,
 * subject and names a conversation holds while it is open would each keep their message's whole header
 * block (Received, DKIM and all) alive, to be copied by every young-generation collection.
 */
const detached = (v: string) => (v.length < 13 ? v : (v + ' ').slice(0, -1));
/** Fields read once and dropped with the message (the rest end up in posts, conversations or caches): they stay slices. */
const PASSING = new Set(['date', 'content-transfer-encoding', 'user-agent', 'newsgroups']);

/** Unfolded header fields (those the importer reads); null when the block does not start as a header block. */
export function parseHeaders(text: string): { fields: Map<string, string>; bad: number } | null {
  const fields = new Map<string, string>();
  let name: string | null = null;
  let value = '';
  let bad = 0;
  let good = 0;
  let at = 0;
  while (at <= text.length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    let end = nl;
    if (end > at && text.charCodeAt(end - 1) === 0x0d) end--;
    const c = text.charCodeAt(at);
    if ((c === 0x20 || c === 0x09) && good) {
      if (name !== null) value += ' ' + text.slice(at, end).trim();
    } else {
      if (name !== null && !fields.has(name)) fields.set(name, detached(value.trim()));
      name = null;
      const line = text.slice(at, end);
      const colon = fieldColon(line);
      if (colon > 0) {
        good++;
        if (WANTED_FIRST.has(c)) {
          const n = line.slice(0, colon).trimEnd().toLowerCase();
          if (WANTED.has(n)) {
            name = n;
            value = line.slice(colon + 1);
          }
        }
      } else if (line.trim()) {
        if (!good) return null;
        bad++;
      }
    }
    at = nl + 1;
  }
  if (name !== null && !fields.has(name)) fields.set(name, detached(value.trim()));
  return good ? { fields, bad } : null;
}

const WANTED_BY_LENGTH = new Map<number, Uint8Array[]>();
for (const n of WANTED) {
  const list = WANTED_BY_LENGTH.get(n.length) ?? [];
  list.push(encoder.encode(n));
  WANTED_BY_LENGTH.set(n.length, list);
}
const isAsciiBlank = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);


/** The wanted field name b[from, to) spells, ignoring case, or null. */
function wantedName(b: Uint8Array, from: number, to: number): string | null {
  const list = WANTED_BY_LENGTH.get(to - from);
  if (!list) return null;
  for (const w of list) {
    let k = 0;
    while (k < w.length) {
      const c = b[from + k]!;
      if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== w[k]) break;
      k++;
    }
    if (k === w.length) return NAMES.get(w)!;
  }
  return null;
}
const NAMES = new Map([...WANTED_BY_LENGTH.values()].flat().map((w) => [w, new TextDecoder().decode(w)]));

/**
 * parseHeaders(headerText(b)), with the lines found on the bytes: nearly every header block is ASCII,
 * and then only the fields the importer keeps are cut from the block's text, where cutting every
 * Received and DKIM line into a string of its own made most of a message's garbage. A block with
 * other bytes is read by parseHeaders, as before.
 */
export function parseHeaderBytes(b: Uint8Array): { fields: Map<string, string>; bad: number } | null {
  // One native pass checks and decodes: ASCII (nearly every block) decodes to as many characters as bytes.
  let text: string;
  try {
    text = utf8Strict.decode(b);
  } catch {
    return parseHeaders(cp1252(b));
  }
  if (text.length !== b.length) return parseHeaders(text);
  const fields = new Map<string, string>();
  const n = b.length;
  let name: string | null = null;
  // A field's value: text[from, to) trimmed while it is one line; once folded, the lines joined in `value`.
  let value = '';
  let from = 0;
  let to = 0;
  let lineEnd = 0;
  let folded = false;
  let bad = 0;
  let good = 0;
  let at = 0;
  // Lines and colons are found in the text (ASCII here, so at the same offsets as in the bytes): a string's
  // indexOf costs about a third of a typed array's for the short distances of header lines.
  while (at <= n) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = n;
    let end = nl;
    if (end > at && b[end - 1] === 0x0d) end--;
    const c = at < n ? b[at]! : -1;
    if ((c === 0x20 || c === 0x09) && good) {
      if (name !== null) {
        let s = at;
        let e = end;
        while (s < e && isAsciiBlank(b[s]!)) s++;
        while (e > s && isAsciiBlank(b[e - 1]!)) e--;
        if (!folded) {
          // Its first line, blanks at its end and all, as the joined value has it before the final trim.
          value = text.slice(from, lineEnd);
          folded = true;
        }
        value += ' ' + text.slice(s, e);
      }
    } else {
      if (name !== null && !fields.has(name)) {
        const v = folded ? value.trim() : text.slice(from, to);
        fields.set(name, PASSING.has(name) ? v : detached(v));
      }
      name = null;
      let colon = text.indexOf(':', at);
      if (colon >= end) colon = -1;
      let nameEnd = colon;
      while (nameEnd > at && (b[nameEnd - 1] === 0x20 || b[nameEnd - 1] === 0x09)) nameEnd--;
      let field = colon > at && nameEnd > at;
      for (let i = at; field && i < nameEnd; i++) if (b[i]! < 0x21 || b[i]! > 0x7e) field = false;
      if (field) {
        good++;
        const f = WANTED_FIRST_BYTE[c] ? wantedName(b, at, nameEnd) : null;
        if (f) {
          name = f;
          from = colon + 1;
          to = end;
          lineEnd = end;
          while (from < to && isAsciiBlank(b[from]!)) from++;
          while (to > from && isAsciiBlank(b[to - 1]!)) to--;
          folded = false;
        }
      } else {
        let blank = true;
        for (let i = at; blank && i < end; i++) if (!isAsciiBlank(b[i]!)) blank = false;
        if (!blank) {
          if (!good) return null;
          bad++;
        }
      }
    }
    at = nl + 1;
  }
  if (name !== null && !fields.has(name)) {
    const v = folded ? value.trim() : text.slice(from, to);
    fields.set(name, PASSING.has(name) ? v : detached(v));
  }
  return good ? { fields, bad } : null;
}

interface ContentType {
  type: string;
  params: Map<string, string>;
}

/** `type/subtype; name=value; name="quoted"` with RFC 2231 `name*=charset''pct-encoded` values. */
export function parseContentType(v: string | undefined, fallback = 'text/plain'): ContentType {
  const params = new Map<string, string>();
  if (!v) return { type: fallback, params };
  const semi = v.indexOf(';');
  const type = (semi < 0 ? v : v.slice(0, semi)).trim().toLowerCase() || fallback;
  const re = /;\s*([^=\s;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  for (const m of v.matchAll(re)) {
    let key = m[1]!.toLowerCase();
    let val = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    if (key.endsWith('*') || /\*\d+\*?$/.test(key)) {
      const base = key.replace(/\*(?:\d+\*?)?$/, '');
      const enc = /^([^']*)'[^']*'(.*)$/.exec(val);
      if (enc) {
        try {
          val = decodeURIComponent(enc[2]!);
        } catch {
          val = enc[2]!;
        }
      }
      key = base;
      val = (params.get(key) ?? '') + val;
      params.set(key, val);
      continue;
    }
    if (!params.has(key)) params.set(key, val);
  }
  return { type: type.includes('/') ? type : fallback, params };
}

const typeCache = new Map<string, Map<string | undefined, ContentType>>();

/**
 * parseContentType, remembered: a list's mails repeat a handful of Content-Type values, and parsing each
 * anew made a Map and a regex match per part. The result is shared, so it is only ever read.
 */
function contentType(v: string | undefined, fallback = 'text/plain'): ContentType {
  let byValue = typeCache.get(fallback);
  if (!byValue) typeCache.set(fallback, (byValue = new Map()));
  let ct = byValue.get(v);
  if (!ct) {
    if (byValue.size >= 512) byValue.clear();
    ct = parseContentType(v, fallback);
    byValue.set(v, ct);
  }
  return ct;
}

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;

/**
 * Where a part's transfer encoding is undone before its text is decoded: one buffer reused from part to
 * part, as a fresh zero-filled one per part cost an allocation the size of the part each time.
 */
let scratch = new Uint8Array(1 << 16);
const SCRATCH_MAX = 4 << 20;

function scratchOf(n: number): Uint8Array {
  if (n <= scratch.length) return scratch;
  if (n > SCRATCH_MAX) return new Uint8Array(n);
  let cap = scratch.length;
  while (cap < n) cap *= 2;
  scratch = new Uint8Array(cap);
  return scratch;
}

export function decodeQuotedPrintable(src: Uint8Array, into?: Uint8Array): Uint8Array {
  const n = src.length;
  // Decoded where it is read: the part is copied whole (one native copy), then each run without "=" is
  // moved down within the copy (or left where it is, before the first escape), where a view per run, to
  // copy it out of the part, made a garbage object per line of text. Writes never pass the reading.
  const b = into ? into.subarray(0, n) : new Uint8Array(n);
  b.set(src);
  let o = 0;
  let i = 0;
  while (i < n) {
    let j = b.indexOf(0x3d, i);
    if (j < 0) j = n;
    if (o === i) o = i = j;
    else if (j - i > 48) {
      b.copyWithin(o, i, j);
      o += j - i;
      i = j;
    } else while (i < j) b[o++] = b[i++]!;
    if (i >= n) break;
    const h = i + 1 < n ? HEX[b[i + 1]!]! : -1;
    const l = i + 2 < n ? HEX[b[i + 2]!]! : -1;
    if (h >= 0 && l >= 0) {
      b[o++] = (h << 4) | l;
      i += 3;
      continue;
    }
    // A soft line break: "=" then optional trailing blanks, then the line end.
    let k = i + 1;
    while (k < n && (b[k] === 0x20 || b[k] === 0x09)) k++;
    if (k + 1 < n && b[k] === 0x0d && b[k + 1] === 0x0a) i = k + 2;
    else if (k < n && b[k] === 0x0a) i = k + 1;
    else if (k >= n) i = k;
    else {
      b[o++] = 0x3d;
      i++;
    }
  }
  return b.subarray(0, o);
}

const B64 = new Int8Array(256).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((ch, i) => (B64[ch.charCodeAt(0)] = i));

export function decodeBase64(b: Uint8Array, into?: Uint8Array): Uint8Array {
  const out = into ?? new Uint8Array(Math.ceil((b.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < b.length; i++) {
    const v = B64[b[i]!]!;
    if (v < 0) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

function transferDecode(b: Uint8Array, encoding: string | undefined): Uint8Array {
  const e = (encoding ?? '').trim().toLowerCase();
  // The result is read at once (decoded into text), so it may live in the shared scratch buffer.
  if (e === 'quoted-printable') return decodeQuotedPrintable(b, scratchOf(b.length));
  if (e === 'base64') return decodeBase64(b, scratchOf(Math.ceil((b.length * 3) / 4)));
  return b;
}

/** Where `--boundary` starts a line at or after `from`; -1 when it never does. */
function findDelimiter(b: Uint8Array, delim: Uint8Array, from: number): number {
  let i = from;
  const first = delim[0]!;
  for (;;) {
    i = b.indexOf(first, i);
    if (i < 0 || i + delim.length > b.length) return -1;
    if (i === 0 || b[i - 1] === 0x0a) {
      let k = 1;
      while (k < delim.length && b[i + k] === delim[k]) k++;
      if (k === delim.length) return i;
    }
    // The rest of a run of the first byte ("-----Original Message-----", rules of dashes) starts no line.
    do i++;
    while (b[i] === first);
  }
}

function lineEnd(b: Uint8Array, from: number): number {
  const i = b.indexOf(0x0a, from);
  return i < 0 ? b.length : i + 1;
}

/** An ASCII string's bytes (a boundary nearly always is), or null: TextEncoder's call cost more than the copy. */
function asciiBytes(s: string): Uint8Array | null {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return null;
    out[i] = c;
  }
  return out;
}

/** The parts of a multipart body, and whether its closing delimiter was there. */
function splitMultipart(b: Uint8Array, boundary: string): { parts: Uint8Array[]; closed: boolean } {
  const delim = asciiBytes(`--${boundary}`) ?? encoder.encode(`--${boundary}`);
  const parts: Uint8Array[] = [];
  let at = findDelimiter(b, delim, 0);
  if (at < 0) return { parts: [], closed: false };
  for (;;) {
    const closing = b[at + delim.length] === 0x2d && b[at + delim.length + 1] === 0x2d;
    if (closing) return { parts, closed: true };
    const start = lineEnd(b, at + delim.length);
    const next = findDelimiter(b, delim, start);
    if (next < 0) {
      parts.push(b.subarray(start));
      return { parts, closed: false };
    }
    // The line break before a delimiter belongs to the delimiter.
    let end = next;
    if (end > start && b[end - 1] === 0x0a) end--;
    if (end > start && b[end - 1] === 0x0d) end--;
    parts.push(b.subarray(start, end));
    at = next;
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', copy: '©', reg: '®', euro: '€', bull: '•', middot: '·', laquo: '«', raquo: '»' };

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return n > 0 && n < 0x110000 ? String.fromCodePoint(n) : all;
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

const BLOCK = /^(?:p|div|li|ul|ol|tr|table|h[1-6]|pre|hr|dd|dt|dl|section|article|header|footer|center)$/;

/**
 * A mail's HTML as the plain text a mail client would show, with each blockquote's lines prefixed "> "
 * (one per level), so that quoted text is recognised the same way in HTML-only and plain-text mail.
 */
export function htmlMailText(html: string): string {
  const src = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, '');
  const lines: string[] = [];
  let line = '';
  let depth = 0;
  let lineDepth = 0;
  let pre = 0;
  const breakLine = () => {
    lines.push(lineDepth ? '> '.repeat(lineDepth) + line.trim() : line.trimEnd());
    line = '';
    lineDepth = depth;
  };
  for (const tok of src.split(/(<[^>]*>)/)) {
    if (!tok) continue;
    if (tok.startsWith('<')) {
      const m = /^<\s*(\/?)\s*([a-z0-9]+)/i.exec(tok);
      if (!m) continue;
      const close = m[1] === '/';
      const tag = m[2]!.toLowerCase();
      if (tag === 'br') breakLine();
      else if (tag === 'blockquote') {
        if (line.trim()) breakLine();
        depth = Math.max(0, depth + (close ? -1 : 1));
        lineDepth = depth;
      } else if (BLOCK.test(tag)) {
        if (tag === 'pre') pre = Math.max(0, pre + (close ? -1 : 1));
        if (line.trim()) breakLine();
        else lineDepth = depth;
      }
      continue;
    }
    const text = decodeEntities(pre ? tok : tok.replace(/\s+/g, ' '));
    if (!line.trim()) lineDepth = depth;
    if (pre) {
      const parts = text.split('\n');
      parts.forEach((p, i) => {
        if (i) breakLine();
        line += p;
      });
    } else line += line || text.trim() ? text : '';
  }
  if (line.trim()) breakLine();
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

interface Node {
  headers: Map<string, string>;
  body: Uint8Array;
  depth: number;
}

function partName(h: Map<string, string>, ct: ContentType): string | null {
  const disp = contentType(h.get('content-disposition'), 'inline');
  const name = disp.params.get('filename') ?? ct.params.get('name');
  return name ? decodeWords(name) : null;
}

function isAttachment(h: Map<string, string>): boolean {
  return /^\s*attachment/i.test(h.get('content-disposition') ?? '');
}

/** Reads one message (the bytes after an mbox envelope line, or a whole .eml). */
export function readMail(raw: Uint8Array): MailRead {
  let start = 0;
  while (start < raw.length && (raw[start] === 0x0a || raw[start] === 0x0d)) start++;
  const { end, body } = headerEnd(raw, start);
  const head = parseHeaderBytes(raw.subarray(start, end < 0 ? raw.length : end));
  if (!head) return { ok: false, reason: 'it does not start with mail header fields ("Name: value")' };
  const f = head.fields;
  if (!f.has('from') && !f.has('date') && !f.has('subject') && !f.has('message-id'))
    return { ok: false, reason: 'its header has none of From, Date, Subject or Message-ID' };
  let complete = end >= 0;
  const texts: string[] = [];
  const files: FileRef[] = [];
  // Iterative, so a message nesting multiparts thousands deep cannot exhaust the stack.
  const stack: Node[] = [{ headers: head.fields, body: raw.subarray(body), depth: 0 }];
  while (stack.length) {
    const node = stack.pop()!;
    const ct = contentType(node.headers.get('content-type'));
    if (ct.type.startsWith('multipart/') && ct.params.get('boundary') && node.depth < MAX_DEPTH) {
      const { parts, closed } = splitMultipart(node.body, ct.params.get('boundary')!);
      if (!closed) complete = false;
      const children: Node[] = [];
      for (const p of parts) {
        const he = headerEnd(p, 0);
        const ph = parseHeaderBytes(p.subarray(0, he.end < 0 ? p.length : he.end));
        // A part without headers is text/plain (RFC 2046); one cut inside its headers has no body.
        if (!ph) children.push({ headers: new Map(), body: p, depth: node.depth + 1 });
        else children.push({ headers: ph.fields, body: he.end < 0 ? p.subarray(p.length) : p.subarray(he.body), depth: node.depth + 1 });
      }
      if (ct.type === 'multipart/alternative') {
        const kind = (n: Node) => contentType(n.headers.get('content-type')).type;
        const best = children.find((n) => kind(n) === 'text/plain' && !isAttachment(n.headers)) ?? children.find((n) => kind(n).startsWith('multipart/')) ?? children.find((n) => kind(n) === 'text/html') ?? children[0];
        if (best) stack.push(best);
      } else for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
      continue;
    }
    const isText = ct.type === 'text/plain' || ct.type === 'text/html';
    // A named HTML part after the text is an attached page, not the message's words.
    const name = !isText || node.depth > 0 ? partName(node.headers, ct) : null;
    const inlineText = isText && !isAttachment(node.headers) && !(name && ct.type === 'text/html' && node.depth > 0 && texts.length);
    if (inlineText) {
      const decoded = decodeCharset(transferDecode(node.body, node.headers.get('content-transfer-encoding')), ct.params.get('charset'));
      const t = ct.type === 'text/html' ? htmlMailText(decoded) : decoded;
      if (t.trim()) texts.push(t);
      continue;
    }
    if (ct.type === 'application/pgp-signature' || ct.type === 'application/pkcs7-signature' || ct.type === 'application/x-pkcs7-signature') continue;
    if (name || node.depth > 0) files.push({ name: name ?? (ct.type === 'message/rfc822' ? 'forwarded message' : 'attachment'), url: null });
  }
  return { ok: true, mail: { headers: head.fields, text: texts.join('\n\n'), files, complete } };
}
