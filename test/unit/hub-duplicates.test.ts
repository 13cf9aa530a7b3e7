import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from '../../lib/model/entry.ts';
import { openHubStore, type Contributor, type HubStore } from '../../hub/store.ts';
import { knowledgeFor, type KnowledgeStore } from '../../hub/knowledge.ts';
import { minhash, NEAR_DUPLICATE, normaliseForDuplicates, similarity, sourceKeys } from '../../hub/duplicates.ts';
import { qaEntry } from '../support/entries.ts';
import { authed, freshSchemaUrl, serveStore, startPostgres } from './hub-support.ts';
import { checkAnswersAgainstOpenApi } from './hub-contract.ts';

/** Duplicates flagged for the moderator: shared source posts, or a near-identical question by MinHash; both stores alike. */

const Q = 'When the robber is moved onto a hex, does each player with a settlement on it lose a card, or only the one you steal from?';

describe('MinHash similarity', () => {
  const sim = (a: string, b: string) => similarity(minhash(a)!, minhash(b)!);
  it('rates a reworded copy (case, punctuation, spacing, a word changed) near-identical and another question far apart', () => {
    expect(sim(Q, Q)).toBe(1);
    expect(sim(Q, `  ${Q.toUpperCase().replace(/,/g, ' ;')}  `)).toBe(1);
    expect(sim(Q, Q.replace('lose a card', 'lose one card'))).toBeGreaterThanOrEqual(NEAR_DUPLICATE);
    expect(sim(Q, 'Can a player trade resources with the bank at 4:1 before rolling the dice on their turn?')).toBeLessThan(0.3);
    expect(sim(Q, Q.slice(0, Q.length / 2))).toBeLessThan(NEAR_DUPLICATE);
  });
  it('works on scripts written without spaces, and has no signature for text without letters or digits', () => {
    const ja = '盗賊をタイルに移動したとき、そのタイルに開拓地を持つ全員がカードを失いますか、それとも奪われた一人だけですか';
    expect(sim(ja, ja.replace('全員', 'みんな'))).toBeGreaterThanOrEqual(NEAR_DUPLICATE);
    expect(sim(ja, '交易は自分の手番にだけできますか、それとも他の人の手番でも銀行と交換できますか')).toBeLessThan(0.3);
    expect(minhash('?! …')).toBeNull();
    expect(normaliseForDuplicates('Ｒｏｂｂｅｒ—moved!')).toBe('robber moved');
  });
  it('keys a source post by forum host and post id, whatever page of the thread it was captured from', async () => {
    const e = await qaEntry();
    const moved = { sources: e.sources.map((s) => ({ ...s, threadUrl: `${s.threadUrl.replace('https://', 'https://www.')}?page=2` })) };
    expect(sourceKeys(moved)).toEqual(sourceKeys(e));
  });
});

let pgServer: { url: string; stop(): void };
beforeAll(() => {
  pgServer = startPostgres();
}, 200_000);
afterAll(() => pgServer?.stop());

const backends: [string, () => Promise<HubStore>][] = [
  ['sqlite', async () => openHubStore(join(mkdtempSync(join(tmpdir(), 'gleaner-dup-')), 'hub.sqlite'))],
  ['postgres', async () => openHubStore(await freshSchemaUrl(pgServer.url))],
];

checkAnswersAgainstOpenApi();

describe.each(backends)('duplicates on %s', (backend, open) => {
  let store: HubStore;
  let kb: KnowledgeStore;
  let who: Contributor;
  let base: Entry;
  let hub: { url: string; stop(): Promise<void> };
  const qa = (id: string, question: string, sourceShift = 0): Entry => {
    const e = base as Entry & { kind: 'qa' };
    const sources = e.sources.map((s) => ({ ...s, postId: `${s.postId}-${sourceShift}` }));
    return { ...e, id, sources, qa: { question: { text: question, sourcePostIds: [sources[0]!.postId] }, answers: [{ text: 'An answer.', rank: 1, sourcePostIds: [sources[1]!.postId] }] } };
  };
  beforeAll(async () => {
    base = await qaEntry();
    store = await open();
    kb = await knowledgeFor(store);
    who = (await store.addContributor('dup-writer')).contributor;
    hub = await serveStore(store);
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
    await store?.close();
  });

  it('flags shared source posts and near-identical questions, not unrelated entries; a revision is looked at anew', async () => {
    await store.receiveBatch(who, 'k-dup-00001', [
      qa('a', Q, 1),
      qa('b-same-posts', 'A completely different question about ports and trading?', 1),
      qa('c-reworded', Q.replace('lose a card', 'lose one card'), 2),
      qa('d-unrelated', 'Can a player trade resources with the bank at 4:1 before rolling the dice on their turn?', 3),
    ], 202);
    const list = await kb.similar('a');
    expect(list?.map((s) => [s.id, s.sharedSources, s.similarity === null ? null : s.similarity >= NEAR_DUPLICATE])).toEqual([
      ['b-same-posts', 2, null],
      ['c-reworded', 0, true],
    ]);
    expect(await kb.similar('d-unrelated')).toEqual([]);
    expect(await kb.similar('nope')).toBeNull();

    // Entries sent later are indexed on the next look.
    await store.receiveBatch(who, 'k-dup-00002', [qa('e-later', Q, 4)], 202);
    // Most shared posts first, then the most similar question (e-later's is the same word for word).
    expect((await kb.similar('a'))?.map((s) => s.id)).toEqual(['b-same-posts', 'e-later', 'c-reworded']);
    expect((await kb.similar('e-later'))?.map((s) => s.id).sort()).toEqual(['a', 'c-reworded']);

    // The contributor rewrites the question: no longer a near-duplicate.
    await store.setState('e-later', 'needs_changes', 'this duplicates another entry');
    const status = await store.entryStatus('e-later');
    await store.reviseEntry('e-later', qa('e-later', 'How many victory points does the longest road give at the end of the game?', 4), status!.revision);
    expect(await kb.similar('e-later')).toEqual([]);
  });

  it('tells moderators over the API, and nobody else', async () => {
    const mod = (await store.addContributor('dup-mod', 'moderator')).token;
    const other = (await store.addContributor('dup-other')).token;
    const res = await fetch(`${hub.url}/v1/entries/a/similar`, { headers: authed(mod) });
    expect(res.status).toBe(200);
    expect((await res.json()).similar.map((s: { id: string }) => s.id)).toEqual(['b-same-posts', 'c-reworded']);
    expect((await fetch(`${hub.url}/v1/entries/a/similar`, { headers: authed(other) })).status).toBe(403);
    expect((await fetch(`${hub.url}/v1/entries/a/similar`)).status).toBe(401);
    expect((await fetch(`${hub.url}/v1/entries/nope/similar`, { headers: authed(mod) })).status).toBe(404);
  });

  it("lets a contributor check before sending: public entries named, their own named, others' in review only counted", async () => {
    const mine = (await store.addContributor('dup-writer')).token;
    const other = (await store.addContributor('dup-other')).token;
    await store.setState('c-reworded', 'accepted', null);
    const sources = [{ threadUrl: base.sources[0]!.threadUrl, postId: `${base.sources[0]!.postId}-1` }];
    const look = async (token: string, body: unknown) => {
      const res = await fetch(`${hub.url}/v1/similar`, { method: 'POST', headers: authed(token), body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };
    const theirs = await look(other, { text: Q, sources });
    expect(theirs.status).toBe(200);
    expect(theirs.body.public.map((s: { id: string; url: string }) => [s.id, s.url])).toEqual([['c-reworded', '/entries/c-reworded']]);
    expect(theirs.body.yours).toEqual([]);
    expect(theirs.body.othersInReview).toBe(2); // a and b-same-posts: counted, not named
    expect(JSON.stringify(theirs.body)).not.toContain('contributorId');
    const own = await look(mine, { text: Q, sources });
    expect(own.body.yours.map((s: { id: string }) => s.id)).toEqual(['a', 'b-same-posts']);
    expect(own.body.othersInReview).toBe(0);
    expect((await look(other, { text: 'Nothing like it: how are ports placed during setup?', sources: [] })).body).toEqual({ public: [], yours: [], othersInReview: 0 });
    expect((await look(other, { text: 'x'.repeat(20_001), sources: [] })).status).toBe(422);
    expect((await look(other, { sources: [] })).status).toBe(422);
  });
});
