import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusBytes } from '../support/corpus.ts';
import { extractCorpus } from '../support/extract.ts';
import { startSite } from './support/site.ts';
import { captureUrl, launchWithExtension, type Browser } from './support/chromium.ts';

const PATH = '/threads/jede-nacht-verliert-pepe-soviel-dreck-aus-dem-fell.230143/';
let site: Awaited<ReturnType<typeof startSite>>;
let b: Browser;

beforeAll(async () => {
  site = await startSite({ [PATH]: { body: corpusBytes('xenforo/katzen-forum.net-pepe.html') } });
  b = await launchWithExtension();
});
afterAll(async () => {
  await b?.close();
  await site?.close();
});

describe('selection capture', () => {
  it('with text selected across two posts, captures just those two', async () => {
    const all = extractCorpus('xenforo/katzen-forum.net-pepe.html', `https://www.katzen-forum.net${PATH}`);
    const [second, third] = [all.posts[1]!, all.posts[2]!];
    const page = await b.context.newPage();
    await page.goto(`${site.origin}${PATH}`);
    // Select from the middle of the second post's text to the middle of the third's, as a reader would drag.
    await page.evaluate(
      ({ a, z }) => {
        const body = (id: string) => document.querySelector(`[data-content="post-${id}"] .bbWrapper`)!;
        const firstText = (el: Element) => document.createTreeWalker(el, NodeFilter.SHOW_TEXT, { acceptNode: (n) => ((n.nodeValue ?? '').trim().length > 3 ? 1 : 3) }).nextNode()!;
        const r = document.createRange();
        r.setStart(firstText(body(a)), 2);
        r.setEnd(firstText(body(z)), 2);
        getSelection()!.removeAllRanges();
        getSelection()!.addRange(r);
      },
      { a: second.id, z: third.id },
    );
    const cap = await captureUrl(b, `${site.origin}${PATH}`);
    expect(cap, JSON.stringify(cap)).toMatchObject({ ok: true, posts: 2 });
    const panel = await b.context.newPage();
    await panel.goto(b.page('sidepanel.html'));
    await panel.getByTestId('post').first().waitFor();
    expect(await panel.getByTestId('post').evaluateAll((els) => els.map((e) => e.getAttribute('data-post-id')))).toEqual([second.id, third.id]);
  });
});
