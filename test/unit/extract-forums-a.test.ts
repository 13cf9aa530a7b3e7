import { describe, expect, it } from 'vitest';
import { ADAPTERS, decodePage, ExtractError, extractThread, sourceFromText } from '../../lib/extract/index.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { generic } from '../../lib/extract/generic.ts';
import { smf } from '../../lib/extract/smf.ts';
import { hypermail } from '../../lib/extract/hypermail.ts';
import { forumotion } from '../../lib/extract/forumotion.ts';
import { phpbb3 } from '../../lib/extract/phpbb.ts';
import { corpusBytes } from '../support/corpus.ts';
import { extractCorpus, extractText } from '../support/extract.ts';

const XF = 'xenforo/katzen-forum.net-pepe.html';
const XF_URL = 'https://www.katzen-forum.net/threads/jede-nacht-verliert-pepe-soviel-dreck-aus-dem-fell.230143/';
const VB4 = 'vbulletin/pocketpc.ch-thread-page34.html';
const VB4_URL = 'https://www.pocketpc.ch/windows-phone-7-allgemein/122760-microsoft-beginnt-auslieferung-vorbereitungsupdate-34.html';
const SA = 'vbulletin/sa-forums-showthread-canadian-politics.html';
const SA_URL = 'https://forums.somethingawful.com/showthread.php?threadid=3507451&pagenumber=5';
const SMF = 'smf/smf2-rc3-topic-38573-faq.html';
const SMF_URL = 'http://forums.contribs.org/index.php?topic=38573.0';
const SMF_BOARD = 'smf/smf2-rc3-board-9-index.html';
const FM = 'forumotion/wolfsrebellen-forumieren-t7.html';
const FM_URL = 'https://wolfsrebellen-netz.forumieren.com/t7-forums-regeln';
const HM = 'hypermail/w3c-public-privacy-2018-04-dns-cookies.html';
const HM_URL = 'https://lists.w3.org/Archives/Public/public-privacy/2018AprJun/0003.html';
const HM_INDEX = 'hypermail/w3c-public-privacy-2020AprJun-index-by-date.html';

const page = (rel: string) => decodePage(corpusBytes(rel));
const source = (html: string, url: string) => sourceFromText(html, url, linkedomKit);

function noThread(run: () => unknown): ExtractError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ExtractError);
    expect((e as ExtractError).code).toBe('no-thread');
    return e as ExtractError;
  }
  throw new Error('expected a no-thread error, got a thread');
}

/**
 * A corpus page with every engine mark taken away: classes renamed (prefixed, so their words stay),
 * engine ids, XenForo hooks and the generator removed. No specific adapter can recognise it.
 */
function disguise(html: string): string {
  return html
    .replace(/\sclass="([^"]*)"/g, (_m, v: string) => ` class="${v.split(/\s+/).filter(Boolean).map((c) => `k-${c}`).join(' ')}"`)
    .replace(/\sid="(XF|something_awful|vbulletin_html)"/g, '')
    .replace(/\sdata-xf-[\w-]+="[^"]*"/g, '')
    .replace(/<meta name="generator"[^>]*>/gi, '');
}

describe('Discourse /t/ID.json', () => {
  const TRY = 'discourse/discourse-api-topic-try-discourse.json';
  const TRY_URL = 'https://try.discourse.org/t/this-site-is-a-sandbox-it-is-reset-every-day/57.json';

  it('reads likes as scores, the reply to post 1, and an image-only post as an image with no words', () => {
    const t = extractCorpus(TRY, TRY_URL);
    expect(t.url).toBe('https://try.discourse.org/t/this-site-is-a-sandbox-it-is-reset-every-day/57');
    expect(t.posts.map((p) => [p.id, p.replyTo, p.score])).toEqual([['57/1', null, 0], ['57/2', null, 0], ['57/3', null, 5], ['57/14', '57/1', 5]]);
    const image = t.posts[2]!;
    expect(image.text).toBe('');
    expect(image.html).toContain('<img src="http://i288.photobucket.com/albums/ll164/stienman/ahh.gif"');
    expect(image.author).toEqual({ name: 'stienman', url: 'https://try.discourse.org/u/stienman' });
    expect(image.permalink).toBe('https://try.discourse.org/t/this-site-is-a-sandbox-it-is-reset-every-day/57/3');
  });

  it('makes no profile links or permalinks when the response\'s forum is unknown', () => {
    const t = extractThread(sourceFromText(decodePage(corpusBytes(TRY)), 'file:///tmp/57.json', linkedomKit));
    expect(t.posts).toHaveLength(4);
    expect(t.posts.every((p) => p.author.url === null && p.permalink === null)).toBe(true);
    expect(t.posts[0]!.author.name).toBe('samsaffron');
  });
});

describe('XenForo 2', () => {
  const t = extractCorpus(XF, XF_URL);

  it('keeps engine ids, profile links and permalinks', () => {
    expect(t.extractor).toBe('xenforo');
    expect(t.posts[0]!.id).toBe('6331411');
    expect(t.posts[0]!.author.url).toBe('https://www.katzen-forum.net/members/pepemaus.81656/');
    expect(t.posts[0]!.permalink).toBe(`${XF_URL}post-6331411`);
    expect(t.pagination).toEqual({ page: 1, pageCount: 1, nextUrl: null });
  });

  it('separates a quote from the post that quotes it, with the quoted post and author', () => {
    const p = t.posts.find((x) => x.id === '6331617')!;
    expect(p.quotes).toEqual([{ postId: '6331459', author: 'Pepemaus', text: 'yellowkitty die Ohren sind total sauber, kein Dreck' }]);
    expect(p.text).not.toContain('total sauber');
    expect(p.text.startsWith('Dann hat er wohl keine Milben')).toBe(true);
    expect(p.html).toContain('bbCodeBlock--quote');
  });

  it('is recognised by its hooks on any domain, without the html id', () => {
    const th = extractText(page(XF).replace('<html id="XF"', '<html'), 'https://cats.example.org/threads/x.1/');
    expect(th.extractor).toBe('xenforo');
    expect(th.posts).toHaveLength(18);
  });

  // Reactions bar and signature as XenForo 2 prints them (no corpus post has either): injected into the real page.
  it('counts shown reactions and keeps the signature apart', () => {
    const html = page(XF)
      .replace('<div class="reactionsBar js-reactionsList ">', '<div class="reactionsBar js-reactionsList is-active"><a class="reactionsBar-link" href="/posts/6331411/reactions"><bdi>MoeC</bdi>, <bdi>Lehmann</bdi> und 3 weitere</a>')
      .replace('<footer class="message-footer">', '<aside class="message-signature"><div class="bbWrapper">Viele Grüße von Pepe</div></aside><footer class="message-footer">');
    const p = extractText(html, XF_URL).posts[0]!;
    expect(p.score).toBe(5);
    expect(p.signature).toBe('Viele Grüße von Pepe');
    expect(p.text).not.toContain('Viele Grüße');
    expect(t.posts[1]!.score).toBeNull();
  });
});

describe('vBulletin 4', () => {
  const t = extractCorpus(VB4, VB4_URL);

  it('decodes the ISO-8859-1 page (umlauts) and strips session ids from links', () => {
    expect(t.posts.find((p) => p.id === '949817')!.text).toBe('Das wäre albern.');
    expect(t.posts[0]!.author.url).toBe('https://www.pocketpc.ch/members/71187_predator.html');
    expect(t.url).toBe(VB4_URL);
    expect(t.posts[0]!.permalink).toBe('https://www.pocketpc.ch/windows-phone-7-allgemein/122760-microsoft-beginnt-auslieferung-vorbereitungsupdate-post949757.html#post949757');
  });

  it('reads quotes with the quoted post id, and the app signature apart from the text', () => {
    const p = t.posts[0]!;
    expect(p.quotes).toHaveLength(1);
    expect(p.quotes[0]).toMatchObject({ postId: '949745', author: 'TheFreeman' });
    expect(p.quotes[0]!.text.startsWith('Gibt es denn irgendow eine Seite')).toBe(true);
    expect(p.text).toBe('Das war noch nicht das Update, sondern nur die Vorbereitung. Warum auch immer');
    expect(p.signature).toMatch(/^Mit der kostenlosen PocketPC\.ch App/);
  });

  it('reads the pagination: page 34 of 40 and the next page', () => {
    expect(t.pagination).toEqual({
      page: 34,
      pageCount: 40,
      nextUrl: 'https://www.pocketpc.ch/windows-phone-7-allgemein/122760-microsoft-beginnt-auslieferung-vorbereitungsupdate-35.html',
    });
  });
});

describe('Something Awful (customised vBulletin 3)', () => {
  const t = extractCorpus(SA, SA_URL);

  it('reads ids, profile links, permalinks and pagination', () => {
    expect(t.extractor).toBe('vbulletin-sa');
    const p = t.posts[0]!;
    expect(p.id).toBe('407741839');
    expect(p.author.url).toBe('https://forums.somethingawful.com/member.php?action=getinfo&userid=108110');
    expect(p.permalink).toBe('https://forums.somethingawful.com/showthread.php?goto=post&postid=407741839#post407741839');
    expect(t.pagination?.page).toBe(5);
    expect(t.pagination?.nextUrl).toContain('pagenumber=6');
  });

  it('separates "X posted:" quote blocks, several per post', () => {
    const p = t.posts.find((x) => x.id === '407752514')!;
    expect(p.quotes.map((q) => [q.postId, q.author])).toEqual([
      ['407751391', 'Stephen Harper'],
      ['407751664', 'JayMax'],
    ]);
    expect(p.text).not.toContain('posted:');
    // Windows-1252 curly quote, undeclared in the page: decoded as the character, not a C1 control.
    expect(p.text.startsWith('\u201cWe were appalled')).toBe(true);
  });
});

describe('SMF 2', () => {
  const t = extractCorpus(SMF, SMF_URL);

  it('keeps SMF\'s ";" parameters and drops PHPSESSID', () => {
    const p = t.posts[0]!;
    expect(p.author.url).toBe('http://forums.contribs.org/index.php?action=profile;u=3061');
    expect(p.permalink).toBe('http://forums.contribs.org/index.php/topic,38573.msg174916.html#msg174916');
    expect(t.url).toBe('http://forums.contribs.org/index.php/topic,38573.0.html');
  });

  it('reads quotes (linked and unlinked) and keeps the signature out of the text', () => {
    const linked = t.posts.find((p) => p.id === '174927')!;
    expect(linked.quotes[0]).toMatchObject({ postId: '174925', author: 'mmccarn' });
    const unlinked = t.posts.find((p) => p.id === '174983')!;
    expect(unlinked.quotes.map((q) => [q.postId, q.author])).toEqual([
      [null, 'gregswallow'],
      [null, 'gregswallow'],
    ]);
    expect(unlinked.text).not.toContain('Quote from');
    const first = t.posts[0]!;
    expect(first.signature).toMatch(/^Greg Swallow/);
    expect(first.text).not.toContain('Before starting a new topic');
  });

  it('does not read the board (topic list) page as a thread', () => {
    const src = source(page(SMF_BOARD), 'http://forums.contribs.org/index.php?board=9.0');
    expect(smf.detect(src)).toBe(true);
    expect(smf.extract(src)).toBeNull();
    noThread(() => extractCorpus(SMF_BOARD, 'http://forums.contribs.org/index.php?board=9.0'));
  });
});

describe('Forumotion', () => {
  const t = extractCorpus(FM, FM_URL);

  it('wins over the phpBB 3 adapter whose markup its template copies', () => {
    const src = source(page(FM), FM_URL);
    expect(forumotion.detect(src)).toBe(true);
    expect(phpbb3.detect(src)).toBe(true);
    expect(ADAPTERS.indexOf(forumotion)).toBeLessThan(ADAPTERS.indexOf(phpbb3));
    expect(t.extractor).toBe('forumotion');
    expect(t.platform).toBe('forumotion');
  });

  it('skips the sponsored pseudo-post and separates signatures', () => {
    expect(t.posts.map((p) => p.id)).toEqual(['7', '655', '702']);
    expect(t.posts.some((p) => /Gesponserte/.test(p.author.name))).toBe(false);
    expect(t.posts[1]!.signature).toContain('ich bin nicht da');
    expect(t.posts[1]!.text).not.toContain('ich bin nicht da');
    expect(t.posts[1]!.permalink).toBe(`${FM_URL}#655`);
  });

  it('reads numeric dates day-first only because the page proves it (26/10/13)', () => {
    expect(t.posts[0]!.publishedAt).toBe('2013-10-26T15:48:00');
    // The same page with only ambiguous dates and an English language tag: left unresolved, not guessed.
    const ambiguous = page(FM).replace(/\d{2}\/(\d{2})\/(\d{2}), /g, '05/$1/$2, ').replace('lang="de"', 'lang="en"');
    expect(extractText(ambiguous, FM_URL).posts[0]!.publishedAt).toBeNull();
  });
});

describe('Hypermail', () => {
  const t = extractCorpus(HM, HM_URL);

  it('reads one message: Message-Id, sender name (no address), dated with its offset', () => {
    expect(t.posts).toHaveLength(1);
    const p = t.posts[0]!;
    expect(p.id).toBe('1399161D-D7BE-4241-A876-72A2097DEDE1@ischool.berkeley.edu');
    expect(p.author).toEqual({ name: 'Nick Doty', url: null });
    expect(p.publishedAt).toBe('2018-04-10T15:43:27-07:00');
    expect(p.replyTo).toBeNull();
    // Mail keeps its line structure.
    expect(p.text).toMatch(/DNS cookies":\n\nhttp:\/\/dnscookie\.com\//);
    expect(p.text.endsWith('—Nick')).toBe(true);
  });

  // Reply fields and quoted lines as hypermail writes them (this message has neither): injected at run time.
  it('takes replyTo from the inreplyto field and moves quoted lines out of the text', () => {
    const html = page(HM)
      .replace('<!-- isosent=', '<!-- inreplyto="CAF00@example.org" -->\n<!-- isosent=')
      .replace('—Nick', '<em class="quotelev1">&gt; Is anyone looking at DNS?</em>\n—Nick');
    const p = extractText(html, HM_URL).posts[0]!;
    expect(p.replyTo).toBe('CAF00@example.org');
    expect(p.quotes).toEqual([{ postId: null, author: null, text: 'Is anyone looking at DNS?' }]);
    expect(p.text).not.toContain('Is anyone looking');
  });

  it('reads the by-date index as a listing, not a thread', () => {
    const src = source(page(HM_INDEX), 'https://lists.w3.org/Archives/Public/public-privacy/2020AprJun/');
    expect(hypermail.detect(src)).toBe(true);
    expect(hypermail.extract(src)).toBeNull();
    noThread(() => extractCorpus(HM_INDEX, 'https://lists.w3.org/Archives/Public/public-privacy/2020AprJun/'));
  });
});

describe('generic repeated-post reader', () => {
  it('reads a disguised XenForo page: same authors, times and words as the XenForo adapter', () => {
    const real = extractCorpus(XF, XF_URL);
    const t = extractText(disguise(page(XF)), XF_URL);
    expect(t.extractor).toBe('generic');
    expect(t.posts.map((p) => p.author.name)).toEqual(real.posts.map((p) => p.author.name));
    expect(t.posts.map((p) => p.publishedAt)).toEqual(real.posts.map((p) => p.publishedAt));
    expect(t.posts.map((p) => p.id)).toEqual(real.posts.map((p) => p.id));
    expect(t.posts[0]!.text.startsWith('Hallo,\nPepe schläft nachts')).toBe(true);
    expect(t.posts[0]!.author.url).toBe('https://www.katzen-forum.net/members/pepemaus.81656/');
  });

  it('reads a disguised Something Awful page without taking user titles or join dates for posts', () => {
    const real = extractCorpus(SA, SA_URL);
    const t = extractText(disguise(page(SA)), SA_URL);
    expect(t.extractor).toBe('generic');
    expect(t.posts.map((p) => p.author.name)).toEqual(real.posts.map((p) => p.author.name));
    expect(t.posts.map((p) => p.publishedAt)).toEqual(real.posts.map((p) => p.publishedAt));
  });

  it('reads a disguised SMF topic; stays silent on a disguised SMF board page', () => {
    const t = extractText(disguise(page(SMF)), SMF_URL);
    expect(t.extractor).toBe('generic');
    expect(t.posts.map((p) => p.author.name)).toEqual(extractCorpus(SMF, SMF_URL).posts.map((p) => p.author.name));
    expect(new Set(t.posts.map((p) => p.id)).size).toBe(15);
    noThread(() => extractText(disguise(page(SMF_BOARD)), 'http://forums.contribs.org/index.php?board=9.0'));
  });

  // A blog article with a byline and a date but no repeated posts; built here, the corpus has no blog page.
  it('returns null for a single blog-style article', () => {
    const blog = `<!doctype html><html><head><title>Restoring a 1962 dinghy</title></head><body>
      <header class="site"><a class="user-menu" href="/login">Sign in</a></header>
      <article class="post"><h1>Restoring a 1962 dinghy</h1>
        <p class="byline">By <a class="author" href="/about">Ann Example</a> on <time datetime="2021-05-02T10:00:00Z">2 May 2021</time></p>
        <div class="entry"><p>The hull needed three weekends of sanding before the first coat of varnish.</p><p>Next time: the rigging.</p></div>
      </article>
      <aside class="widgets"><div class="widget"><h3>Archives</h3><ul><li><a href="/2021/04">April 2021</a></li><li><a href="/2021/03">March 2021</a></li></ul></div></aside>
    </body></html>`;
    expect(generic.extract(source(blog, 'https://blog.example.org/dinghy'))).toBeNull();
    noThread(() => extractText(blog, 'https://blog.example.org/dinghy'));
  });
});

describe('truncated pages', () => {
  const pages: [string, string][] = [
    [XF, XF_URL],
    ['xenforo/hypixel-thread-2675645.html', 'https://hypixel.net/threads/what-whered-it-go.2675645/'],
    [VB4, VB4_URL],
    [SA, SA_URL],
    ['vbulletin/sa-forums-showthread-lp-battlefield-lastpage.html', 'https://forums.somethingawful.com/showthread.php?threadid=3179230&pagenumber=77'],
    [SMF, SMF_URL],
    [SMF_BOARD, 'http://forums.contribs.org/index.php?board=9.0'],
    [FM, FM_URL],
    [HM, HM_URL],
    [HM_INDEX, 'https://lists.w3.org/Archives/Public/public-privacy/2020AprJun/'],
  ];
  for (const [rel, url] of pages) {
    it(`${rel}: cut at 10–90% gives a valid thread with fewer posts or a readable error`, () => {
      const text = page(rel);
      let full = 0;
      try {
        full = extractText(text, url).posts.length;
      } catch (e) {
        expect(e).toBeInstanceOf(ExtractError);
      }
      for (const share of [0.1, 0.3, 0.5, 0.7, 0.9]) {
        const cut = text.slice(0, Math.floor(text.length * share));
        try {
          const t = extractText(cut, url);
          expect(t.posts.length).toBeGreaterThan(0);
          expect(t.posts.length).toBeLessThanOrEqual(full);
          for (const p of t.posts) expect(p.author.name.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(ExtractError);
          expect((e as ExtractError).message.length).toBeGreaterThan(30);
        }
      }
    });
  }

  it('a half XenForo page still yields its first posts intact', () => {
    const text = page(XF);
    const t = extractText(text.slice(0, Math.floor(text.length / 2)), XF_URL);
    expect(t.extractor).toBe('xenforo');
    expect(t.posts.length).toBeGreaterThan(3);
    expect(t.posts.length).toBeLessThan(18);
    expect(t.posts[0]!.author.name).toBe('Pepemaus');
  });
});
