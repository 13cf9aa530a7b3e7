import { HubEntryList, Problem, SubmissionResponse, type Entry, HubEntryStatus } from '../model/index.ts';

export interface HubConfig {
  url: string;
  token: string;
}

export type SendOutcome =
  | { kind: 'accepted'; response: SubmissionResponse }
  | { kind: 'retry'; reason: string; retryAfterMs: number | null }
  | { kind: 'hold'; reason: string; status: number };

type Fetch = typeof fetch;

function endpoint(cfg: HubConfig, path: string): string {
  return new URL(path, cfg.url.endsWith('/') ? cfg.url : `${cfg.url}/`).toString();
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const when = Date.parse(header);
  return Number.isFinite(when) ? Math.max(0, when - now) : null;
}

async function problemText(res: Response): Promise<string> {
  try {
    const body = Problem.safeParse(await res.json());
    if (body.success) {
      const details = body.data.errors?.map((e) => `${e.pointer}: ${e.detail}`).join('; ');
      return [body.data.detail ?? body.data.title, details].filter(Boolean).join(' — ');
    }
  } catch {
    /* not a problem document */
  }
  return res.statusText || `HTTP ${res.status}`;
}

/**
 * Sends one batch. Every failure is classified: worth retrying (hub down, 5xx, 429, key in flight) or
 * held for the user (token refused, too large, invalid), with words that say what to do.
 */
export async function sendBatch(cfg: HubConfig, entries: Entry[], idempotencyKey: string, fetchImpl: Fetch = fetch): Promise<SendOutcome> {
  let res: Response;
  try {
    res = await fetchImpl(endpoint(cfg, 'v1/submissions'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${cfg.token}`, 'idempotency-key': idempotencyKey },
      body: JSON.stringify({ entries }),
    });
  } catch (e) {
    return { kind: 'retry', reason: `The hub at ${cfg.url} could not be reached (${(e as Error).message}). The entry is kept and will be sent again.`, retryAfterMs: null };
  }
  if (res.ok) {
    const parsed = SubmissionResponse.safeParse(await res.json().catch(() => null));
    if (parsed.success) return { kind: 'accepted', response: parsed.data };
    return { kind: 'retry', reason: 'The hub answered with something Gleaner does not understand. The entry is kept and will be sent again.', retryAfterMs: null };
  }
  const why = await problemText(res);
  const after = retryAfterMs(res.headers.get('retry-after'));
  switch (res.status) {
    case 401:
    case 403:
      return { kind: 'hold', status: res.status, reason: `The hub did not accept your token (HTTP ${res.status}: ${why}). Open Gleaner's options and pair with the hub again; the entry is kept and is sent once the token works.` };
    case 413:
      return { kind: 'hold', status: 413, reason: `The entry is larger than this hub accepts (HTTP 413: ${why}). Shorten it and submit again; it is kept here meanwhile.` };
    case 400:
    case 422:
      return { kind: 'hold', status: res.status, reason: `The hub refused the entry as invalid (HTTP ${res.status}: ${why}). Fix it in the editor and submit again; it is kept here meanwhile.` };
    case 409:
      return { kind: 'retry', reason: 'The hub is still processing an earlier attempt of this submission. Trying again shortly.', retryAfterMs: after ?? 2000 };
    case 429:
      return { kind: 'retry', reason: `The hub asked Gleaner to slow down (HTTP 429). Trying again${after !== null ? ` in ${Math.ceil(after / 1000)} s` : ' later'}.`, retryAfterMs: after };
    default:
      if (res.status >= 500) return { kind: 'retry', reason: `The hub had a problem (HTTP ${res.status}: ${why}). The entry is kept and will be sent again.`, retryAfterMs: after };
      return { kind: 'hold', status: res.status, reason: `The hub answered HTTP ${res.status}: ${why}. The entry is kept.` };
  }
}

/** The contributor's entries with their review states, all pages. */
export async function fetchMyEntries(cfg: HubConfig, fetchImpl: Fetch = fetch): Promise<HubEntryStatus[]> {
  const r = await fetchMyEntriesIfChanged(cfg, null, fetchImpl);
  return r.changed ? r.entries : [];
}

export type EntriesPoll = { changed: true; entries: HubEntryStatus[]; etag: string | null } | { changed: false };

/**
 * Polite polling: sends the ETag of the last answer; a hub that supports it answers 304 and nothing
 * is transferred. A hub without ETags simply answers 200 every time.
 */
export async function fetchMyEntriesIfChanged(cfg: HubConfig, etag: string | null, fetchImpl: Fetch = fetch): Promise<EntriesPoll> {
  const all: HubEntryStatus[] = [];
  let cursor: string | null = null;
  let firstEtag: string | null = null;
  for (let page = 0; page < 100; page++) {
    const url = new URL(endpoint(cfg, 'v1/entries'));
    url.searchParams.set('mine', '1');
    if (cursor) url.searchParams.set('cursor', cursor);
    const headers: Record<string, string> = { authorization: `Bearer ${cfg.token}` };
    if (page === 0 && etag) headers['if-none-match'] = etag;
    const res = await fetchImpl(url.toString(), { headers });
    if (page === 0 && res.status === 304) return { changed: false };
    if (!res.ok) throw new Error(`The hub refused the status request (HTTP ${res.status}: ${await problemText(res)}).`);
    if (page === 0) firstEtag = res.headers.get('etag');
    const body = HubEntryList.parse(await res.json());
    all.push(...body.entries);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return { changed: true, entries: all, etag: firstEtag };
}

export type PairResult = { ok: true; token: string; name: string; role: string } | { ok: false; reason: string };

/** Exchanges the short code the hub operator gave for a token, so no secret is ever copied by hand. */
export async function pairWithCode(hubUrl: string, code: string, fetchImpl: Fetch = fetch): Promise<PairResult> {
  let res: Response;
  try {
    res = await fetchImpl(endpoint({ url: hubUrl, token: '' }, 'v1/pair'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  } catch (e) {
    return { ok: false, reason: `The hub at ${hubUrl} could not be reached (${(e as Error).message}). Check the address.` };
  }
  if (res.status === 201 || res.ok) {
    const body = (await res.json().catch(() => null)) as { token?: string; contributor?: { name?: string; role?: string } } | null;
    if (body?.token) return { ok: true, token: body.token, name: body.contributor?.name ?? '', role: body.contributor?.role ?? 'contributor' };
    return { ok: false, reason: 'The hub answered without a token. Is this a Gleaner hub?' };
  }
  if (res.status === 400) return { ok: false, reason: 'This code is wrong, already used or expired (codes work once, for 10 minutes). Ask the hub operator for a new one.' };
  if (res.status === 429) {
    const wait = retryAfterMs(res.headers.get('retry-after'));
    return { ok: false, reason: `Too many attempts. Wait ${wait !== null ? Math.ceil(wait / 1000) : 60} s and try again.` };
  }
  return { ok: false, reason: `The hub refused pairing (HTTP ${res.status}: ${await problemText(res)}).` };
}

/** The outcome of an action on an entry already at the hub (withdraw, revise): what the user reads. */
export type EntryActionResult = { ok: true; status: HubEntryStatus; etag: string | null } | { ok: false; status: number | null; reason: string };

async function entryRequest(cfg: HubConfig, id: string, init: RequestInit, what: string, fetchImpl: Fetch): Promise<EntryActionResult> {
  let res: Response;
  try {
    res = await fetchImpl(endpoint(cfg, `v1/entries/${encodeURIComponent(id)}${init.method === 'POST' ? '/withdraw' : ''}`), {
      ...init,
      headers: { authorization: `Bearer ${cfg.token}`, ...(init.headers as Record<string, string>) },
    });
  } catch (e) {
    return { ok: false, status: null, reason: `The hub at ${cfg.url} could not be reached (${(e as Error).message}), so nothing was ${what}. Check the connection and try again; your text is kept.` };
  }
  if (res.ok) {
    const parsed = HubEntryStatus.safeParse(await res.json().catch(() => null));
    if (parsed.success) return { ok: true, status: parsed.data, etag: res.headers.get('etag') };
    return { ok: false, status: res.status, reason: 'The hub answered with something Gleaner does not understand. Refresh the states on the dashboard to see where the entry stands.' };
  }
  const why = await problemText(res);
  switch (res.status) {
    case 401:
    case 403:
      return { ok: false, status: res.status, reason: `The hub did not accept your token (HTTP ${res.status}: ${why}). Pair with the hub again in Gleaner's options; nothing was ${what}.` };
    case 404:
      return { ok: false, status: 404, reason: `The hub has no entry of yours with this id (${why}).` };
    case 409:
      return { ok: false, status: 409, reason: `The hub did not allow this in the entry's present state (${why}). Refresh the states on the dashboard: a moderator may have moved it.` };
    case 412:
      return { ok: false, status: 412, reason: `The entry changed at the hub since you last saw it (${why}). Refresh the states on the dashboard, read the new review, and try again; your text is kept.` };
    case 422:
      return { ok: false, status: 422, reason: `The hub refused the revised entry as invalid: ${why}. Fix it and send it again; your text is kept.` };
    case 429:
      return { ok: false, status: 429, reason: `The hub asked Gleaner to slow down (HTTP 429). Wait a minute and try again; nothing was ${what}.` };
    default:
      return { ok: false, status: res.status, reason: `The hub answered HTTP ${res.status}: ${why}. Nothing was ${what}.` };
  }
}

/** The entry as the hub has it now, with its ETag (`"rN"`) for a following If-Match. */
export async function fetchEntryStatus(cfg: HubConfig, id: string, fetchImpl: Fetch = fetch): Promise<EntryActionResult> {
  return entryRequest(cfg, id, { method: 'GET' }, 'changed', fetchImpl);
}

/** Withdraws an entry (the contributor's right under every consent statement). `etag` pins the revision seen. */
export async function withdrawEntry(cfg: HubConfig, id: string, etag: string | null = null, fetchImpl: Fetch = fetch): Promise<EntryActionResult> {
  return entryRequest(cfg, id, { method: 'POST', headers: etag ? { 'if-match': etag } : {} }, 'withdrawn', fetchImpl);
}

/** Sends a revision of an entry the hub marked "needs changes": the whole entry, same id, with If-Match. */
export async function reviseEntry(cfg: HubConfig, entry: Entry, etag: string, fetchImpl: Fetch = fetch): Promise<EntryActionResult> {
  return entryRequest(cfg, entry.id, { method: 'PATCH', headers: { 'content-type': 'application/json', 'if-match': etag }, body: JSON.stringify(entry) }, 'sent', fetchImpl);
}
