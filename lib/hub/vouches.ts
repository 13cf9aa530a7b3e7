import { HubVouchList } from '../model/vouch.ts';
import { communityCovers } from '../license/community.ts';
import type { HubConfig } from './client.ts';

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Whether the hub has vouched for the paired account as a moderator of a bulk job's forum: the hub
 * accepts entries resting on the job's attestation only then, so the moderator is told before curating.
 */
export type VouchStatus =
  | { kind: 'vouched'; community: string }
  | { kind: 'not-vouched'; host: string; others: string[] }
  | { kind: 'unknown'; reason: string };

export async function vouchStatus(cfg: HubConfig | null, forumUrl: string, fetchImpl: Fetch = fetch): Promise<VouchStatus> {
  let host: string;
  try {
    host = new URL(forumUrl).host;
  } catch {
    return { kind: 'unknown', reason: 'the job has no web address' };
  }
  if (!cfg) return { kind: 'unknown', reason: 'no hub is set up in the options' };
  let res: Response;
  try {
    res = await fetchImpl(new URL('v1/vouches', cfg.url.endsWith('/') ? cfg.url : `${cfg.url}/`).toString(), { headers: { authorization: `Bearer ${cfg.token}` } });
  } catch (e) {
    return { kind: 'unknown', reason: `the hub could not be reached (${(e as Error).message})` };
  }
  if (!res.ok) {
    await res.body?.cancel();
    return { kind: 'unknown', reason: `the hub answered HTTP ${res.status}` };
  }
  const body = HubVouchList.safeParse(await res.json().catch(() => null));
  if (!body.success) return { kind: 'unknown', reason: 'the hub does not list vouches (an older hub)' };
  const mine = body.data.vouches.map((v) => v.community);
  const covering = mine.find((c) => communityCovers(c, forumUrl));
  return covering ? { kind: 'vouched', community: covering } : { kind: 'not-vouched', host, others: mine };
}

/** The sentence the bulk page shows for a status. */
export function vouchSentence(s: VouchStatus): string {
  if (s.kind === 'vouched') return `The hub has vouched for you as a moderator of ${s.community}: entries resting on this attestation can go in.`;
  if (s.kind === 'not-vouched') {
    return (
      `The hub has not vouched for you as a moderator of ${s.host}${s.others.length ? ` (only of ${s.others.slice(0, 3).join(', ')})` : ''}, so it will refuse entries resting on this attestation. ` +
      `Ask a moderator of the hub to vouch for you for ${s.host}; until then, choose another basis for these threads.`
    );
  }
  return `Whether the hub accepts this attestation is not known yet: ${s.reason}.`;
}
