import { describe, expect, it } from 'vitest';
import { importDiscord } from '../../lib/import/discord.ts';
import { importDiscordStream } from '../../lib/import/discord-stream.ts';
import { importContext } from '../../lib/import/context.ts';
import { ImportError } from '../../lib/import/errors.ts';
import type { Thread } from '../../lib/model/thread.ts';
import { corpusBytes } from '../support/corpus.ts';

const enc = new TextEncoder();
const ctx = (file: string) => importContext(file);

async function* chunked(bytes: Uint8Array, size = 65536): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(it: AsyncIterable<Thread>): Promise<Thread[]> {
  const out: Thread[] = [];
  for await (const t of it) out.push(t);
  return out;
}

describe('DiscordChatExporter JSON', () => {
  it('guild channel: 35 messages, joins and the thread notice dropped, replies and attachments kept', () => {
    const threads = importDiscord(corpusBytes('discord/dce-json-example-guild-general.json'), ctx('general.json'));
    // The last message follows 1 h 36 min of silence: under the 2 h gap, so one conversation.
    expect(threads).toHaveLength(1);
    const posts = threads[0]!.posts;
    expect(posts).toHaveLength(31); // 35 − 3 GuildMemberJoin − 1 ThreadCreated
    expect(new Set(posts.map((p) => p.author.name))).toEqual(new Set(['Adam', 'Thomas', 'Patrick']));
    expect(posts.some((p) => /Joined the server|Started a thread/.test(p.text))).toBe(false);
    const reply = posts.find((p) => p.id === '1060926395313827840')!;
    expect(reply.author.name).toBe('Patrick');
    expect(reply.replyTo).toBe('1060926346089476176');
    expect(reply.quotes[0]).toMatchObject({ postId: '1060926346089476176', author: 'Adam' });
    expect(reply.quotes[0]!.text.startsWith('You will understand it later')).toBe(true);
    expect(posts.filter((p) => p.replyTo)).toHaveLength(2);
    expect(posts.filter((p) => p.text.includes('[attachment: '))).toHaveLength(7);
    const shot = posts.find((p) => p.id === '1060926845832409158')!;
    expect(shot.text).toBe('[attachment: dce-export-more.png]');
    expect(shot.html).toContain('dce-export-more.png');
    expect(posts.find((p) => p.id === '1060927310439657532')!.text.startsWith('@Thomas that is')).toBe(true);
    expect(threads[0]!.url).toBe('https://discord.com/channels/748545324524575035/1012224565567721552/1045178587575242772');
    expect(threads[0]!.title).toBe('#general (Example guild), 2023-01-06');
    expect(posts[0]!.publishedAt).toBe('2023-01-06T14:03:03.853+00:00');
    // Reactions become the score: 5 reactions in all across the channel.
    expect(posts.reduce((n, p) => n + (p.score ?? 0), 0)).toBe(5);
  });

  it('thread channel: 5 messages, 2 explicit replies', () => {
    const [t, ...rest] = importDiscord(corpusBytes('discord/dce-json-example-guild-thread.json'), ctx('thread.json'));
    expect(rest).toHaveLength(0);
    expect(t!.posts.map((p) => p.author.name)).toEqual(['Adam', 'Thomas', 'Patrick', 'Adam', 'Patrick']);
    expect(t!.posts.map((p) => p.replyTo)).toEqual([null, null, null, '1060927520008065176', '1060927555093413928']);
    expect(t!.title).toBe('#Thomas is Thomas (Example guild), 2023-01-06');
  });

  it('group DM: nicknames win, renames/icon/call notices dropped, a day-late reply opens a new conversation', () => {
    const threads = importDiscord(corpusBytes('discord/mlomb_dce_GC_3A_5M.json'), ctx('gc.json'));
    expect(threads.map((t) => t.posts.map((p) => p.author.name))).toEqual([['theplant', 'lombi'], ['mlomb']]);
    // 24 h 38 min after its parent: past the reply window, but the link is kept.
    expect(threads[1]!.posts[0]!.replyTo).toBe('1064990824305274930');
    expect(threads[1]!.posts[0]!.quotes[0]!.author).toBe('theplant');
    expect(threads[0]!.url).toBe('https://discord.com/channels/@me/1064990764406419508/1064990824305274930');
  });

  it('server channel: a repeated message id is kept once; name used when there is no nickname', () => {
    const [t] = importDiscord(corpusBytes('discord/mlomb_dce_SV_5A_5M.json'), ctx('sv.json'));
    expect(t!.posts).toHaveLength(4);
    expect(t!.posts.map((p) => p.author.name)).toEqual(['Deleted User', 'mlomb', 'mlomb', 'mlomb']);
    expect(t!.posts[3]!.score).toBe(5); // reactions 3 + 2
  });

  it('resolves raw <@id> mention markup to display names', () => {
    const doc = {
      guild: { id: '1', name: 'G' },
      channel: { id: '2', type: 'GuildTextChat', name: 'c' },
      messages: [
        {
          id: '10', type: 'Default', timestamp: '2023-01-01T00:00:00+00:00', content: 'hi <@!99> and <@98>',
          author: { id: '5', name: 'a', nickname: 'Ann' }, attachments: [], stickers: [], reactions: [],
          mentions: [{ id: '99', name: 'bob', nickname: 'Bobby' }],
        },
      ],
    };
    const [t] = importDiscord(enc.encode(JSON.stringify(doc)), ctx('m.json'));
    expect(t!.posts[0]!.text).toBe('hi @Bobby and <@98>');
  });

  it('bad input: truncated, not JSON, invalid UTF-8, not an export → ImportError naming file and position', () => {
    const real = corpusBytes('discord/dce-json-example-guild-thread.json');
    const cut = real.subarray(0, 3000);
    const e1 = (() => { try { importDiscord(cut, ctx('cut.json')); } catch (e) { return e; } })() as ImportError;
    expect(e1).toBeInstanceOf(ImportError);
    expect(e1.file).toBe('cut.json');
    expect(e1.message).toMatch(/truncated/);
    expect(e1.position!.offset).toBe(3000);
    expect(e1.position!.line).toBeGreaterThan(50);

    const bad = new Uint8Array(real);
    bad[1234] = 0xff;
    const e2 = (() => { try { importDiscord(bad, ctx('bad.json')); } catch (e) { return e; } })() as ImportError;
    expect(e2).toBeInstanceOf(ImportError);
    expect(e2.message).toMatch(/not valid UTF-8/);
    expect(e2.position!.offset).toBe(1234);

    const broken = enc.encode('{"guild": {}, "messages": [ {"id": "1",, } ]}');
    const e3 = (() => { try { importDiscord(broken, ctx('broken.json')); } catch (e) { return e; } })() as ImportError;
    expect(e3).toBeInstanceOf(ImportError);
    expect(e3.position!.column).toBe(40); // the second comma

    expect(() => importDiscord(enc.encode('{"hello": 1}'), ctx('x.json'))).toThrow(/no "messages" list/);
  });
});

/** A DiscordChatExporter export generated from the real sample's message shapes: `n` messages, a 3 h silence every 500. */
function synthetic(n: number): { bytes: Uint8Array; conversations: number; replies: number } {
  const real = JSON.parse(new TextDecoder().decode(corpusBytes('discord/dce-json-example-guild-general.json')));
  const shapes = (real.messages as { type: string }[]).filter((m) => m.type === 'Default');
  const start = Date.parse('2023-01-06T14:00:00Z');
  const parts: string[] = [];
  let t = start;
  let replies = 0;
  for (let i = 0; i < n; i++) {
    t += i % 500 === 0 && i ? 3 * 3600_000 : 30_000;
    const m = { ...shapes[i % shapes.length]!, id: String(2_000_000_000_000_000n + BigInt(i)), timestamp: new Date(t).toISOString() } as Record<string, unknown>;
    if (i % 7 === 3 && i % 500) {
      m.type = 'Reply';
      m.reference = { messageId: String(2_000_000_000_000_000n + BigInt(i - 1)), channelId: real.channel.id, guildId: real.guild.id };
      replies++;
    } else delete m.reference;
    parts.push(JSON.stringify(m, null, 2));
  }
  const head = JSON.stringify({ guild: real.guild, channel: real.channel, dateRange: real.dateRange }, null, 2).slice(0, -2);
  const text = `${head},\n  "messages": [\n${parts.join(',\n')}\n  ],\n  "messageCount": ${n}\n}`;
  return { bytes: enc.encode(text), conversations: Math.ceil(n / 500), replies };
}

describe('DiscordChatExporter JSON, streamed', () => {
  it('gives exactly the JSON.parse-based result on a 3,000-message export, in small chunks', async () => {
    const { bytes, conversations, replies } = synthetic(3000);
    const batch = importDiscord(bytes, ctx('s.json'));
    const streamed = await collect(importDiscordStream(chunked(bytes, 4096), undefined, ctx('s.json')));
    expect(batch).toHaveLength(conversations);
    expect(batch.reduce((n, t) => n + t.posts.length, 0)).toBe(3000);
    expect(batch.flatMap((t) => t.posts).filter((p) => p.replyTo)).toHaveLength(replies);
    expect(streamed).toEqual(batch);
  });

  it('reads a 50 MB export incrementally: the first thread comes out long before the end', async () => {
    const { bytes, conversations } = synthetic(66_000);
    expect(bytes.length).toBeGreaterThan(50 * 1024 * 1024);
    let firstAt = -1;
    let lastProgress = { bytes: 0, messages: 0, threads: 0 };
    let count = 0;
    let posts = 0;
    for await (const t of importDiscordStream(chunked(bytes, 1 << 20), (p) => (lastProgress = p), ctx('big.json'))) {
      if (firstAt < 0) firstAt = lastProgress.bytes;
      count++;
      posts += t.posts.length;
    }
    expect(count).toBe(conversations);
    expect(posts).toBe(66_000);
    expect(lastProgress).toEqual({ bytes: bytes.length, messages: 66_000, threads: conversations });
    // Conversations stay open 24 h for late replies, so the first one closes about 5% into this export.
    expect(firstAt).toBeLessThan(bytes.length / 10);
  }, 180_000);

  it('a truncated stream is an ImportError naming the file, after the complete threads', async () => {
    const { bytes } = synthetic(6000);
    const got: Thread[] = [];
    const err = await (async () => {
      try {
        for await (const t of importDiscordStream(chunked(bytes.subarray(0, bytes.length - 5000)), undefined, ctx('cut.json'))) got.push(t);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).file).toBe('cut.json');
    expect((err as ImportError).message).toMatch(/truncated/);
    expect(got.length).toBeGreaterThanOrEqual(1); // conversations a day older than the cut were complete
  });
});
