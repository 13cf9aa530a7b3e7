import { describe, expect, it } from 'vitest';
import { importIrc } from '../../lib/import/irc.ts';
import { importContext } from '../../lib/import/context.ts';
import { ImportError } from '../../lib/import/errors.ts';
import { corpusBytes } from '../support/corpus.ts';

const enc = new TextEncoder();

describe('IRC logs', () => {
  it('dircproxy: 5,235 lines of talk in 323 conversations; joins, parts and connection notices dropped', () => {
    const warnings: string[] = [];
    const threads = importIrc(corpusBytes('irc/irclog2html-dircproxy-example.log'), importContext('dircproxy.log', {}, warnings));
    // Checked with an independent script over the raw log: <nick!user@host> and "* nick" lines with text; gaps over 2 h.
    expect(threads.reduce((n, t) => n + t.posts.length, 0)).toBe(5235);
    expect(threads).toHaveLength(323);
    expect(new Set(threads.flatMap((t) => t.posts.map((p) => p.author.name))).size).toBe(41);
    const first = threads[0]!.posts;
    expect(first[0]).toMatchObject({ id: 'L5', author: { name: 'nombyte', url: null }, publishedAt: null });
    // The leading "-"/"+" is freenode's identify mark, not the message.
    expect(first[0]!.text.startsWith("hey doesn't anyone know a fedora app")).toBe(true);
    expect(first[1]!.text.startsWith('No clue...')).toBe(true);
    expect(threads.flatMap((t) => t.posts).some((p) => /joined the channel|You (dis)?connected/.test(p.text))).toBe(false);
    expect(threads.flatMap((t) => t.posts).find((p) => p.id === 'L29')!.text).toBe('/me wanders away...');
    expect(warnings[0]).toMatch(/does not state the year/);
  });

  it('dircproxy with a year given: dates kept, rolling into the next year', () => {
    const threads = importIrc(corpusBytes('irc/irclog2html-dircproxy-example.log'), importContext('dircproxy.log', { year: 2008 }));
    const posts = threads.flatMap((t) => t.posts);
    expect(posts[0]!.publishedAt).toBe('2008-01-14T12:36:00');
    expect(posts[posts.length - 1]!.publishedAt!.startsWith('2009-02-')).toBe(true);
  });

  it('supybot ISO: 50 messages, 2 conversations, quit lines dropped', () => {
    const threads = importIrc(corpusBytes('irc/irclog2html-supybot-2005-01-09.log'), importContext('2005-01-09.log'));
    expect(threads.map((t) => t.posts.length)).toEqual([27, 23]);
    expect(new Set(threads.flatMap((t) => t.posts.map((p) => p.author.name)))).toEqual(new Set(['Aiste', 'mgedmin', 'ryzaja', 'ryzaja_']));
    expect(threads[0]!.posts[0]).toMatchObject({ author: { name: 'Aiste' }, publishedAt: '2005-01-09T02:05:04', text: 'mgedmin: ayt?' });
    expect(threads[0]!.url).toBe('irc-log://2005-01-09.log#L1');
  });

  it('mixed charset: each line decoded on its own (UTF-8, else Windows-1252)', () => {
    const warnings: string[] = [];
    const [t] = importIrc(corpusBytes('irc/irclog2html-hybrid-charset.log'), importContext('hybrid.log', {}, warnings));
    expect(t!.posts.map((p) => p.author.name)).toEqual(['kamiccolo', 'mgedmin']);
    expect(t!.posts[0]!.text).toBe('aišku :)'); // 0x9A in Windows-1252
    expect(t!.posts[1]!.text.startsWith('/me naudoja Ubuntu lietuviškai, ir jo kalendoriuje savaitės')).toBe(true); // UTF-8
    expect(warnings).toEqual(['hybrid.log: 1 line(s) were not UTF-8 and were read as Windows-1252/Latin-1.']);
  });

  // The three logs below are built from each client's documented log format; no real sample is in the corpus.
  it('irssi: day from "Log opened"/"Day changed", mode prefixes stripped, -!- lines dropped', () => {
    const log = [
      '--- Log opened Sun Jan 09 23:50:00 2005',
      '23:50 -!- ann [~ann@host] has joined #chan',
      '23:51 <@ann> hello',
      '23:59 < bob> hi ann',
      '--- Day changed Mon Jan 10 2005',
      '00:01  * ann waves',
      '00:02 -!- mode/#chan [+o bob] by ann',
      '03:30 <+bob> anyone?',
    ].join('\n');
    const threads = importIrc(enc.encode(log), importContext('chan.log'));
    expect(threads.map((t) => t.posts.map((p) => `${p.author.name}|${p.text}|${p.publishedAt}`))).toEqual([
      ['ann|hello|2005-01-09T23:51:00', 'bob|hi ann|2005-01-09T23:59:00', 'ann|/me waves|2005-01-10T00:01:00'],
      ['bob|anyone?|2005-01-10T03:30:00'],
    ]);
  });

  it('WeeChat: tab-separated, --> / <-- / -- lines dropped', () => {
    const log = [
      '2021-03-01 10:00:00\t-->\tann (~a@h) has joined #c',
      '2021-03-01 10:00:05\t@ann\tmorning',
      '2021-03-01 10:00:09\tbob\tmorning ann',
      '2021-03-01 10:01:00\t *\tbob stretches',
      '2021-03-01 10:02:00\t<--\tbob (~b@h) has quit',
      '2021-03-01 10:03:00\t--\tMode #c [+o ann]',
    ].join('\n');
    const [t, ...rest] = importIrc(enc.encode(log), importContext('weechat.log'));
    expect(rest).toHaveLength(0);
    expect(t!.posts.map((p) => [p.author.name, p.text])).toEqual([
      ['ann', 'morning'],
      ['bob', 'morning ann'],
      ['bob', '/me stretches'],
    ]);
  });

  it('ZNC: date from the file name, *** lines dropped', () => {
    const log = ['[09:00:01] *** Joins: ann (a@h)', '[09:00:02] <ann> hi', '[09:00:03] * ann waves', '[09:10:00] *** Quits: ann (bye)'].join('\n');
    const [t] = importIrc(enc.encode(log), importContext('#chan_20240315.log'));
    expect(t!.posts.map((p) => [p.text, p.publishedAt])).toEqual([
      ['hi', '2024-03-15T09:00:02'],
      ['/me waves', '2024-03-15T09:00:03'],
    ]);
  });

  it('not a log: ImportError at line 1', () => {
    const err = (() => { try { importIrc(enc.encode('hello\nworld\n'), importContext('x.log')); } catch (e) { return e; } })() as ImportError;
    expect(err).toBeInstanceOf(ImportError);
    expect(err.position).toEqual({ offset: 0, line: 1, column: 1 });
  });
});

describe('line grammar: what a line body is', () => {
  // Hand-written bodies, one per rule (not log excerpts).
  it('events in common wordings, messages whose words merely look like them', async () => {
    const { classify, Kind, said } = await import('../../lib/import/line-grammar.ts');
    expect(classify('ann left the room (quit: bye).', 'colon')).toBe(Kind.Event);
    expect(classify('ann: left my keys at home', 'colon')).toBe(Kind.Post);
    expect(said).toEqual({ nick: 'ann', text: 'left my keys at home' });
    expect(classify('* ann has joined #c', 'angle')).toBe(Kind.Event);
    expect(classify('* ann is back', 'angle')).toBe(Kind.Action);
    expect(classify('<-> ann is now known as bob', 'angle')).toBe(Kind.Event);
    expect(classify('-ann- ping', 'angle')).toBe(Kind.Post);
    expect(classify('Join\tann (~a@h) has joined this channel.', 'tab')).toBe(Kind.Event);
    expect(classify('@ann\thello', 'tab')).toBe(Kind.Post);
    expect(said.nick).toBe('ann');
    expect(classify('hello there', 'angle')).toBe(Kind.Bad);
  });
});

describe('a file with no line breaks', () => {
  it('refused once a line passes 64 MB, naming the file, instead of holding the whole file as one line', async () => {
    const { importIrcStream } = await import('../../lib/import/irc.ts');
    const chunk = new Uint8Array(1 << 20).fill(0x61);
    const chunks = async function* () {
      for (let i = 0; i < 100; i++) yield chunk;
    };
    const run = async () => {
      for await (const _ of importIrcStream(chunks(), importContext('blob.log'))) void _;
    };
    await expect(run()).rejects.toThrow(/^blob\.log: line 1 is longer than 64 MB/);
  });
});

describe('format sniffing of line logs', () => {
  it('a note that starts with a time is not a log; a timestamped speaker line is', async () => {
    const { detectFormat } = await import('../../lib/import/index.ts');
    expect(detectFormat('notes.txt', enc.encode('10:30 call the shop\n11:00 dentist\n'))).toBe('unknown');
    expect(detectFormat('notes.txt', enc.encode('10:30 <ann> call the shop\n'))).toBe('irc');
    expect(detectFormat('notes.txt', enc.encode('--- Log opened Sun Jan 09 02:05:04 2005\n'))).toBe('irc');
  });
});
