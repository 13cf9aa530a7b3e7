import { describe, expect, it } from 'vitest';
import { buildEntry } from '../../lib/curate/entry.ts';
import { chooseSubject, draftOptions, initialState, nextEntryState, proposeSubject, stateFromEntry, toDraft, toggleRole, typeHobby, typeSubject, type EditorState } from '../../lib/curate/editor.ts';
import { nameKey, proposalRef, proposedSlug, rankSubjects, subjectOptions, subjectQueries } from '../../lib/curate/subject-match.ts';
import { findSubjects } from '../../lib/hub/subjects.ts';
import { consentStatement } from '../../lib/license/statements.ts';
import type { Subject } from '../../lib/model/subject.ts';
import type { Thread } from '../../lib/model/thread.ts';
import { discourseThread } from '../support/entries.ts';

const subject = (hobby: string, slug: string, name: string, extra: { aliases?: string[]; bgg?: string | null } = {}): Subject => ({
  hobby,
  slug,
  name,
  aliases: extra.aliases ?? [],
  externalIds: { bgg: extra.bgg ?? null, wikidata: null },
  version: 1,
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
});

const ARK = subject('board-games', 'ark-nova', 'Ark Nova', { bgg: '342942' });
const ARK_NOBGG = subject('board-games', 'ark-nova-zoo', 'Ark Nova', {});
const CATAN = subject('board-games', 'catan', 'Catan', { aliases: ['Settlers of Catan', 'Die Siedler von Catan'], bgg: '13' });
const NOVA = subject('board-games', 'nova-luna', 'Nova Luna', { bgg: '284083' });
const CHESS = subject('board-games', 'chess', 'Échecs', { aliases: ['Chess'] });

type Page = Pick<Thread, 'url' | 'platform' | 'title' | 'breadcrumbs'>;
const page = (url: string, title: string, trail: string[] = [], platform = 'discourse'): Page => ({ url, platform, title, breadcrumbs: trail.map((name) => ({ name, url: null })) });

describe('rankSubjects: hub subjects for a thread', () => {
  it('the page’s BoardGameGeek id outranks a subject merely named like the title; longer names in the title say more', () => {
    const MARINE = subject('board-games', 'ark-nova-marine-worlds', 'Ark Nova: Marine Worlds', {});
    const p = page('https://boardgamegeek.com/boardgame/342942/ark-nova/forums/66', 'Ark Nova Marine Worlds, first game', [], 'boardgamegeek');
    const r = rankSubjects([NOVA, ARK_NOBGG, MARINE, ARK, CATAN], p);
    expect(r.map((m) => [m.subject.slug, m.reason])).toEqual([
      ['ark-nova', 'bgg'],
      ['ark-nova-marine-worlds', 'title'],
      ['ark-nova-zoo', 'title'],
    ]);
  });

  it('a BGG id on another game is no match, and nothing the page points to is left out', () => {
    const p = page('https://boardgamegeek.com/boardgame/13/catan/forums', 'Opening placement', [], 'boardgamegeek');
    expect(rankSubjects([ARK, NOVA, CATAN], p).map((m) => m.subject.slug)).toEqual(['catan']);
    expect(rankSubjects([ARK, NOVA], p)).toEqual([]);
  });

  it('trail places: a place named like a subject or alias beats a title word; the board the thread is in beats boards above', () => {
    const p = page('https://forum.example.org/t/42', 'Robber placement with Nova Luna friends', ['Forum home', 'Board games', 'Settlers of Catan', 'Strategy'], 'phpbb');
    const r = rankSubjects([NOVA, CATAN], p);
    expect(r.map((m) => [m.subject.slug, m.reason])).toEqual([
      ['catan', 'place'],
      ['nova-luna', 'title'],
    ]);
    // A place holding the name among other words ("Catan forum") still counts, below an exact place.
    const q = page('https://forum.example.org/t/43', 'Ports', ['Home', 'Games', 'Catan forum'], 'phpbb');
    expect(rankSubjects([CATAN], q)[0]).toMatchObject({ reason: 'place' });
    const exact = rankSubjects([CATAN], page('https://forum.example.org/t/44', 'Ports', ['Home', 'Games', 'Catan'], 'phpbb'))[0]!.score;
    expect(exact).toBeGreaterThan(rankSubjects([CATAN], q)[0]!.score);
  });

  it('names meet across case, accents and punctuation, but only as whole words', () => {
    expect(rankSubjects([CHESS], page('https://x.example/t/1', 'ECHECS: l’ouverture italienne'))).toHaveLength(1);
    expect(rankSubjects([CHESS], page('https://x.example/t/2', 'Chess openings'))).toHaveLength(1);
    // "catan" inside "Catanzaro" is not the game.
    expect(rankSubjects([CATAN], page('https://x.example/t/3', 'Meetup in Catanzaro'))).toEqual([]);
  });
});

describe('subjectQueries, subjectOptions, proposed slugs', () => {
  it('asks for the trail’s places first, then the title’s longest words, each once', () => {
    const p = page('https://forum.example.org/t/42', 'Best opening in Catan?', ['Forum home', 'Board games', 'Catan'], 'phpbb');
    expect(subjectQueries(p)).toEqual(['Catan', 'Board games', 'opening', 'best']);
  });

  it('matched subjects first, then autocomplete answers, then a proposal unless a listed subject has the typed name', () => {
    const matched = rankSubjects([CATAN], page('https://x.example/t/1', 'Catan ports'));
    expect(subjectOptions(matched, [NOVA, CATAN], '').map((o) => (o.kind === 'hub' ? o.subject.slug : `+${o.name}`))).toEqual(['catan', 'nova-luna']);
    expect(subjectOptions(matched, [NOVA], 'nova').map((o) => (o.kind === 'hub' ? o.subject.slug : `+${o.name}`))).toEqual(['nova-luna', '+nova']);
    // The typed text is an alias of a listed subject: nothing to propose.
    expect(subjectOptions(matched, [], 'settlers of catan').map((o) => o.kind)).toEqual(['hub']);
  });

  it('proposed slugs follow the hub’s slug rule', () => {
    expect(proposedSlug('  Terraforming Mars: Ares Expedition ')).toBe('terraforming-mars-ares-expedition');
    expect(proposedSlug('Échecs & Go')).toBe('echecs-go');
    expect(proposedSlug('将棋')).toBeNull();
    const long = proposedSlug('word '.repeat(40))!;
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(proposalRef('', 'Catan')).toMatchObject({ ok: false, reason: expect.stringContaining('hobby') });
    expect(proposalRef('Board games', 'Brass: Birmingham')).toEqual({ ok: true, ref: { hobby: 'board-games', slug: 'brass-birmingham' } });
  });

  it('nameKey folds compatibility forms and marks', () => {
    expect(nameKey('ＥＣＨＥＣＳ')).toBe(nameKey('Échecs'));
  });
});

describe('editor state → entry with a subject', () => {
  const statement = consentStatement('author_opt_in', 'CC-BY-SA-4.0');
  const ready = (t: Thread): EditorState => {
    let s = initialState(t);
    s = toggleRole(s, t.posts[0]!.id, 'question');
    s = toggleRole(s, t.posts[1]!.id, 'answer');
    return { ...s, basis: 'author_opt_in', permissionPostIds: [t.posts[0]!.id, t.posts[1]!.id], grant: 'CC-BY-SA-4.0', agreed: true };
  };
  const build = (s: EditorState, t: Thread) =>
    buildEntry(toDraft(s, t), {
      ...draftOptions(s),
      thread: t,
      now: new Date('2026-12-07T04:00:00Z'),
      extensionVersion: 'test',
      consent: { grant: s.grant, basis: s.basis, permissionPostIds: s.permissionPostIds, statement: statement.text, statementVersion: statement.version, who: 'tester', agreed: true },
    });

  it('a chosen hub subject becomes Entry.subject and fills the free-text domain', async () => {
    const t = discourseThread();
    const s = chooseSubject(ready(t), CATAN);
    expect(s).toMatchObject({ topic: 'Catan', hobby: 'board games', externalIds: 'bgg=13' });
    const r = await build(s, t);
    if (!r.ok) throw new Error(r.errors.join('; '));
    expect(r.entry.subject).toEqual({ hobby: 'board-games', slug: 'catan' });
    expect(r.entry.domain).toMatchObject({ hobby: 'board games', subject: 'Catan', externalIds: { bgg: '13' } });
    // Revising the entry later brings the subject back, and the next entry from the thread keeps it.
    expect(stateFromEntry(r.entry, t).subject).toMatchObject({ hobby: 'board-games', slug: 'catan', name: 'Catan' });
    expect(nextEntryState(s, t).subject).toEqual(s.subject);
  });

  it('a typed hobby naming the same slug is kept as typed; a BGG id already typed is not replaced', () => {
    const s = chooseSubject({ ...ready(discourseThread()), hobby: 'Board Games', externalIds: 'bgg=99' }, CATAN);
    expect(s.hobby).toBe('Board Games');
    expect(s.externalIds).toBe('bgg=99');
  });

  it('typing another name drops the chosen subject; the entry then carries free text only', async () => {
    const t = discourseThread();
    const s = typeSubject(chooseSubject(ready(t), CATAN), 'Catan: Seafarers');
    expect(s.subject).toBeNull();
    expect(typeSubject(chooseSubject(ready(t), CATAN), 'catan ').subject?.slug).toBe('catan');
    const r = await build(s, t);
    if (!r.ok) throw new Error(r.errors.join('; '));
    expect(r.entry.subject).toBeUndefined();
    expect(r.entry.domain.subject).toBe('Catan: Seafarers');
  });

  it('a proposal sends the typed name as free text and the slug a moderator would create, and follows the hobby', async () => {
    const t = discourseThread();
    let s = proposeSubject({ ...ready(t), hobby: 'Board games' }, 'Brass: Birmingham');
    expect(s.subject).toEqual({ hobby: 'board-games', slug: 'brass-birmingham', name: 'Brass: Birmingham', proposed: true });
    s = typeHobby(s, 'Tabletop games');
    expect(s.subject).toMatchObject({ hobby: 'tabletop-games', slug: 'brass-birmingham', proposed: true });
    const r = await build(s, t);
    if (!r.ok) throw new Error(r.errors.join('; '));
    expect(r.entry.subject).toEqual({ hobby: 'tabletop-games', slug: 'brass-birmingham' });
    expect(r.entry.domain.subject).toBe('Brass: Birmingham');
    // No hobby: nothing to file the proposal under, the name stays free text.
    expect(proposeSubject({ ...ready(t), hobby: '' }, 'Brass').subject).toBeNull();
  });

  it('without a hub nothing changes: no subject in the state or the entry', async () => {
    const t = discourseThread();
    const s = { ...ready(t), topic: 'Catan' };
    expect(draftOptions(s).subject).toBeNull();
    const r = await build(s, t);
    if (!r.ok) throw new Error(r.errors.join('; '));
    expect(r.entry.subject).toBeUndefined();
  });
});

describe('findSubjects: the hub’s autocomplete', () => {
  const answer = (status: number, body: unknown) => async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('asks the public endpoint with q, hobby and limit, and validates the answer', async () => {
    const calls: string[] = [];
    const r = await findSubjects('https://hub.example/base', ' cat ', {
      hobby: 'board-games',
      limit: 5,
      fetchImpl: async (url) => (calls.push(url), new Response(JSON.stringify({ subjects: [CATAN] }), { status: 200 })),
    });
    expect(r).toEqual({ ok: true, subjects: [CATAN] });
    const u = new URL(calls[0]!);
    expect(u.pathname).toBe('/base/v1/public/subjects');
    expect(Object.fromEntries(u.searchParams)).toEqual({ q: 'cat', hobby: 'board-games', limit: '5' });
    expect(await findSubjects('https://hub.example', '   ', { fetchImpl: async () => { throw new Error('not called'); } })).toEqual({ ok: true, subjects: [] });
  });

  it('says in words what went wrong: malformed answer, older hub, error status, unreachable, too slow', async () => {
    const bad = await findSubjects('https://hub.example', 'cat', { fetchImpl: answer(200, { subjects: [{ ...CATAN, slug: 'Not A Slug' }] }) });
    expect(bad).toMatchObject({ ok: false, reason: expect.stringMatching(/subjects\.0\.slug: a slug/) });
    expect(await findSubjects('https://hub.example', 'cat', { fetchImpl: answer(404, {}) })).toMatchObject({ ok: false, reason: expect.stringContaining('older hub') });
    expect(await findSubjects('https://hub.example', 'cat', { fetchImpl: answer(503, {}) })).toMatchObject({ ok: false, reason: expect.stringContaining('HTTP 503') });
    expect(await findSubjects('https://hub.example', 'cat', { fetchImpl: async () => { throw new TypeError('connection refused'); } })).toMatchObject({ ok: false, reason: expect.stringContaining('connection refused') });
    expect(await findSubjects('not a url', 'cat')).toMatchObject({ ok: false, reason: expect.stringContaining('not a web address') });
    const slow = (_: string, init?: RequestInit) =>
      new Promise<Response>((_, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)));
    expect(await findSubjects('https://hub.example', 'cat', { fetchImpl: slow, timeoutMs: 30 })).toMatchObject({ ok: false, reason: expect.stringContaining('did not list its subjects within') });
  });
});
