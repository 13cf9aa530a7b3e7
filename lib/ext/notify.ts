import { browser } from 'wxt/browser';
import type { StateChangeNotice } from '../hub/outbox.ts';
import { db } from './db.ts';
import { REMOVAL_WORDS } from '../hub/removal-words.ts';

const WORDS: Record<string, string> = {
  in_review: 'is being reviewed',
  accepted: 'was accepted',
  needs_changes: 'needs changes',
  rejected: 'was rejected',
  published: 'was published',
  withdrawn: 'was withdrawn',
  received: 'was received',
};

/**
 * A system notification per review change, only if the user allowed notifications (an optional
 * permission asked from the dashboard). Without it, the dashboard alone shows the change.
 */
export async function notifyChanges(changes: StateChangeNotice[]): Promise<void> {
  if (!changes.length || !browser.notifications) return;
  if (!(await browser.permissions.contains({ permissions: ['notifications'] }))) return;
  for (const c of changes.slice(0, 5)) {
    const title = (await db().entries.get(c.entryId))?.entry.title ?? 'Your entry';
    await browser.notifications.create(`gleaner-${c.entryId}-${c.state}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: `Gleaner: “${title}” ${c.removal ? 'was removed from the dataset' : (WORDS[c.state] ?? `is now ${c.state}`)}`,
      message: c.removal ? REMOVAL_WORDS[c.removal.reason] : c.comment ? `Reviewer: ${c.comment}` : 'Open your submissions to see it.',
    });
  }
  if (changes.length > 5) {
    await browser.notifications.create('gleaner-more', { type: 'basic', iconUrl: browser.runtime.getURL('/icon/128.png'), title: 'Gleaner', message: `${changes.length - 5} more submissions changed state.` });
  }
}
