import { IdentityProof } from '../model/entry.ts';
import { IdentityClaimResponse, IdentityList } from '../model/hub-consent.ts';
import { Problem } from '../model/submission.ts';
import type { HubConfig } from './client.ts';

/**
 * Proving a forum identity to the hub (`/v1/identities…`): the hub hands out a code, the contributor
 * posts it on the forum, and the hub checks the page itself. Every failure comes back as words the
 * contributor can act on; the hub's own reason (code not on the page, post by someone else…) is passed on.
 */
type Fetch = typeof fetch;

const endpoint = (cfg: HubConfig, path: string) => new URL(path, cfg.url.endsWith('/') ? cfg.url : `${cfg.url}/`).toString();

async function call(cfg: HubConfig, path: string, body: unknown | undefined, fetchImpl: Fetch): Promise<{ ok: true; json: unknown } | { ok: false; reason: string }> {
  let res: Response;
  try {
    res = await fetchImpl(endpoint(cfg, path), {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${cfg.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    return { ok: false, reason: `The hub at ${cfg.url} could not be reached (${(e as Error).message}). Check the address and try again.` };
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.ok) return { ok: true, json };
  const p = Problem.safeParse(json);
  const why = p.success ? (p.data.detail ?? p.data.title) : `HTTP ${res.status}`;
  if (res.status === 401 || res.status === 403) return { ok: false, reason: `The hub did not accept your token (${why}). Pair with the hub again above.` };
  if (res.status === 404 && !path.endsWith('/verify')) return { ok: false, reason: 'This hub does not offer forum identities (it may be an older version).' };
  if (res.status === 429) return { ok: false, reason: 'The hub asked Gleaner to slow down. Wait a minute and try again.' };
  return { ok: false, reason: why };
}

export type IdentityClaim = { claimId: string; forum: string; name: string; code: string; expiresAt: string; instructions: string };

export async function claimIdentity(cfg: HubConfig, forum: string, name: string, fetchImpl: Fetch = fetch): Promise<{ ok: true; claim: IdentityClaim } | { ok: false; reason: string }> {
  const r = await call(cfg, 'v1/identities/claims', { forum, name }, fetchImpl);
  if (!r.ok) return r;
  const parsed = IdentityClaimResponse.safeParse(r.json);
  return parsed.success ? { ok: true, claim: parsed.data } : { ok: false, reason: 'The hub answered with something Gleaner does not understand.' };
}

export async function verifyIdentity(cfg: HubConfig, claimId: string, url: string, fetchImpl: Fetch = fetch): Promise<{ ok: true; proof: IdentityProof } | { ok: false; reason: string }> {
  const r = await call(cfg, `v1/identities/claims/${encodeURIComponent(claimId)}/verify`, { url }, fetchImpl);
  if (!r.ok) return r;
  const parsed = IdentityProof.safeParse(r.json);
  return parsed.success ? { ok: true, proof: parsed.data } : { ok: false, reason: 'The hub answered with something Gleaner does not understand.' };
}

export async function listIdentities(cfg: HubConfig, fetchImpl: Fetch = fetch): Promise<{ ok: true; identities: IdentityProof[] } | { ok: false; reason: string }> {
  const r = await call(cfg, 'v1/identities', undefined, fetchImpl);
  if (!r.ok) return r;
  const parsed = IdentityList.safeParse(r.json);
  return parsed.success ? { ok: true, identities: parsed.data.identities } : { ok: false, reason: 'The hub answered with something Gleaner does not understand.' };
}
