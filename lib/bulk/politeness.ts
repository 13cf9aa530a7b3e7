import robotsParser from 'robots-parser';
import { robotsAiBlocks } from '../license/optout.ts';

/** The agent Gleaner's bulk capture answers to in robots.txt (the `*` group applies when it is not named). */
export const BULK_AGENT = 'Gleaner';
const MAX_BACKOFF_MS = 15 * 60_000;

/**
 * Retry-After is either seconds or an HTTP date; both become a wait in ms (null when absent or
 * unreadable, so the caller falls back to its own backoff).
 */
export function retryAfterMs(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so many clients that
 * failed together do not come back together. The server's Retry-After wins when it asks for longer.
 */
export function backoffMs(attempt: number, baseMs: number, random: () => number, retryAfter: number | null = null): number {
  const step = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = step / 2 + random() * (step / 2);
  return Math.max(jittered, retryAfter ?? 0);
}

/** Statuses worth trying again later: the site is busy or briefly down, not refusing. */
export function isTransient(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/**
 * Why robots.txt rules a URL out for bulk capture, or null when it may be fetched. Both ordinary crawl
 * rules for Gleaner (or `*`) and groups that opt AI crawlers out (lib/license/optout) count.
 * A site without robots.txt (`text` null) allows everything, as RFC 9309 says.
 */
export function robotsRefusal(text: string | null, url: string): string | null {
  if (text === null) return null;
  const u = new URL(url);
  const robots = robotsParser(`${u.origin}/robots.txt`, text);
  if (robots.isDisallowed(url, BULK_AGENT) === true) {
    const line = robots.getMatchingLineNumber(url, BULK_AGENT);
    return `robots.txt disallows ${u.pathname}${u.search} for crawlers like Gleaner${line > 0 ? ` (line ${line})` : ''}: skipped.`;
  }
  const ai = robotsAiBlocks(text, url);
  if (ai.length) return `robots.txt opts this page out of AI crawling (${ai.join(', ')}): skipped.`;
  return null;
}
