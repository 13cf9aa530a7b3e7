import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { corpusBytes } from '../support/corpus.ts';
import { startSite } from './support/site.ts';
import { addContributor, freePort, startHubProcess } from './support/hub-process.ts';
import { captureUrl, launchWithExtension, type Browser } from './support/chromium.ts';

/**
 * axe-core over every extension page and the hub's moderation page in Chromium: no serious or critical
 * violation. axe's source is evaluated through the DevTools protocol, which the pages' strict CSP (no
 * inline or remote script) does not govern, so nothing about the pages is loosened for the test.
 */
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SE = '/questions/10376/when-to-use-wurde-versus-war';

let site: Awaited<ReturnType<typeof startSite>>;
let browser: Browser;
let hub: Awaited<ReturnType<typeof startHubProcess>>;

beforeAll(async () => {
  site = await startSite({ [SE]: { body: corpusBytes('stackexchange/german.stackexchange-10376.html') } });
  const db = join(mkdtempSync(join(tmpdir(), 'gleaner-e2e-axe-')), 'hub.sqlite');
  addContributor(db, 'axe');
  hub = await startHubProcess(db, await freePort());
  browser = await launchWithExtension();
});

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await site?.close();
});

async function serious(page: Page): Promise<string[]> {
  const result = (await page.evaluate(`${AXE};axe.run(document, { resultTypes: ['violations'] })`)) as {
    violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`);
}

describe('accessibility (axe-core) in Chromium', () => {
  it('no serious or critical violation on any extension page or /moderate', async () => {
    const tab = await browser.context.newPage();
    await tab.goto(`${site.origin}${SE}`);
    expect(await captureUrl(browser, `${site.origin}${SE}`)).toMatchObject({ ok: true });

    const found: Record<string, string[]> = {};
    for (const name of ['sidepanel.html', 'library.html', 'dashboard.html', 'options.html', 'import.html', 'bulk.html', 'welcome.html']) {
      const page = await browser.context.newPage();
      await page.goto(browser.page(name));
      await page.waitForLoadState('load');
      if (name === 'sidepanel.html') await page.getByTestId('post').first().waitFor();
      await page.waitForTimeout(300);
      found[name] = await serious(page);
      await page.close();
    }
    const moderate = await browser.context.newPage();
    await moderate.goto(`${hub.url}/moderate`);
    await moderate.waitForLoadState('load');
    found['/moderate'] = await serious(moderate);
    await moderate.close();

    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
  });
});
