import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../lib/store/db.ts';
import { enqueue } from '../../lib/store/outbox.ts';
import { flushOutbox, retryNow } from '../../lib/hub/outbox.ts';
import { vouchesOf } from '../../hub/vouch-store.ts';
import { startHub, type RunningHub } from '../support/hub.ts';
import { attestation, entryOn } from '../support/evidence.ts';

let hub: RunningHub;
let token: string;
beforeAll(async () => {
  hub = await startHub({ writeRateLimit: false });
  token = hub.store.addContributor('alice').token;
});
afterAll(() => hub.stop());

describe('an attestation the hub refuses, seen from the extension', () => {
  it('is held in the outbox with the hub\'s reason, the entry kept, and goes in once a hub moderator vouches', async () => {
    const db = openDb('outbox-attestation');
    await db.open();
    const e = await entryOn('moderator_attestation', { attestation: await attestation() });
    await enqueue(db, e, 't1', hub.url);
    const r = await flushOutbox(db, { url: hub.url, token });
    expect(r.held).toBe(1);
    const held = (await db.outbox.get(e.id))!;
    expect(held.state).toBe('held');
    expect(held.lastError).toMatch(/consent\/basis: this account is not registered as a moderator of meta\.discourse\.org.*vouch for you/);
    expect((await db.entries.get(e.id))?.entry.consent.attestation?.rulesPage?.excerpt).toBe(e.consent.attestation!.rulesPage!.excerpt);

    await (await vouchesOf(hub.store)).vouch('alice', 'meta.discourse.org', 'hub operator', null);
    await retryNow(db);
    expect((await flushOutbox(db, { url: hub.url, token })).received).toBe(1);
    expect((await db.outbox.get(e.id))!.state).toBe('received');
  });
});

describe('the bulk page asks the hub whether it vouched for the moderator', () => {
  it('says vouched, not vouched (naming the host and what to do), or unknown with why', async () => {
    const { vouchStatus, vouchSentence } = await import('../../lib/hub/vouches.ts');
    const cfg = { url: hub.url, token: hub.store.addContributor('erin').token };
    const forum = 'https://forum.example/board/1';
    expect(await vouchStatus(cfg, forum)).toEqual({ kind: 'not-vouched', host: 'forum.example', others: [] });
    await (await vouchesOf(hub.store)).vouch('erin', 'other.example', 'hub operator', null);
    const other = await vouchStatus(cfg, forum);
    expect(vouchSentence(other)).toBe(
      'The hub has not vouched for you as a moderator of forum.example (only of other.example), so it will refuse entries resting on this attestation. Ask a moderator of the hub to vouch for you for forum.example; until then, choose another basis for these threads.',
    );
    await (await vouchesOf(hub.store)).vouch('erin', 'forum.example/board', 'hub operator', null);
    expect(await vouchStatus(cfg, forum)).toEqual({ kind: 'vouched', community: 'forum.example/board' });
    expect(await vouchStatus(null, forum)).toEqual({ kind: 'unknown', reason: 'no hub is set up in the options' });
    expect(await vouchStatus({ ...cfg, token: 'wrong' }, forum)).toEqual({ kind: 'unknown', reason: 'the hub answered HTTP 401' });
  });
});
