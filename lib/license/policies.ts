import { ccTextToSpdx, ccUrlToSpdx } from './cc.ts';

/**
 * What each site's own terms say about reusing its users' posts, kept as data so a change in a site's
 * terms is a one-row edit with its evidence URL. `{origin}` in a URL is the thread's origin: the terms
 * of a self-hosted engine live on each forum.
 */
export type PolicyRule =
  /** The licence depends on when the post was written (UTC); `before` is exclusive, null is open-ended. */
  | { kind: 'dated'; periods: Array<{ before: string | null; license: string }> }
  /** The licence is whatever the forum's own terms page grants: read it with `licenseFromTosText`. */
  | { kind: 'tos' }
  /** The terms grant third parties no open licence: usable only on the author's own word or opt-in. */
  | { kind: 'none'; why: string };

export interface SitePolicy {
  id: string;
  name: string;
  /** `Thread.platform` values this row covers. */
  platforms: string[];
  /** Hostnames this row covers even when the thread came through another adapter (fallback, import). */
  hosts: RegExp | null;
  rule: PolicyRule;
  /** Where the terms live. */
  evidenceUrl: string | null;
}

const NO_GRANT = (who: string) => `${who} grants no open licence to third parties`;

export const SITE_POLICIES: SitePolicy[] = [
  {
    id: 'stackexchange',
    name: 'Stack Exchange',
    platforms: ['stackexchange', 'stackoverflow'],
    hosts: /(^|\.)(stackoverflow\.com|stackexchange\.com|superuser\.com|serverfault\.com|askubuntu\.com|mathoverflow\.net|stackapps\.com)$/i,
    rule: {
      kind: 'dated',
      periods: [
        { before: '2011-04-08T00:00:00Z', license: 'CC-BY-SA-2.5' },
        { before: '2018-05-02T00:00:00Z', license: 'CC-BY-SA-3.0' },
        { before: null, license: 'CC-BY-SA-4.0' },
      ],
    },
    evidenceUrl: 'https://stackoverflow.com/help/licensing',
  },
  { id: 'discourse', name: 'Discourse forum', platforms: ['discourse'], hosts: null, rule: { kind: 'tos' }, evidenceUrl: '{origin}/tos' },
  {
    id: 'reddit',
    name: 'Reddit',
    platforms: ['reddit'],
    hosts: /(^|\.)(reddit\.com|redd\.it)$/i,
    rule: { kind: 'none', why: NO_GRANT("reddit's user agreement") },
    evidenceUrl: 'https://www.redditinc.com/policies/user-agreement',
  },
  {
    id: 'discord',
    name: 'Discord',
    platforms: ['discord'],
    hosts: /(^|\.)(discord\.com|discordapp\.com|discord\.gg)$/i,
    rule: { kind: 'none', why: NO_GRANT("Discord's terms of service") },
    evidenceUrl: 'https://discord.com/terms',
  },
  {
    id: 'slack',
    name: 'Slack',
    platforms: ['slack'],
    hosts: /(^|\.)slack\.com$/i,
    rule: { kind: 'none', why: `${NO_GRANT("Slack's terms of service")}; workspace messages belong to their writers and the workspace owner` },
    evidenceUrl: 'https://slack.com/terms-of-service',
  },
  {
    id: 'telegram',
    name: 'Telegram',
    platforms: ['telegram'],
    hosts: /(^|\.)(telegram\.org|t\.me)$/i,
    rule: { kind: 'none', why: NO_GRANT("Telegram's terms of service") },
    evidenceUrl: 'https://telegram.org/tos',
  },
  {
    id: 'whatsapp',
    name: 'WhatsApp',
    platforms: ['whatsapp'],
    hosts: /(^|\.)whatsapp\.com$/i,
    rule: { kind: 'none', why: `${NO_GRANT("WhatsApp's terms of service")}; chats are private correspondence` },
    evidenceUrl: 'https://www.whatsapp.com/legal/terms-of-service',
  },
  {
    id: 'boardgamegeek',
    name: 'BoardGameGeek',
    platforms: ['bgg', 'boardgamegeek'],
    hosts: /(^|\.)boardgamegeek\.com$/i,
    rule: { kind: 'none', why: NO_GRANT("BoardGameGeek's terms of service") },
    evidenceUrl: 'https://boardgamegeek.com/terms',
  },
  {
    id: 'hackernews',
    name: 'Hacker News',
    platforms: ['hackernews'],
    hosts: /(^|\.)news\.ycombinator\.com$/i,
    rule: { kind: 'none', why: NO_GRANT("Hacker News's terms of use") },
    evidenceUrl: 'https://www.ycombinator.com/legal/',
  },
  {
    id: 'phpbb',
    name: 'phpBB forum',
    platforms: ['phpbb'],
    hosts: null,
    rule: { kind: 'none', why: `${NO_GRANT("phpBB's stock terms of use")} and this page declares none` },
    evidenceUrl: '{origin}/ucp.php?mode=terms',
  },
  {
    id: 'vbulletin',
    name: 'vBulletin forum',
    platforms: ['vbulletin'],
    hosts: null,
    rule: { kind: 'none', why: `a vBulletin forum's rules grant no open licence unless the forum says so, and this page declares none` },
    evidenceUrl: '{origin}/faq.php',
  },
  {
    id: 'xenforo',
    name: 'XenForo forum',
    platforms: ['xenforo'],
    hosts: null,
    rule: { kind: 'none', why: `${NO_GRANT("XenForo's stock terms and rules")} and this page declares none` },
    evidenceUrl: '{origin}/help/terms/',
  },
  {
    id: 'smf',
    name: 'SMF forum',
    platforms: ['smf'],
    hosts: null,
    rule: { kind: 'none', why: `${NO_GRANT("SMF's stock registration agreement")} and this page declares none` },
    evidenceUrl: '{origin}/index.php?action=agreement',
  },
  {
    id: 'forumotion',
    name: 'Forumotion forum',
    platforms: ['forumotion'],
    hosts: /(^|\.)(forumotion\.com|forumieren\.com|forumactif\.com|forumfree\.it)$/i,
    rule: { kind: 'none', why: `${NO_GRANT("Forumotion's terms of use")} and this page declares none` },
    evidenceUrl: 'https://www.forumotion.com/terms-of-use',
  },
  {
    id: 'forum',
    name: 'web forum',
    platforms: ['forum', 'mybb', 'ipb', 'invision', 'fluxbb', 'punbb', 'nodebb', 'vanilla'],
    hosts: null,
    rule: { kind: 'none', why: 'forum posts stay their authors\' property unless the forum grants a licence, and this page declares none' },
    evidenceUrl: null,
  },
];

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** The policy row for a thread: by its platform first, then by its host. */
export function policyFor(platform: string, url: string): SitePolicy | null {
  const p = platform.toLowerCase();
  const byPlatform = SITE_POLICIES.find((s) => s.platforms.includes(p));
  if (byPlatform) return byPlatform;
  const host = hostOf(url);
  return SITE_POLICIES.find((s) => s.hosts?.test(host)) ?? null;
}

/** A policy's evidence URL with `{origin}` filled from the thread's URL. */
export function evidenceUrlFor(policy: SitePolicy, threadUrl: string): string | null {
  if (!policy.evidenceUrl) return null;
  if (!policy.evidenceUrl.includes('{origin}')) return policy.evidenceUrl;
  try {
    return policy.evidenceUrl.replace('{origin}', new URL(threadUrl).origin);
  } catch {
    return null;
  }
}

/**
 * The licence in force at an instant for a dated policy. Times without an offset are read as UTC:
 * Stack Exchange shows its times in UTC. Null when the date is missing or unreadable.
 */
export function datedLicense(periods: Array<{ before: string | null; license: string }>, at: string | null): string | null {
  if (!at) return null;
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(at) || !/T|\d\d:\d\d/.test(at) ? at : `${at.replace(' ', 'T')}Z`;
  const t = Date.parse(/^\d{4}-\d\d-\d\d$/.test(iso) ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(t)) return null;
  for (const p of periods) if (p.before === null || t < Date.parse(p.before)) return p.license;
  return null;
}

export interface TosLicense {
  license: string | null;
  evidence: string;
}

/**
 * The licence a forum's terms of service grant to its users' posts. Recognises the stock Discourse
 * wording ("User contributions are licensed under a Creative Commons Attribution-NonCommercial-
 * ShareAlike 3.0 Unported License") and other CC grants, but not the licence of the terms document
 * itself ("This document is CC-BY-SA"), which says nothing about the posts.
 */
export function licenseFromTosText(text: string): TosLicense {
  // Headings and paragraphs end a sentence too: terms pages are mostly Markdown or HTML text.
  const sentences = text
    .split(/\n\s*\n|\n(?=\s*#)|(?<=\n\s*#[^\n]*)\n/)
    .flatMap((para) => para.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+(?=[A-Z#\d])/));
  const aboutDocument = /\b(this|these) (document|terms|policy|agreement|page)\b|\badapted from\b/i;
  const aboutPosts = /\b(user|member)s?['’]? (contributions?|content|posts?|submissions?)\b|\b(contributions?|posts?|content) (you|users|members) (submit|post|make|contribute)|\byou (license|licence|grant)\b/i;
  const candidates: Array<{ id: string; sentence: string; score: number }> = [];
  for (const s of sentences) {
    if (aboutDocument.test(s) && !aboutPosts.test(s)) continue;
    const urls = Array.from(s.matchAll(/https?:\/\/(?:www\.)?creativecommons\.org\/[^\s)"'\]]+/gi), (m) => ccUrlToSpdx(m[0])?.id).filter(Boolean) as string[];
    const named = ccTextToSpdx(s).map((m) => m.id);
    for (const id of [...named, ...urls]) candidates.push({ id, sentence: s.trim(), score: aboutPosts.test(s) ? 2 : 1 });
  }
  if (!candidates.length) {
    return { license: null, evidence: 'the terms of service name no Creative Commons licence for users\' posts' };
  }
  candidates.sort((a, b) => b.score - a.score);
  const best = candidates[0]!;
  const others = new Set(candidates.filter((c) => c.score === best.score && c.id !== best.id).map((c) => c.id));
  if (others.size) {
    return { license: null, evidence: `the terms of service name more than one licence for posts (${[best.id, ...others].join(', ')}); read them and decide by hand` };
  }
  return { license: best.id, evidence: `terms of service: "${best.sentence.slice(0, 240)}"` };
}
