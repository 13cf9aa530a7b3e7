/**
 * The mail reader's quick paths against the plain readings they stand for: header fields read off the
 * bytes (parseHeaderBytes) against the decoded block's reading (parseHeaders), quoted-printable decoded
 * by runs against a byte-by-byte decoder written here from RFC 2045, text as HTML against escaping
 * character by character, the writer's text joined in one pass against the replacements it stands for,
 * the look for quoted lines against the searches and pattern it replaces, and dates written by hand
 * against toISOString.
 * Inputs: every header block of the corpus's mail archives, hand-made edge cases and seeded random ones.
 */
import fc from 'fast-check';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { hasQuotedLine, splitMailBody } from '../../lib/import/mail-body.ts';
import { isoTime } from '../../lib/import/mbox.ts';
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
