import type { Context } from 'hono';

/** Bounds on one problem answer: a hostile request must not be able to make the answer itself large. */
const MAX_ERRORS = 100;
const MAX_DETAIL_CHARS = 500;
const clip = (s: string) => (s.length > MAX_DETAIL_CHARS ? `${s.slice(0, MAX_DETAIL_CHARS - 1)}…` : s);

/** RFC 9457 problem details; `errors[]` points at the offending entry and field. */
export function problem(c: Context, status: number, title: string, detail?: string, errors?: { pointer: string; detail: string }[], headers: Record<string, string> = {}) {
  const listed = errors?.slice(0, MAX_ERRORS).map((e) => ({ pointer: clip(e.pointer), detail: clip(e.detail) }));
  const more = errors && errors.length > MAX_ERRORS ? ` (${errors.length - MAX_ERRORS} more not listed)` : '';
  const body = { type: `https://gleaner.invalid/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, title, status, detail: detail === undefined ? undefined : clip(detail) + more, errors: listed };
  return c.body(JSON.stringify(body), status as 400, { 'content-type': 'application/problem+json', ...headers });
}
