import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubStore } from '../../hub/store.ts';
import { similarityOf } from '../../hub/similar.ts';
import type { Entry } from '../../lib/model/entry.ts';
import type { HubSimilarEntry } from '../../lib/model/submission.ts';
import { authed, bothStores, serveStore } from './hub-support.ts';
import { checkAnswersAgainstOpenApi } from './hub-contract.ts';

checkAnswersAgainstOpenApi();

const backends = bothStores('sim');

import { entry, FORUM, Q1, Q1_RETYPED, Q2, Q3 } from '../support/similar-entries.ts';

describe.each(backends)('duplicates, over %s', (_backend, open) => {
  let store: HubStore;
  let hub: { url: string; stop(): Promise<void> };
  let alice: string;
  let bob: string;
  let carol: string;
  let mo: string;
  let vi: string; // a second moderator
  let A: Entry, B: Entry, C: Entry, D: Entry, NC: Entry;

  const post = (token: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${hub.url}${path}`, { method: 'POST', headers: authed(token, headers), body: JSON.stringify(body) });
  const get = (token: string, path: string) => fetch(`${hub.url}${path}`, { headers: authed(token) });
  const submit = async (token: string, e: Entry) => {
    const res = await post(token, '/v1/submissions', { entries: [e] }, { 'idempotency-key': `key-${Math.random()}` });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(202);
    expect(body.results[0].status).toBe('received');
  };
  const queueFlags = async () => {
    const res = await get(mo, '/v1/queue?state=received,in_review,accepted,needs_changes,published');
    expect(res.status).toBe(200);
    const page = (await res.json()) as { entries: { status: { id: string }; similar: HubSimilarEntry[] }[] };
    return new Map(page.entries.map((i) => [i.status.id, i.similar]));
  };
  const status = async (token: string, id: string) => (await get(token, `/v1/entries/${encodeURIComponent(id)}`)).json();

  beforeAll(async () => {
    store = await open();
    hub = await serveStore(store, { writeRateLimit: false });
    alice = (await store.addContributor('alice')).token;
    bob = (await store.addContributor('bob')).token;
    carol = (await store.addContributor('carol')).token;
    mo = (await store.addContributor('mo', 'moderator')).token;
    vi = (await store.addContributor('vi', 'moderator')).token;
    A = await entry(Q1, ['1', '2']);
    B = await entry(Q1_RETYPED, ['31', '32'], { thread: 'https://other.example/topic/7' });
    C = await entry(Q3, ['1', '9']); // another question written from A's question post
    D = await entry(Q2, ['40', '41'], { thread: 'https://third.example/t/9' });
    NC = await entry(Q1, ['50', '51'], { thread: 'https://nc.example/t/1', license: 'CC-BY-NC-SA-4.0' });
    await submit(alice, A);
    await submit(bob, B);
    await submit(bob, C);
    await submit(carol, D);
  });
  afterAll(async () => {
    await hub.stop();
    await store.close();
  });

  it('flags a retyped question and a shared source post in the queue, both ways, and leaves an unrelated entry alone', async () => {
    const flags = await queueFlags();
    expect(flags.get(B.id)).toEqual([{ id: A.id, title: A.title, state: 'received', reason: 'similar_question', score: expect.any(Number), sharedSources: 0 }]);
    expect(flags.get(B.id)![0]!.score).toBeGreaterThanOrEqual(0.6);
    expect(flags.get(C.id)).toEqual([expect.objectContaining({ id: A.id, reason: 'same_sources', sharedSources: 1 })]);
    expect(flags.get(A.id)!.map((f) => [f.id, f.reason])).toEqual([
      [C.id, 'same_sources'],
      [B.id, 'similar_question'],
    ]);
    expect(flags.get(D.id)).toEqual([]);
    // The same post captured from another page address of its thread is still the same post.
    const res = await post(carol, '/v1/similar', { sources: [{ url: 'https://forum.example/t/robber-trading/1?page=2', threadUrl: 'http://www.forum.example/t/robber-trading/', postId: '1' }], question: '' });
    expect(((await res.json()) as { similar: HubSimilarEntry[] }).similar.map((f) => f.id).sort()).toEqual([A.id, C.id].sort());
  });

  it('answers a contributor before submitting with ids, titles and states only', async () => {
    const res = await post(carol, '/v1/similar', { sources: [{ url: `${FORUM}/2`, threadUrl: FORUM, postId: '2' }], question: 'can i trade with another player during the robber phase in catan' });
    expect(res.status).toBe(200);
    const { similar } = (await res.json()) as { similar: HubSimilarEntry[] };
    expect(similar.map((f) => [f.id, f.reason])).toEqual([
      [A.id, 'same_sources'],
      [B.id, 'similar_question'],
    ]);
    expect(Object.keys(similar[0]!).sort()).toEqual(['id', 'reason', 'score', 'sharedSources', 'state', 'title']);
    expect(JSON.stringify(similar)).not.toMatch(/alice|bob/);
    // The entry being revised is not its own duplicate.
    const self = await post(alice, '/v1/similar', { sources: A.sources, question: Q1, excludeId: A.id });
    expect(((await self.json()) as { similar: HubSimilarEntry[] }).similar.map((f) => f.id)).not.toContain(A.id);
    // Bad input is refused in words, not crashed on.
    const many = await post(carol, '/v1/similar', { sources: Array.from({ length: 101 }, (_, i) => ({ url: `${FORUM}/${i}` })), question: 'x' });
    expect(many.status).toBe(422);
    expect(((await many.json()) as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe('/sources');
    expect((await post(carol, '/v1/similar', { sources: [], question: 'a\u0000b' })).status).toBe(422);
    const huge = await post(carol, '/v1/similar', { sources: [], question: 'q'.repeat(600_000) });
    expect(huge.status).toBe(413);
    // A question of the full length in another script is read and answered.
    const long = await post(carol, '/v1/similar', { sources: [], question: 'Можно ли торговать '.repeat(2500) });
    expect(long.status).toBe(200);
    expect((await fetch(`${hub.url}/v1/similar`, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('keeps both when asked: the pair is not flagged again on either side', async () => {
    expect((await post(alice, `/v1/entries/${C.id}/similar/dismiss`, { other: A.id })).status).toBe(403);
    expect((await post(mo, `/v1/entries/${C.id}/similar/dismiss`, { other: C.id })).status).toBe(422);
    expect((await post(mo, `/v1/entries/${C.id}/similar/dismiss`, { other: 'no-such-entry' })).status).toBe(404);
    const res = await post(mo, `/v1/entries/${C.id}/similar/dismiss`, { other: A.id });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { similar: HubSimilarEntry[] }).similar).toEqual([]);
    const flags = await queueFlags();
    expect(flags.get(C.id)).toEqual([]);
    expect(flags.get(A.id)!.map((f) => f.id)).toEqual([B.id]);
    const listed = await get(mo, `/v1/entries/${A.id}/similar`);
    expect(((await listed.json()) as { similar: HubSimilarEntry[] }).similar.map((f) => f.id)).toEqual([B.id]);
    expect((await get(bob, `/v1/entries/${A.id}/similar`)).status).toBe(403);
  });

  it('refuses a merge on a stale revision, naming which entry changed, then folds B into A', async () => {
    const a0 = await status(mo, A.id);
    const b0 = await status(mo, B.id);
    // Someone reviews A after the moderator read it.
    expect((await post(vi, `/v1/entries/${A.id}/review`, { state: 'in_review' })).status).toBe(200);
    const stale = await post(mo, `/v1/entries/${B.id}/merge`, { into: A.id, intoRevision: a0.revision }, { 'if-match': `"r${b0.revision}"` });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { detail: string }).detail).toMatch(/The entry that stays changed since you read it \(now revision \d+, you saw \d+\): it is in_review/);
    const staleB = await post(mo, `/v1/entries/${B.id}/merge`, { into: A.id }, { 'if-match': `"r${b0.revision + 5}"` });
    expect(staleB.status).toBe(412);
    expect(((await staleB.json()) as { detail: string }).detail).toMatch(/The entry to fold changed since you read it/);
    expect(await status(mo, B.id)).toMatchObject({ state: 'received', revision: b0.revision });

    const a1 = await status(mo, A.id);
    const res = await post(mo, `/v1/entries/${B.id}/merge`, { into: A.id, intoRevision: a1.revision, comment: 'Same rule question.' }, { 'if-match': `"r${b0.revision}"` });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(res.headers.get('etag')).toBe(`"r${b0.revision + 1}"`);
    expect(body.entry).toMatchObject({ id: B.id, state: 'rejected', mergedInto: A.id, revision: b0.revision + 1 });
    expect(body.into).toMatchObject({ id: A.id, state: 'in_review', revision: a1.revision + 1 });
    expect(body.into.history.at(-1).comment).toMatch(new RegExp(`^merged entry ${B.id} .*: 2 source posts added$`));
    // The contributor of B reads where it went.
    const mine = await status(bob, B.id);
    expect(mine).toMatchObject({ state: 'rejected', mergedInto: A.id });
    expect(mine.comment).toMatch(new RegExp(`^merged into entry ${A.id} .*credited there\\. Same rule question\\.$`));
    // A gained B's posts as context, and their attribution, under the same licence; its words are unchanged.
    const record = (await store.entryRecord(A.id))!;
    expect(record.sources.map((s) => [s.url, s.role])).toEqual([
      [`${FORUM}/1`, 'question'],
      [`${FORUM}/2`, 'answer'],
      ['https://other.example/topic/7/31', 'context'],
      ['https://other.example/topic/7/32', 'context'],
    ]);
    expect(record.attribution.text.split('\n')).toHaveLength(4);
    expect(record.attribution.text).toContain('https://other.example/topic/7/31, licensed CC-BY-SA-4.0');
    expect(record).toMatchObject({ license: 'CC-BY-SA-4.0', contentSha256: A.contentSha256, messages: A.messages });
    // B is no longer anyone's duplicate; A, re-indexed, now answers for B's posts.
    expect((await queueFlags()).get(A.id)).toEqual([]);
    const byPost = await post(carol, '/v1/similar', { sources: [{ url: 'https://other.example/topic/7/32' }], question: '' });
    expect(((await byPost.json()) as { similar: HubSimilarEntry[] }).similar.map((f) => [f.id, f.reason])).toEqual([[A.id, 'same_sources']]);
    const again = await post(mo, `/v1/entries/${B.id}/merge`, { into: A.id });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { detail: string }).detail).toBe('An entry that is rejected cannot be folded into another.');
    // Folding into a rejected entry is refused too.
    expect((await post(mo, `/v1/entries/${D.id}/merge`, { into: B.id })).status).toBe(409);
    // B's public address leads to A once A is public; until then there is nothing to show.
    expect((await fetch(`${hub.url}/entries/${B.id}`, { redirect: 'manual' })).status).toBe(404);
    await store.setState(A.id, 'accepted', null);
    const moved = await fetch(`${hub.url}/entries/${B.id}`, { redirect: 'manual' });
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe(`/entries/${A.id}`);
    expect((await fetch(`${hub.url}/entries/${D.id}`, { redirect: 'manual' })).status).toBe(404);
  });

  it('refuses a merge whose posts the licence rules do not allow, saying which posts, and leaves both entries as they were', async () => {
    await submit(carol, NC);
    const before = (await store.entryRecord(A.id))!;
    const res = await post(mo, `/v1/entries/${NC.id}/merge`, { into: A.id });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { detail: string; errors: { pointer: string; detail: string }[] };
    expect(body.errors).toEqual([{ pointer: '/license', detail: expect.stringMatching(/^with the other entry's posts the licence no longer holds: .*post 50 by techAPJ \(https:\/\/nc\.example\/t\/1\/50\) \(CC-BY-NC-SA-4\.0\) is NonCommercial/) }]);
    expect(body.detail).toMatch(/cannot be folded into/);
    expect(await store.entryRecord(A.id)).toEqual(before);
    expect((await status(mo, NC.id)).state).toBe('received');
  });

  it('is for moderators, follows the four-eyes rule, and refuses bad requests in words', async () => {
    expect((await post(carol, `/v1/entries/${D.id}/merge`, { into: A.id })).status).toBe(403);
    expect((await post(mo, `/v1/entries/${D.id}/merge`, { into: D.id })).status).toBe(422);
    expect((await post(mo, `/v1/entries/${D.id}/merge`, { nope: 1 })).status).toBe(422);
    expect((await post(mo, `/v1/entries/${D.id}/merge`, { into: 'missing' })).status).toBe(404);
    expect((await post(mo, `/v1/entries/${D.id}/merge`, { into: A.id }, { 'if-match': 'garbage' })).status).toBe(412);
    // A moderator's own entry may not join an accepted one without another moderator.
    const own = await entry(Q2, ['60', '61'], { thread: 'https://own.example/t/1' });
    await submit(mo, own);
    expect((await post(vi, `/v1/entries/${D.id}/review`, { state: 'accepted' })).status).toBe(200);
    const four = await post(mo, `/v1/entries/${own.id}/merge`, { into: D.id });
    expect(four.status).toBe(403);
    expect(((await four.json()) as { title: string }).title).toBe('Four-eyes rule');
    const ok = await post(vi, `/v1/entries/${own.id}/merge`, { into: D.id });
    expect(ok.status).toBe(200);
    expect((await ok.json()).into).toMatchObject({ id: D.id, state: 'accepted' });
  });

  it('lets exactly one of a merge and a rejection racing on the same entry win, and the loser is refused in words', async () => {
    for (let round = 0; round < 4; round++) {
      const keep = await entry(Q2, [`k${round}a`, `k${round}b`], { thread: `https://race.example/t/${round}` });
      const fold = await entry(Q2, [`f${round}a`, `f${round}b`], { thread: `https://race.example/t/${round}` });
      await submit(alice, keep);
      await submit(bob, fold);
      const [m, r] = await Promise.all([
        post(mo, `/v1/entries/${fold.id}/merge`, { into: keep.id }),
        post(vi, `/v1/entries/${fold.id}/review`, { state: 'rejected', comment: 'off topic' }),
      ]);
      expect([m.status, r.status].sort(), `round ${round}`).toEqual([200, 409]);
      const after = await status(mo, fold.id);
      const sources = (await store.entryRecord(keep.id))!.sources.length;
      if (m.status === 200) {
        expect(after).toMatchObject({ state: 'rejected', mergedInto: keep.id });
        expect(sources).toBe(4);
        expect(((await r.json()) as { detail: string }).detail).toBe('An entry that is rejected cannot move to rejected.');
      } else {
        expect(after).toMatchObject({ state: 'rejected', comment: 'off topic' });
        expect(after.mergedInto).toBeUndefined();
        expect(sources).toBe(2);
        expect(((await m.json()) as { detail: string }).detail).toBe('An entry that is rejected cannot be folded into another.');
      }
    }
  });

  it('indexes entries stored before the index existed, and the stores compare-and-set a merge on both revisions', async () => {
    const old = await entry(Q1, ['70', '71'], { thread: 'https://old.example/t/1' });
    const who = await store.addContributor('olga');
    // Stored without the hub's routes: nothing indexed it.
    await store.receiveBatch(who.contributor, 'k-old-entry', [old], 202);
    const lookup = async () => ((await (await post(carol, '/v1/similar', { sources: [], question: Q1 })).json()) as { similar: HubSimilarEntry[] }).similar.map((f) => f.id);
    expect(await lookup()).not.toContain(old.id);
    const sim = await similarityOf(store);
    expect(await sim.backfill()).toBeGreaterThanOrEqual(1);
    expect(await lookup()).toContain(old.id);

    const s = (await store.entryStatus(old.id))!;
    const a = (await store.entryStatus(A.id))!;
    const write = { into: A.id, from: old.id, record: (await store.entryRecord(A.id))!, by: 'mo', intoComment: 'x', fromComment: 'y', sourcesAdded: 0 };
    expect(await sim.sims.merge({ ...write, intoRevision: a.revision - 1, fromRevision: s.revision })).toBe('conflict');
    expect(await sim.sims.merge({ ...write, intoRevision: a.revision, fromRevision: s.revision + 1 })).toBe('conflict');
    expect(await sim.sims.merge({ ...write, into: 'nope', intoRevision: 1, fromRevision: s.revision })).toBe('missing');
    expect((await store.entryStatus(old.id))!.revision).toBe(s.revision);
  });
});
