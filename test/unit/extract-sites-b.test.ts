import { describe, expect, it } from 'vitest';
import { decodePage, ExtractError } from '../../lib/extract/index.ts';
import { hackerNewsKidsNotFetched } from '../../lib/extract/hackernews.ts';
import { corpusBytes } from '../support/corpus.ts';
import { extractCorpus, extractText } from '../support/extract.ts';

/** Site adapters, part B: askbot, Stack Exchange, Hacker News, Reddit, BoardGameGeek. */

const byId = <P extends { id: string }>(t: { posts: P[] }, id: string): P => {
  const p = t.posts.find((x) => x.id === id);
  if (!p) throw new Error(`post ${id} not extracted`);
  return p;
};

function noThread(run: () => unknown): ExtractError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ExtractError);
    return e as ExtractError;
  }
  throw new Error('expected an ExtractError');
}

/** Every reply must follow the post it answers, and answer a post of the same thread. */
function repliesPointBackwards(posts: { id: string; replyTo: string | null }[]) {
  const seen = new Set<string>();
  for (const p of posts) {
    if (p.replyTo !== null) expect(seen.has(p.replyTo), `${p.id} answers ${p.replyTo}, not seen before it`).toBe(true);
    seen.add(p.id);
  }
}

describe('askbot', () => {
  const q16 = () => extractCorpus('askbot/ask.openstack-16-multiregion-keystone.html', 'https://ask.openstack.org/en/question/16/x/');

  it('marks the accepted answer and keeps scores', () => {
    const t = q16();
    expect(byId(t, '17').accepted).toBe(true);
    expect(byId(t, '17').score).toBe(14);
    expect(byId(t, '56057').accepted).toBe(false);
    expect(byId(t, '16').score).toBe(12);
    expect(byId(t, '16').accepted).toBeUndefined();
  });

  it('turns comments into posts answering the question or answer they sit under', () => {
    const t = q16();
    expect(byId(t, '27953').replyTo).toBe('16');
    expect(['23', '32', '33', '39', '40'].map((id) => byId(t, id).replyTo)).toEqual(['17', '17', '17', '17', '17']);
    expect(byId(t, '17').replyTo).toBe('16');
    expect(byId(t, '23').permalink).toBe('https://ask.openstack.org/en/question/16/how-to-setup-an-openstack-with-multi-region-support-with-single-keystone/?comment=23#post-id-23');
    // The "answered/updated by" cards are not the post's words, and the editor is not the author.
    expect(byId(t, '17').text).not.toMatch(/answered|updated|smaffulli/);
    expect(byId(t, '17').author).toEqual({ name: 'jtopjian', url: 'https://ask.openstack.org/en/users/54/jtopjian/' });
    repliesPointBackwards(t.posts);
  });

  it('reads comments marked the later way (data-post-id)', () => {
    const t = extractCorpus('askbot/ask.openstack-26830-devstack-docker.html', 'https://ask.openstack.org/en/question/26830/x/');
    expect(byId(t, '26878')).toMatchObject({ replyTo: '26830', author: { name: 'smaffulli' } });
    // The comment template the page keeps for its editor is not a comment.
    expect(t.posts.some((p) => p.id === '0')).toBe(false);
  });

  it('reports pagination, and two pages of one question share only the question id', () => {
    const p1 = extractCorpus('askbot/ask.openstack-24396-page1.html', 'https://ask.openstack.org/en/question/24396/x/');
    const p2 = extractCorpus('askbot/ask.openstack-24396-page2.html', 'https://ask.openstack.org/en/question/24396/x/?page=2');
    expect(p1.pagination).toEqual({ page: 1, pageCount: 4, nextUrl: 'https://ask.openstack.org/en/question/24396/instance-get-more-than-one-fixed-ipgrizzly-g3/?sort=votes&page=2' });
    expect(p2.pagination).toEqual({ page: 2, pageCount: 4, nextUrl: 'https://ask.openstack.org/en/question/24396/instance-get-more-than-one-fixed-ipgrizzly-g3/?sort=votes&page=3' });
    expect(p1.url).toBe(p2.url);
    const ids1 = new Set(p1.posts.map((p) => p.id));
    const shared = p2.posts.filter((p) => ids1.has(p.id)).map((p) => p.id);
    expect(shared).toEqual(['24396']);
    expect(new Set([...ids1, ...p2.posts.map((p) => p.id)]).size).toBe(21);
    expect(q16().pagination).toBeUndefined();
  });

  it('credits community-wiki posts to the wiki, as the page does', () => {
    const t = extractCorpus('askbot/askbot.org-list-of-sites-page1.html', 'https://askbot.org/en/question/2488/list-of-askbot-sites/');
    expect(t.posts[0]!.author).toEqual({ name: 'community wiki', url: null });
    expect(t.posts[0]!.publishedAt).toBe('2010-04-17T13:16:39-05:00');
    expect(t.pagination).toMatchObject({ page: 1, pageCount: 2 });
  });
});

describe('stackexchange', () => {
  const page = () => extractCorpus('stackexchange/german.stackexchange-10376.html', 'https://german.stackexchange.com/questions/10376/x');

  it('reads question, answers and comments with scores and the accepted answer', () => {
    const t = page();
    expect(t.posts.filter((p) => p.accepted).map((p) => p.id)).toEqual(['10381']);
    expect(t.posts.filter((p) => p.accepted === false).map((p) => p.id)).toEqual(['10378', '21947', '47250', '10377', '10380']);
    expect(byId(t, '10380').score).toBe(-1);
    expect(byId(t, 'comment-26550')).toMatchObject({ replyTo: '10376', score: 1, author: { name: 'Vogel612' }, publishedAt: '2014-02-07T10:53:03Z' });
    expect(byId(t, 'comment-26547')).toMatchObject({ replyTo: '10380', score: 3 });
    expect(byId(t, '10381').permalink).toBe('https://german.stackexchange.com/a/10381');
    repliesPointBackwards(t.posts);
  });

  it('names the answerer, not the last editor', () => {
    // Answer 10378 was edited by someone else; the signature marked itemprop=author is the answerer's.
    expect(byId(page(), '10378').author.name).toBe('Hagen von Eitzen');
  });

  it('a metadata-only API response is not a thread, and says how to get one', () => {
    const e = noThread(() => extractCorpus('stackexchange/se-api-question-17992553.json', 'https://api.stackexchange.com/2.3/questions/17992553'));
    expect(e.code).toBe('no-thread');
    expect(e.message).toMatch(/17992553.*filter=withbody/);
  });

  it('reads API items that carry bodies, answers and comments', () => {
    // Built from the documented API shape (api.stackexchange.com/docs/types/question); no real sample with bodies.
    const sample = {
      items: [
        {
          question_id: 101,
          title: 'Why &quot;wurde&quot;?',
          link: 'https://german.stackexchange.com/questions/101/why-wurde',
          owner: { display_name: 'asker', link: 'https://german.stackexchange.com/users/1/asker' },
          creation_date: 1391718640,
          score: 5,
          body: '<p>Question text here.</p>',
          comments: [{ comment_id: 9, post_id: 101, owner: { display_name: 'critic' }, creation_date: 1391718700, score: 2, body: 'Which <i>book</i>?' }],
          answers: [
            { answer_id: 102, owner: { display_name: 'helper' }, creation_date: 1391720000, score: 7, is_accepted: true, body: '<p>Because passive.</p>' },
            { answer_id: 103, owner: { display_name: 'other' }, creation_date: 1391721000, score: 0, is_accepted: false, body: '<p>Maybe.</p><script>x()</script>' },
          ],
        },
      ],
      has_more: false,
      quota_max: 300,
      quota_remaining: 299,
    };
    const t = extractText(JSON.stringify(sample), 'https://api.stackexchange.com/2.3/questions/101?filter=withbody');
    expect(t.title).toBe('Why "wurde"?');
    expect(t.posts.map((p) => [p.id, p.author.name, p.replyTo, p.accepted ?? null, p.score])).toEqual([
      ['101', 'asker', null, null, 5],
      ['comment-9', 'critic', '101', null, 2],
      ['102', 'helper', '101', true, 7],
      ['103', 'other', '101', false, 0],
    ]);
    expect(t.posts[0]!.publishedAt).toBe('2014-02-06T20:30:40Z');
    expect(t.posts[1]!.text).toBe('Which book?');
    expect(t.posts[3]!.html).not.toMatch(/script/);
  });
});

describe('hackernews', () => {
  it('nests current-layout comments by indent', () => {
    const t = extractCorpus('hackernews/hn-item-ask-best-papers.html', 'https://news.ycombinator.com/item?id=36817231');
    expect(t.posts[0]).toMatchObject({ id: '36817231', author: { name: 'toombowoombo' }, score: 225, replyTo: null });
    expect(t.posts[0]!.text).toMatch(/^I'm trying to get an understanding/);
    expect(byId(t, '36818754').replyTo).toBe('36817231'); // indent 0
    expect(byId(t, '36821956').replyTo).toBe('36818754'); // indent 1 under it
    expect(byId(t, '36823811').replyTo).toBe('36820043'); // indent 2
    expect(byId(t, '36827866').replyTo).toBe('36827645'); // indent 4
    expect(t.posts.filter((p) => p.replyTo === '36817231')).toHaveLength(58); // indent="0" rows in the markup
    expect(byId(t, '36818754').text).not.toMatch(/\breply\b$/);
    repliesPointBackwards(t.posts);
  });

  it('nests 2015-layout comments by the indent image width, and keeps ">" quotes apart', () => {
    const t = extractCorpus('hackernews/hn-item-2015-xcode7.html', 'https://news.ycombinator.com/item?id=9681697');
    // A link story without text: the first post is the title, linked, by its submitter.
    expect(t.posts[0]).toMatchObject({ id: '9681697', author: { name: 'yconst', url: 'https://news.ycombinator.com/user?id=yconst' }, text: "What's new in Xcode 7", score: 129 });
    expect(t.posts[0]!.html).toContain('https://developer.apple.com/xcode/');
    expect(byId(t, '9682147').replyTo).toBe('9682061'); // width 40
    expect(byId(t, '9682248').replyTo).toBe('9682147'); // width 80
    expect(byId(t, '9682171').replyTo).toBe('9682163');
    const q = byId(t, '9682869');
    expect(q.quotes).toHaveLength(1);
    expect(q.quotes[0]!.text).toMatch(/^I don't feel comfortable charging/);
    expect(q.text).toMatch(/^Honestly, if you're charging users/);
    repliesPointBackwards(t.posts);
  });

  it('reads a Firebase item as a one-post thread and names the replies it did not include', () => {
    const raw = decodePage(corpusBytes('hackernews/hn-firebase-item-5172905.json'));
    const t = extractText(raw, 'https://hacker-news.firebaseio.com/v0/item/5172905.json');
    expect(t.posts).toHaveLength(1);
    expect(t.posts[0]).toMatchObject({ id: '5172905', author: { name: 'sosuke' }, publishedAt: '2013-02-05T20:02:39Z', score: 727 });
    expect(t.posts[0]!.html).toContain('codinghorror.com');
    const kids = hackerNewsKidsNotFetched(JSON.parse(raw));
    expect(kids).toHaveLength(83);
    expect(kids[0]).toBe(5173142);
  });
});

describe('reddit', () => {
  const api = () => extractCorpus('reddit/reddit-api-comments-3hahrw.json', 'https://www.reddit.com/comments/3hahrw/.json');

  it('flattens the API tree depth-first with replyTo = parent', () => {
    const t = api();
    expect(t.posts[0]).toMatchObject({ id: 't3_3hahrw', text: 'Ba Dum Tsss', author: { name: 'your_local_librarian' } });
    expect(t.posts.slice(1, 4).map((p) => [p.id, p.replyTo])).toEqual([
      ['t1_cu5oif1', 't3_3hahrw'],
      ['t1_cu5t516', 't1_cu5oif1'],
      ['t1_cu5tazd', 't1_cu5t516'],
    ]);
    repliesPointBackwards(t.posts);
  });

  it('reports "more" stubs instead of inventing the comments', () => {
    expect(api().omitted).toMatchObject({ count: 61 });
    expect(api().omitted?.reason).toMatch(/34 .*stubs.*6 deeper threads/);
    const poll = extractCorpus('reddit/reddit-api-comments-fo7p5b-poll.json', 'https://www.reddit.com/comments/fo7p5b/.json');
    expect(poll.omitted?.count).toBe(3748);
    expect(poll.posts).toHaveLength(493);
  });

  it('keeps deleted comments in the tree without inventing their words', () => {
    const gone = api().posts.filter((p) => p.author.name === '[deleted]');
    expect(gone.length).toBe(22);
    for (const p of gone) expect(p.author.url).toBeNull();
    const empty = gone.filter((p) => p.text === '');
    expect(empty.length).toBeGreaterThan(0);
    for (const p of empty) expect(p.html).toBe('');
    expect(api().posts.some((p) => /^\[(deleted|removed)\]$/.test(p.text))).toBe(false);
  });

  it('keeps markdown quotes out of the words (raw_json bodies are not double-decoded)', () => {
    const poll = extractCorpus('reddit/reddit-api-comments-fo7p5b-poll.json', 'https://www.reddit.com/comments/fo7p5b/.json');
    const p = poll.posts.find((x) => x.author.name === 'lucasvb' && x.text.startsWith('Great explanation!'))!;
    expect(p.quotes[0]?.text).toMatch(/^It's less of a "pick your favorite"/);
    expect(p.html).toContain('<blockquote>');
  });

  it('reads redesign HTML, with authors and times from the page state', () => {
    const t = extractCorpus('reddit/reddit-new-python-init.html', 'file:///saved.html');
    expect(t.url).toBe('https://www.reddit.com/r/Python/comments/1bbbwk/whats_your_opinion_on_what_to_include_in_init_py/');
    expect(t.posts[0]).toMatchObject({ id: 't3_1bbbwk', author: { name: 'barisumog' }, publishedAt: '2013-03-30T18:46:24Z', score: 124 });
    expect(byId(t, 't1_c95ey1k')).toMatchObject({ replyTo: 't1_c95cjs5', score: 10, author: { name: 'flying-sheep' } });
    expect(byId(t, 't1_c95cjs5').replyTo).toBe('t3_1bbbwk');
    expect(t.omitted).toMatchObject({ count: 31 });
    repliesPointBackwards(t.posts);
  });

  it('reads a title-only post and counts the "more replies" the page did not render', () => {
    const t = extractCorpus('reddit/reddit-new-askreddit-titleonly.html', 'https://www.reddit.com/r/AskReddit/comments/axtih6/x/');
    expect(t.posts[0]!.text).toBe('What is the most "worth it" item you have ever purchased?');
    expect(byId(t, 't1_ehwn1nt').replyTo).toBe('t1_ehwamnx');
    expect(byId(t, 't1_ehw4j07')).toMatchObject({ text: '', author: { name: '[deleted]', url: null } });
    // 22 + 1 + 31 + 102 + 90 + 98 + 237, as the page's seven "N more replies" links say.
    expect(t.omitted?.count).toBe(581);
  });

  it('a recorded HTTP session (betamax cassette) is not a thread', () => {
    expect(noThread(() => extractCorpus('reddit/praw-cassette-commentforest-sort-old.json', 'file:///cassette.json')).code).toBe('no-thread');
  });
});

describe('boardgamegeek', () => {
  it('reads an xmlapi2 thread: escaped and CDATA body HTML, links, profiles', () => {
    const t = extractCorpus('bgg/bggclient_thread_3208373.xml', 'https://boardgamegeek.com/xmlapi2/thread?id=3208373');
    expect(t.url).toBe('https://boardgamegeek.com/thread/3208373');
    const first = t.posts[0]!;
    expect(first).toMatchObject({
      id: '43461362',
      author: { name: 'darkuss', url: 'https://boardgamegeek.com/user/darkuss' },
      publishedAt: '2023-12-15T13:07:50-06:00',
      permalink: 'https://boardgamegeek.com/thread/3208373/article/43461362#43461362',
    });
    expect(first.text).not.toMatch(/<br|&lt;|&quot;/);
    expect(first.text).toContain('"Placement Symbol"');
    expect(first.html).toContain('https://cf.geekdo-images.com/');
    expect(first.html).not.toMatch(/style=/);
    expect(t.posts[6]!.text).toMatch(/^Congrats for this new maps!\n/);
  });

  it('forum listings and forum lists are not threads, and say what to save instead', () => {
    for (const f of ['bgg/bggclient_forum_3696796_p1.xml', 'bgg/bggclient_forum_3696796_p3.xml', 'bgg/tnaskali_forum_2341.xml']) {
      const e = noThread(() => extractCorpus(f, 'https://boardgamegeek.com/xmlapi2/forum'));
      expect(e.code).toBe('no-thread');
      expect(e.message).toMatch(/forum listing.*xmlapi2\/thread/);
    }
    expect(noThread(() => extractCorpus('bgg/bggclient_forumlist_342942.xml', 'x')).message).toMatch(/list of forums/);
  });
});

describe('truncated input', () => {
  const files: [string, string][] = [
    ['askbot/ask.openstack-16-multiregion-keystone.html', 'https://ask.openstack.org/en/question/16/x/'],
    ['stackexchange/german.stackexchange-10376.html', 'https://german.stackexchange.com/questions/10376/x'],
    ['hackernews/hn-item-ask-best-papers.html', 'https://news.ycombinator.com/item?id=36817231'],
    ['hackernews/hn-item-2015-xcode7.html', 'https://news.ycombinator.com/item?id=9681697'],
    ['reddit/reddit-new-python-init.html', 'https://www.reddit.com/r/Python/comments/1bbbwk/x/'],
    ['reddit/reddit-api-comments-3hahrw.json', 'https://www.reddit.com/comments/3hahrw/.json'],
    ['bgg/bggclient_thread_3208373.xml', 'https://boardgamegeek.com/xmlapi2/thread?id=3208373'],
  ];
  for (const [f, url] of files) {
    it(`${f} cut short: a shorter thread or a clear error, never a crash`, () => {
      const text = decodePage(corpusBytes(f));
      for (const frac of [0.3, 0.6, 0.9]) {
        const cut = text.slice(0, Math.floor(text.length * frac));
        try {
          const t = extractText(cut, url);
          expect(t.posts.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e, `${f} at ${frac}: ${(e as Error).message}`).toBeInstanceOf(ExtractError);
          expect((e as ExtractError).message.length).toBeGreaterThan(20);
        }
      }
    });
  }
});
