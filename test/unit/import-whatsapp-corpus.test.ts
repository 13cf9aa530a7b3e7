import { describe, expect, it } from 'vitest';
import { readWhatsApp } from '../../lib/import/whatsapp.ts';
import { importContext } from '../../lib/import/context.ts';
import { splitConversations } from '../../lib/import/conversations.ts';
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

  it('conversations are cut as the shared splitter cuts the same messages', () => {
    for (const exp of expectations) {
      // A year, so that dircproxy's yearless dates have times to compare.
      const { threads } = readWhatsApp(corpusBytes(exp.file), importContext(exp.file, { year: 2008 }));
      const posts = threads.flatMap((t) => t.posts);
      const time = (at: string | null) => (at === null ? null : Date.parse(at.length === 19 ? `${at}Z` : at));
      const split = splitConversations(posts.map((post) => ({ post, time: time(post.publishedAt) })));
      expect(threads.map((t) => t.posts.length)).toEqual(split.map((c) => c.length));
    }
  });
});
