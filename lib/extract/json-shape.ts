import { z } from 'zod';
import { ExtractError } from './types.ts';

/**
 * What a JSON (or XML-derived) response must look like before an adapter or importer reads it: zod
 * schemas at the boundary, with numbers and times range-checked, so a wrong type or an impossible value
 * becomes an error naming the field and what was expected instead of a TypeError or "Invalid time value"
 * deep inside a reader.
 */

/** 9999-12-31T23:59:59Z: the last second an ISO 8601 date with a four-digit year can name. */
export const MAX_UNIX_SECONDS = 253_402_300_799;

/** A Unix time in seconds (Reddit, Hacker News, Slack): a finite, non-negative number before year 10000. */
export const unixSeconds = z
  .number()
  .refine((n) => Number.isFinite(n) && n >= 0 && n <= MAX_UNIX_SECONDS, { message: 'expected a Unix time in seconds between 1970 and 9999' });

/** A Unix time in milliseconds (Matrix, Mattermost). */
export const unixMillis = z
  .number()
  .refine((n) => Number.isFinite(n) && n >= 0 && n <= MAX_UNIX_SECONDS * 1000, { message: 'expected a Unix time in milliseconds between 1970 and 9999' });

/** A count a page or export shows (likes, reactions, votes): a whole number a person could have reached. */
export const count = z
  .number()
  .refine((n) => Number.isSafeInteger(n) && Math.abs(n) <= 1e12, { message: 'expected a whole number of reasonable size' });

/** A date written as text: anything Date can read, inside the four-digit-year range. */
export const dateText = z.string().refine((s) => {
  const t = Date.parse(s);
  return Number.isNaN(t) || (t >= -62_167_219_200_000 && t <= MAX_UNIX_SECONDS * 1000);
}, { message: 'expected a date between year 0 and 9999' });

/** An id: engines send numbers or strings. */
export const idLike = z.union([z.string(), z.number().refine(Number.isFinite, { message: 'expected a finite number' })]);

/** Control characters (terminal escapes among them) written visibly, so a message cannot drive the terminal. */
export function escapeControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What a value is, in words, short: "the number 5", "a list", "nothing". */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'number':
      return `the number ${String(v)}`;
    case 'string': {
      const s = v.length > 40 ? `${v.slice(0, 40)}…` : v;
      return `the text "${escapeControls(s)}"`;
    }
    case 'boolean':
      return `the value ${String(v)}`;
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

/** A path as a person reads it: post_stream.posts[3].created_at. */
export function describePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out || 'the top level';
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

/** One zod issue as "at FIELD: expected X, found Y". */
export function describeIssue(issue: z.core.$ZodIssue, data: unknown, prefix: readonly PropertyKey[] = []): string {
  const path = [...prefix, ...issue.path];
  const value = valueAt(data, issue.path);
  const found = describeValue(value);
  let expected: string;
  if (issue.code === 'invalid_type' && issue.expected === 'number' && typeof value === 'number') expected = 'expected a finite number';
  else if (issue.code === 'invalid_type') expected = `expected ${EXPECTED[issue.expected] ?? issue.expected}`;
  else if (issue.code === 'invalid_union') expected = 'expected text or a number';
  else expected = issue.message;
  return `at ${describePath(path)}: ${expected}, found ${found}`;
}

/**
 * Parses `data` with `schema` or throws an ExtractError naming the response, the field and what was
 * expected ("The Discourse topic JSON is not as expected at post_stream.posts[3].created_at: …").
 */
export function readShape<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const first = r.error.issues[0]!;
  const more = r.error.issues.length - 1;
  throw new ExtractError(
    `The ${what} is not as Gleaner expects it ${describeIssue(first, data)}${more ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : ''}. The file may be damaged or from a different version of the API: save the response again.`,
    'invalid',
  );
}
