import type { Subject, SubjectMoveEntries } from '../lib/model/subject.ts';
import type { KbResult } from './knowledge.ts';

/**
 * Moving chosen entries from one subject to another (or to one created in the same call), as both stores
 * decide it. The move rewrites each entry's `subject` (the one place an entry's subject lives), so the
 * public index, search filters and per-subject counts follow through the triggers that already keep them
 * in step with `entries`, in the same transaction. Redirects are untouched: an old slug still leads where
 * it led, and the entries not chosen stay where they were.
 */

/** The checks made before anything is written: the subjects exist, and neither moved on since read. */
export function planMove(hobby: string, slug: string, m: SubjectMoveEntries, from: Subject | null, into: Subject | null, intoRedirect: string | null): KbResult<null> {
  if (!from) return { ok: false, status: 404, reason: `No subject "${slug}" in "${hobby}".` };
  if (m.into === slug) return { ok: false, status: 422, reason: `The entries are listed under "${slug}" already: name another subject to move them into.` };
  if (m.expectVersion !== undefined && m.expectVersion !== from.version)
    return { ok: false, status: 409, reason: `"${slug}" changed since you read it (version ${m.expectVersion}, now ${from.version}). Read it again before moving entries.` };
  if (m.into !== undefined) {
    if (!into)
      return intoRedirect
        ? { ok: false, status: 409, reason: `"${m.into}" is a former slug that redirects to "${intoRedirect}": move the entries into "${intoRedirect}".` }
        : { ok: false, status: 404, reason: `No subject "${m.into}" in "${hobby}" to move entries into: name an existing subject, or send "create" to make one.` };
    if (m.expectIntoVersion !== undefined && m.expectIntoVersion !== into.version)
      return { ok: false, status: 409, reason: `"${m.into}" changed since you read it (version ${m.expectIntoVersion}, now ${into.version}). Read it again before moving entries.` };
  }
  return { ok: true, value: null };
}

/** Refuses the whole move when any chosen entry is not (or no longer) listed under the subject. */
export function unlisted(slug: string, ids: string[], listed: Set<string>): KbResult<never> | null {
  const missing = ids.filter((id) => !listed.has(id));
  if (!missing.length) return null;
  const named = missing.slice(0, 5).map((id) => `"${id}"`).join(', ') + (missing.length > 5 ? ` and ${missing.length - 5} more` : '');
  return {
    ok: false,
    status: 409,
    reason: `${missing.length === 1 ? 'Entry' : 'Entries'} ${named} ${missing.length === 1 ? 'is' : 'are'} not listed under "${slug}" (moved, withdrawn or never there). Nothing was moved; read the subject again.`,
  };
}

/** The stored record with its subject set to `to`; everything else as it was. */
export function withSubject(record: string, hobby: string, to: string): string {
  return JSON.stringify({ ...(JSON.parse(record) as object), subject: { hobby, slug: to } });
}
