import puppeteer, { type Browser as PBrowser, type Page } from 'puppeteer-core';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
export const FIREFOX_E2E_BUILD = join(process.env.GLEANER_E2E_DIR ?? join(ROOT, '.output-e2e'), 'firefox-mv2');
export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const GECKO_ID = 'gleaner@gleaner.invalid';
/** Pinned so extension pages have a known moz-extension:// origin. */
const UUID = '6c1e2f0a-7b7e-4d0c-9b9f-2f5d1f1f0a11';

export interface FirefoxSession {
  browser: PBrowser;
  page(path: string): string;
  /** Opens an extension page: Firefox sends no load events there, so navigate through BiDi. */
  open(path: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launchFirefox(dir = FIREFOX_E2E_BUILD): Promise<FirefoxSession> {
  if (!existsSync(join(dir, 'manifest.json'))) throw new Error(`No built extension in ${dir}: run "npm run build:e2e" first.`);
  if (!existsSync(FIREFOX)) throw new Error(`Firefox ESR not found at ${FIREFOX}: apt-get install -y firefox-esr`);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: UUID }) },
  });
  await browser.installExtension(dir);
  const page = (path: string) => `moz-extension://${UUID}/${path}`;
  return {
    browser,
    page,
    async open(path: string) {
      const p = await browser.newPage();
      const ctx = (p.mainFrame() as unknown as { browsingContext: { navigate(url: string, wait: string): Promise<unknown> } }).browsingContext;
      await ctx.navigate(page(path), 'complete');
      return p;
    },
    close: () => browser.close(),
  };
}
