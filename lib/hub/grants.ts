import type { Author } from '../model/thread.ts';
import type { HubConsentGrant } from '../model/entry.ts';
import { HubGrantList, type HubGrantInfo } from '../model/hub-consent.ts';
import { Problem } from '../model/submission.ts';
import type { HubConfig } from './client.ts';

/**
 * Grants authors made on the paired hub's authors' page (`GET /v1/grants`), looked up per author of an
 * `author_opt_in` entry, so one can stand in for a permission post. Failures come back as words the
 * contributor can act on; the lookup never blocks the curate view (a post can still be marked).
 */
type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export type GrantLookup = { ok: true; grants: HubGrantInfo[] } | { ok: false; reason: string };

export async function findHubGrants(cfg: HubConfig, who: { postUrl: string; author: Author }, fetchImpl: Fetch = fetch): Promise<GrantLookup> {
  const url = new URL('v1/grants', cfg.url.endsWith('/') ? cfg.url : `${cfg.url}/`);
  url.searchParams.set('forum', who.postUrl);
  url.searchParams.set('name', who.author.name);
  if (who.author.url) url.searchParams.set('profileUrl', who.author.url);
  let res: Response;
  try {
    res = await fetchImpl(url.toString(), { headers: { authorization: `Bearer ${cfg.token}` } });
  } catch (e) {
    return { ok: false, reason: `The hub at ${cfg.url} could not be reached (${(e as Error).message}), so its grants could not be looked up.` };
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.ok) {
    const parsed = HubGrantList.safeParse(json);
    return parsed.success ? { ok: true, grants: parsed.data.grants } : { ok: false, reason: 'The hub answered the grant lookup with something Gleaner does not understand.' };
  }
  if (res.status === 401 || res.status === 403) return { ok: false, reason: 'The hub did not accept your token, so its grants could not be looked up. Pair with the hub again in the options.' };
  if (res.status === 404) return { ok: false, reason: 'This hub does not offer a grant lookup (it may be an older version).' };
  if (res.status === 429) return { ok: false, reason: 'The hub asked Gleaner to slow down; the grants will be looked up again later.' };
  const p = Problem.safeParse(json);
  return { ok: false, reason: p.success ? (p.data.detail ?? p.data.title) : `The hub answered the grant lookup with HTTP ${res.status}.` };
}

/** The receipt's record of a grant found on the hub. */
export function hubGrantRecord(hub: string, g: HubGrantInfo): HubConsentGrant {
  return { hub, grantId: g.grantId, license: g.license, grantedAt: g.grantedAt };
}
