import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Dexie from 'dexie';
import { openDb, SCHEMA_VERSIONS, type GleanerDb } from '../../lib/store/db.ts';
import { enqueue, submitReady } from '../../lib/store/outbox.ts';
import { backoffMs, flushOutbox, refreshStates, retryNow } from '../../lib/hub/outbox.ts';
import { startHub, type RunningHub } from '../support/hub.ts';
import { qaEntry } from '../support/entries.ts';

let hub: RunningHub;
let token: string;
let db: GleanerDb;
let n = 0;
const hubCount = () => (hub.store.db.prepare('SELECT COUNT(*) AS n FROM entries').get() as { n: number }).n;

beforeAll(async () => {
  hub = await startHub();
  token = hub.store.addContributor('alice').token;
});
afterAll(() => hub.stop());
beforeEach(async () => {
  db = openDb(`outbox-test-${++n}`);
  await db.open();
});

/** A port with nothing listening: the hub is down. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('outbox', () => {
  it('keeps an entry when no hub is set up, saying so', async () => {
    const e = await qaEntry();
    await enqueue(db, e, 't1', '');
    await flushOutbox(db, null);
    const s = (await db.outbox.get(e.id))!;
    expect(s.state).toBe('queued');
    expect(s.lastError).toMatch(/No hub is set up/);
  });

  it('queues while the hub is down and delivers exactly once when it is back', async () => {
    const e = await qaEntry();
    const down = `http://127.0.0.1:${await deadPort()}`;
    await enqueue(db, e, 't1', down);
    const t0 = new Date();
    const r1 = await flushOutbox(db, { url: down, token }, { now: () => t0, random: () => 0.5 });
    expect(r1.retrying).toBe(1);
    let s = (await db.outbox.get(e.id))!;
    expect(s.state).toBe('queued');
    expect(s.attempts).toBe(1);
    expect(s.lastError).toMatch(/could not be reached/);
    expect(s.nextAttemptAt).toBe(t0.getTime() + 5000);

    // Not due yet: a flush sends nothing.
    expect((await flushOutbox(db, { url: hub.url, token }, { now: () => t0 })).sent).toBe(0);

    // The hub comes back (here: the user points the options at where it now runs).
    const before = hubCount();
    const later = new Date(t0.getTime() + 6000);
    const r2 = await flushOutbox(db, { url: hub.url, token }, { now: () => later });
    expect(r2.received).toBe(1);
    s = (await db.outbox.get(e.id))!;
    expect(s.state).toBe('received');
    expect(s.lastError).toBeNull();
    expect(s.history.map((h) => h.state)).toEqual(['queued', 'received']);
    expect(s.attempts).toBe(2);
    expect(hubCount()).toBe(before + 1);
    expect((await flushOutbox(db, { url: hub.url, token })).sent).toBe(0);
    expect(hubCount()).toBe(before + 1);
  });

  it('keeps held entries until "submit all", then sends them together exactly once', async () => {
    const [a, b] = [await qaEntry(), await qaEntry()];
    await enqueue(db, a, 't1', hub.url, new Date(), { hold: true });
    await enqueue(db, b, 't1', hub.url, new Date(), { hold: true });
    const before = hubCount();
    expect((await flushOutbox(db, { url: hub.url, token })).sent).toBe(0);
    expect((await db.outbox.get(a.id))!.state).toBe('ready');
    expect(await submitReady(db)).toBe(2);
    const r = await flushOutbox(db, { url: hub.url, token });
    expect(r).toMatchObject({ sent: 2, received: 2 });
    expect(hubCount()).toBe(before + 2);
    expect((await db.outbox.get(b.id))!.history.map((h) => h.state)).toEqual(['ready', 'queued', 'received']);
    expect(await submitReady(db)).toBe(0);
  });

  it('never enqueues the same entry twice', async () => {
    const e = await qaEntry();
    const a = await enqueue(db, e, 't1', hub.url);
    const b = await enqueue(db, e, 't1', hub.url);
    expect(b.idempotencyKey).toBe(a.idempotencyKey);
    expect(await db.outbox.count()).toBe(1);
  });

  it('resends a send cut off mid-way (worker stopped) without duplicating it at the hub', async () => {
    const e = await qaEntry();
    await enqueue(db, e, 't1', hub.url);
    await flushOutbox(db, { url: hub.url, token });
    const before = hubCount();
    // The answer was lost: the row still says "sending", two minutes ago.
    await db.outbox.update(e.id, { state: 'sending', updatedAt: new Date(Date.now() - 3 * 60_000).toISOString() });
    const r = await flushOutbox(db, { url: hub.url, token });
    expect(r.sent).toBe(1);
    expect((await db.outbox.get(e.id))!.state).toBe('received');
    expect(hubCount()).toBe(before);
  });

  it('sends each row once when two flushes run at the same time (rows are claimed atomically)', async () => {
    const entries = await Promise.all([1, 2, 3].map((i) => qaEntry(undefined, { title: `Concurrent ${i}` })));
    for (const e of entries) await enqueue(db, e, 't1', hub.url);
    const posts: string[] = [];
    const counting: typeof fetch = (input, init) => {
      if (init?.method === 'POST') posts.push(String(input));
      return fetch(input, init);
    };
    const before = hubCount();
    const [a, b] = await Promise.all([flushOutbox(db, { url: hub.url, token }, { fetch: counting }), flushOutbox(db, { url: hub.url, token }, { fetch: counting })]);
    expect(a.sent + b.sent).toBe(3);
    expect(a.received + b.received).toBe(3);
    expect(posts).toHaveLength(1);
    expect(hubCount()).toBe(before + 3);
    const rows = await db.outbox.bulkGet(entries.map((e) => e.id));
    expect(rows.map((s) => s!.state)).toEqual(['received', 'received', 'received']);
    expect(rows.map((s) => s!.attempts)).toEqual([1, 1, 1]);
  });

  it('sends each row once when "retry now" races a flush (retry now never undoes a claim)', async () => {
    const entries = await Promise.all([1, 2, 3].map((i) => qaEntry(undefined, { title: `Retry race ${i}` })));
    for (const e of entries) await enqueue(db, e, 't1', hub.url);
    let posts = 0;
    const counting: typeof fetch = (input, init) => {
      if (init?.method === 'POST') posts++;
      return fetch(input, init);
    };
    const cfg = { url: hub.url, token };
    const before = hubCount();
    await Promise.all([flushOutbox(db, cfg, { fetch: counting }), retryNow(db).then(() => flushOutbox(db, cfg, { fetch: counting }))]);
    expect(posts).toBe(1);
    expect(hubCount()).toBe(before + 3);
    const rows = await db.outbox.bulkGet(entries.map((e) => e.id));
    expect(rows.map((s) => [s!.state, s!.attempts])).toEqual([['received', 1], ['received', 1], ['received', 1]]);
  });

  it('holds on a refused token with plain words, and sends after "retry now" with a good token', async () => {
    const e = await qaEntry();
    await enqueue(db, e, 't1', hub.url);
    await flushOutbox(db, { url: hub.url, token: 'glr_expired' });
    let s = (await db.outbox.get(e.id))!;
    expect(s.state).toBe('held');
    expect(s.lastError).toMatch(/did not accept your token \(HTTP 401/);
    expect((await flushOutbox(db, { url: hub.url, token })).sent).toBe(0);
    await retryNow(db);
    await flushOutbox(db, { url: hub.url, token });
    s = (await db.outbox.get(e.id))!;
    expect(s.state).toBe('received');
  });

  it('backs off on 503 and honours Retry-After', async () => {
    const proxy: Server = createServer((_req, res) => {
      res.writeHead(503, { 'retry-after': '120', 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'x', title: 'Service unavailable', status: 503, detail: 'maintenance' }));
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const e = await qaEntry();
    await enqueue(db, e, 't1', url);
    // A clock that moves on a millisecond at every reading: the wait counts from the time the row records.
    const start = Date.now();
    let t = start;
    await flushOutbox(db, { url, token }, { now: () => new Date(t++), random: () => 0 });
    const s = (await db.outbox.get(e.id))!;
    expect(s.state).toBe('queued');
    expect(s.lastError).toMatch(/HTTP 503: maintenance/);
    expect(s.nextAttemptAt! - Date.parse(s.updatedAt)).toBe(120_000);
    expect(s.nextAttemptAt).toBeGreaterThan(start + 120_000);
    expect(s.nextAttemptAt).toBeLessThan(t + 120_000);
    proxy.close();
  });

  it('brings review states and comments back from the hub', async () => {
    const mod = hub.store.addContributor('mod', 'moderator');
    const e = await qaEntry();
    await enqueue(db, e, 't1', hub.url);
    await flushOutbox(db, { url: hub.url, token });
    hub.store.setState(e.id, 'needs_changes', 'Say which edition.');
    const { changes } = await refreshStates(db, { url: hub.url, token });
    expect(changes).toContainEqual({ entryId: e.id, state: 'needs_changes', comment: 'Say which edition.' });
    // Nothing new on the next poll.
    expect((await refreshStates(db, { url: hub.url, token })).changes.filter((c) => c.entryId === e.id)).toEqual([]);
    const s = (await db.outbox.get(e.id))!;
    expect(s.state).toBe('needs_changes');
    expect(s.reviewComment).toBe('Say which edition.');
    expect(mod.contributor.role).toBe('moderator');
  });

  it('grows the backoff exponentially with jitter, capped at 30 minutes', () => {
    expect(backoffMs(1, () => 0.5)).toBe(5000);
    expect(backoffMs(3, () => 0.5)).toBe(20000);
    expect(backoffMs(3, () => 0)).toBe(10000);
    expect(backoffMs(3, () => 0.999)).toBeLessThan(30000);
    expect(backoffMs(30, () => 0.5)).toBe(30 * 60_000);
    expect(backoffMs(1, () => 0.5, 60_000)).toBe(60_000);
  });
});

describe('store schema', () => {
  it('upgrades a version-1 database to the current version without losing data', async () => {
    const name = `upgrade-test-${Date.now()}`;
    const v1 = new Dexie(name);
    v1.version(1).stores({ threads: 'id, capturedAt', entries: 'id, threadId', outbox: 'entryId, state' });
    const e = await qaEntry();
    await v1.table('threads').add({ id: 't1', capturedAt: '2024-01-01T00:00:00Z', thread: { url: 'https://example.org/t/1', posts: [] } });
    await v1.table('entries').add({ id: e.id, threadId: 't1', entry: e });
    await v1.table('outbox').add({ entryId: e.id, state: 'queued', history: [], attempts: 0 });
    v1.close();

    const cur = openDb(name);
    await cur.open();
    expect(cur.verno).toBe(SCHEMA_VERSIONS.at(-1)!.version);
    expect((await cur.threads.where('url').equals('https://example.org/t/1').first())?.id).toBe('t1');
    expect((await cur.entries.get(e.id))?.createdAt).toBe(e.createdAt);
    const s = (await cur.outbox.get(e.id))!;
    expect(s.nextAttemptAt).toBeNull();
    expect(s.reviewComment).toBeNull();
    expect(await cur.drafts.count()).toBe(0);
    cur.close();
  });
});

describe('outbox request size', () => {
  it('splits due entries into requests under the hub body limit, every entry sent once', async () => {
    const { HUB_BODY_BYTES } = await import('../../lib/model/limits.ts');
    const base = await qaEntry();
    // 12 entries of ~1 MB each (a long rules page and thread): 20 to a request would be 12 MB.
    const entries = Array.from({ length: 12 }, (_, i) => ({ ...base, id: `${base.id.slice(0, -2)}${String(i).padStart(2, '0')}`, attribution: { ...base.attribution, text: `${i} ${'x'.repeat(1_000_000)}` } }));
    for (const e of entries) await enqueue(db, e, `key-${e.id}`, 'http://hub.invalid');
    const bodies: number[] = [];
    const seen: string[] = [];
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      const body = String(init.body);
      bodies.push(new TextEncoder().encode(body).length);
      const ids = (JSON.parse(body) as { entries: { id: string }[] }).entries.map((e) => e.id);
      seen.push(...ids);
      return new Response(JSON.stringify({ submissionId: `s${bodies.length}`, results: ids.map((entryId) => ({ entryId, status: 'received', state: 'received', problem: null })) }), { status: 202, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const report = await flushOutbox(db, { url: 'http://hub.invalid', token: 't' }, { fetch: fakeFetch });
    expect(report).toMatchObject({ sent: 12, received: 12, held: 0 });
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    for (const b of bodies) expect(b).toBeLessThanOrEqual(HUB_BODY_BYTES);
    expect(seen.sort()).toEqual(entries.map((e) => e.id).sort());
    for (const e of entries) expect((await db.outbox.get(e.id))!.state).toBe('received');
  });
});
