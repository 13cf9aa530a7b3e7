import { extractThread, ExtractError } from '../extract/index.ts';
import { discourseMissingPostIds } from '../extract/discourse.ts';
import { mergePages } from '../extract/merge.ts';
import { threadForSelection } from '../extract/selection.ts';
import { optOutVerdict } from '../license/optout.ts';
import type { Thread } from '../model/thread.ts';
import type { PageExtract } from './messages.ts';

/**
 * Runs inside the captured tab. Every request it makes is same-origin with the page (the forum's own
 * API, robots.txt, TDMRep file, further pages), so it needs no host permission beyond activeTab.
 */

const parseHtml = (html: string) => new DOMParser().parseFromString(html, 'text/html');
const TIMEOUT_MS = 10_000;

async function get(path: string, accept = '*/*'): Promise<Response | null> {
  try {
    return await fetch(new URL(path, location.href), { credentials: 'include', headers: { accept }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    return null;
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Discourse's HTML holds only the posts loaded so far; its `/t/ID.json` API has them all (20 per
 * response, the rest by id). Returns null when the API is not reachable, and the page's own posts stand.
 */
async function discourseFromApi(thread: Thread): Promise<Thread | null> {
  const id = /\/t\/(?:[^/]+\/)?(\d+)/.exec(thread.url)?.[1];
  if (!id) return null;
  const res = await get(`/t/${id}.json`, 'application/json');
  if (!res?.ok) return null;
  const topic = (await res.json().catch(() => null)) as { post_stream?: { posts?: { post_number: number }[] } } | null;
  if (!topic?.post_stream?.posts) return null;
  const missing = discourseMissingPostIds(topic);
  for (let i = 0; i < missing.length && i < 5000; i += 20) {
    await pause(250);
    const q = missing.slice(i, i + 20).map((n) => `post_ids[]=${n}`).join('&');
    const more = await get(`/t/${id}/posts.json?${q}`, 'application/json');
    const body = more?.ok ? ((await more.json().catch(() => null)) as { post_stream?: { posts?: { post_number: number }[] } } | null) : null;
    if (!body?.post_stream?.posts) break;
    topic.post_stream.posts.push(...body.post_stream.posts);
  }
  topic.post_stream.posts.sort((a, b) => a.post_number - b.post_number);
  try {
    return extractThread({ kind: 'json', data: topic, url: location.href, parseHtml });
  } catch {
    return null;
  }
}

async function textOrEmpty(path: string): Promise<string | undefined> {
  const res = await get(path);
  if (!res) return undefined; // unreachable: not checked
  if (res.status === 404 || res.status === 410) return ''; // checked: no such file
  return res.ok ? res.text() : undefined;
}

/** A Discourse forum's terms page, whose grant decides its posts' licence (stock terms: CC BY-NC-SA 3.0). */
async function discourseTerms(): Promise<Thread['terms']> {
  const res = await get('/tos', 'text/html');
  if (!res?.ok) return undefined;
  // Parsed, not rendered: the crawler copy inside <noscript> is readable text here.
  const text = (parseHtml(await res.text()).body?.textContent ?? '').replace(/[ \t]+/g, ' ').slice(0, 200_000);
  return text.trim() ? { url: new URL('/tos', location.href).toString(), text } : undefined;
}

/** The publisher's AI/TDM opt-out signals for this page, read once at capture. */
export async function pageOptOut(): Promise<Thread['optOut']> {
  const [tdmrepText, robotsTxt, head] = await Promise.all([textOrEmpty('/.well-known/tdmrep.json'), textOrEmpty('/robots.txt'), get(location.href)]);
  const v = optOutVerdict({
    url: location.href,
    tdmrep: tdmrepText === undefined ? undefined : tdmrepText || '[]',
    robotsTxt,
    headers: head?.headers,
    doc: document,
  });
  return { blocked: v.blocked, reasons: v.reasons, notes: v.notes, checkedAt: v.checkedAt, tdmrep: v.tdmrep, robotsAi: v.robotsAi, meta: v.meta };
}

function failure(e: unknown): PageExtract {
  if (e instanceof ExtractError) return { ok: false, error: e.message, code: e.code };
  return { ok: false, error: `Reading this page failed: ${(e as Error).message}`, code: 'unreadable' };
}

/** With text selected, only the posts the selection touches (null when it touches none we can place). */
function selectedPosts(thread: Thread): Thread | null {
  const sel = document.getSelection();
  if (!sel || sel.isCollapsed || !sel.rangeCount) return null;
  const only = threadForSelection(thread, document, sel.getRangeAt(0));
  return only ? { ...only, pagination: undefined } : null;
}

export async function extractLivePage(fallback: boolean): Promise<PageExtract> {
  try {
    let thread = extractThread({ kind: 'html', doc: document, url: location.href, parseHtml }, { fallback, capturedAt: new Date().toISOString() });
    const selected = fallback ? null : selectedPosts(thread);
    if (selected) thread = selected;
    else if (thread.platform === 'discourse') thread = (await discourseFromApi(thread)) ?? thread;
    const terms = thread.platform === 'discourse' ? await discourseTerms() : undefined;
    thread = { ...thread, capturedAt: new Date().toISOString(), language: thread.language ?? (document.documentElement.lang || undefined), optOut: await pageOptOut(), ...(terms ? { terms } : {}) };
    return { ok: true, thread };
  } catch (e) {
    return failure(e);
  }
}

export const MAX_PAGES = 200;
export const PAGE_DELAY_MS = 1000;

/**
 * "Capture whole thread": follows the thread's next-page links from this page, one request a second,
 * reporting progress, and merges the pages in order without duplicates.
 */
export async function extractAllPages(report: (page: number, posts: number) => void): Promise<PageExtract> {
  const first = await extractLivePage(false);
  if (!first.ok) return first;
  const pages: Thread[] = [first.thread];
  const seen = new Set([location.href]);
  let next = first.thread.pagination?.nextUrl ?? null;
  report(1, first.thread.posts.length);
  while (next && pages.length < MAX_PAGES && !seen.has(next)) {
    if (new URL(next).origin !== location.origin) break;
    seen.add(next);
    await pause(PAGE_DELAY_MS);
    const res = await get(next, 'text/html');
    if (!res?.ok) return { ok: false, code: 'unreadable', error: `Page ${pages.length + 1} of the thread could not be fetched (${res ? `HTTP ${res.status}` : 'no answer'}). The ${pages.length} page(s) read so far were not saved; try again later.` };
    try {
      const t = extractThread({ kind: 'html', doc: parseHtml(await res.text()), url: next, parseHtml });
      pages.push(t);
      report(pages.length, pages.reduce((n, p) => n + p.posts.length, 0));
      next = t.pagination?.nextUrl ?? null;
    } catch (e) {
      return failure(e);
    }
  }
  return { ok: true, thread: { ...mergePages(pages), optOut: first.thread.optOut, capturedAt: first.thread.capturedAt, language: first.thread.language } };
}
