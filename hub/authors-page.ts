import type { Context, Hono } from 'hono';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ulid } from 'ulid';
import type { HubStore } from './store.ts';
import type { ConsentStore, IdentityClaim, ReportRow, StoredProof } from './consent-store.ts';
import type { PageFetchOptions } from './page-fetch.ts';
import { forumOf, sha256Hex } from './identity.ts';
import { claimInstructions, newClaim, verifyClaim } from './consent-api.ts';
import { removeForAuthor } from './removals.ts';
import { ccName } from '../lib/license/cc.ts';

/**
 * The authors' page: a public, server-rendered page (plain HTML forms, no script, no token) where a
 * person whose posts were captured proves who they are on their forum the way contributors do (a code,
 * a post or profile holding it, the hub fetching that page itself), and then grants permission for
 * their posts under a licence they choose, or asks that every entry quoting them be removed. Anyone
 * may also report an entry here. The browser keeps the claim's secret in a hidden field between the
 * steps (no cookie): it is the only thing that lets the next step act on the proven identity.
 */

const CSP = "default-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const HEADERS = { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store', 'content-type': 'text/html; charset=utf-8' };

/** How long after the hub checked the proof the author may act on it without proving again. */
const ACT_WITHIN_MS = 60 * 60_000;
/** Licences an author can grant: Creative Commons 4.0, the ones the dataset's licence rules know. */
export const GRANTABLE = ['CC0-1.0', 'CC-BY-4.0', 'CC-BY-SA-4.0', 'CC-BY-NC-4.0', 'CC-BY-NC-SA-4.0'];

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

interface PageDeps {
  store: HubStore;
  consent: () => Promise<ConsentStore>;
  publicSlot: (c: Context) => Response | null;
  receiveReport: (body: unknown) => Promise<{ ok: true; report: ReportRow } | { ok: false; status: 404 | 422; detail: string }>;
  fetch?: PageFetchOptions;
  now: () => Date;
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Gleaner hub</title>
</head>
<body>
<main>
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

const alert = (text: string) => `<p role="alert" id="error">${esc(text)}</p>`;
const hidden = (claim: string, secret: string) => `<input type="hidden" name="claim" value="${esc(claim)}"><input type="hidden" name="secret" value="${esc(secret)}">`;

const claimForm = () => `<form method="post" action="/authors/claim">
<p><label>Your forum's address (any page of it)<br><input name="forum" id="forum" required maxlength="500" size="50"></label></p>
<p><label>Your name as the forum shows it on your posts<br><input name="name" id="name" required maxlength="200" size="30"></label></p>
<p><button type="submit" id="claim-submit">Get a code</button></p>
</form>`;

const verifyForm = (claim: IdentityClaim, secret: string, url = '') => `<p id="code-instructions">${esc(claimInstructions(claim))}</p>
<p>Your code: <code id="code">${esc(claim.code)}</code></p>
<form method="post" action="/authors/verify">
${hidden(claim.id, secret)}
<p><label>Address of your post or profile page with the code<br><input name="url" id="proof-url" required maxlength="2000" size="60" value="${esc(url)}"></label></p>
<p><button type="submit" id="verify-submit">Check</button></p>
</form>`;

const actions = (proof: StoredProof, claim: string, secret: string) => `<p id="proven">The hub found your code at ${esc(proof.proofUrl)}: you are ${esc(proof.name)} on ${esc(proof.forum)}.</p>
<h2>Grant permission for your posts</h2>
<p>Entries that quote your posts on ${esc(proof.forum)} may then rest on your grant, under the licence you choose. Contributors name the grant by its id.</p>
<form method="post" action="/authors/grant">
${hidden(claim, secret)}
<p><label>Licence<br><select name="license" id="grant-license">${GRANTABLE.map((l) => `<option value="${l}">${esc(ccName(l).name)} (${l})</option>`).join('')}</select></label></p>
<p><button type="submit" id="grant-submit">Grant permission</button></p>
</form>
<h2>Ask for your posts to be removed</h2>
<p>Every entry on this hub that quotes your posts on ${esc(proof.forum)} leaves the next release, its contributor is told, and new entries quoting you are refused. The release lists the removed entries (ids only, no names).</p>
<form method="post" action="/authors/remove">
${hidden(claim, secret)}
<p><label><input type="checkbox" name="confirm" value="yes" id="remove-confirm" required> Remove every entry that quotes my posts</label></p>
<p><button type="submit" id="remove-submit">Ask for removal</button></p>
</form>`;

const reportForm = () => `<h2>Report an entry</h2>
<p>Anyone may report a published entry: a moderator decides, and a removed entry leaves the next release.</p>
<form method="post" action="/authors/report">
<p><label>Entry id (from the dataset record)<br><input name="entryId" id="report-entry" required maxlength="200" size="30"></label></p>
<p><label>Reason<br><select name="category" id="report-category"><option value="copyright">Copyright</option><option value="privacy">Privacy</option><option value="wrong_attribution">Wrong attribution</option></select></label></p>
<p><label>What is wrong (optional; no contact details needed)<br><textarea name="details" id="report-details" rows="4" cols="60" maxlength="4000"></textarea></label></p>
<p><button type="submit" id="report-submit">Send report</button></p>
</form>`;

const INTRO = `<p>If posts of yours on a forum were captured into entries on this hub, you can say whether they may be used.
First prove that you are the author: the hub gives you a code, you put it in a post of your own (or in your profile) on the forum,
and the hub fetches that page itself to find it under your name.</p>`;

export function mountAuthorsPage(app: Hono<any>, deps: PageDeps): void {
  const html = (c: Context, status: number, title: string, body: string, headers: Record<string, string> = {}) => c.body(layout(title, body), status as 200, { ...HEADERS, ...headers });
  const limitedPage = (c: Context): Response | null => {
    const limited = deps.publicSlot(c);
    if (!limited) return null;
    const wait = limited.headers.get('retry-after') ?? '60';
    return html(c, 429, 'Too many requests', alert(`Too many requests from this address. Wait ${wait} seconds and send the form again.`), { 'retry-after': wait });
  };
  const form = async (c: Context): Promise<Record<string, string>> => {
    const body = await c.req.parseBody().catch(() => ({}));
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
  };
  /** The author's claim, when the form carries its id and the matching secret. */
  const ownClaim = async (f: Record<string, string>): Promise<IdentityClaim | null> => {
    const claim = f.claim ? await (await deps.consent()).claim(f.claim.slice(0, 100)) : null;
    if (!claim || claim.contributorId !== null || !claim.secretHash || !f.secret) return null;
    const a = Buffer.from(sha256Hex(f.secret), 'hex');
    const b = Buffer.from(claim.secretHash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? claim : null;
  };
  /** The proven identity a grant or removal form acts for, or the page saying why it cannot. */
  const provenFor = async (c: Context, f: Record<string, string>): Promise<{ claim: IdentityClaim; proof: StoredProof } | Response> => {
    const claim = await ownClaim(f);
    const proof = claim?.proofId ? await (await deps.consent()).proof(claim.proofId) : null;
    if (!claim || !proof) return html(c, 403, 'Prove your identity first', alert('This form is not tied to an identity the hub checked. Start again: get a code and prove your identity.') + claimForm());
    if (deps.now().getTime() - Date.parse(proof.checkedAt) > ACT_WITHIN_MS) return html(c, 403, 'Prove your identity again', alert('Your proof was checked more than an hour ago. Prove your identity again (a new code) to act on it.') + claimForm());
    return { claim, proof };
  };

  app.get('/authors', (c) => html(c, 200, "Authors' say", INTRO + claimForm() + reportForm()));

  app.post('/authors/claim', async (c) => {
    const limited = limitedPage(c);
    if (limited) return limited;
    const f = await form(c);
    const forum = forumOf(f.forum ?? '');
    const name = (f.name ?? '').replace(/\s+/g, ' ').trim();
    if (!forum || !name || name.length > 200 || /[\u0000-\u001f\u007f]/.test(name)) {
      return html(c, 422, "Authors' say", alert(!forum ? 'Give the forum\'s address (any page of it, or its host name).' : 'Give your name as the forum shows it on your posts (at most 200 characters).') + claimForm());
    }
    const secret = randomBytes(24).toString('base64url');
    const claim = newClaim(forum, name, null, sha256Hex(secret), deps.now());
    await (await deps.consent()).addClaim(claim);
    return html(c, 200, 'Post your code', verifyForm(claim, secret));
  });

  app.post('/authors/verify', async (c) => {
    const limited = limitedPage(c);
    if (limited) return limited;
    const f = await form(c);
    const claim = await ownClaim(f);
    if (!claim) return html(c, 403, "Authors' say", alert('This check does not belong to a code the hub gave out here. Get a new code.') + claimForm());
    const out = await verifyClaim(await deps.consent(), claim, (f.url ?? '').slice(0, 2000), { fetch: deps.fetch, now: deps.now() });
    if (!out.ok) return html(c, 422, 'Post your code', alert(out.reason) + verifyForm(claim, f.secret!, f.url ?? ''));
    return html(c, 200, 'Your posts, your say', actions(out.proof, claim.id, f.secret!));
  });

  app.post('/authors/grant', async (c) => {
    const limited = limitedPage(c);
    if (limited) return limited;
    const f = await form(c);
    const who = await provenFor(c, f);
    if (who instanceof Response) return who;
    if (!GRANTABLE.includes(f.license ?? '')) return html(c, 422, 'Your posts, your say', alert(`Choose one of the licences listed.`) + actions(who.proof, who.claim.id, f.secret!));
    const grant = { id: ulid(), proofId: who.proof.id, forum: who.proof.forum, name: who.proof.name, profileUrl: who.proof.profileUrl, license: f.license!, grantedAt: deps.now().toISOString() };
    await (await deps.consent()).addGrant(grant);
    const hub = new URL(c.req.url).origin;
    return html(
      c,
      201,
      'Permission granted',
      `<p id="granted">You granted permission for your posts on ${esc(grant.forum)} under ${esc(ccName(grant.license).name)} (${esc(grant.license)}).</p>
<p>Give contributors who quote you this grant: hub <code id="grant-hub">${esc(hub)}</code>, grant id <code id="grant-id">${esc(grant.id)}</code>, granted <code id="grant-at">${esc(grant.grantedAt)}</code>.</p>`,
    );
  });

  app.post('/authors/remove', async (c) => {
    const limited = limitedPage(c);
    if (limited) return limited;
    const f = await form(c);
    const who = await provenFor(c, f);
    if (who instanceof Response) return who;
    if (f.confirm !== 'yes') return html(c, 422, 'Your posts, your say', alert('Tick the box to confirm the removal.') + actions(who.proof, who.claim.id, f.secret!));
    const request = { id: ulid(), proofId: who.proof.id, forum: who.proof.forum, name: who.proof.name, profileUrl: who.proof.profileUrl, at: deps.now().toISOString() };
    const ids = await removeForAuthor(deps.store, await deps.consent(), request);
    return html(
      c,
      200,
      'Removal recorded',
      `<p id="removed">${ids.length === 0 ? 'No entry on this hub quotes your posts now.' : `${ids.length} ${ids.length === 1 ? 'entry quotes' : 'entries quote'} your posts: ${ids.length === 1 ? 'it leaves' : 'they leave'} the next release, and ${ids.length === 1 ? 'its contributor is' : 'their contributors are'} told.`} New entries quoting your posts on ${esc(who.proof.forum)} are refused.</p>`,
    );
  });

  app.post('/authors/report', async (c) => {
    const limited = limitedPage(c);
    if (limited) return limited;
    const f = await form(c);
    const out = await deps.receiveReport({ entryId: (f.entryId ?? '').trim(), category: f.category, details: f.details ?? '' });
    if (!out.ok) return html(c, out.status, "Authors' say", alert(out.detail) + reportForm());
    return html(c, 201, 'Report received', `<p id="reported">Report ${esc(out.report.id)} received. A moderator will decide; a removed entry leaves the next release.</p>`);
  });
}
