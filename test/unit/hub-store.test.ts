import { entryProblems } from '../../lib/license/entry-checks.ts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IN_FLIGHT_TTL_MS, TAKEN_ID } from '../../hub/store.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qaEntry } from '../support/entries.ts';
import { contentHash, sha256Hex } from '../../lib/curate/hash.ts';
import { evidenceProblems } from '../../hub/evidence.ts';
import { Entry } from '../../lib/model/entry.ts';
import { openHubStore, type HubStore } from '../../hub/store.ts';
import { SQLITE_SCHEMA_VERSION, SqliteHubStore } from '../../hub/store-sqlite.ts';
import { POSTGRES_SCHEMA_VERSION, PostgresHubStore } from '../../hub/store-postgres.ts';
import { freshSchemaUrl, serveStore, startPostgres, authed } from './hub-support.ts';

let pgServer: { url: string; stop(): void };
beforeAll(() => {
  const t0 = Date.now();
  pgServer = startPostgres();
  console.log(`PostgreSQL ready in ${Date.now() - t0} ms`);
}, 200_000);
afterAll(() => pgServer?.stop());

const backends: [string, () => Promise<HubStore>][] = [
  ['sqlite', async () => openHubStore(join(mkdtempSync(join(tmpdir(), 'gleaner-store-')), 'hub.sqlite'))],
  ['postgres', async () => openHubStore(await freshSchemaUrl(pgServer.url))],
];

describe.each(backends)('store contract: %s', (backend, open) => {
  let store: HubStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => store?.close());

  it('opens the right backend', () => {
    expect(store.backend).toBe(backend);
  });

  it('finds contributors by token, stores only hashes, and revokes every token of a name', async () => {
    const { token, contributor } = await store.addContributor('erin');
    expect(await store.contributorByToken(token)).toEqual(contributor);
    expect(await store.contributorByToken(token + 'x')).toBeNull();
    expect(await store.revokeContributor('erin')).toBe(1);
    expect(await store.contributorByToken(token)).toBeNull();
    expect(await store.revokeContributor('erin')).toBe(0);
  });

  it('pairs once per code, within its lifetime, and a pairing after revocation gives a new working token', async () => {
    const t0 = new Date('2026-01-01T10:00:00Z');
    const { code } = await store.createPairCode('fay', 'contributor', 10 * 60_000, t0);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const paired = await store.redeemPairCode(code.toLowerCase().replace('-', ' '), new Date(t0.getTime() + 60_000));
    expect(paired?.contributor.name).toBe('fay');
    expect((await store.contributorByToken(paired!.token))?.name).toBe('fay');
    expect(await store.redeemPairCode(code, new Date(t0.getTime() + 61_000))).toBeNull();

    const late = await store.createPairCode('fay', 'contributor', 10 * 60_000, t0);
    expect(await store.redeemPairCode(late.code, new Date(t0.getTime() + 11 * 60_000))).toBeNull();

    await store.revokeContributor('fay');
    expect(await store.contributorByToken(paired!.token)).toBeNull();
    const again = await store.createPairCode('fay', 'contributor', 60_000);
    const second = await store.redeemPairCode(again.code);
    expect(second?.contributor.id).toBe(paired!.contributor.id);
    expect((await store.contributorByToken(second!.token))?.id).toBe(paired!.contributor.id);
  });

  it('claims idempotency keys: new, in flight, replay, mismatch; a released key is new again', async () => {
    const { contributor } = await store.addContributor('gus');
    expect(await store.claimKey(contributor.id, 'k-00000001', 'h1')).toEqual({ kind: 'new' });
    expect(await store.claimKey(contributor.id, 'k-00000001', 'h1')).toEqual({ kind: 'in_flight' });
    expect(await store.claimKey(contributor.id, 'k-00000001', 'h2')).toEqual({ kind: 'mismatch' });
    await store.releaseKey(contributor.id, 'k-00000001');
    expect(await store.claimKey(contributor.id, 'k-00000001', 'h1')).toEqual({ kind: 'new' });
    const e = await qaEntry();
    const body = await store.receiveBatch(contributor, 'k-00000001', [e, { invalid: 'bad', entryId: '#1' }], 202);
    expect(body.results.map((r) => r.status)).toEqual(['received', 'invalid']);
    expect(await store.claimKey(contributor.id, 'k-00000001', 'h1')).toEqual({ kind: 'replay', status: 202, body });
  });

  it('lets a retry take over a key whose request was abandoned (hub killed between claim and store)', async () => {
    const { contributor } = await store.addContributor('hal');
    expect(await store.claimKey(contributor.id, 'k-abandon1', 'h1')).toEqual({ kind: 'new' });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + IN_FLIGHT_TTL_MS - 5_000);
      expect(await store.claimKey(contributor.id, 'k-abandon1', 'h1')).toEqual({ kind: 'in_flight' });
      vi.setSystemTime(Date.now() + 10_000);
      expect(await store.claimKey(contributor.id, 'k-abandon1', 'h1')).toEqual({ kind: 'new' });
      // The new claim is fresh: an immediate duplicate is in flight again, a different body still a mismatch.
      expect(await store.claimKey(contributor.id, 'k-abandon1', 'h1')).toEqual({ kind: 'in_flight' });
      expect(await store.claimKey(contributor.id, 'k-abandon1', 'h2')).toEqual({ kind: 'mismatch' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('stores each entry once, refuses another owner, and tracks review, revision and change numbers', async () => {
    const a = await store.addContributor('hal');
    const b = await store.addContributor('ida');
    const e = await qaEntry();
    await store.claimKey(a.contributor.id, 'k-a-000001', 'x');
    expect((await store.receiveBatch(a.contributor, 'k-a-000001', [e], 202)).results[0]!.status).toBe('received');
    await store.claimKey(a.contributor.id, 'k-a-000002', 'y');
    expect((await store.receiveBatch(a.contributor, 'k-a-000002', [e], 202)).results[0]).toMatchObject({ status: 'duplicate', state: 'received' });
    await store.claimKey(b.contributor.id, 'k-b-000001', 'z');
    expect((await store.receiveBatch(b.contributor, 'k-b-000001', [e], 202)).results[0]!.status).toBe('invalid');
    expect((await store.entryRecord(e.id))?.title).toBe(e.title);

    const s1 = (await store.entryStatus(e.id))!;
    expect(s1).toMatchObject({ state: 'received', revision: 1, contributorId: a.contributor.id, revisionOf: null });
    const v1 = await store.mineVersion(a.contributor.id);
    expect(await store.setState(e.id, 'needs_changes', 'Name the game.', { expectRevision: 5 })).toBe('conflict');
    expect(await store.setState(e.id, 'needs_changes', 'Name the game.', { expectRevision: 1 })).toBe('ok');
    expect(await store.setState('nope', 'accepted', null)).toBe('missing');
    const s2 = (await store.entryStatus(e.id))!;
    expect(s2).toMatchObject({ state: 'needs_changes', comment: 'Name the game.', revision: 2 });
    expect((await store.mineVersion(a.contributor.id)).changeSeq).toBeGreaterThan(v1.changeSeq);

    const changed = await store.listMine(a.contributor.id, { since: v1.changeSeq, limit: 10 });
    expect(changed.entries.map((x) => x.id)).toEqual([e.id]);
    expect((await store.listMine(a.contributor.id, { since: changed.nextSince, limit: 10 })).entries).toEqual([]);

    const revised = await qaEntry(undefined, { title: 'Octoverse 2013: which project had the most stars?' });
    const same = { ...revised, id: e.id };
    expect(await store.reviseEntry(e.id, same, 1)).toBe('conflict');
    expect(await store.reviseEntry(e.id, same, 2)).toBe('ok');
    const s3 = (await store.entryStatus(e.id))!;
    expect(s3).toMatchObject({ state: 'received', revision: 3, comment: null, title: same.title, revisionOf: { revision: 2, contentSha256: e.contentSha256 } });
    expect(s3.history.map((h) => h.state)).toEqual(['received', 'needs_changes', 'received']);
    expect((await store.entryRecord(e.id))?.title).toBe(same.title);

    const q = await store.queue(['received'], 500);
    expect(q.find((i) => i.status.id === e.id)).toMatchObject({ contributorName: 'hal', record: { title: same.title } });
    await store.setState(e.id, 'accepted', null);
    expect((await store.recordsInState('accepted')).map((x) => x.id)).toContain(e.id);
    await store.setState(e.id, 'published', 'published in release r1', { release: 'r1' });
    expect((await store.entryStatus(e.id))?.release).toBe('r1');
  });

  it('submits in one go: new entries, a replay, an id stored before or listed twice, another owner, an invalid item', async () => {
    const a = await store.addContributor('lia');
    const b = await store.addContributor('max');
    const e1 = await qaEntry();
    const e2 = await qaEntry();
    const first = await store.submitBatch!(a.contributor, 'sb-key-0001', 'h1', [e1, { invalid: 'bad', entryId: '#1' }, e2], 202);
    expect(first).toMatchObject({ kind: 'stored', body: { results: [{ entryId: e1.id, status: 'received' }, { entryId: '#1', status: 'invalid', problem: 'bad' }, { entryId: e2.id, status: 'received' }] } });
    expect(await store.submitBatch!(a.contributor, 'sb-key-0001', 'h1', [e1], 202)).toEqual({ kind: 'replay', status: 202, body: (first as { body: unknown }).body });
    expect(await store.submitBatch!(a.contributor, 'sb-key-0001', 'other', [e1], 202)).toEqual({ kind: 'mismatch' });
    // One id stored before beside a new one, and a new one listed twice: each reported, each stored once.
    const e3 = await qaEntry();
    const mixed = await store.submitBatch!(a.contributor, 'sb-key-0002', 'h2', [e1, e3, e3], 202);
    expect(mixed).toMatchObject({ kind: 'stored', body: { results: [{ entryId: e1.id, status: 'duplicate', state: 'received' }, { entryId: e3.id, status: 'received' }, { entryId: e3.id, status: 'duplicate' }] } });
    const theirs = await store.submitBatch!(b.contributor, 'sb-key-0003', 'h3', [e2], 202);
    expect(theirs).toMatchObject({ kind: 'stored', body: { results: [{ entryId: e2.id, status: 'invalid', problem: TAKEN_ID }] } });
    for (const e of [e1, e2, e3]) {
      const st = (await store.entryStatus(e.id))!;
      expect(st).toMatchObject({ contributorId: a.contributor.id, state: 'received', revision: 1 });
      expect(st.history.map((h) => h.state)).toEqual(['received']);
      expect(st.changeSeq).toBeGreaterThan(0);
    }
    // The answers stored for replay are what was answered.
    expect(await store.submitBatch!(a.contributor, 'sb-key-0002', 'h2', [], 202)).toEqual({ kind: 'replay', status: 202, body: (mixed as { body: unknown }).body });
  });

  it('over HTTP, stores SQL and HTML in every free-text field inert and byte for byte, and refuses NUL', async () => {
    const hub = await serveStore(store);
    try {
      const { token } = await store.addContributor('ivy');
      const payload = `'); DROP TABLE entries;-- " OR 1=1 <script>alert(1)</script><img src=x onerror=alert(2)> $1 \\ ünï 🎲`;
      const base = await qaEntry();
      // Every string the schema leaves free: poison them all, then restore those the schema pins to a format
      // (enums, SPDX ids, dates), so the test keeps up with new fields in the model.
      const poison = (v: unknown): unknown =>
        typeof v === 'string' ? v + payload : Array.isArray(v) ? v.map(poison) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, poison(x)])) : v;
      const e = poison(base) as typeof base;
      e.id = base.id;
      // A failed discriminator hides the other issues, so restore in rounds.
      for (let round = 0; round < 5; round++) for (const issue of Entry.safeParse(e).error?.issues ?? []) {
        let from: any = base; // eslint-disable-line @typescript-eslint/no-explicit-any
        let to: any = e; // eslint-disable-line @typescript-eslint/no-explicit-any
        for (const k of issue.path.slice(0, -1)) (from = from[k as string]), (to = to[k as string]);
        to[issue.path.at(-1) as string] = from[issue.path.at(-1) as string];
      }
      // Then those the hub's truth checks pin (language tag, instants, addresses), by the field each names.
      for (const { field } of entryProblems(e, { now: new Date() })) {
        const path = field.replace(/\[(\d+)\]/g, '.$1').split('.');
        let from: any = base; // eslint-disable-line @typescript-eslint/no-explicit-any
        let to: any = e; // eslint-disable-line @typescript-eslint/no-explicit-any
        for (const k of path.slice(0, -1)) (from = from[k]), (to = to[k]);
        to[path.at(-1)!] = from[path.at(-1)!];
      }
      expect(entryProblems(e, { now: new Date() })).toEqual([]);
      // Captured words carry their hash, which the hub recomputes: the poisoned words get theirs.
      for (const p of e.consent.permissions ?? []) if (p.post) p.post.sha256 = await sha256Hex(p.post.text);
      expect(await evidenceProblems(e)).toEqual([]);
      expect(e.title).toBe(base.title + payload);
      expect(e.sources[0]!.author.name).toBe(base.sources[0]!.author.name + payload);
      e.contentSha256 = await contentHash(e.messages);
      const send = (entry: unknown, key: string) => fetch(`${hub.url}/v1/submissions`, { method: 'POST', headers: authed(token, { 'idempotency-key': key }), body: JSON.stringify({ entries: [entry] }) });
      const res = await send(e, `inj-${backend}-0001`);
      const answer = await res.json();
      expect(answer.errors ?? []).toEqual([]);
      expect(res.status).toBe(202);
      expect(answer.results[0].status).toBe('received');
      expect(await store.entryRecord(e.id)).toEqual(e);
      expect((await store.entryStatus(e.id))?.title).toBe(e.title);

      const nul = { ...(await qaEntry()), title: 'a\u0000b' };
      const bad = await send(nul, `inj-${backend}-0002`);
      expect(bad.status).toBe(422);
      expect((await bad.json()).errors).toEqual([{ pointer: '/entries/0/title', detail: expect.stringContaining('NUL') }]);
    } finally {
      await hub.stop();
    }
  });

  it('pages a contributor by id with a cursor', async () => {
    const { contributor } = await store.addContributor('jon');
    const entries = await Promise.all([1, 2, 3].map(() => qaEntry()));
    await store.claimKey(contributor.id, 'k-j-000001', 'x');
    await store.receiveBatch(contributor, 'k-j-000001', entries, 202);
    const p1 = await store.listMine(contributor.id, { limit: 2 });
    const p2 = await store.listMine(contributor.id, { cursor: p1.nextCursor, limit: 2 });
    expect([...p1.entries, ...p2.entries].map((x) => x.id)).toEqual(entries.map((x) => x.id).sort());
    expect(p2.nextCursor).toBeNull();
  });
});

describe('PostgreSQL backend', () => {
  it('migrates once, even when two hubs start at the same time, and keeps rows across reopen', async () => {
    const url = await freshSchemaUrl(pgServer.url);
    const [a, b] = await Promise.all([PostgresHubStore.open(url), PostgresHubStore.open(url)]);
    expect(await a.schemaVersion()).toBe(POSTGRES_SCHEMA_VERSION);
    const { token } = await a.addContributor('kim');
    await Promise.all([a.close(), b.close()]);
    const c = await PostgresHubStore.open(url);
    expect((await c.contributorByToken(token))?.name).toBe('kim');
    await c.close();
  });

  it('is chosen by the command line from GLEANER_HUB_DATABASE_URL', async () => {
    const url = await freshSchemaUrl(pgServer.url);
    const out = execFileSync('npx', ['tsx', 'hub/cli.ts', 'add-contributor', 'nia'], { encoding: 'utf8', env: { ...process.env, GLEANER_HUB_DATABASE_URL: url } });
    expect(out).toContain('postgres://');
    const store = await PostgresHubStore.open(url);
    expect((await store.contributorByToken(out.trimEnd().split('\n').at(-1)!))?.name).toBe('nia');
    await store.close();
  });

  it('serves the HTTP API: submit, duplicate, review', async () => {
    const store = await PostgresHubStore.open(await freshSchemaUrl(pgServer.url));
    const hub = await serveStore(store);
    try {
      const { token } = await store.addContributor('lee');
      const mod = (await store.addContributor('mo', 'moderator')).token;
      const e = await qaEntry();
      const send = (key: string) => fetch(`${hub.url}/v1/submissions`, { method: 'POST', headers: authed(token, { 'idempotency-key': key }), body: JSON.stringify({ entries: [e] }) });
      expect((await (await send('pg-key-0001')).json()).results[0].status).toBe('received');
      expect((await (await send('pg-key-0001')).json()).results[0].status).toBe('received'); // replay
      expect((await (await send('pg-key-0002')).json()).results[0].status).toBe('duplicate');
      const r = await fetch(`${hub.url}/v1/entries/${e.id}/review`, { method: 'POST', headers: authed(mod), body: JSON.stringify({ state: 'accepted' }) });
      expect(r.status).toBe(200);
      expect((await r.json()).state).toBe('accepted');
    } finally {
      await hub.stop();
      await store.close();
    }
  });
});

describe('SQLite backend', () => {
  it('migrates a version-1 database (one token column) to the current schema without losing rows', async () => {
    const Database = (await import('better-sqlite3')).default;
    const file = join(mkdtempSync(join(tmpdir(), 'gleaner-v1-')), 'hub.sqlite');
    const raw = new Database(file);
    // The shipped version-1 schema, as an existing hub's file has it.
    raw.exec(`CREATE TABLE contributors (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL DEFAULT 'contributor', token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT);
      CREATE TABLE entries (id TEXT PRIMARY KEY, contributor_id TEXT NOT NULL REFERENCES contributors(id), kind TEXT NOT NULL, title TEXT NOT NULL, license TEXT NOT NULL, state TEXT NOT NULL, comment TEXT, content_sha256 TEXT NOT NULL, record TEXT NOT NULL, submission_id TEXT NOT NULL, received_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE INDEX entries_by_contributor ON entries(contributor_id, id);
      CREATE TABLE entry_history (entry_id TEXT NOT NULL REFERENCES entries(id), seq INTEGER NOT NULL, state TEXT NOT NULL, at TEXT NOT NULL, comment TEXT, PRIMARY KEY (entry_id, seq));
      CREATE TABLE idempotency (contributor_id TEXT NOT NULL, key TEXT NOT NULL, request_sha256 TEXT NOT NULL, status INTEGER, response TEXT, created_at TEXT NOT NULL, PRIMARY KEY (contributor_id, key));
      PRAGMA user_version = 1;`);
    const { hashToken } = await import('../../hub/tokens.ts');
    const e = await qaEntry();
    raw.prepare("INSERT INTO contributors VALUES ('C1', 'old', 'contributor', ?, '2025-01-01T00:00:00Z', NULL)").run(hashToken('glr_old'));
    raw.prepare("INSERT INTO entries VALUES (?, 'C1', 'qa', ?, ?, 'received', NULL, ?, ?, 'S1', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')").run(e.id, e.title, e.license, e.contentSha256, JSON.stringify(e));
    raw.close();
    const s = new SqliteHubStore(file);
    expect(s.db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    expect(s.contributorByToken('glr_old')?.name).toBe('old');
    expect(s.entryStatus(e.id)).toMatchObject({ revision: 1, state: 'received' });
    expect(s.mineVersion('C1').changeSeq).toBeGreaterThan(0);
    s.close();
  });
});
