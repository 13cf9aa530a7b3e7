import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePage } from '../../lib/extract/index.ts';
import type { Post, Thread } from '../../lib/model/thread.ts';
import { buildEntry } from '../../lib/curate/entry.ts';
import { consentStatement } from '../../lib/license/statements.ts';
import { findHubGrants, hubGrantRecord } from '../../lib/hub/grants.ts';
import type { HubStore } from '../../hub/store.ts';
import { consentStoreFor, type ConsentGrantRow } from '../../hub/consent-store.ts';
import { corpusBytes } from '../support/corpus.ts';
import { extractText } from '../support/extract.ts';
import { serveStore, authed, bothStores } from './hub-support.ts';
import { checkAnswersAgainstOpenApi } from './hub-contract.ts';

/**
 * The grant lookup (`GET /v1/grants`) on both stores, read through the extension's own client, and an
 * author_opt_in entry built on a grant found there going into the hub. Grants are written into the
 * consent store directly: how an author makes one on the authors' page is tested in hub-identity.
 */
checkAnswersAgainstOpenApi();

const AIRLINERS = 'https://www.airliners.net/forum/viewtopic.php?t=1437935';
const airliners: Thread = extractText(decodePage(corpusBytes('phpbb/airliners-viewtopic-1437935.html')), AIRLINERS);
const schmave = airliners.posts.find((p) => p.author.name === 'Schmave')!;
const other = airliners.posts.find((p) => p.author.name !== 'Schmave' && p.author.url)!;

const grant = (id: string, over: Partial<ConsentGrantRow>): ConsentGrantRow => ({
  id,
  proofId: `proof-${id}`,
  forum: 'airliners.net',
  name: 'Schmave',
  profileUrl: schmave.author.url,
  license: 'CC-BY-SA-4.0',
  grantedAt: '2026-12-01T10:00:00.000Z',
  ...over,
});

async function optInEntry(post: Post, hubGrants: Parameters<typeof buildEntry>[1]['consent']['hubGrants'], license = 'CC-BY-SA-4.0') {
  const statement = consentStatement('author_opt_in', license);
  return buildEntry(
    { kind: 'strategy', title: `On a grant ${Math.random()}`, topic: 'Airliners', tags: [], body: { text: post.text.slice(0, 2000), postIds: [post.id] } },
    { thread: airliners, now: new Date(), extensionVersion: 'test', consent: { grant: license, basis: 'author_opt_in', hubGrants, statement: statement.text, statementVersion: statement.version, who: 'tester', agreed: true } },
  );
}

describe.each(bothStores('grants'))('grant lookup over %s', (_backend, open) => {
  let store: HubStore;
  let hub: { url: string; stop(): Promise<void> };
  let token: string;

  beforeAll(async () => {
    store = await open();
    hub = await serveStore(store, { writeRateLimit: false, fourEyes: false });
    token = (await store.addContributor('carol')).token;
    const cs = await consentStoreFor(store);
    await cs.addGrant(grant('01OLDER', { license: 'CC-BY-4.0', grantedAt: '2026-11-02T09:00:00.000Z' }));
    await cs.addGrant(grant('01NEWER', {}));
    // Someone else on the same forum, the same name on another forum, the same name with another profile.
    await cs.addGrant(grant('01OTHERAUTHOR', { name: other.author.name, profileUrl: other.author.url }));
    await cs.addGrant(grant('01OTHERFORUM', { forum: 'meta.discourse.org', profileUrl: 'https://meta.discourse.org/u/Schmave' }));
    await cs.addGrant(grant('01IMPOSTOR', { profileUrl: 'https://www.airliners.net/forum/memberlist.php?mode=viewprofile&u=999999999' }));
  });
  afterAll(async () => {
    await hub.stop();
    await store.close();
  });

  it("answers the author's own grants on that forum, newest first, with no more than the receipt needs", async () => {
    const r = await findHubGrants({ url: hub.url, token }, { postUrl: schmave.permalink ?? AIRLINERS, author: schmave.author });
    expect(r.ok, r.ok ? '' : r.reason).toBe(true);
    if (!r.ok) return;
    expect(r.grants.map((g) => g.grantId)).toEqual(['01NEWER', '01OLDER']);
    expect(r.grants[0]).toEqual({ grantId: '01NEWER', license: 'CC-BY-SA-4.0', grantedAt: '2026-12-01T10:00:00.000Z', forum: 'airliners.net', name: 'Schmave', profileUrl: schmave.author.url });
    expect(hubGrantRecord(hub.url, r.grants[0]!)).toEqual({ hub: hub.url, grantId: '01NEWER', license: 'CC-BY-SA-4.0', grantedAt: '2026-12-01T10:00:00.000Z' });
  });

  it('without a profile address on the page, the name alone matches (case and spacing aside)', async () => {
    const r = await findHubGrants({ url: hub.url, token }, { postUrl: AIRLINERS, author: { name: '  schmave ', url: null } });
    expect(r.ok && r.grants.map((g) => g.grantId).sort()).toEqual(['01IMPOSTOR', '01NEWER', '01OLDER']);
    const nobody = await findHubGrants({ url: hub.url, token }, { postUrl: AIRLINERS, author: { name: 'NobodyHere', url: null } });
    expect(nobody).toEqual({ ok: true, grants: [] });
  });

  it('an entry resting on a grant found here goes in; under another licence the extension refuses it first', async () => {
    const r = await findHubGrants({ url: hub.url, token }, { postUrl: AIRLINERS, author: schmave.author });
    if (!r.ok) throw new Error(r.reason);
    const built = await optInEntry(schmave, [{ author: schmave.author, grant: hubGrantRecord(hub.url, r.grants[0]!) }]);
    expect(built.ok, built.ok ? '' : built.errors.join('\n')).toBe(true);
    if (!built.ok) return;
    expect(built.entry.consent.permissions).toEqual([{ author: schmave.author, hubGrant: { hub: hub.url, grantId: '01NEWER', license: 'CC-BY-SA-4.0', grantedAt: '2026-12-01T10:00:00.000Z' } }]);
    const res = await fetch(`${hub.url}/v1/submissions`, { method: 'POST', headers: authed(token, { 'idempotency-key': `grant-${Math.random()}` }), body: JSON.stringify({ entries: [built.entry] }) });
    expect(res.status, await res.clone().text()).toBe(202);

    const older = await optInEntry(schmave, [{ author: schmave.author, grant: hubGrantRecord(hub.url, r.grants[1]!) }]);
    expect(older.ok).toBe(false);
    expect(older.ok ? [] : older.errors).toContain(
      "Schmave granted permission on the hub under CC-BY-4.0, but this entry is licensed CC-BY-SA-4.0: a grant covers only the licence its author chose. Choose CC-BY-4.0 as the entry's licence, or mark a post in which Schmave grants permission for CC-BY-SA-4.0.",
    );
  });

  it('asks for a token and for a forum and a name', async () => {
    const q = `${hub.url}/v1/grants?forum=airliners.net&name=Schmave`;
    expect((await fetch(q)).status).toBe(401);
    const missing = await fetch(`${hub.url}/v1/grants?forum=airliners.net`, { headers: authed(token) });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { detail: string }).detail).toMatch(/name=<the author's name as the forum shows it>/);
    expect((await fetch(`${hub.url}/v1/grants?forum=ftp%3A%2F%2Fx&name=Schmave`, { headers: authed(token) })).status).toBe(422);
    const refused = await findHubGrants({ url: hub.url, token: 'not-a-token' }, { postUrl: AIRLINERS, author: schmave.author });
    expect(refused).toEqual({ ok: false, reason: 'The hub did not accept your token, so its grants could not be looked up. Pair with the hub again in the options.' });
  });
});

describe('grant lookup client, failures in words', () => {
  const cfg = { url: 'http://hub.test', token: 't' };
  const who = { postUrl: AIRLINERS, author: schmave.author };

  it('sends the forum, the name and the profile address, with the token', async () => {
    let seen: { url: string; auth: string } | null = null;
    await findHubGrants(cfg, who, async (url, init) => {
      seen = { url, auth: new Headers(init?.headers).get('authorization') ?? '' };
      return Response.json({ grants: [] });
    });
    const u = new URL(seen!.url);
    expect(u.pathname).toBe('/v1/grants');
    expect([u.searchParams.get('forum'), u.searchParams.get('name'), u.searchParams.get('profileUrl')]).toEqual([AIRLINERS, 'Schmave', schmave.author.url]);
    expect(seen!.auth).toBe('Bearer t');
  });

  it('says what went wrong: hub down, an older hub, an answer it cannot read', async () => {
    const down = await findHubGrants(cfg, who, async () => {
      throw new TypeError('fetch failed');
    });
    expect(down).toEqual({ ok: false, reason: 'The hub at http://hub.test could not be reached (fetch failed), so its grants could not be looked up.' });
    expect(await findHubGrants(cfg, who, async () => new Response('no', { status: 404 }))).toEqual({ ok: false, reason: 'This hub does not offer a grant lookup (it may be an older version).' });
    expect(await findHubGrants(cfg, who, async () => Response.json({ grants: [{ grantId: 1 }] }))).toEqual({ ok: false, reason: 'The hub answered the grant lookup with something Gleaner does not understand.' });
    const problem = await findHubGrants(cfg, who, async () => Response.json({ type: 'about:blank', title: 'Invalid lookup', status: 422, detail: 'Send ?forum=…' }, { status: 422 }));
    expect(problem).toEqual({ ok: false, reason: 'Send ?forum=…' });
  });
});
