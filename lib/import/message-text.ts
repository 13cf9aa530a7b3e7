import type { QuoteInput } from '../model/thread.ts';

export function escapeHtml(s: string): string {
  // Four indexOf scans beat a regex test on chat-sized text; most messages need no escaping at all.
  if (s.indexOf('&') < 0 && s.indexOf('<') < 0 && s.indexOf('>') < 0 && s.indexOf('"') < 0) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Whether textHtml(text) is just the text in a paragraph (no link, line break or character to escape):
 * a reader holding many messages can then keep the text alone and write the HTML later.
 */
export function isPlainParagraph(text: string): boolean {
  return text !== '' && !NOT_PLAIN.test(text);
}

/**
 * A character textHtml escapes or breaks the line at, or the start of a web link. Chat messages are
 * mostly plain words: one scan of the text tells, where looking for each character apart took six.
 */
export const NOT_PLAIN = /[&<>"\n]|http/;

/**
 * escapeHtml with line breaks as <br>: a native replace for each character the text holds, and only for
 * those (a loop over the characters in script was slower than the copies it saved).
 */
function escapeLines(s: string): string {
  let out = s.includes('&') ? s.replace(/&/g, '&amp;') : s;
  if (out.includes('<')) out = out.replace(/</g, '&lt;');
  if (out.includes('>')) out = out.replace(/>/g, '&gt;');
  if (out.includes('"')) out = out.replace(/"/g, '&quot;');
  return out.includes('\n') ? out.replace(/\n/g, '<br>') : out;
}

const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

/** Plain chat text as inert HTML: escaped, web links made clickable, line breaks kept. */
export function textHtml(text: string): string {
  if (!NOT_PLAIN.test(text)) return text ? `<p>${text}</p>` : '';
  if (!text.includes('http')) return `<p>${escapeLines(text)}</p>`;
  let out = '';
  let at = 0;
  // A link has no line break, so the breaks are all in the text between links.
  for (const m of text.matchAll(URL_RE)) {
    out += escapeLines(text.slice(at, m.index));
    out += `<a href="${escapeHtml(m[0])}">${escapeHtml(m[0])}</a>`;
    at = m.index + m[0].length;
  }
  out += escapeLines(text.slice(at));
  return out ? `<p>${out}</p>` : '';
}

export interface FileRef {
  name: string;
  /** Web address when the export has one; a local path inside an export folder is not kept as a link. */
  url: string | null;
}

/** Attachments stay visible as their file names (text) and links (html), never as embedded media. */
export function withFiles(text: string, html: string, files: FileRef[]): { text: string; html: string } {
  if (!files.length) return { text, html };
  // Strings built in one loop, not map and join: map's arrays have another shape once the call is
  // inlined, and the optimised code of the callers was thrown away for it.
  let t = '';
  let h = '';
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    t += `${i ? '\n' : ''}[attachment: ${f.name}]`;
    h += f.url && /^https?:\/\//i.test(f.url) ? `<li><a href="${escapeHtml(f.url)}">${escapeHtml(f.name)}</a></li>` : `<li>${escapeHtml(f.name)}</li>`;
  }
  return { text: text ? `${text}\n${t}` : t, html: `${html}<ul class="attachments">${h}</ul>` };
}

const ATTRIBUTION = /^(?:On .{3,200}\b(?:wrote|writes|a écrit|schrieb)|.{1,120}\b(?:wrote|writes)):\s*$/i;
/** Gmail in some locales: "2015-11-15 23:43 GMT+01:00 Jesus M. Gonzalez-Barahona <jgb at example.com>:" */
const DATED_ATTRIBUTION = /^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}(?: GMT[+-]\d{1,2}:\d{2})? (.+?) <[^>]+>:$/;

/**
 * splitQuoted's text when the text quotes nothing (most chat messages), without splitting it into
 * lines or building a result; null when it may quote something.
 */
export function unquotedText(text: string): string | null {
  if (text.includes('>')) return null;
  return (text.includes('\n\n\n') ? text.replace(/\n{3,}/g, '\n\n') : text).trim();
}

/**
 * Separates `>` quoted lines from the writer's own words. Each run of quoted lines becomes one Quote;
 * an attribution line just before it ("On Sat, … Andy wrote:") names its author and is not kept as text.
 */
export function splitQuoted(text: string): { text: string; quotes: QuoteInput[] } {
  const plain = unquotedText(text);
  if (plain !== null) return { text: plain, quotes: [] };
  const lines = text.split('\n');
  const own: string[] = [];
  const quotes: QuoteInput[] = [];
  let block: string[] | null = null;
  let author: string | null = null;
  const end = () => {
    if (block) {
      const q = block.join('\n').trim();
      if (q) quotes.push({ postId: null, author, text: q });
    }
    block = null;
    author = null;
  };
  for (const line of lines) {
    if (/^\s*>/.test(line)) {
      if (!block) {
        block = [];
        // The attribution may be separated from the quote by one blank line.
        let k = own.length - 1;
        if (k >= 0 && own[k]!.trim() === '') k--;
        const a = k >= 0 ? own[k]! : '';
        if (ATTRIBUTION.test(a.trim()) || DATED_ATTRIBUTION.test(a.trim())) {
          author = attributionName(a.trim());
          own.length = k;
        }
      }
      block.push(line.replace(/^\s*> ?/, ''));
    } else {
      end();
      own.push(line);
    }
  }
  end();
  return { text: own.join('\n').replace(/\n{3,}/g, '\n\n').trim(), quotes };
}

function attributionName(a: string): string | null {
  const dated = DATED_ATTRIBUTION.exec(a);
  if (dated) return dated[1]!.trim();
  const m = /(?:,\s*|^On\s+.*?\s+|^)([^,<>]+?)\s*(?:<[^>]*>|\([^)]*\))?\s+(?:wrote|writes|a écrit|schrieb):?\s*$/i.exec(a);
  const name = m?.[1]?.replace(/^["']|["']$/g, '').trim();
  return name || null;
}

/** The file name at the end of an attachment's address (decoded when it can be), for its note. */
export function fileNameOf(url: string | null): string {
  const path = (url ?? '').split(/[?#]/)[0] ?? '';
  const last = path.split(/[\\/]/).filter(Boolean).pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
