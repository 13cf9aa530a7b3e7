import { describe, expect, it } from 'vitest';
import { ANGLE, classify, Kind, said, TIME_STYLES, type Stamp } from '../../lib/import/line-grammar.ts';
import { head } from '../../lib/import/whatsapp.ts';

/** A small seeded generator, so a failure names a case that can be run again. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const stamp = (): Stamp => ({ y: null, mo: null, d: null, h: -1, mi: -1, s: -1, off: null });

/** Lines near the stamp shapes: a valid one with characters replaced, dropped or inserted from an alphabet of the regex's own characters. */
function variants(bases: string[], alphabet: string, n: number, seed: number): string[] {
  const r = rng(seed);
  const out: string[] = [...bases];
  for (let k = 0; k < n; k++) {
    let s = bases[Math.floor(r() * bases.length)]!;
    const edits = 1 + Math.floor(r() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(r() * (s.length + 1));
      const ch = alphabet[Math.floor(r() * alphabet.length)]!;
      const op = r();
      s = op < 0.4 ? s.slice(0, at) + ch + s.slice(at + 1) : op < 0.7 ? s.slice(0, at) + s.slice(at + 1) : s.slice(0, at) + ch + s.slice(at);
    }
    out.push(s);
  }
  return out;
}

describe('hand-written scans agree with the regexes they stand for', () => {
  it('the iso stamp scan gives the regex and read result on near-miss lines', () => {
    const iso = TIME_STYLES.find((s) => s.id === 'iso')!;
    expect(iso.scan).toBeTypeOf('function');
    const bases = [
      '2019-10-17T05:19:01+0000  <nick> hi',
      '[2018-01-02T12:34:56-05:00] <nick> hi',
      '2021-03-01 10:00:05\tnick\thi',
      '2021/03/01 10:00 x',
      '2021.03.01T10:00:05.123Z \t x',
      '[2021-13-01 25:61:61,5] x',
    ];
    let matched = 0;
    for (const line of variants(bases, '0123456789-/.:T Z+,[]\tx', 20000, 17)) {
      const a = stamp();
      const m = iso.re.exec(line);
      const want = m && iso.read(m, a) ? m[0].length : -1;
      const b = stamp();
      const got = iso.scan!(line, b);
      expect([line, got]).toEqual([line, want]);
      if (want >= 0) {
        matched++;
        expect([line, b]).toEqual([line, a]);
      }
    }
    // The variants must exercise both outcomes, or the comparison proves little.
    expect(matched).toBeGreaterThan(1000);
  });

  it('classify reads "<nick> text" as the ANGLE regex does', () => {
    const bases = ['<nick> hello there', '<@op> x', '< nick>\ty', '<+v-oice> z', '<a!u@h> w', '<@>', '<nick>', '<ni ck> no'];
    let posts = 0;
    for (const body of variants(bases, '<>@+%~&! \t-09aZé', 20000, 29)) {
      const m = ANGLE.exec(body);
      said.nick = '';
      said.text = '';
      const kind = classify(body, 'angle');
      if (m) {
        posts++;
        expect([body, kind, said.nick, said.text]).toEqual([body, Kind.Post, m[1], m[2]]);
      } else expect([body, kind === Kind.Post && body.startsWith('<')]).toEqual([body, false]);
    }
    expect(posts).toBeGreaterThan(1000);
  });

  it('the WhatsApp header quick path gives the regex result on near-miss lines', () => {
    const bases = [
      '12/9/20, 23:55 - nick: words here',
      '13.01.22 14.14 - nick: x',
      '[07.06.23, 20:28:13] nick: y',
      '2020-01-13, 9:05 – nick: z',
      '1/13/22, 9:05\u202fPM - nick: w',
      '[1/13/22, 9:05:01 PM] nick: v',
      '12/9/2020,  23:55 -  nick',
    ];
    let quick = 0;
    for (const line of variants(bases, '0123456789./-:, []–\u202f\u00a0\u200e\tPMx', 20000, 41)) {
      const want = head(line, false);
      const got = head(line, true);
      expect([line, got]).toEqual([line, want]);
      if (want) quick++;
    }
    expect(quick).toBeGreaterThan(1000);
  });
});
