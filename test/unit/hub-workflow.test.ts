import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub, type RunningHub } from '../support/hub.ts';
import { qaEntry } from '../support/entries.ts';
import { contentHash } from '../../lib/curate/hash.ts';
import type { HubStore } from '../../hub/store.ts';
import { SqliteHubStore } from '../../hub/store-sqlite.ts';
import { serveStore, authed, bothStores } from './hub-support.ts';
import { checkAnswersAgainstOpenApi } from './hub-contract.ts';

checkAnswersAgainstOpenApi();

const backends = bothStores('wf');

describe.each(backends)('over %s', (_backend, open) => {
  let store: HubStore;
  let hub: { url: string; stop(): Promise<void> };
  let alice: string;
  let bob: string;
  let mod: string;

  const submit = (token: string, entries: unknown[], key = `key-${Math.random()}`) =>
    fetch(`${hub.url}/v1/submissions`, { method: 'POST', headers: authed(token, { 'idempotency-key': key }), body: JSON.stringify({ entries }) });
  const get = (path: string, token: string, headers: Record<string, string> = {}) => fetch(`${hub.url}${path}`, { headers: authed(token, headers) });
  const review = (id: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${hub.url}/v1/entries/${id}/review`, { method: 'POST', headers: authed(token, headers), body: JSON.stringify(body) });

  async function submitted(token = alice, title?: string) {
    const e = await qaEntry(undefined, title ? { title } : {});
    expect((await submit(token, [e])).status).toBe(202);
    return e;
  }

  beforeAll(async () => {
    store = await open();
    hub = await serveStore(store, { writeRateLimit: false });
    alice = (await store.addContributor('alice')).token;
    bob = (await store.addContributor('bob')).token;
    mod = (await store.addContributor('mo', 'moderator')).token;
  });
  afterAll(async () => {
    await hub.stop();
    await store.close();
  });

  describe('review workflow', () => {
    it('moves received → in_review → needs_changes; the contributor revises with If-Match; accepted after', async () => {
      const e = await submitted();
      const first = await get(`/v1/entries/${e.id}`, alice);
      expect(first.headers.get('etag')).toBe('"r1"');
      expect((await review(e.id, mod, { state: 'in_review' })).status).toBe(200);
      expect((await review(e.id, mod, { state: 'needs_changes' })).status).toBe(422); // a comment is required
      const nc = await review(e.id, mod, { state: 'needs_changes', comment: 'Name the year in the title.' }, { 'if-match': '"r2"' });
      expect(nc.status).toBe(200);
      expect(nc.headers.get('etag')).toBe('"r3"');

      const revised = { ...(await qaEntry(undefined, { title: 'Most stars in the 2013 GitHub Octoverse' })), id: e.id };
      const patch = (headers: Record<string, string>, body: unknown = revised, token = alice) =>
        fetch(`${hub.url}/v1/entries/${e.id}`, { method: 'PATCH', headers: authed(token, headers), body: JSON.stringify(body) });
      expect((await patch({})).status).toBe(428);
      expect((await patch({ 'if-match': '"r1"' })).status).toBe(412);
      expect((await patch({ 'if-match': '"r3"' }, revised, bob)).status).toBe(404);
      const wrongId = await patch({ 'if-match': '"r3"' }, { ...revised, id: 'another-id' });
      expect(wrongId.status).toBe(422);
      expect((await wrongId.json()).errors).toEqual([{ pointer: '/id', detail: expect.stringContaining(e.id) }]);
      const ok = await patch({ 'if-match': '"r3"' });
      expect(ok.status).toBe(200);
      const s = await ok.json();
      expect(s).toMatchObject({ state: 'received', revision: 4, title: revised.title, comment: null, revisionOf: { revision: 3, contentSha256: e.contentSha256 } });
      expect(s.history.map((h: { state: string }) => h.state)).toEqual(['received', 'in_review', 'needs_changes', 'received']);
      expect((await patch({ 'if-match': '"r4"' })).status).toBe(409); // no longer needs changes

      expect((await review(e.id, mod, { state: 'accepted' }, { 'if-match': '"r3"' })).status).toBe(412); // stale moderator view
      expect((await review(e.id, mod, { state: 'accepted' })).status).toBe(200);
      expect((await store.entryRecord(e.id))?.title).toBe(revised.title);
    });

    it('refuses moves the workflow does not allow, and reviews from non-moderators', async () => {
      const e = await submitted();
      expect((await review(e.id, alice, { state: 'accepted' })).status).toBe(403);
      expect((await review(e.id, mod, { state: 'rejected', comment: 'Off topic.' })).status).toBe(200);
      const again = await review(e.id, mod, { state: 'accepted' });
      expect(again.status).toBe(409);
      expect((await again.json()).detail).toBe('An entry that is rejected cannot move to accepted.');
      expect((await review(e.id, mod, { state: 'published' })).status).toBe(422);
      expect((await fetch(`${hub.url}/v1/queue`, { headers: authed(alice) })).status).toBe(403);
    });

    it('lets the contributor (only) withdraw an entry until it is final', async () => {
      const e = await submitted();
      const withdraw = (token: string) => fetch(`${hub.url}/v1/entries/${e.id}/withdraw`, { method: 'POST', headers: authed(token) });
      expect((await withdraw(bob)).status).toBe(404);
      expect((await withdraw(mod)).status).toBe(404);
      const w = await withdraw(alice);
      expect(w.status).toBe(200);
      expect((await w.json()).state).toBe('withdrawn');
      expect((await withdraw(alice)).status).toBe(409);
      expect((await review(e.id, mod, { state: 'accepted' })).status).toBe(409);
    });

    it("answers 404 for another contributor's entry and lets moderators read any", async () => {
      const e = await submitted(bob);
      expect((await get(`/v1/entries/${e.id}`, alice)).status).toBe(404);
      expect((await get(`/v1/entries/${e.id}`, mod)).status).toBe(200);
      const q = await (await get('/v1/queue', mod)).json();
      expect(q.entries.find((i: { status: { id: string } }) => i.status.id === e.id)).toMatchObject({ contributor: 'bob', entry: { id: e.id, consent: { basis: 'author_opt_in' } } });
    });
  });

  describe('polite polling', () => {
    it('answers 304 to an unchanged If-None-Match, and a new ETag once anything of mine changes', async () => {
      const e = await submitted();
      const r1 = await get('/v1/entries?mine=1', alice);
      const etag = r1.headers.get('etag')!;
      expect(etag).toMatch(/^W\/".+"$/);
      const r2 = await get('/v1/entries?mine=1', alice, { 'if-none-match': etag });
      expect(r2.status).toBe(304);
      expect(await r2.text()).toBe('');
      await submitted(bob); // someone else's change does not disturb my ETag
      expect((await get('/v1/entries?mine=1', alice, { 'if-none-match': etag })).status).toBe(304);
      await review(e.id, mod, { state: 'in_review' });
      const r3 = await get('/v1/entries?mine=1', alice, { 'if-none-match': etag });
      expect(r3.status).toBe(200);
      expect(r3.headers.get('etag')).not.toBe(etag);
      const single = await get(`/v1/entries/${e.id}`, alice, { 'if-none-match': '"r2"' });
      expect(single.status).toBe(304);
    });

    it('returns only what changed with since=', async () => {
      const e1 = await submitted();
      const e2 = await submitted();
      const base = await (await get('/v1/entries?mine=1&limit=200', alice)).json();
      expect(base.nextSince).toMatch(/^\d+$/);
      expect((await (await get(`/v1/entries?mine=1&since=${base.nextSince}`, alice)).json()).entries).toEqual([]);
      await review(e2.id, mod, { state: 'accepted' });
      const delta = await (await get(`/v1/entries?mine=1&since=${base.nextSince}`, alice)).json();
      expect(delta.entries.map((x: { id: string; state: string }) => [x.id, x.state])).toEqual([[e2.id, 'accepted']]);
      expect(Number(delta.nextSince)).toBeGreaterThan(Number(base.nextSince));
      expect(delta.entries[0].contributorId).toBeUndefined();
      expect((await get('/v1/entries?mine=1&since=abc', alice)).status).toBe(400);
      expect(e1.id).not.toBe(e2.id);
    });
  });

});

let hub: RunningHub;
let alice: string;
beforeAll(async () => {
  hub = await startHub({ writeRateLimit: false });
  alice = hub.store.addContributor('alice').token;
});
afterAll(() => hub.stop());
const submit = (token: string, entries: unknown[], key = `key-${Math.random()}`) =>
  fetch(`${hub.url}/v1/submissions`, { method: 'POST', headers: authed(token, { 'idempotency-key': key }), body: JSON.stringify({ entries }) });
const get = (path: string, token: string) => fetch(`${hub.url}${path}`, { headers: authed(token) });

describe('limits', () => {
  it('rate-limits writes per token with 429 and Retry-After, without slowing other tokens', async () => {
    let t = 1_000_000;
    const store = new SqliteHubStore(join(mkdtempSync(join(tmpdir(), 'gleaner-rl-')), 'hub.sqlite'));
    const local = await serveStore(store, { writeRateLimit: { burst: 3, perMinute: 6 }, now: () => t });
    try {
      const a = store.addContributor('a').token;
      const b = store.addContributor('b').token;
      const e = await qaEntry();
      const send = (token: string) => fetch(`${local.url}/v1/submissions`, { method: 'POST', headers: authed(token, { 'idempotency-key': `rl-${Math.random()}` }), body: JSON.stringify({ entries: [e] }) });
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await send(a)).status);
      expect(codes).toEqual([202, 202, 202, 429]);
      const limited = await send(a);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('10'); // 6 per minute: one every 10 s
      expect(limited.headers.get('content-type')).toBe('application/problem+json');
      expect((await send(b)).status).toBe(202);
      expect((await fetch(`${local.url}/v1/entries?mine=1`, { headers: authed(a) })).status).toBe(200); // reads are not limited
      t += 10_000;
      expect((await send(a)).status).toBe(202);
    } finally {
      await local.stop();
      store.close();
    }
  });

  it('refuses over-long fields with a pointer to each, and too many entries with 413', async () => {
    const e = await qaEntry();
    const long = { ...e, title: 'T'.repeat(301), messages: [e.messages[0]!, { role: 'assistant' as const, content: 'a'.repeat(50_001) }] };
    long.contentSha256 = await contentHash(long.messages);
    const res = await submit(alice, [long]);
    expect(res.status).toBe(422);
    const p = await res.json();
    expect(p.errors).toEqual([
      { pointer: '/entries/0/title', detail: 'is 301 characters long; the hub accepts at most 300' },
      { pointer: '/entries/0/messages/1/content', detail: 'is 50001 characters long; the hub accepts at most 50000' },
    ]);
    const tooMany = await submit(alice, Array.from({ length: 101 }, () => e));
    expect(tooMany.status).toBe(413);
  });
});

describe('pairing and revocation', () => {
  it('exchanges a code from `hub pair-code` for a token once; `hub revoke` stops it', async () => {
    // Asynchronously: a synchronous child blocks this process, hub included, and a keep-alive socket
    // the hub's timer closes right after the block ends would be reused by the next request (ECONNRESET).
    const cli = async (...args: string[]) => (await promisify(execFile)(process.execPath, ['--import', 'tsx', 'hub/cli.ts', ...args, '--db', hub.dbFile], { encoding: 'utf8' })).stdout;
    const code = (await cli('pair-code', 'pat')).trimEnd().split('\n').at(-1)!;
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const pair = (c: string) => fetch(`${hub.url}/v1/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: c }) });
    const res = await pair(code);
    expect(res.status).toBe(201);
    const { token, contributor } = await res.json();
    expect(contributor).toEqual({ name: 'pat', role: 'contributor' });
    expect((await get('/v1/entries?mine=1', token)).status).toBe(200);
    const reuse = await pair(code);
    expect(reuse.status).toBe(400);
    expect((await reuse.json()).detail).toMatch(/already used or expired/);

    expect(await cli('revoke', 'pat')).toMatch(/Revoked 1 token/);
    const after = await get('/v1/entries?mine=1', token);
    expect(after.status).toBe(401);
    expect((await after.json()).detail).toMatch(/revoked/);
  }, 120_000); // three CLI processes: generous under a loaded machine

  it('limits pairing attempts per address', async () => {
    const store = new SqliteHubStore(join(mkdtempSync(join(tmpdir(), 'gleaner-pair-')), 'hub.sqlite'));
    const local = await serveStore(store, { pairRateLimit: { burst: 2, perMinute: 2 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) codes.push((await fetch(`${local.url}/v1/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":"AAAA-AAAA"}' })).status);
      expect(codes).toEqual([400, 400, 429]);
    } finally {
      await local.stop();
      store.close();
    }
  });
});
