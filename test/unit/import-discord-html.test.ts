import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { importContext } from '../../lib/import/context.ts';
import { importDiscord } from '../../lib/import/discord.ts';
import { importDiscordHtml, snowflakeTime } from '../../lib/import/discord-html.ts';
import { importByteFile, type ByteFile } from '../../lib/import/file-import.ts';
import { detectFormat, importArchive, ImportError } from '../../lib/import/index.ts';
import type { Thread } from '../../lib/model/thread.ts';
import { renderDceHtml, renderDceJson, type DceHtmlOptions } from '../support/dce-html.ts';
import { CHANNEL_ID, GUILD_ID, ids, OUTSIDE_ID, sampleExport } from '../support/dce-sample.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);
const enc = new TextEncoder();
const parseHtml = linkedomKit.parseHtml;

function render(opts: Partial<DceHtmlOptions> = {}) {
  return renderDceHtml(sampleExport(), { theme: 'Dark', utcOffsetMinutes: 60, ...opts });
}

function read(pages: { name: string; html: string }[], warnings: string[] = []): Thread[] {
  return importDiscordHtml(pages, parseHtml, importContext(pages[0]!.name, {}, warnings));
}

const link = (id: string) => `https://discord.com/channels/${GUILD_ID}/${CHANNEL_ID}/${id}`;

describe('DiscordChatExporter HTML export (rendered from DCE\'s templates)', () => {
  const warnings: string[] = [];
  const threads = read(render(), warnings);
  const posts = threads.flatMap((t) => t.posts);
  const post = (id: string) => posts.find((p) => p.id === id)!;

  it('keeps the spoken messages with their ids and authors; the join and the pin notices are dropped', () => {
    expect(posts.map((p) => p.id)).toEqual([
      ids.question, ids.followUp, ids.answer, ids.files, ids.thanks, ids.roll, ids.late, ids.lateAnswer, ids.docs, ids.oldReply,
    ]);
    expect(posts.some((p) => p.id === ids.join || p.id === ids.pin)).toBe(false);
    expect(posts.some((p) => /joined the server|pinned/.test(p.text))).toBe(false);
    // Only the first message of a group shows its author: the follow-up and the file message inherit theirs.
    // Nicknames win, except for bots (DCE shows a bot's own name).
    expect(posts.map((p) => p.author)).toEqual(
      ['Ann', 'Ann', 'bob_the_builder', 'bob_the_builder', 'Ann', 'DiceBot', 'Dee', 'Ann', 'Ann', 'bob_the_builder'].map((name) => ({ name, url: null })),
    );
    expect(warnings).toEqual([]);
  });

  it('times come from the snowflake ids, in UTC to the millisecond, not from the printed local time', () => {
    // The page prints "1/6/2023 3:03 PM": the exporting machine ran an hour ahead of UTC.
    expect(render()[0]!.html).toContain('>1/6/2023 3:03 PM</a>');
    expect(posts.map((p) => p.publishedAt)).toEqual([
      '2023-01-06T14:03:03.853Z', '2023-01-06T14:04:10.120Z', '2023-01-06T14:06:30.500Z', '2023-01-06T14:07:45Z', '2023-01-06T14:10:12.345Z',
      '2023-01-06T14:12:00Z', '2023-01-06T17:30:00Z', '2023-01-06T17:31:05Z', '2023-01-06T17:32:40Z', '2023-01-06T17:33:00Z',
    ]);
    expect(snowflakeTime('175928847299117063')).toBe(Date.parse('2016-04-30T11:18:25.796Z'));
    expect(snowflakeTime('42')).toBeNull();
  });

  it('texts: markdown rendered back to words, mentions as display names, quotes apart, edits and embeds left out', () => {
    expect(post(ids.question).text).toBe('Does the robber block production on the hex it sits on?');
    expect(post(ids.question).html).toBe('<div>Does the robber block <strong>production</strong> on the hex it sits on?</div>');
    expect(post(ids.followUp).text).toBe('Asking for our game tonight 🎲');
    expect(post(ids.answer).text).toBe('Yes, @Ann — no resources from that hex.\nUnless the knight moves it.');
    expect(post(ids.answer).html).toBe('<div>Yes, @Ann — no resources from that hex.<br>Unless the knight moves it.</div>');
    expect(post(ids.roll).text).toBe('Rolled: 7 — the robber moves!');
    expect(post(ids.roll).html).not.toContain('Dice roll');
    expect(post(ids.late).text).toBe('Late question: can the robber go back to the desert? café ☕');
    expect(post(ids.lateAnswer).text).toBe('Yes, it starts there.');
    expect(post(ids.docs).text).toBe('Full text: the official FAQ and robber.md');
    expect(post(ids.docs).html).toBe(
      '<div>Full text: <a href="https://example.com/catan/faq">the official FAQ</a> and <code>robber.md</code></div><p class="sticker">[sticker: Wave]</p>',
    );
  });

  it('typed markup stays text: escaped in html, literal in text', () => {
    const p = post(ids.thanks);
    expect(p.text).toBe('Thanks! What about <script>alert(1)</script> & <img src=x onerror=alert(2)>?');
    expect(p.html).toBe('<div>Thanks! What about &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;?</div>');
  });

  it('replies link the answered message by id and quote it first; a markdown quote is a quote too', () => {
    expect(posts.map((p) => p.replyTo)).toEqual([null, null, ids.question, null, ids.answer, null, null, ids.late, null, OUTSIDE_ID]);
    expect(post(ids.answer).quotes).toEqual([{ postId: ids.question, author: 'Ann', text: 'Does the robber block production on the hex it sits on?' }]);
    expect(post(ids.thanks).quotes).toEqual([
      { postId: ids.answer, author: 'bob_the_builder', text: 'Yes, @Ann — no resources from that hex.\nUnless the knight moves it.' },
      { postId: null, author: null, text: 'no resources from that hex' },
    ]);
    // The answered message is older than the export: its author and words as the reply line shows them.
    expect(post(ids.oldReply).quotes).toEqual([{ postId: OUTSIDE_ID, author: 'oldtimer', text: 'Is the 5-6 player extension worth it?' }]);
  });

  it('attachments as file names and links; reactions summed as the score', () => {
    const p = post(ids.files);
    expect(p.text).toBe('See the rulebook, p. 12:\n[attachment: catan rules (2020).pdf]\n[attachment: board.png]');
    expect(p.html).toBe(
      '<div>See the rulebook, p. 12:</div><ul class="attachments">' +
        '<li><a href="https://cdn.discordapp.com/attachments/1/2/catan_rules_2020.pdf?ex=65a1&amp;is=6590&amp;hm=ab12">catan rules (2020).pdf</a></li>' +
        '<li><a href="https://cdn.discordapp.com/attachments/1/3/board.png">board.png</a></li></ul>',
    );
    expect(post(ids.answer).score).toBe(4);
    expect(posts.filter((p) => p.score !== null)).toHaveLength(1);
  });

  it('one Thread per conversation, titled and linked like the JSON importer\'s', () => {
    // Three hours of silence after the dice roll split the channel.
    expect(threads.map((t) => t.posts.length)).toEqual([6, 4]);
    expect(threads.map((t) => t.title)).toEqual(['#rules-questions (Board Game Club), 2023-01-06', '#rules-questions (Board Game Club), 2023-01-06']);
    expect(threads[0]!.url).toBe(link(ids.question));
    expect(threads[0]!.platform).toBe('discord');
    expect(post(ids.thanks).permalink).toBe(link(ids.thanks));
  });

  it('the light theme, the minified pages of DCE ≥ 2.35, another locale and the older reply markup read the same', () => {
    for (const opts of [
      { theme: 'Light', minify: true },
      { theme: 'Light', locale: 'de-DE', utcOffsetMinutes: -300 },
      { theme: 'Dark', minify: true, replyMarkup: 'reference' },
    ] as Partial<DceHtmlOptions>[]) {
      const pages = render(opts);
      if (opts.minify) expect(pages[0]!.html).toContain('<div class=chatlog__message-group><div id=chatlog__message-container-');
      expect(read(pages)).toEqual(threads);
    }
  });

  it('the same posts as the JSON importer reads from the same export as JSON', () => {
    const json = importDiscord(enc.encode(renderDceJson(sampleExport(), 60)), importContext('export.json'));
    const jsonPosts = json.flatMap((t) => t.posts);
    expect(json.map((t) => t.posts.map((p) => p.id))).toEqual(threads.map((t) => t.posts.map((p) => p.id)));
    expect(json.map((t) => [t.title, t.url])).toEqual(threads.map((t) => [t.title, t.url]));
    // The JSON keeps the markdown the HTML page renders: compared with its markers taken off.
    const words = (s: string) => s.replace(/\*\*|`/g, '').replace(/\[([^\]]+)\]\([^)]+\)/g, '$1');
    for (const [i, j] of jsonPosts.entries()) {
      const h = posts[i]!;
      expect({ ...h, html: '', text: h.text, publishedAt: Date.parse(h.publishedAt!), quotes: h.id === ids.oldReply ? [] : h.quotes }).toEqual({
        ...j,
        html: '',
        text: words(j.text),
        publishedAt: Date.parse(j.publishedAt!),
        // The JSON importer knows only the messages it has read; the HTML page shows the old one.
        quotes: j.id === ids.oldReply ? [] : j.quotes.map((q) => ({ ...q, text: words(q.text) })),
      });
    }
    // The JSON states the exporter's offset; the HTML importer gives the same instant in UTC.
    expect(jsonPosts[0]!.publishedAt).toBe('2023-01-06T15:03:03.853+01:00');
  });
});

describe('DiscordChatExporter HTML: partitions, order, folders, ZIPs and the command line', () => {
  const whole = read(render());
  const parts = render({ partitionMessages: 6 });

  it('--partition 6 writes two files, each a whole page; merged in part order they read as the single file', () => {
    expect(parts.map((p) => p.name)).toEqual([
      `Board Game Club - Games - rules-questions [${CHANNEL_ID}].html`,
      `Board Game Club - Games - rules-questions [${CHANNEL_ID}] [part 2].html`,
    ]);
    expect(parts.map((p) => /Exported (\d+) message/.exec(p.html)?.[1])).toEqual(['6', '6']);
    // The reply in part 2 to a message in part 1 still quotes it.
    expect(read(parts)).toEqual(whole);
  });

  it('a folder: parts found whatever their order, assets skipped without a word', async () => {
    const files = new Map<string, Uint8Array>([
      [`dce/${parts[1]!.name}`, enc.encode(parts[1]!.html)],
      [`dce/${parts[0]!.name}_Files/board-5F3A1B.png`, new Uint8Array([0x89, 0x50])],
      [`dce/${parts[0]!.name}_Files/ggsans-normal-400-5F3A1B.woff2`, new Uint8Array([0x77, 0x4f])],
      [`dce/${parts[0]!.name}`, enc.encode(parts[0]!.html)],
    ]);
    const { threads, warnings } = await importArchive({ name: 'exports', files }, { parseHtml });
    expect(threads).toEqual(whole);
    expect(warnings).toEqual([]);
    const zip = zipSync(Object.fromEntries([...files].map(([k, v]) => [k, v])));
    expect(detectFormat('exports.zip', zip)).toBe('unknown');
    expect((await importArchive({ name: 'exports.zip', bytes: zip }, { parseHtml })).threads).toEqual(whole);
  });

  it('one part on its own, as the dashboard\'s worker and `gleaner import FILE` read it (linkedom, whole file)', async () => {
    const bytes = enc.encode(parts[1]!.html);
    const file: ByteFile = {
      name: parts[1]!.name,
      size: bytes.length,
      read: async (start, end) => bytes.subarray(start, end),
      stream: async function* () {
        yield bytes;
      },
    };
    const threads: Thread[] = [];
    for await (const t of importByteFile(file, { parseHtml })) threads.push(t);
    expect(threads.flatMap((t) => t.posts.map((p) => p.id))).toEqual([ids.thanks, ids.roll, ids.late, ids.lateAnswer, ids.docs, ids.oldReply]);
    // The answered message is in part 1: the reply line's copy of it is the quote.
    expect(threads[0]!.posts[0]!.quotes[0]).toEqual({ postId: ids.answer, author: 'bob_the_builder', text: 'Yes, @Ann — no resources from that hex.\nUnless the knight moves it.' });
    expect(threads[0]!.url).toBe(link(ids.thanks));
  });

  it('newest-first exports (DCE\'s reverse order) come out in time order', () => {
    expect(read(render({ reverse: true, partitionMessages: 5 }))).toEqual(whole);
  });

  it('without the ids DCE writes into file names and icon addresses, posts have no links, and a warning says why', () => {
    const warnings: string[] = [];
    const threads = read(render({ fileName: 'rules.html', downloadMedia: true }), warnings);
    expect(threads.flatMap((t) => t.posts).map((p) => p.permalink)).toEqual(whole.flatMap((t) => t.posts).map(() => null));
    expect(threads[0]!.url).toBe(`discord-html://rules.html/${ids.question}`);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^rules\.html: the export does not show the channel and server ids/);
    // A downloaded attachment is a local path: its name is kept, the path is not a link.
    const files = threads[0]!.posts.find((p) => p.id === ids.files)!;
    expect(files.text).toContain('[attachment: catan rules (2020).pdf]');
    expect(files.html).toContain('<li>catan rules (2020).pdf</li>');
  });

  it('a number in brackets that cannot be the channel id (younger than the messages) is not used', () => {
    const pages = render({ fileName: `rules [${ids.roll}].html` });
    const warnings: string[] = [];
    expect(read(pages, warnings)[0]!.posts[0]!.permalink).toBeNull();
    expect(warnings).toHaveLength(1);
  });

  it('gleaner import FOLDER prints one JSON line per conversation, with the JSON importer\'s post fields', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gleaner-dce-'));
    try {
      await mkdir(join(dir, 'export'));
      for (const p of parts) await writeFile(join(dir, 'export', p.name), p.html);
      const { stdout, stderr } = await run('node', ['bin/gleaner.js', 'import', join(dir, 'export')], { cwd: ROOT });
      const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((t) => t.posts.length)).toEqual([6, 4]);
      expect(Object.keys(lines[0])).toEqual(['platform', 'url', 'title', 'posts']);
      expect(Object.keys(lines[0].posts[0])).toEqual(['id', 'author', 'publishedAt', 'text', 'html', 'permalink', 'replyTo', 'quotes', 'score']);
      expect(lines[1].posts[1]).toMatchObject({ id: ids.lateAnswer, author: { name: 'Ann', url: null }, replyTo: ids.late, publishedAt: '2023-01-06T17:31:05Z' });
      expect(stderr).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('DiscordChatExporter HTML: detection and bad input', () => {
  const page = render()[0]!;
  const name = page.name;

  it('recognised by content in both themes, minified or not, and not taken for Telegram\'s HTML', () => {
    for (const opts of [{ theme: 'Dark' }, { theme: 'Light' }, { theme: 'Light', minify: true }] as Partial<DceHtmlOptions>[]) {
      expect(detectFormat('upload.bin', enc.encode(render(opts)[0]!.html))).toBe('discord-html');
    }
    const telegramLike = '<!DOCTYPE html><html><head><title>Exported Data</title></head><body><div class="page_wrap"><div class="page_header"><div class="text">Chat</div></div><div class="history"><div class="message default clearfix" id="message1"></div></div></div></body></html>';
    expect(detectFormat('messages.html', enc.encode(telegramLike))).toBe('telegram-html');
  });

  it('a DCE page named messages.html in a folder is not read as Telegram\'s', async () => {
    const { threads } = await importArchive({ name: 'dir', files: new Map([['messages.html', enc.encode(page.html)]]) }, { parseHtml });
    expect(threads.map((t) => t.posts.length)).toEqual([6, 4]);
  });

  it('the printed time, local and without an offset, only when an id is not a snowflake', () => {
    for (const [locale, first, second] of [
      ['en-US', '2023-01-06T15:03:00', '2023-01-06T15:04:00'],
      ['de-DE', '2023-01-06T15:03:00', '2023-01-06T15:04:00'],
    ] as const) {
      const html = render({ locale })[0]!.html.replaceAll(`data-message-id="${ids.question}"`, 'data-message-id="q1"').replaceAll(`data-message-id="${ids.followUp}"`, 'data-message-id="q2"');
      const posts = read([{ name, html }]).flatMap((t) => t.posts);
      expect(posts.filter((p) => /^q/.test(p.id)).map((p) => [p.id, p.publishedAt])).toEqual([
        ['q1', first],
        ['q2', second],
      ]);
    }
  });

  it('a crafted page cannot smuggle active content into the stored html', () => {
    const hostile =
      '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">click</a> <iframe src="https://evil.example/"></iframe>' +
      '<b style="color:red" onclick="alert(4)">bold</b> <a href="https://ok.example/" onmouseover="alert(5)">ok</a><style>body{}</style>';
    const html = page.html.replace('Does the robber block <strong>production</strong> on the hex it sits on?', hostile);
    const p = read([{ name, html }])[0]!.posts[0]!;
    expect(p.text).toBe('click bold ok');
    expect(p.html).toBe('<div>click <b>bold</b> <a href="https://ok.example/">ok</a></div>');
  });

  it('a truncated file is an error naming the file', async () => {
    for (const cut of [0.6, 0.97]) {
      const bytes = enc.encode(page.html).subarray(0, Math.floor(page.html.length * cut));
      const err = await importArchive({ name, bytes }, { parseHtml }).catch((e) => e);
      expect(err).toBeInstanceOf(ImportError);
      expect(err.file).toBe(name);
      expect(err.message).toMatch(/: the file ends before DiscordChatExporter's closing line .* it was cut off/);
    }
    // Cut inside the stylesheet, before the chat log opens.
    const early = await importArchive({ name, bytes: enc.encode(page.html.slice(0, page.html.indexOf('<body>'))) }, { parseHtml }).catch((e) => e);
    expect(early).toBeInstanceOf(ImportError);
    expect(early.message).toMatch(/the file ends before its messages begin/);
  });

  it('an HTML page that is not a DCE export is an error naming the file', async () => {
    const plain = await importArchive({ name: 'forum.html', bytes: enc.encode('<!doctype html><html><body><div class="post">hi</div></body></html>') }, { parseHtml }).catch((e) => e);
    expect(plain).toBeInstanceOf(ImportError);
    expect(plain.file).toBe('forum.html');
    expect(plain.message).toMatch(/format was not recognised\. Gleaner reads DiscordChatExporter JSON\/HTML/);
    // Borrowed class names without DCE's messages (a page styled after DCE) are refused too.
    const styled = '<!doctype html><html><head><style>.preamble__entry{}.chatlog__message-group{}</style></head><body><div class="preamble"></div><div class="chatlog"><div class="chatlog__message-group"><p>hi</p></div></div><div class="postamble"></div></body></html>';
    const err = await importArchive({ name: 'styled.html', bytes: enc.encode(styled) }, { parseHtml }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.message).toBe('styled.html: not a DiscordChatExporter HTML export: the page has no DCE preamble and chat log. Export the channel with DiscordChatExporter (HTML or, better, JSON).');
  });

  it('the pre-v2.34 layout is refused with a reason', async () => {
    const old =
      '<!DOCTYPE html><html><head><style>.info__guild-name{}.chatlog__message-group{}</style></head><body><div class="info"><div class="info__guild-name">G</div></div>' +
      '<div class="chatlog"><div class="chatlog__message-group"><div class="chatlog__messages"><span class="chatlog__author-name">Ann</span><div class="chatlog__message" data-message-id="1"><div class="chatlog__content">hi</div></div></div></div></div></body></html>';
    expect(detectFormat('old.html', enc.encode(old))).toBe('discord-html');
    const err = await importArchive({ name: 'old.html', bytes: enc.encode(old) }, { parseHtml }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.message).toMatch(/^old\.html: this is the HTML layout of DiscordChatExporter before v2\.34/);
  });

  it('needs an HTML parser', async () => {
    await expect(importArchive({ name, bytes: enc.encode(page.html) })).rejects.toThrow(/DiscordChatExporter HTML export needs an HTML parser/);
  });

  it('a count in the postamble that disagrees with the page is reported', () => {
    const warnings: string[] = [];
    read([{ name, html: page.html.replace('Exported 12 message(s)', 'Exported 1,012 message(s)') }], warnings);
    expect(warnings).toEqual([`${name}: DiscordChatExporter's closing line counts 1012 messages; Gleaner found 12.`]);
  });
});
