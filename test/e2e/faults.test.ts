import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { openDb } from '../../lib/store/db.ts';
import { enqueue } from '../../lib/store/outbox.ts';
import type { Submission } from '../../lib/model/submission.ts';
import type { EntryRow } from '../../lib/store/db.ts';
import type { Thread } from '../../lib/model/thread.ts';
import { discourseThread, qaEntry } from '../support/entries.ts';
import { addContributor, freePort, startHubProcess } from './support/hub-process.ts';
import { launchWithExtension, type Browser } from './support/chromium.ts';
import { startFaultProxy, type FaultProxy, type ProxyStep } from './support/fault-proxy.ts';
import { waitFor } from './support/wait.ts';

// Extension pages have `chrome`; these tests only need storage and alarms from it.
declare const chrome: { storage: { local: { set(v: object): Promise<void> } }; alarms: { clearAll(): Promise<boolean> }; runtime: { sendMessage(m: object): Promise<unknown> } };

let browser: Browser;
let dbFile: string;
let token: string;
let hubPort: number;
let hub: Awaited<ReturnType<typeof startHubProcess>>;
let dash: Page;
let thread: Thread;
let batchNo = 0;

/** Every entry the hub holds, with how many "received" history rows each has (a second store would add one). */
function hubEntries(): Map<string, number> {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT e.id AS id, (SELECT COUNT(*) FROM entry_history h WHERE h.entry_id = e.id AND h.state = 'received') AS received FROM entries e").all() as { id: string; received: number }[];
    return new Map(rows.map((r) => [r.id, r.received]));
  } finally {
    db.close();
  }
}


/**
 * Entries and outbox rows exactly as the curate view's submit makes them: built by the real
 * buildEntry from a corpus thread and enqueued by the real `enqueue`, in a throwaway Node database,
 * then handed to the extension's own IndexedDB (its pages can import nothing of ours).
 */
async function queueEntries(count: number, hubUrl: string): Promise<string[]> {
  const scratch = openDb(`faults-scratch-${++batchNo}`);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const e = await qaEntry(thread, { title: `Fault batch ${batchNo}, entry ${i + 1}` });
    await enqueue(scratch, e, 'faults-thread', hubUrl);
    ids.push(e.id);
  }
  const entries = await scratch.entries.toArray();
  const outbox = await scratch.outbox.toArray();
  scratch.close();
  await dash.evaluate(
    async ({ entries, outbox }) => {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open('gleaner');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      await new Promise<void>((res, rej) => {
        const tx = db.transaction(['entries', 'outbox'], 'readwrite');
        for (const e of entries) tx.objectStore('entries').put(e);
        for (const s of outbox) tx.objectStore('outbox').put(s);
        tx.oncomplete = () => res();
        tx.onerror = () => rej(tx.error);
      });
      db.close();
    },
    { entries: entries as EntryRow[], outbox: outbox as Submission[] },
  );
  // The dashboard's live query only sees writes made through Dexie: reload it to show the new rows.
  await dash.reload();
  await dash.getByTestId('retry-now').waitFor();
  return ids;
}

/** The extension's outbox rows, read with raw IndexedDB from an extension page. */
async function outboxRows(ids: string[]): Promise<Submission[]> {
  return dash.evaluate(async (ids) => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('gleaner');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const all = await new Promise<Submission[]>((res, rej) => {
      const r = db.transaction('outbox').objectStore('outbox').getAll();
      r.onsuccess = () => res(r.result as Submission[]);
      r.onerror = () => rej(r.error);
    });
    db.close();
    return all.filter((s) => ids.includes(s.entryId));
  }, ids);
}

/** Moves a row's last change back in time: what two minutes of waiting would do, without the wait. */
async function ageRows(ids: string[], ms: number) {
  await dash.evaluate(
    async ({ ids, ms }) => {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open('gleaner');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      await new Promise<void>((res, rej) => {
        const store = db.transaction('outbox', 'readwrite').objectStore('outbox');
        for (const id of ids) {
          const g = store.get(id);
          g.onsuccess = () => store.put({ ...g.result, updatedAt: new Date(Date.parse(g.result.updatedAt) - ms).toISOString() });
        }
        store.transaction.oncomplete = () => res();
        store.transaction.onerror = () => rej(store.transaction.error);
      });
      db.close();
    },
    { ids, ms },
  );
}

async function useHub(url: string) {
  await dash.evaluate(({ hubUrl, token }) => chrome.storage.local.set({ settings: { hubUrl, token, displayName: 'Faults' } }), { hubUrl: url, token });
}

const states = async (ids: string[]) => (await outboxRows(ids)).map((s) => s.state).sort();
const allIn = (ids: string[], state: string) => async () => (await states(ids)).every((s) => s === state);

/** Every entry at the hub exactly once (one row, one "received"), and no outbox row left to send. */
async function expectDeliveredOnce(ids: string[]) {
  const held = hubEntries();
  for (const id of ids) expect(held.get(id), `entry ${id} at the hub`).toBe(1);
  const rows = await outboxRows(ids);
  expect(rows).toHaveLength(ids.length);
  expect(rows.filter((s) => ['queued', 'sending', 'held'].includes(s.state))).toEqual([]);
  expect(new Set(rows.map((s) => s.state))).toEqual(new Set(['received']));
}

beforeAll(async () => {
  thread = discourseThread();
  dbFile = join(mkdtempSync(join(tmpdir(), 'gleaner-faults-hub-')), 'hub.sqlite');
  token = addContributor(dbFile, 'faults');
  hubPort = await freePort();
  hub = await startHubProcess(dbFile, hubPort, { killable: true });
  browser = await launchWithExtension();
  dash = await browser.context.newPage();
  await dash.goto(browser.page('dashboard.html'));
  await dash.getByTestId('retry-now').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

let proxy: FaultProxy | null = null;
beforeEach(async () => {
  // A retry alarm left by the previous case must not fire a flush into this one.
  await dash.evaluate(() => chrome.alarms.clearAll());
});
afterEach(async () => {
  await proxy?.close();
  proxy = null;
  // A case that failed leaves entries queued; sent during the next case, they would fail it too.
  await dash.evaluate(async () => {
    await chrome.alarms.clearAll();
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('gleaner');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    await new Promise<void>((res, rej) => {
      const t = db.transaction('outbox', 'readwrite');
      t.objectStore('outbox').clear();
      t.oncomplete = () => res();
      t.onerror = () => rej(t.error);
    });
    db.close();
  });
});

describe('outbox faults in real Chromium: every entry reaches the hub exactly once', () => {
  it('survives the hub being SIGKILLed mid-batch and restarted on the same database', async () => {
    // 25 entries: a full batch of 20 and a second of 5. The hub stores the first batch, but the answer
    // never reaches the extension; it is killed while reading the second.
    proxy = await startFaultProxy(hubPort, (n) => (n === 0 ? { kind: 'forward', hold: 'response' } : n === 1 ? { kind: 'forward', hold: 'mid-request' } : { kind: 'forward' }));
    await useHub(proxy.url);
    const ids = await queueEntries(25, proxy.url);
    const before = hubEntries().size;

    await dash.getByTestId('retry-now').click();
    const first = await proxy.post(0);
    expect(await first.upstream).toBe(202);
    expect(hubEntries().size).toBe(before + 20);
    first.release('drop');
    const second = await proxy.post(1);
    await second.upstreamConnected;
    await hub.kill();
    expect(await second.upstream).toBeInstanceOf(Error);
    expect(second.result).toBe('upstream-failed');

    await dash.getByTestId('submission-error').filter({ hasText: 'could not be reached' }).first().waitFor();
    await waitFor(() => states(ids), (s) => s.every((x) => x === 'queued'), 'all rows back in the queue');
    expect(hubEntries().size).toBe(before + 20);

    hub = await startHubProcess(dbFile, hubPort, { killable: true });
    await dash.getByTestId('retry-now').click();
    await waitFor(allIn(ids, 'received'), Boolean, 'every row received', 20_000);
    await expectDeliveredOnce(ids);
    expect(hubEntries().size).toBe(before + 25);
    // The first batch was resent with the same key (same rows): the hub replayed its first answer.
    const resent = proxy.posts.slice(2).find((x) => x.idempotencyKey === first.idempotencyKey);
    expect(resent, 'the first batch resent under its key').toBeDefined();
    expect(await resent!.upstream).toBe(202);
    const rows = await outboxRows(ids);
    expect(new Set(rows.map((s) => (s.hubResponse as { submissionId?: string } | null)?.submissionId)).size).toBe(2);
  });

  it('rides out 503 (with and without Retry-After) and 500 from a proxy, showing why meanwhile', async () => {
    const problem = (status: number, detail: string) => JSON.stringify({ type: 'about:blank', title: 'Proxy failure', status, detail });
    proxy = await startFaultProxy(hubPort, (n): ProxyStep =>
      n === 0
        ? { kind: 'answer', status: 503, headers: { 'retry-after': '120', 'content-type': 'application/problem+json' }, body: problem(503, 'The hub is being upgraded.') }
        : n === 1
          ? { kind: 'answer', status: 503, headers: { 'content-type': 'text/html' }, body: '<h1>Service Unavailable</h1>' }
          : n === 2
            ? { kind: 'answer', status: 500, headers: { 'content-type': 'application/problem+json' }, body: problem(500, 'Upstream crashed.') }
            : { kind: 'forward' },
    );
    await useHub(proxy.url);
    const ids = await queueEntries(3, proxy.url);
    const before = hubEntries().size;
    const errorShown = (text: string) => dash.getByTestId('submission-error').filter({ hasText: text }).first().waitFor();

    await dash.getByTestId('retry-now').click();
    await errorShown('HTTP 503: The hub is being upgraded.');
    let rows = await outboxRows(ids);
    expect(rows.map((s) => s.state)).toEqual(['queued', 'queued', 'queued']);
    // Retry-After: 120 wins over the 2.5–7.5 s first backoff.
    for (const s of rows) expect(s.nextAttemptAt! - Date.parse(s.updatedAt)).toBeGreaterThanOrEqual(120_000);

    await dash.getByTestId('retry-now').click();
    await errorShown('HTTP 503: Service Unavailable');
    rows = await outboxRows(ids);
    // No Retry-After: the second attempt backs off 10 s × jitter (0.5–1.5).
    for (const s of rows) expect(s.nextAttemptAt! - Date.parse(s.updatedAt)).toBeLessThanOrEqual(15_000);

    await dash.getByTestId('retry-now').click();
    await errorShown('HTTP 500: Upstream crashed.');
    expect(await dash.getByTestId('submission-error').first().innerText()).toMatch(/The entry is kept and will be sent again/);
    expect(hubEntries().size).toBe(before);

    await dash.getByTestId('retry-now').click();
    await waitFor(allIn(ids, 'received'), Boolean, 'every row received');
    await expectDeliveredOnce(ids);
    expect(hubEntries().size).toBe(before + 3);
    expect(proxy.posts.map((x) => x.result)).toEqual(['answered', 'answered', 'answered', 'delivered']);
    expect((await outboxRows(ids)).map((s) => s.attempts)).toEqual([4, 4, 4]);
    expect(await dash.getByTestId('submission-error').count()).toBe(0);
  });

  it('resends, once, a send cut off by the service worker being stopped', async () => {
    proxy = await startFaultProxy(hubPort, (n) => (n === 0 ? { kind: 'forward', hold: 'mid-request' } : { kind: 'forward' }));
    await useHub(proxy.url);
    const ids = await queueEntries(3, proxy.url);
    const before = hubEntries().size;

    await dash.getByTestId('retry-now').click();
    const cut = await proxy.post(0);
    await waitFor(() => states(ids), (s) => s.every((x) => x === 'sending'), 'the rows to be claimed');
    const cdp = await browser.context.newCDPSession(dash);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cut.clientGone;
    // The hub still gets the whole request and stores it; nobody is left to hear the answer.
    cut.release();
    expect(await cut.upstream).toBe(202);
    expect(hubEntries().size).toBe(before + 3);
    expect(await states(ids)).toEqual(['sending', 'sending', 'sending']);

    // Not stale yet: "send now" (which also restarts the worker) leaves the rows alone.
    await dash.getByTestId('retry-now').click();
    await dash.getByRole('status').filter({ hasText: 'Sent what was queued.' }).waitFor();
    expect(proxy.posts).toHaveLength(1);
    expect(await states(ids)).toEqual(['sending', 'sending', 'sending']);

    // Past the stale-send window (2 minutes), the next flush resends them under the same key.
    await ageRows(ids, 3 * 60_000);
    await dash.getByTestId('retry-now').click();
    await waitFor(allIn(ids, 'received'), Boolean, 'every row received');
    await expectDeliveredOnce(ids);
    expect(hubEntries().size).toBe(before + 3);
    expect(proxy.posts).toHaveLength(2);
    expect(proxy.posts[1]!.idempotencyKey).toBe(cut.idempotencyKey);
    expect(proxy.posts[1]!.result).toBe('delivered');
  });

  it('sends the same batch once when two flushes race, and the hub stores a repeated batch once', async () => {
    proxy = await startFaultProxy(hubPort, () => ({ kind: 'forward' }));
    await useHub(proxy.url);
    const ids = await queueEntries(4, proxy.url);
    const before = hubEntries().size;

    // Two "Send queued now" clicks in the same instant, and two flush messages on top.
    await dash.evaluate(() => {
      const b = document.querySelector<HTMLButtonElement>('[data-testid="retry-now"]')!;
      b.click();
      b.click();
      void chrome.runtime.sendMessage({ type: 'flush' });
      void chrome.runtime.sendMessage({ type: 'flush' });
    });
    await waitFor(allIn(ids, 'received'), Boolean, 'every row received');
    await expectDeliveredOnce(ids);
    expect(hubEntries().size).toBe(before + 4);
    // Rows are claimed atomically: one request carried them, not one per flush.
    expect(proxy.posts).toHaveLength(1);
    expect((await outboxRows(ids)).map((s) => s.attempts)).toEqual([1, 1, 1, 1]);

    // The very same request again (same key, same body): the hub answers as the first time, stores nothing.
    const sent = proxy.posts[0]!;
    const again = (key: string) =>
      fetch(`http://127.0.0.1:${hubPort}/v1/submissions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key }, body: sent.body });
    const firstSubmission = ((await outboxRows(ids))[0]!.hubResponse as { submissionId: string }).submissionId;
    for (const r of await Promise.all([again(sent.idempotencyKey!), again(sent.idempotencyKey!)])) {
      expect(r.status).toBe(202);
      const body = (await r.json()) as { submissionId: string; results: { status: string }[] };
      expect(body.submissionId).toBe(firstSubmission);
      expect(body.results.map((x) => x.status)).toEqual(['received', 'received', 'received', 'received']);
    }
    // The same entries under a new key: recognised by id, reported as duplicates, stored nothing.
    const r3 = await again('faults-new-key-for-the-same-entries');
    expect(r3.status).toBe(202);
    expect(((await r3.json()) as { results: { status: string }[] }).results.map((x) => x.status)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    await expectDeliveredOnce(ids);
    expect(hubEntries().size).toBe(before + 4);
  });
});
