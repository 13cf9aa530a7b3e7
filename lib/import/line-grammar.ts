/**
 * The line grammar of a chat log (IRC and other line-per-message logs): which timestamp opens a line,
 * how the speaker is written, and which lines are the client's own events (joins, parts, quits, nick,
 * mode and topic changes). Rather than a list of known clients, a log's grammar is learned from its
 * first lines: every timestamp style is tried with every speaker style, and the pair that reads the
 * most lines wins.
 *
 * The styles cover what these clients write (from their documentation and source, and real logs where
 * the corpus has one): irssi (`12:34 <@nick>`, `--- Day changed`), WeeChat (`2021-03-01 10:00:05\tnick\t`),
 * ZNC and energymech (`[12:34:56] <nick>`, `*** Joins:`), HexChat/XChat (`Dec 31 21:11:58 <nick>\t`,
 * `**** BEGIN LOGGING AT`), Pidgin text logs (`(12:34:56 PM) nick: `), Textual (`[2018-01-02T12:34:56-0500] <nick>`),
 * mIRC (`[12:34] <nick>`, `Session Start:`), Quassel exports (`[2018-01-02 12:34:56] <nick>`), Konversation
 * (`[Tue Jan 2 2018] [12:34:56] <nick>\t`), eggdrop (`[12:34] nick (~u@h) joined #c.`), Limnoria/Supybot
 * (`2019-10-17T05:19:01+0000  <nick>`), dircproxy (`[14 Jan 12:37] <nick!user@host>`) and logs fed to irclog2html.
 */

const MONTH_NAMES: Record<string, number> = {};
// English first; then the abbreviations HexChat and others write under common locales (strftime %b).
[
  'jan feb mar apr may jun jul aug sep oct nov dec',
  'jan feb mär apr mai jun jul aug sep okt nov dez',
  'janv févr mars avr mai juin juil août sept oct nov déc',
  'ene feb mar abr may jun jul ago sep oct nov dic',
  'gen feb mar apr mag giu lug ago set ott nov dic',
  'jan fev mar abr mai jun jul ago set out nov dez',
  'jan feb mrt apr mei jun jul aug sep okt nov dec',
].forEach((row) => row.split(' ').forEach((m, i) => (MONTH_NAMES[m] ??= i + 1)));

/** 1–12 for a month name or abbreviation ("Jan", "January", "déc."), else 0. */
export function monthNumber(name: string): number {
  // Every line of a dircproxy or HexChat log names its month: the answer is kept per spelling.
  let n = monthCache.get(name);
  if (n === undefined) {
    const s = name.toLowerCase().replace(/\.$/, '');
    n = MONTH_NAMES[s] ?? MONTH_NAMES[s.slice(0, 3)] ?? MONTH_NAMES[s.slice(0, 4)] ?? 0;
    if (monthCache.size < 1000) monthCache.set(name, n);
  }
  return n;
}
const monthCache = new Map<string, number>();

/** What a line's timestamp says. Missing parts are null (a clock-only stamp has no date). */
export interface Stamp {
  y: number | null;
  mo: number | null;
  d: number | null;
  h: number;
  mi: number;
  s: number;
  /** Minutes east of UTC when the stamp states an offset. */
  off: number | null;
}

export interface TimeStyle {
  id: string;
  /** How the style looks, for messages. */
  shape: string;
  /** The stamp and the blanks after it, at the start of a line. */
  re: RegExp;
  read(m: RegExpExecArray, out: Stamp): boolean;
  /**
   * The same as `re` and `read` together, by hand, for styles whole logs are written in: the length
   * of the stamp and the blanks after it, or -1 where `re` fails or `read` refuses.
   */
  scan?(line: string, out: Stamp): number;
}

/** The digit at i as a number, or -1 (also past the end). */
const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 0x30;
  return c >= 0 && c <= 9 ? c : -1;
};
const two = (s: string, i: number): number => {
  const a = digit(s, i);
  const b = a < 0 ? -1 : digit(s, i + 1);
  return b < 0 ? -1 : a * 10 + b;
};
const isDateSep = (c: number) => c === 0x2d || c === 0x2f || c === 0x2e; // - / .

/**
 * The 'iso' style's regex, scanned without a match array: each optional part of the regex either
 * matches in full or leaves a character that nothing after it accepts, so reading left to right
 * without backtracking finds the same match, or none.
 */
function scanIso(s: string, o: Stamp): number {
  let i = s.charCodeAt(0) === 0x5b /* [ */ ? 1 : 0;
  const y1 = two(s, i);
  const y2 = y1 < 0 ? -1 : two(s, i + 2);
  if (y2 < 0 || !isDateSep(s.charCodeAt(i + 4))) return -1;
  const mo = two(s, i + 5);
  if (mo < 0 || !isDateSep(s.charCodeAt(i + 7))) return -1;
  const d = two(s, i + 8);
  const t = s.charCodeAt(i + 10);
  if (d < 0 || (t !== 0x54 /* T */ && t !== 0x20)) return -1;
  const h = two(s, i + 11);
  if (h < 0 || s.charCodeAt(i + 13) !== 0x3a /* : */) return -1;
  const mi = two(s, i + 14);
  if (mi < 0) return -1;
  i += 16;
  let sec = 0;
  if (s.charCodeAt(i) === 0x3a) {
    sec = two(s, i + 1);
    if (sec < 0) return -1;
    i += 3;
  }
  let c = s.charCodeAt(i);
  if (c === 0x2e || c === 0x2c) {
    if (digit(s, i + 1) < 0) return -1;
    i += 2;
    while (digit(s, i) >= 0) i++;
    c = s.charCodeAt(i);
  }
  let off: number | null = null;
  if (c === 0x5a /* Z */) {
    off = 0;
    c = s.charCodeAt(++i);
  } else if (c === 0x2b || c === 0x2d) {
    const oh = two(s, i + 1);
    if (oh < 0) return -1;
    let j = i + 3;
    if (s.charCodeAt(j) === 0x3a) j++;
    const om = two(s, j);
    if (om < 0) return -1;
    off = (c === 0x2d ? -1 : 1) * (oh * 60 + om);
    i = j + 2;
    c = s.charCodeAt(i);
  }
  if (c === 0x5d /* ] */) c = s.charCodeAt(++i);
  if (c !== 0x20 && c !== 0x09) return -1;
  do c = s.charCodeAt(++i);
  while (c === 0x20 || c === 0x09);
  return fill(o, y1 * 100 + y2, mo, d, h, mi, sec, off) ? i : -1;
}

const hour12 = (h: number, ampm: string | undefined) => (ampm ? (h % 12) + (/^[Pp]/.test(ampm) ? 12 : 0) : h);
const offset = (z: string | undefined): number | null => {
  if (!z) return null;
  if (z === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(z)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
};
const fill = (out: Stamp, y: number | null, mo: number | null, d: number | null, h: number, mi: number, s: number, off: number | null = null) => {
  out.y = y;
  out.mo = mo;
  out.d = d;
  out.h = h;
  out.mi = mi;
  out.s = s;
  out.off = off;
  return h < 24 && mi < 60 && s < 61 && (mo === null || (mo >= 1 && mo <= 12)) && (d === null || (d >= 1 && d <= 31));
};

export const TIME_STYLES: TimeStyle[] = [
  {
    // Supybot/Limnoria (with or without a numeric offset), WeeChat, Textual, Quassel exports, ZNC with dates.
    id: 'iso',
    shape: '2019-10-17T05:19:01(+0000)',
    re: /^\[?(\d{4})[-/.](\d{2})[-/.](\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?(Z|[+-]\d{2}:?\d{2})?\]?[ \t]+/,
    read: (m, o) => fill(o, +m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0), offset(m[7])),

    scan: scanIso,
  },
  {
    // Konversation: "[Tue Jan 2 2018] [12:34:56]" (built from its documented log layout; no real sample).
    id: 'konversation',
    shape: '[Tue Jan 2 2018] [12:34:56]',
    re: /^\[[^\]\d]{2,12},? ([^\s\d\]]{3,9})\.? (\d{1,2}),? (\d{4})\] \[(\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp])\.?[Mm]\.?)?\][ \t]+/,
    read: (m, o) => monthNumber(m[1]!) > 0 && fill(o, +m[3]!, monthNumber(m[1]!), +m[2]!, hour12(+m[4]!, m[7]), +m[5]!, +(m[6] ?? 0)),
  },
  {
    // dircproxy: "[14 Jan 12:37]" (no year).
    id: 'day-month',
    shape: '[14 Jan 12:37]',
    re: /^\[(\d{1,2}) ([^\s\d\]]{3,5}) (\d{1,2}):(\d{2})(?::(\d{2}))?\][ \t]+/,
    read: (m, o) => monthNumber(m[2]!) > 0 && fill(o, null, monthNumber(m[2]!), +m[1]!, +m[3]!, +m[4]!, +(m[5] ?? 0)),
  },
  {
    // HexChat/XChat (strftime "%b %d %H:%M:%S"), syslog-style, no year.
    id: 'month-day',
    shape: 'May 20 11:21:41',
    re: /^([^\s\d[(<]{3,5}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})[ \t]+/,
    read: (m, o) => monthNumber(m[1]!) > 0 && fill(o, null, monthNumber(m[1]!), +m[2]!, +m[3]!, +m[4]!, +m[5]!),
  },
  {
    // ZNC, mIRC, energymech, eggdrop, Quassel: "[12:34:56]" or "[12:34]", a 12-hour clock when set so.
    id: 'bracket-clock',
    shape: '[12:34:56]',
    re: /^\[(\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp])\.?[Mm]\.?)?\][ \t]+/,
    read: (m, o) => fill(o, null, null, null, hour12(+m[1]!, m[4]), +m[2]!, +(m[3] ?? 0)),
  },
  {
    // Pidgin text logs: "(12:34:56)" or "(12:34:56 PM)", and with the date when it differs from the header's.
    id: 'paren-clock',
    shape: '(12:34:56 PM)',
    re: /^\((?:(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4}) )?(\d{1,2}):(\d{2}):(\d{2})(?: ?([AaPp])\.?[Mm]\.?)?\)[ \t]+/,
    read: (m, o) => {
      if (!m[1]) return fill(o, null, null, null, hour12(+m[4]!, m[7]), +m[5]!, +m[6]!);
      const [a, b, c] = [+m[1]!, +m[2]!, +m[3]!];
      // Year first, else month first (Pidgin writes the locale's %x; US order unless the first field cannot be a month).
      if (m[1].length === 4) return fill(o, a, b, c, hour12(+m[4]!, m[7]), +m[5]!, +m[6]!);
      const y = c < 100 ? 2000 + c : c;
      return a > 12 ? fill(o, y, b, a, hour12(+m[4]!, m[7]), +m[5]!, +m[6]!) : fill(o, y, a, b, hour12(+m[4]!, m[7]), +m[5]!, +m[6]!);
    },
  },
  {
    // irssi: "12:34" (or "12:34:56") at the start of the line.
    id: 'clock',
    shape: '12:34',
    re: /^(\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp])\.?[Mm]\.?)?[ \t]+/,
    read: (m, o) => fill(o, null, null, null, hour12(+m[1]!, m[4]), +m[2]!, +(m[3] ?? 0)),
  },
  {
    // Bots and bouncers that write Unix time.
    id: 'epoch',
    shape: '1571289541',
    re: /^\[?(\d{10})(?:\.\d+)?\]?[ \t]+/,
    read: (m, o) => {
      const t = new Date(Number(m[1]) * 1000);
      return fill(o, t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds(), 0);
    },
  },
];

/** How speakers are written, beyond what every grammar reads (`<nick>`, `-nick-`, `* nick`). */
export type SpeakerStyle = 'angle' | 'tab' | 'colon';
const SPEAKER_SHAPE: Record<SpeakerStyle, string> = { angle: '<nick>', tab: 'nick<TAB>', colon: 'nick:' };

export interface Grammar {
  time: TimeStyle;
  speaker: SpeakerStyle;
  /**
   * dircproxy on freenode marks others' messages with + or - (IDENTIFY-MSG), not part of the text;
   * null when the log has no such marks. The logging user's own lines carry none: the nicks seen
   * without marks are listed, and their text is kept whole.
   */
  identifyMarks: { unmarked: Set<string> } | null;
}

export function grammarName(g: { time: TimeStyle; speaker: SpeakerStyle }): string {
  return `${g.time.shape} ${SPEAKER_SHAPE[g.speaker]}`;
}

export const Kind = { Bad: 0, Post: 1, Action: 2, Event: 3 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** The speaker and text of the last classified line (one object, reused: no allocation per line). */
export const said = { nick: '', text: '' };

// A nick never starts with '-' or a digit: "<->" and "<--" are markers.
/** The "<nick> text" speaker (exported for the test that holds angleFast to it). */
export const ANGLE = /^<[ @+%~&!]?([^>\s\-\d][^>\s]*?)(?:![^>]*)?>[ \t]?(.*)$/s;
const NOTICE = /^-([^\s\-()][^\s()]*?)(?:\([^)]*\))?-[ \t](.*)$/s;
const ACTION = /^(?:\*{1,3}[ \t]*|Action: )([^\s*][^\s]*) (.*)$/s;
const TAB = /^([^\t]{1,64})\t(.*)$/s;
const COLON = /^([^\t:<>]{1,64}?): (.*)$/s;
/** A client's marker for its own lines: irssi -!-, ZNC/supybot ***, WeeChat/HexChat -->, <--, --. */
const MARKER = /^(?:-!-|\*\*\*|-->|<--|<->|--|---|=!=|->|<-|!)(?:[ \t]|$)/;
const EVENT_WORDS =
  'has joined|joined|has left|left|has quit|quit|Quit|has parted|parted|entered the room|left the room|is now known as|' +
  'changes topic to|changed the topic|has changed the topic|sets mode|set mode|was kicked|kicked|has been kicked|' +
  'has gone away|is no longer away|has become idle|is no longer idle|has signed on|has signed off|signed on|signed off|logged in|logged out|changes nick';
/** Event wordings of clients that mark nothing (mIRC "* nick has joined", eggdrop, Pidgin, Konversation). */
const EVENT = new RegExp(
  `^(?:(?:Join|Part|Quit|Nick|Mode|Topic|Kick|Info|Away|Notify)\\t|` +
    `(?:Joins|Parts|Quits|Kicks|Nick change|Topic changed on \\S+ by \\S+|Topic change by \\S+ on \\S+)[: ]|` +
    `#\\S+: mode change |mode \\(|` +
    // The subject never ends with ":", so "bob: left early" stays bob's message in "nick:" logs.
    `\\S*[^\\s:] (?:\\([^)]*\\) |\\[[^\\]]*\\] |<[^>]*> )?(?:${EVENT_WORDS})\\b|` +
    `(?:You are now talking|Now talking|Topic for|Topic is|Set by|Disconnected|Connected|Retrieving|Users on|Ping reply))`,
);

/** A nick character the quick path takes: printable ASCII other than ">" and "!" (so never a blank). */
const plainNickChar = (c: number) => c > 0x20 && c < 0x7f && c !== 0x3e && c !== 0x21;

/**
 * ANGLE's match for the common "<nick> text" and "<@nick> text", found without the regex; false
 * (leaving the line to the regex) at anything else, such as "!" or a non-ASCII character in the nick.
 * Where it answers, the regex's first match is the same: the prefix taken, then the nick's shortest
 * extension to a ">".
 */
function angleFast(body: string): boolean {
  let i = 1;
  let c = body.charCodeAt(1);
  if (c === 0x20 || c === 0x40 || c === 0x2b || c === 0x25 || c === 0x7e || c === 0x26 || c === 0x21) c = body.charCodeAt(++i); // [ @+%~&!]
  // The nick's first character: not "-" or a digit either.
  if (!plainNickChar(c) || c === 0x2d || (c >= 0x30 && c <= 0x39)) return false;
  const start = i;
  do c = body.charCodeAt(++i);
  while (plainNickChar(c));
  if (c !== 0x3e) return false;
  said.nick = body.slice(start, i);
  c = body.charCodeAt(++i);
  said.text = body.slice(c === 0x20 || c === 0x09 ? i + 1 : i);
  return true;
}

/**
 * What a line's body (after its timestamp) is: a post, an action, an event, or unreadable under this
 * speaker style. A post's or action's speaker and text are left in `said`.
 */
export function classify(body: string, speaker: SpeakerStyle): Kind {
  const c = body.charCodeAt(0);
  if (c === 0x3c /* < */) {
    if (angleFast(body)) return Kind.Post;
    const m = ANGLE.exec(body);
    if (m) {
      said.nick = m[1]!;
      said.text = m[2]!;
      return Kind.Post;
    }
  }
  if (MARKER.test(body)) return Kind.Event;
  if (c === 0x2d /* - */) {
    const m = NOTICE.exec(body);
    if (m) {
      said.nick = m[1]!;
      said.text = m[2]!;
      return Kind.Post;
    }
  }
  if (c === 0x2a /* * */ || c === 0x41 /* A */) {
    const m = ACTION.exec(body);
    if (m) {
      const rest = `${m[1]} ${m[2]}`;
      if (EVENT.test(rest)) return Kind.Event;
      said.nick = m[1]!;
      said.text = m[2]!;
      return Kind.Action;
    }
  }
  if (EVENT.test(body)) return Kind.Event;
  if (speaker === 'tab') {
    const m = TAB.exec(body);
    if (m) {
      const label = m[1]!.trim();
      if (label === '*') {
        const a = /^(\S+) (.*)$/s.exec(m[2]!);
        if (!a) return Kind.Bad;
        said.nick = a[1]!;
        said.text = a[2]!;
        return Kind.Action;
      }
      const nick = label.replace(/^[@+%~&!]+/, '').replace(/^<(.*)>$/, '$1');
      if (!nick || /\s/.test(nick)) return Kind.Bad;
      said.nick = nick;
      said.text = m[2]!;
      return Kind.Post;
    }
  } else if (speaker === 'colon') {
    const m = COLON.exec(body);
    if (m) {
      said.nick = m[1]!.trim();
      said.text = m[2]!;
      return Kind.Post;
    }
  }
  return Kind.Bad;
}

/** A timestamped line that is only a date (eggdrop at midnight); a topic that mentions a date is not one. */
export const DAY_LINE = /^-{2,3} (?:Day changed )?[^\s\d]{3,9},? (?:[^\s\d]{3,9}\.? +\d{1,2}|\d{1,2}\.? [^\s\d]{3,9}\.?),? \d{4}\s*$/;

/** Lines that carry no message but may say the day: log openings, day changes, session starts. */
export const HEADER =
  /^(?:-{2,4} ?(?:Log opened|Log closed|Day changed|Logging started|Logging stopped)|\*{4} (?:BEGIN|ENDING) LOGGING AT|Session (?:Start|Close|Ident|Time):|Conversation with .+ at |Log (?:started|opened|closed)\b)/i;

/** The date a header or day-change line states, if any. */
export function headerDate(s: string): { y: number; mo: number; d: number } | null {
  let m = /(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (m) return { y: +m[1]!, mo: +m[2]!, d: +m[3]! };
  const re = /([^\s\d,.]{3,9})\.? +(\d{1,2})\b[^\n]*?\b(\d{4})\b/g;
  while ((m = re.exec(s))) if (monthNumber(m[1]!)) return { y: +m[3]!, mo: monthNumber(m[1]!), d: +m[2]! };
  const re2 = /(\d{1,2})\.? ([^\s\d,.]{3,9})\.? (\d{4})/g;
  while ((m = re2.exec(s))) if (monthNumber(m[2]!)) return { y: +m[3]!, mo: monthNumber(m[2]!), d: +m[1]! };
  m = /(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(s);
  if (m) return +m[1]! > 12 ? { y: +m[3]!, mo: +m[2]!, d: +m[1]! } : { y: +m[3]!, mo: +m[1]!, d: +m[2]! };
  return null;
}

function unmarkedNicks(content: { text: string }[], g: { time: TimeStyle; speaker: SpeakerStyle }): { unmarked: Set<string> } {
  const stamp: Stamp = { y: null, mo: null, d: null, h: 0, mi: 0, s: 0, off: null };
  const tally = new Map<string, number>();
  for (const { text } of content) {
    const m = g.time.re.exec(text);
    if (!m || !g.time.read(m, stamp) || classify(text.slice(m[0].length), g.speaker) !== Kind.Post) continue;
    tally.set(said.nick, (tally.get(said.nick) ?? 0) + (/^[+-]/.test(said.text) ? -1 : 1));
  }
  return { unmarked: new Set([...tally].filter(([, n]) => n > 0).map(([nick]) => nick)) };
}

const SPEAKERS: SpeakerStyle[] = ['angle', 'tab', 'colon'];

export interface Learned<L> {
  grammar: Grammar | null;
  /** Every grammar tried, by name, with the lines it read (best first). */
  tried: { name: string; read: number }[];
  /** Non-blank lines looked at, headers excluded. */
  lines: number;
  /** Sample lines the best grammar could not read. */
  unreadable: L[];
  /**
   * The best grammar reads the lines but finds only events (a log opening with hundreds of joins):
   * a longer sample may find the first message; at the end of the log, it stands as it is.
   */
  eventsOnly: Grammar | null;
}

/**
 * Scores every timestamp × speaker grammar on the first lines of a log: a grammar scores the lines it
 * reads (posts, actions, events). The best one wins if it reads at least half the lines and finds at
 * least one message; on a tie the earlier (more specific) style wins.
 */
export function learnGrammar<L extends { lineNo: number; text: string }>(sample: L[]): Learned<L> {
  const stamp: Stamp = { y: null, mo: null, d: null, h: 0, mi: 0, s: 0, off: null };
  const content = sample.filter((l) => l.text.trim() && !HEADER.test(l.text));
  const results: { time: TimeStyle; speaker: SpeakerStyle; read: number; posts: number; marks: number }[] = [];
  for (const time of TIME_STYLES) {
    for (const speaker of SPEAKERS) {
      let read = 0;
      let posts = 0;
      let marks = 0;
      for (const { text } of content) {
        const m = time.re.exec(text);
        if (!m || !time.read(m, stamp)) continue;
        const body = text.slice(m[0].length);
        const k = classify(body, speaker);
        if (k === Kind.Bad) continue;
        read++;
        if (k === Kind.Post) {
          posts++;
          if (/^[+-]/.test(said.text)) marks++;
        }
      }
      results.push({ time, speaker, read, posts, marks });
    }
  }
  // Grammars that find messages rank first; among them (or among all, when none does) the most lines read.
  const order = results.map((r, i) => ({ r, i })).sort((a, b) => Number(b.r.posts > 0) - Number(a.r.posts > 0) || b.r.read - a.r.read || a.i - b.i);
  const best = order[0]!.r;
  const tried = order.map(({ r }) => ({ name: grammarName(r), read: r.read }));
  const readsEnough = best.read > 0 && best.read * 2 >= content.length;
  const ok = readsEnough && best.posts > 0;
  // Lines opening with + or - are rare in talk; in half the lines they are the network's marks.
  const grammar: Grammar | null = ok ? { time: best.time, speaker: best.speaker, identifyMarks: best.posts >= 5 && best.marks * 2 >= best.posts ? unmarkedNicks(content, best) : null } : null;
  const unreadable: L[] = [];
  for (const l of content) {
    if (unreadable.length >= 3) break;
    const m = best.time.re.exec(l.text);
    if (!m || !best.time.read(m, stamp) || classify(l.text.slice(m[0].length), best.speaker) === Kind.Bad) unreadable.push(l);
  }
  const eventsOnly = readsEnough && !best.posts ? { time: best.time, speaker: best.speaker, identifyMarks: null } : null;
  return { grammar, tried, lines: content.length, unreadable, eventsOnly };
}
