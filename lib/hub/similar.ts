import { HubSimilarList, type HubSimilarRequest } from '../model/similar.ts';
import type { HubSimilarEntry } from '../model/submission.ts';
import type { HubConfig } from './client.ts';

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Before submitting: does the paired hub already hold an entry drawing on the same posts, or asking the same
 * question? Only a hint: the curate view shows it as a notice and never blocks the submit on it, and any
 * failure (no hub, an older hub, offline) is 'unknown' with its reason, never an error.
 */
export type SimilarLookup = { kind: 'found'; entries: HubSimilarEntry[] } | { kind: 'none' } | { kind: 'unknown'; reason: string };

/** The lookup body, kept within the hub's bounds (100 sources, 50 000 characters). */
export function similarRequest(sources: { url: string; threadUrl?: string | null; postId?: string | null }[], question: string, excludeId: string | null = null): HubSimilarRequest {
  return {
    sources: sources.slice(0, 100).map((s) => ({ url: s.url.slice(0, 2000), threadUrl: s.threadUrl?.slice(0, 2000) ?? null, postId: s.postId?.slice(0, 200) ?? null })),
    question: question.slice(0, 50_000),
    excludeId,
  };
}

export async function findSimilar(cfg: HubConfig | null, request: HubSimilarRequest, fetchImpl: Fetch = fetch, signal?: AbortSignal): Promise<SimilarLookup> {
  if (!cfg) return { kind: 'unknown', reason: 'no hub is paired' };
  if (!request.sources?.length && !request.question?.trim()) return { kind: 'none' };
  let res: Response;
  try {
    res = await fetchImpl(new URL('v1/similar', cfg.url.endsWith('/') ? cfg.url : `${cfg.url}/`).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${cfg.token}` },
      body: JSON.stringify(request),
      signal,
    });
  } catch (e) {
    return { kind: 'unknown', reason: `the hub could not be reached (${(e as Error).message})` };
  }
  if (!res.ok) {
    await res.body?.cancel();
    return { kind: 'unknown', reason: res.status === 404 ? 'this hub does not look for duplicates (an older hub)' : `the hub answered HTTP ${res.status}` };
  }
  const body = HubSimilarList.safeParse(await res.json().catch(() => null));
  if (!body.success) return { kind: 'unknown', reason: 'the hub answered something Gleaner does not understand' };
  return body.data.similar.length ? { kind: 'found', entries: body.data.similar } : { kind: 'none' };
}

const STATE_WORDS: Record<string, string> = {
  received: 'waiting for review',
  in_review: 'in review',
  needs_changes: 'sent back for changes',
  accepted: 'accepted',
  published: 'published',
};

/** The notice's sentence: what exists and why it looks the same; the person decides whether to go on. */
export function similarSentence(found: HubSimilarEntry[]): string {
  const list = found.slice(0, 3).map((f) => {
    const why = f.reason === 'same_sources' ? `uses ${f.sharedSources} of the same post${f.sharedSources === 1 ? '' : 's'}` : `asks nearly the same question (${Math.round(f.score * 100)} % alike)`;
    return `“${f.title}” (${STATE_WORDS[f.state] ?? f.state}; ${why})`;
  });
  const more = found.length > 3 ? ` and ${found.length - 3} more` : '';
  return `A similar entry exists at the hub: ${list.join('; ')}${more}. You can still submit; a moderator will compare them.`;
}
