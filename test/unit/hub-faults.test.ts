import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { connect } from 'node:net';
import Database from 'better-sqlite3';
import { startHub, type RunningHub } from '../support/hub.ts';
import { qaEntry } from '../support/entries.ts';
import { addContributor, freePort, startHubProcess } from '../e2e/support/hub-process.ts';
import { IDEMPOTENCY_RETENTION_MS } from '../../hub/store.ts';
import { checkAnswersAgainstOpenApi } from './hub-contract.ts';

checkAnswersAgainstOpenApi();

/** Faults one request can cause: each of these took the hub down, or made it hold far more than it was sent. */

const submit = (url: string, token: string, body: string, key = `key-${Math.random()}`) =>
  fetch(`${url}/v1/submissions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key }, body });

describe('hub faults: one request cannot take the hub down', () => {
  it('answers 4xx at once to an entry with 1.6 million empty sources (4.8 MB), and keeps serving', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'gleaner-amp-')), 'hub.sqlite');
    const token = addContributor(db, 'amp');
    // A small heap, as on a small server: collecting every validation issue of this body needs gigabytes.
    const before = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `${before ?? ''} --max-old-space-size=384`.trim();
    const h = await startHubProcess(db, await freePort()).finally(() => {
      if (before === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = before;
    });
    try {
      const e = await qaEntry();
      const body = JSON.stringify({ entries: [{ ...e, sources: new Array(1_600_000).fill({}) }] });
      expect(body.length).toBeGreaterThan(4_700_000);
      expect(body.length).toBeLessThan(5 * 1024 * 1024);
      const t0 = Date.now();
      const res = await submit(h.url, token, body);
      const took = Date.now() - t0;
      expect(res.status).toBe(422);
      const text = await res.text();
      expect(text.length).toBeLessThan(10_000);
      expect(JSON.parse(text).errors[0]).toMatchObject({ pointer: '/entries/0/sources', detail: expect.stringMatching(/1600000 sources; the hub accepts at most 100/) });
      // Parsing the JSON itself takes about a second of CPU; the bound leaves room for a loaded machine.
      // The old hub took over a minute on this body, or died.
      expect(took).toBeLessThan(15_000);
      const health = await fetch(`${h.url}/v1/health`, { signal: AbortSignal.timeout(2_000) });
      expect(health.status).toBe(200);
      expect(h.proc.exitCode).toBeNull();

      // The pairing flood: four bodies declaring 300 MB each, sent to the one route that needs no token.
      const flood = await Promise.all(Array.from({ length: 4 }, () => bigPairBody(h.url, 300 * 1024 * 1024)));
      for (const f of flood) {
        expect(f.status).toBe(413);
        expect(f.sent).toBeLessThan(16 * 1024 * 1024);
      }
      expect((await fetch(`${h.url}/v1/health`, { signal: AbortSignal.timeout(2_000) })).status).toBe(200);
      expect(h.proc.exitCode).toBeNull();
    } finally {
      await h.stop();
    }
  }, 60_000);
});

describe('hub faults: SIGKILL', () => {
  it('loses no acknowledged entry and stores none twice across SIGKILL rounds with duplicate resends', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'gleaner-kill-')), 'hub.sqlite');
    const token = addContributor(db, 'killer');
    const port = await freePort();
    const base = await qaEntry();
    const batches = Array.from({ length: 40 }, (_, i) => ({ key: `kill-batch-${i}`, body: JSON.stringify({ entries: [{ ...base, id: `kill-${i}-${Math.random().toString(36).slice(2)}` }] }) }));
    const acked = new Set<string>();
    const sendAll = (url: string) =>
      batches.map((b) =>
        submit(url, token, b.body, b.key)
          .then(async (r) => {
            if (r.status === 202) for (const x of (await r.json()).results as { entryId: string; status: string }[]) if (x.status !== 'invalid') acked.add(x.entryId);
          })
          .catch(() => {}),
      );
    for (let round = 0; round < 3; round++) {
      const h = await startHubProcess(db, port, { killable: true, args: ['--write-rate', 'off'] });
      const sends = sendAll(h.url);
      await new Promise((r) => setTimeout(r, 100 + 150 * round));
      await h.kill(); // no shutdown handler runs: whatever was not committed is gone
      await Promise.all(sends);
      console.log(`SIGKILL round ${round + 1}: ${acked.size} of ${batches.length} entries acknowledged so far`);
    }
    const h = await startHubProcess(db, port, { args: ['--write-rate', 'off'] });
    try {
      for (const b of batches) expect((await submit(h.url, token, b.body, b.key)).status).toBe(202);
    } finally {
      await h.stop();
    }
    const raw = new Database(db, { readonly: true });
    const rows = raw.prepare("SELECT e.id, (SELECT COUNT(*) FROM entry_history h WHERE h.entry_id = e.id AND h.state = 'received') AS received FROM entries e").all() as { id: string; received: number }[];
    raw.close();
    expect(rows).toHaveLength(batches.length);
    expect(rows.filter((r) => r.received !== 1)).toEqual([]);
    const stored = new Set(rows.map((r) => r.id));
    expect([...acked].filter((id) => !stored.has(id))).toEqual([]);
  }, 180_000);
});

/**
 * Declares a body of `length` bytes to /v1/pair and streams it (over a raw socket, so an early answer
 * and close cannot be lost to a write error) until the hub answers; says how much was sent by then.
 */
function bigPairBody(url: string, length: number): Promise<{ status: number; sent: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let received = '';
    let done = false;
    const finish = (status: number) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ status, sent });
    };
    const socket = connect(Number(port), hostname, () => {
      socket.write(`POST /v1/pair HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`);
      const chunk = Buffer.alloc(256 * 1024, 0x61);
      const pump = () => {
        while (!done && sent < length) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      // Give the hub a moment to refuse on the declared length alone, then keep sending.
      setTimeout(pump, 300);
    });
    socket.on('data', (d) => {
      received += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (m) finish(Number(m[1]));
    });
    socket.on('error', (e) => (received ? finish(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0)) : done || reject(e)));
    socket.on('close', () => finish(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0)));
  });
}

describe('hub faults: bounded answers and stored copies', () => {
  let hub: RunningHub;
  let token: string;
  let clock = Date.now();
  beforeAll(async () => {
    hub = await startHub({ now: () => clock, writeRateLimit: false });
    token = hub.store.addContributor('bounded').token;
  });
  afterAll(() => hub.stop());

  it('refuses a large /v1/pair body with 413 without reading it', async () => {
    // Declared length: refused before the body is read.
    const big = JSON.stringify({ code: 'x'.repeat(2_000_000) });
    const res = await fetch(`${hub.url}/v1/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    // No declared length (chunked): cut off at the limit.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${hub.url}/v1/pair`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (r) => {
        r.resume();
        resolve(r.statusCode!);
      });
      req.on('error', reject);
      req.write('{"code":"');
      for (let i = 0; i < 64; i++) req.write('y'.repeat(16 * 1024));
      req.end('"}');
    });
    expect(status).toBe(413);
    expect((await fetch(`${hub.url}/v1/health`)).status).toBe(200);
  });

  it('caps validation issues per entry and per answer, and stores a small idempotent answer', async () => {
    const good = await qaEntry();
    // 99 entries, each with 90 empty sources (within the count limit): about 900 schema issues apiece.
    const bad = Array.from({ length: 99 }, (_, i) => ({ ...good, id: `bad-${i}`, sources: new Array(90).fill({}) }));
    const key = 'bounded-answer-0001';
    const res = await submit(hub.url, token, JSON.stringify({ entries: [good, ...bad] }), key);
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body.results).toHaveLength(100);
    expect(body.results[1]).toMatchObject({ status: 'invalid', problem: expect.stringMatching(/sources\.0\..*; and \d+ more$/) });
    const stored = hub.store.db.prepare('SELECT length(response) AS n FROM idempotency WHERE key = ?').get(key) as { n: number };
    expect(stored.n).toBeLessThan(60_000);

    const all = await submit(hub.url, token, JSON.stringify({ entries: bad }));
    expect(all.status).toBe(422);
    const p = await all.json();
    expect(p.errors.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(p).length).toBeLessThan(30_000);
  });

  it('refuses more entries than the batch limit before looking at any of them', async () => {
    const res = await submit(hub.url, token, JSON.stringify({ entries: new Array(500_000).fill({}) }));
    expect(res.status).toBe(413);
    expect((await res.json()).detail).toMatch(/at most 100 entries/);
  });

  it('stores concurrent submissions once each when they share a commit, and answers a same-key duplicate with the first answer', async () => {
    const before = (hub.store.db.prepare('SELECT COUNT(*) AS n FROM entries').get() as { n: number }).n;
    const base = await qaEntry();
    const dup = JSON.stringify({ entries: [{ ...base, id: `group-dup-${Math.random()}` }] });
    const answers = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => submit(hub.url, token, JSON.stringify({ entries: [{ ...base, id: `group-${i}-${Math.random()}` }] }))),
      ...Array.from({ length: 5 }, () => submit(hub.url, token, dup, 'group-same-key-0001')),
    ]);
    expect(answers.map((r) => r.status)).toEqual(new Array(35).fill(202));
    const bodies = await Promise.all(answers.map((r) => r.json()));
    expect(new Set(bodies.slice(30).map((b) => b.submissionId)).size).toBe(1);
    expect((hub.store.db.prepare('SELECT COUNT(*) AS n FROM entries').get() as { n: number }).n).toBe(before + 31);
  });

  it(`forgets idempotency keys after ${IDEMPOTENCY_RETENTION_MS / 3_600_000} h`, async () => {
    const e = await qaEntry();
    const key = 'old-key-000001';
    expect((await submit(hub.url, token, JSON.stringify({ entries: [e] }), key)).status).toBe(202);
    const keys = () => (hub.store.db.prepare('SELECT COUNT(*) AS n FROM idempotency').get() as { n: number }).n;
    expect(keys()).toBeGreaterThan(0);
    clock += IDEMPOTENCY_RETENTION_MS + 60_000;
    // The next claim prunes: only its own key is left, and the old key is free again (its entry is a duplicate).
    expect((await submit(hub.url, token, JSON.stringify({ entries: [await qaEntry()] }))).status).toBe(202);
    expect(keys()).toBe(1);
    const again = await submit(hub.url, token, JSON.stringify({ entries: [e, await qaEntry()] }), key);
    expect(again.status).toBe(202);
    expect((await again.json()).results[0].status).toBe('duplicate');
  });
});
