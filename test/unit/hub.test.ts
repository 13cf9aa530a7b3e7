import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startHub, type RunningHub } from '../support/hub.ts';
import { qaEntry } from '../support/entries.ts';
import { contentHash } from '../../lib/curate/hash.ts';
import { SqliteHubStore as HubStore } from '../../hub/store-sqlite.ts';
import { checkAnswersAgainstOpenApi } from './hub-contract.ts';

checkAnswersAgainstOpenApi();

let hub: RunningHub;
let alice: string;
let bob: string;
let mod: string;

async function post(body: unknown, opts: { token?: string; key?: string | null; origin?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token !== '') headers.authorization = `Bearer ${opts.token ?? alice}`;
  if (opts.key !== null) headers['idempotency-key'] = opts.key ?? `key-${Math.random()}`;
  if (opts.origin) headers.origin = opts.origin;
  return fetch(`${hub.url}/v1/submissions`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}
const get = (path: string, token = alice) => fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
const count = () => (hub.store.db.prepare('SELECT COUNT(*) AS n FROM entries').get() as { n: number }).n;

beforeAll(async () => {
  hub = await startHub({ maxBodyBytes: 200_000 });
  alice = hub.store.addContributor('alice').token;
  bob = hub.store.addContributor('bob').token;
  mod = hub.store.addContributor('mo', 'moderator').token;
});
afterAll(() => hub.stop());

describe('hub: submissions', () => {
  it('refuses a request without a token, as problem+json', async () => {
    const res = await post({ entries: [] }, { token: '' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await res.json()).title).toBe('Unauthorized');
  });

  it('refuses an unknown token', async () => {
    const res = await post({ entries: [await qaEntry()] }, { token: 'glr_forged' });
    expect(res.status).toBe(401);
  });

  it('requires an idempotency key', async () => {
    const res = await post({ entries: [await qaEntry()] }, { key: null });
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toMatch(/Idempotency-Key/);
  });

  it('stores a batch once; a retry with the same key returns the first answer and stores nothing twice', async () => {
    const before = count();
    const entry = await qaEntry();
    const body = JSON.stringify({ entries: [entry] });
    const first = await post(body, { key: 'retry-key-0001' });
    expect(first.status).toBe(202);
    const a = await first.json();
    expect(a.results).toEqual([{ entryId: entry.id, status: 'received', state: 'received', problem: null }]);
    const second = await post(body, { key: 'retry-key-0001' });
    expect(second.status).toBe(202);
    expect(await second.json()).toEqual(a);
    expect(count()).toBe(before + 1);
    // The same entry under a new key (e.g. the outbox re-batched it) is recognised, not stored again.
    const third = await post(body, { key: 'retry-key-0002' });
    expect((await third.json()).results[0].status).toBe('duplicate');
    expect(count()).toBe(before + 1);
    const row = hub.store.entryRecord(entry.id)!;
    expect(row.sources.map((s) => s.author.name)).toEqual(['techAPJ', 'codinghorror']);
  });

  it('answers 422 when a key is reused with another body', async () => {
    await post({ entries: [await qaEntry()] }, { key: 'reused-key-01' });
    const res = await post({ entries: [await qaEntry()] }, { key: 'reused-key-01' });
    expect(res.status).toBe(422);
    expect((await res.json()).title).toBe('Idempotency key reused');
  });

  it('points at the invalid field of each invalid entry', async () => {
    const bad = { ...(await qaEntry()), license: '', sources: [] };
    const res = await post({ entries: [bad] });
    expect(res.status).toBe(422);
    const p = await res.json();
    expect(p.errors.map((e: { pointer: string }) => e.pointer)).toEqual(expect.arrayContaining(['/entries/0/license', '/entries/0/sources']));
  });

  it('keeps valid entries of a mixed batch and reports the invalid one', async () => {
    const good = await qaEntry();
    const tampered = { ...(await qaEntry()), messages: [{ role: 'user', content: 'changed after hashing' }, { role: 'assistant', content: 'x' }] };
    const res = await post({ entries: [good, tampered] });
    expect(res.status).toBe(202);
    const r = (await res.json()).results;
    expect(r[0].status).toBe('received');
    expect(r[1]).toMatchObject({ status: 'invalid', problem: expect.stringMatching(/contentSha256/) });
    expect(hub.store.entryRecord(tampered.id)).toBeNull();
  });

  it('refuses bodies over the size limit with 413', async () => {
    const e = await qaEntry();
    const huge = 'x'.repeat(300_000);
    const big = { ...e, messages: [{ role: 'user', content: huge }, { role: 'assistant', content: 'a' }] };
    big.contentSha256 = await contentHash(big.messages as never);
    const res = await post({ entries: [big] });
    expect(res.status).toBe(413);
  });

  it('stores injection attempts inert', async () => {
    const title = `'); DROP TABLE entries;-- <script>alert(1)</script>`;
    const e = await qaEntry(undefined, { title });
    expect((await post({ entries: [e] })).status).toBe(202);
    const s = await (await get(`/v1/entries/${e.id}`)).json();
    expect(s.title).toBe(title);
    expect(count()).toBeGreaterThan(0);
  });
});

describe('hub: what an entry claims is checked, not trusted', () => {
  const resealed = async (e: Awaited<ReturnType<typeof qaEntry>>) => ({ ...e, contentSha256: await contentHash(e.messages) });

  it('refuses a licence its sources do not allow, naming the field and the rule', async () => {
    const base = await qaEntry();
    // Open-licence sources under ShareAlike, claimed as CC0: recomputed from the sources, refused.
    const e = await resealed({
      ...base,
      sources: base.sources.map((s) => ({ ...s, license: 'CC-BY-SA-4.0' })),
      license: 'CC0-1.0',
      consent: { ...base.consent, basis: 'open_license', license: 'CC0-1.0' },
    });
    const res = await post({ entries: [e] });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.errors).toEqual([{ pointer: '/entries/0/license', detail: expect.stringMatching(/ShareAlike|attribution/) }]);
  });

  it('refuses a contributor-supplied future date, a non-BCP-47 language and a plain contributor claiming an attestation', async () => {
    const base = await qaEntry();
    const attestation = { community: 'Tilt Forums', license: 'CC-BY-SA-4.0', termsUrl: 'https://tiltforums.com/tos', role: 'moderator', attestedAt: new Date().toISOString() };
    const e = await resealed({ ...base, createdAt: '9999-12-31T00:00:00Z', language: 'english', consent: { ...base.consent, basis: 'moderator_attestation', attestation } });
    const res = await post({ entries: [e] });
    expect(res.status).toBe(422);
    const pointers = (await res.json()).errors.map((x: { pointer: string }) => x.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/entries/0/createdAt', '/entries/0/language', '/entries/0/consent/basis']));
  });
});

describe('hub: who submitted', () => {
  it('records the contributor from the token, never from fields in the body', async () => {
    const e = await qaEntry();
    const forged = { ...e, contributor: 'bob', contributorId: 'bob', consent: { ...e.consent, who: 'bob' } };
    expect((await post({ entries: [forged] })).status).toBe(202);
    // Alice's token sent it: it is hers, and Bob cannot see it.
    expect((await get(`/v1/entries/${e.id}`, alice)).status).toBe(200);
    expect((await get(`/v1/entries/${e.id}`, bob)).status).toBe(404);
    const owner = hub.store.db.prepare('SELECT c.name FROM entries e JOIN contributors c ON c.id = e.contributor_id WHERE e.id = ?').get(e.id) as { name: string };
    expect(owner.name).toBe('alice');
    // Unknown fields are not stored.
    const record = JSON.parse((hub.store.db.prepare('SELECT record FROM entries WHERE id = ?').get(e.id) as { record: string }).record);
    expect(record).not.toHaveProperty('contributor');
    expect(record).not.toHaveProperty('contributorId');
  });

  it("cannot overwrite another contributor's entry by reusing its id", async () => {
    const e = await qaEntry();
    expect((await post({ entries: [e] }, { token: bob })).status).toBe(202);
    const res = await post({ entries: [{ ...e, title: 'Taken over' }].map((x) => x) });
    const body = await res.json();
    expect(JSON.stringify(body)).toMatch(/another contributor|invalid/i);
    expect(hub.store.db.prepare('SELECT title FROM entries WHERE id = ?').get(e.id)).toEqual({ title: e.title });
  });
});

describe('hub: tracking and review', () => {
  it("shows a contributor their entries, in pages, and hides others'", async () => {
    const e = await qaEntry();
    await post({ entries: [e] }, { token: bob });
    const own = await get(`/v1/entries/${e.id}`, bob);
    expect(own.status).toBe(200);
    expect((await own.json()).state).toBe('received');
    expect((await get(`/v1/entries/${e.id}`, alice)).status).toBe(404);

    const page1 = await (await get('/v1/entries?mine=1&limit=2')).json();
    expect(page1.entries).toHaveLength(2);
    expect(page1.nextCursor).toBeTruthy();
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const p: { entries: { id: string }[]; nextCursor: string | null } = await (await get(`/v1/entries?mine=1&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json();
      all.push(...p.entries.map((x) => x.id));
      cursor = p.nextCursor;
    } while (cursor);
    const mine = (hub.store.db.prepare("SELECT COUNT(*) AS n FROM entries e JOIN contributors c ON c.id = e.contributor_id WHERE c.name = 'alice'").get() as { n: number }).n;
    expect(all).toHaveLength(mine);
    expect(all).not.toContain(e.id);
  });

  it('lets moderators (only) move an entry through review, with a comment and history', async () => {
    const e = await qaEntry();
    await post({ entries: [e] });
    const review = (token: string, body: unknown) =>
      fetch(`${hub.url}/v1/entries/${e.id}/review`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await review(alice, { state: 'accepted' })).status).toBe(403);
    expect((await review(mod, { state: 'needs_changes', comment: 'Name the game in the title.' })).status).toBe(200);
    const s = await (await get(`/v1/entries/${e.id}`)).json();
    expect(s.state).toBe('needs_changes');
    expect(s.comment).toBe('Name the game in the title.');
    expect(s.history.map((h: { state: string }) => h.state)).toEqual(['received', 'needs_changes']);
  });
});

describe('hub: protocol surface', () => {
  it('serves an OpenAPI 3.1 document generated from the zod schemas', async () => {
    const doc = await (await fetch(`${hub.url}/v1/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/submissions', '/v1/entries', '/v1/entries/{id}', '/v1/entries/{id}/withdraw', '/v1/queue', '/v1/pair']));
    expect(Object.keys(doc.paths['/v1/entries/{id}'])).toEqual(['get', 'patch']);
    expect(doc.paths['/v1/pair'].post.security).toEqual([]);
    expect(doc.components.schemas.EntryStatus.properties).toHaveProperty('revisionOf');
    expect(doc.components.schemas.Entry.oneOf ?? doc.components.schemas.Entry.anyOf).toHaveLength(2);
    expect(doc.components.schemas.Problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status']));
  });

  it('allows CORS for extension origins only', async () => {
    const pre = (origin: string) =>
      fetch(`${hub.url}/v1/submissions`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,idempotency-key,content-type' } });
    const ok = await pre('chrome-extension://abcdefghijklmnopabcdefghijklmnop');
    expect(ok.headers.get('access-control-allow-origin')).toBe('chrome-extension://abcdefghijklmnopabcdefghijklmnop');
    const patch = await fetch(`${hub.url}/v1/entries/x`, { method: 'OPTIONS', headers: { origin: 'moz-extension://1234-abcd', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,if-match,content-type' } });
    expect(patch.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(patch.headers.get('access-control-allow-headers')).toContain('if-match');
    const evil = await pre('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('hub: CORS pinned to the published extension', () => {
  it('serve --extension-origin allows that origin only', async () => {
    const { startHubProcess, freePort } = await import('../e2e/support/hub-process.ts');
    const db = join(mkdtempSync(join(tmpdir(), 'gleaner-cors-')), 'hub.sqlite');
    const ours = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
    const h = await startHubProcess(db, await freePort(), { args: ['--extension-origin', ours] });
    try {
      const pre = (origin: string) => fetch(`${h.url}/v1/submissions`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      expect((await pre(ours)).headers.get('access-control-allow-origin')).toBe(ours);
      expect((await pre('chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba')).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await h.stop();
    }
  });
});

describe('hub: command line and storage', () => {
  it('add-contributor prints a working token alone on its last line', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'gleaner-cli-')), 'hub.sqlite');
    const out = execFileSync('npx', ['tsx', 'hub/cli.ts', 'add-contributor', 'carol', '--db', db], { encoding: 'utf8' });
    const token = out.trimEnd().split('\n').at(-1)!;
    expect(token).toMatch(/^glr_[A-Za-z0-9_-]{32}$/);
    const store = new HubStore(db);
    expect(store.contributorByToken(token)?.name).toBe('carol');
    store.close();
    // Only the hash is stored.
    const raw = new Database(db, { readonly: true });
    expect(JSON.stringify(raw.prepare('SELECT * FROM contributors').all())).not.toContain(token);
    raw.close();
  });

  it('migrates an existing database forward without losing rows', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'gleaner-mig-')), 'hub.sqlite');
    const s1 = new HubStore(db);
    const { token } = s1.addContributor('dave');
    s1.close();
    const s2 = new HubStore(db);
    expect(s2.contributorByToken(token)?.name).toBe('dave');
    expect(s2.db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
    s2.close();
  });
});
