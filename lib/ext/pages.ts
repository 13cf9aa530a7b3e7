import { browser } from 'wxt/browser';

/** Addresses of the extension's own pages, so every link to the curate view is built the same way. */
export function curateThreadHref(threadId: string, jobId: string | null = null): string {
  return `${browser.runtime.getURL('/sidepanel.html')}?tab=1&thread=${encodeURIComponent(threadId)}${jobId ? `&job=${encodeURIComponent(jobId)}` : ''}`;
}

export function curateEntryHref(entryId: string): string {
  return `${browser.runtime.getURL('/sidepanel.html')}?tab=1&entry=${encodeURIComponent(entryId)}`;
}

export function dashboardHref(entryId?: string): string {
  return `${browser.runtime.getURL('/dashboard.html')}${entryId ? `#entry-${entryId}` : ''}`;
}

export function libraryHref(jobId?: string | null): string {
  return `${browser.runtime.getURL('/library.html')}${jobId ? `?job=${encodeURIComponent(jobId)}` : ''}`;
}
