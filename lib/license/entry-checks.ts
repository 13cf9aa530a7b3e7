import { remembered } from '../remembered.ts';
import parseSpdx from 'spdx-expression-parse';
import type { Entry } from '../model/entry.ts';
import { effectiveLicense } from './combine.ts';
import { attestationProblems } from './attestation-checks.ts';
import { authorsWithoutPermission, missingPermissionMessage, sameAuthor } from './permissions.ts';

/**
 * The checks the hub runs on every entry it is sent, with the same licence rules the curate view uses
 * (`effectiveLicense`): a well-formed entry is not yet a truthful one. Each problem names the field and
 * says what is wrong in words the contributor can act on.
 */
export interface EntryProblem {
  field: string;
  message: string;
}

/** Schemes of the sources Gleaner itself makes: web pages, and conversations read from an archive file. */
const SOURCE_SCHEMES = new Set(['http:', 'https:', 'irc-log:', 'whatsapp:', 'mbox:', 'slack:', 'discord-html:', 'telegram:', 'mattermost:', 'matrix:', 'discord:']);

/** How far ahead of the hub's clock a time may be (clocks drift); anything later is a claim about the future. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface EntryCheckOptions {
  now: Date;
  /**
   * The communities (host, or host and path) the submitting account is registered as a moderator of, from
   * the hub's own records (`hub/vouch.ts`). An attestation is accepted only for sources inside them; absent,
   * no attestation is accepted.
   */
  vouchedCommunities?: readonly string[];
}

// The hub sees the same few licence expressions and language tags on entry after entry, and parsing
// them again was a visible part of each submission's checks (CPU profile of `npm run bench -- hub-load`).
const CHECKS_REMEMBERED = 1000;

const spdxProblem = remembered((expr) => {
  try {
    parseSpdx(expr);
    return null;
  } catch {
    return `"${expr}" is not a valid SPDX licence expression`;
  }
}, CHECKS_REMEMBERED);

function instantProblem(value: string, now: Date): string | null {
  // An instant is a full date and time; Date.parse alone accepts "5" or "2020".
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value)) return `"${value}" is not a date and time (ISO 8601)`;
  const t = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`);
  if (!Number.isFinite(t)) return `"${value}" is not a real date and time`;
  // A local time (no offset) may be up to 14 hours ahead of UTC.
  const slack = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? CLOCK_SKEW_MS : CLOCK_SKEW_MS + 14 * 3600_000;
  if (t > now.getTime() + slack) return `${value} is in the future`;
  return null;
}

function urlProblem(value: string): string | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return `"${value.slice(0, 200)}" is not an absolute address`;
  }
  return SOURCE_SCHEMES.has(u.protocol) ? null : `"${u.protocol}" addresses are not sources Gleaner makes (web pages are http or https)`;
}

/**
 * A BCP 47 tag with an ISO 639 language (2 or 3 letters), optional script, region and variants, that
 * `Intl` also accepts: rejects "english" (syntactically a reserved 5-8 letter subtag), "en_US", "x".
 */
const BCP47 = /^[a-z]{2,3}(-[a-z]{4})?(-(?:[a-z]{2}|\d{3}))?(-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*$/i;
const languageProblem = remembered((tag) => {
  if (!BCP47.test(tag)) return `"${tag}" is not a BCP 47 language tag (e.g. "en", "de", "pt-BR")`;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical ? null : `"${tag}" is not a language tag`;
  } catch {
    return `"${tag}" is not a BCP 47 language tag (e.g. "en", "de", "pt-BR")`;
  }
}, CHECKS_REMEMBERED);

export function entryProblems(entry: Entry, opts: EntryCheckOptions): EntryProblem[] {
  const out: EntryProblem[] = [];
  const add = (field: string, message: string | null) => {
    if (message) out.push({ field, message });
  };

  add('license', spdxProblem(entry.license));
  add('consent.license', spdxProblem(entry.consent.license));
  entry.sources.forEach((s, i) => {
    if (s.license) add(`sources[${i}].license`, spdxProblem(s.license));
    add(`sources[${i}].url`, urlProblem(s.url));
    add(`sources[${i}].threadUrl`, urlProblem(s.threadUrl));
    if (s.licenseEvidence?.url) add(`sources[${i}].licenseEvidence.url`, urlProblem(s.licenseEvidence.url));
    if (s.postedAt !== null) add(`sources[${i}].postedAt`, instantProblem(s.postedAt, opts.now));
  });
  add('language', languageProblem(entry.language));
  add('createdAt', instantProblem(entry.createdAt, opts.now));
  add('consent.at', instantProblem(entry.consent.at, opts.now));

  // Every passage must be written from posts the entry names as its sources.
  const ids = new Set(entry.sources.map((s) => s.postId));
  // Loops that push rather than map and filter, here and below: an array map or filter returns is laid
  // out one way by the runtime and another when the optimising compiler inlines the call, so the code
  // reading it would meet a second array shape once optimised, and be thrown away and compiled again.
  const passages: { at: string; p: { sourcePostIds: string[] } }[] = [];
  if (entry.kind === 'qa') {
    passages.push({ at: 'qa.question', p: entry.qa.question });
    entry.qa.answers.forEach((p, i) => passages.push({ at: `qa.answers[${i}]`, p }));
  } else {
    passages.push({ at: 'strategy.body', p: entry.strategy.body });
    (entry.strategy.passages ?? []).forEach((p, i) => passages.push({ at: `strategy.passages[${i}]`, p }));
  }
  for (const { at, p } of passages) {
    const missing: string[] = [];
    for (const id of p.sourcePostIds) if (!ids.has(id)) missing.push(id);
    if (missing.length) add(`${at}.sourcePostIds`, `names post(s) ${missing.slice(0, 5).join(', ')} that are not among the entry's sources`);
  }

  const { basis } = entry.consent;
  if (basis === 'moderator_attestation') attestationProblems(entry, opts.vouchedCommunities ?? [], add);
  if (basis === 'author_opt_in') permissionProblems(entry, add);
  if (out.some((p) => /license$/.test(p.field))) return out;

  // The licence is recomputed from the sources and the grant, never taken on trust.
  const verdict = effectiveLicense(
    entry.sources.map((s) => ({ license: s.license, evidence: s.licenseEvidence, who: { postId: s.postId, author: s.author.name, url: s.url } })),
    entry.consent.license,
    basis,
  );
  if (!verdict.ok) add('license', verdict.reason);
  else if (verdict.license !== entry.license) {
    add('license', `the entry says ${entry.license}, but its sources and the ${entry.consent.license} grant give ${verdict.license}`);
  }
  return out;
}

/**
 * Basis author_opt_in rests on each author's own permission: every author of a source needs a record,
 * and each record must point at a web post by that same author, with a hash of the words it keeps.
 */
function permissionProblems(entry: Entry, add: (field: string, message: string | null) => void): void {
  const permissions = entry.consent.permissions ?? [];
  permissions.forEach((p, i) => {
    const at = `consent.permissions[${i}]`;
    if (!p.post) return; // a hub grant: checked by the hub that issued it
    let scheme = '';
    try {
      scheme = new URL(p.post.url).protocol;
    } catch {
      scheme = '';
    }
    if (scheme !== 'http:' && scheme !== 'https:') add(`${at}.post.url`, `"${p.post.url.slice(0, 200)}" is not a web address (http or https), so it cannot be ${p.author.name}'s post granting permission`);
    if (!/^[0-9a-f]{64}$/.test(p.post.sha256)) add(`${at}.post.sha256`, `is not a SHA-256 hash (64 lowercase hex characters) of ${p.author.name}'s permission post`);
    if (!sameAuthor(p.post.author, p.author)) {
      add(`${at}.post.author`, `the post was written by ${p.post.author.name}, so it cannot grant permission for ${p.author.name}`);
    }
  });
  // A record whose post is by someone else covers nobody.
  const valid: typeof permissions = [];
  for (const p of permissions) if (!p.post || sameAuthor(p.post.author, p.author)) valid.push(p);
  const authors: Entry['sources'][number]['author'][] = [];
  for (const s of entry.sources) authors.push(s.author);
  const missing = authorsWithoutPermission(authors, valid);
  if (missing.length) add('consent.permissions', missingPermissionMessage(missing));
}
