import { describe, expect, it } from 'vitest';
import { readWhatsApp } from '../../lib/import/whatsapp.ts';
import { importContext } from '../../lib/import/context.ts';
import { corpusBytes } from '../support/corpus.ts';
import { archiveExpectations, checkArchive, corpusFiles } from '../support/archive-expect.ts';

describe('WhatsApp exports of the corpus, against their hand-checked expectations', () => {
  const expectations = archiveExpectations('whatsapp');

  it('every WhatsApp export in the corpus has an expectation', () => {
    expect(expectations.map((e) => e.file)).toEqual(corpusFiles('whatsapp'));
  });

  for (const exp of expectations) {
    it(`${exp.file}: ${exp.messages} messages, ${exp.systemLines} system lines, first and last ten`, () => {
      const warnings: string[] = [];
      const { threads, stats } = readWhatsApp(corpusBytes(exp.file), importContext(exp.file, {}, warnings));
      checkArchive(exp, threads, stats.events);
      // Every line is read as something: none skipped in a real export.
      expect(stats.skipped).toBe(0);
      expect(warnings.filter((w) => /could not be read/.test(w))).toEqual([]);
    });
  }
});
