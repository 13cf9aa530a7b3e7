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
