import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusBytes } from '../support/corpus.ts';
import { startSite } from './support/site.ts';
import { addContributor, freePort, startHubProcess } from './support/hub-process.ts';
import { captureUrl, connectHub, launchWithExtension, type Browser } from './support/chromium.ts';

/**
 * The subject picker with a paired hub: a subject the page's title names is offered first, chosen with
 * the keyboard; a new subject is proposed with the mouse; typing in the field never fires a single-key
 * shortcut; axe finds nothing serious with the list open.
 */
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SE = '/questions/10376/when-to-use-wurde-versus-war';

let site: Awaited<ReturnType<typeof startSite>>;
let browser: Browser;
let hub: Awaited<ReturnType<typeof startHubProcess>>;
let token: string;

beforeAll(async () => {
  site = await startSite({ [SE]: { body: corpusBytes('stackexchange/german.stackexchange-10376.html') } });
  const db = join(mkdtempSync(join(tmpdir(), 'gleaner-e2e-subject-')), 'hub.sqlite');
  token = addContributor(db, 'subject-picker', true);
  hub = await startHubProcess(db, await freePort());
  const post = (path: string, body: unknown) =>
    fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) }).then((r) => r.status);
  expect(await post('/v1/hobbies', { slug: 'languages', name: 'Languages' })).toBe(201);
  expect(await post('/v1/subjects', { hobby: 'languages', slug: 'german-past-tense', name: 'German past tense', aliases: ['wurde'] })).toBe(201);
  expect(await post('/v1/subjects', { hobby: 'languages', slug: 'french', name: 'French', aliases: [] })).toBe(201);
  browser = await launchWithExtension();
});

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await site?.close();
});

describe('subject picker in Chromium', () => {
  it('offers the matched subject first, chooses by keyboard, proposes by mouse, no shortcut fires while typing', async () => {
    await connectHub(browser, hub.url, token);

    const tab = await browser.context.newPage();
    await tab.goto(`${site.origin}${SE}`);
    expect(await captureUrl(browser, `${site.origin}${SE}`)).toMatchObject({ ok: true });
    const panel = await browser.context.newPage();
    await panel.goto(browser.page('sidepanel.html'));
    await panel.getByTestId('post').first().waitFor();

    const field = panel.getByRole('combobox', { name: /Game or subject/ });
    await panel.getByTestId('subject-status').filter({ hasText: '1 subject at the hub fits this page' }).waitFor();
    await field.focus();
    await field.press('ArrowDown');
    expect(await field.getAttribute('aria-expanded')).toBe('true');
    const first = panel.getByRole('option').first();
    expect(await first.innerText()).toContain('German past tense');
    expect(await first.innerText()).toContain('named in the title');
    expect(await field.getAttribute('aria-activedescendant')).toBe(await first.getAttribute('id'));

    // axe with the list open.
    const result = (await panel.evaluate(`${AXE};axe.run(document, { resultTypes: ['violations'] })`)) as { violations: { id: string; impact: string | null }[] };
    expect(result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

    await field.press('Enter');
    await panel.getByTestId('subject-status').filter({ hasText: 'Filed at the hub under German past tense (languages/german-past-tense)' }).waitFor();
    expect(await field.inputValue()).toBe('German past tense');
    expect(await panel.getByTestId('hobby').inputValue()).toBe('languages');

    // Typing "qa" in the field: letters, not shortcuts (no post becomes the question).
    await field.fill('');
    await field.pressSequentially('Knitting qa', { delay: 20 });
    expect(await panel.locator('.post--question').count()).toBe(0);
    const propose = panel.getByTestId('subject-propose');
    await propose.waitFor();
    expect(await propose.innerText()).toContain('Knitting qa');
    await propose.click();
    await panel.getByTestId('subject-status').filter({ hasText: 'Proposed as a new subject at languages/knitting-qa' }).waitFor();
    expect(await field.inputValue()).toBe('Knitting qa');

    // Autocomplete while typing: "fre" finds French.
    await field.fill('');
    await field.pressSequentially('fre', { delay: 20 });
    await panel.getByRole('option', { name: /French/ }).waitFor();
    await panel.getByRole('option', { name: /French/ }).click();
    await panel.getByTestId('subject-status').filter({ hasText: 'languages/french' }).waitFor();
    await panel.close();
  });
});
