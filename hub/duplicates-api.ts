import type { Context, Hono } from 'hono';
import type { Contributor, HubStore } from './store.ts';
import { problem } from './problem.ts';
import { knowledgeFor, PUBLIC_STATES } from './knowledge.ts';
import { probeFor, type SimilarEntry } from './duplicates.ts';
import { HUB_LIMITS } from '../lib/model/limits.ts';
import { SimilarLookup } from '../lib/model/public.ts';
import type { HubEntryState } from '../lib/model/submission.ts';

const shown = ({ contributorId: _, ...rest }: SimilarEntry) => rest;

/**
 * Duplicates, registered after the token check. Moderators: what may duplicate an entry in review.
 * Contributors, before sending: whether what they are about to submit already exists — public entries
 * named, their own named, anyone else's unpublished ones only counted (their existence is all a
 * contributor learns of them).
 */
export function mountDuplicates(app: Hono<any>, store: HubStore): void {
  app.get('/v1/entries/:id/similar', async (c: Context) => {
    if ((c.get('contributor') as Contributor).role !== 'moderator') return problem(c, 403, 'Forbidden', 'Only moderators see which entries may duplicate each other.');
    const id = c.req.param('id')!;
    const ok = id.length <= HUB_LIMITS.idChars && !/[\u0000-\u001f\u007f]/.test(id) && id.isWellFormed();
    const list = ok ? await (await knowledgeFor(store)).similar(id) : null;
    if (!list) return problem(c, 404, 'Not found', 'No entry with this id.');
    return c.json({ similar: list.map(shown) });
  });

  app.post('/v1/similar', async (c: Context) => {
    const parsed = SimilarLookup.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success)
      return problem(c, 422, 'Invalid lookup', 'Send {"text": "the question (or topic and body)", "sources": [{"threadUrl": "…", "postId": "…"}]}.', parsed.error.issues.slice(0, 20).map((x) => ({ pointer: `/${x.path.join('/')}`, detail: x.message })));
    const me = c.get('contributor') as Contributor;
    const list = await (await knowledgeFor(store)).similarTo(probeFor(parsed.data.text, parsed.data.sources));
    const isPublic = (s: SimilarEntry) => PUBLIC_STATES.includes(s.state as HubEntryState);
    return c.json({
      public: list.filter(isPublic).map((s) => ({ ...shown(s), url: `/entries/${encodeURIComponent(s.id)}` })),
      yours: list.filter((s) => !isPublic(s) && s.contributorId === me.id).map(shown),
      othersInReview: list.filter((s) => !isPublic(s) && s.contributorId !== me.id && !['withdrawn', 'rejected'].includes(s.state)).length,
    });
  });
}
