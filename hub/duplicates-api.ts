import type { Context, Hono } from 'hono';
import type { Contributor, HubStore } from './store.ts';
import { problem } from './problem.ts';
import { knowledgeFor } from './knowledge.ts';
import { HUB_LIMITS } from '../lib/model/limits.ts';

/** Moderators: entries that may duplicate one in review (shared source posts, near-identical question). Registered after the token check. */
export function mountDuplicates(app: Hono<any>, store: HubStore): void {
  app.get('/v1/entries/:id/similar', async (c: Context) => {
    if ((c.get('contributor') as Contributor).role !== 'moderator') return problem(c, 403, 'Forbidden', 'Only moderators see which entries may duplicate each other.');
    const id = c.req.param('id')!;
    const ok = id.length <= HUB_LIMITS.idChars && !/[\u0000-\u001f\u007f]/.test(id) && id.isWellFormed();
    const list = ok ? await (await knowledgeFor(store)).similar(id) : null;
    if (!list) return problem(c, 404, 'Not found', 'No entry with this id.');
    return c.json({ similar: list });
  });
}
