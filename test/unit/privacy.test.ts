import { describe, expect, it } from 'vitest';
import { DETECTOR_VERSION, PII_TYPES, detectPii, piiReport, redact, type PiiType } from '../../lib/privacy/index.ts';
import { PiiReport } from '../../lib/model/entry.ts';
import { LABELLED, NEGATIVES, POSITIVES } from './privacy-labelled.ts';

type Tally = { tp: number; fp: number; fn: number };

function score() {
  const per = Object.fromEntries(PII_TYPES.map((t) => [t, { tp: 0, fp: 0, fn: 0 }])) as Record<PiiType, Tally>;
  const misses: string[] = [];
  for (const l of LABELLED) {
    const found = detectPii(l.text).map((f) => ({ type: f.type, value: l.text.slice(f.start, f.end) }));
    const wanted = [...l.expect];
    for (const f of found) {
      const i = wanted.findIndex((w) => w.type === f.type && w.value === f.value);
      if (i >= 0) {
        per[f.type].tp++;
        wanted.splice(i, 1);
      } else {
        per[f.type].fp++;
        misses.push(`false ${f.type} ${JSON.stringify(f.value)} in ${JSON.stringify(l.text)}`);
      }
    }
    for (const w of wanted) {
      per[w.type].fn++;
      misses.push(`missed ${w.type} ${JSON.stringify(w.value)} in ${JSON.stringify(l.text)}`);
    }
  }
  return { per, misses };
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

describe('labelled set', () => {
  it('is large enough and every expected value occurs in its text', () => {
    expect(POSITIVES.length).toBeGreaterThanOrEqual(120);
    expect(NEGATIVES.length).toBeGreaterThanOrEqual(130);
    for (const t of PII_TYPES) expect(POSITIVES.some((p) => p.expect.some((e) => e.type === t))).toBe(true);
    for (const l of LABELLED) for (const e of l.expect) expect(l.text).toContain(e.value);
  });

  it('reaches the precision and recall targets', () => {
    const { per, misses } = score();
    const rows = Object.fromEntries(
      PII_TYPES.map((t) => {
        const { tp, fp, fn } = per[t];
        return [t, { tp, fp, fn, precision: ratio(tp, tp + fp).toFixed(3), recall: ratio(tp, tp + fn).toFixed(3) }];
      }),
    );
    const all = Object.values(per).reduce((a, b) => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn }));
    const overall = { precision: ratio(all.tp, all.tp + all.fp), recall: ratio(all.tp, all.tp + all.fn) };
    console.table({ ...rows, ALL: { ...all, precision: overall.precision.toFixed(3), recall: overall.recall.toFixed(3) } });
    if (misses.length) console.log(misses.join('\n'));
    for (const t of ['EMAIL', 'PHONE', 'KEY', 'CARD', 'IBAN'] as const) {
      expect(ratio(per[t].tp, per[t].tp + per[t].fn), `${t} recall`).toBeGreaterThanOrEqual(0.95);
    }
    expect(overall.precision).toBeGreaterThanOrEqual(0.95);
  });
});

describe('detectPii', () => {
  it('gives UTF-16 offsets that slice out the value, after astral characters too', () => {
    const text = '🎲🎲 Mail zoë.ana@example.org or call +44 20 7946 0958 — ☎ @dice_goblin';
    const found = detectPii(text).map((f) => [f.type, text.slice(f.start, f.end)]);
    expect(detectPii(text)[0]).toEqual({ type: 'EMAIL', start: 10, end: 29 });
    expect(found).toEqual([
      ['EMAIL', 'zoë.ana@example.org'],
      ['PHONE', '+44 20 7946 0958'],
      ['USER', '@dice_goblin'],
    ]);
  });

  it('keeps the handles of the entry’s own authors, with or without @ and in any case', () => {
    const text = 'Thanks @MeepleMaster and @dice_goblin, and @stranger too.';
    const found = detectPii(text, { keepHandles: ['meeplemaster', '@Dice_Goblin'] });
    expect(found.map((f) => text.slice(f.start, f.end))).toEqual(['@stranger']);
  });

  it('resolves an address inside a URL credential into one KEY', () => {
    const text = 'db: https://alice@example.com:hunter2@db.example.net/app';
    expect(detectPii(text)).toEqual([{ type: 'KEY', start: 12, end: 37 }]);
    expect(text.slice(12, 37)).toBe('alice@example.com:hunter2');
  });

  it('never returns overlapping findings', () => {
    const text = 'postgres://bob:4111111111111111@10.1.2.3/x api_key=4111111111111111abcDEF mail bob@10.1.2.3.example.com';
    const found = detectPii(text);
    for (let i = 1; i < found.length; i++) expect(found[i]!.start).toBeGreaterThanOrEqual(found[i - 1]!.end);
  });

  it('handles a megabyte of hostile input without catastrophic backtracking', () => {
    const pieces = [
      'a'.repeat(200_000),
      '1 '.repeat(100_000),
      '1-'.repeat(50_000),
      '@'.repeat(50_000),
      'x.'.repeat(50_000),
      ':'.repeat(50_000) + 'f:'.repeat(25_000),
      '-----BEGIN PRIVATE KEY-----\n'.repeat(2_000),
      'api_key='.repeat(10_000),
      '```'.repeat(10_000) + '`a'.repeat(20_000),
      'ab@' + 'c'.repeat(100_000) + '.',
      'ftp://' + 'u'.repeat(50_000) + ':',
    ];
    const text = pieces.join(' ') + ' last: ana@example.org';
    expect(text.length).toBeGreaterThan(1_000_000);
    const found = detectPii(text);
    expect(found.at(-1)).toEqual({ type: 'EMAIL', start: text.length - 15, end: text.length });
  });
});

describe('redact', () => {
  it('replaces each finding with its typed placeholder and leaves the rest byte for byte', () => {
    const r = redact('Mail pete (at) example (dot) com, IBAN DE89 3704 0044 0532 0130 00, card 4111-1111-1111-1111.\n');
    expect(r.text).toBe('Mail <EMAIL>, IBAN <IBAN>, card <CARD>.\n');
    expect(r.findings.map((f) => f.type)).toEqual(['EMAIL', 'IBAN', 'CARD']);
  });

  it('redacts only the credential part of a URL and the value after a secret label', () => {
    expect(redact('git clone https://octo:ghp_abc123XYZ@github.com/o/r.git').text).toBe('git clone https://<KEY>@github.com/o/r.git');
    expect(redact('export API_KEY=Zk39fjQ8vLm2Np4Rs7Tu1xQ9 && run').text).toBe('export API_KEY=<KEY> && run');
  });

  it('keeps code-like @ words, versions and UUIDs', () => {
    const text = '@Override on v10.0.19041, id 123e4567-e89b-12d3-a456-426614174000, npm i @types/node, @media print';
    expect(redact(text).text).toBe(text);
  });

  it('redacts a full sample post', () => {
    const r = redact('@kate my IP is 203.0.113.45 (MAC 00:1A:2B:3C:4D:5E), ring 020 7946 0958 or fe80::1ff:fe23:4567:890a', {
      keepHandles: [],
    });
    expect(r.text).toBe('<USER> my IP is <IP> (MAC <MAC>), ring <PHONE> or <IP>');
  });
});

describe('piiReport', () => {
  it('counts each type without carrying any value, in the entry model’s shape', () => {
    const text = 'a@example.com b@example.com +44 20 7946 0958';
    const report = piiReport(detectPii(text));
    expect(report).toEqual({
      detectorVersion: DETECTOR_VERSION,
      counts: { EMAIL: 2, PHONE: 1, IP: 0, MAC: 0, KEY: 0, CARD: 0, IBAN: 0, USER: 0 },
    });
    expect(PiiReport.parse(report)).toEqual(report);
    expect(JSON.stringify(report)).not.toContain('example');
    expect(DETECTOR_VERSION).toMatch(/^pii-\d+$/);
  });
});
