import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entry, Source } from '../../lib/model/entry.ts';
import type { Contributor, HubStore } from '../../hub/store.ts';
import { knowledgeFor, type KnowledgeStore } from '../../hub/knowledge.ts';
import { decodeOrderCursor, type SubjectSort } from '../../hub/subject-order.ts';
import { subjectPage } from '../../hub/public/pages.ts';
import { qaEntry } from '../support/entries.ts';
import { bothStores, serveStore } from './hub-support.ts';
import { checkAnswersAgainstOpenApi } from './hub-contract.ts';

/**
 * A subject's entries newest first or most cited first (distinct source posts), on both stores: the
 * count filled for entries public before the knowledge base was opened (migration) and after (trigger),
 * keyset pages that add up to the whole order in either order, the page's plain-link switch and the JSON
 * `sort=`, cursors of the other order refused, and the index serving the order.
 */
const backends = bothStores('kb-order');
checkAnswersAgainstOpenApi();

let base: Entry;
beforeAll(async () => {
  base = await qaEntry();
});

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));

/** An entry citing `posts` (post ids, repeats allowed: a repeat is one source post counted once). */
function citing(id: string, slug: string, posts: string[]): Entry {
  const s0 = base.sources[0]!;
  // Each post its own address too, as real posts have (a merge tells posts apart by address or thread and id).
  const sources: Source[] = posts.map((p) => ({ ...s0, postId: p, url: `https://forum.example/t/rules/1/${p}` }));
  return { ...(base as Entry & { kind: 'qa' }), id, title: `Entry ${id}`, subject: { hobby: 'board-games', slug }, sources, qa: { question: { text: 'A question?', sourcePostIds: [posts[0]!] }, answers: [{ text: 'An answer.', sourcePostIds: [posts.at(-1)!], rank: 1 }] } };
}

describe.each(backends)('subject order: %s', (backend, open) => {
  let store: HubStore;
  let kb: KnowledgeStore;
  let who: Contributor;
  let hub: { url: string; stop(): Promise<void> };
  const id = (n: number) => `${backend}-o${n}`;
  const accept = async (entries: Entry[], minute0: number) => {
    await store.receiveBatch(who, `k-${entries[0]!.id}`, entries, 202);
    for (const [i, e] of entries.entries()) await store.setState(e.id, 'accepted', null, { now: at(minute0 + i) });
  };

  beforeAll(async () => {
    store = await open();
    who = (await store.addContributor('order-writer')).contributor;
    // Public before the knowledge base exists: its migrations count their sources.
    await accept([citing(id(1), 'catan', ['a']), citing(id(2), 'catan', ['a', 'b', 'c']), citing(id(3), 'catan', ['a', 'b', 'd'])], 0);
    kb = await knowledgeFor(store);
    expect(await kb.createHobby({ slug: 'board-games', name: 'Board games' })).toMatchObject({ ok: true });
    await kb.createSubject({ hobby: 'board-games', slug: 'catan', name: 'Catan', aliases: [], externalIds: {} });
    await kb.createSubject({ hobby: 'board-games', slug: 'seafarers', name: 'Seafarers', aliases: [], externalIds: {} });
    // After: the trigger counts them. o4 names post "e" twice (one post); o5 is under a slug merged in.
    await accept([citing(id(4), 'catan', ['e', 'e', 'f']), citing(id(5), 'seafarers', ['a', 'b', 'c', 'd', 'e'])], 3);
    await store.receiveBatch(who, `k-${id(6)}`, [citing(id(6), 'catan', ['a', 'b', 'c', 'd', 'e', 'f', 'g'])], 202); // in review: never listed
    expect(await kb.mergeSubject('board-games', 'seafarers', { into: 'catan' })).toMatchObject({ ok: true });
    hub = await serveStore(store, { fourEyes: false });
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
    await store?.close();
  });

  const CITED = [5, 3, 2, 4, 1];
  const NEWEST = [5, 4, 3, 2, 1];

  const walk = async (sort: SubjectSort, limit: number) => {
    const seen: { id: string; cites: number }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const p: Awaited<ReturnType<KnowledgeStore['subjectEntries']>> = await kb.subjectEntries('board-games', 'catan', { limit, cursor, sort });
      seen.push(...p.entries.map((e) => ({ id: e.id, cites: e.cites })));
      cursor = p.nextCursor;
      if (++pages > 10) throw new Error('cursor does not advance');
    } while (cursor);
    return seen;
  };

  it('counts distinct source posts, whether the entry was public before the index existed or after', async () => {
    const all = await walk('cited', 50);
    expect(all).toEqual([
      { id: id(5), cites: 5 },
      { id: id(3), cites: 3 },
      { id: id(2), cites: 3 },
      { id: id(4), cites: 2 },
      { id: id(1), cites: 1 },
    ]);
  });

  it.each([1, 2, 3, 50])('pages of %i add up to the whole order in either sort, each entry once', async (limit) => {
    expect((await walk('cited', limit)).map((e) => e.id)).toEqual(CITED.map(id));
    expect((await walk('newest', limit)).map((e) => e.id)).toEqual(NEWEST.map(id));
  });

  it('refuses a cursor of the other order instead of reading it as something else', async () => {
    const newest = (await kb.subjectEntries('board-games', 'catan', { limit: 1 })).nextCursor!;
    const cited = (await kb.subjectEntries('board-games', 'catan', { limit: 1, sort: 'cited' })).nextCursor!;
    expect(decodeOrderCursor('cited', newest)).toBeNull();
    expect(decodeOrderCursor('newest', cited)).toBeNull();
    expect(decodeOrderCursor('cited', cited)).toEqual({ sort: 'cited', cites: 5, at: expect.any(String), id: id(5) });
    const api = (q: string) => fetch(`${hub.url}/v1/public/hobbies/board-games/subjects/catan?${q}`);
    expect((await api(`sort=cited&cursor=${newest}`)).status).toBe(400);
    expect((await api(`cursor=${cited}`)).status).toBe(400);
    const bad = await api('sort=popular');
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toContain('newest');
  });

  it('the JSON API pages with sort=cited, and an old slug keeps the order through its redirect', async () => {
    const first = await fetch(`${hub.url}/v1/public/hobbies/board-games/subjects/catan?sort=cited&limit=2`);
    expect(first.status).toBe(200);
    const p1 = await first.json();
    expect(p1).toMatchObject({ sort: 'cited', entries: [{ id: id(5), cites: 5 }, { id: id(3), cites: 3 }] });
    const p2 = await (await fetch(`${hub.url}/v1/public/hobbies/board-games/subjects/catan?sort=cited&limit=2&cursor=${p1.nextCursor}`)).json();
    expect(p2.entries.map((e: { id: string }) => e.id)).toEqual([id(2), id(4)]);
    const moved = await fetch(`${hub.url}/v1/public/hobbies/board-games/subjects/seafarers?sort=cited&limit=2`, { redirect: 'manual' });
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/v1/public/hobbies/board-games/subjects/catan?sort=cited&limit=2');
  });

  it('the page switches order with plain links, marks the current one, and pages within it', async () => {
    const text = async (path: string) => {
      const r = await fetch(`${hub.url}${path}`);
      return { status: r.status, body: await r.text() };
    };
    const newest = await text('/hobbies/board-games/catan');
    expect(newest.body).toMatch(/<a href="\/hobbies\/board-games\/catan" aria-current="page"><strong>Newest<\/strong><\/a>/);
    expect(newest.body).toContain('<a href="/hobbies/board-games/catan?sort=cited">Most cited</a>');
    const order = (body: string) => [...body.matchAll(/href="\/entries\/([^"]+)"/g)].map((m) => m[1]);
    expect(order(newest.body)).toEqual(NEWEST.map(id));
    const cited = await text('/hobbies/board-games/catan?sort=cited');
    expect(cited.body).toMatch(/aria-current="page"><strong>Most cited<\/strong>/);
    expect(order(cited.body)).toEqual(CITED.map(id));
    expect(cited.body).toContain('5 sources');
    expect(cited.body).toContain('1 source<');
    expect((await text('/hobbies/board-games/catan?sort=loudest')).status).toBe(400);
    const redirect = await fetch(`${hub.url}/hobbies/board-games/seafarers?sort=cited`, { redirect: 'manual' });
    expect(redirect.headers.get('location')).toBe('/hobbies/board-games/catan?sort=cited');
  });

  it('a duplicate folded into an entry adds its source posts, and the entry rises in the cited order', async () => {
    // The write a moderator's merge makes (hub/similar.ts decides the record, the store writes it).
    const { similarStoreOf } = await import('../../hub/similar-store.ts');
    const { mergeEntries } = await import('../../lib/curate/merge-entries.ts');
    const dup = citing(id(8), 'catan', ['x', 'y', 'z']);
    await store.receiveBatch(who, `k-${id(8)}`, [dup], 202);
    const into = (await store.entryRecord(id(1)))!;
    const merged = mergeEntries(into, (await store.entryRecord(id(8)))!);
    if (!merged.ok) throw new Error(merged.problems.map((p) => p.message).join('; '));
    const [a, b] = [(await store.entryStatus(id(1)))!, (await store.entryStatus(id(8)))!];
    const sims = await similarStoreOf(store);
    expect(await sims.merge({ into: id(1), intoRevision: a.revision, from: id(8), fromRevision: b.revision, record: merged.entry, by: 'mo', intoComment: 'merged', fromComment: 'merged', sourcesAdded: merged.added.length })).toBe('ok');
    expect((await walk('cited', 50)).slice(0, 2)).toEqual([
      { id: id(5), cites: 5 },
      { id: id(1), cites: 4 },
    ]);
    // Its place in the newest order is where it was: a merge does not make an entry new.
    expect((await walk('newest', 50)).map((e) => e.id)).toEqual(NEWEST.map(id));
  });

  it('migration 7 drops what the first step 2 left on databases that ran it (its trigger queued every entry write)', async () => {
    if (store.backend === 'sqlite') {
      const db = (store as unknown as { db: import('better-sqlite3').Database }).db;
      db.exec(`CREATE TABLE kb_dup_queue (entry_id TEXT PRIMARY KEY); CREATE TABLE kb_dup_sigs (entry_id TEXT PRIMARY KEY, signature TEXT);
               CREATE TRIGGER kb_dup_added AFTER INSERT ON entries BEGIN INSERT INTO kb_dup_queue (entry_id) VALUES (new.id) ON CONFLICT DO NOTHING; END;
               UPDATE kb_schema SET version = 6;`);
      const { SqliteKnowledge } = await import('../../hub/knowledge-sqlite.ts');
      new SqliteKnowledge(db);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'kb_dup%'").all()).toEqual([]);
      expect(db.prepare('SELECT version FROM kb_schema').get()).toEqual({ version: 8 });
    } else {
      const pool = (store as unknown as { pool: import('pg').Pool }).pool;
      await pool.query(`CREATE TABLE kb_dup_queue (entry_id TEXT PRIMARY KEY);
        CREATE FUNCTION kb_dup_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO kb_dup_queue (entry_id) VALUES (NEW.id) ON CONFLICT DO NOTHING; RETURN NULL; END $$;
        CREATE TRIGGER kb_dup_enqueue AFTER INSERT OR UPDATE OF record ON entries FOR EACH ROW EXECUTE FUNCTION kb_dup_enqueue();
        UPDATE kb_schema SET version = 6;`);
      const { PostgresKnowledge } = await import('../../hub/knowledge-postgres.ts');
      await PostgresKnowledge.open(pool);
      expect((await pool.query("SELECT relname FROM pg_class WHERE relname LIKE 'kb_dup%' AND relnamespace = current_schema()::regnamespace")).rows).toEqual([]);
      expect((await pool.query("SELECT tgname FROM pg_trigger WHERE tgname = 'kb_dup_enqueue'")).rows).toEqual([]);
      expect((await pool.query('SELECT version FROM kb_schema')).rows).toEqual([{ version: 8 }]);
    }
  });
  it.runIf(backend === 'sqlite')('an entry written in a listed state is indexed on insert; a received one touches no index (migration 8)', async () => {
    const db = (store as unknown as { db: import('better-sqlite3').Database }).db;
    const copy = (to: string, state: string) =>
      db.prepare(`INSERT INTO entries (id, contributor_id, kind, title, license, state, content_sha256, record, submission_id, received_at, updated_at, change_seq)
                  SELECT ?, contributor_id, kind, title, license, ?, content_sha256, record, submission_id, received_at, updated_at, (SELECT MAX(change_seq) + 1 FROM entries) FROM entries WHERE id = ?`).run(to, state, id(1));
    const listed = (e: string) => db.prepare('SELECT COUNT(*) AS n FROM kb_entries WHERE entry_id = ?').get(e) as { n: number };
    const searchRows = () => (db.prepare('SELECT COUNT(*) AS n FROM kb_search').get() as { n: number }).n;
    const before = searchRows();
    copy(id(90), 'accepted');
    expect(listed(id(90))).toEqual({ n: 1 });
    expect(searchRows()).toBe(before + 1);
    copy(id(91), 'received');
    expect(listed(id(91))).toEqual({ n: 0 });
    expect(searchRows()).toBe(before + 1);
    db.prepare('DELETE FROM kb_search WHERE rowid = (SELECT rowid FROM kb_entries WHERE entry_id = ?)').run(id(90));
    db.prepare('DELETE FROM kb_entries WHERE entry_id = ?').run(id(90));
    db.prepare('DELETE FROM entries WHERE id IN (?, ?)').run(id(90), id(91));
  });

  it.each(['newest', 'cited'] as const)('reads a %s page from the index in order, per slug, without sorting the subject', async (sort) => {
    // The statements subjectEntries really runs (first page and a later one, the subject with a merged
    // slug and without), captured and explained with their own parameters.
    const cursor = (await kb.subjectEntries('board-games', 'catan', { limit: 1, sort })).nextCursor;
    const plans: string[] = [];
    if (store.backend === 'sqlite') {
      const db = (store as unknown as { db: import('better-sqlite3').Database }).db;
      const real = db.prepare.bind(db);
      const seen: [string, unknown][] = [];
      db.prepare = ((sql: string) => {
        const st = real(sql);
        if (!sql.includes('FROM kb_entries k WHERE k.hobby')) return st;
        return { all: (p: unknown) => (seen.push([sql, p]), st.all(p as never)) } as never;
      }) as typeof db.prepare;
      try {
        for (const slug of ['catan', 'chess']) for (const c of [null, cursor]) await kb.subjectEntries('board-games', slug, { limit: 2, sort, cursor: c });
      } finally {
        db.prepare = real as typeof db.prepare;
      }
      for (const [sql, p] of seen) plans.push((db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(p as never) as { detail: string }[]).map((r) => r.detail).join('\n'));
      expect(plans).toHaveLength(4);
      for (const plan of plans) {
        expect(plan).toContain(`INDEX ${sort === 'cited' ? 'kb_entries_by_cited' : 'kb_entries_by_subject'}`);
        // A branch walks its index range in order; only a branch's own output (at most a page) is sorted
        // for the merge, never a search of the subject's entries.
        const lines = plan.split('\n');
        lines.forEach((l, i) => l.includes('TEMP B-TREE') && expect(lines[i - 1]).toMatch(/^SCAN \(subquery/));
        if (!plan.includes('UNION ALL')) expect(plan).not.toContain('TEMP B-TREE');
      }
      expect(plans.filter((p) => p.includes('UNION ALL'))).toHaveLength(2); // catan has a slug merged in
    } else {
      const pool = (store as unknown as { pool: import('pg').Pool }).pool;
      const real = pool.query.bind(pool);
      const seen: [string, unknown[]][] = [];
      pool.query = ((sql: string, p: unknown[]) => {
        if (typeof sql === 'string' && sql.includes('FROM kb_entries k WHERE k.hobby')) seen.push([sql, p]);
        return real(sql, p);
      }) as typeof pool.query;
      try {
        for (const slug of ['catan', 'chess']) for (const c of [null, cursor]) await kb.subjectEntries('board-games', slug, { limit: 2, sort, cursor: c });
      } finally {
        pool.query = real;
      }
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query('SET LOCAL enable_seqscan = off');
        await c.query('SET LOCAL enable_bitmapscan = off');
        for (const [sql, p] of seen) plans.push((await c.query(`EXPLAIN ${sql}`, p)).rows.map((r) => r['QUERY PLAN']).join('\n'));
        await c.query('ROLLBACK');
      } finally {
        c.release();
      }
      expect(plans).toHaveLength(4);
      for (const plan of plans) {
        // With a handful of rows the planner may walk kb_entries_by_listed for newest (the costs tie);
        // the cited order has one index that gives it.
        if (sort === 'cited') expect(plan).toContain('kb_entries_by_cited');
        expect(plan).toMatch(/Index (Only )?Scan Backward/);
        // The branches' rows come in order: merged (Merge Append) or at most the merge sorted, never a branch.
        expect((plan.match(/-> {2}Sort\b|^Sort\b/gm) ?? []).length).toBe(0);
      }
    }
  });
});

describe('the subject page\'s links to further entries', () => {
  const subject = { hobby: 'board-games', slug: 'catan', name: 'Catan', aliases: [], externalIds: { bgg: null, wikidata: null }, version: 1, createdAt: '', updatedAt: '' };
  const entry = { id: 'e1', kind: 'qa' as const, title: 'T', language: 'en', hobby: 'board-games', subject: 'catan', listedAt: '2026-01-01T00:00:00Z', cites: 1 };
  it.each([
    ['newest', '<a href="/hobbies/board-games/catan?cursor=C%2B1">Older entries</a>'],
    ['cited', '<a href="/hobbies/board-games/catan?sort=cited&amp;cursor=C%2B1">More entries</a>'],
  ] as const)('keep the order (%s)', (sort, link) => {
    expect(subjectPage({ slug: 'board-games', name: 'Board games' }, subject, [entry], 'C+1', sort)).toContain(link);
    expect(subjectPage({ slug: 'board-games', name: 'Board games' }, subject, [entry], null, sort)).not.toMatch(/Older entries|More entries/);
  });
});
