import type { Thread } from '../model/thread.ts';

export interface Domain {
  hobby: string | null;
  subject: string | null;
  externalIds: Record<string, string>;
}

/**
 * What a thread's address says about its subject. BoardGameGeek forums hang off a game page
 * (`/boardgame/342942/ark-nova/forums`), so its id is the game's BGG id; a thread address gives the thread id.
 */
export function domainFromThread(thread: Pick<Thread, 'url' | 'platform'>): Domain {
  const ids: Record<string, string> = {};
  let hobby: string | null = null;
  let host = '';
  try {
    host = new URL(thread.url).hostname.replace(/^www\./, '');
  } catch {
    /* a thread imported from a file has no web address */
  }
  if (host === 'boardgamegeek.com' || thread.platform === 'boardgamegeek') {
    hobby = 'board games';
    const game = /\/(?:boardgame|boardgameexpansion)\/(\d+)/.exec(thread.url);
    if (game) ids.bgg = game[1]!;
    const t = /\/thread\/(\d+)/.exec(thread.url) ?? /[?&]id=(\d+)/.exec(/\/xmlapi2?\/thread\b/.test(thread.url) ? thread.url : '');
    if (t) ids.bggThread = t[1]!;
  }
  return { hobby, subject: null, externalIds: ids };
}

/** "bgg=342942, bggThread=3208373" ⇄ record: how the editor lets a person type ids. */
export function parseExternalIds(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/[,;\n]/)) {
    const m = /^\s*([A-Za-z][\w.-]*)\s*[=:]\s*(\S+)\s*$/.exec(part);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

export function formatExternalIds(ids: Record<string, string>): string {
  return Object.entries(ids)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

const norm = (s: string) => s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/**
 * Names the page offers for the entry's subject and hobby, from the forum's trail above the thread:
 * subjects most specific first (the board the thread is in), hobbies broadest first. The thread's own
 * title is not a place, and the trail's first crumb is the site's home when it links to the site's root
 * or opens a trail of three or more. Suggestions only: the contributor chooses.
 */
export function domainSuggestions(thread: Pick<Thread, 'title' | 'breadcrumbs'>): { subjects: string[]; hobbies: string[] } {
  const title = norm(thread.title);
  let trail = (thread.breadcrumbs ?? []).filter((c) => norm(c.name) && norm(c.name) !== title);
  const root = (url: string | null) => {
    try {
      return !!url && /^\/?(index\.(php|html?))?$/.test(new URL(url).pathname);
    } catch {
      return false;
    }
  };
  if (trail.length >= 3 || (trail.length >= 2 && root(trail[0]!.url))) trail = trail.slice(1);
  const names = [...new Set(trail.map((c) => c.name))];
  return { subjects: [...names].reverse(), hobbies: names };
}
