import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePage, sourceFromText, type Source } from '../../lib/extract/index.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { oldReddit } from '../../lib/extract/old-reddit.ts';
import { invision } from '../../lib/extract/invision.ts';
import { mybb } from '../../lib/extract/mybb.ts';
import { flarumHtml, flarumJson } from '../../lib/extract/flarum.ts';
import { nodebbHtml, nodebbJson } from '../../lib/extract/nodebb.ts';
import { vanilla } from '../../lib/extract/vanilla.ts';
import { githubHtml, githubJson } from '../../lib/extract/github.ts';
import { CORPUS, corpusBytes } from '../support/corpus.ts';
import { extractText } from '../support/extract.ts';

/*
 * old.reddit and GitHub. No real sample exists in the corpus: pages and API responses are built from
 * the sites' documented/current markup and the GitHub REST API reference.
 */

const oldRedditPage = `<!doctype html><html lang="en"><head><title>Which flux for stained glass? : r/stainedglass</title>
<link rel="canonical" href="https://old.reddit.com/r/stainedglass/comments/1abcde/which_flux_for_stained_glass/"></head><body>
<div class="content" role="main">
<div class="sitetable linklisting" id="siteTable_t3_1abcde">
 <div class="thing id-t3_1abcde odd link self" id="thing_t3_1abcde" data-fullname="t3_1abcde" data-type="link" data-author="leadcame" data-subreddit="stainedglass" data-permalink="/r/stainedglass/comments/1abcde/which_flux_for_stained_glass/" data-score="57" data-timestamp="1706000000000">
  <div class="entry unvoted"><div class="top-matter"><p class="title"><a class="title may-blank" href="/r/stainedglass/comments/1abcde/which_flux_for_stained_glass/">Which flux for stained glass?</a></p>
   <p class="tagline">submitted <time title="Tue Jan 23 08:53:20 2024 UTC" datetime="2024-01-23T08:53:20+00:00" class="live-timestamp">1 year ago</time> by <a href="https://old.reddit.com/user/leadcame" class="author may-blank id-t2_aaa">leadcame</a></p></div>
   <div class="expando"><form action="#" class="usertext warn-on-unload"><div class="usertext-body may-blank-within md-container"><div class="md"><p>Liquid or gel flux for copper foil? My seams come out pitted.</p></div></div></form></div>
  </div>
 </div>
</div>
<div class="commentarea"><div class="sitetable nestedlisting" id="siteTable_t3_1abcde">
 <div class="thing id-t1_k1 noncollapsed comment" id="thing_t1_k1" data-fullname="t1_k1" data-type="comment" data-author="solderbead" data-permalink="/r/stainedglass/comments/1abcde/which_flux_for_stained_glass/k1/">
  <div class="entry unvoted"><p class="tagline"><a href="https://old.reddit.com/user/solderbead" class="author may-blank">solderbead</a> <span class="score unvoted" title="12">12 points</span> <time title="Tue Jan 23 09:10:00 2024 UTC" datetime="2024-01-23T09:10:00+00:00" class="live-timestamp">1 year ago</time></p>
   <form action="#" class="usertext warn-on-unload"><div class="usertext-body may-blank-within md-container"><div class="md"><blockquote><p>My seams come out pitted.</p></blockquote><p>Gel flux, and clean the foil with steel wool first.</p></div></div></form>
   <ul class="flat-list buttons"><li class="first"><a href="https://old.reddit.com/r/stainedglass/comments/1abcde/which_flux_for_stained_glass/k1/" class="bylink">permalink</a></li></ul></div>
  <div class="child"><div class="sitetable listing">
   <div class="thing id-t1_k2 noncollapsed comment" id="thing_t1_k2" data-fullname="t1_k2" data-type="comment" data-author="leadcame" data-permalink="/r/stainedglass/comments/1abcde/which_flux_for_stained_glass/k2/">
    <div class="entry unvoted"><p class="tagline"><a href="https://old.reddit.com/user/leadcame" class="author may-blank submitter">leadcame</a> <span class="score unvoted" title="3">3 points</span> <time datetime="2024-01-23T09:30:00+00:00">1 year ago</time></p>
     <form class="usertext"><div class="usertext-body"><div class="md"><p>Steel wool did it, thanks!</p></div></div></form></div>
    <div class="child"></div>
   </div>
   <div class="thing id-t1_k9 morechildren" data-type="morechildren"><div class="entry unvoted"><span class="morecomments"><a href="javascript:void(0)">load more comments</a> <span class="gray">(4 replies)</span></span></div></div>
  </div></div>
 </div>
 <div class="thing id-t1_k3 noncollapsed comment deleted" id="thing_t1_k3" data-fullname="t1_k3" data-type="comment" data-permalink="/r/stainedglass/comments/1abcde/which_flux_for_stained_glass/k3/">
  <div class="entry unvoted"><p class="tagline"><em>[deleted]</em> <time datetime="2024-01-23T10:00:00+00:00">1 year ago</time></p><form class="usertext"><div class="usertext-body"><div class="md"><p>[removed]</p></div></div></form></div>
 </div>
</div></div></div></body></html>`;

const githubIssuePage = `<!DOCTYPE html><html lang="en"><head><title>Bed leveling drifts after firmware 2.1 · Issue #314 · example/printer-fw · GitHub</title>
<meta property="og:site_name" content="GitHub"><link rel="canonical" href="https://github.com/example/printer-fw/issues/314"></head><body>
<div id="partial-discussion-header"><h1 class="gh-header-title"><bdi class="js-issue-title markdown-title">Bed leveling drifts after firmware 2.1</bdi> <span class="f1-light color-fg-muted">#314</span></h1></div>
<div class="js-discussion js-socket-channel">
 <div class="TimelineItem js-comment-container"><div class="timeline-comment-group js-minimizable-comment-group TimelineItem-body my-0" id="issue-2001">
  <div class="timeline-comment unminimized-comment comment previewable-edit js-comment">
   <div class="timeline-comment-header clearfix d-flex"><h3 class="timeline-comment-header-text f5 text-normal">
    <strong class="css-truncate"><a class="author Link--primary text-bold" data-hovercard-type="user" href="/zprobe">zprobe</a></strong>
    commented <a href="#issue-2001" id="issue-2001-permalink" class="Link--secondary js-timestamp"><relative-time datetime="2024-04-02T14:05:09Z" class="no-wrap">Apr 2, 2024</relative-time></a></h3></div>
   <div class="edit-comment-hide"><task-lists disabled sortable><table class="d-block"><tbody class="d-block"><tr class="d-block"><td class="d-block comment-body markdown-body js-comment-body">
    <p>After updating, the first layer is 0.1 mm too high on the left.</p>
<pre><code>G29 T
Bed X: 10   Y: 10   Z: 0.125
Bed X: 110  Y: 10   Z: 0.020</code></pre>
   </td></tr></tbody></table></task-lists></div>
  </div></div></div>
 <div class="js-timeline-item js-timeline-progressive-focus-container" data-gid="IC_kwDOA">
  <div class="TimelineItem js-comment-container"><div class="timeline-comment-group js-minimizable-comment-group" id="issuecomment-9001">
   <div class="timeline-comment comment js-comment">
    <div class="timeline-comment-header"><h3 class="timeline-comment-header-text"><strong><a class="author Link--primary" href="/meshbed">meshbed</a></strong>
     commented <a href="#issuecomment-9001" class="Link--secondary js-timestamp"><relative-time datetime="2024-04-02T16:40:00Z">Apr 2, 2024</relative-time></a></h3></div>
    <div class="edit-comment-hide"><table><tbody><tr><td class="d-block comment-body markdown-body js-comment-body">
     <blockquote><p>the first layer is 0.1 mm too high on the left</p></blockquote><p>Re-run the mesh with the bed at printing temperature.</p>
    </td></tr></tbody></table></div>
    <div class="comment-reactions"><button class="social-reaction-summary-item">👍 <span class="js-discussion-reaction-group-count">3</span></button></div>
   </div></div></div>
 </div>
</div></body></html>`;

const ghIssue = {
  id: 2001, number: 314, title: 'Bed leveling drifts after firmware 2.1', state: 'open',
  html_url: 'https://github.com/example/printer-fw/issues/314',
  user: { login: 'zprobe', id: 1, html_url: 'https://github.com/zprobe' },
  body: 'After updating, the first layer is 0.1 mm too high on the left.\r\n\r\nAny ideas?',
  created_at: '2024-04-02T14:05:09Z', comments: 1, reactions: { total_count: 0, '+1': 0 },
};
const ghComments = [
  {
    id: 9001, html_url: 'https://github.com/example/printer-fw/issues/314#issuecomment-9001',
    issue_url: 'https://api.github.com/repos/example/printer-fw/issues/314',
    user: { login: 'meshbed', id: 2, html_url: 'https://github.com/meshbed' },
    body: '> the first layer is 0.1 mm too high on the left\r\n\r\nRe-run the mesh with the bed at printing temperature. <script>x</script>',
    created_at: '2024-04-02T16:40:00Z', reactions: { total_count: 3, '+1': 3 },
  },
];

describe('old.reddit (documented markup)', () => {
  const t = extractText(oldRedditPage, 'https://old.reddit.com/r/stainedglass/comments/1abcde/which_flux_for_stained_glass/');
  it('reads the post and nested comments with parents from the DOM nesting', () => {
    expect(t.extractor).toBe('old-reddit');
    expect(t.title).toBe('Which flux for stained glass?');
    expect(t.posts.map((p) => [p.id, p.author.name, p.publishedAt, p.replyTo, p.score])).toEqual([
      ['t3_1abcde', 'leadcame', '2024-01-23T08:53:20+00:00', null, 57],
      ['t1_k1', 'solderbead', '2024-01-23T09:10:00+00:00', 't3_1abcde', 12],
      ['t1_k2', 'leadcame', '2024-01-23T09:30:00+00:00', 't1_k1', 3],
      ['t1_k3', '[deleted]', '2024-01-23T10:00:00+00:00', 't3_1abcde', null],
    ]);
    expect(t.posts[1]!.text).toBe('Gel flux, and clean the foil with steel wool first.');
    expect(t.posts[1]!.quotes).toEqual([{ postId: null, author: null, text: 'My seams come out pitted.' }]);
    expect(t.posts[3]!.text).toBe('');
    expect(t.posts[1]!.permalink).toBe('https://old.reddit.com/r/stainedglass/comments/1abcde/which_flux_for_stained_glass/k1/');
  });
  it('counts "load more comments" stubs instead of inventing them', () => expect(t.omitted?.count).toBe(4));
});

describe('GitHub issues (documented markup and REST API)', () => {
  it('reads the issue page: opener, comment, reactions, code block kept verbatim', () => {
    const t = extractText(githubIssuePage, 'https://github.com/example/printer-fw/issues/314');
    expect(t.extractor).toBe('github');
    expect(t.title).toBe('Bed leveling drifts after firmware 2.1');
    expect(t.posts.map((p) => [p.id, p.author.name, p.author.url, p.publishedAt, p.score])).toEqual([
      ['issue-2001', 'zprobe', 'https://github.com/zprobe', '2024-04-02T14:05:09Z', null],
      ['issuecomment-9001', 'meshbed', 'https://github.com/meshbed', '2024-04-02T16:40:00Z', 3],
    ]);
    expect(t.posts[0]!.text).toContain('Bed X: 10   Y: 10   Z: 0.125\nBed X: 110  Y: 10   Z: 0.020');
    expect(t.posts[1]!.text).toBe('Re-run the mesh with the bed at printing temperature.');
    expect(t.posts[1]!.permalink).toBe('https://github.com/example/printer-fw/issues/314#issuecomment-9001');
  });
  it('reads the REST issue, the comments list, and both together', () => {
    const both = extractText(JSON.stringify({ issue: ghIssue, comments: ghComments }), 'https://api.github.com/repos/example/printer-fw/issues/314');
    expect(both.extractor).toBe('github-api');
    expect(both.url).toBe('https://github.com/example/printer-fw/issues/314');
    expect(both.posts.map((p) => [p.id, p.author.name, p.publishedAt, p.score])).toEqual([
      ['issue-2001', 'zprobe', '2024-04-02T14:05:09Z', null],
      ['issuecomment-9001', 'meshbed', '2024-04-02T16:40:00Z', 3],
    ]);
    expect(both.posts[0]!.text).toBe('After updating, the first layer is 0.1 mm too high on the left.\n\nAny ideas?');
    expect(both.posts[1]!.quotes).toEqual([{ postId: null, author: null, text: 'the first layer is 0.1 mm too high on the left' }]);
    // Markdown is kept as text: nothing in it becomes markup.
    expect(both.posts[1]!.html).not.toContain('<script');
    expect(both.posts[1]!.text).toContain('<script>x</script>');
    expect(extractText(JSON.stringify(ghIssue), 'https://api.github.com/repos/example/printer-fw/issues/314').posts).toHaveLength(1);
    const list = extractText(JSON.stringify(ghComments), 'https://api.github.com/repos/example/printer-fw/issues/314/comments');
    expect(list.posts.map((p) => p.id)).toEqual(['issuecomment-9001']);
    expect(list.title).toBe('#314');
  });
});

/** Every saved page and response of the corpus, decoded as the CLI would. */
function corpusSources(): { rel: string; src: Source }[] {
  const out: { rel: string; src: Source }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(html?|json|xml)$/i.test(name) || /\?/.test(name)) {
        const rel = relative(CORPUS, p);
        try {
          out.push({ rel, src: sourceFromText(decodePage(corpusBytes(rel)), `https://corpus.invalid/${rel}`, linkedomKit) });
        } catch {
          /* files that are not pages (e.g. JSON Lines) are not what this sweep is about */
        }
      }
    }
  };
  walk(CORPUS);
  return out;
}

describe('detectors built from documented markup fire only on their own engine\'s real pages', () => {
  const sources = corpusSources();
  const adapters = [oldReddit, invision, mybb, flarumHtml, flarumJson, nodebbHtml, nodebbJson, vanilla, githubHtml, githubJson];
  it('has corpus pages to check', () => expect(sources.length).toBeGreaterThan(40));
  for (const a of adapters) {
    it(`${a.id} fires on no corpus file`, () => {
      // Invision and Vanilla now have real samples in the corpus: those, and only those, may fire.
      const own = a.id.replace(/-(html|json)$/, '');
      const fired = sources.filter(({ rel, src }) => !rel.startsWith(`${own}/`) && a.accepts === src.kind && a.detect(src)).map(({ rel }) => rel);
      expect(fired).toEqual([]);
    });
  }
});
