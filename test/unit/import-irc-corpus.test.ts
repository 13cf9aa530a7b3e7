import { describe, expect, it } from 'vitest';
import { readIrcLog } from '../../lib/import/irc.ts';
import { importContext } from '../../lib/import/context.ts';
import { corpusBytes } from '../support/corpus.ts';
import { archiveExpectations, checkArchive, corpusFiles } from '../support/archive-expect.ts';

describe('IRC logs of the corpus, against their hand-checked expectations', () => {
  const expectations = archiveExpectations('irc');

  it('every IRC log in the corpus has an expectation', () => {
    expect(expectations.map((e) => e.file)).toEqual(corpusFiles('irc'));
  });

  for (const exp of expectations) {
    it(`${exp.file}: ${exp.messages} messages, ${exp.systemLines} system lines, first and last ten`, () => {
      const warnings: string[] = [];
      const { threads, stats } = readIrcLog(corpusBytes(exp.file), importContext(exp.file, {}, warnings));
      checkArchive(exp, threads, stats.events);
      // Every line is read as something: none skipped in a real log.
      expect(stats.skipped).toBe(0);
      expect(warnings.filter((w) => /could not be read/.test(w))).toEqual([]);
    });
  }
});
