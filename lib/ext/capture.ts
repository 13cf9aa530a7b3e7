import { browser } from 'wxt/browser';
import { saveThread } from '../store/threads.ts';
import { db } from './db.ts';
import type { CaptureOutcome, LastCapture, PageExtract } from './messages.ts';

/** Pages no extension may script (browser UI, stores): say so instead of failing obscurely. */
function unscriptable(url: string | undefined): boolean {
  return !url || !/^https?:|^file:/.test(url) || /^https:\/\/(chrome\.google\.com\/webstore|chromewebstore\.google\.com|addons\.mozilla\.org)/.test(url);
}

/**
 * Injects the extractor into the tab (activeTab grants it after a user gesture), stores the thread,
 * and records the outcome for the side panel.
 */
export async function captureTab(tabId: number, fallback = false, wholeThread = false): Promise<CaptureOutcome> {
  const tab = await browser.tabs.get(tabId);
  let outcome: CaptureOutcome;
  if (unscriptable(tab.url)) {
    outcome = { ok: false, code: 'unscriptable', canFallback: false, error: 'Gleaner cannot read this kind of page (browser pages and extension stores are off limits). Open the forum thread itself and capture again.' };
  } else {
    try {
      const file = fallback ? '/extract-article.js' : wholeThread ? '/extract-all-pages.js' : '/extract-thread.js';
      if (wholeThread) await browser.storage.local.set({ captureProgress: { tabId, page: 0, posts: 0, at: new Date().toISOString(), done: false } });
      const [res] = await browser.scripting.executeScript({ target: { tabId }, files: [file] });
      const page = res?.result as PageExtract | undefined;
      if (!page) outcome = { ok: false, code: 'unreadable', canFallback: false, error: 'The page did not answer. Reload it and capture again.' };
      else if (!page.ok) outcome = { ok: false, code: page.code, error: page.error, canFallback: !fallback && page.code === 'no-thread' };
      else {
        const row = await saveThread(db(), page.thread);
        outcome = {
          ok: true,
          threadId: row.id,
          posts: row.thread.posts.length,
          nextUrl: wholeThread ? null : (page.thread.pagination?.nextUrl ?? null),
          optOut: page.thread.optOut?.blocked ? page.thread.optOut.reasons : undefined,
        };
      }
    } catch (e) {
      outcome = { ok: false, code: 'permission', canFallback: false, error: `Gleaner was not allowed to read this tab (${(e as Error).message}). Click the Gleaner toolbar button on the page to give it access, then try again.` };
    }
  }
  const last: LastCapture = { at: new Date().toISOString(), tabId, url: tab.url ?? null, outcome };
  await browser.storage.local.set({ lastCapture: last });
  if (wholeThread) await browser.storage.local.remove('captureProgress');
  return outcome;
}
