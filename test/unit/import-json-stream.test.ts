import { describe, expect, it } from 'vitest';
import { JsonArrayStream, type JsonStreamItem } from '../../lib/import/json-stream.ts';
import { ImportError } from '../../lib/import/errors.ts';
import { blobFile, importByteFile, WHOLE_FILE_LIMIT } from '../../lib/import/file-import.ts';
import { importArchive } from '../../lib/import/index.ts';
import { importDiscord } from '../../lib/import/discord.ts';
import { importContext } from '../../lib/import/context.ts';
import { conversationSummary, threadMatches } from '../../lib/import/summary.ts';
import type { Thread } from '../../lib/model/thread.ts';
import { corpusBytes } from '../support/corpus.ts';

const enc = new TextEncoder();

function split(text: string | Uint8Array, size: number, key = 'messages'): JsonStreamItem[] {
  const bytes = typeof text === 'string' ? enc.encode(text) : text;
  const s = new JsonArrayStream(key, 'x.json');
  const out: JsonStreamItem[] = [];
  for (let o = 0; o < bytes.length; o += size) out.push(...s.write(bytes.slice(o, o + size)));
  s.end();
  return out;
}

describe('JsonArrayStream: one element at a time, any chunking', () => {
  const doc = '\ufeff{"guild": {"id": "1", "n": "a \\"}]\\\\"}, "count": 12, "flag": true,\n "messages": [ {"id": "m1", "t": [1, {"x": "]"}]}, "str", 3.5e2, null, [], {} ],\n "tail": "é — ok", "n": -1}\n';
  const expected: JsonStreamItem[] = [
    { kind: 'member', key: 'guild', value: { id: '1', n: 'a "}]\\' } },
    { kind: 'member', key: 'count', value: 12 },
    { kind: 'member', key: 'flag', value: true },
    { kind: 'element', value: { id: 'm1', t: [1, { x: ']' }] } },
    { kind: 'element', value: 'str' },
    { kind: 'element', value: 350 },
    { kind: 'element', value: null },
    { kind: 'element', value: [] },
    { kind: 'element', value: {} },
    { kind: 'member', key: 'tail', value: 'é — ok' },
    { kind: 'member', key: 'n', value: -1 },
  ];
  for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
    it(`chunks of ${size} bytes give the same items as JSON.parse`, () => expect(split(doc, size)).toEqual(expected));
  }

  it('the real DiscordChatExporter sample: every message, equal to JSON.parse', () => {
    const bytes = corpusBytes('discord/dce-json-example-guild-general.json');
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { messages: unknown[] };
    const items = split(bytes, 997);
    expect(items.filter((i) => i.kind === 'element').map((i) => i.value)).toEqual(parsed.messages);
    expect(items.filter((i) => i.kind === 'member').map((i) => (i as { key: string }).key)).toEqual(['guild', 'channel', 'dateRange', 'exportedAt', 'messageCount'].filter((k) => k in parsed));
  });

  it('truncated, broken and non-UTF-8 input: an ImportError with the byte offset', () => {
    const cut = () => split('{"messages": [{"a": 1}, {"b": ', 5);
    expect(cut).toThrow(ImportError);
    expect(cut).toThrow(/^x\.json \(byte 30\): the JSON ends early: the file looks truncated/);
    const broken = () => split('{"messages": [{"a": 1}, {"b": tru}]}', 4);
    expect(broken).toThrow(/^x\.json \(byte 33\): the file is not valid JSON/);
    const bytes = enc.encode('{"messages": [{"a": "xx"}]}');
    bytes[21] = 0xff;
    expect(() => split(bytes, 8)).toThrow(/^x\.json \(byte 21\): the file is not valid UTF-8/);
    expect(() => split('[1, 2]', 8)).toThrow(/^x\.json \(byte 0\): the file is not a JSON object/);
    expect(() => split('', 8)).toThrow(/the file is empty/);
  });
});

describe('importByteFile: the import page reads a File through the same readers', () => {
  const collect = async (gen: AsyncGenerator<Thread>) => {
    const out: Thread[] = [];
    for await (const t of gen) out.push(t);
    return out;
  };

  it('Discord JSON is streamed and equals the in-memory reader; progress reaches the file size', async () => {
    const bytes = corpusBytes('discord/dce-json-example-guild-general.json');
    let last = { bytes: 0, total: 0, messages: 0, threads: 0 };
    const got = await collect(importByteFile(blobFile(new Blob([new Uint8Array(bytes)]), 'general.json'), {}, [], (p) => (last = p)));
    expect(got).toEqual(importDiscord(bytes, importContext('general.json')));
    expect(last).toMatchObject({ bytes: bytes.length, total: bytes.length, threads: got.length });
  });

  it('a Slack ZIP is streamed (read twice); other formats are read whole with their warnings', async () => {
    const zip = corpusBytes('slack/slack-export-viewer-testarchive.zip');
    let last = { bytes: 0, total: 0, messages: 0, threads: 0 };
    const got = await collect(importByteFile(blobFile(new Blob([new Uint8Array(zip)]), 'slack-export-viewer-testarchive.zip'), {}, [], (p) => (last = p)));
    expect(got).toHaveLength(17);
    expect(last).toEqual({ bytes: zip.length * 2, total: zip.length * 2, messages: 53, threads: 17 });

    const dump = corpusBytes('slack/slackdump-native-dump-CHY5HUESG.json');
    const warnings: string[] = [];
    const threads = await collect(importByteFile(blobFile(new Blob([new Uint8Array(dump)]), 'dump.json'), {}, warnings));
    expect(threads).toEqual((await importArchive({ name: 'dump.json', bytes: dump })).threads);
    expect(warnings).toEqual(['dump.json: slackdump conversation dumps carry no user names: authors are shown by their Slack user id.']);
  });

  it('refuses, with a reason, a non-streamable file larger than the whole-file limit', async () => {
    // IRC logs, once the example here, are now streamed: a Mattermost API response is still read whole.
    const huge = { name: 'big.json', size: WHOLE_FILE_LIMIT + 1, read: async () => enc.encode('{"order": [], "posts": {}}'), stream: async function* () {} };
    await expect(collect(importByteFile(huge))).rejects.toThrow(/^big\.json: the file is 512 MB; this kind of export is read whole/);
  });

  it('summaries and search: channel, dates, participants, words in posts', async () => {
    const { threads } = await importArchive({ name: 'slack-export-viewer-testarchive.zip', bytes: corpusBytes('slack/slack-export-viewer-testarchive.zip') });
    const s = conversationSummary(threads[0]!, 0);
    expect(s).toEqual({
      index: 0,
      title: '#enrique (slack-export-viewer-testarchive), 2016-01-15',
      channel: '#enrique (slack-export-viewer-testarchive)',
      from: '2016-01-15T05:55:52Z',
      to: threads[0]!.posts.at(-1)!.publishedAt,
      participants: [...new Set(threads[0]!.posts.map((p) => p.author.name))],
      messages: threads[0]!.posts.length,
      firstWords: expect.any(String),
    });
    // The first words are the opening of the first post with text, whitespace folded, cut at a word.
    const opening = threads[0]!.posts.map((p) => p.text.replace(/\s+/g, ' ').trim()).find(Boolean)!;
    expect(s.firstWords!.length).toBeGreaterThan(0);
    expect(opening.startsWith(s.firstWords!.replace(/…$/, ''))).toBe(true);
    const long = { ...threads[0]!, posts: [{ ...threads[0]!.posts[0]!, text: '' }, { ...threads[0]!.posts[0]!, text: `${'word '.repeat(40)}\n tail` }] };
    const cut = conversationSummary(long, 0).firstWords!;
    expect(cut).toMatch(/^word( word)+…$/);
    expect(cut.length).toBeLessThanOrEqual(121);
    expect(threads.filter((t) => threadMatches(t, '100_CITIES')).map((t) => t.title)).toEqual(['#traveling-sailor (slack-export-viewer-testarchive), 2016-03-27']);
    // Every word must match somewhere: a name and a channel together narrow the list.
    const both = threads.filter((t) => threadMatches(t, 'doubledeez #traveling-sailor'));
    expect(both.length).toBeGreaterThan(0);
    expect(both.length).toBeLessThan(threads.filter((t) => threadMatches(t, 'doubledeez')).length);
    expect(both.every((t) => t.title.startsWith('#traveling-sailor'))).toBe(true);
    expect(threads.filter((t) => threadMatches(t, 'doubledeez zzzzunlikely'))).toEqual([]);
    expect(threads.filter((t) => threadMatches(t, '  '))).toHaveLength(17);
  });
});
