import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusBytes } from '../support/corpus.ts';
import { startSite } from './support/site.ts';
import { captureUrl, launchWithExtension, type Browser } from './support/chromium.ts';

const TOPIC = '/t/congratulations-most-stars-in-2013-github-octoverse/12483';
/**
 * No real Discourse terms page is in the corpus: this one follows the stock Discourse terms of service's
 * documented wording for user contributions (and its closing line about the document itself).
 */
const TOS = `<!doctype html><html><body><noscript><div id="main-outlet"><h1>Terms of Service</h1>
<p>These terms govern your use of the forum.</p>
<h2>Content Licensing</h2>
<p>User contributions are licensed under a Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Unported License.</p>
<p>This document is CC-BY-SA. It was last updated May 31, 2013.</p></div></noscript></body></html>`;

let site: Awaited<ReturnType<typeof startSite>>;
let b: Browser;
beforeAll(async () => {
  site = await startSite({ [TOPIC]: { body: corpusBytes('discourse/meta-discourse-octoverse-topic.html') }, '/tos': { body: TOS } });
  b = await launchWithExtension();
});
afterAll(async () => {
  await b?.close();
  await site?.close();
});

describe("a Discourse forum's terms decide its posts' licence", () => {
  it('reads /tos from the tab at capture and shows each source as CC-BY-NC-SA-3.0 with the sentence as evidence', async () => {
    const forum = await b.context.newPage();
    await forum.goto(`${site.origin}${TOPIC}`);
    expect(await captureUrl(b, `${site.origin}${TOPIC}`)).toMatchObject({ ok: true });
    expect(site.log.some((r) => r.path === '/tos')).toBe(true);
    const panel = await b.context.newPage();
    await panel.goto(b.page('sidepanel.html'));
    await panel.getByTestId('post').nth(0).getByTestId('mark-question').click();
    await panel.getByTestId('post').nth(1).getByTestId('mark-answer').click();
    const licences = await panel.getByTestId('source-licences').innerText();
    expect(licences).toMatch(/techAPJ: CC-BY-NC-SA-3\.0/);
    expect(licences).toMatch(/User contributions are licensed under a Creative Commons Attribution-NonCommercial-ShareAlike 3\.0/);
  });
});
