/** How a page's bytes were read as text, and what had to be replaced on the way. */
export interface DecodedPage {
  text: string;
  /** The encoding used, as TextDecoder names it. */
  encoding: string;
  /** Where it was decided: a byte-order mark, the page's declaration, or the bytes themselves. */
  by: 'bom' | 'declared' | 'sniffed';
  /** Places whose bytes were not valid UTF-8 and became U+FFFD (a UTF-8 page with a few stray bytes). */
  replaced: number;
}

/**
 * Reads saved bytes as text. Order, as browsers do (WHATWG HTML "determining the character encoding"):
 * a byte-order mark, which is proof; then the page's own declaration (`<meta charset>`, the XML
 * declaration), unless it names a legacy encoding and the bytes are UTF-8 (a saved page converted to
 * UTF-8 that kept its old declaration); then the bytes: UTF-16 recognised by its zero bytes, UTF-8 when it holds, even with a few
 * stray bytes (replaced, and counted so the caller can say so), else windows-1252, the web's default for
 * legacy pages. One stray 0xFF must not turn every umlaut of a UTF-8 page into "Ã¤".
 */
export function decodePageReport(bytes: Uint8Array): DecodedPage {
  const bom = bomOf(bytes);
  if (bom) return { text: new TextDecoder(bom.encoding).decode(bytes.subarray(bom.length)), encoding: bom.encoding, by: 'bom', replaced: 0 };
  const wide = utf16Sniff(bytes);
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  const declared = wide ? undefined : (/<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1] ?? /<\?xml[^>]+encoding=["']([\w-]+)/i.exec(head)?.[1]);
  if (declared) {
    try {
      const decoder = new TextDecoder(declared.toLowerCase());
      // A page whose bytes are ASCII-compatible cannot be UTF-16 whatever it says (the HTML standard reads such a declaration as UTF-8).
      if (!decoder.encoding.startsWith('utf-16')) {
        // A legacy declaration on bytes that read as UTF-8 is stale: a page saved or converted to UTF-8
        // keeps its old <meta charset> (an "iso-8859-1" or "gb2312" page whose umlauts and hanzi are all
        // well-formed UTF-8). Legacy text almost never forms valid multi-byte UTF-8 sequences by chance:
        // a windows-1252 umlaut is one byte UTF-8 never accepts, a GBK pair rarely has UTF-8's
        // continuation bytes, so many valid sequences and (almost) no bad places are proof enough.
        if (decoder.encoding !== 'utf-8') {
          const { invalid, multibyte } = utf8Census(bytes);
          if (multibyte > 0 && invalid * 20 <= multibyte) {
            // Converted by a tool that read the old bytes as ISO-8859-1, windows-1252's curly quotes and
            // dashes became C1 controls (U+0092); they mean what windows-1252 says.
            return { text: cp1252Controls(new TextDecoder('utf-8').decode(bytes)), encoding: 'utf-8', by: 'sniffed', replaced: invalid };
          }
        }
        const text = decoder.encoding === 'windows-1252' ? cp1252Controls(decoder.decode(bytes)) : decoder.decode(bytes);
        return { text, encoding: decoder.encoding, by: 'declared', replaced: decoder.encoding === 'utf-8' ? countReplaced(bytes) : 0 };
      }
    } catch {
      /* unknown label: fall through to sniffing */
    }
  }
  if (wide) return { text: new TextDecoder(wide).decode(bytes), encoding: wide, by: 'sniffed', replaced: 0 };
  const { invalid, multibyte } = utf8Census(bytes);
  // UTF-8 when it holds; and when it mostly holds: valid multi-byte characters at least as many as the
  // places that are not mean a UTF-8 page with damage. A legacy page's accented letters are single
  // bytes, which UTF-8 never reads as valid: it has bad places and (almost) no good characters.
  if (invalid === 0 || (multibyte > 0 && invalid <= multibyte)) {
    return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8', by: 'sniffed', replaced: invalid };
  }
  return { text: cp1252Controls(new TextDecoder('windows-1252').decode(bytes)), encoding: 'windows-1252', by: 'sniffed', replaced: 0 };
}

/** The text of saved bytes (see decodePageReport). */
export function decodePage(bytes: Uint8Array): string {
  return decodePageReport(bytes).text;
}

/** A byte-order mark: UTF-8, UTF-16LE or UTF-16BE. */
export function bomOf(bytes: Uint8Array): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; length: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/**
 * UTF-16 without a byte-order mark, recognised by its zero bytes: markup and most chat text is ASCII,
 * which UTF-16 writes as a zero byte beside each character, on the even side (big-endian) or the odd
 * side (little-endian). Text in one 8-bit encoding or UTF-8 has no zero bytes at all.
 */
export function utf16Sniff(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 8) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be';
  return null;
}

/** How many places hold bytes that are not UTF-8 (a run counts once), and how many valid multi-byte characters there are. */
export function utf8Census(b: Uint8Array): { invalid: number; multibyte: number } {
  let invalid = 0;
  let multibyte = 0;
  let bad = false;
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      bad = false;
      continue;
    }
    const len = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    let ok = len > 0 && i + len < n;
    if (ok) for (let k = 1; k <= len; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) ok = false;
    if (ok) {
      const second = b[i + 1]!;
      if ((c === 0xe0 && second < 0xa0) || (c === 0xed && second > 0x9f) || (c === 0xf0 && second < 0x90) || (c === 0xf4 && second > 0x8f)) ok = false;
    }
    if (ok) {
      multibyte++;
      i += len + 1;
      bad = false;
    } else {
      // A run of bad bytes (a stray byte that broke the character it landed in) counts once.
      if (!bad) invalid++;
      bad = true;
      i++;
    }
  }
  return { invalid, multibyte };
}

function countReplaced(bytes: Uint8Array): number {
  return utf8Census(bytes).invalid;
}

/** What bytes 0x80–0x9F mean in windows-1252 (the web's reading of "iso-8859-1" and "latin1" too). */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Node 20's TextDecoder reads windows-1252 as plain ISO-8859-1, so curly quotes, dashes and the euro
 * sign of legacy pages (Something Awful's saved threads) came out as C1 control characters.
 * Browsers decode correctly, and then there is nothing to replace.
 */
function cp1252Controls(s: string): string {
  return s.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] ?? c);
}
