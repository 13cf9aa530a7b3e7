import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { qaEntry } from '../support/entries.ts';
import { RoleMismatch, type HubStore } from '../../hub/store.ts';
import { SqliteHubStore } from '../../hub/store-sqlite.ts';
import { authed, bothStores, serveStore } from './hub-support.ts';
import { checkAnswersAgainstOpenApi } from './hub-contract.ts';

checkAnswersAgainstOpenApi();

/** Invalid input, accounts and roles, and who may do what: the same answers on both stores. */

const backends = bothStores('access');

describe.each(backends)('hub access: %s', (_backend, open) => {
  let store: HubStore;
  let hub: { url: string; stop(): Promise<void> };
  let alice: string;
  let bob: string;
  let mod: string;
  let mod2: string;
  const send = (token: string, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${hub.url}${path}`, { method: init.method ?? 'GET', headers: authed(token, init.headers), body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const submit = async (token: string, ...entries: unknown[]) => {
    const res = await send(token, '/v1/submissions', { method: 'POST', body: { entries }, headers: { 'idempotency-key': `k-${Math.random()}` } });
    expect(res.status).toBe(202);
    return (await res.json()).results as { entryId: string; status: string; problem: string | null }[];
  };

  beforeAll(async () => {
    store = await open();
    hub = await serveStore(store, { writeRateLimit: false });
    alice = (await store.addContributor('alice')).token;
    bob = (await store.addContributor('bob')).token;
    mod = (await store.addContributor('mo', 'moderator')).token;
    mod2 = (await store.addContributor('max', 'moderator')).token;
  });
  afterAll(async () => {
    await hub?.stop();
    await store?.close();
  });

  it('answers 404 or 400, never 500, to NUL bytes and control characters in ids and cursors', async () => {
    const statuses: [string, number][] = [];
    for (const id of ['%00', 'abc%00def', '%01x', '%7F', 'x'.repeat(300)]) {
      statuses.push([`GET ${id}`, (await send(alice, `/v1/entries/${id}`)).status]);
      statuses.push([`withdraw ${id}`, (await send(alice, `/v1/entries/${id}/withdraw`, { method: 'POST' })).status]);
      statuses.push([`review ${id}`, (await send(mod, `/v1/entries/${id}/review`, { method: 'POST', body: { state: 'rejected', comment: 'x' } })).status]);
      statuses.push([`patch ${id}`, (await send(alice, `/v1/entries/${id}`, { method: 'PATCH', body: {}, headers: { 'if-match': '"r1"' } })).status]);
    }
    expect(statuses.filter(([, s]) => s !== 404)).toEqual([]);
    for (const path of ['/v1/entries?mine=1&cursor=%00', '/v1/entries?mine=1&cursor=a%00', '/v1/queue?cursor=%00', '/v1/queue?limit=%00']) {
      expect([path, (await send(path.startsWith('/v1/queue') ? mod : alice, path)).status]).toEqual([path, 400]);
    }
    // An id that could not be addressed afterwards is refused when submitted.
    const [ctl] = await submit(alice, { ...(await qaEntry()), id: 'ctl\u0001id' }, await qaEntry());
    expect(ctl).toMatchObject({ status: 'invalid', problem: expect.stringMatching(/control character/) });
    // A long list of repeated states is one state.
    expect((await send(mod, `/v1/queue?state=${new Array(1500).fill('received').join(',')}`)).status).toBe(200);
    const [e] = await submit(alice, await qaEntry());
    const nulComment = await send(mod, `/v1/entries/${e!.entryId}/review`, { method: 'POST', body: { state: 'rejected', comment: 'bad\u0000comment' } });
    expect(nulComment.status).toBe(422);
  });

  it('keeps names unique: a second add-contributor of a name adds a token to the same account, and revoke hits exactly that account', async () => {
    const a = await store.addContributor('twin');
    const b = await store.addContributor('twin');
    expect(b.contributor.id).toBe(a.contributor.id);
    const other = await store.addContributor('twin-2');
    expect(await store.revokeContributor('twin')).toBe(2);
    expect(await store.contributorByToken(a.token)).toBeNull();
    expect(await store.contributorByToken(other.token)).not.toBeNull();
    expect(await store.revokeContributor(other.contributor.id)).toBe(1);
    await expect(Promise.resolve().then(() => store.addContributor('twin', 'moderator'))).rejects.toThrow(RoleMismatch);
  });

  it('never gives a moderator token for a contributor code, nor the other way round', async () => {
    await expect(Promise.resolve().then(() => store.createPairCode('mo', 'contributor', 60_000))).rejects.toThrow(/"mo" is a moderator/);
    await expect(Promise.resolve().then(() => store.createPairCode('alice', 'moderator', 60_000))).rejects.toThrow(RoleMismatch);
    const { code } = await store.createPairCode('mo', 'moderator', 60_000);
    expect((await store.redeemPairCode(code))?.contributor.role).toBe('moderator');
    // A code made for a new name keeps its role when the name is created meanwhile with another.
    const pending = await store.createPairCode('newbie', 'moderator', 60_000);
    await store.addContributor('newbie');
    expect(await store.redeemPairCode(pending.code)).toBeNull();
  });

  it("answers a submission of someone else's entry id like any taken id, naming no owner", async () => {
    const e = await qaEntry();
    await submit(bob, e);
    const [theirs] = await submit(alice, { ...e, title: 'Taken over' });
    expect(theirs!.status).toBe('invalid');
    expect(theirs!.problem).not.toMatch(/another|contributor|owner|belongs/i);
    expect((await store.entryStatus(e.id))!.title).toBe(e.title);
  });

  it('holds the four-eyes rule by default: a moderator cannot accept their own entry', async () => {
    const [own] = await submit(mod, await qaEntry());
    const res = await send(mod, `/v1/entries/${own!.entryId}/review`, { method: 'POST', body: { state: 'accepted' } });
    expect(res.status).toBe(403);
    expect((await res.json()).title).toBe('Four-eyes rule');
    expect((await send(mod2, `/v1/entries/${own!.entryId}/review`, { method: 'POST', body: { state: 'accepted' } })).status).toBe(200);

    const solo = await serveStore(store, { fourEyes: false });
    try {
      const [mine] = await submit(mod, await qaEntry());
      const ok = await fetch(`${solo.url}/v1/entries/${mine!.entryId}/review`, { method: 'POST', headers: authed(mod), body: JSON.stringify({ state: 'accepted' }) });
      expect(ok.status).toBe(200);
    } finally {
      await solo.stop();
    }
  });

  it('pages the queue with a cursor', async () => {
    for (let i = 0; i < 5; i++) await submit(bob, await qaEntry());
    const inQueue = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { entries: { status: { id: string } }[]; nextCursor: string | null } = await (await send(mod, `/v1/queue?state=received&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json();
      expect(page.entries.length).toBeLessThanOrEqual(2);
      for (const x of page.entries) inQueue.add(x.status.id);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    const all = await store.queue(['received'], 10_000);
    expect(inQueue.size).toBe(all.length);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('answers concurrent retries of one request with its one answer, storing it once', async () => {
    const body = JSON.stringify({ entries: [await qaEntry()] });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => fetch(`${hub.url}/v1/submissions`, { method: 'POST', headers: authed(alice, { 'idempotency-key': 'same-request-0001' }), body })),
    );
    expect(answers.map((r) => r.status)).toEqual(new Array(6).fill(202));
    const bodies = await Promise.all(answers.map((r) => r.json()));
    expect(new Set(bodies.map((b) => b.submissionId)).size).toBe(1);
    expect(bodies[0].results[0].status).toBe('received');
  });

  it('accepts If-Match: * on withdraw and review', async () => {
    const [a, b] = await submit(alice, await qaEntry(), await qaEntry());
    expect((await send(mod, `/v1/entries/${a!.entryId}/review`, { method: 'POST', body: { state: 'in_review' }, headers: { 'if-match': '*' } })).status).toBe(200);
    expect((await send(alice, `/v1/entries/${b!.entryId}/withdraw`, { method: 'POST', headers: { 'if-match': '*' } })).status).toBe(200);
    expect((await send(alice, `/v1/entries/${a!.entryId}/withdraw`, { method: 'POST', headers: { 'if-match': '"r1"' } })).status).toBe(412);
  });
});

describe('hub access: migrating duplicate names', () => {
  it('keeps the oldest account of a name under it and renames later ones NAME#ID', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gleaner-names-')), 'hub.sqlite');
    const raw = new Database(file);
    // The schema as of version 3 (before names were unique), with one name used twice.
    const s = new SqliteHubStore(file);
    s.close();
    raw.exec(`DROP INDEX contributors_by_name; PRAGMA user_version = 3;
      INSERT INTO contributors (id, name, role, token_hash, created_at) VALUES ('01A', 'sam', 'contributor', 'h1', '2026-01-01T00:00:00Z'), ('01B', 'sam', 'contributor', 'h2', '2026-01-02T00:00:00Z');
      INSERT INTO tokens (token_hash, contributor_id, created_at) VALUES ('h1', '01A', '2026-01-01T00:00:00Z'), ('h2', '01B', '2026-01-02T00:00:00Z');`);
    raw.close();
    const store = new SqliteHubStore(file);
    expect(store.db.prepare('SELECT id, name FROM contributors ORDER BY id').all()).toEqual([{ id: '01A', name: 'sam' }, { id: '01B', name: 'sam#01B' }]);
    expect(store.revokeContributor('sam')).toBe(1);
    store.close();
  });
});
