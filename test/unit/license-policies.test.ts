import { describe, expect, test } from 'vitest';
import { Thread, type PostInput } from '../../lib/model/thread.ts';
import { SITE_POLICIES, datedLicense, licenseFromTosText, policyFor, postLicense, sourceLicenseOf } from '../../lib/license/index.ts';
import { extractCorpus } from '../support/extract.ts';

const post = (id: string, publishedAt: string | null, author = `user${id}`): PostInput => ({
  id,
  author: { name: author, url: null },
  publishedAt,
  text: 'text',
  html: '<p>text</p>',
  permalink: `https://example.org/p/${id}`,
  replyTo: null,
});
const thread = (platform: string, url: string, posts: PostInput[], licenseHints?: Array<{ license: string; evidence: string }>) =>
  Thread.parse({ platform, url, title: 'T', posts, licenseHints });

describe('Stack Exchange licence by post date (UTC)', () => {
  const se = SITE_POLICIES.find((p) => p.id === 'stackexchange')!;
  if (se.rule.kind !== 'dated') throw new Error('Stack Exchange policy must be dated');
  const periods = se.rule.periods;
  test.each([
    ['2008-09-15T12:00:00Z', 'CC-BY-SA-2.5'],
    ['2011-04-07T23:59:59Z', 'CC-BY-SA-2.5'],
    ['2011-04-08T00:00:00Z', 'CC-BY-SA-3.0'],
    ['2011-04-08', 'CC-BY-SA-3.0'],
    ['2011-04-07', 'CC-BY-SA-2.5'],
    // No offset: Stack Exchange shows UTC, so this is read as UTC.
    ['2018-05-01T23:59:59', 'CC-BY-SA-3.0'],
    ['2018-05-01 23:59:59', 'CC-BY-SA-3.0'],
    ['2018-05-02T00:00:00Z', 'CC-BY-SA-4.0'],
    // 01:30 in Berlin on 2 May is still 1 May in UTC.
    ['2018-05-02T01:30:00+02:00', 'CC-BY-SA-3.0'],
    ['2022-05-05T15:42:41Z', 'CC-BY-SA-4.0'],
    [null, null],
    ['yesterday', null],
  ])('%s → %s', (at, id) => {
    expect(datedLicense(periods, at)).toBe(id);
  });

  test('each post gets its own licence; the thread is their conjunction', () => {
    const t = thread('stackexchange', 'https://german.stackexchange.com/questions/10376/x', [
      post('q1', '2014-02-06T20:37:20Z'),
      post('a1', '2019-09-25T12:22:29Z'),
      post('a2', '2010-01-01T00:00:00Z'),
    ]);
    expect(t.posts.map((p) => postLicense(t, p).license)).toEqual(['CC-BY-SA-3.0', 'CC-BY-SA-4.0', 'CC-BY-SA-2.5']);
    const a1 = postLicense(t, t.posts[1]!);
    expect(a1.evidence).toEqual({ url: 'https://stackoverflow.com/help/licensing', how: 'Stack Exchange licenses content written 2019-09-25T12:22:29Z under CC-BY-SA-4.0' });
    expect(a1.who).toEqual({ postId: 'a1', author: 'usera1', url: 'https://example.org/p/a1' });
    const all = sourceLicenseOf(t);
    expect(all.license).toBe('CC-BY-SA-2.5 AND CC-BY-SA-3.0 AND CC-BY-SA-4.0');
    expect(all.evidence?.how).toBe('posts differ in licence: 1 post(s) under CC-BY-SA-2.5, 1 post(s) under CC-BY-SA-3.0, 1 post(s) under CC-BY-SA-4.0');
  });

  test('the date rule wins over a page-level hint, and is found by host for other adapters', () => {
    const t = thread('article', 'https://superuser.com/questions/1/x', [post('1', '2012-01-01T00:00:00Z')], [{ license: 'CC-BY-SA-4.0', evidence: 'footer' }]);
    expect(sourceLicenseOf(t).license).toBe('CC-BY-SA-3.0');
  });

  test('an undated post has no licence and says why', () => {
    const t = thread('stackexchange', 'https://stackoverflow.com/questions/1', [post('q', '2020-01-01T00:00:00Z'), post('a', null)]);
    const s = sourceLicenseOf(t);
    expect(s.license).toBeNull();
    expect(s.evidence?.how).toMatch(/by the date they were written, and this post carries no readable date/);
  });

  test('the real Stack Exchange page: every post dated and licensed', () => {
    const t = extractCorpus('stackexchange/german.stackexchange-10376.html', 'https://german.stackexchange.com/questions/10376/');
    const ids = t.posts.map((p) => postLicense(t, p).license);
    expect(ids.length).toBeGreaterThan(1);
    // The question was asked in 2014 (the page shows CC BY-SA 3.0 for that revision).
    expect(ids[0]).toBe('CC-BY-SA-3.0');
    expect(ids.every((id) => id === 'CC-BY-SA-3.0' || id === 'CC-BY-SA-4.0')).toBe(true);
  });
});

describe('platforms whose terms grant no open licence', () => {
  test.each([
    ['reddit', 'https://www.reddit.com/r/boardgames/comments/abc/x/', "reddit's user agreement grants no open licence to third parties", 'https://www.redditinc.com/policies/user-agreement'],
    ['discord', 'https://discord.com/channels/1/2', "Discord's terms of service grants no open licence to third parties", 'https://discord.com/terms'],
    ['slack', 'https://x.slack.com/archives/C1', "Slack's terms of service grants no open licence", 'https://slack.com/terms-of-service'],
    ['telegram', 'https://t.me/somechat/1', "Telegram's terms of service grants no open licence", 'https://telegram.org/tos'],
    ['whatsapp', 'file:///chat.txt', "WhatsApp's terms of service grants no open licence", 'https://www.whatsapp.com/legal/terms-of-service'],
    ['boardgamegeek', 'https://boardgamegeek.com/thread/3208373', "BoardGameGeek's terms of service grants no open licence", 'https://boardgamegeek.com/terms'],
    ['phpbb', 'https://foren.example.de/viewtopic.php?t=1', "phpBB's stock terms of use grants no open licence", 'https://foren.example.de/ucp.php?mode=terms'],
    ['vbulletin', 'https://forum.example.com/showthread.php?t=1', 'this page declares none', 'https://forum.example.com/faq.php'],
    ['xenforo', 'https://forum.example.com/threads/x.1/', "XenForo's stock terms and rules grants no open licence", 'https://forum.example.com/help/terms/'],
    ['smf', 'https://forum.example.com/index.php?topic=1', "SMF's stock registration agreement grants no open licence", 'https://forum.example.com/index.php?action=agreement'],
    ['forumotion', 'https://wolfsrebellen.forumieren.com/t7-x', "Forumotion's terms of use grants no open licence", 'https://www.forumotion.com/terms-of-use'],
    ['forum', 'https://forum.example.com/t/1', 'forum posts stay their authors', null],
  ])('%s → null', (platform, url, why, evidenceUrl) => {
    const s = sourceLicenseOf(thread(platform, url, [post('1', '2020-01-01T00:00:00Z')]));
    expect(s.license).toBeNull();
    expect(s.evidence?.how).toContain(why);
    expect(s.evidence?.url).toBe(evidenceUrl);
  });

  test('a page that declares a licence overrides the platform default', () => {
    const s = sourceLicenseOf(thread('phpbb', 'https://f.example/viewtopic.php?t=1', [post('1', null)], [{ license: 'CC-BY-SA-4.0', evidence: '<link rel="license"> to x' }]));
    expect(s).toEqual({ license: 'CC-BY-SA-4.0', evidence: { url: 'https://f.example/viewtopic.php?t=1', how: '<link rel="license"> to x' } });
  });

  test('policy by host when the platform name is generic', () => {
    expect(policyFor('article', 'https://old.reddit.com/r/x')?.id).toBe('reddit');
    expect(policyFor('article', 'https://example.org/')).toBeNull();
  });

  test('an unknown platform with no page licence says so', () => {
    const s = sourceLicenseOf(thread('article', 'https://blog.example.org/post', [post('1', null)]));
    expect(s.license).toBeNull();
    expect(s.evidence?.how).toBe('the page declares no licence and Gleaner knows no licence policy for article');
  });

  test('the real phpBB and Discourse pages have no licence', () => {
    const p = sourceLicenseOf(extractCorpus('phpbb/foren.myoos.de-viewtopic-167.html', 'https://foren.myoos.de/viewtopic.php?t=167'));
    expect(p.license).toBeNull();
    expect(p.evidence?.url).toBe('https://foren.myoos.de/ucp.php?mode=terms');
    const d = sourceLicenseOf(extractCorpus('discourse/meta-discourse-octoverse-topic.html', 'https://meta.discourse.org/t/congratulations-most-stars-in-2013-github-octoverse/12483'));
    expect(d.license).toBeNull();
    expect(d.evidence).toEqual({ url: 'https://meta.discourse.org/tos', how: "a Discourse forum's licence is whatever its terms of service grant, and they have not been read yet" });
  });
});

describe('Discourse: the licence its /tos grants', () => {
  // Built from the documented stock Discourse terms (the "User Content License" section and the
  // closing note on the document's own licence); no real /tos sample in the corpus.
  const stockTos = [
    '# Terms of Service',
    '## 3. User Content License',
    'User contributions are licensed under a [Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Unported License](http://creativecommons.org/licenses/by-nc-sa/3.0/deed.en_US). Without limiting any of those representations or warranties, the company has the right to remove content.',
    '## 23. Changes',
    'This document is CC-BY-SA. It was last updated May 31, 2013. Originally adapted from the WordPress Terms of Service.',
  ].join('\n\n');

  test.each([
    ['the stock Discourse terms', stockTos, 'CC-BY-NC-SA-3.0'],
    ['a forum that changed the grant', stockTos.replace('Attribution-NonCommercial-ShareAlike 3.0 Unported', 'Attribution-ShareAlike 4.0 International').replace('by-nc-sa/3.0/deed.en_US', 'by-sa/4.0/'), 'CC-BY-SA-4.0'],
    // Name and link disagree: better no licence than the wrong one.
    ['a grant whose name and link disagree', stockTos.replace('Attribution-NonCommercial-ShareAlike 3.0 Unported', 'Attribution-ShareAlike 4.0 International'), null],
    ['a grant made only by URL', 'All posts you contribute are licensed to everyone under https://creativecommons.org/licenses/by/4.0/ .', 'CC-BY-4.0'],
    ['terms with no licence for posts', 'You keep ownership of your content. You grant us a licence to display it. This document is CC-BY-SA 3.0.', null],
  ])('%s', (_name, text, id) => {
    expect(licenseFromTosText(text).license).toBe(id);
  });

  test('the evidence quotes the granting sentence', () => {
    expect(licenseFromTosText(stockTos).evidence).toMatch(/^terms of service: "User contributions are licensed under a \[Creative Commons Attribution-NonCommercial-ShareAlike 3\.0/);
  });

  test('conflicting grants are not guessed', () => {
    const r = licenseFromTosText('User contributions are licensed under CC BY-SA 4.0. User content posted before 2015 is licensed under CC BY-NC 3.0.');
    expect(r.license).toBeNull();
    expect(r.evidence).toContain('more than one licence');
  });

  test('a thread is licensed by the /tos text passed in', () => {
    const t = thread('discourse', 'https://forum.example.org/t/x/1', [post('1', '2020-01-01T00:00:00Z'), post('2', '2020-01-02T00:00:00Z')]);
    const s = sourceLicenseOf(t, { tosText: stockTos });
    expect(s.license).toBe('CC-BY-NC-SA-3.0');
    expect(s.evidence?.url).toBe('https://forum.example.org/tos');
  });
});
