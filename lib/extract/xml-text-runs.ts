/**
 * XML character references decoded before parsing, so each run of text between two pieces of markup
 * becomes one text node. The parser used off the browser (htmlparser2 under linkedom) ends a text node
 * at every reference: a BGG post body, HTML escaped as text, became about 270 text nodes per post
 * (`&lt;`, `br/`, `&gt;`, ...). linkedom registers every node in one WeakMap, and V8 gives objects
 * identity hashes of 21 bits, so past about two million live nodes its entries share hashes and each new
 * node costs more: a 16,000-post response did not parse in four minutes. Joined, the same response is
 * about 20 nodes a post.
 *
 * Only what the parser would decode the same way is decoded: the five named references, and numeric
 * ones with a `;` whose code point the parser keeps as it is (not 0, C1 controls, surrogates or past
 * U+10FFFF, which it replaces). A decoded `<` or `&` would read as markup, so it is written as a
 * noncharacter stand-in and put back in each text node after parsing. Anything the scan cannot read as
 * well-formed markup (a `<` that starts no tag, an unterminated comment or tag), or a document already
 * holding a stand-in, is left as it is, and its references split text as before.
 */

const LT = '\uFDD0';
const AMP = '\uFDD1';
const NAMED: Record<string, string> = { lt: LT, gt: '>', amp: AMP, quot: '"', apos: "'" };
const REFERENCE = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/g;

export interface JoinedText {
  text: string;
  /** Puts the stand-ins back in the parsed document's text nodes. */
  restore(doc: Document): void;
}

function decoded(run: string): string {
  if (!run.includes('&')) return run;
  return run.replace(REFERENCE, (whole, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name) return NAMED[name]!;
    const cp = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
    // The parser replaces these (U+FFFD, or the windows-1252 reading of a C1 control): left for it to do.
    if (cp === 0 || (cp >= 0x80 && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return whole;
    if (cp === 0x3c) return LT;
    if (cp === 0x26) return AMP;
    return String.fromCodePoint(cp);
  });
}

/**
 * Where the markup starting at `i` (a `<`) ends, just past its last character, read as the parser reads
 * it; -1 when it cannot tell.
 */
function markupEnd(xml: string, i: number): number {
  if (xml.startsWith('<!--', i)) {
    const e = xml.indexOf('-->', i + 4);
    return e < 0 ? -1 : e + 3;
  }
  if (xml.startsWith('<![CDATA[', i)) {
    const e = xml.indexOf(']]>', i + 9);
    return e < 0 ? -1 : e + 3;
  }
  // Processing instructions and declarations end at their first `>` for the parser. A declaration with
  // an internal subset (`<!DOCTYPE x [ <!ENTITY ...> ]>`) holds markup of its own: not read.
  if (xml[i + 1] === '?' || xml[i + 1] === '!') {
    const e = xml.indexOf('>', i + 2);
    return e < 0 || (xml[i + 1] === '!' && xml.slice(i, e).includes('[')) ? -1 : e + 1;
  }
  const first = xml[i + 1] === '/' ? i + 2 : i + 1;
  const c0 = xml.charCodeAt(first);
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122) || c0 === 95 || c0 === 58)) return -1;
  // A tag: a value is quoted only when the quote follows `=` (blanks between); an unquoted value ends
  // at a blank or `>`. So the parser reads it.
  let quote = '';
  let state: 'name' | 'equals' | 'unquoted' = 'name';
  for (let j = first; j < xml.length; j++) {
    const c = xml[j]!;
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '>') return j + 1;
    if (c === '<') return -1;
    const blank = c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
    if (state === 'name') {
      if (c === '=') state = 'equals';
    } else if (state === 'equals') {
      if (c === '"' || c === "'") {
        quote = c;
        state = 'name';
      } else if (!blank) state = 'unquoted';
    } else if (blank) state = 'name';
  }
  return -1;
}

/** The document with its text runs' references decoded; null when there is nothing to gain or it cannot be read safely. */
export function joinTextRuns(xml: string): JoinedText | null {
  if (!xml.includes('&') || xml.includes(LT) || xml.includes(AMP)) return null;
  const parts: string[] = [];
  let changed = false;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const run = xml.slice(i, lt < 0 ? xml.length : lt);
    const text = decoded(run);
    if (text !== run) changed = true;
    parts.push(text);
    if (lt < 0) break;
    const end = markupEnd(xml, lt);
    if (end < 0) {
      parts.push(xml.slice(lt));
      break;
    }
    parts.push(xml.slice(lt, end));
    i = end;
  }
  if (!changed) return null;
  return { text: parts.join(''), restore: putBack };
}

const STAND_IN = /[\uFDD0\uFDD1]/g;

function putBack(doc: Document): void {
  // Iterative: a document can nest deeper than the call stack allows.
  const stack: Node[] = [doc];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.nodeType === 3) {
      const t = node as Text;
      if (t.data.includes(LT) || t.data.includes(AMP)) t.data = t.data.replace(STAND_IN, (c) => (c === LT ? '<' : '&'));
      continue;
    }
    for (let c = node.lastChild; c; c = c.previousSibling) stack.push(c);
  }
}
