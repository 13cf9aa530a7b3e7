import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusBytes } from '../support/corpus.ts';
import { startSite } from './support/site.ts';
import { addContributor, freePort, pairCode, startHubProcess } from './support/hub-process.ts';
import { captureUrl, launchWithExtension, type Browser } from './support/chromium.ts';

/**
 * First run in Chromium: installing opens the welcome page by itself; a wrong code is explained where it
 * was typed, a right one connects; a capture made meanwhile is reported with a link to the curate view;
 * the options page keeps saying "connected to HUB as NAME" after a reload.
 */
const SE = '/questions/10376/when-to-use-wurde-versus-war';
let site: Awaited<ReturnType<typeof startSite>>;
let browser: Browser;
let hub: Awaited<ReturnType<typeof startHubProcess>>;
let dbFile: string;

beforeAll(async () => {
  site = await startSite({ [SE]: { body: corpusBytes('stackexchange/german.stackexchange-10376.html') } });
  dbFile = join(mkdtempSync(join(tmpdir(), 'gleaner-e2e-first-')), 'hub.sqlite');
  addContributor(dbFile, 'newcomer');
  hub = await startHubProcess(dbFile, await freePort());
  browser = await launchWithExtension();
});

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await site?.close();
});

describe('first run (Chromium)', () => {
  it('opens on install, pairs with the hub, reports the first capture, and options stay connected', async () => {
    const welcomeUrl = browser.page('welcome.html');
    const page = browser.context.pages().find((p) => p.url() === welcomeUrl) ?? (await browser.context.waitForEvent('page', { predicate: (p) => p.url() === welcomeUrl, timeout: 10_000 }));
    await page.getByTestId('first-run-pair').waitFor();
    expect(await page.getByTestId('first-run-capture').innerText()).toContain('Waiting for your first capture');

    await page.getByTestId('first-run-hub').fill(hub.url);
    await page.getByTestId('first-run-code').fill('NOT-ACODE');
    await page.getByTestId('first-run-pair-button').click();
    expect(await page.getByTestId('first-run-error').innerText()).toMatch(/wrong, already used or expired/);
    // The field keeps what was typed, so only the code needs fixing.
    expect(await page.getByTestId('first-run-hub').inputValue()).toBe(hub.url);

    await page.getByTestId('first-run-code').fill(pairCode(dbFile, 'newcomer'));
    await page.getByTestId('first-run-pair-button').click();
    const host = new URL(hub.url).host;
    expect(await page.getByTestId('first-run-connected').innerText()).toContain(`Connected to ${host} as newcomer`);

    const tab = await browser.context.newPage();
    await tab.goto(`${site.origin}${SE}`);
    const captured = await captureUrl(browser, `${site.origin}${SE}`);
    expect(captured).toMatchObject({ ok: true });
    await page.getByTestId('first-run-open').waitFor();
    expect(await page.getByTestId('first-run-capture').innerText()).toMatch(new RegExp(`Captured \\d+ posts from ${new URL(site.origin).host.replace(/[.]/g, '\\.')}\\.`));
    expect(await page.getByTestId('first-run-open').getAttribute('href')).toBe(browser.page('sidepanel.html'));
    await tab.close();

    const options = await browser.context.newPage();
    await options.goto(browser.page('options.html'));
    expect(await options.getByTestId('hub-connected').innerText()).toBe(`Connected to ${host} as newcomer.`);
    await options.reload();
    expect(await options.getByTestId('hub-connected').innerText()).toBe(`Connected to ${host} as newcomer.`);
    await options.close();

    // Reopened, the page shows the lasting connection instead of the form.
    await page.reload();
    await page.getByTestId('first-run-connected').waitFor();
    expect(await page.getByTestId('first-run-pair').count()).toBe(0);
    await page.close();
  });
});
