import { PublicSubjectMatches } from '../model/public.ts';
import type { Subject } from '../model/subject.ts';

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** AbortSignal.any where the browser has it (Chrome 116, Firefox 124); the same by hand elsewhere. */
function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const c = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) c.abort(s.reason);
    else s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}

export type SubjectLookup = { ok: true; subjects: Subject[] } | { ok: false; reason: string };

/** An autocomplete that takes longer than this is no help while typing: the contributor keeps free text. */
export const SUBJECT_LOOKUP_TIMEOUT_MS = 4000;

/**
 * The hub's subjects whose name, alias or slug contains `q` (`GET /v1/public/subjects`, no token: the
 * subject tree is public). Every failure is a reason in words; the curate view then offers free text
 * only, as without a hub.
 */
export async function findSubjects(
  hubUrl: string,
  q: string,
  opts: { hobby?: string | null; limit?: number; fetchImpl?: Fetch; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<SubjectLookup> {
  const query = q.trim().slice(0, 100);
  if (!query) return { ok: true, subjects: [] };
  let url: URL;
  try {
    url = new URL('v1/public/subjects', hubUrl.endsWith('/') ? hubUrl : `${hubUrl}/`);
  } catch {
    return { ok: false, reason: `The hub address "${hubUrl}" is not a web address. Check it in Gleaner's options.` };
  }
  url.searchParams.set('q', query);
  if (opts.hobby) url.searchParams.set('hobby', opts.hobby);
  url.searchParams.set('limit', String(Math.max(1, Math.min(opts.limit ?? 10, 50))));
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? SUBJECT_LOOKUP_TIMEOUT_MS);
  const signal = opts.signal ? eitherSignal(opts.signal, timeout) : timeout;
  let res: Response;
  try {
    res = await (opts.fetchImpl ?? fetch)(url.toString(), { headers: { accept: 'application/json' }, signal });
  } catch (e) {
    if (opts.signal?.aborted) return { ok: false, reason: 'The lookup was replaced by a newer one.' };
    if (timeout.aborted) return { ok: false, reason: `The hub at ${hubUrl} did not list its subjects within ${Math.round((opts.timeoutMs ?? SUBJECT_LOOKUP_TIMEOUT_MS) / 1000)} s. Type the subject as free text; it is filed when a moderator reviews the entry.` };
    return { ok: false, reason: `The hub at ${hubUrl} could not be reached (${(e as Error).message}). Type the subject as free text.` };
  }
  if (res.status === 404) {
    await res.body?.cancel();
    return { ok: false, reason: 'This hub does not list subjects (an older hub). Type the subject as free text.' };
  }
  if (!res.ok) {
    await res.body?.cancel();
    return { ok: false, reason: `The hub answered HTTP ${res.status} to the subject lookup. Type the subject as free text.` };
  }
  const body = PublicSubjectMatches.safeParse(await res.json().catch(() => null));
  if (!body.success) {
    const first = body.error.issues[0];
    return { ok: false, reason: `The hub's list of subjects is not in the expected form (${first ? `${first.path.join('.') || 'body'}: ${first.message}` : 'unreadable'}). Type the subject as free text.` };
  }
  return { ok: true, subjects: body.data.subjects };
}
