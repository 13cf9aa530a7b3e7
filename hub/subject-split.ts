import type { Subject, SubjectSplit } from '../lib/model/subject.ts';
import { matchKey, type KbResult } from './knowledge.ts';

/**
 * The two subjects a split leaves: the new one as the moderator named it, and the one split from without
 * the names and external ids the new one takes (a merge had given them to it). Pure, shared by both stores.
 */
export function splitFields(from: Subject, split: SubjectSplit): KbResult<{ remaining: Pick<Subject, 'aliases' | 'externalIds'> }> {
  if (split.slug === from.slug) return { ok: false, status: 422, reason: `"${from.slug}" is the subject itself: name a slug that redirects to it.` };
  const taken = new Set([split.name, ...split.aliases].map(matchKey));
  if (taken.has(matchKey(from.name)))
    return { ok: false, status: 409, reason: `"${split.name}" is the name of "${from.slug}" itself: rename "${from.slug}" first, or give the split subject another name.` };
  const ids = { ...from.externalIds };
  for (const k of ['bgg', 'wikidata'] as const) if (split.externalIds[k] && ids[k] === split.externalIds[k]) ids[k] = null;
  return { ok: true, value: { remaining: { aliases: from.aliases.filter((a) => !taken.has(matchKey(a))), externalIds: ids } } };
}
