import type pg from 'pg';
import { pgTransaction } from './pg-tx.ts';
import type { Entry } from '../lib/model/entry.ts';
import type { Hobby, HobbySummary, Subject, SubjectCreate, SubjectMerge, SubjectMoveEntries, SubjectRename, SubjectSplit, SubjectSummary } from '../lib/model/subject.ts';
import { likeEscape, matchKey, planMerge, type EntryPageQuery, type EntrySummary, pagedByTitle, type KbResult, type KnowledgeStore, type MoveOutcome, type Resolved, type RevisionInfo, type SearchHit, type SearchQuery } from './knowledge.ts';
import { splitFields } from './subject-split.ts';
import { afterKey, decodeOrderCursor, encodeOrderCursor, MAX_SLUG_BRANCHES, orderBy } from './subject-order.ts';
import { planMove, unlisted, withSubject } from './subject-move.ts';
import { subjectMatchKey, toSubject, toSummary } from './knowledge-sqlite.ts';

/**
 * Same tables as the SQLite module; the search index is a `tsvector` column (title weighted A, the
 * rest B) under a GIN index, filled by a trigger on `entries` in the writer's own transaction. The
 * `simple` configuration: case folded, no stemming, accents significant, as FTS5's unicode61 with
 * diacritics kept (case folding beyond ASCII needs a UTF-8 ctype, which the hub's databases have).
 * Text columns compared or sorted use the "C" collation so both backends order alike.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE kb_hobbies (slug TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
   CREATE TABLE kb_subjects (
     hobby TEXT COLLATE "C" NOT NULL REFERENCES kb_hobbies(slug), slug TEXT COLLATE "C" NOT NULL, name TEXT NOT NULL,
     name_key TEXT COLLATE "C" NOT NULL, match_key TEXT COLLATE "C" NOT NULL, aliases TEXT NOT NULL, bgg_id TEXT, wikidata TEXT,
     version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (hobby, slug));
   CREATE INDEX kb_subjects_by_name ON kb_subjects(hobby, name_key);
   CREATE UNIQUE INDEX kb_subjects_bgg ON kb_subjects(hobby, bgg_id) WHERE bgg_id IS NOT NULL;
   CREATE UNIQUE INDEX kb_subjects_wikidata ON kb_subjects(hobby, wikidata) WHERE wikidata IS NOT NULL;
   CREATE TABLE kb_redirects (hobby TEXT COLLATE "C" NOT NULL, from_slug TEXT COLLATE "C" NOT NULL, to_slug TEXT COLLATE "C" NOT NULL, at TEXT NOT NULL, PRIMARY KEY (hobby, from_slug));
   CREATE INDEX kb_redirects_to ON kb_redirects(hobby, to_slug);
   CREATE TABLE kb_entries (
     entry_id TEXT COLLATE "C" PRIMARY KEY, hobby TEXT COLLATE "C", subject TEXT COLLATE "C", kind TEXT NOT NULL, language TEXT NOT NULL,
     title TEXT NOT NULL, listed_at TEXT COLLATE "C" NOT NULL, tsv tsvector NOT NULL);
   CREATE INDEX kb_entries_by_subject ON kb_entries(hobby, subject, listed_at, entry_id);
   CREATE INDEX kb_entries_search ON kb_entries USING GIN (tsv);
   CREATE FUNCTION kb_entry_row(e entries) RETURNS kb_entries LANGUAGE sql STABLE AS $$
     SELECT e.id, r #>> '{subject,hobby}', r #>> '{subject,slug}', e.kind, coalesce(r ->> 'language', ''), e.title, e.updated_at,
       setweight(to_tsvector('simple', e.title), 'A') || setweight(to_tsvector('simple', concat_ws(' ',
         r #>> '{qa,question,text}',
         (SELECT string_agg(a ->> 'text', ' ') FROM jsonb_array_elements(coalesce(r #> '{qa,answers}', '[]')) a),
         r #>> '{strategy,topic}', r #>> '{strategy,body,text}',
         (SELECT string_agg(t, ' ') FROM jsonb_array_elements_text(coalesce(r #> '{strategy,tags}', '[]')) t))), 'B')
     FROM (SELECT e.record::jsonb AS r) x
   $$;
   CREATE FUNCTION kb_sync_entry() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF NEW.state NOT IN ('accepted', 'published') THEN
       DELETE FROM kb_entries WHERE entry_id = NEW.id;
     ELSE
       INSERT INTO kb_entries SELECT r.* FROM kb_entry_row(NEW) r
       ON CONFLICT (entry_id) DO UPDATE SET hobby = EXCLUDED.hobby, subject = EXCLUDED.subject, kind = EXCLUDED.kind,
         language = EXCLUDED.language, title = EXCLUDED.title, tsv = EXCLUDED.tsv;
     END IF;
     RETURN NULL;
   END $$;
   CREATE TRIGGER kb_entry_sync AFTER INSERT OR UPDATE OF state, record ON entries FOR EACH ROW EXECUTE FUNCTION kb_sync_entry();
   INSERT INTO kb_entries SELECT r.* FROM entries e, LATERAL kb_entry_row(e) r WHERE e.state IN ('accepted', 'published');`,
  // 2: created the knowledge base's own duplicate index (kb_dup_* tables, and a trigger on entries filling
  // kb_dup_queue); duplicates are hub/similar.ts's since, so the step now creates nothing. It cannot be
  // removed or renumbered: kb_schema records only how many steps a database ran, so a database that ran
  // the old step 2 would otherwise skip whichever step took its number. What the old step left behind is
  // dropped by step 7, on every database alike.
  'SELECT 1;',
  // 3: search walks entries newest first (kb_entries_by_listed) when a word is common, instead of sorting
  // every match; the planner picks this or the GIN index from the words' frequencies.
  `CREATE INDEX kb_entries_by_listed ON kb_entries(listed_at, entry_id);`,
  // 4: public entries per (hobby, subject slug), kept by a trigger on kb_entries in the writer's
  // transaction, so the home and hobby pages add up a few rows instead of counting every entry.
  `CREATE TABLE kb_counts (hobby TEXT COLLATE "C" NOT NULL, subject TEXT COLLATE "C" NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (hobby, subject));
   CREATE FUNCTION kb_count_entry() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP <> 'INSERT' THEN
       IF OLD.hobby IS NOT NULL AND OLD.subject IS NOT NULL THEN
         UPDATE kb_counts SET n = n - 1 WHERE hobby = OLD.hobby AND subject = OLD.subject;
       END IF;
     END IF;
     IF TG_OP <> 'DELETE' THEN
       IF NEW.hobby IS NOT NULL AND NEW.subject IS NOT NULL THEN
         INSERT INTO kb_counts (hobby, subject, n) VALUES (NEW.hobby, NEW.subject, 1)
         ON CONFLICT (hobby, subject) DO UPDATE SET n = kb_counts.n + 1;
       END IF;
     END IF;
     RETURN NULL;
   END $$;
   CREATE TRIGGER kb_count_entry AFTER INSERT OR DELETE OR UPDATE OF hobby, subject ON kb_entries FOR EACH ROW EXECUTE FUNCTION kb_count_entry();
   INSERT INTO kb_counts (hobby, subject, n) SELECT hobby, subject, COUNT(*) FROM kb_entries WHERE hobby IS NOT NULL AND subject IS NOT NULL GROUP BY hobby, subject;`,
  // 5: publishing (accepted -> published, record unchanged) leaves the public index as it is, instead of
  // re-deriving every published entry's row and words in the release's transaction. The function is
  // restated whole because PL/pgSQL has no way to patch a body; step 6 restates it again (with `cites`),
  // and the text here stays as shipped.
  `CREATE OR REPLACE FUNCTION kb_sync_entry() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'UPDATE' THEN
       IF OLD.state IN ('accepted', 'published') AND NEW.state IN ('accepted', 'published') AND OLD.record = NEW.record THEN
         RETURN NULL;
       END IF;
     END IF;
     IF NEW.state NOT IN ('accepted', 'published') THEN
       DELETE FROM kb_entries WHERE entry_id = NEW.id;
     ELSE
       INSERT INTO kb_entries SELECT r.* FROM kb_entry_row(NEW) r
       ON CONFLICT (entry_id) DO UPDATE SET hobby = EXCLUDED.hobby, subject = EXCLUDED.subject, kind = EXCLUDED.kind,
         language = EXCLUDED.language, title = EXCLUDED.title, tsv = EXCLUDED.tsv;
     END IF;
     RETURN NULL;
   END $$;`,
  // 6: each public entry's count of distinct source posts (`cites`), as SQLite's step 6 counts them;
  // kb_entry_row returns the new column (the row type gained it) and kb_sync_entry keeps it on update.
  // An index serves a subject's entries most cited first, then newest, then id.
  `ALTER TABLE kb_entries ADD COLUMN cites INTEGER NOT NULL DEFAULT 0;
   CREATE OR REPLACE FUNCTION kb_entry_row(e entries) RETURNS kb_entries LANGUAGE sql STABLE AS $$
     SELECT e.id, r #>> '{subject,hobby}', r #>> '{subject,slug}', e.kind, coalesce(r ->> 'language', ''), e.title, e.updated_at,
       setweight(to_tsvector('simple', e.title), 'A') || setweight(to_tsvector('simple', concat_ws(' ',
         r #>> '{qa,question,text}',
         (SELECT string_agg(a ->> 'text', ' ') FROM jsonb_array_elements(coalesce(r #> '{qa,answers}', '[]')) a),
         r #>> '{strategy,topic}', r #>> '{strategy,body,text}',
         (SELECT string_agg(t, ' ') FROM jsonb_array_elements_text(coalesce(r #> '{strategy,tags}', '[]')) t))), 'B'),
       (SELECT count(DISTINCT s ->> 'postId')::int FROM jsonb_array_elements(coalesce(r -> 'sources', '[]')) s)
     FROM (SELECT e.record::jsonb AS r) x
   $$;
   UPDATE kb_entries k SET cites = (SELECT count(DISTINCT s ->> 'postId')::int FROM entries e, jsonb_array_elements(coalesce(e.record::jsonb -> 'sources', '[]')) s WHERE e.id = k.entry_id);
   CREATE OR REPLACE FUNCTION kb_sync_entry() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'UPDATE' THEN
       IF OLD.state IN ('accepted', 'published') AND NEW.state IN ('accepted', 'published') AND OLD.record = NEW.record THEN
         RETURN NULL;
       END IF;
     END IF;
     IF NEW.state NOT IN ('accepted', 'published') THEN
       DELETE FROM kb_entries WHERE entry_id = NEW.id;
     ELSE
       INSERT INTO kb_entries SELECT r.* FROM kb_entry_row(NEW) r
       ON CONFLICT (entry_id) DO UPDATE SET hobby = EXCLUDED.hobby, subject = EXCLUDED.subject, kind = EXCLUDED.kind,
         language = EXCLUDED.language, title = EXCLUDED.title, tsv = EXCLUDED.tsv, cites = EXCLUDED.cites;
     END IF;
     RETURN NULL;
   END $$;
   CREATE INDEX kb_entries_by_cited ON kb_entries(hobby, subject, cites, listed_at, entry_id);`,
  // 7: what the first step 2 created, on databases that ran it: its trigger kept queueing every entry
  // write into a table nothing reads any more.
  `DROP TRIGGER IF EXISTS kb_dup_enqueue ON entries;
   DROP FUNCTION IF EXISTS kb_dup_enqueue();
   DROP TABLE IF EXISTS kb_dup_queue, kb_dup_sigs, kb_dup_bands, kb_dup_sources;`,
  // 8: the title's words alone under a GIN index, so title hits of a rare word read its few title matches
  // instead of every entry holding it anywhere (a word's title weight is not in the tsvector's GIN index,
  // so those were all fetched and rechecked: ~2,200 rows for ~190 hits at 1,000,000 entries).
  `CREATE INDEX IF NOT EXISTS kb_entries_title_search ON kb_entries USING GIN (to_tsvector('simple'::regconfig, title));`,
];

const SUBJECT_COLUMNS = 'hobby, slug, name, aliases, bgg_id, wikidata, version, created_at, updated_at';
const ENTRY_COLUMNS = 'k.entry_id, k.kind, k.title, k.language, k.hobby, k.subject, k.listed_at, k.cites';
/** Entries filed under subject $2 of hobby $1 directly or under a slug that now redirects to it. */
// An IN list rather than an OR, so the (hobby, subject, listed_at) index serves each slug.
const UNDER_SUBJECT = (h: string, s: string) => `(k.hobby = ${h} AND k.subject IN (SELECT ${s}::text UNION ALL SELECT from_slug FROM kb_redirects WHERE hobby = ${h} AND to_slug = ${s}))`;

type Q = pg.Pool | pg.PoolClient;

export class PostgresKnowledge implements KnowledgeStore {
  /**
   * walkMin: the fewest entries a search walks newest first before it reads its words' GIN entries instead;
   * statsMaxAgeMs: how long the statistics search plans from are kept. This store's own: tests lower both
   * (both ways on a few entries; statistics read again right after an ANALYZE).
   */
  readonly searchTuning = { walkMin: 1000, statsMaxAgeMs: 60_000 };

  private constructor(private readonly pool: pg.Pool) {}

  static async open(pool: pg.Pool): Promise<PostgresKnowledge> {
    const k = new PostgresKnowledge(pool);
    await k.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(7321)');
      await c.query('CREATE TABLE IF NOT EXISTS kb_schema (version INTEGER NOT NULL)');
      const r = await c.query('SELECT version FROM kb_schema');
      if (!r.rows.length) await c.query('INSERT INTO kb_schema (version) VALUES (0)');
      for (let v: number = r.rows[0]?.version ?? 0; v < MIGRATIONS.length; v++) {
        await c.query(MIGRATIONS[v]!);
        await c.query('UPDATE kb_schema SET version = $1', [v + 1]);
      }
    });
    return k;
  }

  private tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return pgTransaction(this.pool, fn);
  }

  async createHobby(h: Hobby, now = new Date()): Promise<KbResult<Hobby>> {
    const r = await this.pool.query('INSERT INTO kb_hobbies (slug, name, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [h.slug, h.name, now.toISOString()]);
    return r.rowCount ? { ok: true, value: h } : { ok: false, status: 409, reason: `A hobby with the slug "${h.slug}" exists already.` };
  }

  async hobbies(): Promise<HobbySummary[]> {
    const r = await this.pool.query(
      `SELECT h.slug, h.name,
         (SELECT COUNT(*) FROM kb_subjects s WHERE s.hobby = h.slug)::int AS subjects,
         (SELECT coalesce(sum(c.n), 0) FROM kb_counts c WHERE c.hobby = h.slug AND c.subject IN (
            SELECT slug FROM kb_subjects WHERE hobby = h.slug UNION ALL SELECT from_slug FROM kb_redirects WHERE hobby = h.slug))::int AS entries
       FROM kb_hobbies h ORDER BY h.name COLLATE "C", h.slug`,
    );
    return r.rows;
  }

  async hobby(slug: string): Promise<Hobby | null> {
    return (await this.pool.query('SELECT slug, name FROM kb_hobbies WHERE slug = $1', [slug])).rows[0] ?? null;
  }

  private async subjectRow(q: Q, hobby: string, slug: string, lock = false): Promise<Subject | null> {
    const r = await q.query(`SELECT ${SUBJECT_COLUMNS} FROM kb_subjects WHERE hobby = $1 AND slug = $2${lock ? ' FOR UPDATE' : ''}`, [hobby, slug]);
    return r.rows[0] ? toSubject(r.rows[0]) : null;
  }

  private async slugTaken(q: Q, hobby: string, slug: string): Promise<string | null> {
    if (await this.subjectRow(q, hobby, slug)) return `The slug "${slug}" is already a subject of "${hobby}".`;
    const r = (await q.query('SELECT to_slug FROM kb_redirects WHERE hobby = $1 AND from_slug = $2', [hobby, slug])).rows[0];
    return r ? `The slug "${slug}" redirects to "${r.to_slug}" (a former name kept so old links work); choose another slug.` : null;
  }

  private async idTaken(q: Q, hobby: string, ids: Partial<Subject['externalIds']>, except: string | null): Promise<string | null> {
    for (const [k, col, label] of [['bgg', 'bgg_id', 'BoardGameGeek id'], ['wikidata', 'wikidata', 'Wikidata id']] as const) {
      const v = ids[k];
      if (!v) continue;
      const r = (await q.query(`SELECT slug FROM kb_subjects WHERE hobby = $1 AND ${col} = $2 AND slug IS DISTINCT FROM $3`, [hobby, v, except])).rows[0];
      if (r) return `The ${label} ${v} belongs to the subject "${r.slug}" already: merge the two instead.`;
    }
    return null;
  }

  /** Subject writes in one hobby are serialised (a transaction-scoped lock on the hobby row), as SQLite's single writer does. */
  private writeTx<T>(hobby: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.tx(async (c) => {
      await c.query('SELECT 1 FROM kb_hobbies WHERE slug = $1 FOR UPDATE', [hobby]);
      return fn(c);
    });
  }

  createSubject(s: SubjectCreate, now = new Date()): Promise<KbResult<Subject>> {
    return this.writeTx(s.hobby, async (c): Promise<KbResult<Subject>> => {
      if (!(await c.query('SELECT 1 FROM kb_hobbies WHERE slug = $1', [s.hobby])).rows.length) return { ok: false, status: 404, reason: `No hobby "${s.hobby}": create it first.` };
      const taken = (await this.slugTaken(c, s.hobby, s.slug)) ?? (await this.idTaken(c, s.hobby, s.externalIds, null));
      if (taken) return { ok: false, status: 409, reason: taken };
      const at = now.toISOString();
      await c.query(
        `INSERT INTO kb_subjects (hobby, slug, name, name_key, match_key, aliases, bgg_id, wikidata, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)`,
        [s.hobby, s.slug, s.name, matchKey(s.name), subjectMatchKey(s), JSON.stringify(s.aliases), s.externalIds.bgg ?? null, s.externalIds.wikidata ?? null, at],
      );
      return { ok: true, value: (await this.subjectRow(c, s.hobby, s.slug))! };
    });
  }

  async subjects(hobby: string): Promise<SubjectSummary[]> {
    const r = await this.pool.query(
      `SELECT ${SUBJECT_COLUMNS}, (SELECT coalesce(sum(c.n), 0) FROM kb_counts c WHERE c.hobby = s.hobby AND c.subject IN (SELECT s.slug UNION ALL SELECT from_slug FROM kb_redirects WHERE hobby = s.hobby AND to_slug = s.slug))::int AS entries
       FROM kb_subjects s WHERE s.hobby = $1 ORDER BY s.name_key, s.slug`,
      [hobby],
    );
    return r.rows.map((row) => ({ ...toSubject(row), entries: row.entries }));
  }

  async resolveSubject(hobby: string, slug: string): Promise<Resolved> {
    const s = await this.subjectRow(this.pool, hobby, slug);
    if (s) return { subject: s };
    const r = (await this.pool.query('SELECT to_slug FROM kb_redirects WHERE hobby = $1 AND from_slug = $2', [hobby, slug])).rows[0];
    return r ? { redirect: r.to_slug } : null;
  }

  private async redirect(c: Q, hobby: string, from: string, to: string, at: string): Promise<void> {
    await c.query('UPDATE kb_redirects SET to_slug = $1 WHERE hobby = $2 AND to_slug = $3', [to, hobby, from]);
    await c.query('INSERT INTO kb_redirects (hobby, from_slug, to_slug, at) VALUES ($1, $2, $3, $4)', [hobby, from, to, at]);
  }

  renameSubject(hobby: string, slug: string, change: SubjectRename, now = new Date()): Promise<KbResult<Subject>> {
    return this.writeTx(hobby, async (c): Promise<KbResult<Subject>> => {
      const cur = await this.subjectRow(c, hobby, slug, true);
      if (!cur) return { ok: false, status: 404, reason: `No subject "${slug}" in "${hobby}".` };
      if (change.expectVersion !== undefined && change.expectVersion !== cur.version)
        return { ok: false, status: 409, reason: `"${slug}" changed since you read it (version ${change.expectVersion}, now ${cur.version}). Read it again and redo the change.` };
      const next: Subject = { ...cur, slug: change.slug ?? cur.slug, name: change.name ?? cur.name, aliases: change.aliases ?? cur.aliases, externalIds: { ...cur.externalIds, ...change.externalIds } };
      if (next.slug !== cur.slug) {
        const taken = await this.slugTaken(c, hobby, next.slug);
        if (taken) return { ok: false, status: 409, reason: taken };
      }
      const idTaken = await this.idTaken(c, hobby, next.externalIds, cur.slug);
      if (idTaken) return { ok: false, status: 409, reason: idTaken };
      const at = now.toISOString();
      await c.query(
        `UPDATE kb_subjects SET slug = $1, name = $2, name_key = $3, match_key = $4, aliases = $5, bgg_id = $6, wikidata = $7, version = version + 1, updated_at = $8 WHERE hobby = $9 AND slug = $10`,
        [next.slug, next.name, matchKey(next.name), subjectMatchKey(next), JSON.stringify(next.aliases), next.externalIds.bgg, next.externalIds.wikidata, at, hobby, cur.slug],
      );
      if (next.slug !== cur.slug) await this.redirect(c, hobby, cur.slug, next.slug, at);
      return { ok: true, value: (await this.subjectRow(c, hobby, next.slug))! };
    });
  }

  mergeSubject(hobby: string, slug: string, merge: SubjectMerge, now = new Date()): Promise<KbResult<Subject>> {
    return this.writeTx(hobby, async (c): Promise<KbResult<Subject>> => {
      if (slug === merge.into) return { ok: false, status: 422, reason: 'A subject cannot be merged into itself.' };
      const from = await this.subjectRow(c, hobby, slug, true);
      const into = await this.subjectRow(c, hobby, merge.into, true);
      const plan = planMerge(hobby, slug, merge, from, into);
      if (!plan.ok) return plan;
      const next = plan.value;
      const at = now.toISOString();
      await c.query('DELETE FROM kb_subjects WHERE hobby = $1 AND slug = $2', [hobby, slug]);
      await c.query('UPDATE kb_subjects SET match_key = $1, aliases = $2, bgg_id = $3, wikidata = $4, version = version + 1, updated_at = $5 WHERE hobby = $6 AND slug = $7', [
        subjectMatchKey(next), JSON.stringify(next.aliases), next.externalIds.bgg, next.externalIds.wikidata, at, hobby, next.slug,
      ]);
      await this.redirect(c, hobby, slug, next.slug, at);
      return { ok: true, value: (await this.subjectRow(c, hobby, next.slug))! };
    });
  }
  splitSubject(hobby: string, slug: string, split: SubjectSplit, now = new Date()): Promise<KbResult<Subject>> {
    return this.writeTx(hobby, async (c): Promise<KbResult<Subject>> => {
      const from = await this.subjectRow(c, hobby, slug, true);
      if (!from) return { ok: false, status: 404, reason: `No subject "${slug}" in "${hobby}".` };
      if (split.expectVersion !== undefined && split.expectVersion !== from.version)
        return { ok: false, status: 409, reason: `"${slug}" changed since you read it (version ${split.expectVersion}, now ${from.version}). Read it again before splitting.` };
      const fields = splitFields(from, split);
      if (!fields.ok) return fields;
      const r = (await c.query('SELECT to_slug FROM kb_redirects WHERE hobby = $1 AND from_slug = $2', [hobby, split.slug])).rows[0] as { to_slug: string } | undefined;
      if (r?.to_slug !== slug)
        return { ok: false, status: 409, reason: `"${split.slug}" does not redirect to "${slug}"${r ? ` (it leads to "${r.to_slug}")` : ''}: only a slug merged or renamed into a subject can be split out of it. Create a new subject instead.` };
      const taken = await this.idTaken(c, hobby, split.externalIds, slug);
      if (taken) return { ok: false, status: 409, reason: taken };
      const at = now.toISOString();
      await c.query('DELETE FROM kb_redirects WHERE hobby = $1 AND from_slug = $2', [hobby, split.slug]);
      const rest = { ...from, ...fields.value.remaining };
      await c.query('UPDATE kb_subjects SET match_key = $1, aliases = $2, bgg_id = $3, wikidata = $4, version = version + 1, updated_at = $5 WHERE hobby = $6 AND slug = $7', [
        subjectMatchKey(rest), JSON.stringify(rest.aliases), rest.externalIds.bgg, rest.externalIds.wikidata, at, hobby, slug,
      ]);
      const s = { ...split, hobby };
      await c.query(
        `INSERT INTO kb_subjects (hobby, slug, name, name_key, match_key, aliases, bgg_id, wikidata, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)`,
        [hobby, s.slug, s.name, matchKey(s.name), subjectMatchKey(s), JSON.stringify(s.aliases), s.externalIds.bgg ?? null, s.externalIds.wikidata ?? null, at],
      );
      return { ok: true, value: (await this.subjectRow(c, hobby, s.slug))! };
    });
  }


  moveEntries(hobby: string, slug: string, m: SubjectMoveEntries, now = new Date()): Promise<KbResult<MoveOutcome>> {
    return this.writeTx(hobby, async (c): Promise<KbResult<MoveOutcome>> => {
      const from = await this.subjectRow(c, hobby, slug, true);
      const into = m.into !== undefined ? await this.subjectRow(c, hobby, m.into, true) : null;
      const redirect = m.into !== undefined && !into ? ((await c.query('SELECT to_slug FROM kb_redirects WHERE hobby = $1 AND from_slug = $2', [hobby, m.into])).rows[0]?.to_slug ?? null) : null;
      const plan = planMove(hobby, slug, m, from, into, redirect);
      if (!plan.ok) return plan;
      // The chosen entries' rows are locked first, so a concurrent review or revision waits for the move
      // (or the move for it) and whichever comes second sees the other's record.
      await c.query('SELECT id FROM entries WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [m.entries]);
      const listed = (await c.query(`SELECT k.entry_id FROM kb_entries k WHERE ${UNDER_SUBJECT('$1', '$2')} AND k.entry_id = ANY($3::text[])`, [hobby, slug, m.entries])).rows.map((r) => r.entry_id as string);
      const refused = unlisted(slug, m.entries, new Set(listed));
      if (refused) return refused;
      const at = now.toISOString();
      if (m.create) {
        const s = { ...m.create, hobby };
        const taken = (await this.slugTaken(c, hobby, s.slug)) ?? (await this.idTaken(c, hobby, s.externalIds, null));
        if (taken) return { ok: false, status: 409, reason: taken };
        await c.query(
          `INSERT INTO kb_subjects (hobby, slug, name, name_key, match_key, aliases, bgg_id, wikidata, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)`,
          [hobby, s.slug, s.name, matchKey(s.name), subjectMatchKey(s), JSON.stringify(s.aliases), s.externalIds.bgg ?? null, s.externalIds.wikidata ?? null, at],
        );
      }
      const to = m.into ?? m.create!.slug;
      const records = (await c.query('SELECT id, record FROM entries WHERE id = ANY($1::text[])', [m.entries])).rows as { id: string; record: string }[];
      // Every change bumps the entry's revision, so a review or merge decided on the old record is refused.
      await c.query(
        `UPDATE entries e SET record = u.record, updated_at = $3, revision = e.revision + 1, change_seq = nextval('entry_change_seq')
         FROM unnest($1::text[], $2::text[]) AS u(id, record) WHERE e.id = u.id`,
        [records.map((r) => r.id), records.map((r) => withSubject(r.record, hobby, to)), at],
      );
      await c.query('UPDATE kb_subjects SET version = version + 1, updated_at = $1 WHERE hobby = $2 AND slug IN ($3, $4)', [at, hobby, slug, m.into ?? slug]);
      return { ok: true, value: { from: (await this.subjectRow(c, hobby, slug))!, into: (await this.subjectRow(c, hobby, to))!, moved: m.entries, created: !!m.create } };
    });
  }

  async autocomplete(key: string, hobby: string | null, limit: number): Promise<Subject[]> {
    const r = await this.pool.query(
      `SELECT ${SUBJECT_COLUMNS} FROM kb_subjects WHERE ($1::text IS NULL OR hobby = $1) AND match_key LIKE $2 ESCAPE '\\'
       ORDER BY CASE WHEN name_key LIKE $3 ESCAPE '\\' THEN 0 ELSE 1 END, name_key, hobby, slug LIMIT $4`,
      [hobby, `%${likeEscape(key)}%`, `${likeEscape(key)}%`, limit],
    );
    return r.rows.map(toSubject);
  }

  async subjectEntries(hobby: string, slug: string, page: EntryPageQuery): Promise<{ entries: EntrySummary[]; nextCursor: string | null }> {
    const sort = page.sort ?? 'newest';
    const after = page.cursor ? decodeOrderCursor(sort, page.cursor) : null;
    const redirected = (await this.pool.query('SELECT from_slug FROM kb_redirects WHERE hobby = $1 AND to_slug = $2 ORDER BY from_slug', [hobby, slug])).rows.map((r) => r.from_slug as string);
    const slugs = [slug, ...redirected];
    // $1 hobby, $2 limit, then the slugs (or one array of them), then the cursor's position when there is one.
    const many = slugs.length > MAX_SLUG_BRANCHES;
    const params: unknown[] = [hobby, page.limit + 1, ...(many ? [slugs] : slugs)];
    const p = params.length;
    if (after) params.push(after.at, after.id, ...(after.sort === 'cited' ? [after.cites] : []));
    const below = after ? ` AND ${afterKey(sort, { at: `$${p + 1}::text`, id: `$${p + 2}::text`, cites: `$${p + 3}::int` })}` : '';
    const branch = (subject: string) => `SELECT ${ENTRY_COLUMNS} FROM kb_entries k WHERE k.hobby = $1 AND ${subject}${below} ORDER BY ${orderBy(sort, 'k.')} LIMIT $2`;
    let sql: string;
    if (slugs.length === 1) sql = branch('k.subject = $3::text');
    else if (many) sql = branch('k.subject = ANY($3::text[])');
    else sql = `${slugs.map((_, i) => `(${branch(`k.subject = $${3 + i}::text`)})`).join(' UNION ALL ')} ORDER BY ${orderBy(sort)} LIMIT $2`;
    const r = await this.pool.query(sql, params);
    const entries = r.rows.slice(0, page.limit).map(toSummary);
    return { entries, nextCursor: r.rows.length > page.limit ? encodeOrderCursor(sort, entries.at(-1)!) : null };
  }

  async revisions(id: string): Promise<RevisionInfo[]> {
    const r = await this.pool.query('SELECT revision, record, content_sha256, at FROM entry_revisions WHERE entry_id = $1 ORDER BY revision', [id]);
    return r.rows.map((row) => ({ revision: Number(row.revision), at: row.at, contentSha256: row.content_sha256, record: JSON.parse(row.record) as Entry }));
  }

  private stats: { at: number; value: Promise<{ listed: number; common: Set<string> | null }> } | null = null;

  /**
   * What search chooses its plan from: the number of listed entries and the tsvector column's most common
   * lexemes, as the last ANALYZE (autovacuum's, as the table grows) left them in pg_stats; null before any. Read at
   * most once a minute (the view takes milliseconds to plan): stale figures cost time, never results.
   */
  private searchStats(now = Date.now()): Promise<{ listed: number; common: Set<string> | null }> {
    if (this.stats && now - this.stats.at < this.searchTuning.statsMaxAgeMs) return this.stats.value;
    const value = this.pool
      .query(
        `SELECT c.reltuples, s.most_common_elems::text::text[] AS common
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = 'tsv'
         WHERE c.oid = 'kb_entries'::regclass`,
      )
      .then((r) => {
        const row = r.rows[0] as { reltuples: number; common: string[] | null } | undefined;
        return { listed: Math.max(0, Number(row?.reltuples ?? 0)), common: row?.common ? new Set(row.common) : null };
      });
    this.stats = { at: now, value };
    value.catch(() => (this.stats = null));
    return value;
  }

  async search(q: SearchQuery): Promise<SearchHit[]> {
    if (!q.terms.length) return [];
    // Each word quoted as a tsquery lexeme: the searcher's text is data, never query syntax.
    const quote = (t: string) => `'${t.replace(/['\\]/g, (c) => `\\${c}`)}'`;
    const query = (terms: string[], title: boolean) => terms.map((t) => `${quote(t)}${title ? ':A' : ''}`).join(' & ');
    const all = query(q.terms, false);
    const inTitle = query(q.terms, true);
    const filters = `($3::text IS NULL OR k.hobby = $3)
                 AND ($4::text IS NULL OR k.subject IN (SELECT $4::text UNION ALL SELECT from_slug FROM kb_redirects WHERE hobby = $3 AND to_slug = $4))
                 AND ($5::text IS NULL OR k.kind = $5) AND ($6::text IS NULL OR k.language = $6)`;
    // $1 every word (in the title, for title hits); $2 every word in the title (for the other hits, which
    // must not be title hits), or null. ts_match_vq is @@ written as a function, which no index serves.
    const where = `ts_match_vq(k.tsv, to_tsquery('simple', $1::text)) AND ($2::text IS NULL OR NOT ts_match_vq(k.tsv, to_tsquery('simple', $2::text))) AND ${filters}`;
    // Title hits, then the rest, each newest first and cut at the page's end: never a sort of every match.
    // Which way is cheaper depends on how many entries match, which a prepared plan cannot know: a common
    // word is best found by walking entries newest first (kb_entries_by_listed) until the page is full, a
    // rare one by its GIN entries and a sort of those few. Counting the matches, even up to a bound, costs
    // a common word its whole GIN posting list (the bitmap is built before the first row comes out), so
    // the choice is made from what ANALYZE keeps about the tsvector column: its most common lexemes and
    // their frequencies (pg_stats.most_common_elems, the ~1,000 commonest). A word not among them is rare
    // (under the list's lowest frequency, ~0.8 % of entries at 1,000,000): the GIN entries of the rare words
    // alone are read, and the other words checked on those rows (a rare word's few hundred matches would
    // otherwise be intersected with a common word's posting list of every entry). When every word is
    // common, or there are no statistics yet, the walk is tried first over at most `budget` entries (a LIMIT
    // in a subquery, which the planner cannot turn into a GIN scan): a page it fills is the answer, since
    // every entry newer than its last row was looked at. Otherwise fewer than (offset + limit) / budget of
    // the entries match and their GIN entries are read and sorted (MATERIALIZED keeps the planner from
    // walking again). The budget is the walk that costs what reading that many matches costs, so a failed
    // walk at most doubles the work. Results never depend on the statistics, only the time they take.
    const { listed, common } = await this.searchStats();
    const rare = common ? q.terms.filter((t) => !common.has(t)) : [];
    const part = async (title: boolean, limit: number, offset: number) => {
      if (limit <= 0) return [];
      const match = title ? inTitle : all;
      const params = [match, title ? null : inTitle, q.hobby ?? null, q.subject ?? null, q.kind ?? null, q.language ?? null, limit, offset];
      let rows: pg.QueryResult['rows'] | null = null;
      if (!rare.length) {
        const budget = Math.max(this.searchTuning.walkMin, Math.ceil(Math.sqrt((offset + limit) * listed)));
        const walked = (
          await this.pool.query(
            `SELECT ${ENTRY_COLUMNS} FROM (SELECT * FROM kb_entries ORDER BY listed_at DESC, entry_id DESC LIMIT $9) k WHERE ${where}
             ORDER BY k.listed_at DESC, k.entry_id DESC LIMIT $7 OFFSET $8`,
            [...params, budget],
          )
        ).rows;
        if (walked.length >= limit) rows = walked;
      }
      // Title hits are read from the titles' own index (kb_entries_title_search: its words are exactly
      // those weighted A in tsv), the others from tsv's; `where` then checks every word on each row.
      const probe = title ? `to_tsvector('simple'::regconfig, k.title) @@ to_tsquery('simple', $9::text)` : `k.tsv @@ to_tsquery('simple', $9::text)`;
      rows ??= (
        await this.pool.query(
          `WITH m AS MATERIALIZED (SELECT ${ENTRY_COLUMNS} FROM kb_entries k WHERE ${probe} AND ${where})
           SELECT * FROM m ORDER BY listed_at DESC, entry_id DESC LIMIT $7 OFFSET $8`,
          [...params, query(rare.length ? rare : q.terms, false)],
        )
      ).rows;
      return rows.map((row) => ({ ...toSummary(row), titleMatch: title }));
    };
    return pagedByTitle(q, part);
  }
}
