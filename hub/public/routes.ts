import { similarStoreOf } from '../similar-store.ts';
import type { Context, Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Slug } from '../../lib/model/subject.ts';
import { HUB_LIMITS } from '../../lib/model/limits.ts';
import type { HubStore } from '../store.ts';
import { problem } from '../problem.ts';
import { knowledgeFor, matchKey, searchTerms, SEARCH_LIMITS, type KnowledgeStore, type SearchHit } from '../knowledge.ts';
import { entryText, publicEntry, summaryJson } from './data.ts';
import { decodeOrderCursor, isSubjectSort, type SubjectSort } from '../subject-order.ts';
import { entryPage, hobbyPage, homePage, notFoundPage, searchPage, subjectPage, subjectPath } from './pages.ts';

/**
 * The public knowledge base, readable without a token: server-rendered pages (no script at all, so the
 * CSP forbids every script) and the same data as JSON under /v1/public/. Registered before the hub's
 * token check.
 */
const CSP = "default-src 'none'; style-src 'self'; img-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const PAGE_HEADERS = { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'content-type': 'text/html; charset=utf-8' };
const PAGE_SIZE = 50;
const SEARCH_PAGE = 20;
/** Deeper than this, refine the search: offsets make the database skip rows it still has to find. */
const MAX_OFFSET = 1000;
const AUTOCOMPLETE_MAX = 20;
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$/;

const css = readFileSync(resolve(import.meta.dirname, 'style.css'), 'utf8');

/** An id the stores can look up: anything else (a NUL, which PostgreSQL text cannot hold; an overlong id) is simply not found. */
const validId = (id: string) => id.length >= 1 && id.length <= HUB_LIMITS.idChars && !/[\u0000-\u001f\u007f]/.test(id) && id.isWellFormed();

type Filters = { hobby: string | null; subject: string | null; kind: 'qa' | 'strategy' | null; language: string | null };

/** Reads and checks search parameters; a reason in plain words when one is malformed. */
function readSearch(c: Context): { q: string; terms: string[]; filters: Filters; offset: number; limit: number } | { error: string; q: string } {
  const q = (c.req.query('q') ?? '').slice(0, SEARCH_LIMITS.queryChars * 4);
  const get = (k: string) => c.req.query(k) || null;
  const filters: Filters = { hobby: get('hobby'), subject: get('subject'), kind: get('kind') as Filters['kind'], language: get('language') };
  if (filters.hobby !== null && !Slug.safeParse(filters.hobby).success) return { q, error: 'hobby= takes a hobby slug (lowercase letters, digits and hyphens).' };
  if (filters.subject !== null && (filters.hobby === null || !Slug.safeParse(filters.subject).success)) return { q, error: 'subject= takes a subject slug, together with hobby=.' };
  if (filters.kind !== null && filters.kind !== 'qa' && filters.kind !== 'strategy') return { q, error: 'kind= takes qa or strategy.' };
  if (filters.language !== null && !LANGUAGE.test(filters.language)) return { q, error: 'language= takes a language tag such as en or pt-BR.' };
  const offsetRaw = c.req.query('offset') ?? '0';
  if (!/^\d{1,4}$/.test(offsetRaw) || Number(offsetRaw) > MAX_OFFSET) return { q, error: `offset= takes a whole number up to ${MAX_OFFSET}; refine the search to go further.` };
  const limitRaw = c.req.query('limit') ?? String(SEARCH_PAGE);
  if (!/^\d{1,2}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 50) return { q, error: 'limit= takes a whole number from 1 to 50.' };
  const terms = searchTerms(q);
  if (!terms.length) return { q, error: 'Type at least one word to search for (letters or digits, in any script).' };
  return { q, terms, filters, offset: Number(offsetRaw), limit: Number(limitRaw) };
}

/** The subject page's order: newest when absent, null when malformed. */
function readSort(c: Context): SubjectSort | null {
  const s = c.req.query('sort') ?? 'newest';
  return isSubjectSort(s) ? s : null;
}

async function runSearch(kb: KnowledgeStore, s: { terms: string[]; filters: Filters; offset: number; limit: number }): Promise<{ hits: SearchHit[]; nextOffset: number | null }> {
  const rows = await kb.search({ terms: s.terms, ...s.filters, limit: s.limit + 1, offset: s.offset });
  const hits = rows.slice(0, s.limit);
  return { hits, nextOffset: rows.length > s.limit && s.offset + s.limit <= MAX_OFFSET ? s.offset + s.limit : null };
}

export function mountPublic(app: Hono<any>, store: HubStore): void {
  const kb = () => knowledgeFor(store);
  const page = (c: Context, body: string, status: 200 | 404 | 400 = 200) => c.body(body, status, PAGE_HEADERS);
  const notFound = (c: Context, what: string) => page(c, notFoundPage(what), 404);
  const slugOk = (...s: string[]) => s.every((x) => Slug.safeParse(x).success);

  app.get('/public/style.css', (c) => c.body(css, 200, { 'content-type': 'text/css; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'public, max-age=3600' }));

  app.get('/', async (c) => page(c, homePage(await (await kb()).hobbies())));

  app.get('/hobbies/:hobby', async (c) => {
    const slug = c.req.param('hobby');
    const k = await kb();
    const h = slugOk(slug) ? await k.hobby(slug) : null;
    if (!h) return notFound(c, 'No hobby at this address.');
    return page(c, hobbyPage(h, await k.subjects(h.slug)));
  });

  app.get('/hobbies/:hobby/:subject', async (c) => {
    const { hobby, subject } = c.req.param();
    const k = await kb();
    const h = slugOk(hobby, subject) ? await k.hobby(hobby) : null;
    const r = h ? await k.resolveSubject(hobby, subject) : null;
    if (!h || !r) return notFound(c, 'No subject at this address.');
    const sort = readSort(c);
    if ('redirect' in r) return c.redirect(subjectPath(hobby, r.redirect) + (sort === 'cited' ? '?sort=cited' : ''), 301);
    if (sort === null) return page(c, notFoundPage('sort= takes newest or cited; start from the subject page.'), 400);
    const cursor = c.req.query('cursor') ?? null;
    if (cursor !== null && !decodeOrderCursor(sort, cursor)) return page(c, notFoundPage('This page of further entries does not exist; start from the subject page.'), 400);
    const { entries, nextCursor } = await k.subjectEntries(hobby, subject, { limit: PAGE_SIZE, cursor, sort });
    return page(c, subjectPage(h, r.subject, entries, nextCursor, sort));
  });

  app.get('/entries/:id', async (c) => {
    const k = await kb();
    const id = c.req.param('id');
    const p = validId(id) ? await publicEntry(store, k, id) : null;
    if (!p) {
      // An entry a moderator folded into another as its duplicate: its address leads to the one kept.
      const into = validId(id) ? (await (await similarStoreOf(store)).mergedInto([id])).get(id) : undefined;
      if (into && (await publicEntry(store, k, into))) return c.redirect(`/entries/${encodeURIComponent(into)}`, 301);
      return notFound(c, 'No accepted entry at this address. It may never have existed, or be under review or withdrawn.');
    }
    const h = p.subject ? await k.hobby(p.subject.hobby) : null;
    const record = await store.entryRecord(p.entry.id);
    return page(c, entryPage(p, h?.name ?? null, record ? entryText(record) : ''));
  });

  app.get('/search', async (c) => {
    const s = readSearch(c);
    if (!c.req.query('q')) return page(c, searchPage('', [], [], {}, null, null));
    if ('error' in s) return page(c, searchPage(s.q, [], [], {}, null, s.error), 400);
    const { hits, nextOffset } = await runSearch(await kb(), s);
    return page(c, searchPage(s.q, s.terms, hits, s.filters, nextOffset, null));
  });

  // The same data as JSON.
  const missing = (c: Context, detail: string) => problem(c, 404, 'Not found', detail);
  const bad = (c: Context, detail: string) => problem(c, 400, 'Bad request', detail);

  app.get('/v1/public/hobbies', async (c) => c.json({ hobbies: await (await kb()).hobbies() }));

  app.get('/v1/public/hobbies/:hobby', async (c) => {
    const slug = c.req.param('hobby');
    const k = await kb();
    const h = slugOk(slug) ? await k.hobby(slug) : null;
    if (!h) return missing(c, 'No hobby with this slug.');
    return c.json({ hobby: h, subjects: await k.subjects(h.slug) });
  });

  app.get('/v1/public/hobbies/:hobby/subjects/:subject', async (c) => {
    const { hobby, subject } = c.req.param();
    const k = await kb();
    const r = slugOk(hobby, subject) ? await k.resolveSubject(hobby, subject) : null;
    if (!r) return missing(c, 'No subject with this slug in this hobby.');
    if ('redirect' in r) return c.redirect(`/v1/public/hobbies/${hobby}/subjects/${r.redirect}${new URL(c.req.url).search}`, 301);
    const sort = readSort(c);
    if (sort === null) return bad(c, 'sort= takes newest (the default) or cited.');
    const cursor = c.req.query('cursor') ?? null;
    if (cursor !== null && !decodeOrderCursor(sort, cursor)) return bad(c, `cursor= takes the nextCursor of an earlier page in the same order (sort=${sort}).`);
    const limitRaw = c.req.query('limit') ?? String(PAGE_SIZE);
    if (!/^\d{1,3}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > PAGE_SIZE) return bad(c, `limit= takes a whole number from 1 to ${PAGE_SIZE}.`);
    const { entries, nextCursor } = await k.subjectEntries(hobby, subject, { limit: Number(limitRaw), cursor, sort });
    return c.json({ subject: r.subject, sort, entries: entries.map(summaryJson), nextCursor });
  });

  app.get('/v1/public/entries/:id', async (c) => {
    const p = validId(c.req.param('id')) ? await publicEntry(store, await kb(), c.req.param('id')) : null;
    return p ? c.json(p) : missing(c, 'No accepted entry with this id.');
  });

  app.get('/v1/public/search', async (c) => {
    const s = readSearch(c);
    if ('error' in s) return bad(c, s.error);
    const { hits, nextOffset } = await runSearch(await kb(), s);
    return c.json({ terms: s.terms, results: hits.map((h) => ({ ...summaryJson(h), titleMatch: h.titleMatch })), nextOffset });
  });

  /** Autocomplete for the curate view: subjects whose name, alias or slug contains q. */
  app.get('/v1/public/subjects', async (c) => {
    const q = c.req.query('q') ?? '';
    const key = matchKey(q.slice(0, 100));
    if (!key) return bad(c, 'q= takes part of a subject name (at least one character).');
    const hobby = c.req.query('hobby') || null;
    if (hobby !== null && !slugOk(hobby)) return bad(c, 'hobby= takes a hobby slug.');
    const limitRaw = c.req.query('limit') ?? '10';
    if (!/^\d{1,2}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > AUTOCOMPLETE_MAX) return bad(c, `limit= takes a whole number from 1 to ${AUTOCOMPLETE_MAX}.`);
    return c.json({ subjects: await (await kb()).autocomplete(key, hobby, Number(limitRaw)) });
  });
}

