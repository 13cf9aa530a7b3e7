import type { Attestation } from '../model/attestation.ts';
import { hostOf } from '../license/community.ts';

/**
 * What the curate view says about the moderator attestation basis: why an entry cannot rest on it yet
 * and what would let it. Whether the hub has vouched for the contributor is known only to the hub; its
 * refusal comes back through the outbox with the reason, and the draft stays.
 */

/** Why the attestation cannot carry the entry (null: it can, as far as the extension can tell). */
export function attestationBlocker(attestation: Attestation | null): string | null {
  if (!attestation) {
    return 'No moderator attestation covers this thread: only threads captured by a bulk job with your attestation can rest on it. Capture the community\'s archive with Bulk capture, or choose another basis.';
  }
  if (!attestation.rulesPage) {
    return `The bulk job that captured this thread was created before Gleaner read the community's rules page (${attestation.termsUrl.slice(0, 200)}), and the hub accepts no attestation without it. Create the bulk job again to record the page, or choose another basis.`;
  }
  return null;
}

/** The condition the hub adds, said before the contributor submits. */
export function attestationVouchNote(thread: { url: string }, attestation: Attestation | null | undefined): string {
  const host = hostOf(thread.url) ?? 'this forum';
  const rules = attestation?.rulesPage ? ` It rests on the rules page as read on ${attestation.rulesPage.readAt.slice(0, 10)}: “${attestation.rulesPage.excerpt.slice(0, 200)}”` : '';
  return `The hub accepts this basis only once one of its moderators has vouched for you as a moderator of ${host}; otherwise it refuses the entry, says why on your dashboard, and your draft stays here.${rules}`;
}
