import type pg from 'pg';
import type { Entry } from '../lib/model/entry.ts';
import type { Hobby, HobbySummary, Subject, SubjectCreate, SubjectMerge, SubjectRename, SubjectSummary } from '../lib/model/subject.ts';
import { bandKeys, NEAR_DUPLICATE, topSimilar, signatureFromHex, similarity, type DuplicateProbe, type SimilarEntry } from './duplicates.ts';
import { decodeCursor, duplicateRows, encodeCursor, likeEscape, matchKey, mergedFields, type EntryPageQuery, type EntrySummary, pagedByTitle, type KbResult, type KnowledgeStore, type Resolved, type RevisionInfo, type SearchHit, type SearchQuery } from './knowledge.ts';
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
  // 2: the duplicate index (hub/duplicates.ts), as in SQLite.
  `CREATE TABLE kb_dup_queue (entry_id TEXT COLLATE "C" PRIMARY KEY);
   CREATE TABLE kb_dup_sigs (entry_id TEXT COLLATE "C" PRIMARY KEY, signature TEXT);
   CREATE TABLE kb_dup_bands (band INTEGER NOT NULL, key TEXT NOT NULL, entry_id TEXT COLLATE "C" NOT NULL, PRIMARY KEY (band, key, entry_id));
   CREATE INDEX kb_dup_bands_by_entry ON kb_dup_bands(entry_id);
   CREATE TABLE kb_dup_sources (source_key TEXT NOT NULL, entry_id TEXT COLLATE "C" NOT NULL, PRIMARY KEY (source_key, entry_id));
   CREATE INDEX kb_dup_sources_by_entry ON kb_dup_sources(entry_id);
   CREATE FUNCTION kb_dup_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     INSERT INTO kb_dup_queue (entry_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
     RETURN NULL;
   END $$;
   CREATE TRIGGER kb_dup_enqueue AFTER INSERT OR UPDATE OF record ON entries FOR EACH ROW EXECUTE FUNCTION kb_dup_enqueue();
   INSERT INTO kb_dup_queue (entry_id) SELECT id FROM entries;`,
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
  // re-deriving every published entry's row and words in the release's transaction.
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
];

const SUBJECT_COLUMNS = 'hobby, slug, name, aliases, bgg_id, wikidata, version, created_at, updated_at';
const ENTRY_COLUMNS = 'k.entry_id, k.kind, k.title, k.language, k.hobby, k.subject, k.listed_at';
/** Entries filed under subject $2 of hobby $1 directly or under a slug that now redirects to it. */
// An IN list rather than an OR, so the (hobby, subject, listed_at) index serves each slug.
const UNDER_SUBJECT = (h: string, s: string) => `(k.hobby = ${h} AND k.subject IN (SELECT ${s}::text UNION ALL SELECT from_slug FROM kb_redirects WHERE hobby = ${h} AND to_slug = ${s}))`;

type Q = pg.Pool | pg.PoolClient;

export class PostgresKnowledge implements KnowledgeStore {
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

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
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
      if (!from) return { ok: false, status: 404, reason: `No subject "${slug}" in "${hobby}".` };
      const into = await this.subjectRow(c, hobby, merge.into, true);
      if (!into) return { ok: false, status: 404, reason: `No subject "${merge.into}" in "${hobby}" to merge into.` };
      if (merge.expectVersion !== undefined && merge.expectVersion !== from.version)
        return { ok: false, status: 409, reason: `"${slug}" changed since you read it (version ${merge.expectVersion}, now ${from.version}). Read it again before merging.` };
      if (merge.expectIntoVersion !== undefined && merge.expectIntoVersion !== into.version)
        return { ok: false, status: 409, reason: `"${merge.into}" changed since you read it (version ${merge.expectIntoVersion}, now ${into.version}). Read it again before merging.` };
      const fields = mergedFields(from, into);
      if (!fields.ok) return fields;
      const at = now.toISOString();
      await c.query('DELETE FROM kb_subjects WHERE hobby = $1 AND slug = $2', [hobby, slug]);
      const next = { ...into, ...fields.value };
      await c.query('UPDATE kb_subjects SET match_key = $1, aliases = $2, bgg_id = $3, wikidata = $4, version = version + 1, updated_at = $5 WHERE hobby = $6 AND slug = $7', [
        subjectMatchKey(next), JSON.stringify(next.aliases), next.externalIds.bgg, next.externalIds.wikidata, at, hobby, into.slug,
      ]);
      await this.redirect(c, hobby, slug, into.slug, at);
      return { ok: true, value: (await this.subjectRow(c, hobby, into.slug))! };
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
    const after = page.cursor ? decodeCursor(page.cursor) : null;
    const r = await this.pool.query(
      `SELECT ${ENTRY_COLUMNS} FROM kb_entries k
       WHERE ${UNDER_SUBJECT('$1', '$2')} AND ($3::text IS NULL OR (k.listed_at, k.entry_id) < ($3, $4::text))
       ORDER BY k.listed_at DESC, k.entry_id DESC LIMIT $5`,
      [hobby, slug, after?.[0] ?? null, after?.[1] ?? null, page.limit + 1],
    );
    const entries = r.rows.slice(0, page.limit).map(toSummary);
    return { entries, nextCursor: r.rows.length > page.limit ? encodeCursor(entries.at(-1)!) : null };
  }

  async revisions(id: string): Promise<RevisionInfo[]> {
    const r = await this.pool.query('SELECT revision, record, content_sha256, at FROM entry_revisions WHERE entry_id = $1 ORDER BY revision', [id]);
    return r.rows.map((row) => ({ revision: Number(row.revision), at: row.at, contentSha256: row.content_sha256, record: JSON.parse(row.record) as Entry }));
  }

  async search(q: SearchQuery): Promise<SearchHit[]> {
    if (!q.terms.length) return [];
    // Each word quoted as a tsquery lexeme: the searcher's text is data, never query syntax.
    const lexemes = q.terms.map((t) => `'${t.replace(/['\\]/g, (c) => `\\${c}`)}'`);
    const all = lexemes.join(' & ');
    const inTitle = lexemes.map((l) => `${l}:A`).join(' & ');
    // Title hits, then the rest, each newest first and cut at the page's end: never a sort of every match.
    const part = async (title: boolean, limit: number, offset: number) =>
      limit <= 0
        ? []
        : (
            await this.pool.query(
              `SELECT ${ENTRY_COLUMNS} FROM kb_entries k
               WHERE k.tsv @@ to_tsquery('simple', $1::text) AND ($2::text IS NULL OR NOT k.tsv @@ to_tsquery('simple', $2::text))
                 AND ($3::text IS NULL OR k.hobby = $3)
                 AND ($4::text IS NULL OR k.subject IN (SELECT $4::text UNION ALL SELECT from_slug FROM kb_redirects WHERE hobby = $3 AND to_slug = $4))
                 AND ($5::text IS NULL OR k.kind = $5) AND ($6::text IS NULL OR k.language = $6)
               ORDER BY k.listed_at DESC, k.entry_id DESC LIMIT $7 OFFSET $8`,
              [title ? inTitle : all, title ? null : inTitle, q.hobby ?? null, q.subject ?? null, q.kind ?? null, q.language ?? null, limit, offset],
            )
          ).rows.map((row) => ({ ...toSummary(row), titleMatch: title }));
    return pagedByTitle(q, part);
  }

  /** Indexes queued entries for duplicate lookup; SKIP LOCKED lets two hubs share the queue without waiting. */
  private async indexDuplicates(): Promise<void> {
    for (;;) {
      const n = await this.tx(async (c) => {
        const rows = (
          await c.query(
            `WITH taken AS (DELETE FROM kb_dup_queue WHERE entry_id IN (SELECT entry_id FROM kb_dup_queue LIMIT 500 FOR UPDATE SKIP LOCKED) RETURNING entry_id)
             SELECT t.entry_id, e.record FROM taken t LEFT JOIN entries e ON e.id = t.entry_id`,
          )
        ).rows as { entry_id: string; record: string | null }[];
        if (!rows.length) return 0;
        const ids = rows.map((r) => r.entry_id);
        for (const t of ['kb_dup_sigs', 'kb_dup_bands', 'kb_dup_sources']) await c.query(`DELETE FROM ${t} WHERE entry_id = ANY($1)`, [ids]);
        const sigs: [string, string | null][] = [];
        const bands: [number, string, string][] = [];
        const sources: [string, string][] = [];
        for (const r of rows) {
          if (!r.record) continue;
          const d = duplicateRows(JSON.parse(r.record) as Entry);
          sigs.push([r.entry_id, d.signature]);
          for (const b of d.bands) bands.push([b.band, b.key, r.entry_id]);
          for (const k of d.sources) sources.push([k, r.entry_id]);
        }
        await c.query('INSERT INTO kb_dup_sigs (entry_id, signature) SELECT * FROM unnest($1::text[], $2::text[])', [sigs.map((x) => x[0]), sigs.map((x) => x[1])]);
        await c.query('INSERT INTO kb_dup_bands (band, key, entry_id) SELECT * FROM unnest($1::int[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING', [bands.map((x) => x[0]), bands.map((x) => x[1]), bands.map((x) => x[2])]);
        await c.query('INSERT INTO kb_dup_sources (source_key, entry_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [sources.map((x) => x[0]), sources.map((x) => x[1])]);
        return rows.length;
      });
      if (n < 500) return;
    }
  }

  async similar(id: string): Promise<SimilarEntry[] | null> {
    await this.indexDuplicates();
    const own = (await this.pool.query('SELECT signature FROM kb_dup_sigs WHERE entry_id = $1', [id])).rows[0] as { signature: string | null } | undefined;
    if (!own) return null;
    const sources = (await this.pool.query('SELECT source_key FROM kb_dup_sources WHERE entry_id = $1', [id])).rows.map((r) => r.source_key as string);
    return this.similarTo({ signature: own.signature, sources }, id);
  }

  async similarTo(probe: DuplicateProbe, exclude: string | null = null): Promise<SimilarEntry[]> {
    await this.indexDuplicates();
    const shared = new Map<string, number>(
      (await this.pool.query('SELECT entry_id, COUNT(*)::int AS n FROM kb_dup_sources WHERE source_key = ANY($1) AND entry_id IS DISTINCT FROM $2 GROUP BY entry_id', [probe.sources, exclude])).rows.map(
        (r) => [r.entry_id as string, r.n as number],
      ),
    );
    const near = new Map<string, number>();
    if (probe.signature) {
      const mine = signatureFromHex(probe.signature);
      const bands = bandKeys(mine);
      const candidates = (
        await this.pool.query(
          `SELECT s.entry_id, s.signature FROM kb_dup_sigs s WHERE s.entry_id IS DISTINCT FROM $3 AND s.entry_id IN (
             SELECT b.entry_id FROM kb_dup_bands b JOIN unnest($1::int[], $2::text[]) AS p(band, key) ON b.band = p.band AND b.key = p.key)`,
          [bands.map((b) => b.band), bands.map((b) => b.key), exclude],
        )
      ).rows as { entry_id: string; signature: string }[];
      for (const c of candidates) {
        const sim = similarity(mine, signatureFromHex(c.signature));
        if (sim >= NEAR_DUPLICATE) near.set(c.entry_id, sim);
      }
    }
    const top = topSimilar(shared, near);
    const rows = new Map(
      ((await this.pool.query('SELECT id, title, kind, state, contributor_id FROM entries WHERE id = ANY($1)', [top.map((t) => t.id)])).rows as { id: string; title: string; kind: 'qa' | 'strategy'; state: string; contributor_id: string }[]).map((r) => [r.id, r]),
    );
    return top.flatMap((t) => {
      const e = rows.get(t.id);
      return e ? [{ id: e.id, title: e.title, kind: e.kind, state: e.state, contributorId: e.contributor_id, sharedSources: t.sharedSources, similarity: t.similarity }] : [];
    });
  }
}
