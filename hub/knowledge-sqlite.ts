import type Database from 'better-sqlite3';
import type { Entry } from '../lib/model/entry.ts';
import type { Hobby, HobbySummary, Subject, SubjectCreate, SubjectMerge, SubjectMoveEntries, SubjectRename, SubjectSplit, SubjectSummary } from '../lib/model/subject.ts';
import { likeEscape, matchKey, planMerge, type EntryPageQuery, type EntrySummary, pagedByTitle, type KbResult, type KnowledgeStore, type MoveOutcome, type Resolved, type RevisionInfo, type SearchHit, type SearchQuery } from './knowledge.ts';
import { splitFields } from './subject-split.ts';
import { afterKey, decodeOrderCursor, encodeOrderCursor, MAX_SLUG_BRANCHES, orderBy } from './subject-order.ts';
import { planMove, unlisted, withSubject } from './subject-move.ts';

/** The searchable text of an entry's record (SQL over the JSON column `rec`): question and answers, or topic, body and tags. */
const bodySql = (rec: string) => `trim(
  coalesce(json_extract(${rec}, '$.qa.question.text'), '') || ' ' ||
  coalesce((SELECT group_concat(json_extract(value, '$.text'), ' ') FROM json_each(${rec}, '$.qa.answers')), '') || ' ' ||
  coalesce(json_extract(${rec}, '$.strategy.topic'), '') || ' ' ||
  coalesce(json_extract(${rec}, '$.strategy.body.text'), '') || ' ' ||
  coalesce((SELECT group_concat(value, ' ') FROM json_each(${rec}, '$.strategy.tags')), ''))`;

const LISTED = `('accepted', 'published')`;

/**
 * Keeps the public index in step with one entry row (`new`), inside the writer's own transaction. The text
 * migrations 1 and 5 ran: frozen, since a shipped migration is never edited; SYNC_CITED (migration 6) is
 * what the triggers run now.
 */
const SYNC = `
  DELETE FROM kb_search WHERE rowid = (SELECT rowid FROM kb_entries WHERE entry_id = new.id);
  DELETE FROM kb_entries WHERE entry_id = new.id AND new.state NOT IN ${LISTED};
  INSERT INTO kb_entries (entry_id, hobby, subject, kind, language, title, listed_at)
    SELECT new.id, json_extract(new.record, '$.subject.hobby'), json_extract(new.record, '$.subject.slug'), new.kind,
           coalesce(json_extract(new.record, '$.language'), ''), new.title, new.updated_at
    WHERE new.state IN ${LISTED}
    ON CONFLICT (entry_id) DO UPDATE SET hobby = excluded.hobby, subject = excluded.subject, kind = excluded.kind,
      language = excluded.language, title = excluded.title;
  INSERT INTO kb_search (rowid, title, body) SELECT rowid, new.title, ${bodySql('new.record')} FROM kb_entries WHERE entry_id = new.id;`;

/** Distinct source posts an entry record draws on (the `cited` order); PostgreSQL's kb_entry_row counts alike. */
const citesSql = (rec: string) => `(SELECT count(DISTINCT json_extract(value, '$.postId')) FROM json_each(${rec}, '$.sources'))`;

/** SYNC with the entry's source count (migration 6). */
const SYNC_CITED = `
  DELETE FROM kb_search WHERE rowid = (SELECT rowid FROM kb_entries WHERE entry_id = new.id);
  DELETE FROM kb_entries WHERE entry_id = new.id AND new.state NOT IN ${LISTED};
  INSERT INTO kb_entries (entry_id, hobby, subject, kind, language, title, listed_at, cites)
    SELECT new.id, json_extract(new.record, '$.subject.hobby'), json_extract(new.record, '$.subject.slug'), new.kind,
           coalesce(json_extract(new.record, '$.language'), ''), new.title, new.updated_at, ${citesSql('new.record')}
    WHERE new.state IN ${LISTED}
    ON CONFLICT (entry_id) DO UPDATE SET hobby = excluded.hobby, subject = excluded.subject, kind = excluded.kind,
      language = excluded.language, title = excluded.title, cites = excluded.cites;
  INSERT INTO kb_search (rowid, title, body) SELECT rowid, new.title, ${bodySql('new.record')} FROM kb_entries WHERE entry_id = new.id;`;

/**
 * Each runs once, in order, in a transaction; `kb_schema` records how far a file got. Never edit a
 * shipped one. FTS5 with unicode61 and diacritics kept, the same word rules as PostgreSQL's `simple`
 * configuration (case folded, no stemming, accents significant), so both backends find the same entries.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE kb_hobbies (slug TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
   CREATE TABLE kb_subjects (
     hobby TEXT NOT NULL REFERENCES kb_hobbies(slug), slug TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL,
     match_key TEXT NOT NULL, aliases TEXT NOT NULL, bgg_id TEXT, wikidata TEXT, version INTEGER NOT NULL,
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (hobby, slug));
   CREATE INDEX kb_subjects_by_name ON kb_subjects(hobby, name_key);
   CREATE UNIQUE INDEX kb_subjects_bgg ON kb_subjects(hobby, bgg_id) WHERE bgg_id IS NOT NULL;
   CREATE UNIQUE INDEX kb_subjects_wikidata ON kb_subjects(hobby, wikidata) WHERE wikidata IS NOT NULL;
   CREATE TABLE kb_redirects (hobby TEXT NOT NULL, from_slug TEXT NOT NULL, to_slug TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (hobby, from_slug));
   CREATE INDEX kb_redirects_to ON kb_redirects(hobby, to_slug);
   CREATE TABLE kb_entries (
     entry_id TEXT NOT NULL UNIQUE, hobby TEXT, subject TEXT, kind TEXT NOT NULL, language TEXT NOT NULL,
     title TEXT NOT NULL, listed_at TEXT NOT NULL);
   CREATE INDEX kb_entries_by_subject ON kb_entries(hobby, subject, listed_at, entry_id);
   CREATE VIRTUAL TABLE kb_search USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0');
   CREATE TRIGGER kb_entry_added AFTER INSERT ON entries BEGIN ${SYNC} END;
   CREATE TRIGGER kb_entry_changed AFTER UPDATE OF state, record ON entries BEGIN ${SYNC} END;
   INSERT INTO kb_entries (entry_id, hobby, subject, kind, language, title, listed_at)
     SELECT id, json_extract(record, '$.subject.hobby'), json_extract(record, '$.subject.slug'), kind,
            coalesce(json_extract(record, '$.language'), ''), title, updated_at FROM entries WHERE state IN ${LISTED};
   INSERT INTO kb_search (rowid, title, body) SELECT k.rowid, e.title, ${bodySql('e.record')} FROM kb_entries k JOIN entries e ON e.id = k.entry_id;`,
  // 2: created the knowledge base's own duplicate index (kb_dup_* tables, and triggers on entries filling
  // kb_dup_queue); duplicates are hub/similar.ts's since, so the step now creates nothing. It cannot be
  // removed or renumbered: kb_schema records only how many steps a database ran, so a database that ran
  // the old step 2 would otherwise skip whichever step took its number. What the old step left behind is
  // dropped by step 7, on every database alike.
  'SELECT 1;',
  // 3: search walks entries newest first (kb_entries_by_listed) when a word is common, instead of sorting
  // every match; how many entries match (counted up to a bound) says when.
  `CREATE INDEX kb_entries_by_listed ON kb_entries(listed_at, entry_id);`,
  // 4: public entries per (hobby, subject slug), kept by triggers on kb_entries in the writer's
  // transaction, so the home and hobby pages add up a few rows instead of counting every entry.
  `CREATE TABLE kb_counts (hobby TEXT NOT NULL, subject TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (hobby, subject)) WITHOUT ROWID;
   CREATE TRIGGER kb_count_added AFTER INSERT ON kb_entries WHEN new.hobby IS NOT NULL AND new.subject IS NOT NULL BEGIN
     INSERT INTO kb_counts (hobby, subject, n) VALUES (new.hobby, new.subject, 1) ON CONFLICT (hobby, subject) DO UPDATE SET n = n + 1;
   END;
   CREATE TRIGGER kb_count_removed AFTER DELETE ON kb_entries WHEN old.hobby IS NOT NULL AND old.subject IS NOT NULL BEGIN
     UPDATE kb_counts SET n = n - 1 WHERE hobby = old.hobby AND subject = old.subject;
   END;
   CREATE TRIGGER kb_count_moved AFTER UPDATE OF hobby, subject ON kb_entries BEGIN
     UPDATE kb_counts SET n = n - 1 WHERE hobby = old.hobby AND subject = old.subject;
     INSERT INTO kb_counts (hobby, subject, n) SELECT new.hobby, new.subject, 1 WHERE new.hobby IS NOT NULL AND new.subject IS NOT NULL
       ON CONFLICT (hobby, subject) DO UPDATE SET n = n + 1;
   END;
   INSERT INTO kb_counts (hobby, subject, n) SELECT hobby, subject, COUNT(*) FROM kb_entries WHERE hobby IS NOT NULL AND subject IS NOT NULL GROUP BY hobby, subject;`,
  // 5: publishing (accepted -> published, record unchanged) leaves the public index as it is, instead of
  // re-deriving every published entry's row and words in the release's transaction.
  `DROP TRIGGER kb_entry_changed;
   CREATE TRIGGER kb_entry_changed AFTER UPDATE OF state, record ON entries
   WHEN NOT (old.state IN ${LISTED} AND new.state IN ${LISTED} AND old.record IS new.record) BEGIN ${SYNC} END;`,
  // 6: each public entry's count of distinct source posts (`cites`), kept by the same triggers (their
  // bodies restated: SQLite cannot alter a trigger), and an index serving a subject's entries most cited
  // first, then newest, then id, as the newest-first order is served by kb_entries_by_subject.
  `ALTER TABLE kb_entries ADD COLUMN cites INTEGER NOT NULL DEFAULT 0;
   UPDATE kb_entries SET cites = (SELECT ${citesSql('e.record')} FROM entries e WHERE e.id = kb_entries.entry_id);
   DROP TRIGGER kb_entry_added;
   DROP TRIGGER kb_entry_changed;
   CREATE TRIGGER kb_entry_added AFTER INSERT ON entries BEGIN ${SYNC_CITED} END;
   CREATE TRIGGER kb_entry_changed AFTER UPDATE OF state, record ON entries
   WHEN NOT (old.state IN ${LISTED} AND new.state IN ${LISTED} AND old.record IS new.record) BEGIN ${SYNC_CITED} END;
   CREATE INDEX kb_entries_by_cited ON kb_entries(hobby, subject, cites, listed_at, entry_id);`,
  // 7: what the first step 2 created, on databases that ran it: its triggers kept queueing every entry
  // write into a table nothing reads any more.
  `DROP TRIGGER IF EXISTS kb_dup_added;
   DROP TRIGGER IF EXISTS kb_dup_revised;
   DROP TABLE IF EXISTS kb_dup_queue;
   DROP TABLE IF EXISTS kb_dup_sigs;
   DROP TABLE IF EXISTS kb_dup_bands;
   DROP TABLE IF EXISTS kb_dup_sources;`,
  // 8: an entry arrives as 'received', which no public page lists: the insert trigger now runs only for an
  // entry written straight in a listed state, instead of four statements that find nothing on every
  // submission (ids are never reused: entries are not deleted).
  `DROP TRIGGER kb_entry_added;
   CREATE TRIGGER kb_entry_added AFTER INSERT ON entries WHEN new.state IN ${LISTED} BEGIN ${SYNC_CITED} END;`,
];

type SubjectRow = { hobby: string; slug: string; name: string; aliases: string; bgg_id: string | null; wikidata: string | null; version: number; created_at: string; updated_at: string };
type EntryRow = { entry_id: string; kind: 'qa' | 'strategy'; title: string; language: string; hobby: string | null; subject: string | null; listed_at: string; cites: number };

export const toSubject = (r: SubjectRow): Subject => ({
  hobby: r.hobby, slug: r.slug, name: r.name, aliases: JSON.parse(r.aliases), externalIds: { bgg: r.bgg_id, wikidata: r.wikidata },
  version: Number(r.version), createdAt: r.created_at, updatedAt: r.updated_at,
});
export const toSummary = (r: EntryRow): EntrySummary => ({ id: r.entry_id, kind: r.kind, title: r.title, language: r.language, hobby: r.hobby, subject: r.subject, listedAt: r.listed_at, cites: Number(r.cites) });
/** What subjects are matched on: name, slug and aliases, one per line. */
export const subjectMatchKey = (s: Pick<Subject, 'name' | 'slug' | 'aliases'>) => [s.name, s.slug.replace(/-/g, ' '), ...s.aliases].map(matchKey).join('\n');

const SUBJECT_COLUMNS = 'hobby, slug, name, aliases, bgg_id, wikidata, version, created_at, updated_at';
const ENTRY_COLUMNS = 'k.entry_id, k.kind, k.title, k.language, k.hobby, k.subject, k.listed_at, k.cites';
/** Entries filed under subject @slug of @hobby directly or under a slug that now redirects to it. */
// An IN list rather than an OR, so the (hobby, subject, listed_at) index serves each slug.
const UNDER_SUBJECT = '(k.hobby = @hobby AND k.subject IN (SELECT @slug UNION ALL SELECT from_slug FROM kb_redirects WHERE hobby = @hobby AND to_slug = @slug))';

export class SqliteKnowledge implements KnowledgeStore {
  constructor(private readonly db: Database.Database) {
    db.exec('CREATE TABLE IF NOT EXISTS kb_schema (version INTEGER NOT NULL)');
    db.transaction(() => {
      const row = db.prepare('SELECT version FROM kb_schema').get() as { version: number } | undefined;
      if (!row) db.prepare('INSERT INTO kb_schema (version) VALUES (0)').run();
      for (let v = row?.version ?? 0; v < MIGRATIONS.length; v++) {
        db.exec(MIGRATIONS[v]!);
        db.prepare('UPDATE kb_schema SET version = ?').run(v + 1);
      }
    }).immediate();
  }

  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  createHobby(h: Hobby, now = new Date()): KbResult<Hobby> {
    const r = this.db.prepare('INSERT INTO kb_hobbies (slug, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(h.slug, h.name, now.toISOString());
    return r.changes ? { ok: true, value: h } : { ok: false, status: 409, reason: `A hobby with the slug "${h.slug}" exists already.` };
  }

  hobbies(): HobbySummary[] {
    return this.db
      .prepare(
        `SELECT h.slug, h.name,
           (SELECT COUNT(*) FROM kb_subjects s WHERE s.hobby = h.slug) AS subjects,
           -- Entries under a subject or a slug redirecting to one (a redirect always leads to an existing subject).
           (SELECT coalesce(sum(c.n), 0) FROM kb_counts c WHERE c.hobby = h.slug AND c.subject IN (
              SELECT slug FROM kb_subjects WHERE hobby = h.slug UNION ALL SELECT from_slug FROM kb_redirects WHERE hobby = h.slug)) AS entries
         FROM kb_hobbies h ORDER BY h.name, h.slug`,
      )
      .all() as HobbySummary[];
  }

  hobby(slug: string): Hobby | null {
    return (this.db.prepare('SELECT slug, name FROM kb_hobbies WHERE slug = ?').get(slug) as Hobby | undefined) ?? null;
  }

  private subjectRow(hobby: string, slug: string): Subject | null {
    const r = this.db.prepare(`SELECT ${SUBJECT_COLUMNS} FROM kb_subjects WHERE hobby = ? AND slug = ?`).get(hobby, slug) as SubjectRow | undefined;
    return r ? toSubject(r) : null;
  }

  /** Why a slug cannot be taken in a hobby, or null when it is free. */
  private slugTaken(hobby: string, slug: string): string | null {
    if (this.subjectRow(hobby, slug)) return `The slug "${slug}" is already a subject of "${hobby}".`;
    const r = this.db.prepare('SELECT to_slug FROM kb_redirects WHERE hobby = ? AND from_slug = ?').get(hobby, slug) as { to_slug: string } | undefined;
    return r ? `The slug "${slug}" redirects to "${r.to_slug}" (a former name kept so old links work); choose another slug.` : null;
  }

  private idTaken(hobby: string, ids: Partial<Subject['externalIds']>, except: string | null): string | null {
    for (const [k, col, label] of [['bgg', 'bgg_id', 'BoardGameGeek id'], ['wikidata', 'wikidata', 'Wikidata id']] as const) {
      const v = ids[k];
      if (!v) continue;
      const r = this.db.prepare(`SELECT slug FROM kb_subjects WHERE hobby = ? AND ${col} = ? AND slug IS NOT ?`).get(hobby, v, except) as { slug: string } | undefined;
      if (r) return `The ${label} ${v} belongs to the subject "${r.slug}" already: merge the two instead.`;
    }
    return null;
  }

  createSubject(s: SubjectCreate, now = new Date()): KbResult<Subject> {
    return this.tx((): KbResult<Subject> => {
      if (!this.hobby(s.hobby)) return { ok: false, status: 404, reason: `No hobby "${s.hobby}": create it first.` };
      const taken = this.slugTaken(s.hobby, s.slug) ?? this.idTaken(s.hobby, s.externalIds, null);
      if (taken) return { ok: false, status: 409, reason: taken };
      const at = now.toISOString();
      this.db
        .prepare(`INSERT INTO kb_subjects (hobby, slug, name, name_key, match_key, aliases, bgg_id, wikidata, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`)
        .run(s.hobby, s.slug, s.name, matchKey(s.name), subjectMatchKey(s), JSON.stringify(s.aliases), s.externalIds.bgg ?? null, s.externalIds.wikidata ?? null, at, at);
      return { ok: true, value: this.subjectRow(s.hobby, s.slug)! };
    });
  }

  subjects(hobby: string): SubjectSummary[] {
    const rows = this.db
      .prepare(`SELECT ${SUBJECT_COLUMNS}, (SELECT coalesce(sum(c.n), 0) FROM kb_counts c WHERE c.hobby = s.hobby AND c.subject IN (SELECT s.slug UNION ALL SELECT from_slug FROM kb_redirects WHERE hobby = s.hobby AND to_slug = s.slug)) AS entries
                FROM kb_subjects s WHERE s.hobby = ? ORDER BY s.name_key, s.slug`)
      .all(hobby) as (SubjectRow & { entries: number })[];
    return rows.map((r) => ({ ...toSubject(r), entries: Number(r.entries) }));
  }

  resolveSubject(hobby: string, slug: string): Resolved {
    const s = this.subjectRow(hobby, slug);
    if (s) return { subject: s };
    const r = this.db.prepare('SELECT to_slug FROM kb_redirects WHERE hobby = ? AND from_slug = ?').get(hobby, slug) as { to_slug: string } | undefined;
    return r ? { redirect: r.to_slug } : null;
  }

  private redirect(hobby: string, from: string, to: string, at: string): void {
    // Older slugs that pointed at `from` now point straight at `to`: one hop, never a chain or a loop.
    this.db.prepare('UPDATE kb_redirects SET to_slug = ? WHERE hobby = ? AND to_slug = ?').run(to, hobby, from);
    this.db.prepare('INSERT INTO kb_redirects (hobby, from_slug, to_slug, at) VALUES (?, ?, ?, ?)').run(hobby, from, to, at);
  }

  renameSubject(hobby: string, slug: string, change: SubjectRename, now = new Date()): KbResult<Subject> {
    return this.tx((): KbResult<Subject> => {
      const cur = this.subjectRow(hobby, slug);
      if (!cur) return { ok: false, status: 404, reason: `No subject "${slug}" in "${hobby}".` };
      if (change.expectVersion !== undefined && change.expectVersion !== cur.version)
        return { ok: false, status: 409, reason: `"${slug}" changed since you read it (version ${change.expectVersion}, now ${cur.version}). Read it again and redo the change.` };
      const next: Subject = {
        ...cur,
        slug: change.slug ?? cur.slug,
        name: change.name ?? cur.name,
        aliases: change.aliases ?? cur.aliases,
        externalIds: { ...cur.externalIds, ...change.externalIds },
      };
      if (next.slug !== cur.slug) {
        const taken = this.slugTaken(hobby, next.slug);
        if (taken) return { ok: false, status: 409, reason: taken };
      }
      const idTaken = this.idTaken(hobby, next.externalIds, cur.slug);
      if (idTaken) return { ok: false, status: 409, reason: idTaken };
      const at = now.toISOString();
      this.db
        .prepare(`UPDATE kb_subjects SET slug = ?, name = ?, name_key = ?, match_key = ?, aliases = ?, bgg_id = ?, wikidata = ?, version = version + 1, updated_at = ? WHERE hobby = ? AND slug = ?`)
        .run(next.slug, next.name, matchKey(next.name), subjectMatchKey(next), JSON.stringify(next.aliases), next.externalIds.bgg, next.externalIds.wikidata, at, hobby, cur.slug);
      if (next.slug !== cur.slug) this.redirect(hobby, cur.slug, next.slug, at);
      return { ok: true, value: this.subjectRow(hobby, next.slug)! };
    });
  }

  mergeSubject(hobby: string, slug: string, merge: SubjectMerge, now = new Date()): KbResult<Subject> {
    return this.tx((): KbResult<Subject> => {
      if (slug === merge.into) return { ok: false, status: 422, reason: 'A subject cannot be merged into itself.' };
      const from = this.subjectRow(hobby, slug);
      const into = this.subjectRow(hobby, merge.into);
      const plan = planMerge(hobby, slug, merge, from, into);
      if (!plan.ok) return plan;
      const next = plan.value;
      const at = now.toISOString();
      this.db.prepare('DELETE FROM kb_subjects WHERE hobby = ? AND slug = ?').run(hobby, slug);
      this.db
        .prepare('UPDATE kb_subjects SET match_key = ?, aliases = ?, bgg_id = ?, wikidata = ?, version = version + 1, updated_at = ? WHERE hobby = ? AND slug = ?')
        .run(subjectMatchKey(next), JSON.stringify(next.aliases), next.externalIds.bgg, next.externalIds.wikidata, at, hobby, next.slug);
      this.redirect(hobby, slug, next.slug, at);
      return { ok: true, value: this.subjectRow(hobby, next.slug)! };
    });
  }

  splitSubject(hobby: string, slug: string, split: SubjectSplit, now = new Date()): KbResult<Subject> {
    return this.tx((): KbResult<Subject> => {
      const from = this.subjectRow(hobby, slug);
      if (!from) return { ok: false, status: 404, reason: `No subject "${slug}" in "${hobby}".` };
      if (split.expectVersion !== undefined && split.expectVersion !== from.version)
        return { ok: false, status: 409, reason: `"${slug}" changed since you read it (version ${split.expectVersion}, now ${from.version}). Read it again before splitting.` };
      const fields = splitFields(from, split);
      if (!fields.ok) return fields;
      const r = this.db.prepare('SELECT to_slug FROM kb_redirects WHERE hobby = ? AND from_slug = ?').get(hobby, split.slug) as { to_slug: string } | undefined;
      if (r?.to_slug !== slug)
        return { ok: false, status: 409, reason: `"${split.slug}" does not redirect to "${slug}"${r ? ` (it leads to "${r.to_slug}")` : ''}: only a slug merged or renamed into a subject can be split out of it. Create a new subject instead.` };
      const taken = this.idTaken(hobby, split.externalIds, slug);
      if (taken) return { ok: false, status: 409, reason: taken };
      const at = now.toISOString();
      this.db.prepare('DELETE FROM kb_redirects WHERE hobby = ? AND from_slug = ?').run(hobby, split.slug);
      const rest = { ...from, ...fields.value.remaining };
      this.db
        .prepare('UPDATE kb_subjects SET match_key = ?, aliases = ?, bgg_id = ?, wikidata = ?, version = version + 1, updated_at = ? WHERE hobby = ? AND slug = ?')
        .run(subjectMatchKey(rest), JSON.stringify(rest.aliases), rest.externalIds.bgg, rest.externalIds.wikidata, at, hobby, slug);
      const s = { ...split, hobby };
      this.db
        .prepare(`INSERT INTO kb_subjects (hobby, slug, name, name_key, match_key, aliases, bgg_id, wikidata, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`)
        .run(hobby, s.slug, s.name, matchKey(s.name), subjectMatchKey(s), JSON.stringify(s.aliases), s.externalIds.bgg ?? null, s.externalIds.wikidata ?? null, at, at);
      return { ok: true, value: this.subjectRow(hobby, s.slug)! };
    });
  }

  moveEntries(hobby: string, slug: string, m: SubjectMoveEntries, now = new Date()): KbResult<MoveOutcome> {
    return this.tx((): KbResult<MoveOutcome> => {
      const from = this.subjectRow(hobby, slug);
      const into = m.into !== undefined ? this.subjectRow(hobby, m.into) : null;
      const redirect = m.into !== undefined && !into ? (this.db.prepare('SELECT to_slug FROM kb_redirects WHERE hobby = ? AND from_slug = ?').get(hobby, m.into) as { to_slug: string } | undefined)?.to_slug ?? null : null;
      const plan = planMove(hobby, slug, m, from, into, redirect);
      if (!plan.ok) return plan;
      const listed = this.db
        .prepare(`SELECT k.entry_id FROM kb_entries k WHERE ${UNDER_SUBJECT} AND k.entry_id IN (SELECT value FROM json_each(@ids))`)
        .pluck()
        .all({ hobby, slug, ids: JSON.stringify(m.entries) }) as string[];
      const refused = unlisted(slug, m.entries, new Set(listed));
      if (refused) return refused;
      if (m.create) {
        // A savepoint within this transaction: a refused create leaves nothing behind.
        const made = this.createSubject({ ...m.create, hobby }, now);
        if (!made.ok) return made;
      }
      const to = m.into ?? m.create!.slug;
      const at = now.toISOString();
      const read = this.db.prepare('SELECT record FROM entries WHERE id = ?').pluck();
      const seq = this.db.prepare('SELECT COALESCE(MAX(change_seq), 0) + 1 FROM entries').pluck();
      // Every change bumps the entry's revision, so a review or merge decided on the old record is refused.
      const write = this.db.prepare('UPDATE entries SET record = ?, updated_at = ?, revision = revision + 1, change_seq = ? WHERE id = ?');
      for (const id of m.entries) write.run(withSubject(read.get(id) as string, hobby, to), at, seq.get(), id);
      this.db.prepare('UPDATE kb_subjects SET version = version + 1, updated_at = ? WHERE hobby = ? AND slug IN (?, ?)').run(at, hobby, slug, m.into ?? slug);
      return { ok: true, value: { from: this.subjectRow(hobby, slug)!, into: this.subjectRow(hobby, to)!, moved: m.entries, created: !!m.create } };
    });
  }

  autocomplete(key: string, hobby: string | null, limit: number): Subject[] {
    const rows = this.db
      .prepare(
        `SELECT ${SUBJECT_COLUMNS} FROM kb_subjects WHERE (@hobby IS NULL OR hobby = @hobby) AND match_key LIKE @contains ESCAPE '\\'
         ORDER BY CASE WHEN name_key LIKE @prefix ESCAPE '\\' THEN 0 ELSE 1 END, name_key, hobby, slug LIMIT @limit`,
      )
      .all({ hobby, contains: `%${likeEscape(key)}%`, prefix: `${likeEscape(key)}%`, limit }) as SubjectRow[];
    return rows.map(toSubject);
  }

  subjectEntries(hobby: string, slug: string, page: EntryPageQuery): { entries: EntrySummary[]; nextCursor: string | null } {
    const sort = page.sort ?? 'newest';
    const after = page.cursor ? decodeOrderCursor(sort, page.cursor) : null;
    const slugs = [slug, ...(this.db.prepare('SELECT from_slug FROM kb_redirects WHERE hobby = ? AND to_slug = ? ORDER BY from_slug').pluck().all(hobby, slug) as string[])];
    const params: Record<string, string | number> = { hobby, limit: page.limit + 1 };
    if (after) Object.assign(params, { at: after.at, id: after.id }, sort === 'cited' ? { cites: after.sort === 'cited' ? after.cites : 0 } : {});
    const below = after ? ` AND ${afterKey(sort, { cites: '@cites', at: '@at', id: '@id' })}` : '';
    const branch = (subject: string) => `SELECT ${ENTRY_COLUMNS} FROM kb_entries k WHERE k.hobby = @hobby AND ${subject}${below} ORDER BY ${orderBy(sort, 'k.')} LIMIT @limit`;
    let sql: string;
    if (slugs.length === 1) sql = branch('k.subject = @s0');
    else if (slugs.length > MAX_SLUG_BRANCHES) sql = branch('k.subject IN (SELECT value FROM json_each(@slugs))');
    else sql = `${slugs.map((_, i) => `SELECT * FROM (${branch(`k.subject = @s${i}`)})`).join(' UNION ALL ')} ORDER BY ${orderBy(sort)} LIMIT @limit`;
    if (slugs.length > MAX_SLUG_BRANCHES) params.slugs = JSON.stringify(slugs);
    else slugs.forEach((s, i) => (params[`s${i}`] = s));
    const rows = this.db.prepare(sql).all(params) as EntryRow[];
    const entries = rows.slice(0, page.limit).map(toSummary);
    return { entries, nextCursor: rows.length > page.limit ? encodeOrderCursor(sort, entries.at(-1)!) : null };
  }

  revisions(id: string): RevisionInfo[] {
    const rows = this.db.prepare('SELECT revision, record, content_sha256, at FROM entry_revisions WHERE entry_id = ? ORDER BY revision').all(id) as { revision: number; record: string; content_sha256: string; at: string }[];
    return rows.map((r) => ({ revision: Number(r.revision), at: r.at, contentSha256: r.content_sha256, record: JSON.parse(r.record) as Entry }));
  }

  search(q: SearchQuery): Promise<SearchHit[]> {
    if (!q.terms.length) return Promise.resolve([]);
    // Each word quoted as an FTS5 string: the searcher's text is data, never query syntax.
    const phrase = q.terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(' AND ');
    const inTitle = `title : (${phrase})`;
    const filters = `(@hobby IS NULL OR k.hobby = @hobby)
      AND (@slug IS NULL OR k.subject IN (SELECT @slug UNION ALL SELECT from_slug FROM kb_redirects WHERE hobby = @hobby AND to_slug = @slug))
      AND (@kind IS NULL OR k.kind = @kind) AND (@language IS NULL OR k.language = @language)`;
    const columns = ENTRY_COLUMNS;
    const listed = (this.db.prepare('SELECT max(rowid) AS n FROM kb_entries').get() as { n: number | null }).n ?? 0;
    const count = this.db.prepare('SELECT count(*) AS n FROM (SELECT rowid FROM kb_search WHERE kb_search MATCH ? LIMIT ?)');
    const part = (title: boolean, limit: number, offset: number): SearchHit[] => {
      if (limit <= 0) return [];
      // Matching first reads every match and sorts them (~4 µs each); walking newest first reads about
      // (offset + limit) × listed / matches entries, one FTS probe each (up to ~200 µs with the title
      // filter, measured at 20,000 entries). Walking wins once matches² > 50 × (offset + limit) × listed;
      // matches are counted only up to that bound, never all of a common word's.
      const cap = Math.max(1000, Math.ceil(Math.sqrt(50 * (offset + limit) * listed)));
      const walk = (count.get(title ? inTitle : phrase, cap) as { n: number }).n >= cap;
      const sql = walk
        ? `SELECT ${columns} FROM kb_entries k INDEXED BY kb_entries_by_listed
           WHERE EXISTS (SELECT 1 FROM kb_search WHERE kb_search MATCH @match AND kb_search.rowid = k.rowid)
             ${title ? '' : 'AND NOT EXISTS (SELECT 1 FROM kb_search WHERE kb_search MATCH @inTitle AND kb_search.rowid = k.rowid)'}
             AND ${filters}
           ORDER BY k.listed_at DESC, k.entry_id DESC LIMIT @limit OFFSET @offset`
        : `SELECT ${columns} FROM kb_search f JOIN kb_entries k ON k.rowid = f.rowid
           WHERE kb_search MATCH @match ${title ? '' : 'AND k.rowid NOT IN (SELECT rowid FROM kb_search WHERE kb_search MATCH @inTitle)'}
             AND ${filters}
           ORDER BY k.listed_at DESC, k.entry_id DESC LIMIT @limit OFFSET @offset`;
      const rows = this.db
        .prepare(sql)
        .all({ match: title ? inTitle : phrase, ...(title ? {} : { inTitle }), hobby: q.hobby ?? null, slug: q.subject ?? null, kind: q.kind ?? null, language: q.language ?? null, limit, offset }) as EntryRow[];
      return rows.map((r) => ({ ...toSummary(r), titleMatch: title }));
    };
    return pagedByTitle(q, part);
  }
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
