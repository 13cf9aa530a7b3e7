/**
 * Whether a saved page or API response ends before its closing structure: a download or a save that
 * stopped part-way. Parsers forgive it (an HTML parser closes every open element, linkedom's XML mode
 * does the same), so the posts before the cut come out as if they were the whole thread; this says
 * they are not. Judged from the text, which still shows what the parsed document no longer does.
 */

/** How far from the end a closing tag is looked for: past it, the page goes on after its body. */
const TAIL = 64 * 1024;

/**
 * A whole HTML document (one that opens `<html` or `<body`) ends with `</body>` or `</html>`: both
 * are optional in the HTML syntax, but every page in the corpus and every engine's template writes
 * them, and a page cut mid-way has neither. A fragment without `<html`/`<body` is not judged.
 */
function htmlCut(text: string): boolean {
  const head = text.slice(0, 64 * 1024).toLowerCase();
  if (!head.includes('<html') && !head.includes('<body')) return false;
  const tail = text.slice(-TAIL).toLowerCase();
  return !tail.includes('</body') && !tail.includes('</html');
}

/** A tag with its attributes (values quoted, so a `>` inside one does not end the tag). */
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ENTITY = /&(?:[A-Za-z_][\w.-]*|#\d+|#x[0-9A-Fa-f]+);/y;

/**
 * Whether XML text is well-formed as far as its structure goes: every start tag closed by its own end
 * tag in order, nothing but comments and whitespace after the root, no bare `<` or `&` in text. A
 * response cut mid-way, or damaged so a parser drops the rest, fails; the parser used off the browser
 * (linkedom) forgives both silently. Iterative: depth costs a stack entry, not a call.
 */
function xmlCut(text: string): boolean {
  const t = text.replace(/^\uFEFF/, '');
  const open: string[] = [];
  let rootDone = false;
  let i = 0;
  const n = t.length;
  // The next '<' and '&' at or after i, each looked for again only once passed: searching afresh at every
  // tag would scan the same stretch once per tag before a far-off '&' (quadratic on a deep document).
  let lt = -2;
  let amp = -2;
  while (i < n) {
    if (lt !== -1 && lt < i) lt = t.indexOf('<', i);
    if (amp !== -1 && amp < i) amp = t.indexOf('&', i);
    if (amp >= 0 && (lt < 0 || amp < lt)) {
      ENTITY.lastIndex = amp;
      if (!ENTITY.test(t)) return true;
      i = ENTITY.lastIndex;
      continue;
    }
    if (lt < 0) {
      if (rootDone || !open.length) return !rootDone || /\S/.test(t.slice(i)) ;
      return true;
    }
    if (rootDone && /\S/.test(t.slice(i, lt))) return true;
    if (t.startsWith('<!--', lt)) {
      const end = t.indexOf('-->', lt + 4);
      if (end < 0) return true;
      i = end + 3;
    } else if (t.startsWith('<![CDATA[', lt)) {
      const end = t.indexOf(']]>', lt + 9);
      if (end < 0 || !open.length) return true;
      i = end + 3;
    } else if (t.startsWith('<?', lt)) {
      const end = t.indexOf('?>', lt + 2);
      if (end < 0) return true;
      i = end + 2;
    } else if (t.startsWith('<!DOCTYPE', lt) || t.startsWith('<!doctype', lt)) {
      const sub = t.indexOf('[', lt);
      const gt = t.indexOf('>', lt);
      if (gt < 0) return true;
      const end = sub >= 0 && sub < gt ? t.indexOf(']', sub) : -1;
      i = (end >= 0 ? t.indexOf('>', end) : gt) + 1;
      if (i <= 0) return true;
    } else {
      TAG.lastIndex = lt;
      const m = TAG.exec(t);
      if (!m || rootDone) return true;
      i = TAG.lastIndex;
      if (m[1]) {
        if (open.pop() !== m[2] || m[3]) return true;
        if (!open.length) rootDone = true;
      } else if (m[4]) {
        if (!open.length) rootDone = true;
      } else open.push(m[2]!);
    }
  }
  return !rootDone;
}

/** True when the text of an HTML page or XML response ends before its closing structure. */
export function looksCutOff(text: string, kind: 'html' | 'xml' | 'json'): boolean {
  if (kind === 'html') return htmlCut(text);
  if (kind === 'xml') return xmlCut(text);
  // JSON that ends early does not parse at all: sourceFromText reports it.
  return false;
}

/** The sentence every surface shows for a cut-off file, so the CLI and the UI say the same. */
export function cutOffMessage(posts: number): string {
  return `this file looks cut off after post ${posts}: it ends before its closing structure, so the thread is incomplete and the last post may be cut mid-way. Save or download the page again to get the whole thread.`;
}

/**
 * The side panel's line for a captured page that ended early (`Thread.truncated`): a page still loading,
 * or a connection that dropped, when the capture ran. Null for a whole page.
 */
export function cutOffNotice(thread: { truncated?: boolean; posts: readonly unknown[] }): string | null {
  if (!thread.truncated) return null;
  return `This page looks cut off after post ${thread.posts.length}: it ended before its closing structure, so the thread is incomplete and the last post may be cut mid-way. Reload the page and capture it again to get the whole thread.`;
}

/** Documents parsed from text that looked cut off (sourceFromText notes them; extraction reads the note). */
const cut = new WeakSet<Document>();

/** Notes whether the text the document was parsed from looked cut off; returns the document. */
export function noteCutOff(doc: Document, text: string, kind: 'html' | 'xml'): Document {
  if (looksCutOff(text, kind)) cut.add(doc);
  return doc;
}

export function wasCutOff(doc: Document): boolean {
  return cut.has(doc);
}
