import type { Context, Hono } from 'hono';
import type { ZodType } from 'zod';
import { HobbyCreate, Slug, SubjectCreate, SubjectMerge, SubjectMoveEntries, SubjectRename, SubjectSplit } from '../lib/model/subject.ts';
import type { Contributor, HubStore } from './store.ts';
import { problem } from './problem.ts';
import { knowledgeFor, type KbResult } from './knowledge.ts';

/**
 * Moderators shape the subject tree: create hobbies and subjects, rename (a new slug leaves a redirect),
 * merge (the merged slug redirects to the subject it joined, its names become aliases), split (a merged or
 * renamed slug becomes a subject again), move chosen entries to another subject or a new one. Registered after
 * the hub's token check.
 */
export function mountSubjectAdmin(app: Hono<any>, store: HubStore): void {
  const moderator = (c: Context) => (c.get('contributor') as Contributor).role === 'moderator';
  const forbidden = (c: Context) => problem(c, 403, 'Forbidden', 'Only moderators create, rename, merge or split subjects or move entries between them. Contributors propose a subject on the entry itself.');
  const body = async <T>(c: Context, schema: ZodType<T>, shape: string): Promise<T | Response> => {
    const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
    if (parsed.success) return parsed.data;
    return problem(c, 422, 'Invalid request', `Send ${shape}.`, parsed.error.issues.slice(0, 20).map((x) => ({ pointer: `/${x.path.join('/')}`, detail: x.message })));
  };
  const answer = <T>(c: Context, r: KbResult<T>, ok: 200 | 201 = 200) =>
    r.ok ? c.json(r.value as object, ok) : problem(c, r.status, r.status === 404 ? 'Not found' : r.status === 409 ? 'Conflict' : 'Invalid request', r.reason);
  const slugs = (c: Context) => {
    const { hobby, slug } = c.req.param();
    return Slug.safeParse(hobby).success && Slug.safeParse(slug).success ? { hobby: hobby!, slug: slug! } : null;
  };

  app.post('/v1/hobbies', async (c) => {
    if (!moderator(c)) return forbidden(c);
    const b = await body(c, HobbyCreate, '{"slug": "board-games", "name": "Board games"}');
    if (b instanceof Response) return b;
    return answer(c, await (await knowledgeFor(store)).createHobby(b), 201);
  });

  app.post('/v1/subjects', async (c) => {
    if (!moderator(c)) return forbidden(c);
    const b = await body(c, SubjectCreate, '{"hobby": "board-games", "slug": "catan", "name": "Catan", "aliases": ["Settlers of Catan"], "externalIds": {"bgg": "13", "wikidata": "Q17271"}}');
    if (b instanceof Response) return b;
    return answer(c, await (await knowledgeFor(store)).createSubject(b), 201);
  });

  app.patch('/v1/subjects/:hobby/:slug', async (c) => {
    if (!moderator(c)) return forbidden(c);
    const at = slugs(c);
    if (!at) return problem(c, 404, 'Not found', 'No subject at this address.');
    const b = await body(c, SubjectRename, 'any of {"name", "slug", "aliases", "externalIds"} and optionally "expectVersion"');
    if (b instanceof Response) return b;
    return answer(c, await (await knowledgeFor(store)).renameSubject(at.hobby, at.slug, b));
  });

  app.post('/v1/subjects/:hobby/:slug/merge', async (c) => {
    if (!moderator(c)) return forbidden(c);
    const at = slugs(c);
    if (!at) return problem(c, 404, 'Not found', 'No subject at this address.');
    const b = await body(c, SubjectMerge, '{"into": "other-subject-slug"} and optionally "expectVersion" and "expectIntoVersion"');
    if (b instanceof Response) return b;
    return answer(c, await (await knowledgeFor(store)).mergeSubject(at.hobby, at.slug, b));
  });

  app.post('/v1/subjects/:hobby/:slug/split', async (c) => {
    if (!moderator(c)) return forbidden(c);
    const at = slugs(c);
    if (!at) return problem(c, 404, 'Not found', 'No subject at this address.');
    const b = await body(c, SubjectSplit, '{"slug": "a-slug-redirecting-here", "name": "Its name"} and optionally "aliases", "externalIds" and "expectVersion"');
    if (b instanceof Response) return b;
    return answer(c, await (await knowledgeFor(store)).splitSubject(at.hobby, at.slug, b), 201);
  });

  app.post('/v1/subjects/:hobby/:slug/move', async (c) => {
    if (!moderator(c)) return forbidden(c);
    const at = slugs(c);
    if (!at) return problem(c, 404, 'Not found', 'No subject at this address.');
    const b = await body(c, SubjectMoveEntries, '{"entries": ["entry-id", …], "into": "other-subject-slug"} or {"entries": […], "create": {"slug", "name", "aliases", "externalIds"}}, and optionally "expectVersion" and "expectIntoVersion"');
    if (b instanceof Response) return b;
    const r = await (await knowledgeFor(store)).moveEntries(at.hobby, at.slug, b);
    if (!r.ok) return answer(c, r);
    const { created, ...moved } = r.value;
    return c.json(moved, created ? 201 : 200);
  });
}
