import { browser } from 'wxt/browser';
import { captureTab } from '../lib/ext/capture.ts';
import { db } from '../lib/ext/db.ts';
import { submitReady } from '../lib/store/outbox.ts';
import { getSettings, hubConfig } from '../lib/ext/settings.ts';
import { flushOutbox, refreshStates, retryNow } from '../lib/hub/outbox.ts';
import type { Request } from '../lib/ext/messages.ts';
import { notifyChanges } from '../lib/ext/notify.ts';
import { registerBulk } from '../lib/bulk/background.ts';

const MENU_ID = 'gleaner-capture';
const POLL_MINUTES = 5;

export default defineBackground(() => {
  const action = browser.action ?? (browser as unknown as { browserAction: typeof browser.action }).browserAction;

  /** Opens the curate view; must run synchronously inside the user's gesture. */
  function openPanel(tabId: number | undefined) {
    const sp = (browser as unknown as { sidePanel?: { open(o: { tabId: number }): Promise<void> } }).sidePanel;
    const sb = (browser as unknown as { sidebarAction?: { open(): Promise<void> } }).sidebarAction;
    if (sp && tabId !== undefined) sp.open({ tabId }).catch(() => {});
    else sb?.open().catch(() => {});
  }

  async function flush() {
    const cfg = hubConfig(await getSettings());
    const report = await flushOutbox(db(), cfg);
    if (report.nextAttemptAt) await browser.alarms.create('outbox-retry', { when: Math.max(report.nextAttemptAt, Date.now() + 30_000) });
    return report;
  }

  async function refresh() {
    const cfg = hubConfig(await getSettings());
    if (!cfg) return 0;
    const { statesEtag } = (await browser.storage.local.get('statesEtag')) as { statesEtag?: string | null };
    const { changes, etag } = await refreshStates(db(), cfg, { etag: statesEtag ?? null });
    await browser.storage.local.set({ statesEtag: etag });
    await notifyChanges(changes);
    return changes.length;
  }

  browser.runtime.onInstalled.addListener((details) => {
    browser.contextMenus.create({ id: MENU_ID, title: 'Capture this thread with Gleaner', contexts: ['page', 'selection', 'link'] });
    // A fresh install walks through pairing and a first capture; updates and reloads never open it.
    // The test build opens it behind: a tab brought forward in the window of the page under test stops that
    // page's frames (requestAnimationFrame), which would skew every timing and scroll-driven test.
    if (details?.reason === 'install') void browser.tabs.create({ url: browser.runtime.getURL('/welcome.html'), active: !import.meta.env.E2E });
  });
  browser.alarms.create('outbox-poll', { periodInMinutes: POLL_MINUTES });

  action.onClicked.addListener((tab) => {
    openPanel(tab.id);
    if (tab.id !== undefined) void captureTab(tab.id);
  });
  browser.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId !== MENU_ID || tab?.id === undefined) return;
    openPanel(tab.id);
    void captureTab(tab.id);
  });
  browser.commands.onCommand.addListener((command, tab) => {
    if (command !== 'capture-thread' || tab?.id === undefined) return;
    openPanel(tab.id);
    void captureTab(tab.id);
  });

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === 'outbox-retry') void flush();
    if (alarm.name === 'outbox-poll') void flush().then(refresh).catch(() => {});
  });

  browser.runtime.onMessage.addListener((msg: unknown) => {
    const req = msg as Request;
    switch (req.type) {
      case 'capture':
        return (async () => {
          const tabId = req.tabId ?? (await browser.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id;
          if (tabId === undefined) return { ok: false, code: 'no-tab', canFallback: false, error: 'No tab to capture.' };
          return captureTab(tabId, req.fallback, req.wholeThread);
        })();
      case 'capture-progress':
        return browser.storage.local.set({ captureProgress: { tabId: null, page: req.page, posts: req.posts, at: new Date().toISOString(), done: false } });
      case 'flush':
        return flush();
      case 'submit-ready':
        return submitReady(db()).then(flush);
      case 'retry-now':
        return retryNow(db()).then(flush);
      case 'refresh-states':
        return refresh().catch((e: Error) => ({ error: e.message }));
      default:
        return undefined;
    }
  });

  registerBulk();
  void flush().catch(() => {});
  // Test and automation hook: the same functions the toolbar button and the pages call.
  (globalThis as { gleaner?: unknown }).gleaner = { captureTab, flush, refresh };
});
