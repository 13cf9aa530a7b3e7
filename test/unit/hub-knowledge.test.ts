import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from '../../lib/model/entry.ts';
import { openHubStore, type Contributor, type HubStore } from '../../hub/store.ts';
import { knowledgeFor, searchTerms, type KnowledgeStore } from '../../hub/knowledge.ts';
import { qaEntry } from '../support/entries.ts';
import { authed, freshSchemaUrl, serveStore, startPostgres } from './hub-support.ts';
import { checkAnswersAgainstOpenApi } from './hub-contract.ts';
import { subjectCli } from '../support/hub.ts';

/**
 * The knowledge base on both stores: subjects (create, rename, merge, redirects, autocomplete), the
 * public index that follows review states, search with the same answers and order on SQLite and
 * PostgreSQL, and the public pages and JSON (404s, redirects, hostile text kept as text).
 */

let pgServer: { url: string; stop(): void };
beforeAll(() => {
  pgServer = startPostgres();
}, 200_000);
afterAll(() => pgServer?.stop());

const backends: [string, () => Promise<HubStore>][] = [
  ['sqlite', async () => openHubStore(join(mkdtempSync(join(tmpdir(), 'gleaner-kb-')), 'hub.sqlite'))],
  ['postgres', async () => openHubStore(await freshSchemaUrl(pgServer.url))],
];

checkAnswersAgainstOpenApi();

let base: Entry;
beforeAll(async () => {
  base = await qaEntry();
});

/** A variant of the real fixture entry: own id, title, words, subject, language or kind. The store does not re-check records. */
function variant(id: string, o: { title: string; question?: string; answer?: string; subject?: [string, string] | null; language?: string; kind?: 'qa' | 'strategy' }): Entry {
  const postId = base.sources[0]!.postId;
  const common = { ...base, id, title: o.title, language: o.language ?? 'en', subject: o.subject ? { hobby: o.subject[0], slug: o.subject[1] } : undefined };
  if (o.kind === 'strategy') {
    const { qa: _, ...rest } = common as Entry & { kind: 'qa' };
    return { ...rest, kind: 'strategy', strategy: { topic: 'Openings', body: { text: o.question ?? 'Some strategy text.', sourcePostIds: [postId] }, tags: ['opening'] } } as Entry;
  }
  return { ...(common as Entry & { kind: 'qa' }), kind: 'qa', qa: { question: { text: o.question ?? 'A question?', sourcePostIds: [postId] }, answers: [{ text: o.answer ?? 'An answer.', sourcePostIds: [base.sources[1]!.postId], rank: 1 }] } };
}

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));

async function put(store: HubStore, who: Contributor, entries: Entry[], state: 'accepted' | 'received' = 'accepted', minute0 = 0): Promise<void> {
  await store.receiveBatch(who, `k-${entries[0]!.id}-${Math.random()}`, entries, 202);
  let m = minute0;
  for (const e of entries) if (state === 'accepted') await store.setState(e.id, 'accepted', null, { now: at(m++) });
}

describe.each(backends)('knowledge store: %s', (backend, open) => {
  let store: HubStore;
  let kb: KnowledgeStore;
  let who: Contributor;
  beforeAll(async () => {
    store = await open();
    expect(store.backend).toBe(backend);
    kb = await knowledgeFor(store);
    who = (await store.addContributor('kb-writer')).contributor;
  }, 60_000);
  afterAll(async () => store?.close());

  it('creates hobbies and subjects, refusing taken slugs, unknown hobbies and an external id used twice', async () => {
    expect(await kb.createHobby({ slug: 'board-games', name: 'Board games' })).toMatchObject({ ok: true });
    expect(await kb.createHobby({ slug: 'board-games', name: 'Again' })).toMatchObject({ ok: false, status: 409 });
    const catan = await kb.createSubject({ hobby: 'board-games', slug: 'catan', name: 'Catan', aliases: ['Settlers of Catan'], externalIds: { bgg: '13' } });
    expect(catan).toMatchObject({ ok: true, value: { slug: 'catan', externalIds: { bgg: '13', wikidata: null }, version: 1 } });
    expect(await kb.createSubject({ hobby: 'board-games', slug: 'catan', name: 'Other', aliases: [], externalIds: {} })).toMatchObject({ ok: false, status: 409 });
    expect(await kb.createSubject({ hobby: 'knitting', slug: 'cables', name: 'Cables', aliases: [], externalIds: {} })).toMatchObject({ ok: false, status: 404 });
    const dup = await kb.createSubject({ hobby: 'board-games', slug: 'settlers', name: 'Settlers', aliases: [], externalIds: { bgg: '13' } });
    expect(dup).toMatchObject({ ok: false, status: 409 });
    expect(!dup.ok && dup.reason).toContain('"catan"');
  });

  it('renames with a redirect from the old slug, refuses a stale version, and keeps redirect slugs reserved', async () => {
    await kb.createSubject({ hobby: 'board-games', slug: 'chess', name: 'Échecs', aliases: ['Chess'], externalIds: { wikidata: 'Q718' } });
    expect(await kb.renameSubject('board-games', 'chess', { name: 'Chess', expectVersion: 2 })).toMatchObject({ ok: false, status: 409 });
    const r = await kb.renameSubject('board-games', 'chess', { slug: 'western-chess', expectVersion: 1 });
    expect(r).toMatchObject({ ok: true, value: { slug: 'western-chess', name: 'Échecs', version: 2 } });
    expect(await kb.resolveSubject('board-games', 'chess')).toEqual({ redirect: 'western-chess' });
    const again = await kb.createSubject({ hobby: 'board-games', slug: 'chess', name: 'Chess', aliases: [], externalIds: {} });
    expect(again).toMatchObject({ ok: false, status: 409 });
    expect(await kb.resolveSubject('board-games', 'no-such')).toBeNull();
  });

  it('merges: names become aliases, missing ids filled, redirects flattened; different ids and self-merges are refused', async () => {
    await kb.createSubject({ hobby: 'board-games', slug: 'catan-2', name: 'Catan (2nd listing)', aliases: ['Die Siedler von Catan'], externalIds: { wikidata: 'Q17271' } });
    await kb.createSubject({ hobby: 'board-games', slug: 'catan-3', name: 'Catan third', aliases: [], externalIds: {} });
    expect(await kb.mergeSubject('board-games', 'catan-2', { into: 'catan-2' })).toMatchObject({ ok: false, status: 422 });
    expect(await kb.mergeSubject('board-games', 'catan-2', { into: 'catan', expectIntoVersion: 7 })).toMatchObject({ ok: false, status: 409 });
    // catan-3 → catan-2, then catan-2 → catan: catan-3 must lead straight to catan.
    expect(await kb.mergeSubject('board-games', 'catan-3', { into: 'catan-2' })).toMatchObject({ ok: true });
    const m = await kb.mergeSubject('board-games', 'catan-2', { into: 'catan', expectVersion: 2, expectIntoVersion: 1 });
    expect(m).toMatchObject({ ok: true, value: { slug: 'catan', name: 'Catan', externalIds: { bgg: '13', wikidata: 'Q17271' }, version: 2 } });
    expect(m.ok && m.value.aliases).toEqual(['Settlers of Catan', 'Catan (2nd listing)', 'Die Siedler von Catan', 'Catan third']);
    expect(await kb.resolveSubject('board-games', 'catan-3')).toEqual({ redirect: 'catan' });
    expect(await kb.resolveSubject('board-games', 'catan-2')).toEqual({ redirect: 'catan' });
    await kb.createSubject({ hobby: 'board-games', slug: 'go', name: 'Go', aliases: [], externalIds: { bgg: '188' } });
    await kb.createSubject({ hobby: 'board-games', slug: 'baduk', name: 'Baduk', aliases: [], externalIds: { bgg: '189' } });
    const clash = await kb.mergeSubject('board-games', 'baduk', { into: 'go' });
    expect(clash).toMatchObject({ ok: false, status: 409 });
    expect(!clash.ok && clash.reason).toMatch(/188.*189|189.*188/);
  });

  it('autocompletes on names, aliases and slugs, ignoring case and accents, name prefixes first, wildcards literal', async () => {
    const names = async (q: string, hobby: string | null = null) => (await kb.autocomplete(q, hobby, 10)).map((s) => s.slug);
    expect(await names('echecs')).toEqual(['western-chess']);
    expect(await names('chess')).toEqual(['western-chess']);
    expect(await names('siedler')).toEqual(['catan']);
    expect(await names('ca')).toEqual(['catan']);
    expect(await names('%')).toEqual([]);
    expect(await names('_')).toEqual([]);
    expect(await names('go', 'knitting')).toEqual([]);
    expect(await names('go', 'board-games')).toEqual(['go']);
  });

  it('lists only accepted and published entries, newest first, under the subject they name or a slug merged into it', async () => {
    await put(store, who, [
      variant(`${backend}-e1`, { title: 'Robber on the desert', subject: ['board-games', 'catan'], question: 'Can the robber stay on the desert hex?' }),
      variant(`${backend}-e2`, { title: 'Longest road ties', subject: ['board-games', 'catan-3'], question: 'Who keeps the longest road on a tie?', answer: 'The robber does not matter here.' }),
      variant(`${backend}-e3`, { title: 'Castling through check', subject: ['board-games', 'chess'], question: 'May the king castle through check?' }),
      variant(`${backend}-e4`, { title: 'Opening the robber early', subject: ['board-games', 'catan'], kind: 'strategy', question: 'Place towards the robber early.' }),
      variant(`${backend}-e5`, { title: 'Robbers in German', subject: ['board-games', 'catan'], language: 'de', question: 'Der Räuber robber darf auf die Wüste.' }),
      variant(`${backend}-e6`, { title: 'No subject robber', subject: null, question: 'Unfiled.' }),
    ]);
    await put(store, who, [variant(`${backend}-hidden`, { title: 'Robber pending', subject: ['board-games', 'catan'] })], 'received');
    const page = await kb.subjectEntries('board-games', 'catan', { limit: 3 });
    expect(page.entries.map((e) => e.id)).toEqual([`${backend}-e5`, `${backend}-e4`, `${backend}-e2`]);
    const rest = await kb.subjectEntries('board-games', 'catan', { limit: 3, cursor: page.nextCursor });
    expect(rest.entries.map((e) => e.id)).toEqual([`${backend}-e1`]);
    expect(rest.nextCursor).toBeNull();
    expect((await kb.subjectEntries('board-games', 'western-chess', { limit: 10 })).entries.map((e) => e.id)).toEqual([`${backend}-e3`]);
    expect((await kb.subjects('board-games')).map((s) => [s.slug, s.entries])).toEqual([['baduk', 0], ['catan', 4], ['western-chess', 1], ['go', 0]]);
    expect(await kb.hobbies()).toEqual([{ slug: 'board-games', name: 'Board games', subjects: 4, entries: 5 }]);

    // A moderator sending it back takes it off the public index; publishing keeps it there.
    await store.setState(`${backend}-e1`, 'needs_changes', 'cite the rulebook');
    expect((await kb.subjectEntries('board-games', 'catan', { limit: 10 })).entries.map((e) => e.id)).not.toContain(`${backend}-e1`);
    await store.publishAccepted('r1', at(30));
    expect((await kb.subjectEntries('board-games', 'catan', { limit: 10 })).entries.map((e) => e.id)).toEqual([`${backend}-e5`, `${backend}-e4`, `${backend}-e2`]);
    // The counts (kept by triggers, not counted per request) follow both moves.
    expect((await kb.subjects('board-games')).map((s) => [s.slug, s.entries])).toEqual([['baduk', 0], ['catan', 3], ['western-chess', 1], ['go', 0]]);
    expect(await kb.hobbies()).toEqual([{ slug: 'board-games', name: 'Board games', subjects: 4, entries: 4 }]);
  });

  it('searches whole words, all of them, title hits first, then newest; filters by hobby, subject (merged slugs too), kind and language', async () => {
    const ids = async (q: string, f: Partial<{ hobby: string; subject: string; kind: 'qa' | 'strategy'; language: string }> = {}) =>
      (await kb.search({ terms: searchTerms(q), limit: 20, offset: 0, ...f })).map((h) => h.id.replace(`${backend}-`, ''));
    // e6 and e4 have the word in the title ("Robbers" in e5's is another word).
    expect(await ids('robber')).toEqual(['e6', 'e4', 'e5', 'e2']);
    expect(await ids('ROBBER desert')).toEqual([]); // e1 is back with its contributor
    expect(await ids('robber', { subject: 'catan', hobby: 'board-games' })).toEqual(['e4', 'e5', 'e2']);
    expect(await ids('robber', { kind: 'strategy' })).toEqual(['e4']);
    expect(await ids('robber', { language: 'de' })).toEqual(['e5']);
    expect(await ids('räuber')).toEqual(['e5']);
    expect(await ids('rauber')).toEqual([]);
    expect(await ids('castle')).toEqual(['e3']);
    expect(await ids('robber', { hobby: 'knitting' })).toEqual([]);
    // Query syntax of either engine is only ever words.
    for (const hostile of ['"robber', 'robber*', 'NEAR(robber tie)', 'title:robber', 'robber & !tie', "robber' | 'x", 'robber -longest', '^robber', 'robber OR castling', '(((', '\\']) {
      await expect(Promise.resolve(kb.search({ terms: searchTerms(hostile), limit: 5, offset: 0 }))).resolves.toBeInstanceOf(Array);
    }
    expect(await ids('robber OR castling')).toEqual([]);
    const page2 = await kb.search({ terms: ['robber'], limit: 2, offset: 2 });
    expect(page2.map((h) => h.id.replace(`${backend}-`, ''))).toEqual(['e5', 'e2']);
  });

  it('indexes words in any script', async () => {
    await put(store, who, [
      variant(`${backend}-ja`, { title: '囲碁 の 定石', language: 'ja', question: '星 の 定石 は 何 ですか' }),
      variant(`${backend}-ru`, { title: 'Шахматы дебют', language: 'ru', question: 'Какой дебют лучше?' }),
    ], 'accepted', 40);
    const ids = async (q: string) => (await kb.search({ terms: searchTerms(q), limit: 5, offset: 0 })).map((h) => h.id.replace(`${backend}-`, ''));
    expect(await ids('定石')).toEqual(['ja']);
    expect(await ids('ШАХМАТЫ')).toEqual(['ru']);
  });
});

describe('word diff', () => {
  it('marks removed and added words, keeps the rest, and gives up word matching only past the bound', async () => {
    const { wordDiff, MAX_WORDS } = await import('../../hub/public/diff.ts');
    expect(wordDiff('the robber moves to the desert', 'the robber moves to a forest hex')).toEqual([
      { op: 'same', text: 'the robber moves to ' },
      { op: 'del', text: 'the desert' },
      { op: 'ins', text: 'a forest hex' },
    ]);
    expect(wordDiff('a b c', 'a b c')).toEqual([{ op: 'same', text: 'a b c' }]);
    expect(wordDiff('keep one two keep', 'keep two three keep')).toEqual([
      { op: 'same', text: 'keep ' }, { op: 'del', text: 'one ' }, { op: 'same', text: 'two ' }, { op: 'ins', text: 'three ' }, { op: 'same', text: 'keep' },
    ]);
    const big = Array.from({ length: MAX_WORDS + 10 }, (_, i) => `w${i}`).join(' ');
    const parts = wordDiff(`x ${big} y`, `x ${big.replace('w5 ', 'v5 ')} y`);
    expect(parts.map((p) => p.op)).toEqual(['same', 'del', 'ins', 'same']);
  });
});

describe.each(backends)('search pages: %s', (backend, open) => {
  it('gives every page as the slice of the whole answer, whichever way the store reads the matches', async () => {
    const store = await open();
    const kb = await knowledgeFor(store);
    const who = (await store.addContributor('pager')).contributor;
    // 30 entries with "pawn" in the text, every third with it in the title too; "rook" in seven of them, two in the title.
    const list = Array.from({ length: 30 }, (_, i) =>
      variant(`${backend}-p${i}`, { title: `${i % 3 === 0 ? 'Pawn ' : ''}${i === 4 || i === 20 ? 'rook ' : ''}move ${i}`, question: `Which pawn moves first when opening ${i % 6 === 1 ? 'beside the rook ' : ''}games start here?` }),
    );
    await put(store, who, list);
    const ids = async (words: string[], limit: number, offset: number) => (await kb.search({ terms: words, limit, offset })).map((h) => [h.id.replace(`${backend}-`, ''), h.titleMatch]);
    const { PostgresKnowledge } = await import('../../hub/knowledge-postgres.ts');
    const pg = kb instanceof PostgresKnowledge ? kb : null;
    expect(pg !== null).toBe(backend === 'postgres');
    if (pg) pg.searchTuning.statsMaxAgeMs = 0;
    const wholes: [string[], (string | boolean)[][]][] = [];
    try {
      for (const words of [['pawn'], ['rook'], ['pawn', 'rook'], ['move']]) {
        const whole = await ids(words, 100, 0);
        expect(whole.length).toBeGreaterThan(0);
        // Title hits first, each group newest first (entries were accepted in list order, one minute apart).
        const rank = (id: unknown) => Number(String(id).slice(1));
        const titled = whole.filter((h) => h[1]);
        expect([...titled, ...whole.filter((h) => !h[1])]).toEqual(whole);
        for (const group of [titled, whole.filter((h) => !h[1])]) expect(group.map((h) => rank(h[0]))).toEqual(group.map((h) => rank(h[0])).sort((a, b) => b - a));
        // On PostgreSQL, a walk newest first over a few entries before the GIN entries are read, or over all of
        // them; then (below) with statistics, which send a rare word's search to the GIN entries at once.
        for (const min of pg ? [1, 3, 7, 1000] : [0]) {
          if (pg) pg.searchTuning.walkMin = min;
          for (const [limit, offset] of [[1, 0], [2, 0], [3, 1], [2, 5], [5, 8], [4, 10], [10, 3], [3, 29]] as const)
            expect(await ids(words, limit, offset), `${words.join(' ')} limit ${limit} offset ${offset} walk ${min}`).toEqual(whole.slice(offset, offset + limit));
        }
        wholes.push([words, whole]);
      }
      if (pg) {
        const pool = (store as unknown as { pool: import('pg').Pool }).pool;
        // Ten words are in every entry ("pawn" and "move" among them), "rook" in seven: statistics keeping
        // the ten commonest lexemes tell them apart, as the default target's thousand do on a large index.
        await pool.query('ALTER TABLE kb_entries ALTER COLUMN tsv SET STATISTICS 1; ANALYZE kb_entries');
        const common = (await pool.query("SELECT most_common_elems::text::text[] AS e FROM pg_stats WHERE tablename = 'kb_entries' AND attname = 'tsv' AND schemaname = current_schema()")).rows[0].e as string[];
        expect(common).toEqual(expect.arrayContaining(['pawn', 'move']));
        expect(common).not.toContain('rook');
        for (const [words, whole] of wholes)
          for (const [limit, offset] of [[1, 0], [2, 0], [3, 1], [2, 5], [5, 8], [4, 10], [10, 3], [3, 29], [100, 0]] as const)
            expect(await ids(words, limit, offset), `${words.join(' ')} limit ${limit} offset ${offset}, analysed`).toEqual(whole.slice(offset, offset + limit));
      }
    } finally {
      await store.close();
    }
  });
});

describe.each(backends)('an existing hub database: %s', (_backend, open) => {
  it('indexes the entries accepted before the knowledge base was first opened', async () => {
    const store = await open();
    const who = (await store.addContributor('early')).contributor;
    await put(store, who, [variant('early-1', { title: 'Early robber question', subject: ['board-games', 'catan'], question: 'Is the robber placed before the first turn?' })]);
    await put(store, who, [variant('early-2', { title: 'Early pending robber', question: 'Is the robber placed before the first turn?' })], 'received');
    const kb = await knowledgeFor(store);
    expect(await knowledgeFor(store)).toBe(kb);
    expect((await kb.search({ terms: ['robber'], limit: 5, offset: 0 })).map((h) => [h.id, h.hobby, h.subject])).toEqual([['early-1', 'board-games', 'catan']]);
    await store.close();
  });
});

describe('search terms', () => {
  it('keeps letters and digits of any script, lowercased, at most 8 words of 64 characters from the first 200 characters', () => {
    expect(searchTerms('  "Robber" NEAR(desert, 2) title:x*  ')).toEqual(['robber', 'near', 'desert', '2', 'title', 'x']);
    expect(searchTerms('a b c d e f g h i j')).toHaveLength(8);
    expect(searchTerms(`${'x'.repeat(100)} y`)).toEqual(['x'.repeat(64), 'y']);
    expect(searchTerms('x'.repeat(500))).toEqual([]); // one word cut by the limit
    expect(searchTerms(`${'-'.repeat(200)}hidden`)).toEqual([]);
    expect(searchTerms(`${'-'.repeat(195)}robber`)).toEqual([]);
    expect(searchTerms(`${'-'.repeat(194)}robber more`)).toEqual(['robber']);
    expect(searchTerms('!@#$%^&*()')).toEqual([]);
    expect(searchTerms('Ｒｏｂｂｅｒ')).toEqual(['robber']);
  });
});

const HOSTILE = '<script>fetch("/xss")</script><img src=x onerror="fetch(\'/xss-img\')">';

describe.each(backends)('public pages and JSON: %s', (backend, open) => {
  let store: HubStore;
  let hub: { url: string; stop(): Promise<void> };
  let mod: string;
  let contributor: string;
  beforeAll(async () => {
    store = await open();
    hub = await serveStore(store, { fourEyes: false });
    mod = (await store.addContributor('kb-mod', 'moderator')).token;
    contributor = (await store.addContributor('kb-contrib')).token;
    const who = (await store.addContributor('kb-writer')).contributor;
    const post = (path: string, body: unknown, method = 'POST') => fetch(hub.url + path, { method, headers: authed(mod), body: JSON.stringify(body) });
    expect((await post('/v1/hobbies', { slug: 'board-games', name: `Board games ${HOSTILE}` })).status).toBe(201);
    expect((await post('/v1/subjects', { hobby: 'board-games', slug: 'catan', name: `Catan ${HOSTILE}`, aliases: [HOSTILE], externalIds: { bgg: '13' } })).status).toBe(201);
    const hostile = variant(`${backend}-x1`, { title: `Robber ${HOSTILE}`, subject: ['board-games', 'catan'], question: `Question ${HOSTILE}`, answer: `Answer ${HOSTILE}` });
    hostile.sources = hostile.sources.map((s, i) => ({ ...s, url: i ? 'javascript:fetch("/xss-link")' : s.url, author: { ...s.author, name: `${s.author.name} ${HOSTILE}` } }));
    await put(store, who, [hostile]);
    await put(store, who, [variant(`${backend}-pending`, { title: 'Pending', subject: ['board-games', 'catan'] })], 'received');
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
    await store?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(hub.url + path, { headers, redirect: 'manual' });
  const dom = async (res: Response) => new JSDOM(await res.text()).window.document;

  it('serves home → hobby → subject → entry without a token, under a CSP that allows no script', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(home.headers.get('content-security-policy')).not.toMatch(/script-src/);
    const d1 = await dom(home);
    const hobbyHref = d1.querySelector('main a')!.getAttribute('href')!;
    expect(hobbyHref).toBe('/hobbies/board-games');
    expect(d1.querySelector('main li')!.textContent).toContain('1 entries');
    const d2 = await dom(await get(hobbyHref));
    const subjectHref = d2.querySelector('main a')!.getAttribute('href')!;
    const d3 = await dom(await get(subjectHref));
    const entryLinks = [...d3.querySelectorAll('main ul.list a')].map((a) => a.getAttribute('href'));
    expect(entryLinks).toEqual([`/entries/${backend}-x1`]);
    const d4 = await dom(await get(entryLinks[0]!));
    expect(d4.querySelector('h1')!.textContent).toBe(`Robber ${HOSTILE}`);
    expect(d4.querySelector('.report a')!.getAttribute('href')).toBe(`/report?entry=${backend}-x1`);
    const cites = [...d4.querySelectorAll('.cite li')];
    expect(cites).toHaveLength(2);
    expect(cites[0]!.querySelector('a')!.getAttribute('href')).toBe(base.sources[0]!.url);
    expect(cites[0]!.textContent).toContain('CC-BY-SA-4.0');
    expect(d4.body.textContent).toContain('Each author gave permission');
  });

  it('keeps hostile captured text as text on every page: no script, image or handler, no javascript: link', async () => {
    for (const path of ['/', '/hobbies/board-games', '/hobbies/board-games/catan', `/entries/${backend}-x1`, '/search?q=robber']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      const text = await res.text();
      expect(text, path).not.toContain('<script');
      expect(text, path).not.toContain('<img');
      const d = new JSDOM(text).window.document;
      expect(d.querySelectorAll('script, img, iframe, [onerror], [onload]').length, path).toBe(0);
      expect([...d.querySelectorAll('a')].every((a) => /^(\/|https?:)/.test(a.getAttribute('href')!)), path).toBe(true);
      expect(d.body.textContent, path).toContain(HOSTILE);
    }
  });

  it('answers unknown or non-public hobbies, subjects and entries with 404 pages', async () => {
    for (const path of ['/hobbies/knitting', '/hobbies/board-games/nope', '/hobbies/Board%20Games', `/entries/${backend}-pending`, '/entries/nope', '/entries/%3Cscript%3E', '/entries/a%00b', `/entries/${'x'.repeat(300)}`, '/hobbies/board-games/%00']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect((await dom(res)).querySelector('h1')!.textContent).toBe('Not found');
    }
    for (const path of ['/v1/public/hobbies/knitting', '/v1/public/hobbies/board-games/subjects/nope', `/v1/public/entries/${backend}-pending`, '/v1/public/entries/a%00b']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('lets moderators alone rename and merge, and the old slug redirects on both the pages and the JSON', async () => {
    const patch = (token: string, body: unknown) => fetch(`${hub.url}/v1/subjects/board-games/catan`, { method: 'PATCH', headers: authed(token), body: JSON.stringify(body) });
    expect((await patch(contributor, { slug: 'settlers' })).status).toBe(403);
    expect((await fetch(`${hub.url}/v1/subjects/board-games/catan`, { method: 'PATCH', body: '{}' })).status).toBe(401);
    expect((await patch(mod, { slug: 'Not A Slug' })).status).toBe(422);
    expect((await patch(mod, { slug: 'settlers', expectVersion: 9 })).status).toBe(409);
    const r = await patch(mod, { slug: 'settlers', expectVersion: 1 });
    expect(r.status).toBe(200);
    const old = await get('/hobbies/board-games/catan');
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe('/hobbies/board-games/settlers');
    const oldJson = await get('/v1/public/hobbies/board-games/subjects/catan');
    expect(oldJson.status).toBe(301);
    expect(oldJson.headers.get('location')).toBe('/v1/public/hobbies/board-games/subjects/settlers');
    const now = await (await get('/v1/public/hobbies/board-games/subjects/settlers')).json();
    expect(now.entries.map((e: { id: string }) => e.id)).toEqual([`${backend}-x1`]);
    const merge = (body: unknown) => fetch(`${hub.url}/v1/subjects/board-games/nope/merge`, { method: 'POST', headers: authed(mod), body: JSON.stringify(body) });
    expect((await merge({ into: 'settlers' })).status).toBe(404);
  });

  it("shows a revised entry's earlier version as a word diff, hostile words still text", async () => {
    const id = `${backend}-rev`;
    const who = (await store.addContributor('kb-writer')).contributor;
    await put(store, who, [variant(id, { title: 'Revised', subject: ['board-games', 'settlers'], question: 'Does the robber block production on the desert?' })]);
    await store.setState(id, 'needs_changes', 'say which hex');
    const s = (await store.entryStatus(id))!;
    expect(await store.reviseEntry(id, variant(id, { title: 'Revised', subject: ['board-games', 'settlers'], question: `Does the robber block production on a forest ${HOSTILE} hex?` }), s.revision)).toBe('ok');
    expect((await get(`/entries/${id}`)).status).toBe(404); // back in review: not public
    await store.setState(id, 'accepted', null);
    const d = await dom(await get(`/entries/${id}`));
    const diff = d.querySelector('details.diff')!;
    expect([...diff.querySelectorAll('del')].map((x) => x.textContent!.trim())).toEqual(['the desert?']);
    expect([...diff.querySelectorAll('ins')].map((x) => x.textContent!.trim())).toEqual([`a forest ${HOSTILE} hex?`]);
    expect(d.querySelectorAll('script, img').length).toBe(0);
    const json = await (await get(`/v1/public/entries/${id}`)).json();
    expect(json.revisions.map((r: { revision: number }) => r.revision)).toEqual([3]);
  });

  it('offers the same data as JSON, search and autocomplete, with bad input refused in plain words', async () => {
    const hobbies = await (await get('/v1/public/hobbies')).json();
    expect(hobbies.hobbies).toEqual([{ slug: 'board-games', name: `Board games ${HOSTILE}`, subjects: 1, entries: 2 }]);
    const entry = await (await get(`/v1/public/entries/${backend}-x1`)).json();
    expect(entry.entry.title).toBe(`Robber ${HOSTILE}`);
    expect(entry.subject.slug).toBe('settlers');
    expect(entry.passages.map((p: { role: string }) => p.role)).toEqual(['question', 'answer']);
    expect(entry.history.map((h: { state: string }) => h.state)).toEqual(['received', 'accepted']);
    expect(entry.entry.consent).not.toHaveProperty('who');
    const search = await (await get('/v1/public/search?q=robber&hobby=board-games&subject=catan')).json();
    expect(search.results.map((r: { id: string }) => r.id)).toEqual([`${backend}-x1`]);
    const matches = await (await get('/v1/public/subjects?q=CATAN')).json();
    expect(matches.subjects.map((s: { slug: string }) => s.slug)).toEqual(['settlers']);
    for (const path of ['/v1/public/search?q=%22%22', '/v1/public/search', '/v1/public/search?q=x&kind=poem', '/v1/public/search?q=x&offset=99999', '/v1/public/search?q=x&subject=catan', '/v1/public/subjects?q=', '/v1/public/hobbies/board-games/subjects/settlers?cursor=%%%']) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
    }
    const huge = await get(`/v1/public/search?q=${encodeURIComponent('robber '.repeat(400))}`);
    expect(huge.status).toBe(200);
    expect((await huge.json()).terms).toEqual(['robber']);
    const page = await get(`/search?q=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(await page.text()).not.toContain('<script>alert');
  });
});

describe('hobby and subject commands', () => {
  it('create, rename and merge with the API checks, saying why in plain words and exiting non-zero', async () => {
    const store = await backends[0]![1]();
    const run = subjectCli(store);
    expect(await run('hobby create knitting --name Knitting')).toMatchObject({ code: 0 });
    expect(await run('subject create knitting cables --name Cables --wikidata Q1')).toMatchObject({ code: 0 });
    expect(await run('subject create knitting brioche --name Brioche --wikidata Q1')).toMatchObject({ code: 1, err: expect.stringContaining('"cables"') });
    expect(await run('subject create knitting lace --name Lace --bgg 12x')).toMatchObject({ code: 2, err: expect.stringContaining('externalIds.bgg') });
    expect(await run('subject create knitting lace --name Lace')).toMatchObject({ code: 0 });
    expect(await run('subject rename knitting cables --slug cable-knitting --expect-version 2')).toMatchObject({ code: 1, err: expect.stringContaining('version 2, now 1') });
    expect(await run('subject rename knitting cables --slug cable-knitting')).toMatchObject({ code: 0, out: expect.stringContaining('redirects there') });
    expect(await run('subject merge knitting lace --into cable-knitting')).toMatchObject({ code: 0 });
    expect((await run('subject list knitting')).out).toBe('cable-knitting\tCables\tv3\t0 entries\tQ1\n');
    expect(await run('subject frob')).toMatchObject({ code: 2 });
    await store.close();
  });
});
