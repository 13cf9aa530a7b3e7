/** Reads saved bytes as text: the declared or sniffed charset, so legacy pages decode correctly. */
export function decodePage(bytes: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  const declared =
    /<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1] ?? /<\?xml[^>]+encoding=["']([\w-]+)/i.exec(head)?.[1];
  if (declared) {
    try {
      const decoder = new TextDecoder(declared.toLowerCase());
      return decoder.encoding === 'windows-1252' ? cp1252Controls(decoder.decode(bytes)) : decoder.decode(bytes);
    } catch {
      /* unknown label: fall through to sniffing */
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8 and no declaration: the web's default for legacy pages.
    return cp1252Controls(new TextDecoder('windows-1252').decode(bytes));
  }
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
