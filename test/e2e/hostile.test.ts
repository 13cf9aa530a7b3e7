import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusBytes } from '../support/corpus.ts';
import { startSite } from './support/site.ts';
import { captureUrl, launchWithExtension, type Browser } from './support/chromium.ts';

const PATH = '/viewtopic.php?t=167';

/**
 * XSS vectors planted in a real post body. Each one, if it ran or loaded, would request /xss-<name>
 * from the local site. The forum page itself is served with a CSP that forbids everything, so any such
 * request can only come from an extension page.
 */
function vectors(origin: string): string {
  const hit = (n: string) => `${origin}/xss-${n}`;
  return [
    `<script>fetch('${hit('script')}')</script>`,
    `<img src="${hit('img')}" onerror="fetch('${hit('onerror')}')">`,
    `<img src=x onerror="fetch('${hit('onerror2')}')">`,
    `<a href="javascript:fetch('${hit('jsurl')}')" id="jslink">click me</a>`,
    `<svg><script>fetch('${hit('svgscript')}')</script><image href="${hit('svgimage')}"/></svg>`,
    `<svg onload="fetch('${hit('svgonload')}')"></svg>`,
    `<iframe srcdoc="<script>parent.fetch('${hit('srcdoc')}')</script>"></iframe>`,
    `<iframe src="${hit('iframe')}"></iframe>`,
    `<style>@import url(${hit('cssimport')}); body { background: url(${hit('cssbg')}) }</style>`,
    `<div style="background-image:url(${hit('inlinecss')})">styled</div>`,
    `<object data="${hit('object')}"></object><embed src="${hit('embed')}">`,
    `<form action="${hit('form')}"><button>go</button></form>`,
    `<noscript><p title="</noscript><img src=x onerror=fetch('${hit('mxss')}')>"></noscript>`,
    `<math><mi xlink:href="javascript:fetch('${hit('mathml')}')">m</mi></math>`,
    `<details open ontoggle="fetch('${hit('ontoggle')}')">d</details>`,
    `<video><source onerror="fetch('${hit('video')}')"></video>`,
    `<link rel="stylesheet" href="${hit('link')}">`,
    `<base href="${hit('base')}/">`,
  ].join('\n');
}

let site: Awaited<ReturnType<typeof startSite>>;
let b: Browser;

beforeAll(async () => {
  const original = new TextDecoder().decode(corpusBytes('phpbb/foren.myoos.de-viewtopic-167.html'));
  let origin = '';
  site = await startSite({
    [PATH]: () => ({
      // Planted into the post's body, which the phpBB adapter reads.
      body: original.replace('<div class="content">', `<div class="content">${vectors(origin)}`),
      headers: { 'content-security-policy': "default-src 'none'" },
    }),
  });
  origin = site.origin;
  b = await launchWithExtension();
});
afterAll(async () => {
  await b?.close();
  await site?.close();
});

describe('hostile markup in a captured page', () => {
  it('never executes or loads anything in the curate view', async () => {
    const forum = await b.context.newPage();
    await forum.goto(`${site.origin}${PATH}`);
    const cap = await captureUrl(b, `${site.origin}${PATH}`);
    expect(cap, JSON.stringify(cap)).toMatchObject({ ok: true });

    const requests: string[] = [];
    b.context.on('request', (r) => requests.push(r.url()));
    const dialogs: string[] = [];
    const panel = await b.context.newPage();
    panel.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
    await panel.goto(b.page('sidepanel.html'));
    await panel.getByTestId('post').first().waitFor();
    // Interact as a user would: open the post, click the planted link, select it as a question.
    await panel.getByTestId('post').first().getByTestId('mark-question').click();
    const link = panel.locator('#jslink, a:has-text("click me")').first();
    if (await link.count()) await link.click({ force: true }).catch(() => {});
    await panel.waitForTimeout(1500);

    const hits = site.log.filter((r) => r.path.startsWith('/xss-'));
    expect(hits.map((h) => `${h.path} from ${h.headers.referer ?? h.headers.origin ?? '?'}`)).toEqual([]);
    expect(dialogs).toEqual([]);
    // Extension pages made no request to any host but the extension itself.
    expect(requests.filter((u) => !u.startsWith(`chrome-extension://${b.extensionId}/`))).toEqual([]);

    const body = panel.getByTestId('post').first().locator('.post__body');
    const html = await body.innerHTML();
    expect(html).not.toMatch(/<script|<iframe|<object|<embed|<style|<form|<svg|<math|<meta|<base|<link|srcdoc|javascript:/i);
    expect(await body.locator('[onerror], [onload], [ontoggle], [style]').count()).toBe(0);
    expect(await body.locator('img').count()).toBe(0);
    // The words of the post survive sanitizing.
    expect(await body.innerText()).toContain('Was ist Freie Software und warum ist sie wichtig?');
  });
});
