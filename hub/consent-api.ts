import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getConnInfo } from '@hono/node-server/conninfo';
import { ulid } from 'ulid';
import type { Entry } from '../lib/model/entry.ts';
import { EntryReportDecision, EntryReportRequest, IdentityClaimRequest, IdentityVerifyRequest } from '../lib/model/hub-consent.ts';
import { sameAuthor } from '../lib/license/permissions.ts';
import type { LimitIssue } from '../lib/model/limits.ts';
import type { Contributor, HubStore } from './store.ts';
import { problem } from './problem.ts';
import { RateLimiter, type RateLimit } from './rate-limit.ts';
import { consentStoreFor, type ConsentStore, type IdentityClaim, type ReportRow, type StoredProof } from './consent-store.ts';
import { fetchPage, PageFetchError, type PageFetchOptions } from './page-fetch.ts';
import { checkProofPage, CLAIM_TTL_MS, forumOf, newProofCode, proofCovers, publicProof, selfIssues } from './identity.ts';
import { removeReported } from './removals.ts';
import { mountAuthorsPage } from './authors-page.ts';
import { mountGrantLookup } from './grants-api.ts';

/**
 * The hub's side of identities and authors' say, as one feature the app registers in three places:
 * public routes (the authors' page, reports) before the token check, contributor and moderator routes
 * after it, and `entryIssues`, the checks every submitted or revised entry also goes through.
 */
export interface ConsentOptions {
  /** How the hub fetches proof pages; `allowPrivate` only for tests and local development. */
  fetch?: PageFetchOptions;
  /** Public writes (claims and checks on the authors' page, reports) per client address. */
  publicRateLimit?: RateLimit;
  now?: () => number;
}

export const DEFAULT_PUBLIC_RATE: RateLimit = { burst: 10, perMinute: 6 };
const SMALL_BODY_BYTES = 16 * 1024;
const REPORT_PAGE = 200;

type Env = { Variables: { contributor: Contributor } };

export type VerifyOutcome = { ok: true; proof: StoredProof } | { ok: false; reason: string };

/** Fetches the page, looks for the claim's code under the claimed name, and stores the proof when found. */
export async function verifyClaim(consent: ConsentStore, claim: IdentityClaim, url: string, opts: { fetch?: PageFetchOptions; now: Date }): Promise<VerifyOutcome> {
  if (Date.parse(claim.expiresAt) < opts.now.getTime()) return { ok: false, reason: `The code ${claim.code} expired at ${claim.expiresAt}. Ask for a new code.` };
  const forum = forumOf(url);
  if (!/^https?:\/\//i.test(url.trim()) || forum === null) return { ok: false, reason: `"${url.slice(0, 200)}" is not the http or https address of a page. Give the full address of your post or profile.` };
  if (forum !== claim.forum) return { ok: false, reason: `The address is on ${forum}, but the identity claimed is on ${claim.forum}. Give the address of a page of ${claim.forum}.` };
  let page;
  try {
    page = await fetchPage(url.trim(), opts.fetch);
  } catch (e) {
    if (e instanceof PageFetchError) return { ok: false, reason: e.message };
    throw e;
  }
  const found = checkProofPage(page, claim);
  if (!found.ok) return found;
  const proof: StoredProof = {
    id: ulid(),
    contributorId: claim.contributorId,
    forum: claim.forum,
    name: claim.name,
    profileUrl: found.profileUrl,
    proofUrl: page.url,
    sha256: found.sha256,
    checkedAt: opts.now.toISOString(),
  };
  await consent.saveProof(claim.id, proof);
  return { ok: true, proof };
}

export function newClaim(forum: string, name: string, contributorId: string | null, secretHash: string | null, now: Date): IdentityClaim {
  return { id: ulid(), contributorId, secretHash, forum, name, code: newProofCode(), createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + CLAIM_TTL_MS).toISOString(), proofId: null };
}

export const claimInstructions = (c: { forum: string; name: string; code: string }) =>
  `Post ${c.code} on ${c.forum} as ${c.name}: in a new post or reply of your own, or in your profile's "about" text. Then send the address of that post or profile page; the hub fetches the page itself and looks for the code under your name. The post can be deleted once the proof is recorded.`;

export function consentFeatures(store: HubStore, opts: ConsentOptions = {}) {
  const now = () => new Date((opts.now ?? Date.now)());
  let opened: Promise<ConsentStore> | null = null;
  const consent = () => (opened ??= consentStoreFor(store));
  const publicWrites = new RateLimiter(opts.publicRateLimit ?? DEFAULT_PUBLIC_RATE, opts.now);
  const small = bodyLimit({
    maxSize: SMALL_BODY_BYTES,
    onError: (c) => problem(c, 413, 'Payload too large', `Requests here are limited to ${SMALL_BODY_BYTES} bytes.`, undefined, { connection: 'close' }),
  });
  const address = (c: Context) => getConnInfo(c).remote.address ?? 'unknown';
  /** One slot of the public write budget of the caller's address, or the 429 answer. */
  const publicSlot = (c: Context): Response | null => {
    const slot = publicWrites.take(address(c));
    return slot.ok ? null : problem(c, 429, 'Too many requests', `Too many requests from this address. Wait ${slot.retryAfterS} s.`, undefined, { 'retry-after': String(slot.retryAfterS) });
  };

  async function receiveReport(body: unknown): Promise<{ ok: true; report: ReportRow } | { ok: false; status: 404 | 422; detail: string }> {
    const parsed = EntryReportRequest.safeParse(body);
    if (!parsed.success) return { ok: false, status: 422, detail: `Send {"entryId": "…", "category": "copyright"|"privacy"|"wrong_attribution", "details": "…"}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}.` };
    // Only published entries are public: any other id answers as unknown, so ids cannot be probed.
    const s = await store.entryStatus(parsed.data.entryId);
    if (!s || s.state !== 'published') return { ok: false, status: 404, detail: `No published entry has the id "${parsed.data.entryId.slice(0, 200)}". Copy the id from the dataset record.` };
    const report: ReportRow = { id: ulid(), entryId: s.id, category: parsed.data.category, details: parsed.data.details, createdAt: now().toISOString(), decidedAt: null, outcome: null, decidedBy: null, comment: null };
    await (await consent()).addReport(report);
    return { ok: true, report };
  }

  function mountPublic(app: Hono<any>): void {
    app.use('/v1/reports', small);
    app.use('/authors', small);
    app.use('/authors/*', small);
    // Anyone may report a published entry: no token, so limited per client address.
    app.post('/v1/reports', async (c) => {
      const limited = publicSlot(c);
      if (limited) return limited;
      const out = await receiveReport(await c.req.json().catch(() => null));
      if (!out.ok) return problem(c, out.status, out.status === 404 ? 'Not found' : 'Invalid report', out.detail);
      return c.json({ reportId: out.report.id, status: 'received' }, 201);
    });
    mountAuthorsPage(app, { store, consent, publicSlot, receiveReport, fetch: opts.fetch, now });
  }

  function mountAuthed(app: Hono<Env>): void {
    app.use('/v1/identities/*', small);
    app.use('/v1/reports/*', small);

    // An entry's status says when it was removed and why, so the dashboard can tell a removal from a
    // withdrawal. A removal always comes with a state change, so the ETags already move with it.
    const withRemoval = async (c: Context<Env>, next: () => Promise<void>) => {
      await next();
      if (c.res.status !== 200 || !(c.res.headers.get('content-type') ?? '').includes('application/json')) return;
      const body = (await c.res.clone().json()) as { id?: string; entries?: { id: string }[] };
      const cs = await consent();
      const info = (r: { reason: string; at: string } | null | undefined) => (r ? { removal: { reason: r.reason, at: r.at } } : {});
      let out: unknown;
      if (Array.isArray(body.entries)) {
        const all = new Map((await cs.entryRemovals()).map((r) => [r.entryId, r]));
        out = { ...body, entries: body.entries.map((s) => ({ ...s, ...info(all.get(s.id)) })) };
      } else if (typeof body.id === 'string') out = { ...body, ...info(await cs.entryRemoval(body.id)) };
      else return;
      const headers = new Headers(c.res.headers);
      headers.delete('content-length');
      c.res = new Response(JSON.stringify(out), { status: 200, headers });
    };
    app.use('/v1/entries', withRemoval);
    app.use('/v1/entries/:id', withRemoval);

    app.post('/v1/identities/claims', async (c) => {
      const body = IdentityClaimRequest.safeParse(await c.req.json().catch(() => null));
      if (!body.success) return problem(c, 422, 'Invalid claim', 'Send {"forum": "the forum\'s address", "name": "your name as the forum shows it on your posts"}.');
      const forum = forumOf(body.data.forum);
      if (!forum) return problem(c, 422, 'Invalid claim', `"${body.data.forum.slice(0, 200)}" is not a forum address: give any http(s) address of the forum, or its host name.`);
      const claim = newClaim(forum, body.data.name, c.get('contributor').id, null, now());
      await (await consent()).addClaim(claim);
      return c.json({ claimId: claim.id, forum, name: claim.name, code: claim.code, expiresAt: claim.expiresAt, instructions: claimInstructions(claim) }, 201);
    });

    app.post('/v1/identities/claims/:id/verify', async (c) => {
      const cs = await consent();
      const claim = await cs.claim(c.req.param('id'));
      if (!claim || claim.contributorId !== c.get('contributor').id) return problem(c, 404, 'Not found', 'No identity claim with this id is yours. Ask for a code first (POST /v1/identities/claims).');
      const body = IdentityVerifyRequest.safeParse(await c.req.json().catch(() => null));
      if (!body.success) return problem(c, 422, 'Invalid request', 'Send {"url": "the address of your post or profile page with the code"}.');
      const out = await verifyClaim(cs, claim, body.data.url, { fetch: opts.fetch, now: now() });
      if (!out.ok) return problem(c, 422, 'Identity not proven', out.reason);
      return c.json(publicProof(out.proof), 201);
    });

    mountGrantLookup(app, consent);

    app.get('/v1/identities', async (c) => c.json({ identities: (await (await consent()).proofsOf(c.get('contributor').id)).map(publicProof) }));

    const moderatorOnly = (c: Context<Env>) => (c.get('contributor').role === 'moderator' ? null : problem(c, 403, 'Forbidden', 'Only moderators see and decide reports.'));
    const reportView = (r: ReportRow) => ({ id: r.id, entryId: r.entryId, category: r.category, details: r.details, createdAt: r.createdAt, decidedAt: r.decidedAt, outcome: r.outcome, comment: r.comment });

    app.get('/v1/reports', async (c) => {
      const refused = moderatorOnly(c);
      if (refused) return refused;
      const decided = c.req.query('decided') === '1';
      return c.json({ reports: (await (await consent()).reports({ decided, limit: REPORT_PAGE })).map(reportView) });
    });

    app.post('/v1/reports/:id/decision', async (c) => {
      const refused = moderatorOnly(c);
      if (refused) return refused;
      const body = EntryReportDecision.safeParse(await c.req.json().catch(() => null));
      if (!body.success) return problem(c, 422, 'Invalid decision', 'Send {"outcome": "removed"|"dismissed", "comment": "…"}.');
      const cs = await consent();
      const id = c.req.param('id');
      const r = await cs.decideReport(id, { outcome: body.data.outcome, by: c.get('contributor').id, comment: body.data.comment, at: now().toISOString() });
      if (r === 'missing') return problem(c, 404, 'Not found', 'No report with this id.');
      if (r === 'decided') return problem(c, 409, 'Already decided', 'Another moderator decided this report already; reload the list.');
      const report = (await cs.report(id))!;
      if (report.outcome === 'removed') await removeReported(store, report.entryId, report.category, report.comment);
      return c.json(reportView(report));
    });
  }

  /**
   * What only this hub can check about an entry: for basis self, that each source post is by one of
   * the contributor's proven identities (the proofs are written into the receipt); for author_opt_in,
   * that each hub grant exists here, is the author's, and grants the entry's licence; for any basis,
   * that no author of a source asked to be left out.
   */
  async function entryIssues(entry: Entry, who: Contributor): Promise<LimitIssue[]> {
    const cs = await consent();
    const issues: LimitIssue[] = [];
    if (entry.consent.basis === 'self') {
      const proofs = await cs.proofsOf(who.id);
      const { issues: found, used } = selfIssues(entry, proofs);
      issues.push(...found);
      if (!found.length && !(entry.consent.identityProofs ?? []).length) entry.consent.identityProofs = used.map(publicProof);
    }
    if (entry.consent.basis === 'author_opt_in') {
      for (const [i, p] of (entry.consent.permissions ?? []).entries()) {
        if (!p.hubGrant) continue;
        const at = `/consent/permissions/${i}/hubGrant`;
        const g = await cs.grant(p.hubGrant.grantId);
        if (!g) {
          issues.push({ pointer: `${at}/grantId`, detail: `no grant "${p.hubGrant.grantId.slice(0, 100)}" exists on this hub: the author makes a grant on the hub's authors' page (/authors) and gives its id.` });
          continue;
        }
        const grantee = { name: g.name, url: g.profileUrl };
        const theirs = entry.sources.some((s) => proofCovers({ forum: g.forum, name: g.name, profileUrl: g.profileUrl }, s) && sameAuthor(s.author, p.author));
        if (!sameAuthor(grantee, p.author) || !theirs) issues.push({ pointer: `${at}/grantId`, detail: `this grant was made by ${g.name} on ${g.forum}, so it cannot stand for ${p.author.name}'s posts.` });
        if (g.license !== entry.consent.license) issues.push({ pointer: `${at}/license`, detail: `${g.name} granted ${g.license}, not ${entry.consent.license}: the entry's consent licence must be the one the author chose.` });
        if (p.hubGrant.license !== g.license || p.hubGrant.grantedAt !== g.grantedAt) issues.push({ pointer: at, detail: `does not match the grant as recorded on this hub (${g.license}, granted ${g.grantedAt}).` });
      }
    }
    const removals = await cs.removalRequests();
    entry.sources.forEach((s, i) => {
      const r = removals.find((x) => proofCovers(x, s));
      if (r) issues.push({ pointer: `/sources/${i}/author`, detail: `${s.author.name} asked on this hub that their posts be left out of the dataset. Remove post ${s.postId} from the entry.` });
    });
    return issues;
  }

  return { mountPublic, mountAuthed, entryIssues, consent };
}
