import type { Thread } from '../model/thread.ts';
import { conversationThread, conversationTitle, splitConversations, type ChatMessage } from './conversations.ts';
import { baseName, importContext, type ImportContext } from './context.ts';
import { decodeLinesMixed } from './decode.ts';
import { ImportError } from './errors.ts';
import { textHtml } from './message-text.ts';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const month = (s: string) => MONTHS.indexOf(s.slice(0, 3).toLowerCase()) + 1;

/** One timestamped line: a date when the line (or the log around it) states one, and the rest of the line. */
interface Stamp {
  y: number | null;
  mo: number | null;
  d: number | null;
  h: number;
  mi: number;
  s: number;
  rest: string;
  /** dircproxy marks identified nicks with a leading + or - on the message (freenode IDENTIFY-MSG). */
  identifyMark?: boolean;
}

// dircproxy: "[14 Jan 12:37] <nick!user@host> +text"
const DIRCPROXY = /^\[(\d{1,2}) ([A-Za-z]{3}) (\d{2}):(\d{2})(?::(\d{2}))?\] (.*)$/;
// supybot ChannelLogger / irclog2html: "2005-01-09T02:05:04  <nick> text"
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\s+(.*)$/;
// WeeChat: "2005-01-09 02:05:04\tnick\ttext"
const WEECHAT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\t([^\t]*)\t(.*)$/;
// ZNC: "[02:05:04] <nick> text" (the date is in the file name)
const ZNC = /^\[(\d{2}):(\d{2})(?::(\d{2}))?\] (.*)$/;
// irssi: "02:05 <@nick> text", with "--- Log opened Sun Jan 09 02:05:04 2005" / "--- Day changed Mon Jan 10 2005"
const IRSSI = /^(\d{2}):(\d{2})(?::(\d{2}))? (.*)$/;
const IRSSI_DAY = /^--- (?:Log opened|Day changed) \w{3} (\w{3}) (\d{1,2}) (?:[\d:]+ )?(\d{4})/;

const SPEECH = /^<[ @+%~&!]?([^>!\s]+)(?:![^>]*)?>\s?(.*)$/;
const ACTION = /^\s*\* (\S+) (.*)$/;

function stamp(line: string, day: { y: number | null; mo: number | null; d: number | null }): Stamp | null {
  let m = ISO.exec(line);
  if (m) return { y: +m[1]!, mo: +m[2]!, d: +m[3]!, h: +m[4]!, mi: +m[5]!, s: +m[6]!, rest: m[7]! };
  m = WEECHAT.exec(line);
  if (m) {
    const prefix = m[7]!.trim();
    const rest = prefix === '*' ? `* ${m[8]}` : /^(-->|<--|--|=!=|)$/.test(prefix) ? `-- ${m[8]}` : `<${prefix}> ${m[8]}`;
    return { y: +m[1]!, mo: +m[2]!, d: +m[3]!, h: +m[4]!, mi: +m[5]!, s: +m[6]!, rest };
  }
  m = DIRCPROXY.exec(line);
  if (m && month(m[2]!)) return { y: null, mo: month(m[2]!), d: +m[1]!, h: +m[3]!, mi: +m[4]!, s: +(m[5] ?? 0), rest: m[6]!, identifyMark: true };
  m = ZNC.exec(line) ?? IRSSI.exec(line);
  if (m) return { ...day, h: +m[1]!, mi: +m[2]!, s: +(m[3] ?? 0), rest: m[4]! };
  return null;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * An IRC channel log from dircproxy, supybot/irclog2html, irssi, WeeChat or ZNC. Only what people said
 * (and /me actions) is kept; joins, parts, quits, modes and the logger's own notices are dropped. Each
 * line is decoded on its own, since old logs mix UTF-8 with Latin-1 lines.
 */
export function importIrc(bytes: Uint8Array, ctx: ImportContext = importContext('channel.log')): Thread[] {
  const { lines, fallbackLines } = decodeLinesMixed(bytes);
  if (fallbackLines) ctx.warn(`${fallbackLines} line(s) were not UTF-8 and were read as Windows-1252/Latin-1.`);
  const file = baseName(ctx.file);
  const fromName = /(\d{4})-?(\d{2})-?(\d{2})/.exec(file);
  const day: { y: number | null; mo: number | null; d: number | null } = fromName
    ? { y: +fromName[1]!, mo: +fromName[2]!, d: +fromName[3]! }
    : { y: null, mo: null, d: null };
  const msgs: ChatMessage[] = [];
  let stamped = 0;
  // For logs without a year: count years from the first line so the gap between lines is still right.
  let yearOffset = 0;
  let lastMonth = 0;
  let lastClock = -1;
  let dayOffset = 0;
  let noYearWarned = false;
  lines.forEach((line, i) => {
    const dayLine = IRSSI_DAY.exec(line);
    if (dayLine) {
      Object.assign(day, { y: +dayLine[3]!, mo: month(dayLine[1]!), d: +dayLine[2]! });
      return;
    }
    const st = stamp(line, day);
    if (!st) return;
    stamped++;
    const clock = st.h * 3600 + st.mi * 60 + st.s;
    if (st.mo !== null && st.y === null) {
      if (st.mo < lastMonth) yearOffset++;
      lastMonth = st.mo;
    }
    if (st.d === null) {
      if (clock < lastClock) dayOffset++;
    }
    lastClock = clock;
    let text: string;
    let name: string;
    const speech = SPEECH.exec(st.rest);
    const action = speech ? null : ACTION.exec(st.rest);
    if (speech) {
      name = speech[1]!;
      text = st.identifyMark ? speech[2]!.replace(/^[+-]/, '') : speech[2]!;
    } else if (action) {
      name = action[1]!;
      text = `/me ${action[2]}`;
    } else return; // joins, parts, quits, modes, topic changes, "*** You connected"
    text = text.replace(/[\x02\x0f\x16\x1d\x1f]|\x03\d{0,2}(?:,\d{1,2})?/g, '').trim(); // mIRC colour and style codes
    if (!text || text === '/me') return;
    const year = st.y ?? (ctx.year !== undefined ? ctx.year + yearOffset : null);
    if (st.y === null && ctx.year === undefined && st.mo !== null && !noYearWarned) {
      ctx.warn('this log does not state the year: dates are left empty. Pass the year (option "year") to keep them.');
      noYearWarned = true;
    }
    const publishedAt = year !== null && st.mo !== null && st.d !== null ? `${year}-${pad(st.mo)}-${pad(st.d)}T${pad(st.h)}:${pad(st.mi)}:${pad(st.s)}` : null;
    // 2000 is a leap year: any "29 Feb" in a yearless log has a date to count from.
    const time =
      st.mo !== null && st.d !== null
        ? Date.UTC((year ?? 2000 + yearOffset), st.mo - 1, st.d, st.h, st.mi, st.s)
        : Date.UTC(2000, 0, 1 + dayOffset, st.h, st.mi, st.s);
    msgs.push({
      time,
      post: { id: `L${i + 1}`, author: { name, url: null }, publishedAt, text, html: textHtml(text), permalink: null, replyTo: null, quotes: [], score: null },
    });
  });
  if (!stamped) throw new ImportError('not an IRC log in a format we know (dircproxy, supybot, irssi, WeeChat, ZNC): no line starts with a timestamp.', ctx.file, { offset: 0, line: 1, column: 1 });
  const label = file.replace(/\.(log|txt)$/i, '');
  return splitConversations(msgs, ctx).map((c) =>
    conversationThread('irc', `irc-log://${encodeURIComponent(file)}#${c[0]!.post.id}`, conversationTitle(label, c), c),
  );
}
