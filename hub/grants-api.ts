import type { Context, Hono } from 'hono';
import type { HubGrantInfo } from '../lib/model/hub-consent.ts';
import { sameAuthor } from '../lib/license/permissions.ts';
import type { Contributor } from './store.ts';
import type { ConsentStore } from './consent-store.ts';
import { forumOf } from './identity.ts';
import { problem } from './problem.ts';

type Env = { Variables: { contributor: Contributor } };

/** More than this many grants by one author on one forum is not a real case; the newest are answered. */
const MAX_GRANTS = 50;

/**
 * Contributors find the grants an author made on the authors' page (`GET /v1/grants?forum=&name=&profileUrl=`),
 * so an `author_opt_in` entry can rest on one. A grant is a public permission, but the answer holds only
 * what the entry's receipt needs (id, licence, date) and the author's forum identity, never the proof page
 * or anything about other authors. Authors are matched with the rule the hub applies to the entry later
 * (`sameAuthor`: profile address when both have one, else the name), so a grant found here is one the
 * submit check accepts for that author.
 */
export function mountGrantLookup(app: Hono<Env>, consent: () => Promise<ConsentStore>): void {
  app.get('/v1/grants', async (c: Context<Env>) => {
    const forumQ = (c.req.query('forum') ?? '').slice(0, 2000);
    const name = (c.req.query('name') ?? '').trim().slice(0, 200);
    const profileUrl = (c.req.query('profileUrl') ?? '').trim().slice(0, 2000) || null;
    const forum = forumQ ? forumOf(forumQ) : null;
    if (!forum || !name) return problem(c, 422, 'Invalid lookup', 'Send ?forum=<any address of the forum, or its host>&name=<the author\'s name as the forum shows it>, and &profileUrl=<their profile address> when the page gives one.');
    const grants: HubGrantInfo[] = (await (await consent()).grantsOn(forum))
      .filter((g) => sameAuthor({ name: g.name, url: g.profileUrl }, { name, url: profileUrl }))
      .slice(0, MAX_GRANTS)
      .map((g) => ({ grantId: g.id, license: g.license, grantedAt: g.grantedAt, forum: g.forum, name: g.name, profileUrl: g.profileUrl }));
    return c.json({ grants });
  });
}
