/**
 * The mail reader's quick paths against the plain readings they stand for: header fields read off the
 * bytes (parseHeaderBytes) against the decoded block's reading (parseHeaders), quoted-printable decoded
 * by runs against a byte-by-byte decoder written here from RFC 2045, text as HTML against escaping
 * character by character, the writer's text joined in one pass against the replacements it stands for,
 * the look for quoted lines against the searches and pattern it replaces, dates written by hand
 * against toISOString, Date fields read by hand against the pattern they were read with, and subjects
 * normalised with their patterns tried only where they can match against all of them tried.
 * Inputs: every header block of the corpus's mail archives, hand-made edge cases and seeded random ones.
 */
import fc from 'fast-check';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { hasQuotedLine, splitMailBody } from '../../lib/import/mail-body.ts';
import { isoTime, mailTime, normaliseSubject } from '../../lib/import/mbox.ts';
import { decodeQuotedPrintable, parseHeaderBytes, parseHeaders } from '../../lib/import/mail-mime.ts';
import { textHtml } from '../../lib/import/message-text.ts';
import { corpusBytes } from '../support/corpus.ts';

const ARCHIVES = [
  'listserv/listserv-3gpp-tsg-sa-wg4-evs.mbox',
  'listserv/listserv-notebook-3gpp-tsg-sa-itut-ahg-LOG1705B.txt',
  'mailman/mailman2-pipermail-metrics-grimoire-2015-11.mbox',
  'mailman/mailman2-pipermail-bigbang-dev-2014-11.txt',
  'mbox/gnome-desktop-devel-list-2-messages.mbox',
  'nntp/nntp-article-mozilla-dev-project-link-2016.txt',
  'groupsio/groupsio-updates-export-messages.zip',
];

const enc = new TextEncoder();
const asObject = (r: ReturnType<typeof parseHeaders>) => (r ? { fields: Object.fromEntries(r.fields), bad: r.bad } : null);

/** Each message's header block (from after its envelope line to its first empty line), as bytes. */
function headerBlocks(b: Uint8Array): Uint8Array[] {
  const text = Buffer.from(b).toString('latin1');
  const out: Uint8Array[] = [];
  for (const m of text.split(/^From .*\r?\n|^={40,}\r?\n/m)) {
    const end = m.search(/\r?\n\r?\n/);
    if (end > 0) out.push(new Uint8Array(Buffer.from(m.slice(0, end + 1), 'latin1')));
  }
  return out;
}

describe('header fields read off the bytes', () => {
  it('reads every corpus header block as the decoded block reads', () => {
    let blocks = 0;
    for (const file of ARCHIVES) {
      const raw = corpusBytes(file);
      const b = file.endsWith('.zip') ? unzipSync(raw)['messages.mbox']! : raw;
      for (const block of headerBlocks(b)) {
        blocks++;
        const ascii = block.every((c) => c < 0x80);
        // A block with other bytes is read by parseHeaders itself; only ASCII blocks take the quick path.
        if (ascii) expect([file, asObject(parseHeaderBytes(block))]).toEqual([file, asObject(parseHeaders(new TextDecoder().decode(block)))]);
      }
    }
    expect(blocks).toBeGreaterThan(100);
  });

  it('agrees on hand-made edge cases', () => {
    const cases = [
      'Subject: a\n\tfolded\n  twice \nFrom: x\n',
      'SUBJECT : upper case, blank before the colon\r\nMessage-ID:<a@b>\r\n',
      'From: first\nFrom: second wins nothing\nDate:\n',
      ' leading blank line\nFrom: x\n',
      'not a header\nFrom: x\n',
      'From: x\nthis line is bad\n \t \nSubject: after blanks\n',
      'X-Long: y\n continuation of an unwanted field\nReferences: <a@b>\n <c@d>\n\t<e@f>\n',
      'Content-Type: text/plain;\n charset="us-ascii"\nContent-Transfer-Encoding: quoted-printable',
      'Date: Tue, 1 Jan 2019 10:00:00 +0000\r\n\r\n',
      'In-Reply-To:\n <x@y>\n',
      ': no name\nFrom: x\n',
      'Fro m: space inside\nSubject: s\n',
      '\x01\x02: control name\nSubject: s\n',
      '',
      'From: x',
    ];
    for (const c of cases) expect([c, asObject(parseHeaderBytes(enc.encode(c)))]).toEqual([c, asObject(parseHeaders(c))]);
  });

  it('agrees on random ASCII blocks', () => {
    const line = fc.oneof(
      fc.constantFrom('From', 'Subject', 'subject', 'DATE', 'Message-ID', 'References', 'In-Reply-To', 'Received', 'X-A', 'Content-Type', '', ' ', '\t').chain((n) =>
        fc.string({ unit: fc.constantFrom('a', ' ', '\t', ':', '<', '>', '@', '\r', 'Z', '-'), maxLength: 12 }).map((v) => `${n}:${v}`),
      ),
      fc.string({ unit: fc.constantFrom('a', ' ', '\t', ':', '\r', '\x0b'), maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.boolean(), (lines, crlf) => {
        const text = lines.join(crlf ? '\r\n' : '\n');
        expect(asObject(parseHeaderBytes(enc.encode(text)))).toEqual(asObject(parseHeaders(text)));
      }),
      { seed: 17, numRuns: 3000 },
    );
  });
});

/** RFC 2045 quoted-printable, one byte at a time: "=XX" is a byte, "=" then blanks then a line end is a soft break, any other "=" stays. */
function qpReference(b: Uint8Array): number[] {
  const hex = (c: number | undefined) => (c === undefined ? -1 : '0123456789ABCDEFabcdef'.indexOf(String.fromCharCode(c)) < 0 ? -1 : parseInt(String.fromCharCode(c), 16));
  const out: number[] = [];
  let i = 0;
  while (i < b.length) {
    if (b[i] !== 0x3d) {
      out.push(b[i++]!);
      continue;
    }
    const h = hex(b[i + 1]);
    const l = hex(b[i + 2]);
    if (h >= 0 && l >= 0) {
      out.push(h * 16 + l);
      i += 3;
      continue;
    }
    let k = i + 1;
    while (b[k] === 0x20 || b[k] === 0x09) k++;
    if (b[k] === 0x0d && b[k + 1] === 0x0a) i = k + 2;
    else if (b[k] === 0x0a) i = k + 1;
    else if (k >= b.length) i = k;
    else {
      out.push(0x3d);
      i++;
    }
  }
  return out;
}

describe('quoted-printable by runs', () => {
  it('decodes as the byte-by-byte reading does, runs long and short', () => {
    const unit = fc.constantFrom(0x3d, 0x3d, 0x20, 0x09, 0x0d, 0x0a, 0x41, 0x61, 0x30, 0x39, 0x46, 0x66, 0x67, 0xe9);
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }), fc.nat(120), (bytes, run) => {
        // A long run without "=" somewhere, so the copied-whole path is taken too.
        const b = Uint8Array.from([...bytes.slice(0, 7), ...Array.from({ length: run }, (_, i) => 0x61 + (i % 26)), ...bytes.slice(7)]);
        expect(Array.from(decodeQuotedPrintable(b))).toEqual(qpReference(b));
      }),
      { seed: 17, numRuns: 5000 },
    );
  });
});

describe('text as HTML', () => {
  const reference = (s: string) => {
    const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    if (!s) return '';
    let out = '';
    let at = 0;
    for (const m of s.matchAll(/\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g)) {
      out += esc(s.slice(at, m.index)).replace(/\n/g, '<br>');
      out += `<a href="${esc(m[0])}">${esc(m[0])}</a>`;
      at = m.index + m[0].length;
    }
    out += esc(s.slice(at)).replace(/\n/g, '<br>');
    return out ? `<p>${out}</p>` : '';
  };
  it('escapes and breaks lines as a character-by-character escape does', () => {
    const unit = fc.constantFrom('a', ' ', '&', '<', '>', '"', "'", '\n', 'http://x.org/a?b=1&c', 'https://y.example/', '.', 'é');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 30 }), (parts) => {
        const s = parts.join('');
        expect(textHtml(s)).toBe(reference(s));
      }),
      { seed: 17, numRuns: 3000 },
    );
  });
});

describe("the writer's text joined in one pass", () => {
  it('drops blanks and tabs at line ends and makes runs of empty lines one', () => {
    expect(splitMailBody('a  \n\n\n\nb\t\n \n\nc \u00a0\n\n\n').text).toBe('a\n\nb\n\nc');
    // A line of other blanks is not empty: it keeps its line breaks on both sides.
    expect(splitMailBody('a\n\n\n\u00a0\n\n\nb').text).toBe('a\n\n\u00a0\n\nb');
  });

  it('gives what replacing in the joined text gives, on random bodies', () => {
    const unit = fc.constantFrom('a', 'b', ' ', '\t', '\n', '\n', '\u00a0', '\r\n');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }), (parts) => {
        const body = parts.join('');
        const lines = body.replace(/\r\n?/g, '\n').split('\n');
        const want = lines.join('\n').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
        expect(splitMailBody(body).text).toBe(want);
      }),
      { seed: 17, numRuns: 3000 },
    );
  });
});

describe("a body's lines read as offsets", () => {
  // Bodies without quoted lines are read without a string per line: the signature, an attribution left at
  // the end and an answered message are found on offsets; these are what the lines, split, gave.
  it('finds the signature, a trailing attribution and an answered message as the split lines did', () => {
    const cases: [string, ReturnType<typeof splitMailBody>][] = [
      ['Hi\n\n-- \nAnn\nExample Ltd\n', { text: 'Hi', quotes: [], signature: 'Ann\nExample Ltd', files: [] }],
      ['Hi\n--\nAnn', { text: 'Hi', quotes: [], signature: 'Ann', files: [] }],
      ['Hi\n-- ', { text: 'Hi', quotes: [], signature: null, files: [] }],
      ['-- \nonly a signature line first', { text: '--\nonly a signature line first', quotes: [], signature: null, files: [] }],
      ['a  \nb\n\n\nc\n-- \nsig  \n\n\nmore', { text: 'a\nb\n\nc', quotes: [], signature: 'sig  \n\n\nmore', files: [] }],
      ['Thanks.\n\nOn Mon, 1 Jan 2020, Ann Example wrote:\n\n', { text: 'Thanks.', quotes: [], signature: null, files: [] }],
      ['Yes [...] indeed\n[snip]\nok\n\n-- \nAnn', { text: 'Yes indeed\nok', quotes: [], signature: 'Ann', files: [] }],
      [
        'See below. -----Original Message----- From: Bob\nSent: today\nTo: list\n\nThe question.',
        { text: 'See below.', quotes: [{ postId: null, author: 'Bob', text: '-----Original Message----- From: Bob\nSent: today\nTo: list\n\nThe question.' }], signature: null, files: [] },
      ],
      [
        'Agreed.\n\n__________\nFrom: Bob Smith <b@x.org>\nSent: today\n\nPlease agree.',
        { text: 'Agreed.', quotes: [{ postId: null, author: 'Bob Smith', text: '__________\nFrom: Bob Smith <b@x.org>\nSent: today\n\nPlease agree.' }], signature: null, files: [] },
      ],
    ];
    for (const [body, want] of cases) expect([body, splitMailBody(body)]).toEqual([body, want]);
  });
});

describe('quoted lines found by looking back from each ">"', () => {
  const before = (body: string) => body.charCodeAt(0) === 0x3e || body.includes('\n>') || ((body.includes(' >') || body.includes('\t>')) && /^[ \t]*>/m.test(body));
  it('decides as the searches and the pattern did', () => {
    for (const b of ['', '>', 'a>', ' >', 'a\n >', 'a\n\t\t> x', 'a >b', 'a\u2028>b', 'a\u2028>b c >', 'a\u2029 >b', 'x\n\n>']) expect(hasQuotedLine(b), JSON.stringify(b)).toBe(before(b));
    const unit = fc.constantFrom('a', '>', ' ', '\t', '\n', '\u2028', '\r');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 30 }), (parts) => {
        const body = parts.join('');
        expect(hasQuotedLine(body)).toBe(before(body));
      }),
      { seed: 17, numRuns: 5000 },
    );
  });

  it('a list footer at the very start of the text is still the list\'s', () => {
    expect(splitMailBody(`${'_'.repeat(24)}\nbench mailing list\nbench@example.org`).text).toBe('');
    expect(splitMailBody(`Hi.\n${'_'.repeat(24)}\nbench mailing list\nbench@example.org`).text).toBe('Hi.');
  });

  it('an Outlook separator indented or after blanks still starts the answered message', () => {
    const o = splitMailBody('Agreed.\n\n  \t-----Original Message-----\nFrom: Bob <b@x.org>\nSent: today\n\nPlease agree.');
    expect(o.text).toBe('Agreed.');
    expect(o.quotes[0]?.text).toContain('Please agree.');
  });
});

describe('dates written by hand', () => {
  it('as toISOString writes them, without ".000"', () => {
    const cases = [0, 999, 1000, 86_399_999, 86_400_000, Date.UTC(2015, 10, 14, 21, 29, 28), Date.UTC(2199, 11, 31, 23, 59, 59, 5), Date.UTC(2000, 1, 29, 12)];
    for (const ms of cases) expect(isoTime(ms)).toBe(new Date(ms).toISOString().replace('.000Z', 'Z'));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }), fc.boolean(), (t, whole) => {
        const ms = whole ? t - (t % 1000) : t;
        expect(isoTime(ms)).toBe(new Date(ms).toISOString().replace('.000Z', 'Z'));
      }),
      { seed: 17, numRuns: 5000 },
    );
  });
});

/** mailTime as it was, with the pattern: the reference its hand-written reading must agree with. */
const RFC5322_DATE = /^\s*(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4})?/;
const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
function mailTimeByPattern(v: string): number | null {
  if (!v) return null;
  const m = RFC5322_DATE.exec(v);
  const mo = m ? MONTHS[m[2]!.toLowerCase()] : undefined;
  if (m && mo !== undefined && (m[7] || /^\s*(?:GMT|UTC?|Z)\b/i.test(v.slice(m[0].length)))) {
    const off = m[7] ? (m[7][0] === '-' ? -1 : 1) * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(3, 5))) : 0;
    const t = Date.UTC(Number(m[3]), mo, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) - off * 60_000;
    if (t >= 0 && t <= Date.UTC(2200, 0, 1)) return t;
  }
  const t = Date.parse(v.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim());
  if (Number.isNaN(t) || t < Date.UTC(1970, 0, 1) || t > Date.UTC(2200, 0, 1)) return null;
  return t;
}

describe('Date fields read by hand', () => {
  it('give the instant the pattern gave: every Date of the corpus, edge cases, and random ones made of date pieces', () => {
    const dates: string[] = [];
    for (const f of ARCHIVES) {
      const bytes = f.endsWith('.zip') ? unzipSync(corpusBytes(f))['messages.mbox']! : corpusBytes(f);
      for (const m of new TextDecoder('latin1').decode(bytes).matchAll(/^Date:(.*)$/gim)) dates.push(m[1]!);
    }
    expect(dates.length).toBeGreaterThan(50);
    const cases = [
      ...dates,
      'Tue, 15 Mar 2016 22:14:56 +0100', '15 Mar 2016 22:14 -0830', 'Tues, 15 Mar 2016 22:14:56 +0100', 'tue,15 mar 2016 22:14:56 GMT',
      ' Sat,  1 JANUARY 2000 0:00:00 UT', '1 Jan 2000 00:00:00 Z', '1 Jan 2000 00:00:00 UTC+1', '1 Jan 2000 00:00:00 GMTX', '123 Mar 2016 10:00 +0000',
      '15 Mar 20166 10:00 +0000', '15 Mar 2016 100:00 +0000', '15 Mar 2016 10:0 +0000', '15 Mar 2016 10:00:5 +0000', '15 Mar 2016 10:00+01000',
      '15 Foo 2016 10:00 +0000', '15 MarCH 2016 10:00 +0000', '15 March 2016 10:00 (CET)', '31 Dec 2199 23:59:59 -0100', '1 Jan 1970 00:00:00 +0001',
      '15\u00a0Mar\u20032016\u300010:00\ufeff+0000', '\u2028 15 Mar 2016 10:00 +0000', '15 Mar 2016 10:00 \u2029GMT', 'Mon, 15 Mar 2016', '',
    ];
    for (const v of cases) expect([v, mailTime(v)]).toEqual([v, mailTimeByPattern(v)]);
    const piece = fc.constantFrom('Tue', 'tue', 'Tues', ',', ' ', '  ', '\t', '\u00a0', '1', '15', '123', 'Mar', 'mar', 'MAR', 'March', 'Foo', '2016', '20166', '1969', '2200', '22', '0', ':', '14', '56', '5', '+0100', '-0830', '+01', 'GMT', 'UT', 'UTC', 'Z', 'Zulu', '(CET)', 'x');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (parts) => {
        const v = parts.join('');
        expect([v, mailTime(v)]).toEqual([v, mailTimeByPattern(v)]);
      }),
      { seed: 5, numRuns: 20000 },
    );
    // Shaped like a date, with a piece changed here and there.
    fc.assert(
      fc.property(fc.constantFrom('', 'Tue, ', 'tue,', 'Tues, '), fc.integer({ min: 0, max: 123 }), fc.constantFrom('Mar', 'mAR', 'Marchx', 'Mxr'), fc.integer({ min: 1960, max: 2300 }), fc.integer({ min: 0, max: 123 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom('', ':07', ':7', ':077'), fc.constantFrom('', ' ', '  '), fc.constantFrom('', '+0100', '-1259', '+01', 'GMT', 'UTC', 'ut', 'Z', 'EST', '(CET)'), (day, d, mon, y, h, mi, s, blank, zone) => {
        const v = `${day}${d} ${mon} ${y} ${h}:${String(mi).padStart(2, '0')}${s}${blank}${zone}`;
        expect([v, mailTime(v)]).toEqual([v, mailTimeByPattern(v)]);
      }),
      { seed: 9, numRuns: 20000 },
    );
  });
});

/** normaliseSubject as it was, every pattern tried on every subject: the reference for its quick checks. */
function subjectByPatterns(s: string): string {
  let t = s.trim().replace(/^'(.*)'$/, '$1').replace(/\s+/g, ' ');
  for (;;) {
    const next = t.replace(/^(?:\[[^\]]+\]\s*|(?:re|aw|sv|fwd?|wg|tr|rif|antw|odp|vs)(?:\[\d+\])?\s*:\s*)/i, '');
    if (next === t) return t.toLowerCase();
    t = next;
  }
}

describe('Subjects normalised', () => {
  it('as when every pattern was tried: every Subject of the corpus, and random ones made of subject pieces', () => {
    const subjects: string[] = [];
    for (const f of ARCHIVES) {
      const bytes = f.endsWith('.zip') ? unzipSync(corpusBytes(f))['messages.mbox']! : corpusBytes(f);
      for (const m of new TextDecoder('latin1').decode(bytes).matchAll(/^Subject:(.*)$/gim)) subjects.push(m[1]!);
    }
    expect(subjects.length).toBeGreaterThan(50);
    for (const v of subjects) expect([v, normaliseSubject(v)]).toEqual([v, subjectByPatterns(v)]);
    const piece = fc.constantFrom("'", ' ', '  ', '\t', '\n', '\u00a0', '\u2028', '\u3000', 'Re', 're', 'RE', ':', ' :', 'AW', 'Fwd', 'fw', 'SV', 'Antw', 'odp', 'vs', 'tr', 'rif', 'wg', '[list]', '[', ']', '[2]', 'x', 'Hello', '\u017f', '\u212a', 'É');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const v = parts.join('');
        expect([v, normaliseSubject(v)]).toEqual([v, subjectByPatterns(v)]);
      }),
      { seed: 7, numRuns: 20000 },
    );
  });
});
