import { releaseRows } from '../support/release.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { qaEntry } from '../support/entries.ts';
import { openHubStore, type HubStore } from '../../hub/store.ts';
import { authed, freshSchemaUrl, serveStore, startPostgres } from './hub-support.ts';
import { checkAnswersAgainstOpenApi } from './hub-contract.ts';

checkAnswersAgainstOpenApi();

/**
 * Publish racing withdrawals and rejections, the way an operator runs it: `hub publish` as its own
 * process against the database a serving hub writes to. Whatever the interleaving, an entry whose
 * withdrawal or rejection was answered 200 must stay so and stay out of the release, and everything in
 * the release must be published.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

let pgServer: { url: string; stop(): void };
beforeAll(() => {
  pgServer = startPostgres();
}, 200_000);
afterAll(() => pgServer?.stop());

const backends: [string, () => Promise<{ store: HubStore; target: string }>][] = [
  ['sqlite', async () => {
    const target = join(mkdtempSync(join(tmpdir(), 'gleaner-race-')), 'hub.sqlite');
    return { store: await openHubStore(target), target };
  }],
  ['postgres', async () => {
    const target = await freshSchemaUrl(pgServer.url);
    return { store: await openHubStore(target), target };
  }],
];

describe.each(backends)('publish racing withdraw and review: %s', (_backend, open) => {
  it('never moves an entry that changed meanwhile, and never releases it', async () => {
    const { store, target } = await open();
    const hub = await serveStore(store, { writeRateLimit: false });
    try {
      const owner = (await store.addContributor('racer')).token;
      const mod = (await store.addContributor('referee', 'moderator')).token;
      const base = await qaEntry();
      const N = 400;
      const ids = Array.from({ length: N }, (_, i) => `race-${String(i).padStart(4, '0')}-${Math.random().toString(36).slice(2, 8)}`);
      for (let i = 0; i < N; i += 100) {
        const res = await fetch(`${hub.url}/v1/submissions`, {
          method: 'POST',
          headers: authed(owner, { 'idempotency-key': `race-batch-${i}-${Math.random()}` }),
          body: JSON.stringify({ entries: ids.slice(i, i + 100).map((id) => ({ ...base, id })) }),
        });
        expect(res.status).toBe(202);
      }
      for (const id of ids) expect(await store.setState(id, 'accepted', null)).toBe('ok');

      const out = mkdtempSync(join(tmpdir(), 'gleaner-race-out-'));
      const publish = spawn(TSX, ['hub/cli.ts', 'publish', '--out', out, '--db', target, '--date', '2026-01-01'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      publish.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number>((r) => publish.on('exit', (code) => r(code ?? -1)));
      let done = false;
      void exited.then(() => (done = true));

      // One withdrawal or rejection every few milliseconds, for as long as publish runs.
      const answers = new Map<string, { kind: 'withdraw' | 'reject'; status: number }>();
      for (let i = 0; i < N && !done; i++) {
        const id = ids[i]!;
        const kind = i % 2 ? 'withdraw' : 'reject';
        const res =
          kind === 'withdraw'
            ? await fetch(`${hub.url}/v1/entries/${id}/withdraw`, { method: 'POST', headers: authed(owner) })
            : await fetch(`${hub.url}/v1/entries/${id}/review`, { method: 'POST', headers: authed(mod), body: JSON.stringify({ state: 'rejected', comment: 'race' }) });
        answers.set(id, { kind, status: res.status });
        await new Promise((r) => setTimeout(r, 4));
      }
      expect(await exited, stderr).toBe(0);

      // Every entry the release holds, from every shard in its hobby and subject folders.
      const released = new Set(releaseRows(out).map((r) => r.id as string));
      const statuses = [...answers.values()].map((a) => a.status);
      expect(statuses.every((s) => s === 200 || s === 409), `answers: ${[...new Set(statuses)].join(', ')}`).toBe(true);
      let moved = 0;
      for (const id of ids) {
        const s = (await store.entryStatus(id))!;
        const a = answers.get(id);
        if (a?.status === 200) {
          moved++;
          expect(s.state, id).toBe(a.kind === 'withdraw' ? 'withdrawn' : 'rejected');
          expect(released.has(id), id).toBe(false);
        } else {
          expect(s.state, id).toBe('published');
          expect(released.has(id), id).toBe(true);
        }
      }
      // The race really happened: some moves landed before the claim, and publish found some entries still accepted.
      expect(moved).toBeGreaterThan(0);
      expect(released.size).toBeGreaterThan(0);
    } finally {
      await hub.stop();
      await store.close();
    }
  }, 120_000);
});
