import type { Entry } from '../lib/model/entry.ts';
import { checkEntryLimits, HUB_LIMITS, type EntryLimits, type LimitIssue } from '../lib/model/limits.ts';

/** The hub's bounds live with the model, so the extension checks the same numbers before it builds an entry. */
export type { EntryLimits } from '../lib/model/limits.ts';
export const DEFAULT_LIMITS: EntryLimits = HUB_LIMITS;

/** Every field over its limit, as a JSON pointer relative to the entry and a sentence saying the bound. */
export function checkLimits(entry: Entry | unknown, limits: EntryLimits = DEFAULT_LIMITS): LimitIssue[] {
  return checkEntryLimits(entry, limits);
}
