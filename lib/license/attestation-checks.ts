import type { Entry } from '../model/entry.ts';
import { communityCovers, hostOf } from './community.ts';

/**
 * Basis moderator_attestation: the attestation must carry the community's rules page as read, and the
 * submitting account must be registered (vouched for by a moderator of the hub) as a moderator of the
 * community every source comes from. `vouched` is what the hub's records say for the account; the
 * hashes are re-computed by the hub itself (hub/evidence.ts), since that needs a digest.
 */
export function attestationProblems(entry: Entry, vouched: readonly string[], add: (field: string, message: string | null) => void): void {
  const a = entry.consent.attestation;
  if (!a) return add('consent.attestation', 'the basis is a moderator attestation, but the entry carries none');
  const page = a.rulesPage;
  if (!page) {
    add('consent.attestation.rulesPage', `the attestation for ${a.community} does not carry the community's rules page as read: create the bulk job again, so Gleaner reads the rules page at ${a.termsUrl.slice(0, 200)} and records it`);
  } else {
    if (!hostOf(page.url)) add('consent.attestation.rulesPage.url', `"${page.url.slice(0, 200)}" is not a web address (http or https) of the community's rules page`);
    if (!page.text.includes(page.excerpt)) add('consent.attestation.rulesPage.excerpt', 'the excerpt is not a passage of the rules page text the attestation carries');
  }

  const outside = entry.sources.filter((s) => !vouched.some((c) => communityCovers(c, s.url)));
  if (!outside.length) return;
  const hosts = [...new Set(outside.map((s) => hostOf(s.url) ?? s.url.slice(0, 100)))];
  const where = hosts.slice(0, 3).join(', ') + (hosts.length > 3 ? ` and ${hosts.length - 3} more` : '');
  const first = outside[0]!;
  if (!vouched.length) {
    add(
      'consent.basis',
      `this account is not registered as a moderator of ${where}, so its attestation cannot be the basis of this entry. ` +
        `A moderator of this hub must first vouch for you as a moderator of that community; until then choose another basis.`,
    );
  } else {
    add(
      'consent.basis',
      `this account is registered as a moderator of ${vouched.slice(0, 3).join(', ')}, not of ${where}, where post ${first.postId} by ${first.author.name} comes from. ` +
        `An attestation covers only posts of a community you were vouched for; ask a moderator of this hub to vouch for you there, or choose another basis.`,
    );
  }
}
