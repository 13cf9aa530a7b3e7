import { Tokenizer, TokenParser } from '@streamparser/json';
import { ImportError, positionInText } from './errors.ts';
import { bomOf, utf16Sniff } from '../extract/decode-page.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');
// Node's TextDecoder('windows-1252') decodes as ISO-8859-1, losing š, €, “ ” in 0x80–0x9F: map them here.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Windows-1252 bytes as text (the line readers' fallback for lines that are not UTF-8). */
export function cp1252(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c >= 0x80 && c < 0xa0 ? CP1252_HIGH[c - 0x80]! : String.fromCharCode(c);
  return s;
}

/** Offset of the first byte that is not part of valid UTF-8, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= b.length) return i;
    for (let k = 1; k <= n; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    const second = b[i + 1]!;
    if ((c === 0xe0 && second < 0xa0) || (c === 0xed && second > 0x9f) || (c === 0xf0 && second < 0x90) || (c === 0xf4 && second > 0x8f)) return i;
    i += n + 1;
  }
  return -1;
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/**
 * Strict UTF-8 for formats that promise it (JSON exports): a bad byte is an error that says where,
 * because silently replacing it would store damaged words.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return stripBom(utf8.decode(bytes));
  } catch {
    const at = firstInvalidUtf8(bytes);
    const prefix = utf8Lenient.decode(bytes.subarray(0, Math.max(0, at)));
    throw new ImportError(
      `the file is not valid UTF-8 (byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')}). Re-export it, or convert it to UTF-8 first.`,
      file,
      positionInText(prefix, prefix.length, at),
    );
  }
}

/**
 * Where JSON stops being valid. V8's messages do not always say ("… is not valid JSON"), so a streaming
 * tokenizer walks the text to find the character; null when it only ran out of text.
 */
function jsonErrorAt(text: string): number | null {
  const bytes = new TextEncoder().encode(text);
  const tokenizer = new Tokenizer();
  const parser = new TokenParser();
  let last = 0;
  let at: number | null = null;
  tokenizer.onToken = (t) => {
    last = t.offset;
    parser.write(t);
  };
  parser.onValue = () => undefined;
  parser.onError = () => {
    at ??= last;
  };
  tokenizer.onError = (e) => {
    const m = /absolute position "(\d+)"/.exec(e.message);
    at ??= m ? Number(m[1]) : null;
  };
  try {
    tokenizer.write(bytes);
  } catch {
    /* reported through onError */
  }
  // Offsets are in bytes; the caller works in characters.
  return at === null ? null : new TextDecoder().decode(bytes.subarray(0, at)).length;
}

/** JSON.parse with an error that names the file and the place it broke (truncated downloads end early). */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const stated = /position (\d+)/.exec(msg);
    const found = stated ? Number(stated[1]) : jsonErrorAt(text);
    const at = found ?? text.length;
    const truncated = found === null || at >= text.trimEnd().length;
    throw new ImportError(
      truncated ? 'the JSON ends early: the file looks truncated. Download or export it again.' : `the file is not valid JSON (${msg.slice(0, 80)}).`,
      file,
      positionInText(text, at, new TextEncoder().encode(text.slice(0, at)).length),
    );
  }
}

/**
 * An export file as the readers expect its bytes: UTF-16 (with or without a byte-order mark, as some
 * Windows tools save text) re-encoded as UTF-8, and line ends that are a lone CR (classic Mac OS, some
 * log tools) made LF. Readers and format detection then see what they know; `notes` says what changed.
 */
export function normaliseTextFile(bytes: Uint8Array): { bytes: Uint8Array; notes: string[] } {
  const notes: string[] = [];
  const wide = wideEncoding(bytes);
  let out = bytes;
  if (wide) {
    const bom = bomOf(bytes);
    out = new TextEncoder().encode(new TextDecoder(wide).decode(bytes.subarray(bom && bom.encoding === wide ? 2 : 0)));
    notes.push(wideNote(wide));
  }
  // Only a file with CRs and no LF at all: a CR inside CRLF text, or inside a message, is left alone.
  if (out.indexOf(0x0d) >= 0 && out.indexOf(0x0a) < 0) {
    out = out.map((c) => (c === 0x0d ? 0x0a : c));
    notes.push('its lines end with CR alone; they were read as line ends.');
  }
  return { bytes: out, notes };
}

/**
 * 'utf-16le' or 'utf-16be' when a file's first bytes are UTF-16 (a byte order mark, or without one its
 * zero bytes), else null. UTF-32LE's mark begins as UTF-16LE's: such a file is not UTF-16, and is
 * refused by unreadableEncoding naming its encoding.
 */
export function wideEncoding(head: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (unreadableEncoding(head)) return null;
  const bom = bomOf(head);
  return bom && bom.encoding !== 'utf-8' ? bom.encoding : utf16Sniff(head);
}

/** The note a UTF-16 file's import carries. */
export function wideNote(wide: string): string {
  return `the file is ${wide.toUpperCase()} text; it was read as such.`;
}

/** How many first bytes the encoding is judged on. */
export const SNIFF_BYTES = 4096;

/**
 * The encoding a text file is in when it is one the readers cannot take (UTF-32, UTF-7, GB18030 and
 * other byte-order marks, UTF-32 without a mark), or "binary data" when its first bytes are full of
 * control characters; null for UTF-8, UTF-16 and 8-bit text, which the readers decode.
 */
export function unreadableEncoding(b: Uint8Array): string | null {
  const at = (i: number, ...v: number[]) => v.every((x, k) => b[i + k] === x);
  if (at(0, 0xff, 0xfe, 0, 0)) return 'UTF-32LE';
  if (at(0, 0, 0, 0xfe, 0xff)) return 'UTF-32BE';
  if (at(0, 0x2b, 0x2f, 0x76) && [0x38, 0x39, 0x2b, 0x2f].includes(b[3]!)) return 'UTF-7';
  if (at(0, 0x84, 0x31, 0x95, 0x33)) return 'GB18030';
  if (at(0, 0xdd, 0x73, 0x66, 0x73)) return 'UTF-EBCDIC';
  if (at(0, 0x0e, 0xfe, 0xff)) return 'SCSU';
  if (at(0, 0xfb, 0xee, 0x28)) return 'BOCU-1';
  if (bomOf(b)) return null;
  const n = Math.min(b.length, SNIFF_BYTES) & ~3;
  if (n < 16) return null;
  // UTF-32 writes each ASCII character as one byte and three zeros; UTF-16 as one byte and one zero.
  const zeros = [0, 0, 0, 0];
  let controls = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0) zeros[i & 3]!++;
    else if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d && c !== 0x1b) controls++;
  }
  const q = n / 4;
  if (zeros[1]! > q * 0.9 && zeros[2]! > q * 0.9 && zeros[3]! > q * 0.9 && zeros[0]! < q * 0.1) return 'UTF-32LE';
  if (zeros[0]! > q * 0.9 && zeros[1]! > q * 0.9 && zeros[2]! > q * 0.9 && zeros[3]! < q * 0.1) return 'UTF-32BE';
  if (utf16Sniff(b)) return null;
  const nul = zeros[0]! + zeros[1]! + zeros[2]! + zeros[3]!;
  return nul + controls > n * 0.1 ? 'binary data (not text)' : null;
}

/** The sentence an error adds for a file in an encoding no reader takes. */
export function encodingAdvice(encoding: string): string {
  return encoding.startsWith('binary')
    ? 'its first bytes are binary data, not text in any encoding Gleaner reads (UTF-8, UTF-16, Windows-1252/Latin-1).'
    : `it is ${encoding} text, an encoding Gleaner does not read (it reads UTF-8, UTF-16 and Windows-1252/Latin-1): save or convert it as UTF-8 and import it again.`;
}
