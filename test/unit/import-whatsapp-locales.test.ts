import { describe, expect, it } from 'vitest';
import { importWhatsAppStream, readWhatsApp } from '../../lib/import/whatsapp.ts';
import { importContext } from '../../lib/import/context.ts';
import { detectFormat } from '../../lib/import/index.ts';
import { corpusBytes } from '../support/corpus.ts';
import { postsInFileOrder } from '../support/archive-expect.ts';

/*
 * The corpus has real iOS exports (German, UK English) and one small Android export. Android exports
 * and other locales are built here at run time from the real iOS lines: the same people, words, media
 * and WhatsApp notices, re-written as Android writes them ("date, time - Name: text"; its notices without
 * "Name:" and without the mark iOS puts before them; "<Media omitted>" or "FILE (file attached)" for media,
 * as the real Android sample and WhatsApp's export help show) with each locale's date and clock (the
 * phone's CLDR short date and time patterns: en-US "6/7/23, 8:28 PM", de "07.06.23, 20:28",
 * fi "7.6.2023 20.28", es "7/6/23, 8:28 p. m.", ja "2023/06/07 20:28", ko "2023. 6. 7. 오후 8:28",
 * af "2023-06-07, 8:28 nm.", pt-BR "07/06/2023 20:28"). None of these exports is real.
 */

const FILES = ['whatsapp/ios-de-klimmzugchallenge-_chat.txt', 'whatsapp/ios-en-gb-plusword-gamers-_chat.txt'];
const MARKS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

interface Entry {
  d: number;
  mo: number;
  y: number;
  h: number;
  mi: number;
  s: number;
  rest: string;
  more: string[];
}

/** A real iOS export as entries (a reading of iOS's own format, independent of the importer). */
function iosEntries(file: string): Entry[] {
  const out: Entry[] = [];
  for (const line of new TextDecoder().decode(corpusBytes(file)).split(/\r?\n/)) {
    const m = /^\u200e?\[(\d\d)[./](\d\d)[./](\d{2,4}), (\d\d):(\d\d):(\d\d)\] (.*)$/.exec(line);
    if (m) out.push({ d: +m[1]!, mo: +m[2]!, y: +m[3]! % 100, h: +m[4]!, mi: +m[5]!, s: +m[6]!, rest: m[7]!, more: [] });
    else if (out.length) out[out.length - 1]!.more.push(line);
  }
  while (out.length && out[out.length - 1]!.more.at(-1) === '') out[out.length - 1]!.more.pop();
  return out;
}

/** How Android writes what iOS wrote after the time. */
function androidRest(e: Entry, german: boolean): { rest: string; more: string[] } {
  // iOS's own notices: "‎Ann added Bob", or "‎You: ‎You pinned a message" (Android: the notice alone).
  if (e.rest.startsWith('\u200e')) return { rest: e.rest.replace(/^\u200e[^:]*: (?=\u200e)/, '').replace(MARKS, ''), more: e.more };
  const sep = e.rest.indexOf(': ');
  const name = e.rest.slice(0, sep);
  const body = e.rest.slice(sep + 2);
  if (!body.startsWith('\u200e')) return { rest: e.rest, more: e.more };
  const b = body.replace(MARKS, '');
  const file = /^<attached: (.+)>$/.exec(b);
  if (file) return { rest: `${name}: ${file[1]} ${german ? '(Datei angehängt)' : '(file attached)'}`, more: [] };
  if (/ omitted$| weggelassen$/.test(b)) return { rest: `${name}: ${german ? '<Medien ausgeschlossen>' : '<Media omitted>'}`, more: [] };
  if (/deleted|gelöscht/.test(b) || /^(ABSTIMMUNG|POLL):$/.test(b)) return { rest: `${name}: ${b}`, more: e.more.map((l) => l.replace(MARKS, '')) };
  // WhatsApp's notices about the group: Android writes them without the sender's name.
  return { rest: b, more: e.more };
}

const two = (n: number) => String(n).padStart(2, '0');
const h12 = (h: number) => h % 12 || 12;

interface Locale {
  name: string;
  stamp: (e: Entry) => string;
  german?: boolean;
}

const ANDROID: Locale[] = [
  { name: 'Android en-US (month first, 12-hour clock)', stamp: (e) => `${e.mo}/${e.d}/${e.y}, ${h12(e.h)}:${two(e.mi)}\u202f${e.h < 12 ? 'AM' : 'PM'} - ` },
  { name: 'Android de (24-hour)', stamp: (e) => `${two(e.d)}.${two(e.mo)}.${two(e.y)}, ${two(e.h)}:${two(e.mi)} - `, german: true },
  { name: 'Android fi (dots in the time, no comma, four-digit year)', stamp: (e) => `${e.d}.${e.mo}.20${two(e.y)} ${e.h}.${two(e.mi)} - ` },
  { name: 'Android es (a. m. / p. m.)', stamp: (e) => `${e.d}/${e.mo}/${two(e.y)}, ${h12(e.h)}:${two(e.mi)}\u00a0${e.h < 12 ? 'a.\u00a0m.' : 'p.\u00a0m.'} - ` },
  { name: 'Android ja (year first)', stamp: (e) => `20${two(e.y)}/${two(e.mo)}/${two(e.d)} ${two(e.h)}:${two(e.mi)} - ` },
  { name: 'Android ko (year first, 오전/오후 before the time)', stamp: (e) => `20${two(e.y)}. ${e.mo}. ${e.d}. ${e.h < 12 ? '오전' : '오후'} ${h12(e.h)}:${two(e.mi)} - ` },
  { name: 'Android af (vm./nm., words the reader does not list)', stamp: (e) => `20${two(e.y)}-${two(e.mo)}-${two(e.d)}, ${h12(e.h)}:${two(e.mi)} ${e.h < 12 ? 'vm.' : 'nm.'} - ` },
  { name: 'Android pt-BR (no comma)', stamp: (e) => `${two(e.d)}/${two(e.mo)}/20${two(e.y)} ${two(e.h)}:${two(e.mi)} - `, german: true },
];

const enc = new TextEncoder();

function androidExport(entries: Entry[], loc: Locale): string {
  const out: string[] = [];
  for (const e of entries) {
    const { rest, more } = androidRest(e, !!loc.german);
    out.push(loc.stamp(e) + rest, ...more);
  }
  return out.join('\n') + '\n';
}

const minute = (at: string | null) => at!.slice(0, 16);

for (const file of FILES) {
  const entries = iosEntries(file);
  const real = readWhatsApp(corpusBytes(file), importContext(file));
  const realPosts = postsInFileOrder(real.threads);
  const expected = realPosts.map((p) => [p.author.name, p.text, minute(p.publishedAt)]);

  describe(`${file.split('/')[1]} re-written as other phones and locales write it`, () => {
    it('the reference: every header line of the real export read', () => {
      expect(real.stats.posts + real.stats.events).toBe(entries.length);
    });

    for (const loc of ANDROID) {
      it(`${loc.name}: the same messages, authors, minutes, events and media`, () => {
        const bytes = enc.encode(androidExport(entries, loc));
        expect(detectFormat('chat.txt', bytes)).toBe('whatsapp');
        const warnings: string[] = [];
        const { threads, stats } = readWhatsApp(bytes, importContext('WhatsApp Chat with Group.txt', {}, warnings));
        expect(warnings).toEqual([]);
        expect({ events: stats.events, media: stats.media }).toEqual({ events: real.stats.events, media: real.stats.media });
        expect(postsInFileOrder(threads).map((p) => [p.author.name, p.text, minute(p.publishedAt)])).toEqual(expected);
      });
    }

    it('iOS ja: year first, 午前/午後 written before the time without a space', () => {
      const text = entries
        .map((e) => [`[20${two(e.y)}/${two(e.mo)}/${two(e.d)} ${e.h < 12 ? '午前' : '午後'}${h12(e.h)}:${two(e.mi)}:${two(e.s)}] ${e.rest}`, ...e.more].join('\n'))
        .join('\n') + '\n'; // iOS ends every message with a line break, the last one too
      const { threads, stats } = readWhatsApp(enc.encode(text), importContext('_chat.txt'));
      expect(stats).toEqual({ ...real.stats, order: 'ymd' });
      expect(postsInFileOrder(threads).map((p) => [p.author.name, p.text, p.publishedAt])).toEqual(realPosts.map((p) => [p.author.name, p.text, p.publishedAt]));
    });

    it('iOS en-US: brackets, month first, narrow no-break space before PM, seconds kept', () => {
      const text = entries
        .map((e) => [`[${e.mo}/${e.d}/${e.y}, ${h12(e.h)}:${two(e.mi)}:${two(e.s)}\u202f${e.h < 12 ? 'AM' : 'PM'}] ${e.rest}`, ...e.more].join('\n'))
        .join('\n') + '\n';
      const { threads, stats } = readWhatsApp(enc.encode(text), importContext('_chat.txt'));
      expect(stats).toEqual({ ...real.stats, order: 'mdy' });
      expect(postsInFileOrder(threads).map((p) => [p.author.name, p.text, p.publishedAt])).toEqual(realPosts.map((p) => [p.author.name, p.text, p.publishedAt]));
    });
  });
}

describe('WhatsApp: inference over the whole file, long first messages, streaming', () => {
  const entries = iosEntries(FILES[0]!);

  it('month first is found from the whole file even when the first days could be either', () => {
    const first = entries[0]!;
    expect(first.d <= 12 && first.mo <= 12).toBe(true); // the real export starts on an ambiguous date
    const bytes = enc.encode(androidExport(entries, ANDROID[0]!));
    const { stats } = readWhatsApp(bytes, importContext('c.txt'));
    expect(stats.order).toBe('mdy');
  });

  it('a first message of 26 lines: recognised and read whole', () => {
    const en = iosEntries(FILES[1]!);
    const firstPost = en.findIndex((e) => !e.rest.startsWith('\u200e') && !e.rest.includes(': \u200e'));
    // The first message carries the next 25 real messages' words as its further lines.
    const long: Entry = { ...en[firstPost]!, more: en.slice(firstPost + 1, firstPost + 26).map((e) => e.rest.slice(e.rest.indexOf(': ') + 2).replace(MARKS, '')) };
    const bytes = enc.encode(androidExport([long, ...en.slice(firstPost + 26, firstPost + 40)], ANDROID[1]!));
    expect(detectFormat('chat.txt', bytes)).toBe('whatsapp');
    const posts = postsInFileOrder(readWhatsApp(bytes, importContext('c.txt')).threads);
    expect(posts[0]!.text.split('\n')).toHaveLength(26);
  });

  it('streamed in small chunks, read twice: the same threads as read whole', async () => {
    const bytes = enc.encode(androidExport(entries, ANDROID[2]!));
    const open = async function* () {
      for (let at = 0; at < bytes.length; at += 4093) yield bytes.subarray(at, at + 4093);
    };
    const streamed = [];
    for await (const t of importWhatsAppStream(open, importContext('c.txt'))) streamed.push(t);
    expect(streamed).toEqual(readWhatsApp(bytes, importContext('c.txt')).threads);
  });
});

describe('WhatsApp export re-saved as UTF-16BE with a byte order mark', () => {
  it('recognised and read as the real file', () => {
    const file = FILES[0]!;
    const text = new TextDecoder().decode(corpusBytes(file));
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.alloc(le.length + 2);
    be[0] = 0xfe;
    be[1] = 0xff;
    for (let i = 0; i < le.length; i += 2) {
      be[i + 2] = le[i + 1]!;
      be[i + 3] = le[i]!;
    }
    expect(detectFormat('_chat.txt', be)).toBe('whatsapp');
    const real = readWhatsApp(corpusBytes(file), importContext(file));
    const { threads, stats } = readWhatsApp(be, importContext(file));
    expect(stats).toEqual(real.stats);
    expect(threads).toEqual(real.threads);
  });
});
