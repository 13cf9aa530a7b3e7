import { describe, expect, it } from 'vitest';
import { extractText } from '../support/extract.ts';

/*
 * Invision Community, MyBB, Vanilla, Flarum and NodeBB. No real sample exists in the corpus: every page
 * and response here is built from the engine's documented/current markup (templates and API docs),
 * small but with the parts that go wrong: quotes, signatures, relative dates, deleted users.
 */

const invisionPage = `<!DOCTYPE html><html lang="en-US"><head><title>Brass inserts for PLA? - Printing - Maker Forum</title>
<link rel="canonical" href="https://forum.example.org/topic/812-brass-inserts-for-pla/"></head><body class="ipsApp ipsApp_front">
<div class="ipsPageHeader"><h1 class="ipsType_pageTitle ipsContained_container"><span class="ipsType_break ipsContained">Brass inserts for PLA?</span></h1></div>
<div data-controller="core.front.core.commentFeed">
<article id="elComment_4401" class="cPost ipsBox ipsComment ipsComment_parent ipsClearfix">
  <aside class="ipsComment_author cAuthorPane"><h3 class="ipsType_sectionHead cAuthorPane_author"><strong><a href="https://forum.example.org/profile/77-hotend/" class="ipsType_break">hotend</a></strong></h3></aside>
  <div id="comment-4401_wrap" data-controller="core.front.core.comment" data-commentapp="forums" data-commenttype="forums" data-commentid="4401" data-quotedata='{"userid":77,"username":"hotend","timestamp":1700000000,"contentapp":"forums","contenttype":"forums","contentid":812,"contentclass":"forums_Topic","contentcommentid":4401}' class="ipsComment_content ipsType_medium">
    <div class="ipsComment_meta ipsType_light"><a href="https://forum.example.org/topic/812-brass-inserts-for-pla/?do=findComment&amp;comment=4401" class="ipsType_blendLinks">Posted <time datetime="2023-11-14T22:13:20Z" title="11/14/2023 10:13 PM">November 14, 2023</time></a></div>
    <div class="cPost_contentWrap"><div data-role="commentContent" class="ipsType_normal ipsType_richText ipsContained"><p>Heat-set inserts at 220&nbsp;°C keep pulling out of my PLA parts. Any tips?</p></div></div>
    <div data-role="memberSignature" class="ipsResponsive_hidePhone"><div class="ipsType_richText"><p>Prusa MK3S, too many spools</p></div></div>
  </div>
</article>
<article id="elComment_4405" class="cPost ipsBox ipsComment ipsClearfix">
  <aside class="ipsComment_author cAuthorPane"><h3 class="ipsType_sectionHead cAuthorPane_author"><strong><a href="https://forum.example.org/profile/12-annealer/">annealer</a></strong></h3></aside>
  <div id="comment-4405_wrap" data-commentid="4405" data-quotedata='{"userid":12,"username":"annealer","timestamp":1700003600}' class="ipsComment_content">
    <div class="ipsComment_meta"><a href="https://forum.example.org/topic/812-brass-inserts-for-pla/?do=findComment&amp;comment=4405">Posted <time datetime="2023-11-14T23:13:20Z">November 14, 2023</time></a></div>
    <div class="cPost_contentWrap"><div data-role="commentContent" class="ipsType_normal ipsType_richText ipsContained">
      <blockquote class="ipsQuote" data-ipsquote="" data-ipsquote-contentapp="forums" data-ipsquote-contentclass="forums_Topic" data-ipsquote-contentcommentid="4401" data-ipsquote-contentid="812" data-ipsquote-contenttype="forums" data-ipsquote-timestamp="1700000000" data-ipsquote-userid="77" data-ipsquote-username="hotend"><div class="ipsQuote_citation">hotend said:</div><div class="ipsQuote_contents"><p>Heat-set inserts at 220 °C keep pulling out</p></div></blockquote>
      <p>Drop to 190 °C and let the iron do the work, no pushing.</p>
    </div></div>
  </div>
</article>
</div>
<ul class="ipsPagination" data-pages="3"><li class="ipsPagination_page ipsPagination_active"><a href="#">1</a></li><li class="ipsPagination_next"><a href="https://forum.example.org/topic/812-brass-inserts-for-pla/page/2/" rel="next">Next</a></li></ul>
</body></html>`;

const mybbPage = `<!DOCTYPE html><html><head><title>Sourdough starter smells like acetone</title></head><body>
<div class="navigation"><a href="index.php">Bread Forum</a> &rsaquo; <a href="forumdisplay.php?fid=4">Sourdough</a> &rsaquo; <span class="active">Sourdough starter smells like acetone</span></div>
<div id="posts">
<div class="post classic " id="post_901">
  <div class="post_author scaleimages"><div class="author_information"><strong><span class="largetext"><a href="https://bread.example.net/member.php?action=profile&amp;uid=5">crumbshot</a></span></strong><br /><span class="smalltext">Junior Member</span></div></div>
  <div class="post_content">
    <div class="post_head"><div class="float_right"><strong><a href="showthread.php?tid=88&amp;pid=901#pid901" title="Sourdough starter smells like acetone">#1</a></strong></div>
      <span class="post_date">03-14-2021, 09:05 PM <span class="post_edit" id="edited_by_901"></span></span></div>
    <div class="post_body scaleimages" id="pid_901">My starter smells like nail polish remover after two days. Is it dead?</div>
    <div class="signature scaleimages">Baking since 2019 &mdash; 70% hydration forever</div>
  </div>
</div>
<div class="post classic " id="post_905">
  <div class="post_author scaleimages"><div class="author_information"><strong><span class="largetext"><a href="https://bread.example.net/member.php?action=profile&amp;uid=9">levain_lady</a></span></strong></div></div>
  <div class="post_content">
    <div class="post_head"><span class="post_date"><span title="03-15-2021">Yesterday</span>, 07:40 AM</span></div>
    <div class="post_body scaleimages" id="pid_905"><blockquote class="mycode_quote"><cite><span> (03-14-2021, 09:05 PM)</span>crumbshot Wrote: <a href="https://bread.example.net/showthread.php?pid=901#pid901" class="quick_jump"></a></cite>Is it dead?</blockquote><br />
Not dead, just hungry. Feed it twice a day.</div>
  </div>
</div>
</div>
<div class="pagination"><span class="pages">Pages (2):</span> <span class="pagination_current">1</span> <a href="showthread.php?tid=88&amp;page=2" class="pagination_page">2</a> <a href="showthread.php?tid=88&amp;page=2" class="pagination_next">Next &raquo;</a></div>
</body></html>`;

const vanillaPage = `<!DOCTYPE html><html lang="en"><head><title>Tubeless sealant in winter — Bike Co-op</title>
<link rel="canonical" href="https://community.example.com/discussion/3310/tubeless-sealant-in-winter"></head>
<body id="vanilla_discussion_index" class="Vanilla Discussion isDesktop">
<div class="PageTitle"><h1>Tubeless sealant in winter</h1></div>
<div class="MessageList Discussion"><div id="Discussion_3310" class="Item ItemDiscussion">
  <div class="Discussion"><div class="Item-Header DiscussionHeader">
    <div class="AuthorWrap"><span class="Author"><a href="/profile/sprocket" class="Username">sprocket</a></span></div>
    <div class="Meta DiscussionMeta"><span class="MItem DateCreated"><a href="https://community.example.com/discussion/3310/tubeless-sealant-in-winter" class="Permalink" rel="nofollow"><time title="January 9, 2024 7:30AM" datetime="2024-01-09T07:30:00+00:00">January 9</time></a></span></div>
  </div>
  <div class="Item-BodyWrap"><div class="Item-Body"><div class="Message userContent"><p>Does sealant freeze at -10 °C? My rear tyre went flat overnight.</p></div>
  <div class="Signature UserSignature userContent"><p>Ride more, post less.</p></div></div></div></div>
</div></div>
<ul class="MessageList DataList Comments">
<li class="Item Alt ItemComment" id="Comment_88120"><div class="Comment">
  <div class="Item-Header CommentHeader"><div class="AuthorWrap"><span class="Author"><a href="/profile/spokewrench" class="Username">spokewrench</a></span></div>
  <div class="Meta CommentMeta CommentInfo"><span class="MItem DateCreated"><a href="/discussion/comment/88120/#Comment_88120" class="Permalink" rel="nofollow"><time title="January 9, 2024 9:02AM" datetime="2024-01-09T09:02:00+00:00">January 9</time></a></span></div></div>
  <div class="Item-BodyWrap"><div class="Item-Body"><div class="Message userContent">
    <blockquote class="Quote UserQuote blockquote"><div class="blockquote-content"><a rel="nofollow" href="/profile/sprocket">sprocket</a> wrote: <a rel="nofollow" href="/discussion/comment/3310#Comment_3310">»</a></div><div class="blockquote-content"><p>Does sealant freeze at -10 °C?</p></div></blockquote>
    <p>Most latex sealants gel well before that. Top up with a winter mix.</p>
  </div></div></div>
</div></li>
</ul>
<div id="PagerAfter" class="Pager"><a href="/discussion/3310/p1" class="Highlight">1</a><a href="/discussion/3310/p2" class="Next" rel="next">»</a></div>
</body></html>`;

const flarumDoc = {
  data: {
    type: 'discussions',
    id: '57',
    attributes: { title: 'Seed-starting heat mats: worth it?', slug: '57-seed-starting-heat-mats-worth-it', commentCount: 3 },
    relationships: { posts: { data: [{ type: 'posts', id: '301' }, { type: 'posts', id: '302' }, { type: 'posts', id: '303' }, { type: 'posts', id: '304' }] } },
  },
  included: [
    { type: 'posts', id: '301', attributes: { number: 1, createdAt: '2024-02-01T10:00:00+00:00', contentType: 'comment', contentHtml: '<p>Peppers refuse to germinate in my 16&nbsp;°C basement.</p>' }, relationships: { user: { data: { type: 'users', id: '4' } } } },
    { type: 'posts', id: '302', attributes: { number: 2, createdAt: '2024-02-01T11:30:00+00:00', contentType: 'discussionRenamed', content: ['a', 'b'] }, relationships: { user: { data: { type: 'users', id: '4' } } } },
    {
      type: 'posts', id: '303',
      attributes: { number: 3, createdAt: '2024-02-01T12:15:00+00:00', contentType: 'comment', likesCount: 2,
        contentHtml: '<p><a href="https://garden.example.org/d/57-seed-starting-heat-mats-worth-it/1" class="PostMention" data-id="301">Basil Grower</a> </p><blockquote><p>Peppers refuse to germinate</p></blockquote><p>A mat at 27 °C got mine up in five days.</p>' },
      relationships: { user: { data: { type: 'users', id: '9' } } },
    },
    { type: 'posts', id: '304', attributes: { number: 4, createdAt: '2024-02-02T08:00:00+00:00', contentType: 'comment', contentHtml: '<p>Same here.</p>' }, relationships: { user: { data: null } } },
    { type: 'users', id: '4', attributes: { username: 'basil', displayName: 'Basil Grower', slug: 'basil' } },
    { type: 'users', id: '9', attributes: { username: 'capsicum', displayName: 'capsicum', slug: 'capsicum' } },
  ],
};

const flarumPage = (boot: boolean) => `<!doctype html><html lang="en"><head><title>Seed-starting heat mats: worth it? - Garden Forum</title>
<link rel="canonical" href="https://garden.example.org/d/57-seed-starting-heat-mats-worth-it"></head><body>
<div id="app" class="App"><div id="flarum-loading" style="display: none">Loading...</div>
<noscript><div class="Alert"><div class="container">This site is best viewed in a modern browser with JavaScript enabled.</div></div></noscript>
<noscript id="flarum-content"><div class="container"><h2>Seed-starting heat mats: worth it?</h2><div>
<div><h3>Basil Grower</h3><div class="Post-body"><p>Peppers refuse to germinate in my 16 °C basement.</p></div></div><hr>
<div><h3>capsicum</h3><div class="Post-body"><blockquote><p>Peppers refuse to germinate</p></blockquote><p>A mat at 27 °C got mine up in five days.</p></div></div><hr>
</div><a href="https://garden.example.org/d/57-seed-starting-heat-mats-worth-it?page=2">Next Page &raquo;</a></div></noscript></div>
${boot ? `<script>document.getElementById('flarum-loading').style.display = 'block'; var flarum = {extensions: {}};</script>
<script>flarum.core.app.load(${JSON.stringify({ resources: [], session: { userId: 0 }, apiDocument: flarumDoc }).replace(/</g, '\\u003c')}); flarum.core.app.bootExtensions(flarum.extensions);</script>` : ''}
</body></html>`;

const nodebbTopic = {
  tid: 42,
  title: 'Sharpening a Japanese plane blade',
  slug: '42/sharpening-a-japanese-plane-blade',
  postcount: 2,
  pagination: { currentPage: 1, pageCount: 1 },
  posts: [
    { pid: 150, uid: 3, tid: 42, content: '<p>Should the ura be flattened before the first use?</p>', timestamp: 1710000000000, timestampISO: '2024-03-09T16:00:00.000Z', votes: 4, toPid: null, index: 0, user: { uid: 3, username: 'kanna', userslug: 'kanna', displayname: 'kanna', signature: '<p>Hand tools only</p>' } },
    { pid: 151, uid: 8, tid: 42, content: '<p><a href="/user/kanna">@kanna</a> said in <a href="/post/150">Sharpening a Japanese plane blade</a>:</p>\n<blockquote>\n<p>Should the ura be flattened</p>\n</blockquote>\n<p>Yes, use the uradashi method first.</p>', timestamp: 1710003600000, timestampISO: '2024-03-09T17:00:00.000Z', votes: 0, toPid: '150', index: 1, user: { uid: 8, username: 'dai', userslug: 'dai', displayname: 'Dai K.' } },
  ],
};

const nodebbPage = `<!DOCTYPE html><html lang="en-GB"><head><title>Sharpening a Japanese plane blade | Woodworkers</title>
<link rel="canonical" href="https://wood.example.com/topic/42/sharpening-a-japanese-plane-blade"></head><body>
<div component="topic" data-tid="42"><h1 component="post/header"><span component="topic/title">Sharpening a Japanese plane blade</span></h1>
<ul component="topic" class="posts" data-tid="42">
<li component="post" class="" data-index="0" data-pid="150" data-uid="3" data-timestamp="1710000000000" data-username="kanna" data-userslug="kanna" itemscope itemtype="http://schema.org/Comment">
  <a component="post/anchor" data-index="0" id="1"></a><meta itemprop="datePublished" content="2024-03-09T16:00:00.000Z">
  <div class="clearfix post-header"><small class="pull-left"><strong><a href="/user/kanna" itemprop="author" data-username="kanna" data-uid="3">kanna</a></strong>
  <a class="permalink" href="/post/150"><span class="timeago" title="2024-03-09T16:00:00.000Z"></span></a></small></div>
  <div class="content" component="post/content" itemprop="text"><p>Should the ura be flattened before the first use?</p>
<pre><code>ura
  ├─ ito-ura
  └─ flat</code></pre></div>
  <div component="post/signature" data-uid="3" class="post-signature"><p>Hand tools only</p></div>
  <div class="clearfix post-footer"><span class="votes"><span component="post/vote-count" data-votes="4">4</span></span></div>
</li>
<li component="post" class="" data-index="1" data-pid="151" data-uid="8" data-timestamp="1710003600000" data-username="dai" data-userslug="dai">
  <div class="clearfix post-header"><small><strong><a href="/user/dai" itemprop="author" data-username="dai" data-uid="8">Dai K.</a></strong>
  <a component="post/parent" data-topid="150" href="/post/150">@kanna</a>
  <a class="permalink" href="/post/151"><span class="timeago" title="2024-03-09T17:00:00.000Z"></span></a></small></div>
  <div class="content" component="post/content" itemprop="text"><p><a href="/user/kanna">@kanna</a> said in <a href="/post/150">Sharpening a Japanese plane blade</a>:</p>
<blockquote><p>Should the ura be flattened</p></blockquote><p>Yes, use the uradashi method first.</p></div>
  <div class="clearfix post-footer"><span class="votes"><span component="post/vote-count" data-votes="0">0</span></span></div>
</li></ul></div></body></html>`;

describe('Invision Community (documented markup)', () => {
  const t = extractText(invisionPage, 'https://forum.example.org/topic/812-brass-inserts-for-pla/');
  it('reads posts, authors, times and the quote with its source post', () => {
    expect(t.extractor).toBe('invision');
    expect(t.title).toBe('Brass inserts for PLA?');
    expect(t.posts.map((p) => [p.id, p.author.name, p.publishedAt])).toEqual([
      ['4401', 'hotend', '2023-11-14T22:13:20Z'],
      ['4405', 'annealer', '2023-11-14T23:13:20Z'],
    ]);
    expect(t.posts[0]!.author.url).toBe('https://forum.example.org/profile/77-hotend/');
    expect(t.posts[1]!.text).toBe('Drop to 190 °C and let the iron do the work, no pushing.');
    expect(t.posts[1]!.quotes).toEqual([{ postId: '4401', author: 'hotend', text: 'Heat-set inserts at 220 °C keep pulling out' }]);
    expect(t.posts[1]!.permalink).toBe('https://forum.example.org/topic/812-brass-inserts-for-pla/?do=findComment&comment=4405');
  });
  it('keeps the signature out of the post text', () => {
    expect(t.posts[0]!.signature).toBe('Prusa MK3S, too many spools');
    expect(t.posts[0]!.text).not.toContain('Prusa');
  });
  it('reports pagination', () => expect(t.pagination).toEqual({ page: 1, pageCount: 3, nextUrl: 'https://forum.example.org/topic/812-brass-inserts-for-pla/page/2/' }));
});

describe('MyBB (documented markup)', () => {
  const t = extractText(mybbPage, 'https://bread.example.net/showthread.php?tid=88');
  it('reads posts with US dates, including a "Yesterday" date from its title', () => {
    expect(t.extractor).toBe('mybb');
    expect(t.title).toBe('Sourdough starter smells like acetone');
    expect(t.posts.map((p) => [p.id, p.author.name, p.publishedAt])).toEqual([
      ['901', 'crumbshot', '2021-03-14T21:05:00'],
      ['905', 'levain_lady', '2021-03-15T07:40:00'],
    ]);
    expect(t.posts[0]!.author.url).toBe('https://bread.example.net/member.php?action=profile&uid=5');
  });
  it('separates the quote (with its source post) and the signature', () => {
    expect(t.posts[1]!.text).toBe('Not dead, just hungry. Feed it twice a day.');
    expect(t.posts[1]!.quotes).toEqual([{ postId: '901', author: 'crumbshot', text: 'Is it dead?' }]);
    expect(t.posts[0]!.signature).toBe('Baking since 2019 — 70% hydration forever');
    expect(t.posts[0]!.text).toBe('My starter smells like nail polish remover after two days. Is it dead?');
  });
  it('reports the next page', () => expect(t.pagination?.nextUrl).toBe('https://bread.example.net/showthread.php?tid=88&page=2'));
});

describe('Vanilla (documented markup)', () => {
  const t = extractText(vanillaPage, 'https://community.example.com/discussion/3310/tubeless-sealant-in-winter');
  it('reads the discussion and its comments', () => {
    expect(t.extractor).toBe('vanilla');
    expect(t.title).toBe('Tubeless sealant in winter');
    expect(t.posts.map((p) => [p.id, p.author.name, p.publishedAt])).toEqual([
      ['d3310', 'sprocket', '2024-01-09T07:30:00+00:00'],
      ['88120', 'spokewrench', '2024-01-09T09:02:00+00:00'],
    ]);
    expect(t.posts[1]!.permalink).toBe('https://community.example.com/discussion/comment/88120/#Comment_88120');
  });
  it('separates quotes and signatures', () => {
    expect(t.posts[1]!.text).toBe('Most latex sealants gel well before that. Top up with a winter mix.');
    expect(t.posts[1]!.quotes).toEqual([{ postId: '3310', author: 'sprocket', text: 'Does sealant freeze at -10 °C?' }]);
    expect(t.posts[0]!.signature).toBe('Ride more, post less.');
    expect(t.posts[0]!.text).not.toContain('Ride more');
  });
});

describe('Flarum (documented JSON:API and server-rendered markup)', () => {
  it('reads the /api/discussions/ID document: comments only, users resolved, mentions as replies', () => {
    const t = extractText(JSON.stringify(flarumDoc), 'https://garden.example.org/api/discussions/57');
    expect(t.extractor).toBe('flarum');
    expect(t.url).toBe('https://garden.example.org/d/57-seed-starting-heat-mats-worth-it');
    expect(t.posts.map((p) => [p.id, p.author.name, p.publishedAt, p.replyTo])).toEqual([
      ['301', 'Basil Grower', '2024-02-01T10:00:00+00:00', null],
      ['303', 'capsicum', '2024-02-01T12:15:00+00:00', '301'],
      ['304', '[deleted]', '2024-02-02T08:00:00+00:00', null],
    ]);
    expect(t.posts[1]!.text).toBe('A mat at 27 °C got mine up in five days.');
    expect(t.posts[1]!.quotes).toEqual([{ postId: '301', author: 'Basil Grower', text: 'Peppers refuse to germinate' }]);
    expect(t.posts[1]!.permalink).toBe('https://garden.example.org/d/57-seed-starting-heat-mats-worth-it/3');
    expect(t.posts[1]!.score).toBe(2);
    expect(t.posts[0]!.author.url).toBe('https://garden.example.org/u/basil');
  });
  it('prefers the boot payload of a saved page over its noscript copy', () => {
    const t = extractText(flarumPage(true), 'https://garden.example.org/d/57-seed-starting-heat-mats-worth-it');
    expect(t.extractor).toBe('flarum');
    expect(t.posts.map((p) => p.id)).toEqual(['301', '303', '304']);
  });
  it('falls back to the noscript copy: names and bodies, numbered ids, next page', () => {
    const t = extractText(flarumPage(false), 'https://garden.example.org/d/57-seed-starting-heat-mats-worth-it');
    expect(t.extractor).toBe('flarum-html');
    expect(t.title).toBe('Seed-starting heat mats: worth it?');
    expect(t.posts.map((p) => [p.id, p.author.name, p.publishedAt])).toEqual([
      ['n1', 'Basil Grower', null],
      ['n2', 'capsicum', null],
    ]);
    expect(t.posts[1]!.text).toBe('A mat at 27 °C got mine up in five days.');
    expect(t.pagination?.nextUrl).toBe('https://garden.example.org/d/57-seed-starting-heat-mats-worth-it?page=2');
  });
});

describe('NodeBB (documented markup and /api/topic JSON)', () => {
  it('reads the page: votes, reply links, signature, quote lead not counted as own words', () => {
    const t = extractText(nodebbPage, 'https://wood.example.com/topic/42/sharpening-a-japanese-plane-blade');
    expect(t.extractor).toBe('nodebb');
    expect(t.title).toBe('Sharpening a Japanese plane blade');
    expect(t.posts.map((p) => [p.id, p.author.name, p.publishedAt, p.replyTo, p.score])).toEqual([
      ['150', 'kanna', '2024-03-09T16:00:00.000Z', null, 4],
      ['151', 'dai', '2024-03-09T17:00:00.000Z', '150', 0],
    ]);
    expect(t.posts[1]!.text).toBe('Yes, use the uradashi method first.');
    expect(t.posts[1]!.quotes).toEqual([{ postId: '150', author: 'kanna', text: 'Should the ura be flattened' }]);
    expect(t.posts[0]!.signature).toBe('Hand tools only');
    // The code block keeps its indentation and line breaks.
    expect(t.posts[0]!.text).toContain('ura\n  ├─ ito-ura\n  └─ flat');
    expect(t.posts[0]!.permalink).toBe('https://wood.example.com/post/150');
  });
  it('reads the API response the same way', () => {
    const t = extractText(JSON.stringify(nodebbTopic), 'https://wood.example.com/api/topic/42');
    expect(t.extractor).toBe('nodebb-api');
    expect(t.url).toBe('https://wood.example.com/topic/42/sharpening-a-japanese-plane-blade');
    expect(t.posts.map((p) => [p.id, p.author.name, p.publishedAt, p.replyTo, p.score])).toEqual([
      ['150', 'kanna', '2024-03-09T16:00:00.000Z', null, 4],
      ['151', 'Dai K.', '2024-03-09T17:00:00.000Z', '150', 0],
    ]);
    expect(t.posts[1]!.text).toBe('Yes, use the uradashi method first.');
    expect(t.posts[0]!.signature).toBe('Hand tools only');
    expect(t.pagination).toEqual({ page: 1, pageCount: 1, nextUrl: null });
  });
});
