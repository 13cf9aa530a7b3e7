import type { QuoteInput } from '../model/thread.ts';
import type { FileRef } from './message-text.ts';

export interface MailBody {
  text: string;
  quotes: QuoteInput[];
  signature: string | null;
  files: FileRef[];
}

export interface MailBodyOptions {
  /** The archive wrote addresses as "name at example.com" (Mailman's pipermail): such addresses leave the text. */
  obfuscatedAddresses?: boolean;
}

// Mailman 2 replaces attachments with a note and a link to the archived copy.
const SCRUBBED = /^-{5,} next part -{5,}\n(?:An? .*? (?:attachment|message|part) was scrubbed\.\.\.\n)?(?:(?:Name|Type|Size|Desc|Url|URL): ?.*\n?)*/gm;

// What list software appends to every message; everything from the mark on is the list's, not the writer's.
// Each with the words searched first and, where the pattern needs one, a rule it cannot match without
// (searched first too: "_" and "#" are rare, where "mailing list" starts with a common letter).
const FOOTERS: [string, RegExp, string?][] = [
  // Mailman: "_____\nfoo mailing list\nfoo@…\nhttps://…/listinfo/foo".
  ['mailing list', /\n_{20,}\n[^\n]*mailing list\b[\s\S]*$/i, '_'.repeat(20)],
  // LISTSERV: a "####" rule, then "To unsubscribe from the FOO list, click the following link:".
  ['To unsubscribe from the ', /\n#{20,}[ \t]*\n\s*To unsubscribe from the \S+ list\b[\s\S]*$/i, '#'.repeat(20)],
  ['To unsubscribe from the ', /(?:^|\n|[ \t])[ \t]*To unsubscribe from the \S+ list, click the following link:\s*\S+\s*(?:\n#{20,}\s*)?$/i],
  // groups.io and Google Groups.
  ['-=-=-=', /\n(?:-=){5,}-?\s*\n(?:Groups\.io Links|You receive all messages|View\/Reply Online)[\s\S]*$/i],
  ['You received this message because you are subscribed to the Google Groups', /\n--[ \t]*\nYou received this message because you are subscribed to the Google Groups[\s\S]*$/i],
];

// Outlook's and other clients' separators before the message answered or forwarded, in the common UI languages.
const ORIGINAL =
  /^[ \t]*(?:-{2,}|_{2,})\s*(?:Original(?:e)? Message|Ursprüngliche Nachricht|Originalnachricht|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht|Mensagem original|Originalmeddelande|Opprinnelig melding|Oprindelig meddelelse|Alkuperäinen viesti|Oryginalna wiadomość|Исходное сообщение|Forwarded message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Messaggio inoltrato|Doorgestuurd bericht)\s*(?:-{2,}|_{2,})?[ \t]*$|^[ \t]*(?:Begin forwarded message|Anfang der weitergeleiteten Nachricht|Début du message réexpédié)\s*:[ \t]*$/im;
// "From: … / Sent: … / To: … / Subject: …" as Outlook writes it above the answered message, in its UI languages.
const HEAD_FROM = /^[ \t]*\*?(?:From|Von|De|Van|Da|Fra|Från|Od|От|Lähettäjä)[ \t]?\*?[ \t]?:\*?[ \t]*\S/i;
const HEAD_OTHER =
  /^[ \t]*\*?(?:Sent|Date|To|Cc|Subject|Reply-To|Gesendet|Datum|An|Betreff|Envoyé|Date|À|A|Objet|Enviado(?: el)?|Para|Asunto|Fecha|Inviato|Oggetto|Data|Verzonden|Aan|Onderwerp|Skickat|Till|Ämne|Sendt|Til|Emne|Wysłano|Do|Temat|Отправлено|Кому|Тема|Lähetetty|Vastaanottaja|Aihe)[ \t]?\*?[ \t]?:/i;

const VERB = String.raw`(?:wrote|writes|schrieb|schreibt|hat geschrieben|a écrit|écrivait|escribió|ha scritto|scrisse|schreef|escreveu|skrev|kirjoitti|napisał\(a\)|napisała|napisał|пишет|написал\(а\)|написала|написал)`;
// "On …, Name wrote:", "Name <addr> schrieb:", "Le …, Name a écrit :", "El …, Name escribió:", "Il … Name ha scritto:".
const ATTR_VERB_LAST = new RegExp(String.raw`^.{0,300}(?:^|[\s,>)"'])${VERB}\s*:$`, 'i');
// "Am … schrieb Name:", "Op … schreef Name:", "Den … skrev Name:", "On …, wrote Name:" (verb before the name).
const ATTR_VERB_MID = new RegExp(String.raw`^(?:Am|Op|Den|On|Le|El|Il|Em|W dniu|Dne)\s.{0,200}\s(schrieb|schreef|skrev|wrote|napsal|napisał)\s(.{1,160}):$`, 'i');
/** Gmail in some locales: "2015-11-15 23:43 GMT+01:00 Name <addr>:" */
const ATTR_DATED = /^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}(?: GMT[+-]\d{1,2}:\d{2})? (.+?) <[^>]+>:$/;
const ATTR_QUOTING = /^(?:Quoting|Zitat von|Citando|Citation de|Citando a)\s.{1,200}:$/i;
/** The tail of an attribution a client wrapped onto a line of its own, which then starts with ">" ("> wrote:"). */
const WRAPPED_TAIL = new RegExp(String.raw`^>\s*(?:[^\s>]*>\s*)?(?:${VERB}|[^\n]{0,80}\s${VERB})\s*:$`, 'i');

// The marks left where a quote (or part of one) was cut: "[...]", "[…]", "[snip]", "<snip>".
const CUT_LINE = /^\s*(?:\[\s*(?:\.\.\.|…|snip(?:ped)?|schnipp?|coupé|recortado)\s*\]|<\s*snip(?:ped)?\s*>|\.\.\.\s*snip\s*\.\.\.)\s*$/i;
const CUT_INLINE = /\s*(?:\[\s*(?:\.\.\.|…|snip(?:ped)?)\s*\]|<\s*snip(?:ped)?\s*>)/gi;

/**
 * Whether the text has a quoted line, as the test it replaces decided: a ">" at the start, after a line
 * break, or after blanks at a line's start (/^[ \t]*>/m, which also takes U+2028, U+2029 and CR as line
 * ends, and was tried only when " >" or "\t>" occurs). A look back from each ">", where searching the
 * text for " >" stopped at every space.
 */
export function hasQuotedLine(s: string): boolean {
  let afterSeparator = false;
  let afterBlank = false;
  for (let i = s.indexOf('>'); i >= 0; i = s.indexOf('>', i + 1)) {
    let k = i - 1;
    while (k >= 0 && (s.charCodeAt(k) === 0x20 || s.charCodeAt(k) === 0x09)) k--;
    const c = k < 0 ? 0x0a : s.charCodeAt(k);
    const lineStart = c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
    if (k < i - 1) {
      afterBlank = true;
      if (lineStart) return true;
    } else if (c === 0x0a) return true;
    else if (lineStart) afterSeparator = true;
  }
  return afterSeparator && afterBlank;
}

/** What the pattern \s matches: a table of the first 256 characters, and the few blanks past them. */
const LATIN_BLANK = new Uint8Array(256);
for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0]) LATIN_BLANK[c] = 1;
const WIDE_BLANK = new Set([0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]);
// One look-up where a chain of a dozen comparisons, inlined at each of the mail date reader's steps, made
// that reader slow to compile (over a tenth of a second, on each start of an import).
export const isBlank = (c: number): boolean => (c < 256 ? LATIN_BLANK[c] === 1 : WIDE_BLANK.has(c));

/** Whether /<\s*snip/i would match: a look after each "<", where a case-blind pattern read every character of every mail. */
function angleSnip(s: string): boolean {
  for (let i = s.indexOf('<'); i >= 0; i = s.indexOf('<', i + 1)) {
    let k = i + 1;
    while (isBlank(s.charCodeAt(k))) k++;
    if ((s.charCodeAt(k) | 0x20) === 0x73 && (s.charCodeAt(k + 1) | 0x20) === 0x6e && (s.charCodeAt(k + 2) | 0x20) === 0x69 && (s.charCodeAt(k + 3) | 0x20) === 0x70) return true;
  }
  return false;
}
const OBFUSCATED_ADDRESS = /\b[\w.+-]+ at [\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b/gi;

function isAttribution(s: string): boolean {
  return s.length < 400 && s.endsWith(':') && (ATTR_VERB_LAST.test(s) || ATTR_VERB_MID.test(s) || ATTR_DATED.test(s) || ATTR_QUOTING.test(s));
}

/** The name an attribution gives, without its address or date. */
export function attributionName(a: string): string | null {
  const dated = ATTR_DATED.exec(a);
  if (dated) return cleanName(dated[1]!);
  const mid = ATTR_VERB_MID.exec(a);
  if (mid) return cleanName(mid[2]!);
  const s = a
    .replace(/<[^>]*>|\([^)]*@[^)]*\)|\([^)]* at [^)]*\)|\[mailto:[^\]]*\]/g, ' ')
    .replace(new RegExp(String.raw`\s*${VERB}\s*:$`, 'i'), '')
    .replace(/^(?:Quoting|Zitat von|Citando a|Citando|Citation de)\s+/i, '');
  const seg = s.split(',').pop() ?? '';
  // Date and time words before the name ("3 Mar 2020 10:00 John"), when no comma set it apart.
  const name = seg.replace(/^\s*(?:On|Am|Le|El|Il|Op|Em|Den)\s+/i, '').replace(/^(?:\s*(?:\S*\d\S*|AM|PM|at|um|à|a las|alle|om|às|kl\.?|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?)(?=\s))+/i, '');
  return cleanName(name);
}

function cleanName(n: string): string | null {
  const s = n.replace(/<[^>]*>|\[mailto:[^\]]*\]/g, '').replace(/\S+@\S+|\S+ at \S+\.\S+/g, '').replace(/^\s*["']|["']\s*$/g, '').replace(/\s+/g, ' ').trim();
  return s && s.length <= 80 ? s : null;
}

// First characters of the lines the answered-message search looks at, so most lines cost one comparison.
// A table of the ASCII ones (bit 1: a separator's, bit 2: a From line's), where two set lookups per line cost more.
const SEPARATOR_FIRST = 1;
const FROM_FIRST = 2;
const FIRST = new Uint8Array(128);
for (const c of '-_BADbad \t') FIRST[c.charCodeAt(0)]! |= SEPARATOR_FIRST;
for (const c of 'FVDOLfvdol* \t') FIRST[c.charCodeAt(0)]! |= FROM_FIRST;
/** Which lists a line's first character is on; "О" and "о" (Cyrillic, for "От") are the only ones past ASCII. */
const firstOf = (c: number) => (c < 128 ? FIRST[c]! : c === 0x41e || c === 0x43e ? FROM_FIRST : 0);

/** s.charCodeAt(k) within a line ending at `to`; NaN past it, as past the end of the line cut out. */
const codeIn = (s: string, k: number, to: number) => (k < to ? s.charCodeAt(k) : NaN);

/**
 * s.charCodeAt(k), NaN outside s, without reading outside it: optimised code that reads past a string's
 * end is thrown away and compiled again, and the functions that read mail bodies are large to compile.
 */
const codeAt = (s: string, k: number) => (k >= 0 && k < s.length ? s.charCodeAt(k) : NaN);

/**
 * Whether the line s[from, to), after its leading blanks, starts as ORIGINAL needs ("--", "__", or its
 * first two letters of a word starting B, A or D); the pattern, multi-line, was tried at every position
 * of such lines.
 */
function separatorStart(s: string, from: number, to: number, wide: boolean): boolean {
  // U+2028 and U+2029 end lines for a multi-line pattern: such a line is left to it (wide: the body has one).
  if (wide) {
    const l = s.slice(from, to);
    if (l.includes('\u2028') || l.includes('\u2029')) return true;
  }
  let i = from;
  while (codeIn(s, i, to) === 0x20 || codeIn(s, i, to) === 0x09) i++;
  const c = codeIn(s, i, to);
  if (c === 0x2d || c === 0x5f) return codeIn(s, i + 1, to) === c;
  // "Be…", "An…", "Dé…" (Begin forwarded message, Anfang der weitergeleiteten Nachricht, Début du message réexpédié), in any case.
  const lc = c | 0x20;
  const next = codeIn(s, i + 1, to);
  if (lc === 0x62) return (next | 0x20) === 0x65;
  if (lc === 0x61) return (next | 0x20) === 0x6e;
  return lc === 0x64 && (next === 0xe9 || next === 0xc9);
}

/** Whether the line s[from, to) has a ":" close enough to its start for HEAD_FROM ("*Lähettäjä *:" is the longest). */
function fieldStart(s: string, from: number, to: number): boolean {
  let i = from;
  while (codeIn(s, i, to) === 0x20 || codeIn(s, i, to) === 0x09) i++;
  for (let k = i; k < to && k <= i + 14; k++) if (s.charCodeAt(k) === 0x3a) return true;
  return false;
}

/**
 * A text's lines as offsets into it (line k runs from starts[k] to the line break before starts[k + 1],
 * the last to the text's end): the lines a mail's body is read by are cut into strings only where one is
 * looked at, where splitting every body into a string per line made most of its garbage.
 */
function lineStarts(s: string): number[] {
  const starts = [0];
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Where line k of `s` ends (`s` having `total` lines, the first of `starts`). */
const lineEnd = (s: string, starts: number[], total: number, k: number) => (k + 1 < total ? starts[k + 1]! - 1 : s.length);

/** Line k of `s`, as `s.split('\n')` gives it. */
const lineAt = (s: string, starts: number[], total: number, k: number) => s.slice(starts[k], lineEnd(s, starts, total, k));

/** Lines from..to-1 of `s` as strings. */
function linesOf(s: string, starts: number[], total: number, from: number, to: number): string[] {
  // Pushed, not preallocated: an array with holes has another shape than the line arrays it meets,
  // and optimised code that meets a new shape is thrown away and compiled again.
  const out: string[] = [];
  for (let k = from; k < to; k++) out.push(lineAt(s, starts, total, k));
  return out;
}

/**
 * Where an Outlook-style answered or forwarded message starts: the offset in body and the number of
 * lines before it, or null. A mid-line separator splits its line: the piece before it is then a line
 * of its own (the lines before it count it).
 */
function answeredStart(body: string, starts: number[]): { at: number; lines: number; split: boolean } | null {
  const n = starts.length;
  const inline = body.includes('-----') && ORIGINAL_HINT.test(body);
  const froms = body.includes(':');
  const wide = body.includes('\u2028') || body.includes('\u2029');
  for (let i = 0; i < n; i++) {
    const from = starts[i]!;
    // An empty line's first character is the next line break or none: neither is on the lists.
    const first = firstOf(codeAt(body, from));
    if (!first && !inline) continue;
    const to = lineEnd(body, starts, n, i);
    // The line is cut out only for the patterns, once the looks at its characters let it through.
    let l: string | null = null;
    if (first & SEPARATOR_FIRST && to - from > 12 && separatorStart(body, from, to, wide) && ORIGINAL.test((l ??= body.slice(from, to)))) return { at: from, lines: i, split: false };
    if (froms && first & FROM_FIRST && fieldStart(body, from, to) && HEAD_FROM.test((l ??= body.slice(from, to)))) {
      // At least one more header line within the next four, as Outlook, Apple Mail and webmails write them.
      for (let k = i + 1; k < n && k <= i + 4; k++) {
        const next = lineAt(body, starts, n, k);
        if (HEAD_OTHER.test(next)) {
          const j = i > 0 && /^\s*_{10,}\s*$/.test(lineAt(body, starts, n, i - 1)) ? i - 1 : i;
          return { at: starts[j]!, lines: j, split: false };
        }
        if (!next.trim() && k > i + 1) break;
      }
    }
    if (inline) {
      const m = ORIGINAL_INLINE.exec((l ??= body.slice(from, to)));
      if (m) return { at: from + m.index, lines: i + 1, split: true };
    }
  }
  return null;
}

/** The first (at most) `max` lines of s from offset `at`. */
function linesFrom(s: string, at: number, max: number): string[] {
  const out: string[] = [];
  let p = at;
  while (out.length < max) {
    const e = s.indexOf('\n', p);
    if (e < 0) {
      out.push(s.slice(p));
      break;
    }
    out.push(s.slice(p, e));
    p = e + 1;
  }
  return out;
}

function blockAuthor(lines: string[]): string | null {
  for (const l of lines.slice(0, 8)) {
    const m = /(?:^|\s)\*?(?:From|Von|De|Van|Da|Fra|Från|Od|От|Lähettäjä|Sender)\s?\*?\s?:\*?\s*(.+)$/i.exec(l);
    if (!m) continue;
    // "From: the-list <list@…> On Behalf Of Jane Doe": the person, not the list that relayed her.
    const v = /\b(?:on behalf of|im Auftrag von|de la part de|en nombre de|per conto di|namens)\s+(.+)$/i.exec(m[1]!)?.[1] ?? m[1]!;
    return cleanName(v.replace(/<.*$|\[.*$/, ''));
  }
  return null;
}

// A separator a flattening archiver left in the middle of a line still starts the answered message.
const ORIGINAL_HINT = /original|ursprüngliche|origine|oorspronkelijk|opprinnelig|oprindelig|alkuperäinen|oryginalna|исходное|forward|weitergeleitet|transféré|réexpédié|reenviado|inoltrato|doorgestuurd/i;
const ORIGINAL_INLINE = /-{3,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht)\s*-{3,}/i;

/** Whether s, without the blanks at its end, ends with ":". */
function endsWithColon(s: string): boolean {
  let e = s.length;
  while (e > 0 && isBlank(s.charCodeAt(e - 1))) e--;
  return e > 0 && s.charCodeAt(e - 1) === 0x3a;
}

/**
 * The lines joined, blanks and tabs at line ends dropped, runs of empty lines made one, and trimmed:
 * what replacing /[ \t]+\n/ and /\n{3,}/ in the joined text gives, with one copy of the text instead of three.
 */
function ownText(lines: string[]): string {
  // Most mails have no blanks at line ends and no runs of empty lines: then the text is the lines as they are.
  let clean = true;
  for (let i = 0; clean && i < lines.length; i++) {
    const l = lines[i]!;
    const last = codeAt(l, l.length - 1);
    if (last === 0x20 || last === 0x09 || (!l.length && i > 0 && !lines[i - 1]!.length)) clean = false;
  }
  if (clean) return lines.join('\n').trim();
  const parts: string[] = [];
  let empty = false;
  for (const l of lines) {
    let e = l.length;
    while (e > 0 && (l.charCodeAt(e - 1) === 0x20 || l.charCodeAt(e - 1) === 0x09)) e--;
    if (e === 0) {
      if (empty) continue;
      empty = true;
      parts.push('');
    } else {
      empty = false;
      parts.push(e === l.length ? l : l.slice(0, e));
    }
  }
  return parts.join('\n').trim();
}

/** ownText of the first `count` lines of `s` (of `total`): when they are clean, the piece of `s` they make. */
function ownLines(s: string, starts: number[], total: number, count: number): string {
  let emptyBefore = false;
  for (let i = 0; i < count; i++) {
    const at = starts[i]!;
    const end = lineEnd(s, starts, total, i);
    if (end === at) {
      if (i > 0 && emptyBefore) return ownText(linesOf(s, starts, total, 0, count));
      emptyBefore = true;
      continue;
    }
    emptyBefore = false;
    const last = s.charCodeAt(end - 1);
    if (last === 0x20 || last === 0x09) return ownText(linesOf(s, starts, total, 0, count));
  }
  return count ? s.slice(0, lineEnd(s, starts, total, count - 1)).trim() : '';
}

/**
 * A string of its own: a substring points into the string it was cut from (the whole decoded body), and
 * would keep it alive as long as it is held.
 */
const detached = (s: string): string => (s.length < 13 ? s : (' ' + s).slice(1));

/**
 * A run of quoted lines as a quote, unless it is blank. Its text is a string of its own (lines joined make
 * a new string; a single line is a piece of the body, copied), so a reader holding quotes need not copy them.
 */
function pushQuote(quotes: QuoteInput[], block: string[] | null, author: string | null): void {
  if (!block) return;
  const q = block.join('\n').trim();
  if (q) quotes.push({ postId: null, author, text: block.length === 1 ? detached(q) : q });
}

/**
 * Takes an attribution off the end of `own` (ending at most one blank line back); returns it, or null.
 * (Functions of the module, not closures made per mail.)
 */
function takeAttribution(own: string[], tail = ''): string | null {
  let k = own.length - 1;
  if (k >= 0 && !own[k]!.trim()) k--;
  // Every candidate ends with the same last line (or the wrapped tail), and an attribution ends with ":".
  if (k < 0 || !endsWithColon(tail || own[k]!)) return null;
  for (let n = 1; n <= 3 && k - n + 1 >= 0; n++) {
    const parts = own.slice(k - n + 1, k + 1);
    if (parts.some((p) => !p.trim())) break;
    const joined = (parts.join(' ') + tail).replace(/\s+/g, ' ').trim();
    if (isAttribution(joined)) {
      own.length = k - n + 1;
      return joined;
    }
  }
  return null;
}

/**
 * The quoted-lines pass of splitMailBody over the first `total` lines of body: each run of ">" lines
 * becomes one quote (pushed to quotes), with the attribution before it; returns the writer's own lines.
 */
function quotedPass(body: string, starts: number[], total: number, quotes: QuoteInput[]): string[] {
  const lines = linesOf(body, starts, total, 0, total);
  const own: string[] = [];
  let block: string[] | null = null;
  let author: string | null = null;
  let pending: { author: string | null; at: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const c = codeAt(line, 0);
    const quoted = c === 0x3e || ((c === 0x20 || c === 0x09) && /^\s+>/.test(line));
    if (quoted) {
      if (!block) {
        block = [];
        const t = line.trim();
        const wrapped = WRAPPED_TAIL.test(t) ? takeAttribution(own, t) : null;
        if (wrapped) {
          // The "> wrote:" line is the attribution's end, not the quote: the quote is the run that follows.
          pending = { author: attributionName(wrapped), at: i };
          block = null;
          continue;
        }
        const a = takeAttribution(own);
        if (a) author = attributionName(a);
        else if (pending && i - pending.at <= 2) author = pending.author;
        pending = null;
      }
      block.push(c === 0x3e ? line.slice(codeAt(line, 1) === 0x20 ? 2 : 1) : line.replace(/^\s*> ?/, ''));
    } else {
      pushQuote(quotes, block, author);
      block = null;
      author = null;
      own.push(line);
    }
  }
  pushQuote(quotes, block, author);
  // An attribution left at the end, its quote cut away by the archive or the writer.
  while (own.length && !own[own.length - 1]!.trim()) own.pop();
  while (own.length && CUT_LINE.test(own[own.length - 1]!)) own.pop();
  takeAttribution(own);
  return own;
}

/**
 * The body with Unix line ends, without Mailman's scrubbed-attachment blocks (their names and addresses
 * pushed to files) and without the list's footer. (Each step of splitMailBody a function of its own: one
 * huge function was compiled again whole each time V8 threw its optimised code away.)
 */
function withoutFooters(raw: string, files: FileRef[]): string {
  let body = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  // SCRUBBED's mark has dashes on both sides: a search starting at "-", rarer than a space.
  if (body.includes('- next part -')) {
    body = body.replace(SCRUBBED, (block) => {
      const url = /^URL: ?<?([^>\s]+)>?/im.exec(block)?.[1] ?? null;
      const name = /^Name: ?(.+)$/im.exec(block)?.[1]?.trim() ?? (url ? url.split('/').pop()! : 'attachment');
      files.push({ name, url });
      return '';
    });
  }
  let lastHint = '';
  let lastAt = -1;
  for (const [hint, re, rule] of FOOTERS) {
    if (rule && !body.includes(rule)) continue;
    // The footer's words are found first; its pattern (which wants a line end before the footer) is then
    // tried only from a little before them, with a line end put before the text where that is its start.
    // Two patterns share their words: the text, unless cut by the first, is searched once.
    const at = hint === lastHint ? lastAt : body.indexOf(hint);
    lastHint = hint;
    lastAt = at;
    if (at < 0) continue;
    const from = Math.max(0, at + 1 - 400);
    const m = re.exec(from === 0 ? '\n' + body : body.slice(from - 1));
    if (m) {
      body = body.slice(0, Math.max(0, from + m.index - 1));
      lastHint = '';
    }
  }
  return body;
}

/**
 * A mail's plain-text body split into the writer's own words and the rest: what they quote (">" lines
 * with the attribution before them, an answered or forwarded message below an Outlook-style header
 * block), the signature after "-- ", the list's footer, the marks left where quotes were cut, and
 * scrubbed attachments.
 */
export function splitMailBody(raw: string, opts: MailBodyOptions = {}): MailBody {
  // Quotes' texts are strings of their own (see pushQuote); the text and signature may be pieces of `raw`.
  const files: FileRef[] = [];
  let body = withoutFooters(raw, files);
  const quotes: QuoteInput[] = [];
  const answered: QuoteInput[] = [];
  const starts = lineStarts(body);
  // The lines of body; the writer's own are its first `count` (own, when quotes were taken out of them).
  let total = starts.length;
  const ans = answeredStart(body, starts);
  if (ans) {
    // The tail from where the answered message starts is cut from body, and the lines before it stay.
    const text = body.slice(ans.at).trim();
    if (text) answered.push({ postId: null, author: blockAuthor(linesFrom(body, ans.at, 8)), text: detached(text) });
    total = ans.lines;
    body = body.slice(0, ans.split ? ans.at : Math.max(0, ans.at - 1));
  }
  let count = total;
  // ">" lines, each run one quote, and the attribution (one to three lines, possibly wrapped) before it.
  const anyQuoted = hasQuotedLine(body);
  let own: string[] | null = null;
  if (anyQuoted) own = quotedPass(body, starts, total, quotes);
  else {
    // Without quoted lines, every line is the writer's own: the same steps on the lines of body, as offsets.
    while (count && !lineAt(body, starts, total, count - 1).trim()) count--;
    while (count && CUT_LINE.test(lineAt(body, starts, total, count - 1))) count--;
    // An attribution is at most the last three lines (after one blank).
    const tail = linesOf(body, starts, total, Math.max(0, count - 4), count);
    const before = tail.length;
    takeAttribution(tail);
    count -= before - tail.length;
  }
  // kept: the writer's lines as strings, or null for the first `count` lines of body.
  let kept: string[] | null = own;
  if ((body.includes('[') && (body.includes('...') || body.includes('…') || /snip/i.test(body))) || angleSnip(body)) {
    // A push loop, not filter and map: their arrays have another shape than the pushed ones once the calls are inlined.
    const from = own ?? linesOf(body, starts, total, 0, count);
    kept = [];
    for (let i = 0; i < from.length; i++) {
      const l = from[i]!;
      if (!CUT_LINE.test(l)) kept.push(l.replace(CUT_INLINE, ''));
    }
  }
  let signature: string | null = null;
  // The last "-- " line (RFC 3676) is the signature's start; a bare "--" only near the end, where it is one too.
  if (kept) {
    for (let i = kept.length - 1; i > 0; i--) {
      const l = kept[i]!;
      if (l === '-- ' || (l === '--' && i >= kept.length - 15)) {
        signature = kept.slice(i + 1).join('\n').trim() || null;
        kept = kept.slice(0, i);
        break;
      }
    }
  } else {
    for (let i = count - 1; i > 0; i--) {
      const at = starts[i]!;
      const len = lineEnd(body, starts, total, i) - at;
      if (len < 2 || len > 3 || body.charCodeAt(at) !== 0x2d || body.charCodeAt(at + 1) !== 0x2d) continue;
      if ((len === 3 && body.charCodeAt(at + 2) === 0x20) || (len === 2 && i >= count - 15)) {
        // Lines i + 1 to the last, with their line breaks: a piece of body.
        signature = (i + 1 < count ? body.slice(starts[i + 1], lineEnd(body, starts, total, count - 1)) : '').trim() || null;
        count = i;
        break;
      }
    }
  }
  let text = kept ? ownText(kept) : ownLines(body, starts, total, count);
  if (opts.obfuscatedAddresses && text.includes(' at ')) text = text.replace(OBFUSCATED_ADDRESS, '<EMAIL>');
  if (signature && opts.obfuscatedAddresses) signature = signature.replace(OBFUSCATED_ADDRESS, '<EMAIL>');
  for (let i = 0; i < answered.length; i++) quotes.push(answered[i]!);
  return { text, quotes, signature, files };
}
