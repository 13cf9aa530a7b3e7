import { describe, expect, it } from 'vitest';
import { importIrcStream, readIrcLog } from '../../lib/import/irc.ts';
import { importContext } from '../../lib/import/context.ts';
import { ImportError } from '../../lib/import/errors.ts';
import { detectFormat } from '../../lib/import/index.ts';
import { corpusBytes } from '../support/corpus.ts';
import { postsInFileOrder } from '../support/archive-expect.ts';

/*
 * The corpus has real logs from dircproxy, Supybot/Limnoria and ZNC only. Every other client's log is
 * built here at run time from the real ZNC log's lines (its people, words, joins, quits, nick, mode and
 * topic changes), re-written in that client's line format. The formats come from each client's
 * documentation or source (irssi's default theme and log settings, WeeChat's logger plugin defaults,
 * HexChat/XChat's text events as the plaso XChat parser documents them, Pidgin's text logger in
 * libpurple's log.c, mIRC's help on logging, Konversation's and eggdrop's log writers, energymech's
 * documented log lines); Textual's and Quassel's exports are built from their documented layouts
 * without a source check. None of these logs is real: they are the real ZNC lines in other clothes.
 */

const ZNC_FILE = 'irc/znc-qtox-2016-06-01.log';

type Item = { h: string; m: string; s: string } & (
  | { kind: 'post' | 'action'; nick: string; text: string }
  | { kind: 'join'; nick: string; host: string }
  | { kind: 'quit' | 'part'; nick: string; host: string; reason: string }
  | { kind: 'nick'; nick: string; to: string }
  | { kind: 'mode'; nick: string; mode: string }
  | { kind: 'topic'; nick: string; topic: string }
);

// Windows-1252's 0x80–0x9F (Node's decoder reads them as Latin-1 control characters).
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** The ZNC log's lines as neutral items (a reading of ZNC's own format, independent of the importer). */
function zncItems(): Item[] {
  const items: Item[] = [];
  const bytes = corpusBytes(ZNC_FILE);
  let start = 0;
  const lines: string[] = [];
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    const raw = bytes.subarray(start, i);
    start = i + 1;
    try {
      lines.push(new TextDecoder('utf-8', { fatal: true }).decode(raw));
    } catch {
      lines.push([...raw].map((b) => (b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80]! : String.fromCharCode(b))).join(''));
    }
  }
  for (const text of lines) {
    const m = /^\[(\d\d):(\d\d):(\d\d)\] (.*)$/.exec(text);
    if (!m) continue;
    const [, h, mi, s, body] = m as unknown as [string, string, string, string, string];
    const t = { h, m: mi, s };
    let e: RegExpExecArray | null;
    if ((e = /^<([^>]+)> (.*)$/.exec(body))) items.push({ ...t, kind: 'post', nick: e[1]!, text: e[2]! });
    else if ((e = /^\* (\S+) (.*)$/.exec(body))) items.push({ ...t, kind: 'action', nick: e[1]!, text: e[2]! });
    else if ((e = /^\*\*\* Joins: (\S+) \((.*?)\)$/.exec(body))) items.push({ ...t, kind: 'join', nick: e[1]!, host: e[2]! });
    else if ((e = /^\*\*\* (Quits|Parts): (\S+) \((.*?)\) \((.*)\)$/.exec(body))) items.push({ ...t, kind: e[1] === 'Quits' ? 'quit' : 'part', nick: e[2]!, host: e[3]!, reason: e[4]! });
    else if ((e = /^\*\*\* (\S+) is now known as (\S+)$/.exec(body))) items.push({ ...t, kind: 'nick', nick: e[1]!, to: e[2]! });
    else if ((e = /^\*\*\* (\S+) sets mode: (.*)$/.exec(body))) items.push({ ...t, kind: 'mode', nick: e[1]!, mode: e[2]! });
    else if ((e = /^\*\*\* (\S+) changes topic to '(.*)'$/.exec(body))) items.push({ ...t, kind: 'topic', nick: e[1]!, topic: e[2]! });
    else throw new Error(`unexpected ZNC line: ${body.slice(0, 20)}`);
  }
  return items;
}

const ITEMS = zncItems();
const EVENTS = ITEMS.filter((i) => i.kind !== 'post' && i.kind !== 'action').length;
// Operators get an @ in clients that show it (which nicks, does not matter here).
/** Messages as the importer reads the real ZNC log (its own expectation file checks it against the raw file). */
const REAL = readIrcLog(corpusBytes(ZNC_FILE), importContext(ZNC_FILE));
const REAL_POSTS = postsInFileOrder(REAL.threads).map((p) => [p.author.name, p.text]);

const h12 = (h: string) => `${String(+h % 12 || 12).padStart(2, '0')}`;
const ampm = (h: string) => (+h < 12 ? 'AM' : 'PM');

interface Client {
  name: string;
  file: string;
  head?: string[];
  line: (i: Item) => string;
  /** publishedAt of the first message, where the format dates it. */
  first?: (i: Item) => string;
}

const CLIENTS: Client[] = [
  {
    name: 'irssi',
    file: '#qtox.log',
    head: ['--- Log opened Wed Jun 01 00:00:00 2016'],
    line: (i) => {
      const t = `${i.h}:${i.m}`;
      switch (i.kind) {
        case 'post': return `${t} <${i.nick.length % 2 ? ' ' : '@'}${i.nick}> ${i.text}`;
        case 'action': return `${t}  * ${i.nick} ${i.text}`;
        case 'join': return `${t} -!- ${i.nick} [${i.host}] has joined #qtox`;
        case 'quit': return `${t} -!- ${i.nick} [${i.host}] has quit [${i.reason}]`;
        case 'part': return `${t} -!- ${i.nick} [${i.host}] has left #qtox [${i.reason}]`;
        case 'nick': return `${t} -!- ${i.nick} is now known as ${i.to}`;
        case 'mode': return `${t} -!- mode/#qtox [${i.mode}] by ${i.nick}`;
        case 'topic': return `${t} -!- ${i.nick} changed the topic of #qtox to: ${i.topic}`;
      }
    },
    first: (i) => `2016-06-01T${i.h}:${i.m}:00`,
  },
  {
    name: 'WeeChat',
    file: 'irc.freenode.#qtox.weechatlog',
    line: (i) => {
      const t = `2016-06-01 ${i.h}:${i.m}:${i.s}`;
      switch (i.kind) {
        case 'post': return `${t}\t${i.nick.length % 2 ? '' : '@'}${i.nick}\t${i.text}`;
        case 'action': return `${t}\t *\t${i.nick} ${i.text}`;
        case 'join': return `${t}\t-->\t${i.nick} (${i.host}) has joined #qtox`;
        case 'quit': return `${t}\t<--\t${i.nick} (${i.host}) has quit (${i.reason})`;
        case 'part': return `${t}\t<--\t${i.nick} (${i.host}) has left #qtox (${i.reason})`;
        case 'nick': return `${t}\t--\t${i.nick} is now known as ${i.to}`;
        case 'mode': return `${t}\t--\tMode #qtox [${i.mode}] by ${i.nick}`;
        case 'topic': return `${t}\t--\t${i.nick} has changed topic for #qtox to "${i.topic}"`;
      }
    },
    first: (i) => `2016-06-01T${i.h}:${i.m}:${i.s}`,
  },
  {
    name: 'HexChat/XChat',
    file: 'freenode-#qtox.log',
    head: ['**** BEGIN LOGGING AT Wed Jun  1 00:00:00 2016', ''],
    line: (i) => {
      const t = `Jun 01 ${i.h}:${i.m}:${i.s}`;
      switch (i.kind) {
        case 'post': return `${t} <${i.nick}>\t${i.text}`;
        case 'action': return `${t} *\t${i.nick} ${i.text}`;
        case 'join': return `${t} -->\t${i.nick} (${i.host}) has joined #qtox`;
        case 'quit': return `${t} <--\t${i.nick} has quit (${i.reason})`;
        case 'part': return `${t} <--\t${i.nick} (${i.host}) has left #qtox (${i.reason})`;
        case 'nick': return `${t} ---\t${i.nick} is now known as ${i.to}`;
        case 'mode': return `${t} ---\t${i.nick} sets mode ${i.mode} #qtox`;
        case 'topic': return `${t} ---\t${i.nick} has changed the topic to: ${i.topic}`;
      }
    },
    first: (i) => `2016-06-01T${i.h}:${i.m}:${i.s}`,
  },
  {
    name: 'Pidgin (text log, 12-hour clock)',
    file: '2016-06-01.000000-0400EDT.txt',
    head: ['Conversation with #qtox at 06/01/2016 12:00:00 AM on me@irc.freenode.net (irc)'],
    line: (i) => {
      const t = `(${h12(i.h)}:${i.m}:${i.s} ${ampm(i.h)})`;
      switch (i.kind) {
        case 'post': return `${t} ${i.nick}: ${i.text}`;
        case 'action': return `${t} ***${i.nick} ${i.text}`;
        case 'join': return `${t} ${i.nick} [${i.host}] entered the room.`;
        case 'quit': return `${t} ${i.nick} left the room (quit: ${i.reason}).`;
        case 'part': return `${t} ${i.nick} left the room (${i.reason}).`;
        case 'nick': return `${t} ${i.nick} is now known as ${i.to}`;
        case 'mode': return `${t} mode (${i.mode}) by ${i.nick}`;
        case 'topic': return `${t} ${i.nick} has changed the topic to: ${i.topic}`;
      }
    },
    first: (i) => `2016-06-01T${i.h}:${i.m}:${i.s}`,
  },
  {
    name: 'Textual (ISO time with a numeric offset)',
    file: '#qtox (2016-06-01).txt',
    line: (i) => {
      const t = `[2016-06-01T${i.h}:${i.m}:${i.s}-0400]`;
      switch (i.kind) {
        case 'post': return `${t} <${i.nick}> ${i.text}`;
        case 'action': return `${t} * ${i.nick} ${i.text}`;
        case 'join': return `${t} ${i.nick} (${i.host}) joined the channel`;
        case 'quit': return `${t} ${i.nick} (${i.host}) left IRC (${i.reason})`;
        case 'part': return `${t} ${i.nick} (${i.host}) left the channel (${i.reason})`;
        case 'nick': return `${t} ${i.nick} is now known as ${i.to}`;
        case 'mode': return `${t} ${i.nick} sets mode ${i.mode}`;
        case 'topic': return `${t} ${i.nick} changed the topic to ${i.topic}`;
      }
    },
    first: (i) => `2016-06-01T${i.h}:${i.m}:${i.s}-04:00`,
  },
  {
    name: 'mIRC',
    file: '#qtox.freenode.log',
    head: ['', 'Session Start: Wed Jun 01 00:00:00 2016', 'Session Ident: #qtox'],
    line: (i) => {
      const t = `[${i.h}:${i.m}]`;
      switch (i.kind) {
        case 'post': return `${t} <${i.nick}> ${i.text}`;
        case 'action': return `${t} * ${i.nick} ${i.text}`;
        case 'join': return `${t} * ${i.nick} (${i.host}) has joined #qtox`;
        case 'quit': return `${t} * ${i.nick} (${i.host}) Quit (${i.reason})`;
        case 'part': return `${t} * ${i.nick} (${i.host}) has left #qtox`;
        case 'nick': return `${t} * ${i.nick} is now known as ${i.to}`;
        case 'mode': return `${t} * ${i.nick} sets mode: ${i.mode}`;
        case 'topic': return `${t} * ${i.nick} changes topic to '${i.topic}'`;
      }
    },
    first: (i) => `2016-06-01T${i.h}:${i.m}:00`,
  },
  {
    name: 'Quassel (exported)',
    file: 'qtox.log',
    line: (i) => {
      const t = `[2016-06-01 ${i.h}:${i.m}:${i.s}]`;
      switch (i.kind) {
        case 'post': return `${t} <${i.nick}> ${i.text}`;
        case 'action': return `${t} * ${i.nick} ${i.text}`;
        case 'join': return `${t} --> ${i.nick} (${i.host}) has joined #qtox`;
        case 'quit': return `${t} <-- ${i.nick} (${i.host}) has quit (${i.reason})`;
        case 'part': return `${t} <-- ${i.nick} (${i.host}) has left #qtox (${i.reason})`;
        case 'nick': return `${t} <-> ${i.nick} is now known as ${i.to}`;
        case 'mode': return `${t} *** Mode #qtox ${i.mode} by ${i.nick}`;
        case 'topic': return `${t} *** ${i.nick} has changed topic for #qtox to: "${i.topic}"`;
      }
    },
    first: (i) => `2016-06-01T${i.h}:${i.m}:${i.s}`,
  },
  {
    name: 'Konversation',
    file: '#qtox.log',
    line: (i) => {
      const t = `[Wed Jun 1 2016] [${i.h}:${i.m}:${i.s}]`;
      switch (i.kind) {
        case 'post': return `${t} <${i.nick}>\t${i.text}`;
        case 'action': return `${t} *\t${i.nick} ${i.text}`;
        case 'join': return `${t} Join\t${i.nick} (${i.host}) has joined this channel.`;
        case 'quit': return `${t} Quit\t${i.nick} (${i.host}) has left this server (${i.reason}).`;
        case 'part': return `${t} Part\t${i.nick} (${i.host}) has left this channel (${i.reason}).`;
        case 'nick': return `${t} Nick\t${i.nick} is now known as ${i.to}.`;
        case 'mode': return `${t} Mode\t${i.nick} sets mode: ${i.mode}`;
        case 'topic': return `${t} Topic\t${i.nick} sets the channel topic to "${i.topic}".`;
      }
    },
    first: (i) => `2016-06-01T${i.h}:${i.m}:${i.s}`,
  },
  {
    name: 'eggdrop (minutes only, its own event wordings)',
    file: 'qtox.log.20160601',
    head: ['[00:00] --- Wed Jun  1 2016'],
    line: (i) => {
      const t = `[${i.h}:${i.m}]`;
      switch (i.kind) {
        case 'post': return `${t} <${i.nick}> ${i.text}`;
        case 'action': return `${t} Action: ${i.nick} ${i.text}`;
        case 'join': return `${t} ${i.nick} (${i.host}) joined #qtox.`;
        case 'quit': return `${t} ${i.nick} (${i.host}) left irc: ${i.reason}`;
        case 'part': return `${t} ${i.nick} (${i.host}) left #qtox (${i.reason}).`;
        case 'nick': return `${t} Nick change: ${i.nick} -> ${i.to}`;
        case 'mode': return `${t} #qtox: mode change '${i.mode}' by ${i.nick}!~u@host`;
        case 'topic': return `${t} Topic changed on #qtox by ${i.nick}!~u@host: ${i.topic}`;
      }
    },
    first: (i) => `2016-06-01T${i.h}:${i.m}:00`,
  },
  {
    name: 'energymech',
    file: 'qtox_20160601.log',
    line: (i) => {
      const t = `[${i.h}:${i.m}:${i.s}]`;
      switch (i.kind) {
        case 'post': return `${t} <${i.nick}> ${i.text}`;
        case 'action': return `${t} * ${i.nick} ${i.text}`;
        case 'join': return `${t} *** Joins: ${i.nick} (${i.host})`;
        case 'quit': return `${t} *** Quits: ${i.nick} (${i.host}) (${i.reason})`;
        case 'part': return `${t} *** Parts: ${i.nick} (${i.host}) (${i.reason})`;
        case 'nick': return `${t} *** ${i.nick} is now known as ${i.to}`;
        case 'mode': return `${t} *** ${i.nick} sets mode: ${i.mode}`;
        case 'topic': return `${t} *** ${i.nick} changes topic to '${i.topic}'`;
      }
    },
    first: (i) => `2016-06-01T${i.h}:${i.m}:${i.s}`,
  },
  {
    name: 'Limnoria (ISO time with +0000)',
    file: '#qtox.log',
    line: (i) => {
      const t = `2016-06-01T${i.h}:${i.m}:${i.s}+0000  `;
      switch (i.kind) {
        case 'post': return `${t}<${i.nick}> ${i.text}`;
        case 'action': return `${t}* ${i.nick} ${i.text}`;
        case 'join': return `${t}*** ${i.nick} <${i.nick}!${i.host}> has joined #qtox`;
        case 'quit': return `${t}*** ${i.nick} <${i.nick}!${i.host}> has quit IRC (${i.reason})`;
        case 'part': return `${t}*** ${i.nick} <${i.nick}!${i.host}> has left #qtox (${i.reason})`;
        case 'nick': return `${t}*** ${i.nick} is now known as ${i.to}`;
        case 'mode': return `${t}*** ${i.nick} sets mode: ${i.mode}`;
        case 'topic': return `${t}*** ${i.nick} changes topic to "${i.topic}"`;
      }
    },
    first: (i) => `2016-06-01T${i.h}:${i.m}:${i.s}+00:00`,
  },
  {
    name: 'a bot writing Unix time',
    file: 'qtox.log',
    line: (i) => {
      const t = `${Date.UTC(2016, 5, 1, +i.h, +i.m, +i.s) / 1000} `;
      switch (i.kind) {
        case 'post': return `${t}<${i.nick}> ${i.text}`;
        case 'action': return `${t}* ${i.nick} ${i.text}`;
        default: return `${t}*** ${i.nick} ${i.kind === 'join' ? 'has joined #qtox' : i.kind === 'nick' ? `is now known as ${i.to}` : 'has quit'}`;
      }
    },
    first: (i) => `2016-06-01T${i.h}:${i.m}:${i.s}+00:00`,
  },
];

const enc = new TextEncoder();
const render = (c: Client, items = ITEMS) => [...(c.head ?? []), ...items.map(c.line)].join('\n') + '\n';

describe('line logs of every common client, built from the real ZNC log', () => {
  it('the reference: the real ZNC log reads every line', () => {
    expect(REAL.stats.skipped).toBe(0);
    expect(REAL.stats.events).toBe(EVENTS);
    expect(REAL_POSTS.length).toBe(ITEMS.length - EVENTS);
  });

  for (const c of CLIENTS) {
    it(`${c.name}: the same ${REAL_POSTS.length} messages and ${EVENTS} events, dated`, () => {
      const bytes = enc.encode(render(c));
      const warnings: string[] = [];
      expect(detectFormat(c.file, bytes)).toBe('irc');
      const { threads, stats } = readIrcLog(bytes, importContext(c.file, {}, warnings));
      expect(warnings).toEqual([]);
      expect({ skipped: stats.skipped, events: stats.events }).toEqual({ skipped: 0, events: EVENTS });
      const posts = postsInFileOrder(threads);
      expect(posts.map((p) => [p.author.name, p.text])).toEqual(REAL_POSTS);
      const firstMsg = ITEMS.find((i) => i.kind === 'post' || i.kind === 'action')!;
      expect(posts[0]!.publishedAt).toBe(c.first!(firstMsg));
    });
  }

  it('a log without day lines running past midnight: the date moves on (irssi lines, date from the file name)', () => {
    const irssi = CLIENTS[0]!;
    const items = ITEMS.filter((i) => i.kind === 'post').slice(0, 4);
    // The same four real messages, the last two re-stamped after midnight.
    const lines = items.map((i, k) => irssi.line({ ...i, h: k < 2 ? '23' : '00', m: ['50', '55', '05', '10'][k]! }));
    const { threads } = readIrcLog(enc.encode(lines.join('\n')), importContext('#qtox_2016-06-01.log'));
    expect(postsInFileOrder(threads).map((p) => p.publishedAt!.slice(0, 13))).toEqual(['2016-06-01T23', '2016-06-01T23', '2016-06-02T00', '2016-06-02T00']);
  });

  it('notices: "-nick-" lines are the nick\'s messages (three real ZNC messages written as notices)', () => {
    // Latin-1 keeps every byte as one character, so the log's one Windows-1252 line stays as it is.
    const lines = Buffer.from(corpusBytes(ZNC_FILE)).toString('latin1').split('\n');
    const at = lines.map((l, k) => (/^\[[\d:]+\] <[^>]+> /.test(l) ? k : -1)).filter((k) => k >= 0).slice(10, 13);
    for (const k of at) lines[k] = lines[k]!.replace(/^(\[[\d:]+\]) <([^>]+)> /, '$1 -$2- ');
    const { threads, stats } = readIrcLog(Buffer.from(lines.join('\n'), 'latin1'), importContext(ZNC_FILE));
    expect(stats.skipped).toBe(0);
    expect(postsInFileOrder(threads).map((p) => [p.author.name, p.text])).toEqual(REAL_POSTS);
  });

  it('streamed in small chunks: the same threads as read whole', async () => {
    const bytes = enc.encode(render(CLIENTS[3]!));
    const chunks = async function* () {
      for (let at = 0; at < bytes.length; at += 777) yield bytes.subarray(at, at + 777);
    };
    const streamed = [];
    for await (const t of importIrcStream(chunks(), importContext('p.txt'))) streamed.push(t);
    expect(streamed).toEqual(readIrcLog(bytes, importContext('p.txt')).threads);
  });
});

describe('logs that open with many events', () => {
  it('1,000 real join and quit lines before the first message: the grammar is still found, every message read', () => {
    const lines = new TextDecoder().decode(corpusBytes(ZNC_FILE)).split('\n');
    const events = lines.filter((l) => /^\[[\d:]+\] \*\*\* (Joins|Quits):/.test(l));
    // The real event lines repeated (stamped at midnight) until a thousand come before the real log.
    const opening = Array.from({ length: 1000 }, (_, k) => events[k % events.length]!.replace(/^\[[\d:]+\]/, '[00:00:00]'));
    const bytes = enc.encode([...opening, ...lines].join('\n'));
    const warnings: string[] = [];
    const { threads, stats } = readIrcLog(bytes, importContext(ZNC_FILE, {}, warnings));
    expect(stats.events).toBe(EVENTS + 1000);
    expect(postsInFileOrder(threads).map((p) => p.author.name)).toEqual(REAL_POSTS.map(([name]) => name));
  });

  it('a log of events only: no threads, and a warning saying so', () => {
    const lines = new TextDecoder().decode(corpusBytes(ZNC_FILE)).split('\n').filter((l) => /^\[[\d:]+\] \*\*\* /.test(l));
    const warnings: string[] = [];
    const { threads } = readIrcLog(enc.encode(lines.join('\n')), importContext('quiet.log', {}, warnings));
    expect(threads).toEqual([]);
    expect(warnings).toEqual([`quiet.log: no messages found: ${EVENTS} join, part and other event line(s) only.`]);
  });
});

describe('unreadable lines', () => {
  it('a few damaged lines among the real ones: imported, counted and quoted with control characters escaped', () => {
    const real = corpusBytes(ZNC_FILE);
    let cut = -1;
    for (let n = 0; n < 300; n++) cut = real.indexOf(0x0a, cut + 1);
    // Three lines of terminal noise put in the middle of the real log (after its line 300), bytes untouched.
    const noise = enc.encode('\x1b[31mgarbage\x1b[0m\n~~~~\nPING :irc.example.net\n');
    const damaged = new Uint8Array(real.length + noise.length);
    damaged.set(real.subarray(0, cut + 1));
    damaged.set(noise, cut + 1);
    damaged.set(real.subarray(cut + 1), cut + 1 + noise.length);
    const warnings: string[] = [];
    const { threads, stats } = readIrcLog(damaged, importContext('damaged.log', {}, warnings));
    expect(postsInFileOrder(threads).map((p) => [p.author.name, p.text])).toEqual(REAL_POSTS);
    expect(stats.skipped).toBe(3);
    expect(warnings).toEqual([
      'damaged.log: 1 line(s) were not UTF-8 and were read as Windows-1252/Latin-1.',
      'damaged.log: 3 line(s) could not be read and were skipped (line 301: "\\u001b[31mgarbage\\u001b[0m"; line 302: "~~~~"; line 303: "PING :irc.example.net").',
    ]);
  });

  it('a log in a line format no grammar fits: refused, naming the file, the lines and the grammars tried', () => {
    // The real lines with their time written as "02h06m03s", a style no client uses.
    const lines = new TextDecoder()
      .decode(corpusBytes(ZNC_FILE))
      .split('\n')
      .map((l) => l.replace(/^\[(\d\d):(\d\d):(\d\d)\]/, '$1h$2m$3s'));
    let err: unknown;
    expect(detectFormat('odd.log', enc.encode(lines.join('\n')))).toBe('irc');
    try {
      readIrcLog(enc.encode(lines.join('\n')), importContext('odd.log'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ImportError);
    const msg = (err as ImportError).message;
    expect(msg).toMatch(/^odd\.log \(line 1, column 1, byte 0\): no line format we know fits this log; lines it could not read: line 1: "\d\dh/);
    expect(msg).toMatch(/Tried 24 timestamp × speaker grammars \(2019-10-17T05:19:01\(\+0000\) <nick>, .*\[12:34:56\] <nick>.*\(12:34:56 PM\) nick:/);
  });
});

describe('UTF-16 logs (as Windows editors re-save them)', () => {
  it('the real ZNC log re-encoded as UTF-16LE with a byte order mark: recognised and read the same, streamed too', async () => {
    // The log is UTF-8 but for one Windows-1252 line: each line decoded as such, then written as UTF-16.
    const lines = Buffer.from(corpusBytes(ZNC_FILE)).toString('latin1').split('\n').map((l) => {
      const raw = Buffer.from(l, 'latin1');
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(raw);
      } catch {
        return [...raw].map((b) => (b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80]! : String.fromCharCode(b))).join('');
      }
    });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines.join('\r\n'), 'utf16le')]);
    expect(detectFormat('znc.log', utf16)).toBe('irc');
    const { threads, stats } = readIrcLog(utf16, importContext(ZNC_FILE));
    expect(stats.events).toBe(EVENTS);
    expect(postsInFileOrder(threads).map((p) => [p.author.name, p.text])).toEqual(REAL_POSTS);
    const streamed = [];
    const chunks = async function* () {
      for (let at = 0; at < utf16.length; at += 1001) yield utf16.subarray(at, at + 1001); // odd sizes split code units
    };
    for await (const t of importIrcStream(chunks(), importContext(ZNC_FILE))) streamed.push(t);
    expect(streamed).toEqual(threads);
  });
});
