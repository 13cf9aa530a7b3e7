import type { Thread } from '../model/thread.ts';
import { chatPost, chatThread, DEFAULT_GAP_MS, type ChatPost } from './conversations.ts';
import { baseName, importContext, type ImportContext } from './context.ts';
import { ImportError } from './errors.ts';
import { eachLine, GapConversations, LineDecoder, lineError, logTitle, pieces, SkippedLines } from './lines.ts';
import { logEndsMidLine } from './log-cut.ts';
import { textHtml, withFiles, type FileRef } from './message-text.ts';

/*
 * WhatsApp's "Export chat" text, as the phones write it in any language:
 *   Android: "12/9/20, 23:55 - Name: text", "13.01.22 14.14 - Name: text" (no comma, dot in the time),
 *            "1/13/22, 9:05 PM - Name: text", "2020. 1. 13. 오후 9:05 - Name: text"
 *   iOS:     "[07.06.23, 20:28:13] Name: text", "[1/13/22, 9:05:01 PM] Name: text"
 * The date's order is the phone's locale (d/m/y, m/d/y or y-m-d), years have two or four digits, times
 * use ":" or ".", 12-hour clocks write AM/PM in the export's language before or after the time, and
 * narrow no-break spaces and direction marks sit around the parts. A message's further lines follow
 * without a date. Lines WhatsApp writes itself (joins, number changes, encryption notices, deleted
 * messages) are events, not posts: on iOS they carry a left-to-right mark (U+200E) before the text,
 * which is how they are told apart in any language; on Android they have no "Name:" or use a
 * known wording. The Android shapes are built from the real Android sample in the corpus and the
 * locales' standard (CLDR) short date and time patterns, which the phones use; English and German
 * wordings are checked against the real exports, the other languages' are WhatsApp's usual ones, not
 * checked against a sample (an unknown wording leaves a notice a post, or a placeholder a message).
 */

const MARKS = '\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff';
const SP = '[\\s\\u202f\\u00a0]';
/** An AM/PM word: letters and dots ("PM", "p. m.", "nachm.", "午後"), never digits or the separators. */
const AMPM = `[^\\d\\s\\]\\-–:,${MARKS}][^\\d\\]\\-–:,${MARKS}]{0,9}?`;
const HEADER = new RegExp(
  `^[${MARKS}]*\\[?[${MARKS}]*(\\d{1,4})([./-]) ?(\\d{1,2})\\2 ?(\\d{1,4})\\.?,?${SP}+` +
    `(?:(${AMPM})${SP}?)?(\\d{1,2})[:.](\\d{2})(?:[:.](\\d{2}))?(?:${SP}?(${AMPM}))?` +
    `[${MARKS}]*(?:\\]${SP}?|${SP}+[-–]${SP}+)(.*)$`,
  's',
);

/** A line that opens a WhatsApp message, for the format sniffer. */
export const WHATSAPP_LINE = HEADER;

const STRIP_MARKS = new RegExp(`[${MARKS}]`, 'g');
const stripMarks = (s: string) => (/[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/.test(s) ? s.replace(STRIP_MARKS, '') : s);
/**
 * A direction mark, or what textHtml escapes or breaks at or links (NOT_PLAIN): a message with none of
 * them (most) needs neither the marks taken out nor its HTML built by textHtml, and one scan tells.
 */
const MARK_OR_NOT_PLAIN = new RegExp(`[${MARKS}&<>"\\n]|http`);
const normWord = (w: string) => w.toLowerCase().replace(/[\s.\u202f\u00a0]/g, '');

// AM and PM as exports write them (normalised: lower case, no dots or spaces). Unknown words are told
// apart by the order they come in within a day.
// (English, German, Japanese, Korean, Chinese, Arabic, Greek, Vietnamese, Hungarian, Swedish, Finnish, Czech, Turkish.)
const AM_WORDS = new Set(['am', 'vorm', '午前', '오전', '上午', 'ص', 'πμ', 'sa', 'de', 'fm', 'ap', 'dop', 'öö']);
const PM_WORDS = new Set(['pm', 'nachm', '午後', '오후', '下午', 'م', 'μμ', 'ch', 'du', 'em', 'ip', 'odp', 'ös']);

/** Media left out of the export, in the common languages ("<Media omitted>", "image omitted", "Bild weggelassen"). */
const OMITTED =
  /^(?:<(?:Media omitted|[^<>:]{1,20} omitted|Medien ausgeschlossen|Multimedia omitido|Archivo omitido|Médias omis|Fichier omis|Media weggelaten|Mídia oculta|Arquivo de mídia oculto|Media omessi|Medya dahil edilmedi|Pominięto multimedia|Медиафайл отсутствует|Без медиафайлов)>|(?:image|video|audio|sticker|GIF|document|Contact card|vCard|bild|dokument|kontaktkarte|imagen|documento|vídeo|autocollant|immagine|afbeelding|imagem|áudio|figurinha)\s+(?:omitted|weggelassen|omitid[oa]|absente?|omess[oa]|weggelaten|ocultad?[oa]))$/i;
/** A file named in the export: iOS "<attached: 0001-PHOTO.jpg>", Android "IMG-2020.jpg (file attached)". */
const ATTACHED = /(?:^|\s)<[^<>:]{1,20}: ?([^<>]+)>$|^(.+?\.\w{2,5}) \((?:file attached|archivo adjunto|Datei angehängt|fichier joint|bestand bijgevoegd|arquivo anexado|file allegato)\)$/i;
/** Deleted or not yet received messages on Android, where no mark tells them apart. */
const GONE =
  /^(?:This message was deleted|You deleted this message|Waiting for this message\b.*|Diese Nachricht wurde gelöscht|Du hast diese Nachricht gelöscht|Warte auf diese Nachricht\b.*|Se eliminó este mensaje|Eliminaste este mensaje|Este mensaje fue eliminado|Ce message a été supprimé|Vous avez supprimé ce message|Questo messaggio è stato eliminato|Hai eliminato questo messaggio|Dit bericht is verwijderd|Je hebt dit bericht verwijderd|Essa mensagem foi apagada|Você apagou esta mensagem|Mensagem apagada|null)\.?$/i;
/**
 * Either of the two above, in one pattern: most short messages are neither, and one failed match costs
 * half of two (the call, not the matching, is what a message of a few words pays for).
 */
const NOTE = new RegExp(`${OMITTED.source}|${GONE.source}`, 'i');
/** Android's note after an edited message. */
const EDITED = /\s*<(?:This message was edited|Diese Nachricht wurde bearbeitet|Se editó este mensaje\.?|Ce message a été modifié|Questo messaggio è stato modificato|Dit bericht is bewerkt|Mensagem editada)>$/;
/** A poll: WhatsApp marks its lines too, but the question and options are the sender's words. */
const POLL = /^\p{Lu}{3,}:\n/u;

export interface Head {
  a: number;
  b: number;
  c: number;
  /** Whether the first field has four digits (year first). */
  yFirst: boolean;
  ampm: string | null;
  h: number;
  mi: number;
  s: number;
  /** The line, and where what follows the header (the sender and text, or WhatsApp's notice) starts in it. */
  line: string;
  at: number;
}

/** A Head to fill (readers keep two and swap them, so no object is made per message). */
export const emptyHead = (): Head => ({ a: 0, b: 0, c: 0, yFirst: false, ampm: null, h: 0, mi: 0, s: 0, line: '', at: 0 });

/** The run of ASCII digits at i: its value in `run.n`, its length returned. */
const run = { n: 0 };
function digits(s: string, i: number): number {
  let n = 0;
  let k = i;
  for (let c = s.charCodeAt(k) - 0x30; c >= 0 && c <= 9; c = s.charCodeAt(++k) - 0x30) n = n * 10 + c;
  run.n = n;
  return k - i;
}

/**
 * HEADER's match for the 24-hour shapes most exports have ("12/9/20, 23:55 - ", "[07.06.23, 20:28:13] "),
 * read without the regex; undefined (leaving the line to the regex) at anything else: marks, AM/PM
 * words, other blanks, a field longer than the regex takes. Where it answers, it has taken at each step
 * the choice the regex tries first, so the regex's match is the same.
 */
function headFast(line: string, o: Head): boolean | undefined {
  let i = line.charCodeAt(0) === 0x5b ? 1 : 0;
  let len = digits(line, i);
  if (len < 1 || len > 4) return undefined;
  const a = run.n;
  const yFirst = len === 4;
  i += len;
  const sep = line.charCodeAt(i);
  if (sep !== 0x2e && sep !== 0x2f && sep !== 0x2d) return undefined;
  if (line.charCodeAt(++i) === 0x20) i++;
  len = digits(line, i);
  if (len < 1 || len > 2) return undefined;
  const b = run.n;
  i += len;
  if (line.charCodeAt(i) !== sep) return undefined;
  if (line.charCodeAt(++i) === 0x20) i++;
  len = digits(line, i);
  if (len < 1 || len > 4) return undefined;
  const c = run.n;
  i += len;
  if (line.charCodeAt(i) === 0x2e) i++;
  if (line.charCodeAt(i) === 0x2c) i++;
  if (line.charCodeAt(i) !== 0x20) return undefined;
  while (line.charCodeAt(i) === 0x20) i++;
  len = digits(line, i);
  if (len < 1 || len > 2) return undefined;
  const h = run.n;
  i += len;
  let t = line.charCodeAt(i);
  if (t !== 0x3a && t !== 0x2e) return undefined;
  if (digits(line, ++i) !== 2) return undefined;
  const mi = run.n;
  i += 2;
  let sec = 0;
  t = line.charCodeAt(i);
  if (t === 0x3a || t === 0x2e) {
    if (digits(line, ++i) !== 2) return undefined;
    sec = run.n;
    i += 2;
    t = line.charCodeAt(i);
  }
  if (t === 0x5d /* ] */) {
    t = line.charCodeAt(++i);
    if (t === 0x20) i++;
    else if (t < 0x21 || t >= 0x7f) return undefined; // another blank the regex would take
  } else if (t === 0x20) {
    t = line.charCodeAt(++i);
    if (t !== 0x2d && t !== 0x2013) return undefined;
    if (line.charCodeAt(++i) !== 0x20) return undefined;
    while (line.charCodeAt(i) === 0x20) i++;
    t = line.charCodeAt(i);
    if (t < 0x21 || (t >= 0x7f && t <= 0xa0) || t === 0x202f || (t >= 0x2000 && t <= 0x200a) || t === 0x1680 || t === 0x2028 || t === 0x2029 || t === 0x205f || t === 0x3000 || t === 0xfeff) return undefined;
  } else return undefined;
  o.a = a;
  o.b = b;
  o.c = c;
  o.yFirst = yFirst;
  o.ampm = null;
  o.h = h;
  o.mi = mi;
  o.s = sec;
  o.line = line;
  o.at = i;
  return true;
}

/** Reads a message's first line into `o`; false when the line is no header. */
function readHead(line: string, o: Head, fast = true): boolean {
  const c0 = line.charCodeAt(0);
  // Every header starts with a digit, "[" or a mark: most continuation lines are rejected without the regex.
  if (!(c0 >= 0x30 && c0 <= 0x39) && c0 !== 0x5b && c0 !== 0x200e && c0 !== 0x200f && c0 !== 0xfeff && !(c0 >= 0x202a && c0 <= 0x202e) && !(c0 >= 0x2066 && c0 <= 0x2069)) return false;
  if (fast) {
    const quick = headFast(line, o);
    if (quick !== undefined) return quick;
  }
  const m = HEADER.exec(line);
  if (!m) return false;
  const word = m[5] ?? m[9];
  o.a = +m[1]!;
  o.b = +m[3]!;
  o.c = +m[4]!;
  o.yFirst = m[1]!.length === 4;
  o.ampm = word ? normWord(word) : null;
  o.h = +m[6]!;
  o.mi = +m[7]!;
  o.s = +(m[8] ?? 0);
  o.line = line;
  // The last group runs to the end of the line.
  o.at = line.length - m[10]!.length;
  return true;
}

/** A message's first line read, and what follows its header (exported for the test that holds the quick path to the regex). */
export function head(line: string, fast = true): (Omit<Head, 'line' | 'at'> & { rest: string }) | null {
  const o = emptyHead();
  if (!readHead(line, o, fast)) return null;
  const { line: l, at, ...fields } = o;
  return { ...fields, rest: l.slice(at) };
}

/** What the first pass learns from every header line of the file. */
class Survey {
  headers = 0;
  yFirst = 0;
  aOver12 = 0;
  bOver12 = 0;
  /** Steps backwards in date under each reading: a chat runs forwards, so the right order has fewer. */
  backDM = 0;
  backMD = 0;
  /** The previous header's fields (heads are reused, so they are copied). */
  private prev = false;
  private pa = 0;
  private pb = 0;
  private pc = 0;
  private pAmpm: string | null = null;
  /** For each AM/PM word, how often it came before another one the same day. */
  readonly firstOfDay = new Map<string, number>();
  readonly words = new Set<string>();

  add(h: Head): void {
    this.headers++;
    if (h.yFirst) this.yFirst++;
    if (h.a > 12) this.aOver12++;
    if (h.b > 12) this.bOver12++;
    if (h.ampm) this.words.add(h.ampm);
    if (this.prev) {
      const { pa, pb, pc, pAmpm } = this;
      if (h.c * 10000 + h.b * 100 + h.a < pc * 10000 + pb * 100 + pa) this.backDM++;
      if (h.c * 10000 + h.a * 100 + h.b < pc * 10000 + pa * 100 + pb) this.backMD++;
      if (pAmpm && h.ampm && pAmpm !== h.ampm && pa === h.a && pb === h.b && pc === h.c) this.firstOfDay.set(pAmpm, (this.firstOfDay.get(pAmpm) ?? 0) + 1);
    }
    this.prev = true;
    this.pa = h.a;
    this.pb = h.b;
    this.pc = h.c;
    this.pAmpm = h.ampm;
  }

  /**
   * Whether the rest of the file can no longer change the outcome: the date order is certain (a year
   * first, or a day over 12 in one field), and the clock is 24-hour or both its words are known ones.
   * Until then the whole file is surveyed.
   */
  settled(): boolean {
    if (this.headers < 50) return false;
    const yearFirst = this.yFirst === this.headers;
    if (!yearFirst && (this.yFirst > 0 || (this.aOver12 > 0) === (this.bOver12 > 0))) return false;
    if (!this.words.size) return this.headers >= 1000;
    const w = [...this.words];
    return w.length === 2 && w.some((x) => AM_WORDS.has(x)) && w.some((x) => PM_WORDS.has(x));
  }

  order(ctx: ImportContext): 'ymd' | 'dmy' | 'mdy' {
    if (this.yFirst * 2 > this.headers) return 'ymd';
    if (this.aOver12 && !this.bOver12) return 'dmy';
    if (this.bOver12 && !this.aOver12) return 'mdy';
    if (this.backMD < this.backDM) return 'mdy';
    if (this.backDM < this.backMD) return 'dmy';
    ctx.warn('the dates could be day/month or month/day; read as day/month.');
    return 'dmy';
  }

  /** Which AM/PM words mean afternoon. */
  pmWords(): Set<string> {
    const pm = new Set<string>();
    const unknown: string[] = [];
    for (const w of this.words) {
      if (PM_WORDS.has(w)) pm.add(w);
      else if (!AM_WORDS.has(w)) unknown.push(w);
    }
    if (!unknown.length) return pm;
    const hasAm = [...this.words].some((w) => AM_WORDS.has(w));
    if (hasAm && !pm.size) unknown.forEach((w) => pm.add(w));
    else if (!hasAm && !pm.size) {
      // Neither word is known: the one that more often comes first within a day is the morning's.
      const opener = [...unknown].sort((x, y) => (this.firstOfDay.get(y) ?? 0) - (this.firstOfDay.get(x) ?? 0))[0];
      unknown.forEach((w) => w !== opener && pm.add(w));
    }
    return pm;
  }
}

export interface WhatsAppStats {
  posts: number;
  /** Joins, leaves, number changes, encryption notices, deleted messages and other lines WhatsApp writes. */
  events: number;
  /** Messages that are only media left out of the export (kept as attachment notes). */
  media: number;
  skipped: number;
  order: 'ymd' | 'dmy' | 'mdy';
  /** Whether the export ends inside its last message (see endsCut); that conversation is marked truncated. */
  cut: boolean;
}

/**
 * Whether a WhatsApp export was cut short (a copy or download interrupted), from its last bytes:
 * - it ends inside a character: WhatsApp writes UTF-8, so a multi-byte sequence left unfinished at the
 *   very end (or, in a file re-saved as UTF-16, an odd byte or a lone leading surrogate) is a cut, on
 *   any phone;
 * - an iOS export ("[date, time] Name: text") ends without a line break: iOS writes one after every
 *   message, the last included (both iOS exports in the corpus end with one; its messages end with CR LF).
 * An Android export ("date, time - Name: text") that stops between whole characters cannot be told from
 * a complete one: Android writes no line break after the last message (as the corpus's Android export
 * shows), so a file cut mid-word there ends as the app's own files do, and is not judged.
 * `tail` is the file's last bytes (up to four), `size` its length in bytes.
 */
export function endsCut(tail: Uint8Array, size: number, utf16: 'utf-16le' | 'utf-16be' | 'legacy' | null, ios: boolean): boolean {
  const n = tail.length;
  if (!n) return false;
  if (utf16 === 'legacy') {
    // A file re-saved in an 8-bit charset (more than its last line not UTF-8): any byte may end it.
  } else if (utf16) {
    if (size % 2) return true;
    const hi = utf16 === 'utf-16le' ? tail[n - 1]! : tail[n - 2]!;
    if (hi >= 0xd8 && hi <= 0xdb) return true;
  } else {
    // The last lead byte among the final three, and whether its sequence has all its bytes.
    for (let k = n - 1; k >= Math.max(0, n - 3); k--) {
      const c = tail[k]!;
      if (c < 0x80) break;
      if (c >= 0xc0) {
        const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (n - k < need) return true;
        break;
      }
    }
  }
  return ios && logEndsMidLine(tail);
}

/** "00" to "99": two-digit fields without a string built per message. */
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const pad = (n: number) => TWO[n] ?? String(n).padStart(2, '0');

/** The second pass: every message read with the date order and clock words the first pass settled. */
class WhatsAppReader {
  readonly stats: WhatsAppStats;
  private readonly convs: GapConversations<ChatPost>;
  private readonly ready: ChatPost[][] = [];
  private readonly skipped = new SkippedLines();
  private readonly pm: Set<string>;
  private readonly file: string;
  private readonly label: string;
  /** The message being read (its header), and the next line's header being tried: swapped, never made anew. */
  private cur: Head = emptyHead();
  private hasCur = false;
  private next: Head = emptyHead();
  private readonly curLines: string[] = [];
  private dayKey = -1;
  private dayText = '';
  private dayMs = 0;
  private minuteKey = -1;
  private minuteText = '';
  private n = 0;
  /** Headers in iOS's layout. */
  private bracketed = 0;

  constructor(
    survey: Survey,
    private readonly ctx: ImportContext,
  ) {
    this.stats = { posts: 0, events: 0, media: 0, skipped: 0, order: survey.order(ctx), cut: false };
    this.pm = survey.pmWords();
    this.convs = new GapConversations(ctx.gapMs ?? DEFAULT_GAP_MS);
    this.file = baseName(ctx.file);
    this.label = this.file.replace(/^(?:WhatsApp Chat (?:with|mit) |Chat de WhatsApp con |Discussion WhatsApp avec |Chat WhatsApp con )/i, '').replace(/\.txt$/i, '');
  }

  line(text: string, lineNo: number): void {
    const h = this.next;
    if (readHead(text, h) && this.valid(h)) {
      // iOS closes the date and time with "]" (Android with " - ").
      if (h.line.charCodeAt(h.at - 1) === 0x5d || h.line.charCodeAt(h.at - 2) === 0x5d) this.bracketed++;
      this.flush();
      this.next = this.cur;
      this.cur = h;
      this.hasCur = true;
      this.n++;
      return;
    }
    if (this.hasCur) this.curLines.push(text);
    else if (text.trim()) {
      this.stats.skipped++;
      this.skipped.add(lineNo, text);
    }
  }

  /** The header's year, month and day in the file's order, left in y, mo and d (no array per message). */
  private y = 0;
  private mo = 0;
  private d = 0;
  private date(h: Head): void {
    const o = this.stats.order;
    const y = o === 'ymd' ? h.a : h.c;
    this.y = y < 100 ? 2000 + y : y;
    this.mo = o === 'mdy' ? h.a : h.b;
    this.d = o === 'ymd' ? h.c : o === 'dmy' ? h.a : h.b;
  }

  private hour(h: Head): number {
    return h.ampm ? (h.h % 12) + (this.pm.has(h.ampm) ? 12 : 0) : h.h;
  }

  private valid(h: Head): boolean {
    this.date(h);
    const { mo, d } = this;
    return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && this.hour(h) < 24 && h.mi < 60 && h.s < 60;
  }

  /** The message being read is complete. */
  private flush(): void {
    if (!this.hasCur) return;
    const h = this.cur;
    this.hasCur = false;
    const more = this.curLines;
    // The further lines are joined now, so one array serves every message.
    let moreText: string | null = null;
    if (more.length) {
      moreText = more.join('\n');
      // Setting an array's length is a call into the runtime: only done when there is something to drop.
      more.length = 0;
    }
    const { line, at } = h;
    // iOS: a mark right after the time is a line WhatsApp wrote about the group ("‎Ann added Bob").
    const sep = line.charCodeAt(at) === 0x200e ? -1 : line.indexOf(': ', at);
    let name = sep > at ? line.slice(at, sep) : '';
    // Two regexes per message cost more than one look at the name's characters: they run only on
    // names holding a quotation mark or a character from U+200E on (marks among them).
    let odd = false;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c === 0x22 || c === 0xab || c === 0xbb || c >= 0x200e) {
        odd = true;
        break;
      }
    }
    if (odd) name = stripMarks(name);
    // "~ Name": a sender not in the phone's contacts.
    if (name.charCodeAt(0) === 0x7e) name = name.replace(/^~[\s\u202f\u00a0]*/, '');
    name = name.trim();
    // Android's notices have no "Name:"; one that quotes a subject or description with a colon in it
    // shows quotation marks before the colon, which names never do here.
    if (!name || name.length > 80 || (odd && /["“”„«»]/.test(name))) {
      this.stats.events++;
      return;
    }
    let body = line.slice(sep + 2);
    if (moreText !== null) body = `${body}\n${moreText}`;
    const generated = body.charCodeAt(0) === 0x200e;
    const plain = !MARK_OR_NOT_PLAIN.test(body);
    if (!plain) body = stripMarks(body);
    // Most messages are plain words: the media and notice patterns are tried only where they could end.
    const last = body.charCodeAt(body.length - 1);
    if (last === 0x3e /* > */) body = body.replace(EDITED, '');
    body = body.trim();
    const tail = body.charCodeAt(body.length - 1);
    let files: FileRef[] | null = null;
    // A document's title may stand before its file ("PLUSWORD.xlsx <attached: 0001-PLUSWORD.xlsx>").
    let own = body;
    let note = false;
    const attached = tail === 0x3e || tail === 0x29 /* ) */ ? ATTACHED.exec(body) : null;
    if (attached) {
      files = [{ name: (attached[1] ?? attached[2])!.trim(), url: null }];
      own = attached[1] !== undefined ? body.slice(0, attached.index).trim() : '';
    } else if ((note = body.length < 80 && NOTE.test(body)) && body.length < 60 && OMITTED.test(body)) {
      files = [{ name: 'media (not exported)', url: null }];
      own = '';
    } else if ((generated && !POLL.test(body)) || (note && GONE.test(body))) {
      this.stats.events++;
      return;
    }
    let text = own;
    let html: string;
    if (files) ({ text, html } = withFiles(own, textHtml(own), files));
    // Trimmed, a plain body stays plain.
    else html = plain ? (own ? `<p>${own}</p>` : '') : textHtml(own);
    if (!text) return;
    if (files) this.stats.media++;
    this.stats.posts++;
    this.date(h);
    const { y, mo, d } = this;
    const hh = this.hour(h);
    const key = (y * 100 + mo) * 100 + d;
    if (key !== this.dayKey) {
      // Messages come day by day: the date part and midnight are worked out once per day.
      this.dayKey = key;
      this.dayMs = Date.UTC(y, mo - 1, d);
      this.dayText = `${y}-${pad(mo)}-${pad(d)}T`;
    }
    const minute = key * 1440 + hh * 60 + h.mi;
    if (minute !== this.minuteKey) {
      this.minuteKey = minute;
      this.minuteText = `${this.dayText}${pad(hh)}:${pad(h.mi)}:`;
    }
    const publishedAt = this.minuteText + pad(h.s);
    const post = chatPost(String(this.n), name, publishedAt, text, html);
    const closed = this.convs.add(post, this.dayMs + ((hh * 60 + h.mi) * 60 + h.s) * 1000);
    if (closed) this.ready.push(closed);
  }

  take(): Thread[] {
    const out = this.ready.map((c) => chatThread('whatsapp', `whatsapp://${encodeURIComponent(this.file)}/${c[0]!.id}`, logTitle(this.label, c), c));
    this.ready.length = 0;
    return out;
  }

  /** `tail`: the file's last bytes, `size` its length, `utf16` its encoding when it is UTF-16. */
  finish(fallbackLines: number, tail: Uint8Array, size: number, utf16: 'utf-16le' | 'utf-16be' | null): Thread[] {
    this.flush();
    const last = this.convs.flush();
    if (last) this.ready.push(last);
    this.stats.cut = this.n > 0 && endsCut(tail, size, utf16 ?? (fallbackLines > 1 ? 'legacy' : null), this.bracketed * 2 > this.n);
    if (fallbackLines) this.ctx.warn(`${fallbackLines} line(s) were not UTF-8 and were read as Windows-1252/Latin-1.`);
    if (this.skipped.count) this.ctx.warn(`before the first message: ${this.skipped.describe()}`);
    if (!this.stats.posts) this.ctx.warn(`no messages found: ${this.stats.events} line(s) written by WhatsApp itself only.`);
    const out = this.take();
    if (this.stats.cut && out.length) out[out.length - 1] = { ...out[out.length - 1]!, truncated: true };
    return out;
  }
}

function notWhatsApp(ctx: ImportContext): ImportError {
  return new ImportError('not a WhatsApp chat export: no line starts with a date and time followed by "] " or " - ".', ctx.file, { offset: 0, line: 1, column: 1 });
}

/**
 * A WhatsApp "Export chat" text file (without media), from Android or iOS in any locale. Read twice:
 * the first pass settles the date order and the AM/PM words from every message of the file; the
 * second reads the messages. Lines that do not start with a date continue the previous message.
 */
export function importWhatsApp(bytes: Uint8Array, ctx: ImportContext = importContext('chat.txt')): Thread[] {
  return readWhatsApp(bytes, ctx).threads;
}

/** importWhatsApp, with what the lines turned out to be. */
export function readWhatsApp(bytes: Uint8Array, ctx: ImportContext = importContext('chat.txt')): { threads: Thread[]; stats: WhatsAppStats } {
  try {
    const survey = new Survey();
    const first = new LineDecoder();
    eachLine(bytes, surveyLine(survey, first), undefined, first);
    if (!survey.headers) throw notWhatsApp(ctx);
    const reader = new WhatsAppReader(survey, ctx);
    const dec = eachLine(bytes, (text, n) => reader.line(text, n));
    return { threads: [...reader.take(), ...reader.finish(dec.fallbackLines, bytes.subarray(-4), bytes.length, dec.utf16Encoding)], stats: reader.stats };
  } catch (e) {
    throw lineError(e, ctx.file);
  }
}

/** The first pass's handling of a line: headers surveyed, the pass stopped once nothing more can be learned. */
function surveyLine(survey: Survey, dec: LineDecoder): (text: string) => void {
  const h = emptyHead();
  return (text) => {
    if (!readHead(text, h)) return;
    survey.add(h);
    if (survey.headers % 1000 === 0 && survey.settled()) dec.stop();
  };
}

/**
 * The same over a file read twice as a stream of chunks (`open` gives a fresh stream each time):
 * memory stays bounded by the longest message and the open conversation.
 */
export async function* importWhatsAppStream(open: () => AsyncIterable<Uint8Array>, ctx: ImportContext = importContext('chat.txt'), onBytes?: (n: number, pass: 1 | 2) => void): AsyncGenerator<Thread> {
  const survey = new Survey();
  const first = new LineDecoder();
  const scan = surveyLine(survey, first);
  let reader: WhatsAppReader;
  const dec = new LineDecoder();
  // The file's last bytes, for telling whether it was cut (endsCut).
  const tail = new Uint8Array(4);
  let tailLength = 0;
  try {
    for await (const chunk of open()) {
      first.push(chunk, scan);
      onBytes?.(first.position, 1);
      if (first.done) break;
    }
    first.end(scan);
    if (!survey.headers) throw notWhatsApp(ctx);
    reader = new WhatsAppReader(survey, ctx);
    const sink = (text: string, n: number) => reader.line(text, n);
    for await (const chunk of open()) {
      if (chunk.length >= 4) {
        tail.set(chunk.subarray(chunk.length - 4));
        tailLength = 4;
      } else if (chunk.length) {
        const keep = Math.min(tailLength, 4 - chunk.length);
        tail.copyWithin(0, tailLength - keep, tailLength);
        tail.set(chunk, keep);
        tailLength = keep + chunk.length;
      }
      for (const piece of pieces(chunk)) {
        dec.push(piece, sink);
        yield* reader.take();
      }
      onBytes?.(dec.position, 2);
    }
    dec.end(sink);
  } catch (e) {
    throw lineError(e, ctx.file);
  }
  yield* reader.finish(dec.fallbackLines, tail.subarray(0, tailLength), dec.position, dec.utf16Encoding);
}
