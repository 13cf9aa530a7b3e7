import { describe, expect, it } from 'vitest';
import { importTelegramJson } from '../../lib/import/telegram.ts';
import { importTelegramHtml, telegramDate } from '../../lib/import/telegram-html.ts';
import { importContext } from '../../lib/import/context.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { corpusBytes } from '../support/corpus.ts';

const HTML = 'telegram/football_predictions_botchat_messages.html';
const html = () => new TextDecoder().decode(corpusBytes(HTML));

describe('Telegram Desktop JSON (result.json)', () => {
  it('6 messages of 8 entries (2 service entries dropped), Alice and Bob, photos kept as attachments', () => {
    const threads = importTelegramJson(corpusBytes('telegram/mlomb_tg_DM_2A_7M.json'), importContext('result.json'));
    const posts = threads.flatMap((t) => t.posts);
    // 8 entries: 2 service (joined_telegram, phone_call) and 6 messages; the sample's "7M" counts one more in its name only.
    expect(posts.map((p) => p.id)).toEqual(['3644', '3645', '3662', '3663', '3672', '3673']);
    expect(posts.map((p) => p.author.name)).toEqual(['Bob', 'Alice', 'Bob', 'Alice', 'Alice', 'Alice']);
    expect(posts[0]!.text).toBe('https://google.com 👀');
    expect(posts[0]!.html).toContain('<a href="https://google.com">');
    expect(posts[4]!.text).toBe('[attachment: photo]');
    // date only: local time, no offset; date_unixtime: UTC.
    expect(posts[1]!.publishedAt).toBe('2022-03-08T13:07:42');
    expect(posts[2]!.publishedAt).toBe('2022-05-09T22:23:53Z');
    expect(threads).toHaveLength(4);
    expect(threads[2]!.url).toBe('telegram://result.json/700000000/3662');
  });

  it('reply_to_message_id links a reply, and keeps it in its parent conversation', () => {
    const doc = {
      name: 'Chat', type: 'personal_chat', id: 5,
      messages: [
        { id: 1, type: 'message', date: '2024-01-01T10:00:00', date_unixtime: '1704103200', from: 'Ann', text: 'question?' },
        { id: 2, type: 'message', date: '2024-01-01T15:00:00', date_unixtime: '1704121200', from: 'Bo', text: 'other topic' },
        { id: 3, type: 'message', date: '2024-01-01T15:01:00', date_unixtime: '1704121260', from: 'Cy', text: ['answer: ', { type: 'bold', text: 'yes' }], reply_to_message_id: 1 },
      ],
    };
    const threads = importTelegramJson(new TextEncoder().encode(JSON.stringify(doc)), importContext('r.json'));
    expect(threads.map((t) => t.posts.map((p) => p.id))).toEqual([['1', '3'], ['2']]);
    expect(threads[0]!.posts[1]!.replyTo).toBe('1');
    expect(threads[0]!.posts[1]!.text).toBe('answer: yes');
  });
});

describe('Telegram Desktop HTML export', () => {
  it('75 messages in 20 sender runs; joined messages continue the sender; dates with offset', () => {
    const threads = importTelegramHtml([html()], linkedomKit.parseHtml, importContext('messages.html'));
    const posts = threads.flatMap((t) => t.posts);
    expect(posts).toHaveLength(75); // 20 "message default" + 55 "joined"; 2 service date lines dropped
    expect(new Set(posts.map((p) => p.author.name))).toEqual(new Set(['furbo_signals_bot']));
    expect(posts[0]!.id).toBe('779');
    expect(posts[0]!.publishedAt).toBe('2026-03-16T01:26:58+01:00');
    expect(posts[0]!.text.startsWith('🟢 BACK CS 2-0/0-2')).toBe(true);
    expect(posts[0]!.text).not.toContain('Añadir a MI PAPER'); // bot buttons are not the message
    expect(posts[0]!.html).toContain('href="https://www.betfair.es/');
    expect(posts[1]!.id).toBe('781');
    // Silences over 2 h split the bot's signals into 4 conversations of 17, 4, 53 and 1.
    expect(threads.map((t) => t.posts.length)).toEqual([17, 4, 53, 1]);
    expect(threads[0]!.title).toBe('furbo_signals_bot, 2026-03-16');
  });

  it('a reply link (built into the real page at run time) becomes replyTo', () => {
    const page = html().replace(
      /(<div class="message default clearfix joined" id="message781">\s*<div class="body">)/,
      '$1<div class="reply_to details">In reply to <a href="#go_to_message779" onclick="return GoToMessage(779)">this message</a></div>',
    );
    const posts = importTelegramHtml([page], linkedomKit.parseHtml, importContext('messages.html')).flatMap((t) => t.posts);
    expect(posts.find((p) => p.id === '781')!.replyTo).toBe('779');
    expect(posts.find((p) => p.id === '781')!.text).not.toContain('In reply to');
  });

  it('reads the date title', () => {
    expect(telegramDate('05.11.2023 22:01:09 UTC-03:00')).toBe('2023-11-05T22:01:09-03:00');
    expect(telegramDate('nonsense')).toBeNull();
  });
});
