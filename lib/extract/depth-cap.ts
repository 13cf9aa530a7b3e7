/**
 * Nesting depth capped before parsing. The parser used off the browser (htmlparser2 under linkedom)
 * keeps its open elements in an array it grows at the front, so each element costs as much as the
 * depth it opens at: 100,000 nested elements take tens of seconds to parse. Browsers cap the depth
 * themselves (Blink attaches elements past 512 levels to the element at that level instead of
 * nesting them further); this does the same on the text, before the parser sees it: start and end
 * tags past `MAX_DEPTH` are left out, so what they held stays, as text and elements at the last
 * level, and one linear pass over the tags is all it costs. No forum template comes near the limit
 * (the corpus's deepest page is under 60 levels), so only markup built to be deep is changed.
 *
 * The depth is counted from the tag stream the way the HTML parser would build it, closely enough
 * to be safe both ways: void and self-closed elements add nothing, raw-text elements (script, style,
 * textarea, title) are skipped whole and never dropped, and the end tags HTML lets a page leave out
 * (a `<p>` closed by the next block, `<li>` by the next item, table cells and rows) close what they
 * would. An end tag closes the nearest open element of its name, and what was opened inside it.
 */

/** Deeper than this, start and end tags are left out (the text between them is kept). */
export const MAX_DEPTH = 2000;

export interface DepthCapped {
  text: string;
  /** How many elements were left out (0: the text is unchanged). */
  flattened: number;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr', 'param', 'keygen', 'basefont', 'bgsound', 'frame', 'image']);
/** Their content is text to the parser, so their tags are never dropped and their inside never counted. */
const RAW = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'plaintext', 'noembed', 'noframes', 'iframe']);
/** Start tags that close an open `<p>` (HTML: "close a p element in button scope"). */
const CLOSES_P = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'details', 'dialog', 'dir', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer', 'form',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'main', 'menu', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'ul', 'li', 'dd', 'dt',
]);
/** Where the search for an open `<p>` to close stops (HTML's "button scope"). */
const P_SCOPE = ['button', 'table', 'td', 'th', 'caption', 'object', 'marquee', 'applet', 'template', 'html', 'svg', 'math'];
/**
 * A start tag named on the left closes the innermost open element named on the right, with whatever
 * is open inside it, unless one of the scope ends comes first.
 */
const CLOSES: Record<string, { closes: string[]; scope: string[] }> = {
  li: { closes: ['li'], scope: ['ul', 'ol', 'menu'] },
  dd: { closes: ['dd', 'dt'], scope: ['dl'] },
  dt: { closes: ['dd', 'dt'], scope: ['dl'] },
  tr: { closes: ['tr'], scope: ['table', 'tbody', 'thead', 'tfoot'] },
  td: { closes: ['td', 'th'], scope: ['tr', 'table'] },
  th: { closes: ['td', 'th'], scope: ['tr', 'table'] },
  tbody: { closes: ['tbody', 'thead', 'tfoot'], scope: ['table'] },
  thead: { closes: ['tbody', 'thead', 'tfoot'], scope: ['table'] },
  tfoot: { closes: ['tbody', 'thead', 'tfoot'], scope: ['table'] },
  option: { closes: ['option'], scope: ['select', 'datalist', 'optgroup'] },
  optgroup: { closes: ['optgroup', 'option'], scope: ['select'] },
};
/** Elements some start tag closes by implication. */
const TRACKED = new Set(['p', ...Object.values(CLOSES).flatMap((r) => r.closes)]);
/** How far down the open elements an end tag or an implied close looks for its element: past it, the tag is taken as stray. */
const REACH = 256;

/** Index just past the `>` that ends the tag whose name ends at `i`, quoted attribute values skipped; -1 when the text ends first. */
function tagEnd(s: string, i: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 62 /* > */) return i + 1;
    if (c === 61 /* = */) {
      i++;
      while (i < n && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9 || s.charCodeAt(i) === 10 || s.charCodeAt(i) === 13)) i++;
      const q = s.charCodeAt(i);
      if (q === 34 || q === 39) {
        const close = s.indexOf(q === 34 ? '"' : "'", i + 1);
        if (close < 0) return -1;
        i = close + 1;
        continue;
      }
      continue;
    }
    i++;
  }
  return -1;
}

const isNameStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isNameEnd = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 47 /* / */ || c === 62 /* > */;

/**
 * The text with every element nested deeper than `max` flattened into the level above it. `xml`:
 * no void, raw-text or implied-end rules, only what the tags say.
 */
export function capDepth(text: string, kind: 'html' | 'xml', max = MAX_DEPTH): DepthCapped {
  const html = kind === 'html';
  const n = text.length;
  // Open elements, innermost last, and whether each one's tags were left out.
  const names: string[] = [];
  const dropped: boolean[] = [];
  const parts: string[] = [];
  let copiedTo = 0;
  let flattened = 0;
  const leaveOut = (from: number, to: number) => {
    parts.push(text.slice(copiedTo, from));
    copiedTo = to;
  };
  /** Closes the open elements down to and including index `k`; true when the one at `k` had its tags left out. */
  const closeTo = (k: number): boolean => {
    const was = dropped[k]!;
    while (names.length > k) {
      const name = names.pop()!;
      if (TRACKED.has(name)) openCount.set(name, openCount.get(name)! - 1);
    }
    dropped.length = k;
    return was;
  };
  // Open elements an implied end tag may close, counted, so a start tag looks for them only when one is open.
  const openCount = new Map<string, number>();
  const isOpen = (want: string | readonly string[]) => (typeof want === 'string' ? !!openCount.get(want) : want.some((w) => !!openCount.get(w)));
  /** The innermost open element named `want` (or one of them), unless an element of `scope` comes first; -1 when none. */
  const find = (want: string | readonly string[], scope: readonly string[] = []): number => {
    for (let k = names.length - 1, stop = Math.max(0, names.length - REACH); k >= stop; k--) {
      const name = names[k]!;
      if (typeof want === 'string' ? name === want : want.includes(name)) return k;
      if (scope.includes(name)) return -1;
    }
    return -1;
  };
  let i = 0;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    const c = text.charCodeAt(lt + 1);
    if (c === 33 /* ! */) {
      const end = text.startsWith('<!--', lt) ? text.indexOf('-->', lt + 4) + 3 : text.startsWith('<![CDATA[', lt) ? text.indexOf(']]>', lt + 9) + 3 : text.indexOf('>', lt) + 1;
      if (end <= 2) break;
      i = end;
      continue;
    }
    if (c === 63 /* ? */) {
      const end = text.indexOf('>', lt) + 1;
      if (end <= 0) break;
      i = end;
      continue;
    }
    const closing = c === 47; /* / */
    const start = lt + (closing ? 2 : 1);
    if (!isNameStart(text.charCodeAt(start))) {
      i = lt + 1;
      continue;
    }
    let j = start + 1;
    while (j < n && !isNameEnd(text.charCodeAt(j))) j++;
    const name = html ? text.slice(start, j).toLowerCase() : text.slice(start, j);
    const end = tagEnd(text, j);
    if (end < 0) break;
    i = end;
    if (closing) {
      const k = find(name);
      if (k >= 0 && closeTo(k)) leaveOut(lt, end);
      continue;
    }
    if (html) {
      if (VOID.has(name)) continue;
      if (RAW.has(name)) {
        // The parser reads up to the matching end tag as text: so does the count.
        const close = indexOfEndTag(text, name, end);
        if (close < 0) break;
        i = close;
        continue;
      }
      if (CLOSES_P.has(name) && isOpen('p')) {
        const k = find('p', P_SCOPE);
        if (k >= 0) closeTo(k);
      }
      const rule = CLOSES[name];
      if (rule && isOpen(rule.closes)) {
        const k = find(rule.closes, rule.scope);
        if (k >= 0) closeTo(k);
      }
    }
    // `<x/>`: self-closed (foreign content in HTML, any element in XML) opens nothing.
    if (text.charCodeAt(end - 2) === 47) continue;
    const deep = names.length >= max;
    if (deep) {
      leaveOut(lt, end);
      flattened++;
    }
    names.push(name);
    dropped.push(deep);
    if (TRACKED.has(name)) openCount.set(name, (openCount.get(name) ?? 0) + 1);
  }
  if (!parts.length) return { text, flattened: 0 };
  parts.push(text.slice(copiedTo));
  return { text: parts.join(''), flattened };
}

/** Index just past the end tag `</name…>` at or after `from` (any letter case), -1 when there is none. */
const endTags = new Map<string, RegExp>();
function indexOfEndTag(text: string, name: string, from: number): number {
  let re = endTags.get(name);
  if (!re) endTags.set(name, (re = new RegExp(`</${name}[\\s/>]`, 'gi')));
  re.lastIndex = from;
  const m = re.exec(text);
  if (!m) return -1;
  const end = text.indexOf('>', m.index);
  return end < 0 ? -1 : end + 1;
}

/** Documents parsed from flattened text, with how many elements were left out. */
const marks = new WeakMap<Document, number>();
let total = 0;

export function noteFlattened(doc: Document, flattened: number): Document {
  if (flattened) {
    marks.set(doc, (marks.get(doc) ?? 0) + flattened);
    total += flattened;
  }
  return doc;
}

/** Elements left out of this document's text before it was parsed. */
export function flattenedIn(doc: Document): number {
  return marks.get(doc) ?? 0;
}

/** Elements left out of every text parsed so far (fragments included): a reader compares it before and after. */
export function flattenedSoFar(): number {
  return total;
}

/** The sentence a result carries when its page was flattened. */
export function flattenedMessage(elements: number): string {
  return `The page nests its markup deeper than ${MAX_DEPTH.toLocaleString('en')} levels, far past any forum template: ${elements.toLocaleString('en')} element${elements === 1 ? ' was' : 's were'} read as if ${elements === 1 ? 'it' : 'they'} stood at that depth. Their text is kept; check the posts that held them.`;
}
