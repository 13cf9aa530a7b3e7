import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusBytes } from '../support/corpus.ts';
import { startSite } from './support/site.ts';
import { captureUrl, launchWithExtension, type Browser } from './support/chromium.ts';

/**
 * A two-page phpBB thread built at run time from the real prosilver page: page 2 is the same page with
 * the post renumbered, and page 1 gains a rel=next link. robots.txt opts the forum out for AI crawlers.
 */
let site: Awaited<ReturnType<typeof startSite>>;
let b: Browser;
const P1 = '/viewtopic.php?t=167';
const P2 = '/viewtopic.php?t=167&start=10';

beforeAll(async () => {
  const html = new TextDecoder().decode(corpusBytes('phpbb/foren.myoos.de-viewtopic-167.html'));
  const page1 = html.replace('<h2 class="topic-title">', `<a rel="next" href=".${P2}">Next</a><h2 class="topic-title">`);
  const page2 = html.replace(/p453/g, 'p454').replace(/453/g, '454');
  site = await startSite({
    [P1]: { body: page1 },
    [P2]: { body: page2 },
    '/robots.txt': { body: 'User-agent: GPTBot\nDisallow: /\n', headers: { 'content-type': 'text/plain' } },
  });
  b = await launchWithExtension();
});
afterAll(async () => {
  await b?.close();
  await site?.close();
});

describe('multi-page threads and opt-out signals', () => {
  it('offers the whole thread, fetches the next page politely from the tab, and merges in order', async () => {
    const forum = await b.context.newPage();
    await forum.goto(`${site.origin}${P1}`);
    const cap = await captureUrl(b, `${site.origin}${P1}`);
    expect(cap, JSON.stringify(cap)).toMatchObject({ ok: true });

    const panel = await b.context.newPage();
    await panel.goto(b.page('sidepanel.html'));
    await panel.getByTestId('post').first().waitFor();
    expect(await panel.getByTestId('post').count()).toBe(1);
    // The opt-out found at capture is said before any curating.
    expect(await panel.getByTestId('opt-out').innerText()).toMatch(/robots\.txt disallows this page for AI crawlers: GPTBot/);

    await panel.getByTestId('capture-whole').click();
    await panel.waitForFunction(() => document.querySelectorAll('[data-testid="post"]').length === 2, undefined, { timeout: 20_000 });
    expect(await panel.getByTestId('post').evaluateAll((els) => els.map((e) => e.getAttribute('data-post-id')))).toEqual(['453', '454']);
    const pageHits = site.log.filter((r) => r.path === P2);
    expect(pageHits).toHaveLength(1);
    // The same-origin requests made from the tab: the opt-out files and the next page, nothing else.
    expect(site.log.map((r) => r.path).filter((p) => p !== P1 && p !== P2)).toEqual(expect.arrayContaining(['/robots.txt', '/.well-known/tdmrep.json']));
  });
});
