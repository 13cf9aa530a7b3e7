import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// Runs inside the extension service worker, where `chrome` exists.
declare const chrome: { tabs: { query(q: object): Promise<{ id?: number; url?: string }[]> } };

const ROOT = resolve(import.meta.dirname, '../../..');
export const E2E_BUILD = join(process.env.GLEANER_E2E_DIR ?? join(ROOT, '.output-e2e'), 'chrome-mv3');
export const PROD_BUILD = join(ROOT, '.output/chrome-mv3');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Browser {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  profile: string;
  page(path: string): string;
  close(): Promise<void>;
}

/** Debian's Chromium with the built extension loaded, on a profile folder that can be reopened. */
export async function launchWithExtension(dir = E2E_BUILD, profile = mkdtempSync(join(tmpdir(), 'gleaner-profile-'))): Promise<Browser> {
  if (!existsSync(join(dir, 'manifest.json'))) throw new Error(`No built extension in ${dir}: run "npm run build:e2e" (and "npm run build") first.`);
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 900, height: 1100 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--disable-extensions-except=${dir}`, `--load-extension=${dir}`],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    worker,
    extensionId,
    profile,
    page: (path: string) => `chrome-extension://${extensionId}/${path}`,
    close: () => context.close(),
  };
}

/** Captures the tab showing `url` through the background's own capture function (what the toolbar button calls). */
export async function captureUrl(b: Browser, url: string, fallback = false): Promise<{ ok: boolean; error?: string; threadId?: string }> {
  const worker = b.context.serviceWorkers()[0] ?? b.worker;
  return worker.evaluate(
    async ({ url, fallback }) => {
      const tabs = await chrome.tabs.query({});
      const tab = tabs.find((t) => t.url === url);
      if (!tab?.id) throw new Error(`no tab with ${url}: ${tabs.map((t) => t.url).join(', ')}`);
      return (globalThis as unknown as { gleaner: { captureTab(id: number, f: boolean): Promise<{ ok: boolean }> } }).gleaner.captureTab(tab.id, fallback);
    },
    { url, fallback },
  );
}

/**
 * Saves the hub address and token on the extension's options page, as a contributor does, and waits for
 * "Saved". The page is returned open when the caller goes on with it (identities), else closed.
 */
export async function connectHub(b: Browser, hubUrl: string, token: string, opts: { displayName?: string; singleKeys?: boolean; keepOpen?: boolean } = {}): Promise<Page | null> {
  const page = await b.context.newPage();
  await page.goto(b.page('options.html'));
  await page.getByTestId('hub-url').fill(hubUrl);
  await page.getByTestId('hub-token').fill(token);
  if (opts.displayName !== undefined) await page.getByTestId('display-name').fill(opts.displayName);
  if (opts.singleKeys !== undefined) await page.getByTestId('single-keys').setChecked(opts.singleKeys);
  await page.getByTestId('save').click();
  await page.getByTestId('options-status').filter({ hasText: 'Saved' }).waitFor();
  if (opts.keepOpen) return page;
  await page.close();
  return null;
}
