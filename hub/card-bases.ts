import type { Entry } from '../lib/model/entry.ts';
import { ConsentBasis } from '../lib/model/entry.ts';

/**
 * The dataset card's section on consent: what each basis means and the evidence its records carry, and
 * how many entries of the release rest on each (every basis listed, none left out for being zero, so a
 * reader sees at a glance that, say, no entry rests on a moderator's word).
 */
const MEANING: Record<Entry['consent']['basis'], string> = {
  open_license:
    "every source post carries an open licence that allows the entry's licence; each source's `license` and `licenseEvidence` say which and where it was read.",
  self: "the contributor wrote every source post and proved to the hub that they are each post's author on its forum. `consent.identityProofs` holds each proof: the page the hub fetched itself and found its code on under that author, and the page's hash. Entries from before proofs existed have none and rest on the contributor's word, as their statement says.",
  author_opt_in:
    "every author of a source post gave permission. `consent.permissions` holds one record per author: the author's own post granting it (address, captured words and their SHA-256, which the hub recomputed on receipt, on the forum the posts come from) or a grant the author made on the hub after proving their identity there (`hubGrant`).",
  moderator_attestation:
    "a moderator of the community attested that its terms license members' posts. `consent.attestation.rulesPage` holds the community's rules page as read (address, SHA-256 of its text, which the hub recomputed, the passage about licensing, and when), and the hub accepted it only from an account one of its moderators had vouched for as a moderator of that forum.",
};

export function basisSection(entries: Entry[], table: (rows: [string, number][]) => string): string {
  const n = new Map<string, number>();
  for (const e of entries) n.set(e.consent.basis, (n.get(e.consent.basis) ?? 0) + 1);
  return basisSectionOf(n, table);
}

/** The same section from the number of entries on each basis (what a streamed release build counts). */
export function basisSectionOf(n: ReadonlyMap<string, number>, table: (rows: [string, number][]) => string): string {
  const rows = ConsentBasis.options.map((b): [string, number] => [b, n.get(b) ?? 0]);
  return `## Consent bases
Why each entry may be shared; the record's \`consent\` holds the statement agreed to, word for word, when,
and the evidence behind it:

${ConsentBasis.options.map((b) => `- \`${b}\`: ${MEANING[b]}`).join('\n')}

${table(rows)}
`;
}
