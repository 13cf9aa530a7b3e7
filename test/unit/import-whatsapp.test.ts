import { describe, expect, it } from 'vitest';
import { importWhatsApp } from '../../lib/import/whatsapp.ts';
import { importContext } from '../../lib/import/context.ts';
import { corpusBytes } from '../support/corpus.ts';

const enc = new TextEncoder();

describe('WhatsApp text export', () => {
  it('Android sample: 11 messages by 5 people; the 3 notices (encryption, group created, added) dropped', () => {
    const warnings: string[] = [];
    const threads = importWhatsApp(corpusBytes('whatsapp/mlomb_wa_4A_11M.txt'), importContext('chat.txt', {}, warnings));
    expect(threads).toHaveLength(1);
    const posts = threads[0]!.posts;
    expect(posts).toHaveLength(11);
    expect(posts.map((p) => p.author.name)).toEqual(['Bob', 'Eve', 'Eve', 'Alice', 'Alice', 'Bob', 'Alice', 'Mallory', 'Trent', 'Mallory', 'Trent']);
    expect(posts[0]).toMatchObject({ id: '4', text: 'hello', publishedAt: '2020-09-12T23:55:00' });
    expect(posts[10]!.publishedAt).toBe('2020-09-12T23:56:00');
    // 12/9/20 could be either order: read day first, and said so.
    expect(warnings).toEqual(['chat.txt: the dates could be day/month or month/day; read as day/month.']);
  });

  // Built from the documented iOS export format; no real iOS sample is in the corpus.
  it('iOS: bracketed dates, multi-line messages, media placeholders, a 2 h silence', () => {
    const txt = [
      '[25/12/2023, 09:00:01] Ann: Merry Christmas',
      'to all of you!',
      '\u200e[25/12/2023, 09:01:10] Bob: \u200eimage omitted',
      '[25/12/2023, 09:02:00] Bob: <attached: 00000012-PHOTO-2023-12-25.jpg>',
      '[25/12/2023, 14:00:00] Ann: lunch?',
    ].join('\n');
    const warnings: string[] = [];
    const threads = importWhatsApp(enc.encode(txt), importContext('WhatsApp Chat with Family.txt', {}, warnings));
    expect(warnings).toEqual([]); // 25 > 12: day first for certain
    expect(threads.map((t) => t.posts.map((p) => p.text))).toEqual([
      ['Merry Christmas\nto all of you!', '[attachment: media (not exported)]', '[attachment: 00000012-PHOTO-2023-12-25.jpg]'],
      ['lunch?'],
    ]);
    expect(threads[0]!.title).toBe('Family, 2023-12-25');
    expect(threads[1]!.posts[0]!.publishedAt).toBe('2023-12-25T14:00:00');
  });

  it('US Android with a 12-hour clock: month first when a second field is over 12', () => {
    const txt = '1/13/22, 9:05 PM - Ann: hi\n1/13/22, 9:06 PM - Bob: <Media omitted>\n';
    const [t] = importWhatsApp(enc.encode(txt), importContext('c.txt'));
    expect(t!.posts.map((p) => [p.publishedAt, p.text])).toEqual([
      ['2022-01-13T21:05:00', 'hi'],
      ['2022-01-13T21:06:00', '[attachment: media (not exported)]'],
    ]);
  });
});
