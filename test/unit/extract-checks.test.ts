import { describe, expect, it } from 'vitest';
import type { PostInput } from '../../lib/model/thread.ts';
import { confidenceOf, findDoubts, looksWrong, statedCount, statedPages, withoutNotices } from '../../lib/extract/checks.ts';
import { ExtractError } from '../../lib/extract/index.ts';
import { extractCorpus, extractText } from '../support/extract.ts';

const NOW = new Date('2026-12-07T00:00:00Z');
const SAYINGS = [
  'Tomatoes want more sun than that corner gets.',
  'Try a raised bed; the clay drains badly.',
  'I had the same blight last summer.\nCopper spray helped a little.',
  'Which variety did you plant?',
  'Mulch keeps the soil from drying out in July.',
  'Thanks, that worked for me too!',
  'Our allotment society sells seed potatoes in February.',
  'Photos would help: is the leaf yellow at the edge or the middle?',
];

function post(i: number, over: Partial<PostInput> = {}): PostInput {
  return {
    id: String(i),
    author: { name: `member${i % 4}`, url: null },
    publishedAt: `2020-04-0${1 + (i % 8)}T1${i % 10}:2${i % 10}:00Z`,
    text: SAYINGS[i % SAYINGS.length]!,
    html: '',
    permalink: null,
    replyTo: null,
    quotes: [],
    ...over,
  };
}
const normal = Array.from({ length: 8 }, (_, i) => post(i));

describe('checks on every result', () => {
  it('a normal reading has no doubt and scores 1', () => {
    expect(findDoubts({ posts: normal, pageText: 'Page 1 of 1', now: NOW })).toEqual([]);
    expect(confidenceOf([]).score).toBe(1);
  });

  it('a real corpus thread read by its adapter scores 1', () => {
    const t = extractCorpus('phpbb/openoffice-viewtopic-82202.html', 'https://forum.openoffice.org/en/forum/viewtopic.php?f=5&t=82202');
    expect(t.confidence).toEqual({ score: 1, reasons: [] });
  });

  const doubtful: [string, PostInput[], string, string?][] = [
    ['posts without authors', normal.map((p, i) => (i < 6 ? { ...p, author: { name: 'Guest', url: null } } : p)), 'authors-missing'],
    ['the same line in most posts', normal.map((p) => ({ ...p, text: `${p.text}\nReply · Like · Share this post` })), 'repeated-text'],
    ['times in the future', normal.map((p, i) => (i === 2 ? { ...p, publishedAt: '2031-01-01T10:00:00Z' } : p)), 'future-times'],
    ['every time at midnight', normal.map((p) => ({ ...p, publishedAt: p.publishedAt!.slice(0, 10) + 'T00:00:00' })), 'midnight-times'],
    ['a count the page disagrees with', normal.slice(0, 3), 'count-mismatch', 'Showing posts 1 to 10 of 25'],
    ['no text in most posts', normal.map((p) => ({ ...p, text: '' })), 'texts-empty'],
  ];
  for (const [what, posts, code, pageText] of doubtful) {
    it(`${what} lowers the score and says so in words`, () => {
      const doubts = findDoubts({ posts, pageText: pageText ?? '', now: NOW });
      expect(doubts.map((d) => d.code)).toContain(code);
      const c = confidenceOf(doubts);
      expect(c.score).toBeLessThan(1);
      expect(c.reasons.find((r) => r.code === code)!.message).toMatch(/^Gleaner /);
    });
  }

  it('two doubts score lower than either alone', () => {
    const one = confidenceOf(findDoubts({ posts: doubtful[0]![1], now: NOW })).score;
    const both = confidenceOf(findDoubts({ posts: doubtful[0]![1].map((p) => ({ ...p, publishedAt: '2031-01-01T10:00:00Z' })), now: NOW })).score;
    expect(both).toBeLessThan(one);
  });

  it('a short thank-you from several people is not chrome', () => {
    const thanks = normal.map((p) => ({ ...p, text: 'Thanks!' }));
    expect(looksWrong(thanks)).toBe(false);
  });

  it('reads the page\'s own counts in several languages', () => {
    expect(statedCount('Beiträge 1 bis 10 von 25')).toEqual({ onPage: 10, total: 25 });
    expect(statedCount('Showing results 11 to 20 of 25')).toEqual({ onPage: 10, total: 25 });
    expect(statedCount('12 replies')).toBeNull();
    expect(statedCount('Posts: 75 Joined: 2011')).toBeNull();
    expect(statedPages('Seite 2 von 4')).toEqual({ page: 2, of: 4 });
    expect(statedPages('Page 5 of 4')).toBeNull();
  });

  it('says when the page has more pages than the reader found links to', () => {
    const d = findDoubts({ posts: normal, pageText: 'Page 1 of 4', pagination: { page: 1, pageCount: null, nextUrl: null }, now: NOW });
    expect(d.map((x) => x.code)).toEqual(['pages-mismatch']);
    expect(findDoubts({ posts: normal, pageText: 'Page 1 of 4', pagination: { page: 1, pageCount: 4, nextUrl: 'https://x.invalid/?page=2' }, now: NOW })).toEqual([]);
  });
});

describe('site notices are never part of a post', () => {
  it('drops notice lines and keeps the author\'s words', () => {
    expect(withoutNotices('Want to improve this post? Add citations from reputable sources.\nThe answer is 42.')).toBe('The answer is 42.');
    expect(withoutNotices('Good point.\nThis thread is archived')).toBe('Good point.');
    expect(withoutNotices('We use cookies to improve your experience.')).toBe('');
    // The same words inside a sentence are the author's.
    expect(withoutNotices('I think this thread is archived too early.')).toBe('I think this thread is archived too early.');
  });

  it('finds a notice line after lines that only mention its words', () => {
    const log = Array.from({ length: 50 }, (_, i) => `[${i}] mutex locked by worker, cookies cleared`).join('\n');
    expect(withoutNotices(log)).toBe(log);
    expect(withoutNotices(`${log}\n  This topic was automatically closed 30 days after the last reply.  \nThanks`)).toBe(`${log}\nThanks`);
    expect(withoutNotices(`Locked out again?\r\nthis thread is locked\r\nBye`)).toBe('Locked out again?\r\nBye');
  });

  it('a notice printed inside a post body does not reach the thread', () => {
    const page = (notice: string) =>
      `<html><body id="phpbb"><div id="p1" class="post"><div class="postbody"><p class="author">by <a class="username" href="./memberlist.php?mode=viewprofile&u=2">ann</a> » Mon Jan 06, 2020 10:00 am</p><div class="content">${notice}<br>My own words.</div></div></div>` +
      `<div id="p2" class="post"><div class="postbody"><p class="author">by <a class="username" href="./memberlist.php?mode=viewprofile&u=3">bob</a> » Mon Jan 06, 2020 11:00 am</p><div class="content">Bob's reply.</div></div></div></body></html>`;
    const t = extractText(page('This topic is archived, new replies are closed.'), 'https://forum.invalid/viewtopic.php?t=1');
    expect(t.posts[0]!.text).toBe('My own words.');
  });
});

describe('login walls', () => {
  const thread = (header: string) =>
    `<html><body id="phpbb"><header>${header}</header><div id="p1" class="post"><div class="postbody"><p class="author">by <a class="username" href="./memberlist.php?mode=viewprofile&u=2">ann</a> » Mon Jan 06, 2020 10:00 am</p><div class="content">Hello all.</div></div></div></body></html>`;
  const signInBox = '<form action="./ucp.php?mode=login" method="post"><input name="username"><input type="password" name="password"><button>Login</button></form>';

  it('a sign-in box in the header of a thread is not a wall: the posts are read', () => {
    const t = extractText(thread(signInBox), 'https://forum.invalid/viewtopic.php?t=1');
    expect(t.posts.map((p) => p.author.name)).toEqual(['ann']);
  });

  function noThread(html: string): string {
    try {
      extractText(html, 'https://forum.invalid/viewtopic.php?t=1');
    } catch (e) {
      expect(e).toBeInstanceOf(ExtractError);
      return (e as Error).message;
    }
    throw new Error('a thread was read');
  }

  it('"members only" is said only when no post is found and the page asks for a sign-in', () => {
    expect(noThread(`<html><body><h1>Forum</h1><p>You must be logged in to view this topic.</p>${signInBox}</body></html>`)).toMatch(/visible only to members/);
    expect(noThread(`<html><body><main><h2>Sign in</h2>${signInBox}</main></body></html>`)).toMatch(/visible only to members/);
  });

  it('a page with a header sign-in box and no posts is not called a wall', () => {
    const article = `<html><body><header>${signInBox}</header><article>${'<p>Some long article text about forum software and its history. </p>'.repeat(80)}</article></body></html>`;
    expect(noThread(article)).not.toMatch(/members/);
  });

  it('a list of threads is named as such', () => {
    const rows = Array.from({ length: 12 }, (_, i) => `<li><a href="./viewtopic.php?f=2&t=${100 + i}">Topic ${i}</a></li>`).join('');
    expect(noThread(`<html><body><header>${signInBox}</header><ul>${rows}</ul></body></html>`)).toMatch(/list of threads/);
  });
});

describe('copies are not chrome', () => {
  it('posts repeating one text are doubted but not handed over as chrome', () => {
    const copies = Array.from({ length: 10 }, (_, i) => post(i, { text: 'Same pasted message.\nWith a second line.' }));
    expect(looksWrong(copies)).toBe(false);
    expect(findDoubts({ posts: copies, now: NOW }).map((d) => d.code)).toContain('repeated-text');
  });
});
