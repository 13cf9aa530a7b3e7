import { browser } from 'wxt/browser';
import type { Thread } from '../model/thread.ts';
import type { BulkRequest } from '../bulk/messages.ts';

/** The typed contract between extension pages and the background. */
export type Request =
  | { type: 'capture'; tabId?: number; fallback?: boolean; wholeThread?: boolean }
  | { type: 'capture-progress'; page: number; posts: number }
  | { type: 'flush' }
  | { type: 'retry-now' }
  | { type: 'submit-ready' }
  | { type: 'refresh-states' }
  | BulkRequest;

export type CaptureOutcome =
  | { ok: true; threadId: string; posts: number; nextUrl?: string | null; optOut?: string[] }
  | { ok: false; error: string; code: string; canFallback: boolean };

/** What the injected extractor hands back from the page. */
export type PageExtract = { ok: true; thread: Thread } | { ok: false; error: string; code: string };

/** The last capture, kept in storage.local so the side panel shows it even when opened afterwards. */
export interface LastCapture {
  at: string;
  tabId: number | null;
  url: string | null;
  outcome: CaptureOutcome;
}

export async function send<T = unknown>(req: Request): Promise<T> {
  return (await browser.runtime.sendMessage(req)) as T;
}

/** Progress of a "capture whole thread" run, for the side panel. */
export interface CaptureProgress {
  tabId: number | null;
  page: number;
  posts: number;
  at: string;
  done: boolean;
}
