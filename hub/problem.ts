import type { Context } from 'hono';

/** RFC 9457 problem details; `errors[]` points at the offending entry and field. */
export function problem(c: Context, status: number, title: string, detail?: string, errors?: { pointer: string; detail: string }[], headers: Record<string, string> = {}) {
  const body = { type: `https://gleaner.invalid/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, title, status, detail, errors };
  return c.body(JSON.stringify(body), status as 400, { 'content-type': 'application/problem+json', ...headers });
}
