import { browser } from 'wxt/browser';
import { extractAllPages } from '../lib/ext/page-extract.ts';

/** Injected on demand for "capture whole thread": reads every page of the thread from this tab. */
export default defineUnlistedScript(() =>
  extractAllPages((page, posts) => void browser.runtime.sendMessage({ type: 'capture-progress', page, posts }).catch(() => {})),
);
