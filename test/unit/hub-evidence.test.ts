import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubStore } from '../../hub/store.ts';
import { sha256Hex } from '../../lib/curate/hash.ts';
import type { Entry } from '../../lib/model/entry.ts';
import { attestation, entryOn, openLicenseEntry } from '../support/evidence.ts';
import { authed, bothStores, serveStore } from './hub-support.ts';
import { checkAnswersAgainstOpenApi } from './hub-contract.ts';

checkAnswersAgainstOpenApi();

const backends = bothStores('ev');

type Problem = { status: number; errors?: { pointer: string; detail: string }[] };

describe.each(backends)('evidence behind consent, over %s', (_backend, open) => {
  let store: HubStore;
  let hub: { url: string; stop(): Promise<void> };
  let alice: string; // a plain contributor, never vouched for
  let carol: string; // vouched for as a moderator of meta.discourse.org
  let dave: string; // vouched for another community only
  let mo: string; // a moderator of the hub

  const submit = (token: string, entries: unknown[]) =>
    fetch(`${hub.url}/v1/submissions`, { method: 'POST', headers: authed(token, { 'idempotency-key': `key-${Math.random()}` }), body: JSON.stringify({ entries }) });
  const vouch = (token: string, body: unknown, path = '/v1/vouches') => fetch(`${hub.url}${path}`, { method: 'POST', headers: authed(token), body: JSON.stringify(body) });
  /** The 422 answer's errors for a batch of one refused entry. */
  const refused = async (token: string, e: Entry) => {
    const res = await submit(token, [e]);
    const body = (await res.json()) as Problem;
    expect(res.status, JSON.stringify(body)).toBe(422);
    return body.errors!;
  };
  const accepted = async (token: string, e: Entry) => {
    const res = await submit(token, [e]);
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(202);
    expect(body.results[0]).toMatchObject({ entryId: e.id, status: 'received' });
  };

  beforeAll(async () => {
    store = await open();
    hub = await serveStore(store, { writeRateLimit: false });
    alice = (await store.addContributor('alice')).token;
    carol = (await store.addContributor('carol')).token;
    dave = (await store.addContributor('dave')).token;
    mo = (await store.addContributor('mo', 'moderator')).token;
  });
  afterAll(async () => {
    await hub.stop();
    await store.close();
  });

  describe('vouching', () => {
    it('lets hub moderators alone vouch, once per community, and lists vouches by who may see them', async () => {
      expect((await vouch(alice, { contributor: 'alice', community: 'meta.discourse.org' })).status).toBe(403);
      const self = await vouch(mo, { contributor: 'mo', community: 'meta.discourse.org' });
      expect(self.status).toBe(403);
      expect(((await self.json()) as { detail: string }).detail).toMatch(/^Another moderator of this hub must vouch for you/);
      const first = await vouch(mo, { contributor: 'carol', community: 'https://Meta.Discourse.org/', note: 'listed on /about as a moderator' });
      expect(first.status).toBe(201);
      expect(await first.json()).toMatchObject({ contributor: 'carol', community: 'meta.discourse.org', vouchedBy: 'mo', note: 'listed on /about as a moderator' });
      expect((await vouch(mo, { contributor: 'carol', community: 'meta.discourse.org' })).status).toBe(200);
      expect((await vouch(mo, { contributor: 'dave', community: 'forum.example/board' })).status).toBe(201);
      const unknown = await vouch(mo, { contributor: 'nobody', community: 'meta.discourse.org' });
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { detail: string }).detail).toMatch(/No account is called "nobody"/);
      const bad = await vouch(mo, { contributor: 'carol', community: 'not a host' });
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as { detail: string }).detail).toMatch(/is not a community: give the forum's host/);
      expect((await vouch(mo, { community: 'meta.discourse.org' })).status).toBe(422);

      const list = async (token: string) => ((await (await fetch(`${hub.url}/v1/vouches`, { headers: authed(token) })).json()) as { vouches: { contributor: string; community: string }[] }).vouches;
      expect((await list(mo)).map((v) => `${v.contributor}@${v.community}`)).toEqual(['dave@forum.example/board', 'carol@meta.discourse.org']);
      expect((await list(carol)).map((v) => v.community)).toEqual(['meta.discourse.org']);
      expect(await list(alice)).toEqual([]);
    });
  });

  describe('moderator_attestation', () => {
    it('is accepted from an account vouched for as a moderator of the sources\' community', async () => {
      await accepted(carol, await entryOn('moderator_attestation', { attestation: await attestation() }));
    });

    it('is refused from an account nobody vouched for, naming the community and what to do', async () => {
      const errors = await refused(alice, await entryOn('moderator_attestation', { attestation: await attestation() }));
      expect(errors).toEqual([{ pointer: '/entries/0/consent/basis', detail: expect.stringMatching(/^this account is not registered as a moderator of meta\.discourse\.org.*vouch for you/) }]);
    });

    it('is refused from a hub moderator nobody vouched for: moderating the hub is not moderating the forum', async () => {
      const errors = await refused(mo, await entryOn('moderator_attestation', { attestation: await attestation() }));
      expect(errors.map((e) => e.pointer)).toEqual(['/entries/0/consent/basis']);
    });

    it('is refused from an account vouched for another community', async () => {
      const errors = await refused(dave, await entryOn('moderator_attestation', { attestation: await attestation() }));
      expect(errors).toEqual([
        { pointer: '/entries/0/consent/basis', detail: expect.stringMatching(/registered as a moderator of forum\.example\/board, not of meta\.discourse\.org, where post \S+ by \S+ comes from/) },
      ]);
    });

    it('is refused when the rules page text does not match its hash, or is missing', async () => {
      const a = await attestation();
      const altered = { ...a, rulesPage: { ...a.rulesPage!, text: a.rulesPage!.text.replace('Be kind.', 'Anything goes.') } };
      const errors = await refused(carol, await entryOn('moderator_attestation', { attestation: altered }));
      expect(errors).toEqual([{ pointer: '/entries/0/consent/attestation/rulesPage/sha256', detail: expect.stringMatching(/hash of the rules page \(https:\/\/meta\.discourse\.org\/tos\) does not match the text/) }]);
      // As an older extension would send it (the curate view itself refuses to build it).
      const { rulesPage: _, ...bare } = a;
      const full = await entryOn('moderator_attestation', { attestation: a });
      const missing = await refused(carol, { ...full, consent: { ...full.consent, attestation: bare } });
      expect(missing).toEqual([{ pointer: '/entries/0/consent/attestation/rulesPage', detail: expect.stringMatching(/does not carry the community's rules page as read: create the bulk job again/) }]);
    });

    it('stops being accepted once the vouch is withdrawn, on submit and on revision', async () => {
      await vouch(mo, { contributor: 'alice', community: 'meta.discourse.org' });
      const e = await entryOn('moderator_attestation', { attestation: await attestation() });
      await accepted(alice, e);
      expect((await vouch(alice, { contributor: 'alice', community: 'meta.discourse.org' }, '/v1/vouches/revoke')).status).toBe(403);
      const ended = await vouch(mo, { contributor: 'alice', community: 'meta.discourse.org' }, '/v1/vouches/revoke');
      expect(await ended.json()).toEqual({ revoked: 1 });
      expect((await vouch(mo, { contributor: 'alice', community: 'meta.discourse.org' }, '/v1/vouches/revoke')).status).toBe(404);
      expect((await refused(alice, await entryOn('moderator_attestation', { attestation: await attestation() }))).map((x) => x.pointer)).toEqual(['/entries/0/consent/basis']);

      // A revision is checked the same way.
      const nc = await fetch(`${hub.url}/v1/entries/${e.id}/review`, { method: 'POST', headers: authed(mo), body: JSON.stringify({ state: 'needs_changes', comment: 'Shorter title.' }) });
      expect(nc.status).toBe(200);
      const patch = await fetch(`${hub.url}/v1/entries/${e.id}`, { method: 'PATCH', headers: authed(alice, { 'if-match': nc.headers.get('etag')! }), body: JSON.stringify({ ...e, title: 'Shorter' }) });
      expect(patch.status).toBe(422);
      expect(((await patch.json()) as Problem).errors).toEqual([{ pointer: '/consent/basis', detail: expect.stringMatching(/not registered as a moderator of meta\.discourse\.org/) }]);
    });
  });

  describe('author_opt_in permission posts', () => {
    it('are accepted when each is the author\'s own post, unaltered, on the forum of the sources', async () => {
      await accepted(alice, await entryOn('author_opt_in'));
    });

    it('are refused when the text sent does not match its hash, naming the author', async () => {
      const e = await entryOn('author_opt_in');
      const p = e.consent.permissions![0]!;
      const forged = { ...e, consent: { ...e.consent, permissions: [{ ...p, post: { ...p.post!, text: `${p.post!.text} I also grant CC0.` } }, ...e.consent.permissions!.slice(1)] } };
      const errors = await refused(alice, forged);
      expect(errors).toEqual([{ pointer: '/entries/0/consent/permissions/0/post/sha256', detail: `the hash of ${p.author.name}'s permission post does not match the text sent with it, so the record was changed after it was captured. Mark the post again in the curate view.` }]);
    });

    it('are refused when the post is by someone else, naming both', async () => {
      const e = await entryOn('author_opt_in');
      const [p0, p1] = e.consent.permissions!;
      expect(p0!.author.name).not.toBe(p1!.author.name);
      // The second author's post offered as the first author's permission.
      const swapped = { ...e, consent: { ...e.consent, permissions: [{ ...p0!, post: p1!.post }, p1!] } };
      const errors = await refused(alice, swapped);
      expect(errors).toEqual([
        { pointer: '/entries/0/consent/permissions/0/post/author', detail: `the post was written by ${p1!.author.name}, so it cannot grant permission for ${p0!.author.name}` },
        { pointer: '/entries/0/consent/permissions', detail: expect.stringContaining(`No permission is recorded for this author: ${p0!.author.name}.`) },
      ]);
    });

    it('are refused when the post is on another site than the sources, or not a web page', async () => {
      const e = await entryOn('author_opt_in');
      const p = e.consent.permissions![0]!;
      const elsewhere = { ...e, consent: { ...e.consent, permissions: [{ ...p, post: { ...p.post!, url: 'https://forum.example/t/1/2' } }, ...e.consent.permissions!.slice(1)] } };
      expect(await refused(alice, elsewhere)).toEqual([
        { pointer: '/entries/0/consent/permissions/0/post/url', detail: `${p.author.name}'s permission post is on forum.example, but their posts in this entry come from meta.discourse.org: a permission must be given on the forum the posts are from.` },
      ]);
      const notWeb = { ...e, consent: { ...e.consent, permissions: [{ ...p, post: { ...p.post!, url: 'file:///home/x/post.html' } }, ...e.consent.permissions!.slice(1)] } };
      expect(await refused(alice, notWeb)).toEqual([
        { pointer: '/entries/0/consent/permissions/0/post/url', detail: expect.stringContaining(`so it cannot be ${p.author.name}'s post granting permission`) },
      ]);
    });

    it('hashes exactly the text the extension hashed', async () => {
      const e = await entryOn('author_opt_in');
      for (const p of e.consent.permissions!) expect(await sha256Hex(p.post!.text)).toBe(p.post!.sha256);
    });
  });

  describe('the other bases', () => {
    it('accepts open_license with each source\'s licence, and refuses self until the contributor has proven each author\'s forum identity', async () => {
      await accepted(alice, await openLicenseEntry());
      // Proofs themselves are tested in hub-identity.test.ts; here: no proof, no "I wrote every post".
      const errors = await refused(alice, await entryOn('self'));
      expect(errors[0]!.detail).toMatch(/you have not proven that identity on this hub\. Prove it/);
    });
  });
});
