import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { detectFormat, importArchive, ImportError } from '../../lib/import/index.ts';
import { importContext } from '../../lib/import/context.ts';
import { importMatrixHtml } from '../../lib/import/matrix-html.ts';
import { corpusBytes } from '../support/corpus.ts';
import { digest } from '../support/digest.ts';

const parseHtml = linkedomKit.parseHtml;
const PAGE1 = 'matrix/element-html-export-muzyka-messages.html';
const PAGE2 = 'matrix/element-html-export-muzyka-messages2.html';
const ROOM = '!cNwvfnvIJriplYdqlv:matrix.org';
const dec = new TextDecoder();

/*
 * Pages shaped as Element's HtmlExport writes them (room header, message list, one
 * mx_Export_EventWrapper per event, EventTile markup, closing status area), with made-up people, for the
 * cases the real export does not hold: other interface languages, hostile bodies, quoted replies.
 */
interface Ev {
  id: string;
  title: string;
  kind?: 'post' | 'info' | 'notice' | 'redacted' | 'emote' | 'media';
  name?: string;
  mxid?: string;
  body?: string;
  plain?: boolean;
  replyTo?: string;
  continuation?: boolean;
}

function tile(e: Ev): string {
  const cls = ['mx_EventTile', e.kind === 'info' ? 'mx_EventTile_info' : '', e.continuation ? 'mx_EventTile_continuation' : ''].filter(Boolean).join(' ');
  const profile = e.continuation || e.kind === 'info' ? '' : `<div class="mx_DisambiguatedProfile"><span class="mx_DisambiguatedProfile_displayName">${e.name}</span></div>`;
  const avatar = e.continuation ? '' : `<div class="mx_EventTile_avatar"><img src="users/x.png" title="${e.mxid}" alt="Avatar" class="mx_BaseAvatar_image"></div>`;
  const stamp = `<a class="sc_LinkedTimestamp" href="https://matrix.to/#/${ROOM}/${e.id}"><span class="mx_MessageTimestamp" title="${e.title}">00:00</span></a>`;
  const reply = e.replyTo
    ? `<div class="mx_ReplyChain_wrapper"><div><p class="mx_ReplyChain_Export"><span>In reply to <a class="mx_reply_anchor" href="#${e.replyTo}" data-scroll-to="${e.replyTo}"> this message </a></span></p></div></div>`
    : '';
  const bodyCls = e.plain ? 'mx_EventTile_body' : 'mx_EventTile_body markdown-body';
  let content: string;
  if (e.kind === 'info') content = `<div class="mx_TextualEvent">${e.body}</div>`;
  else if (e.kind === 'redacted') content = `<span class="mx_RedactedBody" title="Message deleted">Message deleted</span>`;
  else if (e.kind === 'notice') content = `<div class="mx_MNoticeBody mx_EventTile_content"><span class="${bodyCls}">${e.body}</span></div>`;
  else if (e.kind === 'media') content = e.body!;
  else if (e.kind === 'emote') content = `<div class="mx_MEmoteBody mx_EventTile_content">*&nbsp;<span class="mx_MEmoteBody_sender">${e.name}</span>&nbsp;<span class="${bodyCls}">${e.body}</span></div>`;
  else content = `<div class="mx_MTextBody mx_EventTile_content"><span class="${bodyCls}">${e.body}</span></div>`;
  return `<div class="mx_Export_EventWrapper" id="${e.id}"><li class="${cls}" data-event-id="${e.id}">${profile}${avatar}<div class="mx_EventTile_line">${stamp}${reply}${content}</div></li></div>`;
}

function page(events: Ev[], opts: { room?: string } = {}): string {
  return `
          <!DOCTYPE html>
            <html lang="en"><head><meta charset="UTF-8" /><link href="css/style.css" rel="stylesheet" /><script src="js/script.js"></script><title>Exported Data</title></head>
            <body><section id="matrixchat" class="notranslate"><div class="mx_MatrixChat_wrapper"><div class="mx_MatrixChat"><main class="mx_RoomView">
            <div class="mx_RoomHeader light-panel"><div class="mx_RoomHeader_name"><div class="mx_RoomHeader_nametext" title="${opts.room ?? 'Garden'}">${opts.room ?? 'Garden'}</div></div></div>
            <div class="mx_MainSplit"><div class="mx_RoomView_body"><ol class="mx_RoomView_MessageList" role="list"><div class="mx_NewRoomIntro"><h2>${opts.room ?? 'Garden'}</h2></div>
            ${events.map(tile).join('')}
            </ol></div><div class="mx_RoomView_statusArea"><div class="mx_RoomView_statusAreaBox"></div></div></div></main></div></div></section><div id="snackbar"/></body>
        </html>`;
}

const readPages = (pages: string[], warnings: string[] = []) =>
  importMatrixHtml(pages.map((html, i) => ({ name: `messages${i ? i + 1 : ''}.html`, html })), parseHtml, importContext('export', {}, warnings));
const postsOf = (threads: { posts: unknown[] }[]) => threads.flatMap((t) => t.posts) as ReturnType<typeof readPages>[number]['posts'];

describe('Element HTML export: the real two-page export', () => {
  it('is recognised by its content, and each page alone gives its own posts', async () => {
    for (const [rel, count] of [[PAGE1, 476], [PAGE2, 1]] as const) {
      const bytes = corpusBytes(rel);
      expect(detectFormat('renamed.txt', bytes)).toBe('matrix-html');
      const r = await importArchive({ name: rel, bytes }, { parseHtml });
      expect(r.warnings).toEqual([]);
      expect(postsOf(r.threads)).toHaveLength(count);
    }
  });

  it('both pages in a ZIP, stored in any order, read as one room in page order', async () => {
    const p1 = corpusBytes(PAGE1);
    const p2 = corpusBytes(PAGE2);
    // As Element packs it: pages, stylesheet, script; here the second page stored first.
    const zip = zipSync({ 'Muzyka - Chat Export/messages2.html': p2, 'Muzyka - Chat Export/css/style.css': strToU8('body{}'), 'Muzyka - Chat Export/js/script.js': strToU8(''), 'Muzyka - Chat Export/messages.html': p1 });
    const r = await importArchive({ name: 'export.zip', bytes: zip }, { parseHtml });
    const posts = postsOf(r.threads);
    expect(posts).toHaveLength(477);
    expect(r.threads.every((t) => t.url.startsWith(`https://matrix.to/#/${ROOM}/`))).toBe(true);
    // Page 2's one post is the room's last.
    const last = postsOf(await importArchive({ name: PAGE2, bytes: p2 }, { parseHtml }).then((x) => x.threads));
    expect(posts.at(-1)!.id).toBe(last[0]!.id);
    expect(posts.every((p) => p.publishedAt)).toBe(true);
    for (const t of r.threads) {
      const times = t.posts.map((p) => p.publishedAt!);
      expect([...times].sort()).toEqual(times);
    }
  });

  it('times come from the timestamp titles (Polish interface), continuation tiles keep their sender, replies their link', async () => {
    const html = dec.decode(corpusBytes(PAGE1));
    const threads = readPages([html]);
    const posts = postsOf(threads);
    const first = posts[0]!;
    // Title "Nd, 6 Mar 2022 19:44:22": the exporter's local time, zone not stated.
    expect(first.publishedAt).toBe('2022-03-06T19:44:22');
    expect(first.author.url).toMatch(/^https:\/\/matrix\.to\/#\/@/);
    expect(first.permalink).toBe(`https://matrix.to/#/${ROOM}/${first.id}`);
    // A month name Polish and English share ("Mar") is not what decides: "Paź" is October.
    expect(posts.find((p) => p.id === '$Law926dEV9q3zILsuCRjOBjiAXT6X23QOIQX9us70fw')!.publishedAt).toBe('2022-10-10T21:09:33');
    const replies = posts.filter((p) => p.replyTo);
    expect(replies.length).toBe(4);
    expect(replies.every((p) => p.replyTo!.startsWith('$'))).toBe(true);
    // A continuation tile (no name of its own) has the previous sender's name.
    const cont = /<div class="mx_Export_EventWrapper" id="([^"]+)"><li class="mx_EventTile mx_EventTile_continuation"/.exec(html)![1]!;
    const i = posts.findIndex((p) => p.id === cont);
    if (i > 0) expect(digest(posts[i]!.author.name)).toBe(digest(posts[i - 1]!.author.name));
    // Media are named, never embedded; no event id of a state event, notice or deleted message is a post.
    expect(posts.some((p) => /^\[attachment: .+\.mp4\]$/m.test(p.text))).toBe(true);
    expect(posts.every((p) => !/<(video|img|script)/i.test(p.html))).toBe(true);
    const infoIds = [...html.matchAll(/id="([^"]+)"><li class="mx_EventTile mx_EventTile_info/g)].map((m) => m[1]);
    expect(infoIds.length).toBeGreaterThan(400);
    const ids = new Set(posts.map((p) => p.id));
    expect(infoIds.filter((id) => ids.has(id!))).toEqual([]);
  });

  it('a page cut short keeps the events before the cut and says so; one cut before its messages is refused', async () => {
    const bytes = corpusBytes(PAGE1);
    const warnings: string[] = [];
    const cut = dec.decode(bytes.subarray(0, Math.floor(bytes.length / 2)));
    const posts = postsOf(readPages([cut], warnings));
    expect(posts.length).toBeGreaterThan(50);
    expect(posts.length).toBeLessThan(476);
    expect(warnings.join('\n')).toMatch(/cut off/);
    const head = dec.decode(bytes).indexOf('mx_RoomView_MessageList');
    const r = importArchive({ name: 'messages.html', bytes: bytes.subarray(0, head - 5) }, { parseHtml });
    await expect(r).rejects.toThrow(ImportError);
    await expect(r).rejects.toThrow(/ends before its messages begin: it was cut off/);
  });
});

describe('Element HTML export: made-up pages in Element\'s markup', () => {
  const base: Ev[] = [
    { id: '$a', title: 'Thu, Mar 10 2022 15:14:28', kind: 'info', mxid: '@ann:example.org', body: 'Ann joined the room' },
    { id: '$b', title: 'Thu, Mar 10 2022 15:15:00', name: 'Ann', mxid: '@ann:example.org', body: '<p>Hello <strong>all</strong></p>\n' },
    { id: '$c', title: 'Thu, Mar 10 2022 15:15:30', continuation: true, body: 'line one\nline two', plain: true },
    { id: '$d', title: 'Thu, Mar 10 2022 15:16:00', name: 'bridge', mxid: '@bot:example.org', kind: 'notice', body: 'Bridged.' },
    { id: '$e', title: 'Thu, Mar 10 2022 15:17:00', name: 'Bob', mxid: '@bob:example.org', kind: 'redacted' },
    { id: '$f', title: 'Fri, Mar 11 2022 09:00:05', name: 'Bob', mxid: '@bob:example.org', body: 'Answer', replyTo: '$b' },
    { id: '$g', title: 'Fri, Mar 11 2022 09:01:00', name: 'Bob', mxid: '@bob:example.org', kind: 'emote', body: 'waves' },
  ];

  it('posts, events, continuation, reply quote, emote; plain bodies keep their line breaks', () => {
    const posts = postsOf(readPages([page(base)]));
    expect(posts.map((p) => p.id)).toEqual(['$b', '$c', '$f', '$g']);
    expect(posts.map((p) => p.author.name)).toEqual(['Ann', 'Ann', 'Bob', 'Bob']);
    expect(posts[0]!.text).toBe('Hello all');
    expect(posts[0]!.html).toBe('<div><p>Hello <strong>all</strong></p></div>');
    expect(posts[1]!.text).toBe('line one\nline two');
    expect(posts[2]!.replyTo).toBe('$b');
    expect(posts[2]!.quotes[0]).toMatchObject({ postId: '$b', author: 'Ann', text: 'Hello all' });
    expect(posts[3]!.text).toBe('* Bob waves');
    expect(posts[2]!.publishedAt).toBe('2022-03-11T09:00:05');
  });

  it('reads the timestamps of other interface languages, and says so when it cannot', () => {
    const german = base.map((e, i) => ({ ...e, title: i < 5 ? `Do., 10. März 2022 15:1${i}:00` : `Fr., 11. März 2022 09:0${i}:00` }));
    expect(postsOf(readPages([page(german)])).map((p) => p.publishedAt)).toEqual(['2022-03-10T15:11:00', '2022-03-10T15:12:00', '2022-03-11T09:05:00', '2022-03-11T09:06:00']);
    // "lip" is June in Croatian and July in Polish: 3 June 2022 was a Friday ("pet"), 3 July a Sunday.
    const croatian = base.map((e, i) => ({ ...e, title: `${['pet', 'sub', 'ned'][i % 3]}, ${3 + (i % 3)} lip 2022 10:0${i}:00` }));
    const hr = postsOf(readPages([page(croatian)]));
    expect(['$b', '$c', '$f', '$g'].map((id) => hr.find((p) => p.id === id)!.publishedAt)).toEqual(['2022-06-04T10:01:00', '2022-06-05T10:02:00', '2022-06-05T10:05:00', '2022-06-03T10:06:00']);
    const warnings: string[] = [];
    const unknown = base.map((e) => ({ ...e, title: 'Qx, 10 Zorb 2022 15:14:28' }));
    const posts = postsOf(readPages([page(unknown)], warnings));
    expect(posts).toHaveLength(4);
    expect(posts.every((p) => p.publishedAt === null)).toBe(true);
    expect(warnings.join('\n')).toMatch(/form or language Gleaner could not read/);
    // One damaged title costs only its own post's time.
    const w2: string[] = [];
    const one = base.map((e) => (e.id === '$c' ? { ...e, title: '<damaged>' } : e));
    expect(postsOf(readPages([page(one)], w2)).map((p) => p.publishedAt)).toEqual(['2022-03-10T15:15:00', null, '2022-03-11T09:00:05', '2022-03-11T09:01:00']);
    expect(w2).toEqual(['export: 1 of Element\'s timestamps could not be read; those posts keep no time.']);
  });

  it('hostile bodies: no script, handler, frame, form or javascript: link survives in text or HTML', () => {
    const evil =
      '<p>hi <a href="javascript:alert(1)" onclick="x()">link</a><img src="https://e.vil/p.png" onerror="alert(1)" alt="ALT"><script>alert(2)</script>' +
      '<iframe src="https://e.vil/"></iframe><b style="color:red" onmouseover="y()">bold</b><form action="https://e.vil/"><input value="v"></form>' +
      '<svg><script>z()</script></svg><a href="https://ok.example/">ok</a></p>';
    const posts = postsOf(readPages([page([{ id: '$x', title: 'Thu, Mar 10 2022 15:15:00', name: 'Eve', mxid: '@eve:example.org', body: evil }])]));
    expect(posts).toHaveLength(1);
    const p = posts[0]!;
    // Where <form> closes the paragraph is the parser's business; the words are what count.
    expect(p.text.replace(/\s+/g, ' ')).toBe('hi linkbold ok');
    expect(p.text).not.toMatch(/ALT|alert|v$/);
    for (const bad of ['<script', 'onerror', 'onclick', 'onmouseover', 'javascript:', '<iframe', '<form', '<input', '<img', '<svg', 'style=', 'alert(']) expect(p.html).not.toContain(bad);
    expect(p.html).toContain('<a href="https://ok.example/">ok</a>');
  });

  it('images and files become attachment lines with their names, linked only when on the web', () => {
    const media: Ev[] = [
      { id: '$i', title: 'Thu, Mar 10 2022 15:15:00', name: 'Ann', mxid: '@ann:example.org', kind: 'media', body: '<div class="mx_MImageBody"><a href="images/cat-10.03.2022.png"><img class="mx_MImageBody_thumbnail" src="images/cat-10.03.2022.png" alt="cat.png"></a></div>' },
      { id: '$j', title: 'Thu, Mar 10 2022 15:16:00', name: 'Ann', mxid: '@ann:example.org', kind: 'media', body: '<span class="mx_MFileBody"><div class="mx_MediaBody mx_MFileBody_info"><span class="mx_MFileBody_info_icon"></span><span class="mx_MFileBody_info_filename">notes.pdf (12 KB)</span></div></span>' },
      { id: '$k', title: 'Thu, Mar 10 2022 15:17:00', name: 'Ann', mxid: '@ann:example.org', kind: 'media', body: '<span class="mx_MFileBody"><a href="https://files.example.org/a.zip" download="a.zip">a.zip (1 MB)</a></span>' },
    ];
    const posts = postsOf(readPages([page(media)]));
    expect(posts.map((p) => p.text)).toEqual(['[attachment: cat.png]', '[attachment: notes.pdf]', '[attachment: a.zip]']);
    expect(posts[0]!.html).toBe('<ul class="attachments"><li>cat.png</li></ul>');
    expect(posts[2]!.html).toBe('<ul class="attachments"><li><a href="https://files.example.org/a.zip">a.zip</a></li></ul>');
  });

  it('markup nested deeper than any real message is flattened before parsing: the message is read, the others untouched', () => {
    const warnings: string[] = [];
    const deep = { id: '$deep', title: 'Thu, Mar 10 2022 15:16:30', name: 'Eve', mxid: '@eve:example.org', body: '<b>'.repeat(30000) + 'deep' + '</b>'.repeat(30000) };
    const posts = postsOf(readPages([page([...base.slice(0, 3), deep, ...base.slice(3)])], warnings));
    expect(posts.map((p) => p.id)).toEqual(['$b', '$c', '$deep', '$f', '$g']);
    expect(posts.find((p) => p.id === '$deep')!.text).toBe('deep');
    expect(postsOf(readPages([page(base)]))).toEqual(posts.filter((p) => p.id !== '$deep'));
  });

  it('a page of another Element room is read as part of the first, with a warning; a non-Element page is refused', () => {
    const warnings: string[] = [];
    const other = page([{ id: '$z', title: 'Sat, Mar 12 2022 10:00:00', name: 'Ann', mxid: '@ann:example.org', body: 'x' }]).replaceAll(ROOM, '!other:example.org');
    expect(postsOf(readPages([page(base), other], warnings))).toHaveLength(5);
    expect(warnings.join('\n')).toMatch(/another room/);
    expect(() => readPages(['<html><body><p>hello</p></body></html>'])).toThrow(/not an Element \(Matrix\) HTML export/);
  });
});
