import { describe, expect, test } from 'vitest';
import { decodePage } from '../../lib/extract/index.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { ccTextToSpdx, ccUrlToSpdx, detectPageLicense } from '../../lib/license/index.ts';
import { corpusBytes } from '../support/corpus.ts';
import { extractText } from '../support/extract.ts';

const page = (head: string, body = '') => linkedomKit.parseHtml(`<!doctype html><html><head>${head}</head><body>${body}</body></html>`);
const corpusText = (rel: string) => decodePage(corpusBytes(rel));

describe('CC licence URLs → SPDX ids', () => {
  const cases: Array<[string, string | null]> = [
    ['https://creativecommons.org/licenses/by/4.0/', 'CC-BY-4.0'],
    ['https://creativecommons.org/licenses/by-sa/4.0/', 'CC-BY-SA-4.0'],
    ['https://creativecommons.org/licenses/by-nc/4.0/', 'CC-BY-NC-4.0'],
    ['https://creativecommons.org/licenses/by-nc-sa/4.0/', 'CC-BY-NC-SA-4.0'],
    ['https://creativecommons.org/licenses/by-nd/4.0/', 'CC-BY-ND-4.0'],
    ['https://creativecommons.org/licenses/by-nc-nd/4.0/', 'CC-BY-NC-ND-4.0'],
    ['http://creativecommons.org/licenses/by-sa/3.0/', 'CC-BY-SA-3.0'],
    ['https://creativecommons.org/licenses/by-sa/2.5/', 'CC-BY-SA-2.5'],
    ['https://creativecommons.org/licenses/by/2.0/', 'CC-BY-2.0'],
    ['https://creativecommons.org/licenses/by-sa/1.0/', 'CC-BY-SA-1.0'],
    // 1.0 wrote NoDerivs-NonCommercial as "by-nd-nc".
    ['https://creativecommons.org/licenses/by-nd-nc/1.0/', 'CC-BY-NC-ND-1.0'],
    ['//creativecommons.org/licenses/by-nc-sa/3.0/deed.en_US', 'CC-BY-NC-SA-3.0'],
    ['https://creativecommons.org/licenses/by-sa/4.0/legalcode', 'CC-BY-SA-4.0'],
    ['https://creativecommons.org/licenses/by-sa/4.0/deed.de', 'CC-BY-SA-4.0'],
    ['https://www.creativecommons.org/licenses/BY-SA/4.0/', 'CC-BY-SA-4.0'],
    ['https://creativecommons.org/licenses/by-sa/3.0/de/', 'CC-BY-SA-3.0-DE'],
    ['https://creativecommons.org/licenses/by-nc-sa/2.0/uk/', 'CC-BY-NC-SA-2.0-UK'],
    // A port SPDX does not list reads as the unported licence of that version.
    ['https://creativecommons.org/licenses/by-sa/3.0/fr/', 'CC-BY-SA-3.0'],
    ['https://creativecommons.org/publicdomain/zero/1.0/', 'CC0-1.0'],
    ['https://creativecommons.org/publicdomain/mark/1.0/', 'CC-PDM-1.0'],
    ['https://creativecommons.org/licenses/by-sa/5.0/', null],
    ['https://creativecommons.org/licenses/sa-nd/4.0/', null],
    ['https://example.org/licenses/by-sa/4.0/', null],
    ['https://creativecommons.org/about/', null],
  ];
  test.each(cases)('%s → %s', (url, id) => {
    expect(ccUrlToSpdx(url)?.id ?? null).toBe(id);
  });
  test('a port SPDX lacks says so', () => {
    expect(ccUrlToSpdx('https://creativecommons.org/licenses/by-sa/3.0/fr/')).toEqual({ id: 'CC-BY-SA-3.0', ported: 'FR' });
  });
});

describe('CC licences named in prose', () => {
  const cases: Array<[string, string[]]> = [
    ['Content licensed under CC BY-SA 4.0 unless noted.', ['CC-BY-SA-4.0']],
    ['user contributions licensed under cc by-sa 3.0 with attribution required', ['CC-BY-SA-3.0']],
    ['License: CC-BY-NC-SA-3.0', ['CC-BY-NC-SA-3.0']],
    ['licensed under a Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Unported License', ['CC-BY-NC-SA-3.0']],
    ['This work is licensed under a Creative Commons Attribution 4.0 International License.', ['CC-BY-4.0']],
    ['Creative Commons Attribution-NoDerivatives 4.0', ['CC-BY-ND-4.0']],
    ['Released to the public domain under CC0 1.0.', ['CC0-1.0']],
    // The version decides the terms: a name without one is not a licence id.
    ['user contributions licensed under cc by-sa', []],
    ['We accept CC BY-SA 9.9 nowhere', []],
  ];
  test.each(cases)('%s', (text, ids) => {
    expect(ccTextToSpdx(text).map((m) => m.id)).toEqual(ids);
  });
});

describe('detectPageLicense', () => {
  const base = 'https://forum.example.org/t/42';
  test('<link rel="license"> and <a rel="license">', () => {
    expect(detectPageLicense(page('<link rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/">'), base)).toEqual([
      { license: 'CC-BY-SA-4.0', evidence: '<link rel="license"> to https://creativecommons.org/licenses/by-sa/4.0/' },
    ]);
    const hints = detectPageLicense(page('', '<p><a rel="nofollow license" href="http://creativecommons.org/licenses/by/3.0/">CC BY</a></p>'), base);
    expect(hints.map((h) => h.license)).toEqual(['CC-BY-3.0']);
    expect(hints[0]!.evidence).toContain('<a rel="license">');
  });
  test('rel=license to a non-CC page falls back to the link text', () => {
    const hints = detectPageLicense(page('', '<a rel="license" href="/legal">CC BY-NC 4.0</a>'), base);
    expect(hints).toEqual([{ license: 'CC-BY-NC-4.0', evidence: '<a rel="license"> to https://forum.example.org/legal' }]);
  });
  test.each([
    ['license', 'https://creativecommons.org/licenses/by/4.0/', 'CC-BY-4.0'],
    ['dc.rights', 'CC BY-SA 3.0', 'CC-BY-SA-3.0'],
    ['DCTERMS.license', 'http://creativecommons.org/publicdomain/zero/1.0/', 'CC0-1.0'],
    ['dcterms.license', 'All rights reserved', null],
  ])('<meta name="%s" content="%s">', (name, content, id) => {
    const hints = detectPageLicense(page(`<meta name="${name}" content="${content}">`), base);
    expect(hints[0]?.license ?? null).toBe(id);
    if (id) expect(hints[0]!.evidence).toContain(`<meta name="${name.toLowerCase()}"`);
  });
  test.each([
    ['a string URL', { '@type': 'DiscussionForumPosting', license: 'https://creativecommons.org/licenses/by-nc-sa/4.0/' }, 'CC-BY-NC-SA-4.0'],
    ['an object with url', { '@type': 'CreativeWork', license: { '@type': 'CreativeWork', url: 'https://creativecommons.org/licenses/by-sa/4.0/' } }, 'CC-BY-SA-4.0'],
    ['inside @graph', { '@graph': [{ '@type': 'WebSite' }, { '@type': 'QAPage', mainEntity: { license: 'CC BY 4.0' } }] }, 'CC-BY-4.0'],
    ['a non-CC licence', { license: 'https://example.org/terms' }, null],
  ])('JSON-LD license as %s', (_name, data, id) => {
    const hints = detectPageLicense(page(`<script type="application/ld+json">${JSON.stringify(data)}</script>`), base);
    expect(hints[0]?.license ?? null).toBe(id);
  });
  test('broken JSON-LD is skipped, not fatal', () => {
    expect(detectPageLicense(page('<script type="application/ld+json">{"license": </script>'), base)).toEqual([]);
  });
  test('footer wording and footer CC links', () => {
    expect(detectPageLicense(page('', '<main>Posts</main><footer>Site content licensed under CC BY-SA 4.0 unless stated.</footer>'), base)).toEqual([
      { license: 'CC-BY-SA-4.0', evidence: 'footer text "CC BY-SA 4.0"' },
    ]);
    expect(detectPageLicense(page('', '<div id="footer"><a href="https://creativecommons.org/licenses/by-nc/3.0/">some rights</a></div>'), base)[0]?.license).toBe('CC-BY-NC-3.0');
  });
  test('licence talk in a post body outside the footer is not a page licence', () => {
    expect(detectPageLicense(page('', '<article>Is CC BY-SA 4.0 a good choice for my blog?</article>'), base)).toEqual([]);
  });
  test('strongest signal first, duplicates merged', () => {
    const doc = page(
      '<link rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/"><meta name="license" content="CC BY-SA 4.0">',
      '<footer>licensed under CC BY 4.0</footer>',
    );
    expect(detectPageLicense(doc, base).map((h) => h.license)).toEqual(['CC-BY-SA-4.0', 'CC-BY-4.0']);
  });
});

describe('real pages from the corpus', () => {
  test.each([
    ['discourse/meta-discourse-octoverse-topic.html', []],
    ['phpbb/foren.myoos.de-viewtopic-167.html', []],
    ['phpbb/phpbb2-forumer-viewtopic-805.html', []],
    ['reddit/reddit-new-python-init.html', []],
    ['xenforo/katzen-forum.net-pepe.html', []],
    // A member's post on the forum rules carries a CC badge: the German port of BY-NC-ND 3.0.
    ['forumotion/wolfsrebellen-forumieren-t7.html', ['CC-BY-NC-ND-3.0-DE']],
    // Askbot (ask.openstack.org) links CC BY 3.0 from its footer.
    ['askbot/ask.openstack-24396-page1.html', ['CC-BY-3.0']],
  ])('%s → %j', (rel, ids) => {
    const doc = linkedomKit.parseHtml(corpusText(rel));
    expect(detectPageLicense(doc, 'https://example.org/t/1').map((h) => h.license)).toEqual(ids);
  });

  test.each([
    ['<link rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/">', 'CC-BY-SA-4.0'],
    ['<meta name="dcterms.license" content="https://creativecommons.org/licenses/by-nc-sa/3.0/">', 'CC-BY-NC-SA-3.0'],
    ['<script type="application/ld+json">{"@type":"DiscussionForumPosting","license":"https://creativecommons.org/licenses/by/4.0/"}</script>', 'CC-BY-4.0'],
  ])('a CC-declared variant of the Discourse page (%s) is detected through extractThread', (tag, id) => {
    // Variant built at run time: the real page with one licence declaration inserted into its head.
    const html = corpusText('discourse/meta-discourse-octoverse-topic.html').replace('</head>', `${tag}</head>`);
    const t = extractText(html, 'https://meta.discourse.org/t/congratulations-most-stars-in-2013-github-octoverse/12483');
    expect(t.platform).toBe('discourse');
    expect(t.licenseHints?.map((h) => h.license)).toEqual([id]);
  });

  test('the unmodified pages come out of extractThread without licence hints', () => {
    const d = extractText(corpusText('discourse/meta-discourse-octoverse-topic.html'), 'https://meta.discourse.org/t/congratulations-most-stars-in-2013-github-octoverse/12483');
    const p = extractText(corpusText('phpbb/foren.myoos.de-viewtopic-167.html'), 'https://foren.myoos.de/viewtopic.php?t=167');
    expect(d.licenseHints).toBeUndefined();
    expect(p.licenseHints).toBeUndefined();
  });

  test('a phpBB variant with a footer licence link', () => {
    const html = corpusText('phpbb/foren.myoos.de-viewtopic-167.html').replace('</body>', '<footer><a href="https://creativecommons.org/licenses/by-sa/3.0/de/">CC</a></footer></body>');
    const t = extractText(html, 'https://foren.myoos.de/viewtopic.php?t=167');
    expect(t.licenseHints).toEqual([{ license: 'CC-BY-SA-3.0-DE', evidence: 'footer link to https://creativecommons.org/licenses/by-sa/3.0/de/' }]);
  });
});
