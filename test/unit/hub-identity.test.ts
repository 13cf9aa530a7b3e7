import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePage } from '../../lib/extract/index.ts';
import type { Thread } from '../../lib/model/thread.ts';
import type { Entry } from '../../lib/model/entry.ts';
import { openHubStore, type HubStore } from '../../hub/store.ts';
import { consentStoreFor } from '../../hub/consent-store.ts';
import { fetchPage, PageFetchError } from '../../hub/page-fetch.ts';
import { corpusBytes } from '../support/corpus.ts';
import { extractText } from '../support/extract.ts';
import { qaEntry } from '../support/entries.ts';
import { oneAuthorEntry, withCodeInPost } from '../support/proof-pages.ts';
import { serveStore, authed, bothStores } from './hub-support.ts';
import { checkAnswersAgainstOpenApi } from './hub-contract.ts';

/**
 * Proven forum identities, authors' say and reports on both stores. Proof pages are corpus pages with
 * the code written into one post at run time, served to the hub by an injected fetch under the forums'
 * real host names (which resolve, for the hub, to a public address): the hub's checks see exactly what
 * a live forum would give. The fetcher itself is tested against a real local server.
 */
checkAnswersAgainstOpenApi();

const DISCOURSE = 'https://meta.discourse.org/t/congratulations-most-stars-in-2013-github-octoverse/12483';
const AIRLINERS = 'https://www.airliners.net/forum/viewtopic.php?t=1437935';
const discourseRaw = decodePage(corpusBytes('discourse/meta-discourse-octoverse-topic.html'));
const airlinersRaw = decodePage(corpusBytes('phpbb/airliners-viewtopic-1437935.html'));
const discourse: Thread = extractText(discourseRaw, DISCOURSE);
const airliners: Thread = extractText(airlinersRaw, AIRLINERS);
const coding = discourse.posts.find((p) => p.author.name === 'codinghorror')!;
const techApj = discourse.posts.find((p) => p.author.name === 'techAPJ')!;
const schmave = airliners.posts.find((p) => p.author.name === 'Schmave')!;

/** Pages the injected fetch serves, by address; a function answers with a Response of its own. */
const pages = new Map<string, string | (() => Response)>();
const fakeFetch = (async (input: URL | string) => {
  const url = String(input);
  const p = pages.get(url);
  if (p === undefined) return new Response('not found', { status: 404 });
  if (typeof p === 'function') return p();
  return new Response(p, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
}) as typeof fetch;
/** Every forum host resolves to a public address, except the one a test points at this machine. */
const resolveHost = async (host: string) => (host === 'intranet.example' ? ['10.0.0.7'] : ['93.184.216.34']);

const backends = bothStores('identity');

describe.each(backends)('over %s', (_backend, open) => {
  let store: HubStore;
  let hub: { url: string; stop(): Promise<void> };
  let alice: string;
  let bob: string;
  let mod: string;
  let mod2: string;

  const post = (path: string, token: string | null, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${hub.url}${path}`, { method: 'POST', headers: token ? authed(token, headers) : { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const submit = (token: string, entries: Entry[]) => post('/v1/submissions', token, { entries }, { 'idempotency-key': `key-${Math.random()}` });
  const claim = async (token: string, forum: string, name: string) => {
    const res = await post('/v1/identities/claims', token, { forum, name });
    expect(res.status).toBe(201);
    return (await res.json()) as { claimId: string; code: string; forum: string };
  };
  const verify = (token: string, claimId: string, url: string) => post(`/v1/identities/claims/${claimId}/verify`, token, { url });
  const refusal = async (res: Response) => {
    expect(res.status).toBe(422);
    return ((await res.json()) as { detail: string }).detail;
  };
  /** A form post to the authors' page, as a browser sends it. */
  const form = (path: string, fields: Record<string, string>) =>
    fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? null;

  beforeAll(async () => {
    store = await open();
    hub = await serveStore(store, {
      writeRateLimit: false,
      fourEyes: false,
      consent: { fetch: { fetch: fakeFetch, resolve: resolveHost }, publicRateLimit: { burst: 1000, perMinute: 1000 } },
    });
    alice = (await store.addContributor('alice')).token;
    bob = (await store.addContributor('bob')).token;
    mod = (await store.addContributor('mo', 'moderator')).token;
    mod2 = (await store.addContributor('mo2', 'moderator')).token;
  });
  afterAll(async () => {
    await hub.stop();
    await store.close();
  });

  describe('proving a forum identity', () => {
    it('finds the code in a post by the name claimed, stores the proof once and lists it; a self entry then carries it', async () => {
      const selfEntry = await oneAuthorEntry(discourse, coding, 'self');
      // Before any proof, the entry rests on nothing the hub can check.
      const before = await submit(alice, [selfEntry]);
      expect(before.status).toBe(422);
      expect(JSON.stringify(await before.json())).toContain('you have not proven that identity');

      const c = await claim(alice, 'https://meta.discourse.org/', 'codinghorror');
      expect(c.forum).toBe('meta.discourse.org');
      expect(c.code).toMatch(/^gleaner-[a-z0-9]{10}$/);
      const proofUrl = `${DISCOURSE}/2`;
      const page = withCodeInPost(discourseRaw, coding, c.code);
      expect(extractText(page, DISCOURSE).posts.find((p) => p.text.includes(c.code))?.author.name).toBe('codinghorror');
      pages.set(proofUrl, page);
      const res = await verify(alice, c.claimId, proofUrl);
      expect(res.status).toBe(201);
      const proof = await res.json();
      expect(proof).toMatchObject({ forum: 'meta.discourse.org', name: 'codinghorror', profileUrl: 'https://meta.discourse.org/u/codinghorror', proofUrl });
      expect(proof.sha256).toMatch(/^[0-9a-f]{64}$/);
      // Another contributor's claim id is not theirs to use.
      expect((await verify(bob, c.claimId, proofUrl)).status).toBe(404);

      const list = await (await fetch(`${hub.url}/v1/identities`, { headers: authed(alice) })).json();
      expect(list.identities).toEqual([proof]);
      expect((await (await fetch(`${hub.url}/v1/identities`, { headers: authed(bob) })).json()).identities).toEqual([]);

      const ok = await submit(alice, [selfEntry]);
      expect(ok.status).toBe(202);
      expect((await ok.json()).results[0].status).toBe('received');
      // The hub wrote the proof into the receipt.
      expect((await store.entryRecord(selfEntry.id))!.consent.identityProofs).toEqual([proof]);

      // The same proof does not cover a post by someone else, nor anyone on another contributor's account.
      const other = await submit(alice, [await oneAuthorEntry(discourse, techApj, 'self')]);
      expect(JSON.stringify(await other.json())).toContain('is by techAPJ on meta.discourse.org');
      expect((await submit(bob, [await oneAuthorEntry(discourse, coding, 'self')])).status).toBe(422);
      // Nor can an entry name a proof the hub does not hold for this account.
      const forgedReceipt = await oneAuthorEntry(discourse, coding, 'self');
      forgedReceipt.consent.identityProofs = [{ ...proof, sha256: 'a'.repeat(64) }];
      expect(JSON.stringify(await (await submit(alice, [forgedReceipt])).json())).toContain('no proof of codinghorror on meta.discourse.org');
    });

    it("proves on the profile page of the name claimed, and refuses another member's profile", async () => {
      // Built by hand after the shape forum profile pages share (the name in the title and heading, an
      // "about" text the member writes): no saved profile page is in the corpus.
      const profile = (name: string, code: string) =>
        `<!doctype html><html><head><title>${name} - Profile - Discourse Meta</title></head><body><h1>${name}</h1><section><h2>About me</h2><p>Forum regular. ${code}</p></section></body></html>`;
      const c = await claim(bob, DISCOURSE, 'sam');
      pages.set('https://meta.discourse.org/u/sam', profile('sam', c.code));
      const ok = await verify(bob, c.claimId, 'https://meta.discourse.org/u/sam');
      expect(ok.status).toBe(201);
      expect(await ok.json()).toMatchObject({ name: 'sam', profileUrl: 'https://meta.discourse.org/u/sam', proofUrl: 'https://meta.discourse.org/u/sam' });
      const d = await claim(bob, DISCOURSE, 'codinghorror');
      pages.set('https://meta.discourse.org/u/mallory', profile('mallory', d.code));
      expect(await refusal(await verify(bob, d.claimId, 'https://meta.discourse.org/u/mallory'))).toContain("neither a post by codinghorror nor codinghorror's profile page");
    });

    it('refuses a code that is not on the page', async () => {
      const c = await claim(bob, DISCOURSE, 'codinghorror');
      pages.set(`${DISCOURSE}?plain`, discourseRaw);
      expect(await refusal(await verify(bob, c.claimId, `${DISCOURSE}?plain`))).toContain(`The code ${c.code} is not on the page`);
    });

    it('refuses a code in a post by someone else', async () => {
      const c = await claim(bob, AIRLINERS, 'VV');
      const url = `${AIRLINERS}&start=1`;
      const page = withCodeInPost(airlinersRaw, schmave, c.code);
      expect(extractText(page, AIRLINERS).posts.find((p) => p.text.includes(c.code))?.author.name).toBe('Schmave');
      pages.set(url, page);
      expect(await refusal(await verify(bob, c.claimId, url))).toBe('The code is in a post by Schmave, not by VV. Only VV can prove this identity, in a post of their own.');
      expect((await (await fetch(`${hub.url}/v1/identities`, { headers: authed(bob) })).json()).identities.map((i: { name: string }) => i.name)).not.toContain('VV');
    });

    it("refuses a code that only appears in a quote of the name's post", async () => {
      // VV's post quotes Schmave; the code goes into that quote alone, as an impersonator would place it.
      const c = await claim(bob, AIRLINERS, 'Schmave');
      const vv = airliners.posts.find((p) => p.id === '21899109')!;
      const quoted = vv.quotes[0]!.text.slice(0, 30);
      const at = airlinersRaw.indexOf(quoted, airlinersRaw.indexOf('id="p21899109"'));
      expect(at).toBeGreaterThan(0);
      const page = airlinersRaw.slice(0, at + quoted.length) + ` ${c.code} ` + airlinersRaw.slice(at + quoted.length);
      const read = extractText(page, AIRLINERS);
      expect(read.posts.find((p) => p.id === vv.id)!.quotes[0]!.text).toContain(c.code);
      expect(read.posts.some((p) => p.text.includes(c.code))).toBe(false);
      pages.set(`${AIRLINERS}&quoted`, page);
      expect(await refusal(await verify(bob, c.claimId, `${AIRLINERS}&quoted`))).toContain('not in the own words of a post by Schmave (a quote');
    });

    it('refuses a forged address: a copy on another host, a redirect to one, a file address', async () => {
      const c = await claim(bob, DISCOURSE, 'codinghorror');
      const copy = withCodeInPost(discourseRaw, coding, c.code);
      pages.set('https://forged.example/t/12483', copy);
      expect(await refusal(await verify(bob, c.claimId, 'https://forged.example/t/12483'))).toContain('The address is on forged.example, but the identity claimed is on meta.discourse.org');
      pages.set(`${DISCOURSE}?moved`, () => new Response(null, { status: 302, headers: { location: 'https://forged.example/t/12483' } }));
      expect(await refusal(await verify(bob, c.claimId, `${DISCOURSE}?moved`))).toContain('The page is on forged.example, but the identity claimed is on meta.discourse.org');
      expect(await refusal(await verify(bob, c.claimId, 'file:///etc/passwd'))).toContain('not the http or https address');
    });

    it('refuses when the page cannot be fetched: missing, unreachable, private, too large', async () => {
      const c = await claim(bob, DISCOURSE, 'codinghorror');
      expect(await refusal(await verify(bob, c.claimId, `${DISCOURSE}?gone`))).toContain('The forum answered 404');
      pages.set(`${DISCOURSE}?down`, () => {
        throw new TypeError('fetch failed');
      });
      expect(await refusal(await verify(bob, c.claimId, `${DISCOURSE}?down`))).toContain('could not be fetched (fetch failed)');
      const i = await claim(bob, 'https://intranet.example/', 'codinghorror');
      expect(await refusal(await verify(bob, i.claimId, 'https://intranet.example/t/1'))).toContain('is a private or local address');
      pages.set(`${DISCOURSE}?huge`, () => new Response('x'.repeat(3 * 1024 * 1024), { headers: { 'content-type': 'text/html' } }));
      expect(await refusal(await verify(bob, c.claimId, `${DISCOURSE}?huge`))).toContain('larger than');
    });
  });

  describe("authors' say", () => {
    /** Proves `name` on the authors' page with a proof page at `url`; returns the hidden claim fields. */
    async function proveOnPage(forum: string, name: string, url: string, raw: string, p: Thread['posts'][number]) {
      const start = await form('/authors/claim', { forum, name });
      expect(start.status).toBe(200);
      const html = await start.text();
      const code = /<code id="code">([^<]+)<\/code>/.exec(html)![1]!;
      pages.set(url, withCodeInPost(raw, p, code));
      const fields = { claim: field(html, 'claim')!, secret: field(html, 'secret')! };
      const done = await form('/authors/verify', { ...fields, url });
      const text = await done.text();
      expect(done.status, text).toBe(200);
      expect(text).toContain(`you are ${name} on`);
      return fields;
    }

    it('serves a plain page with a strict policy and forms that work without script', async () => {
      const res = await fetch(`${hub.url}/authors`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
      const html = await res.text();
      expect(html).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
      expect(html).toContain('action="/authors/claim"');
      // What a person types comes back escaped.
      const back = await (await form('/authors/claim', { forum: 'meta.discourse.org', name: '<img src=x onerror=alert(1)>' })).text();
      expect(back).not.toContain('<img');
      expect(back).toContain('&lt;img src=x onerror=alert(1)&gt;');
      // Bodies stay small, and a name with control characters is no name.
      expect((await form('/authors/claim', { forum: 'meta.discourse.org', name: 'x'.repeat(20_000) })).status).toBe(413);
      const bad = await form('/authors/claim', { forum: 'meta.discourse.org', name: 'ann\u0000' });
      expect(bad.status).toBe(422);
      expect(await bad.text()).toContain('Give your name as the forum shows it on your posts');
      expect((await post('/v1/reports', null, { entryId: 'x', category: 'privacy', details: 'a\u0000b' })).status).toBe(422);
    });

    it('refuses an action without the claim secret, and a proof by someone else', async () => {
      const start = await (await form('/authors/claim', { forum: AIRLINERS, name: 'VV' })).text();
      const claimId = field(start, 'claim')!;
      expect((await form('/authors/verify', { claim: claimId, secret: 'guessed', url: AIRLINERS })).status).toBe(403);
      expect((await form('/authors/remove', { claim: claimId, secret: 'guessed', confirm: 'yes' })).status).toBe(403);
      const code = /<code id="code">([^<]+)<\/code>/.exec(start)![1]!;
      pages.set(`${AIRLINERS}&start=2`, withCodeInPost(airlinersRaw, schmave, code));
      const wrong = await form('/authors/verify', { claim: claimId, secret: field(start, 'secret')!, url: `${AIRLINERS}&start=2` });
      expect(wrong.status).toBe(422);
      expect(await wrong.text()).toContain('The code is in a post by Schmave, not by VV.');
      // Not proven: nothing can be granted or removed on this claim.
      expect((await form('/authors/grant', { claim: claimId, secret: field(start, 'secret')!, license: 'CC-BY-4.0' })).status).toBe(403);
    });

    it('a grant made on the page stands as the author\'s permission record; a forged or other licence is refused', async () => {
      const fields = await proveOnPage(AIRLINERS, 'Schmave', `${AIRLINERS}&start=3`, airlinersRaw, schmave);
      const granted = await form('/authors/grant', { ...fields, license: 'CC-BY-SA-4.0' });
      expect(granted.status).toBe(201);
      const html = await granted.text();
      const grantId = /<code id="grant-id">([^<]+)</.exec(html)![1]!;
      const grantedAt = /<code id="grant-at">([^<]+)</.exec(html)![1]!;

      const withGrant = async (grant: { grantId: string; license: string; grantedAt: string }) => {
        const e = await oneAuthorEntry(airliners, schmave, 'author_opt_in', `Grant ${Math.random()}`);
        e.consent.permissions = [{ author: schmave.author, hubGrant: { hub: hub.url, ...grant } }];
        return e;
      };
      expect((await submit(bob, [await withGrant({ grantId, license: 'CC-BY-SA-4.0', grantedAt })])).status).toBe(202);
      const unknown = await submit(bob, [await withGrant({ grantId: '01FORGEDGRANT', license: 'CC-BY-SA-4.0', grantedAt })]);
      expect(JSON.stringify(await unknown.json())).toContain('no grant \\"01FORGEDGRANT\\" exists on this hub');
      const otherLicence = await submit(bob, [await withGrant({ grantId, license: 'CC0-1.0', grantedAt })]);
      expect(JSON.stringify(await otherLicence.json())).toContain('does not match the grant as recorded on this hub');
      // A grant is one author's: it cannot stand for another's posts.
      const e = await oneAuthorEntry(discourse, coding, 'author_opt_in', 'Borrowed grant');
      e.consent.permissions = [{ author: coding.author, hubGrant: { hub: hub.url, grantId, license: 'CC-BY-SA-4.0', grantedAt } }];
      expect(JSON.stringify(await (await submit(bob, [e])).json())).toContain('this grant was made by Schmave on airliners.net, so it cannot stand for codinghorror');
    });

    it('a removal takes every entry quoting the author out of the next release, tells the contributor, refuses new ones', async () => {
      // An entry quoting techAPJ and codinghorror, published; another by alice's proven self, untouched.
      const quoting = await qaEntry(discourse, { title: 'Quotes codinghorror' });
      expect((await submit(bob, [quoting])).status).toBe(202);
      await store.setState(quoting.id, 'accepted', null);
      await store.publishAccepted('r1');
      expect((await store.publishedPage(null, 1000)).map((e) => e.id)).toContain(quoting.id);

      const fields = await proveOnPage(DISCOURSE, 'codinghorror', `${DISCOURSE}/2?author`, discourseRaw, coding);
      const refused = await form('/authors/remove', fields);
      expect(refused.status).toBe(422); // the box not ticked
      const done = await form('/authors/remove', { ...fields, confirm: 'yes' });
      expect(done.status).toBe(200);
      expect(await done.text()).toMatch(/id="removed">\d+ entr(y quotes|ies quote) your posts/);

      const status = await (await fetch(`${hub.url}/v1/entries/${quoting.id}`, { headers: authed(bob) })).json();
      expect(status.state).toBe('withdrawn');
      expect(status.comment).toContain('an author whose posts this entry quotes asked on the hub');
      expect(status.removal).toEqual({ reason: 'author_request', at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
      const listed = (await (await fetch(`${hub.url}/v1/entries?mine=1`, { headers: authed(bob) })).json()).entries;
      expect(listed.find((x: { id: string }) => x.id === quoting.id).removal).toEqual(status.removal);
      expect(listed.filter((x: { removal?: unknown }) => !x.removal).length).toBeGreaterThan(0); // the others carry none
      await store.publishAccepted('r2');
      expect((await store.publishedPage(null, 1000)).map((e) => e.id)).not.toContain(quoting.id);
      const removals = await (await consentStoreFor(store)).entryRemovals();
      expect(removals).toContainEqual(expect.objectContaining({ entryId: quoting.id, reason: 'author_request' }));
      // alice's self entry quotes codinghorror too (it is alice's own post): it leaves as well.
      expect(removals.length).toBeGreaterThanOrEqual(2);

      const again = await submit(bob, [await qaEntry(discourse, { title: 'Quotes codinghorror again' })]);
      expect(JSON.stringify(await again.json())).toContain('codinghorror asked on this hub that their posts be left out');
    });
  });

  describe('reports', () => {
    it('anyone reports a published entry; a moderator removes or dismisses it once, and the outcome is kept', async () => {
      const e = await qaEntry(airliners, { title: 'Reported entry' });
      // qaEntry's permission posts are the two authors' own posts: valid author_opt_in on airliners.
      expect((await submit(alice, [e])).status).toBe(202);
      expect((await post('/v1/reports', null, { entryId: e.id, category: 'privacy', details: 'My address is in it.' })).status).toBe(404); // not published yet
      await store.setState(e.id, 'accepted', null);
      await store.publishAccepted('r3');
      expect((await post('/v1/reports', null, { entryId: e.id, category: 'spam' })).status).toBe(422);
      const sent = await post('/v1/reports', null, { entryId: e.id, category: 'privacy', details: 'My address is in it.' });
      expect(sent.status).toBe(201);
      const { reportId } = await sent.json();

      expect((await fetch(`${hub.url}/v1/reports`, { headers: authed(alice) })).status).toBe(403);
      const open = await (await fetch(`${hub.url}/v1/reports`, { headers: authed(mod) })).json();
      expect(open.reports).toContainEqual(expect.objectContaining({ id: reportId, entryId: e.id, category: 'privacy', outcome: null }));
      expect((await post(`/v1/reports/${reportId}/decision`, alice, { outcome: 'removed' })).status).toBe(403);
      expect((await post(`/v1/reports/${reportId}/decision`, mod, { outcome: 'maybe' })).status).toBe(422);
      const decided = await post(`/v1/reports/${reportId}/decision`, mod, { outcome: 'removed', comment: 'Holds a home address.' });
      expect(decided.status).toBe(200);
      expect(await decided.json()).toMatchObject({ id: reportId, outcome: 'removed', comment: 'Holds a home address.' });
      expect((await post(`/v1/reports/${reportId}/decision`, mod2, { outcome: 'dismissed' })).status).toBe(409);
      expect((await post('/v1/reports/01UNKNOWN/decision', mod2, { outcome: 'dismissed' })).status).toBe(404);

      expect((await store.entryStatus(e.id))!.state).toBe('withdrawn');
      expect(await (await consentStoreFor(store)).entryRemoval(e.id)).toMatchObject({ reason: 'privacy', cause: reportId });
      const decidedList = await (await fetch(`${hub.url}/v1/reports?decided=1`, { headers: authed(mod) })).json();
      expect(decidedList.reports[0]).toMatchObject({ id: reportId, outcome: 'removed' });
    });

    it('two moderators deciding one report at once: one decision stands, the other is told', async () => {
      const e = await qaEntry(airliners, { title: 'Reported twice' });
      expect((await submit(alice, [e])).status).toBe(202);
      await store.setState(e.id, 'accepted', null);
      await store.publishAccepted('r4');
      const { reportId } = await (await post('/v1/reports', null, { entryId: e.id, category: 'copyright' })).json();
      const [a, b] = await Promise.all([post(`/v1/reports/${reportId}/decision`, mod, { outcome: 'dismissed' }), post(`/v1/reports/${reportId}/decision`, mod2, { outcome: 'removed' })]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const winner = a.status === 200 ? 'dismissed' : 'removed';
      const removal = await (await consentStoreFor(store)).entryRemoval(e.id);
      expect(removal === null).toBe(winner === 'dismissed');
      expect((await store.entryStatus(e.id))!.state).toBe(winner === 'dismissed' ? 'published' : 'withdrawn');
    });
  });
});

describe('public writes are limited per address', () => {
  it('answers 429 with Retry-After once the budget is spent', async () => {
    const store = await openHubStore(join(mkdtempSync(join(tmpdir(), 'gleaner-identity-rl-')), 'hub.sqlite'));
    const hub = await serveStore(store, { consent: { publicRateLimit: { burst: 2, perMinute: 1 } } });
    try {
      const send = () => fetch(`${hub.url}/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ entryId: 'x', category: 'copyright' }) });
      expect((await send()).status).toBe(404);
      expect((await send()).status).toBe(404);
      const third = await send();
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      const page = await fetch(`${hub.url}/authors/claim`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'forum=a.example&name=x' });
      expect(page.status).toBe(429);
    } finally {
      await hub.stop();
      await store.close();
    }
  });
});

describe('codes expire', () => {
  it('refuses a code checked after a week, and says to ask for a new one', async () => {
    let t = Date.parse('2026-12-01T00:00:00Z');
    const store = await openHubStore(join(mkdtempSync(join(tmpdir(), 'gleaner-identity-exp-')), 'hub.sqlite'));
    const hub = await serveStore(store, { now: () => t, consent: { fetch: { fetch: fakeFetch, resolve: resolveHost } } });
    try {
      const token = (await store.addContributor('carol')).token;
      const c = await (await fetch(`${hub.url}/v1/identities/claims`, { method: 'POST', headers: authed(token), body: JSON.stringify({ forum: DISCOURSE, name: 'codinghorror' }) })).json();
      pages.set(`${DISCOURSE}/2?late`, withCodeInPost(discourseRaw, coding, c.code));
      t += 8 * 24 * 3600_000;
      const res = await fetch(`${hub.url}/v1/identities/claims/${c.claimId}/verify`, { method: 'POST', headers: authed(token), body: JSON.stringify({ url: `${DISCOURSE}/2?late` }) });
      expect(res.status).toBe(422);
      expect((await res.json()).detail).toBe(`The code ${c.code} expired at ${c.expiresAt}. Ask for a new code.`);
    } finally {
      await hub.stop();
      await store.close();
    }
  });
});

describe('the fetcher', () => {
  let server: ReturnType<typeof createServer>;
  let origin: string;
  const agents: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      agents.push(req.headers['user-agent'] ?? '');
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 3000);
      if (req.url === '/pdf') return void res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF');
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hello</p>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

  const refusedWith = async (p: Promise<unknown>) => {
    const e = await p.then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(PageFetchError);
    return (e as Error).message;
  };

  it('refuses this machine unless the hub was started for tests, and says who is asking', async () => {
    expect(await refusedWith(fetchPage(`${origin}/`))).toContain('127.0.0.1" is a private or local address');
    expect(await refusedWith(fetchPage('http://[::1]:9/'))).toContain('private or local address');
    expect((await fetchPage(`${origin}/`, { allowPrivate: true })).text).toBe('<p>hello</p>');
    expect(agents.at(-1)).toMatch(/^GleanerHub\/1 \(/);
  });

  it('checks the address again when it connects: a name that answered public, then local (rebinding), is refused', async () => {
    const port = new URL(origin).port;
    // The first resolution (the check before the request) says public; the connection resolves localhost for real.
    const msg = await refusedWith(fetchPage(`http://localhost:${port}/`, { resolve: async () => ['93.184.216.34'] }));
    expect(msg).toContain('"localhost" is a private or local address');
    expect((await fetchPage(`http://localhost:${port}/`, { allowPrivate: true })).text).toBe('<p>hello</p>');
  });

  it('gives up after its time limit, and on what is not a page', async () => {
    expect(await refusedWith(fetchPage(`${origin}/slow`, { allowPrivate: true, timeoutMs: 300 }))).toContain('did not answer within');
    expect(await refusedWith(fetchPage(`${origin}/pdf`, { allowPrivate: true }))).toContain('"application/pdf", not a web page');
    expect(await refusedWith(fetchPage('ftp://example.org/x'))).toContain('"ftp:" addresses cannot be checked');
  });
});
