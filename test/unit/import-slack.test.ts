import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { importArchive } from '../../lib/import/index.ts';
import { importSlackdump, slackText, tsSeconds } from '../../lib/import/slack.ts';
import { importContext } from '../../lib/import/context.ts';
import { Thread } from '../../lib/model/thread.ts';
import { ImportError } from '../../lib/import/errors.ts';
import { corpusBytes, corpusPath } from '../support/corpus.ts';

const ZIP = 'slack/slack-export-viewer-testarchive.zip';

function folder(rel: string): Map<string, Uint8Array> {
  const root = corpusPath(rel);
  const out = new Map<string, Uint8Array>();
  const walk = (dir: string, prefix: string) => {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p, `${prefix}${n}/`);
      else out.set(`${prefix}${n}`, readFileSync(p));
    }
  };
  walk(root, '');
  return out;
}

describe('Slack workspace export', () => {
  it('ZIP: 2 channels, 53 messages by people in 17 conversations; bots, joins and bot_add dropped', async () => {
    const { threads, warnings } = await importArchive({ name: ZIP, bytes: corpusBytes(ZIP) });
    expect(warnings).toEqual([]);
    const enrique = threads.filter((t) => t.url.includes('/C0JGLMMNX/'));
    const sailor = threads.filter((t) => t.url.includes('/C0JL6CGQ2/'));
    // Counted from the raw day files: 30 and 23 messages without a system subtype; silences over 2 h split them 9 and 8 ways.
    expect(enrique.reduce((n, t) => n + t.posts.length, 0)).toBe(30);
    expect(sailor.reduce((n, t) => n + t.posts.length, 0)).toBe(23);
    expect(enrique).toHaveLength(9);
    expect(sailor).toHaveLength(8);
    const authors = new Set(threads.flatMap((t) => t.posts.map((p) => p.author.name)));
    expect(authors).toEqual(new Set(['hamza', 'abilinski', 'heroeshannibal', 'doubledeez']));
    const first = enrique[0]!;
    expect(first.url).toBe('slack://slack-export-viewer-testarchive/C0JGLMMNX/1452837352.000006');
    expect(first.title).toBe('#enrique (slack-export-viewer-testarchive), 2016-01-15');
    // <@U0BMYT2FL> is abilinski in users.json.
    expect(first.posts[0]!.text.startsWith('@abilinski: Created an issue')).toBe(true);
    expect(first.posts[0]!.publishedAt).toBe('2016-01-15T05:55:52Z');
    // "&gt;" quoting in Slack text becomes a quote, not the writer's words.
    const quoted = enrique.flatMap((t) => t.posts).find((p) => p.author.name === 'heroeshannibal')!;
    expect(quoted.quotes).toHaveLength(1);
    expect(quoted.quotes[0]!.text.startsWith('"Essentially')).toBe(true);
    expect(quoted.text.startsWith('so....what now')).toBe(true);
    // Shared files stay as links with their names.
    const share = sailor.flatMap((t) => t.posts).find((p) => p.id === '1459052866.000012')!;
    expect(share.text).toContain('[attachment: 100_cities.js]');
    expect(share.html).toContain('href="https://mesos-magellan.slack.com/files/U0BMS113R/F0VNAKDE2/100_cities.js"');
    // A file comment is attributed to the commenter.
    expect(sailor.flatMap((t) => t.posts).find((p) => p.id === '1459106048.000018')!.author.name).toBe('doubledeez');
  });

  it('the unpacked folder gives the same threads as the ZIP', async () => {
    const fromZip = await importArchive({ name: 'slack-export-viewer-testarchive', bytes: corpusBytes(ZIP) });
    const fromFolder = await importArchive({ name: 'slack-export-viewer-testarchive', files: folder('slack/slack-export-viewer-testarchive') });
    expect(fromFolder.threads).toEqual(fromZip.threads);
  });

  it('without users.json: imports with user ids and says so', async () => {
    const files = folder('slack/slack-export-viewer-testarchive');
    files.delete('users.json');
    const { threads, warnings } = await importArchive({ name: 'no-users', files });
    expect(threads.reduce((n, t) => n + t.posts.length, 0)).toBe(53);
    expect(threads[0]!.posts[0]!.author.name).toBe('U0BMQB6JE');
    expect(threads[0]!.posts[0]!.text.startsWith('@U0BMYT2FL: ')).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^no-users: users\.json is missing/);
  });

  it('thread_ts replies stay in their thread, even days later', async () => {
    const day = (ts: number, extra: object = {}) => ({ type: 'message', user: 'U1', text: `at ${ts}`, ts: `${ts}.000100`, ...extra });
    const files = new Map<string, Uint8Array>([
      ['channels.json', strToU8(JSON.stringify([{ id: 'C9', name: 'general' }]))],
      ['users.json', strToU8(JSON.stringify([{ id: 'U1', name: 'ann', profile: { display_name: 'Ann' } }]))],
      ['general/2020-01-01.json', strToU8(JSON.stringify([day(1577836800, { thread_ts: '1577836800.000100' }), day(1577837000)]))],
      ['general/2020-01-04.json', strToU8(JSON.stringify([day(1578096000, { thread_ts: '1577836800.000100' }), day(1578096100)]))],
    ]);
    const { threads } = await importArchive({ name: 'ws.zip', bytes: zipSync(Object.fromEntries(files)) });
    expect(threads.map((t) => t.posts.map((p) => p.id))).toEqual([
      ['1577836800.000100', '1577837000.000100', '1578096000.000100'],
      ['1578096100.000100'],
    ]);
    expect(threads[0]!.posts[2]!.replyTo).toBe('1577836800.000100');
    expect(threads[0]!.posts[0]!.author.name).toBe('Ann');
  });

  it('threads are exactly what the schema gives back, key order included (posts are built without zod)', async () => {
    const msgs = [
      { type: 'message', user: 'U1', text: 'see <https://example.org/a?b=1&amp;c|the rules> &lt;3', ts: '1577836800.000100', reactions: [{ name: 'x', count: 2 }] },
      { type: 'message', user: 'U2', text: 'On Mon, Ann wrote:\n&gt; quoted\n\nmine <@U1>', ts: '1577836900.000100', thread_ts: '1577836800.000100' },
      { type: 'message', subtype: 'file_share', user: 'U1', text: '', ts: '1577837000.000100', files: [{ name: 'board.png', permalink: 'https://example.org/board.png' }] },
      { type: 'message', subtype: 'file_comment', comment: { user: 'U2', comment: 'nice' }, ts: '1577837100.000100' },
      { type: 'message', username: 'visitor', text: 'line\nbreak', ts: '1577837200.000100' },
    ];
    const files = {
      'channels.json': strToU8(JSON.stringify([{ id: 'C9', name: 'general' }])),
      'users.json': strToU8(JSON.stringify([{ id: 'U1', name: 'ann', profile: { display_name: 'Ann' } }, { id: 'U2', name: 'bob' }])),
      'general/2020-01-01.json': strToU8(JSON.stringify(msgs)),
    };
    const ours = await importArchive({ name: 'ws.zip', bytes: zipSync(files) });
    const corpus = await importArchive({ name: ZIP, bytes: corpusBytes(ZIP) });
    const threads = [...ours.threads, ...corpus.threads];
    expect(ours.threads.flatMap((t) => t.posts)).toHaveLength(5);
    for (const t of threads) expect(JSON.stringify(Thread.parse(t))).toBe(JSON.stringify(t));
  });

  it('refuses a ZIP bomb by its declared sizes, before unpacking', async () => {
    // 64 MB of zeros compresses to a few kB.
    const bomb = zipSync({ 'channels.json': strToU8('[]'), 'general/2020-01-01.json': new Uint8Array(64 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    const err = await importArchive({ name: 'bomb.zip', bytes: bomb }, { maxUncompressedBytes: 16 * 1024 * 1024 }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.file).toBe('bomb.zip');
    expect(err.message).toMatch(/refusing to unpack/);
    expect(err.message).toContain('general/2020-01-01.json');
  });

  it('a truncated ZIP is a readable error', async () => {
    const bytes = corpusBytes(ZIP);
    const err = await importArchive({ name: 'cut.zip', bytes: bytes.subarray(0, 20000) }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.message).toMatch(/cut\.zip.*(damaged or truncated|archive is truncated|not recognised)/);
  });

  it('a broken day file names the member and the position', async () => {
    const files = folder('slack/slack-export-viewer-testarchive');
    const day = files.get('enrique/2016-01-15.json')!;
    files.set('enrique/2016-01-15.json', day.subarray(0, 500));
    const err = await importArchive({ name: 'ws', files }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.file).toBe('ws/enrique/2016-01-15.json');
    expect(err.position.offset).toBe(500);
  });
});

describe('Slack ts', () => {
  it('reads as Number reads it, to the last bit', () => {
    const odd = ['1', '0', '007', '1.5', '.5', '5.', '.', '', '1..2', '-1.5', '+1', ' 1', '1e5', '0x10', '9007199254740993', '900719925474099.3', '0.0000000000000000000001', '0.00000000000000000000001', '12345678901234567890'];
    for (const ts of odd) expect(Object.is(tsSeconds(ts), Number(ts))).toBe(true);
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    for (let i = 0; i < 20000; i++) {
      const ts = `${next(2_000_000_000)}.${String(next(1_000_000)).padStart(6, '0')}`;
      expect(tsSeconds(ts)).toBe(Number(ts));
    }
  });
});

describe('slackdump conversation dump', () => {
  it('12 messages + 4 nested replies; join, deleted stub and an app\'s bot-user post dropped; replies linked to their thread', () => {
    const warnings: string[] = [];
    const threads = importSlackdump(corpusBytes('slack/slackdump-native-dump-CHY5HUESG.json'), importContext('dump.json', {}, warnings));
    const posts = threads.flatMap((t) => t.posts);
    expect(posts).toHaveLength(13); // 12 − channel_join − tombstone − poll app's post (bot_id, no subtype) + 4 replies
    expect(posts.map((p) => p.id)).not.toContain('1737160363.583369');
    expect(posts.filter((p) => p.replyTo).map((p) => p.replyTo)).toEqual([
      '1736478630.905399',
      '1736478630.905399',
      '1736554801.872639',
      '1736554828.343759',
    ]);
    // The thread answered 21 h later stays with its parent; the channel talk that follows starts anew.
    expect(threads.map((t) => t.posts.length)).toEqual([4, 6, 1, 2]);
    expect(threads[0]!.posts.map((p) => p.text)).toEqual(['test', 'test2', 'A message from a deactivated account', 'Reply to the same thread']);
    expect(threads[0]!.url).toBe('slack://slackdump/CHY5HUESG/1736478514.897649');
    expect(posts.find((p) => p.id === '1736582524.607359')!.text).toBe('[attachment: 36728585980_dfbd95cc84_o.jpg]');
    expect(posts.find((p) => p.id === '1737714849.675319')!.text.startsWith('Hello <MARQUEE>')).toBe(true);
    expect(warnings[0]).toMatch(/no user names/);
  });

  it('Slack markup: mentions, channels, labelled links', () => {
    const users = new Map([['U1', 'Ann']]);
    expect(slackText('<@U1> see <#C2|random> and <https://x.org|the docs> &amp; <!here>', users)).toBe('@Ann see #random and the docs (https://x.org) & @here');
  });
});
