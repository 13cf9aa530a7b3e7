import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../support/hub.ts';
import { entry, FORUM, Q1, Q2 } from '../support/similar-entries.ts';
import { findSimilar, similarRequest, similarSentence } from '../../lib/hub/similar.ts';
import type { Entry } from '../../lib/model/entry.ts';
import { authed } from './hub-support.ts';

let hub: RunningHub;
let carol: string;
let A: Entry;

beforeAll(async () => {
  hub = await startHub();
  const alice = hub.store.addContributor('alice').token;
  carol = hub.store.addContributor('carol').token;
  A = await entry(Q1, ['1', '2'], { title: 'Trading during the robber phase' });
  const res = await fetch(`${hub.url}/v1/submissions`, { method: 'POST', headers: authed(alice, { 'idempotency-key': 'client-test-1' }), body: JSON.stringify({ entries: [A] }) });
  expect(res.status).toBe(202);
});
afterAll(() => hub.stop());

describe('the curate view asks the hub for similar entries', () => {
  it('finds an entry by a shared post or a near-identical question, and says so in a sentence that does not block', async () => {
    const cfg = { url: hub.url, token: carol };
    const bySource = await findSimilar(cfg, similarRequest([{ url: `${FORUM}/2`, threadUrl: FORUM, postId: '2' }], 'Something else entirely'));
    expect(bySource).toEqual({ kind: 'found', entries: [expect.objectContaining({ id: A.id, reason: 'same_sources', sharedSources: 1, state: 'received' })] });
    const byText = await findSimilar(cfg, similarRequest([], 'CAN I TRADE with another player during the robber-phase in Catan'));
    expect(byText.kind === 'found' && byText.entries.map((e) => e.reason)).toEqual(['similar_question']);
    expect(similarSentence(byText.kind === 'found' ? byText.entries : [])).toMatch(
      /^A similar entry exists at the hub: “Trading during the robber phase” \(waiting for review; asks nearly the same question \(\d+ % alike\)\)\. You can still submit; a moderator will compare them\.$/,
    );
    expect(await findSimilar(cfg, similarRequest([{ url: 'https://elsewhere.example/t/1/1' }], Q2))).toEqual({ kind: 'none' });
    // Revising the entry itself: it is not its own duplicate.
    expect(await findSimilar({ url: hub.url, token: carol }, similarRequest(A.sources, Q1, A.id))).toEqual({ kind: 'none' });
  });

  it('keeps the request within the hub\'s bounds however large the entry', () => {
    const r = similarRequest(Array.from({ length: 150 }, (_, i) => ({ url: `${FORUM}/${i}`, threadUrl: FORUM, postId: String(i) })), 'q'.repeat(80_000));
    expect(r.sources).toHaveLength(100);
    expect(r.question).toHaveLength(50_000);
  });

  it('says why it cannot tell, and never throws: no hub, offline, refused token, an older hub, a strange answer', async () => {
    const q = similarRequest([], Q1);
    expect(await findSimilar(null, q)).toEqual({ kind: 'unknown', reason: 'no hub is paired' });
    expect(await findSimilar({ url: hub.url, token: 'wrong' }, q)).toEqual({ kind: 'unknown', reason: 'the hub answered HTTP 401' });
    const down = async () => {
      throw new Error('connection refused');
    };
    expect(await findSimilar({ url: 'http://127.0.0.1:9', token: 't' }, q, down)).toEqual({ kind: 'unknown', reason: 'the hub could not be reached (connection refused)' });
    const older = async () => new Response('{"title":"Not found"}', { status: 404 });
    expect(await findSimilar({ url: hub.url, token: carol }, q, older)).toEqual({ kind: 'unknown', reason: 'this hub does not look for duplicates (an older hub)' });
    const strange = async () => new Response('{"similar": [{"id": 5}]}', { status: 200 });
    expect(await findSimilar({ url: hub.url, token: carol }, q, strange)).toEqual({ kind: 'unknown', reason: 'the hub answered something Gleaner does not understand' });
    let called = false;
    const spy = async () => ((called = true), new Response('{}'));
    expect(await findSimilar({ url: hub.url, token: carol }, similarRequest([], '   '), spy)).toEqual({ kind: 'none' });
    expect(called).toBe(false);
  });
});
