import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { corpusPath } from '../support/corpus.ts';
import { readListing, type Listing } from '../../lib/extract/listing.ts';
import { readUrlList } from '../../lib/extract/listing-urls.ts';
import { decodePage } from '../../lib/extract/index.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';

const text = (rel: string) => decodePage(readFileSync(corpusPath(rel)));
const raw = (rel: string) => readFileSync(corpusPath(rel), 'latin1');
function ok(l: Listing | { error: string }): Listing {
  if ('error' in l) throw new Error(l.error);
  return l;
}

describe('listing readers on real corpus pages', () => {
  it('SMF board: the topic title links (not the per-topic page links) and the next board page', () => {
    const rel = 'smf/smf2-rc3-board-9-index.html';
    // Counted independently in the raw bytes: topic titles are the links inside <span id="msg_N">.
    const expected = Array.from(raw(rel).matchAll(/<span id="msg_\d+"><a href="[^"]*topic,(\d+)\.0\.html/g), (m) => m[1]);
    expect(expected.length).toBe(20);
    const l = ok(readListing(text(rel), 'http://forums.contribs.org/index.php?board=9.0', linkedomKit));
    expect(l.engine).toBe('smf');
    expect(l.threads.map((t) => /topic,(\d+)\.0\.html$/.exec(t.url)?.[1])).toEqual(expected);
    expect(l.threads[2]!.url).toBe('http://forums.contribs.org/index.php/topic,38573.0.html');
    expect(l.threads[2]!.title).toBe('FAQ: Should I trust/follow the advice I get in this forum?');
    expect(l.more).toEqual(['http://forums.contribs.org/index.php/board,9.20.html']);
  });

  it('BGG xmlapi2/forum: 50 + 50 + 48 threads over three pages, then no further page', () => {
    const base = 'https://boardgamegeek.com/xmlapi2/forum?id=3696796';
    const pages = ['p1', 'p2', 'p3'].map((p, i) => {
      const rel = `bgg/bggclient_forum_3696796_${p}.xml`;
      const ids = Array.from(raw(rel).matchAll(/<thread id="(\d+)"/g), (m) => m[1]);
      const l = ok(readListing(text(rel), i ? `${base}&page=${i + 1}` : base, linkedomKit));
      expect(l.threads.map((t) => t.url)).toEqual(ids.map((id) => `https://boardgamegeek.com/thread/${id}`));
      return l;
    });
    expect(pages.map((p) => p.threads.length)).toEqual([50, 50, 48]);
    expect(pages[0]!.threads[0]).toEqual({ fetchUrl: 'https://boardgamegeek.com/xmlapi2/thread?id=3244901', url: 'https://boardgamegeek.com/thread/3244901', title: 'Limited aquarium ' });
    expect(pages[0]!.more).toEqual([`${base}&page=2`]);
    expect(pages[1]!.more).toEqual([`${base}&page=3`]);
    expect(pages[2]!.more).toEqual([]);
  });

  it('BGG forum 2341: 22 threads on one page', () => {
    const rel = 'bgg/tnaskali_forum_2341.xml';
    const l = ok(readListing(text(rel), 'https://boardgamegeek.com/xmlapi2/forum?id=2341', linkedomKit));
    expect(l.threads.length).toBe(Array.from(raw(rel).matchAll(/<thread id=/g)).length);
    expect(l.threads.length).toBe(22);
    expect(l.more).toEqual([]);
  });

  it('a thread page is not a listing: the error says what to do', () => {
    const l = readListing(text('bgg/bggclient_thread_3208373.xml'), 'https://boardgamegeek.com/xmlapi2/thread?id=3208373', linkedomKit);
    expect('error' in l && l.error).toMatch(/paste thread URLs/);
  });
});

// No real samples of these in the corpus: markup built from each engine's documented format.
describe('listing readers on documented markup', () => {
  it('phpBB prosilver viewforum', () => {
    const html = `<html><body><div class="pagination"><ul><li class="active"><span>1</span></li><li><a href="./viewforum.php?f=2&amp;start=25">2</a></li><li class="arrow next"><a class="button" href="./viewforum.php?f=2&amp;start=25&amp;sid=abc" rel="next">Next</a></li></ul></div>
      <ul class="topiclist topics"><li class="row"><dl><dt><div class="list-inner"><a href="./viewtopic.php?t=11&amp;sid=abc" class="topictitle">First</a></div></dt></dl></li>
      <li class="row"><dl><dt><div class="list-inner"><a href="./viewtopic.php?t=12" class="topictitle">Second</a></div></dt></dl></li></ul></body></html>`;
    const l = ok(readListing(html, 'https://forum.example/viewforum.php?f=2', linkedomKit));
    expect(l.engine).toBe('phpbb');
    expect(l.threads.map((t) => t.url)).toEqual(['https://forum.example/viewtopic.php?t=11', 'https://forum.example/viewtopic.php?t=12']);
    expect(l.more).toEqual(['https://forum.example/viewforum.php?f=2&start=25']);
  });

  it('XenForo 2 forum view', () => {
    const html = `<html><body><div class="structItem structItem--thread"><div class="structItem-title"><a href="/forums/x/?prefix_id=1" class="labelLink">Guide</a> <a href="/threads/how-to.42/" data-tp-primary="on">How to</a></div></div>
      <div class="structItem structItem--thread"><div class="structItem-title"><a href="/threads/other.43/unread">Other</a></div></div>
      <a class="pageNav-jump pageNav-jump--next" href="/forums/x.3/page-2">Next</a></body></html>`;
    const l = ok(readListing(html, 'https://xf.example/forums/x.3/', linkedomKit));
    expect(l.threads.map((t) => t.url)).toEqual(['https://xf.example/threads/how-to.42/', 'https://xf.example/threads/other.43/']);
    expect(l.more).toEqual(['https://xf.example/forums/x.3/page-2']);
  });

  it('Discourse category JSON', () => {
    const json = JSON.stringify({ topic_list: { more_topics_url: '/c/general/4?page=1', topics: [{ id: 7, slug: 'welcome', title: 'Welcome' }, { id: 9, slug: 'rules', title: 'Rules' }] } });
    const l = ok(readListing(json, 'https://meta.example/c/general/4.json', linkedomKit));
    expect(l.threads).toEqual([
      { fetchUrl: 'https://meta.example/t/7.json', url: 'https://meta.example/t/welcome/7', title: 'Welcome' },
      { fetchUrl: 'https://meta.example/t/9.json', url: 'https://meta.example/t/rules/9', title: 'Rules' },
    ]);
    expect(l.more).toEqual(['https://meta.example/c/general/4.json?page=1']);
  });

  it('sitemap urlset and sitemap index', () => {
    const set = `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://f.example/t/1</loc></url><url><loc> https://f.example/t/2 </loc></url><url><loc>https://f.example/t/1</loc></url></urlset>`;
    expect(ok(readListing(set, 'https://f.example/sitemap.xml', linkedomKit)).threads.map((t) => t.url)).toEqual(['https://f.example/t/1', 'https://f.example/t/2']);
    const index = `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://f.example/s1.xml</loc></sitemap><sitemap><loc>https://f.example/s2.xml</loc></sitemap></sitemapindex>`;
    const l = ok(readListing(index, 'https://f.example/sitemap.xml', linkedomKit));
    expect(l.threads).toEqual([]);
    expect(l.more).toEqual(['https://f.example/s1.xml', 'https://f.example/s2.xml']);
  });

  it('a pasted URL list: duplicates folded, non-URLs reported, BGG pages fetched through the XML API', () => {
    const r = readUrlList('https://a.example/t/1\nhttps://a.example/t/1#reply\n  not a url\nftp://x.example/f\nhttps://boardgamegeek.com/thread/3208373/ark-nova-maps\n');
    expect(r.threads.map((t) => t.fetchUrl)).toEqual(['https://a.example/t/1', 'https://boardgamegeek.com/xmlapi2/thread?id=3208373']);
    expect(r.rejected).toEqual(['not', 'a', 'url', 'ftp://x.example/f']);
  });
});
