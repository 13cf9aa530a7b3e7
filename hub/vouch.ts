import type { Context, Hono } from 'hono';
import { HubUnvouchRequest, HubVouchRequest } from '../lib/model/vouch.ts';
import { normaliseCommunity } from '../lib/license/community.ts';
import type { Contributor, HubStore } from './store.ts';
import { problem } from './problem.ts';
import { vouchesOf } from './vouch-store.ts';

/**
 * Vouching: a hub moderator registers an account as a moderator of a community (a forum host, maybe with
 * a path prefix), once per community. Only such an account's attestation can be the basis of an entry
 * made from that community's posts (lib/license/attestation-checks.ts). Being a hub moderator says
 * nothing about moderating a forum, so a hub moderator's own attestations need a vouch too.
 */
export function mountVouches(app: Hono<{ Variables: { contributor: Contributor } }>, store: HubStore, fourEyes = true): void {
  const onlyModerators = (c: Context) => problem(c, 403, 'Forbidden', 'Only moderators of this hub vouch for community moderators.');
  const community = (c: Context, raw: string) => {
    const n = normaliseCommunity(raw);
    return n ? n : problem(c, 422, 'Invalid vouch', `"${raw.slice(0, 200)}" is not a community: give the forum's host, optionally with the path its posts live under (e.g. forum.example or example.org/forum).`);
  };

  /** Moderators see every vouch; anyone else the communities they are vouched for. */
  app.get('/v1/vouches', async (c) => {
    const me = c.get('contributor');
    const vouches = await vouchesOf(store);
    return c.json({ vouches: await vouches.list(me.role === 'moderator' ? undefined : me.id) });
  });

  app.post('/v1/vouches', async (c) => {
    const me = c.get('contributor');
    if (me.role !== 'moderator') return onlyModerators(c);
    const body = HubVouchRequest.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return problem(c, 422, 'Invalid vouch', 'Send {"contributor": "NAME", "community": "forum.example", "note": "…"} with the account\'s name on this hub and the community\'s host.');
    const where = community(c, body.data.community);
    if (where instanceof Response) return where;
    // The four-eyes rule again: your own word that you moderate a forum is what a vouch is there to check.
    if (fourEyes && body.data.contributor === me.name) {
      return problem(c, 403, 'Four-eyes rule', 'Another moderator of this hub must vouch for you. (A hub run by one person vouches on its command line: npm run hub -- vouch NAME --community HOST.)');
    }
    const r = await (await vouchesOf(store)).vouch(body.data.contributor, where, me.name, body.data.note ?? null);
    if (r === 'no-account') return problem(c, 404, 'Not found', `No account is called "${body.data.contributor.slice(0, 200)}" on this hub. Create or pair it first.`);
    return c.json(r.vouch, r.created ? 201 : 200);
  });

  app.post('/v1/vouches/revoke', async (c) => {
    if (c.get('contributor').role !== 'moderator') return onlyModerators(c);
    const body = HubUnvouchRequest.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return problem(c, 422, 'Invalid vouch', 'Send {"contributor": "NAME", "community": "forum.example"}.');
    const where = community(c, body.data.community);
    if (where instanceof Response) return where;
    const n = await (await vouchesOf(store)).unvouch(body.data.contributor, where);
    if (!n) return problem(c, 404, 'Not found', `"${body.data.contributor.slice(0, 200)}" is not vouched for as a moderator of ${where}; nothing changed.`);
    return c.json({ revoked: n });
  });
}

/** The communities the account may attest for, read once per request. */
export async function vouchedCommunities(store: HubStore, who: Contributor): Promise<string[]> {
  return (await vouchesOf(store)).communitiesOf(who.id);
}
