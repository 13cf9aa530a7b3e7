import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodePage, ExtractError, extractThread, sourceFromText } from '../../lib/extract/index.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { absUrl, textOf } from '../../lib/extract/dom.ts';
import { buildPageSignals, orderOf } from '../../lib/extract/page-signals.ts';
import { corpusBytes } from '../support/corpus.ts';
import { extractText } from '../support/extract.ts';

/*
 * Bad input: every case must end in a Thread or an ExtractError a person can read — never another
 * exception, never a hang. Variants are built at run time from real corpus pages.
 */
const EXPECT = resolve(dirname(fileURLToPath(import.meta.url)), '../expect');
const pages = readdirSync(EXPECT)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(resolve(EXPECT, f), 'utf8')) as { file: string; url: string; kind?: string });

/** Runs an extraction and returns what came out: a thread, or the ExtractError (anything else fails the test). */
function outcome(text: string, url: string, fallback = false): { posts: number } | ExtractError {
  try {
    return { posts: extractText(text, url, { fallback }).posts.length };
  } catch (e) {
    if (e instanceof ExtractError) {
      expect(e.message.length).toBeGreaterThan(20);
      return e;
    }
    throw e;
  }
}

function noThread(text: string, url: string): ExtractError {
  const r = outcome(text, url);
  expect(r, 'expected a no-thread error').toBeInstanceOf(ExtractError);
  expect((r as ExtractError).code).toBe('no-thread');
  return r as ExtractError;
}

const XF = 'xenforo/katzen-forum.net-pepe.html';
const XF_URL = 'https://www.katzen-forum.net/threads/jede-nacht-verliert-pepe-soviel-dreck-aus-dem-fell.230143/';
const PHPBB3 = 'phpbb/foren.myoos.de-viewtopic-167.html';
const PHPBB3_URL = 'https://foren.myoos.de/viewtopic.php?t=167';
const DISCOURSE = 'discourse/meta-discourse-octoverse-topic.html';
const DISCOURSE_URL = 'https://meta.discourse.org/t/the-octoverse-2019/133525';
const HN = 'hackernews/hn-item-ask-best-papers.html';
const HN_URL = 'https://news.ycombinator.com/item?id=36817231';
const page = (rel: string) => decodePage(corpusBytes(rel));

describe('dom helpers keep what matters', () => {
  it('absUrl drops session parameters textually and keeps SMF-style queries byte for byte', () => {
    const base = 'http://forums.contribs.org/index.php?topic=38573.0';
    expect(absUrl('index.php?action=profile;u=3', base)).toBe('http://forums.contribs.org/index.php?action=profile;u=3');
    expect(absUrl('index.php?PHPSESSID=0123abcd;action=profile;u=3', base)).toBe('http://forums.contribs.org/index.php?action=profile;u=3');
    expect(absUrl('viewtopic.php?f=2&t=9&sid=0123456789abcdef0123456789abcdef#p5', base)).toBe('http://forums.contribs.org/viewtopic.php?f=2&t=9#p5');
    expect(absUrl('showthread.php?s=0123456789abcdef0123456789abcdef&t=77', base)).toBe('http://forums.contribs.org/showthread.php?t=77');
    expect(absUrl('/t/x?utm_source=a&q=%7Eb&utm_term=c', base)).toBe('http://forums.contribs.org/t/x?q=%7Eb');
    expect(absUrl('/only?sid=1', base)).toBe('http://forums.contribs.org/only');
    expect(absUrl('javascript:alert(1)', base)).toBeNull();
  });
  it('textOf keeps line breaks and spaces inside pre and code blocks, and folds them elsewhere', () => {
    const doc = linkedomKit.parseHtml('<div id="x"><p>Run   this:</p><pre><code>for i in 1 2:\n    echo  $i\n\n  done</code></pre><p>then <code>a  b</code>  and\n go</p></div>');
    expect(textOf(doc.getElementById('x'))).toBe('Run this:\n\nfor i in 1 2:\n    echo  $i\n\n  done\n\nthen a  b and go');
    const smfCode = linkedomKit.parseHtml('<div id="c"><code class="bbc_code">if (a) {<br />&nbsp; &nbsp; b();<br />}</code></div>');
    expect(textOf(smfCode.getElementById('c'))).toBe('if (a) {\n    b();\n}');
  });
});

describe('truncated pages', () => {
  for (const p of pages) {
    it(`${p.file} cut at several points: a thread or a clear error`, () => {
      const text = page(p.file);
      // Three cuts per page: the corpus has grown to ~120 pages, and each cut is a full extraction.
      for (const frac of [0.05, 0.55, 0.97]) {
        const r = outcome(text.slice(0, Math.floor(text.length * frac)), p.url);
        if (r instanceof ExtractError) expect(['no-thread', 'unreadable', 'invalid']).toContain(r.code);
        else expect(r.posts).toBeGreaterThan(0);
      }
    });
  }
  it('a page cut mid-way through the posts still yields the posts before the cut', () => {
    const text = page(XF);
    const r = outcome(text.slice(0, Math.floor(text.length * 0.55)), XF_URL);
    expect(r).not.toBeInstanceOf(ExtractError);
    expect((r as { posts: number }).posts).toBeGreaterThan(0);
    expect((r as { posts: number }).posts).toBeLessThan(18);
  });
});

/** The page with its posts removed and something else in their place, serialised back to HTML. */
function replacePosts(rel: string, postSelector: string, replacement: string): string {
  const doc = linkedomKit.parseHtml(page(rel));
  const posts = Array.from(doc.querySelectorAll(postSelector));
  expect(posts.length).toBeGreaterThan(0);
  const holder = doc.createElement('div');
  holder.innerHTML = replacement; // test-only: building a variant page in Node, nothing renders it
  posts[0]!.replaceWith(holder);
  for (const p of posts.slice(1)) p.remove();
  return doc.documentElement.outerHTML;
}

const LOGIN_FORM = `<div class="panel"><h2>Login</h2><p>The board requires you to be registered and logged in to view this topic.</p>
<form action="./ucp.php?mode=login" method="post" id="login"><label for="username">Username:</label><input type="text" name="username" id="username">
<label for="password">Password:</label><input type="password" id="password" name="password"><input type="submit" name="login" value="Login"></form></div>`;

describe('login walls and deleted threads', () => {
  it('a phpBB page whose posts became a login form says to sign in', () => {
    const e = noThread(replacePosts(PHPBB3, 'div.post', LOGIN_FORM), PHPBB3_URL);
    expect(e.message).toMatch(/sign in/i);
  });
  it('a XenForo page whose posts became a login form says to sign in', () => {
    const e = noThread(replacePosts(XF, 'article.message--post', LOGIN_FORM.replace('./ucp.php?mode=login', '/login/login')), XF_URL);
    expect(e.message).toMatch(/sign in/i);
  });
  it('a deleted thread (404-style page built from a real one) is no thread, not a crash', () => {
    const html = replacePosts(PHPBB3, 'div.post', '<div class="panel"><h2>Information</h2><p>The requested topic does not exist.</p></div>');
    const e = noThread(html, PHPBB3_URL);
    expect(e.message).not.toMatch(/sign in/i);
    noThread('<!doctype html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>', 'https://example.org/t/1');
  });
});

/** Maps letters to another script, one character for one, so text lengths and spacing stay comparable. */
const LATIN = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZäöüß';
const CYRILLIC = 'абцдефгхийклмнопярстуввхызАБЦДЕФГХИЙКЛМНОПЯРСТУВВХЫЗжщюъ';
const cyr = (s: string) => s.replace(/[a-zA-ZäöüßÄÖÜ]/g, (c) => CYRILLIC[LATIN.indexOf(c)] ?? 'ё');
const cjk = (s: string) => s.replace(/[a-zA-ZäöüßÄÖÜ]/g, (c) => String.fromCodePoint(0x4e00 + (c.charCodeAt(0) % 200)));

function inScript(rel: string, map: (s: string) => string): string {
  const doc = linkedomKit.parseHtml(page(rel));
  const walk = (n: Node) => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) c.nodeValue = map(c.nodeValue ?? '');
      else if (c.nodeType === 1 && !/^(SCRIPT|STYLE)$/i.test((c as Element).tagName)) walk(c);
    }
  };
  walk(doc.body);
  return doc.documentElement.outerHTML;
}

describe('pages in another script', () => {
  for (const [name, map] of [['Cyrillic', cyr], ['CJK', cjk]] as const) {
    it(`${name}: XenForo and Discourse pages give the same posts, text in the new script`, () => {
      for (const [rel, url] of [[XF, XF_URL], [DISCOURSE, DISCOURSE_URL]] as const) {
        const original = extractText(page(rel), url);
        const t = extractText(inScript(rel, map), url);
        expect(t.posts.length).toBe(original.posts.length);
        expect(t.posts.map((p) => p.id)).toEqual(original.posts.map((p) => p.id));
        // Emoji keep their :name: from the image alt, which is not a text node.
        const noEmoji = (x: string) => x.replace(/:[^\s:]+:/g, '');
        expect(noEmoji(t.posts[0]!.text)).toBe(noEmoji(map(original.posts[0]!.text)));
        expect(noEmoji(t.posts[0]!.text)).not.toMatch(/[a-z]{4}/);
      }
    });
  }
});

describe('a page with 10,000 posts', () => {
  it('built by repeating a real Hacker News comment row: every post read, ids unique, no hang', () => {
    // Built as text from linkedom's own serialisation, so the block is found byte for byte in the page.
    const doc = linkedomKit.parseHtml(page(HN));
    const row = doc.querySelectorAll('tr.athing.comtr')[1]!;
    const block = row.outerHTML;
    const whole = doc.documentElement.outerHTML;
    const many = Array.from({ length: 10_000 }, (_, i) => block.replace(`id="${row.id}"`, `id="${90_000_000 + i}"`)).join('');
    const big = whole.replace(block, many);
    expect(big.length).toBeGreaterThan(20_000_000);
    const t = extractText(big, HN_URL);
    // The copied row is replaced by its 10,000 copies.
    expect(t.posts.length).toBe(extractText(page(HN), HN_URL).posts.length - 1 + 10_000);
    expect(new Set(t.posts.map((p) => p.id)).size).toBe(t.posts.length);
    expect(t.posts.filter((p) => p.author.name === t.posts.find((q) => q.id === '90009999')?.author.name).length).toBeGreaterThanOrEqual(10_000);
  }, 300_000);
});

describe('not a page at all', () => {
  it('binary garbage is a clear error', () => {
    let seed = 42;
    const bytes = new Uint8Array(64 * 1024).map(() => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff);
    const r = outcome(decodePage(bytes), 'https://example.org/x');
    expect(r).toBeInstanceOf(ExtractError);
    const nul = outcome(decodePage(new Uint8Array(4096)), 'https://example.org/x');
    expect(nul).toBeInstanceOf(ExtractError);
  });
  it('an empty file or blank text is a clear error', () => {
    expect(noThread('', 'https://example.org/x').message).toMatch(/No discussion thread/);
    noThread('   \n\t ', 'https://example.org/x');
    expect(outcome(decodePage(new Uint8Array(0)), 'https://example.org/x', true)).toBeInstanceOf(ExtractError);
  });
  it('JSON of the wrong shape is a clear error naming JSON', () => {
    for (const json of ['{}', '[]', '[1,2,3]', '{"data":{"type":"discussions","id":"1"}}', '{"tid":1,"title":"x","posts":[{"nope":1}]}', '{"id":1,"created_at":"2020","user":{}}', '{"post_stream":{}}']) {
      expect(noThread(json, 'https://example.org/api/x').message).toMatch(/JSON/);
    }
    // A chat export is JSON too, but not a thread response.
    noThread(page('discord/dce-json-example-guild-thread.json'), 'https://example.org/x');
    const broken = outcome('{"tid": 1, "posts": [', 'https://example.org/x');
    expect(broken).toBeInstanceOf(ExtractError);
    expect((broken as ExtractError).code).toBe('unreadable');
  });
  it('sourceFromText and extractThread agree on XML that is not a thread', () => {
    expect(() => extractThread(sourceFromText('<?xml version="1.0"?><rss><channel><title>x</title></channel></rss>', 'https://example.org/feed', linkedomKit))).toThrow(ExtractError);
  });
});

describe('the page index without node properties', () => {
  it('gives the same thread when the DOM refuses properties on its nodes (positions then kept in a Map)', () => {
    // Thread pages only: the SMF board pages among the expectations hold no thread to compare.
    for (const p of pages.filter((x) => (x.kind ?? 'thread') === 'thread' && /smf|vbulletin\/pocketpc|phpbb\/foren|discourse-octoverse|xenforo\/katzen/.test(x.file))) {
      const text = decodePage(corpusBytes(p.file));
      const plain = extractThread(sourceFromText(text, p.url, linkedomKit));
      const src = sourceFromText(text, p.url, linkedomKit);
      if (src.kind !== 'html') throw new Error(`${p.file} is not HTML`);
      Object.preventExtensions(src.doc.documentElement);
      const index = buildPageSignals(src.doc);
      expect(index.aside, p.file).not.toBeNull();
      const positions = Array.from(src.doc.querySelectorAll('*'), (el) => orderOf(index, el));
      expect(positions.every((at, i) => at === index.start + i), p.file).toBe(true);
      expect(JSON.stringify(extractThread(src)), p.file).toBe(JSON.stringify(plain));
    }
  });
});
