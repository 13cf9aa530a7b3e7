import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entry } from '../../lib/model/entry.ts';
import type { HubStore } from '../../hub/store.ts';
import { knowledgeFor, type KnowledgeStore } from '../../hub/knowledge.ts';
import { qaEntry } from '../support/entries.ts';
import { authed, bothStores, serveStore } from './hub-support.ts';
import { subjectCli } from '../support/hub.ts';

/**
 * Subject split on both stores: a slug merged (or renamed) into a subject becomes a subject again, its
 * entries listed there, the names and ids it takes leaving the subject it came out of; everything else
 * is refused with the reason. Through the store and through the moderators' API.
 */
const backends = bothStores('kb-split');

let base: Entry;
beforeAll(async () => {
  base = await qaEntry();
});

const filed = (id: string, slug: string): Entry => ({ ...base, id, title: `Entry ${id}`, subject: { hobby: 'board-games', slug } });

describe.each(backends)('subject split: %s', (backend, open) => {
  let store: HubStore;
  let kb: KnowledgeStore;
  let hub: { url: string; stop(): Promise<void> };
  let mod: string;
  let contributor: string;
  beforeAll(async () => {
    store = await open();
    expect(store.backend).toBe(backend);
    kb = await knowledgeFor(store);
    hub = await serveStore(store, { fourEyes: false });
    mod = (await store.addContributor('split-mod', 'moderator')).token;
    contributor = (await store.addContributor('split-contrib')).token;
    const who = (await store.addContributor('split-writer')).contributor;
    expect(await kb.createHobby({ slug: 'board-games', name: 'Board games' })).toMatchObject({ ok: true });
    await kb.createSubject({ hobby: 'board-games', slug: 'catan', name: 'Catan', aliases: ['Settlers'], externalIds: { bgg: '13' } });
    await kb.createSubject({ hobby: 'board-games', slug: 'seafarers', name: 'Catan: Seafarers', aliases: ['Seefahrer'], externalIds: { wikidata: 'Q1' } });
    await kb.createSubject({ hobby: 'board-games', slug: 'chess', name: 'Chess', aliases: [], externalIds: { wikidata: 'Q718' } });
    const entries = [filed(`${backend}-c1`, 'catan'), filed(`${backend}-s1`, 'seafarers')];
    await store.receiveBatch(who, `k-split-${backend}`, entries, 202);
    for (const e of entries) await store.setState(e.id, 'accepted', null);
    expect(await kb.mergeSubject('board-games', 'seafarers', { into: 'catan' })).toMatchObject({ ok: true, value: { aliases: ['Settlers', 'Catan: Seafarers', 'Seefahrer'], externalIds: { wikidata: 'Q1' } } });
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
    await store?.close();
  });

  const listed = async (slug: string) => (await kb.subjectEntries('board-games', slug, { limit: 10 })).entries.map((e) => e.id).sort();

  it('refuses what is not a split: the subject itself, a slug not redirecting here, its own name, a stale version, a third subject’s id', async () => {
    const v = (await kb.resolveSubject('board-games', 'catan')) as { subject: { version: number } };
    const reason = async (slug: string, body: Parameters<KnowledgeStore['splitSubject']>[2]) => {
      const r = await kb.splitSubject('board-games', slug, body);
      if (r.ok) throw new Error('expected a refusal');
      return [r.status, r.reason];
    };
    expect(await reason('catan', { slug: 'catan', name: 'X', aliases: [], externalIds: {} })).toEqual([422, expect.stringContaining('the subject itself')]);
    expect(await reason('catan', { slug: 'chess', name: 'Chess', aliases: [], externalIds: {} })).toEqual([409, expect.stringContaining('does not redirect to "catan"')]);
    expect(await reason('catan', { slug: 'seafarers', name: 'catan', aliases: [], externalIds: {} })).toEqual([409, expect.stringContaining('the name of "catan" itself')]);
    expect(await reason('catan', { slug: 'seafarers', name: 'Catan: Seafarers', aliases: [], externalIds: {}, expectVersion: v.subject.version - 1 })).toEqual([409, expect.stringContaining('changed since')]);
    expect(await reason('catan', { slug: 'seafarers', name: 'Catan: Seafarers', aliases: [], externalIds: { wikidata: 'Q718' } })).toEqual([409, expect.stringContaining('"chess"')]);
    expect(await reason('nope', { slug: 'seafarers', name: 'S', aliases: [], externalIds: {} })).toEqual([404, expect.stringContaining('No subject "nope"')]);
    // Nothing changed by the refusals.
    expect(await kb.resolveSubject('board-games', 'seafarers')).toEqual({ redirect: 'catan' });
    expect(await listed('catan')).toEqual([`${backend}-c1`, `${backend}-s1`]);
  });

  it('moderators alone split, through the API; the slug serves its own subject again and its entries move back', async () => {
    const split = (token: string, body: unknown) => fetch(`${hub.url}/v1/subjects/board-games/catan/split`, { method: 'POST', headers: authed(token), body: JSON.stringify(body) });
    const body = { slug: 'seafarers', name: 'Catan: Seafarers', aliases: ['Seefahrer'], externalIds: { wikidata: 'Q1' } };
    expect((await split(contributor, body)).status).toBe(403);
    expect((await split(mod, { slug: 'Not A Slug', name: 'x' })).status).toBe(422);
    const before = (await kb.resolveSubject('board-games', 'catan')) as { subject: { version: number } };
    const r = await split(mod, { ...body, expectVersion: before.subject.version });
    expect(r.status).toBe(201);
    expect(await r.json()).toMatchObject({ hobby: 'board-games', slug: 'seafarers', name: 'Catan: Seafarers', aliases: ['Seefahrer'], externalIds: { bgg: null, wikidata: 'Q1' }, version: 1 });
    const catan = (await kb.resolveSubject('board-games', 'catan')) as { subject: { aliases: string[]; externalIds: object; version: number } };
    expect(catan.subject).toMatchObject({ aliases: ['Settlers'], externalIds: { bgg: '13', wikidata: null }, version: before.subject.version + 1 });
    expect(await listed('catan')).toEqual([`${backend}-c1`]);
    expect(await listed('seafarers')).toEqual([`${backend}-s1`]);
    expect((await kb.subjects('board-games')).map((s) => [s.slug, s.entries])).toEqual([['catan', 1], ['seafarers', 1], ['chess', 0]]);
    const page = await fetch(`${hub.url}/v1/public/hobbies/board-games/subjects/seafarers`, { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect((await kb.autocomplete('seefahrer', 'board-games', 10)).map((s) => s.slug)).toEqual(['seafarers']);
  });
});

describe('subject split from the command line', () => {
  it('splits with the API checks, saying why in plain words and exiting non-zero', async () => {
    const store = await backends[0]![1]();
    const run = subjectCli(store);
    expect(await run('hobby create knitting --name Knitting')).toMatchObject({ code: 0 });
    expect(await run('subject create knitting cables --name Cables')).toMatchObject({ code: 0 });
    expect(await run('subject create knitting lace --name Lace --wikidata Q5')).toMatchObject({ code: 0 });
    expect(await run('subject merge knitting lace --into cables')).toMatchObject({ code: 0 });
    expect(await run('subject split knitting cables --slug lace')).toMatchObject({ code: 2, err: expect.stringContaining('name') });
    expect(await run('subject split knitting cables --slug brioche --name Brioche')).toMatchObject({ code: 1, err: expect.stringContaining('does not redirect') });
    expect(await run('subject split knitting cables --slug lace --name Lace --wikidata Q5')).toMatchObject({ code: 0, out: expect.stringContaining('/hobbies/knitting/lace') });
    expect((await run('subject list knitting')).out).toBe('cables\tCables\tv3\t0 entries\nlace\tLace\tv1\t0 entries\tQ5\n');
    await store.close();
  });
});
