import robotsParser from 'robots-parser';
import type { ConsentBasisId } from './combine.ts';

/**
 * Machine-readable "do not use for AI / text and data mining" signals. Pure: the caller fetches
 * `/.well-known/tdmrep.json`, `/robots.txt` and the page's headers; these functions only read them.
 */

/** Crawlers that gather AI training data, plus Gleaner's own agent: a robots.txt group for any of them is an opt-out. */
export const AI_AGENTS = ['GPTBot', 'CCBot', 'Google-Extended', 'anthropic-ai', 'ClaudeBot', 'cohere-ai', 'Bytespider', 'PerplexityBot', 'Gleaner'] as const;

export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

export interface OptOutInput {
  url: string;
  /** The body of `/.well-known/tdmrep.json`, as text or already parsed. */
  tdmrep?: string | unknown;
  headers?: HeaderBag;
  doc?: Document;
  robotsTxt?: string;
  now?: Date;
}

/**
 * Fills `opt_out_check {tdmrep, robots_ai, meta, checked_at}`. Each signal is true (an opt-out was
 * found), false (checked, none found) or null (not checked: its input was not given).
 * `tdmrep` covers the TDMRep protocol in all three places it may appear (file, header, meta tag);
 * `meta` covers `noai` robots directives (meta tag or X-Robots-Tag).
 */
export interface OptOutVerdict {
  blocked: boolean;
  reasons: string[];
  /** Signals worth showing that do not block a text entry. */
  notes: string[];
  checkedAt: string;
  tdmrep: boolean | null;
  robotsAi: boolean | null;
  meta: boolean | null;
}

function header(headers: HeaderBag | undefined, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (k.toLowerCase() === want && v !== undefined) return Array.isArray(v) ? v.join(', ') : v;
  }
  return null;
}

/** The page path TDMRep and robots.txt patterns match against: path plus query. */
function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return '/';
  }
}

/** A robots.txt-style path pattern: `*` matches anything, a trailing `$` anchors the end, otherwise a prefix. */
function patternMatches(pattern: string, path: string): boolean {
  let p = pattern.trim();
  if (!p) return false;
  if (!p.startsWith('/') && !p.startsWith('*')) p = `/${p}`;
  const anchored = p.endsWith('$');
  if (anchored) p = p.slice(0, -1);
  const re = p
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${re}${anchored ? '$' : ''}`).test(path);
}

export interface TdmRule {
  location: string;
  reserved: boolean;
  policy: string | null;
}

/**
 * Reads a tdmrep.json body into rules. Anything that is not the documented array of
 * `{location, tdm-reservation, tdm-policy}` objects is an error value, not a guess.
 */
export function parseTdmrep(body: string | unknown): { ok: true; rules: TdmRule[] } | { ok: false; error: string } {
  let data: unknown = body;
  if (typeof body === 'string') {
    try {
      data = JSON.parse(body);
    } catch (e) {
      return { ok: false, error: `tdmrep.json is not valid JSON (${(e as Error).message})` };
    }
  }
  if (!Array.isArray(data)) return { ok: false, error: 'tdmrep.json is not an array of rules' };
  const rules: TdmRule[] = [];
  for (const r of data) {
    if (!r || typeof r !== 'object') continue;
    const o = r as Record<string, unknown>;
    if (typeof o.location !== 'string') continue;
    const res = o['tdm-reservation'];
    rules.push({
      location: o.location,
      reserved: res === 1 || res === '1' || res === true,
      policy: typeof o['tdm-policy'] === 'string' ? (o['tdm-policy'] as string) : null,
    });
  }
  return { ok: true, rules };
}

/**
 * The TDMRep rule for a page, or null when none matches. When several match, the most specific (longest)
 * location wins, as in robots.txt; that is what lets a `/` reservation carry exceptions deeper down.
 */
export function tdmRuleFor(rules: TdmRule[], url: string): TdmRule | null {
  const path = pathOf(url);
  let best: TdmRule | null = null;
  for (const r of rules) {
    if (!patternMatches(r.location, path)) continue;
    if (!best || r.location.length > best.location.length) best = r;
  }
  return best;
}

/** Directives of robots meta tags and X-Robots-Tag values, lower-cased, with any `agent:` prefix dropped. */
function robotsDirectives(values: string[]): Set<string> {
  const out = new Set<string>();
  for (const v of values) {
    for (const part of v.split(',')) {
      const d = part.trim().toLowerCase().replace(/^[\w-]+:\s*(?=\S)/, '');
      if (d) out.add(d);
    }
  }
  return out;
}

/** AI agents that robots.txt names in a group of their own and that group disallows the page. */
export function robotsAiBlocks(robotsTxt: string, url: string): string[] {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return [];
  }
  const robots = robotsParser(`${origin}/robots.txt`, robotsTxt);
  // A "User-agent: *" rule is ordinary crawl control, not an AI opt-out: count only agents named outright.
  const named = new Set(
    Array.from(robotsTxt.matchAll(/^\s*user-agent\s*:\s*([^#\s]+)/gim), (m) => m[1]!.toLowerCase()),
  );
  return AI_AGENTS.filter((a) => named.has(a.toLowerCase()) && robots.isDisallowed(url, a) === true);
}

/** All opt-out signals for one page, from what the caller fetched. */
export function optOutVerdict(input: OptOutInput): OptOutVerdict {
  const reasons: string[] = [];
  const notes: string[] = [];
  const { url, headers, doc } = input;

  let tdmrep: boolean | null = null;
  if (input.tdmrep !== undefined) {
    const parsed = parseTdmrep(input.tdmrep);
    if (!parsed.ok) {
      tdmrep = false;
      notes.push(`${parsed.error}; it was ignored.`);
    } else {
      const rule = tdmRuleFor(parsed.rules, url);
      tdmrep = rule?.reserved ?? false;
      if (rule?.reserved) {
        reasons.push(`The site reserves text and data mining rights for this page in /.well-known/tdmrep.json (rule "${rule.location}"${rule.policy ? `, policy ${rule.policy}` : ''}).`);
      }
    }
  }
  const tdmHeader = header(headers, 'tdm-reservation');
  if (tdmHeader !== null) {
    tdmrep = tdmrep === true || tdmHeader.trim() === '1';
    if (tdmHeader.trim() === '1') reasons.push('The page is served with "tdm-reservation: 1": its publisher reserves text and data mining rights.');
  }
  if (doc) {
    const m = doc.querySelector('meta[name="tdm-reservation" i]')?.getAttribute('content');
    if (tdmrep === null) tdmrep = false;
    if (m?.trim() === '1') {
      tdmrep = true;
      reasons.push('The page has <meta name="tdm-reservation" content="1">: its publisher reserves text and data mining rights.');
    }
  }

  let meta: boolean | null = null;
  const metaValues = doc ? Array.from(doc.querySelectorAll('meta[name="robots" i]'), (m) => m.getAttribute('content') ?? '') : [];
  const xRobots = header(headers, 'x-robots-tag');
  if (doc || xRobots !== null) {
    const fromMeta = robotsDirectives(metaValues);
    const fromHeader = robotsDirectives(xRobots ? [xRobots] : []);
    meta = fromMeta.has('noai') || fromHeader.has('noai');
    if (fromMeta.has('noai')) reasons.push('The page\'s robots meta tag says "noai": its publisher opts out of AI use.');
    if (fromHeader.has('noai')) reasons.push('The page is served with "X-Robots-Tag: noai": its publisher opts out of AI use.');
    // noimageai is about images; entries carry text only, so it is shown but does not block.
    if (fromMeta.has('noimageai') || fromHeader.has('noimageai')) notes.push('The page says "noimageai": its images must not be used for AI. Gleaner entries keep text only.');
  }

  let robotsAi: boolean | null = null;
  if (input.robotsTxt !== undefined) {
    const agents = robotsAiBlocks(input.robotsTxt, url);
    robotsAi = agents.length > 0;
    if (agents.length) reasons.push(`robots.txt disallows this page for AI crawlers: ${agents.join(', ')}.`);
  }

  return { blocked: reasons.length > 0, reasons, notes, checkedAt: (input.now ?? new Date()).toISOString(), tdmrep, robotsAi, meta };
}

/**
 * Whether an opt-out stops an entry on this basis: only the author's own word (self) or their recorded
 * opt-in outweighs the publisher's reservation. Null when it does not stop it.
 */
export function optOutRefusal(verdict: OptOutVerdict, basis: ConsentBasisId): string | null {
  if (!verdict.blocked || basis === 'self' || basis === 'author_opt_in') return null;
  return `This page opts out of AI use: ${verdict.reasons.join(' ')} Gleaner submits it only if you wrote the posts yourself or every author has opted in.`;
}
