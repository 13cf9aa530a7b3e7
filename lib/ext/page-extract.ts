import { extractThread, ExtractError } from '../extract/index.ts';
import type { PageExtract } from './messages.ts';

/** Runs inside the captured tab: the live document in, a plain-data result out (it crosses to the background). */
export function extractLivePage(fallback: boolean): PageExtract {
  const parseHtml = (html: string) => new DOMParser().parseFromString(html, 'text/html');
  try {
    const thread = extractThread({ kind: 'html', doc: document, url: location.href, parseHtml }, { fallback, capturedAt: new Date().toISOString() });
    return { ok: true, thread: { ...thread, language: thread.language ?? (document.documentElement.lang || undefined) } };
  } catch (e) {
    if (e instanceof ExtractError) return { ok: false, error: e.message, code: e.code };
    return { ok: false, error: `Reading this page failed: ${(e as Error).message}`, code: 'unreadable' };
  }
}
