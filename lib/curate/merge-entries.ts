import type { AuthorPermission, Entry, Source } from '../model/entry.ts';
import { attributionText } from './attribution.ts';
import { sourceKeys } from './similar.ts';
import { effectiveLicense } from '../license/combine.ts';
import { sameAuthor } from '../license/permissions.ts';
import type { EntryProblem } from '../license/entry-checks.ts';

export type MergeOutcome = { ok: true; entry: Entry; added: Source[] } | { ok: false; problems: EntryProblem[] };

const MODIFIED = /^Modified: /;

/**
 * Entry `from` folded into entry `into` (a moderator found them to be the same question): `into` keeps
 * its words and gains the source posts of `from` it does not already name, as context, with their
 * attribution lines; its licence must still follow from its sources and grant by the same rules the curate
 * view and the hub apply on every submit. Nothing is merged that would change the licence `into` is
 * published under, or rest a post on a consent that does not cover it:
 * - `self` rests on the contributor's word that they wrote every post: only posts by the same authors join;
 * - `author_opt_in` takes the other entry's permission records along when it was granted for the same licence;
 * - `open_license` and `moderator_attestation` are re-checked on the union (licences, vouched community).
 * The caller runs the hub's full entry checks on the result as well.
 */
export function mergeEntries(into: Entry, from: Entry): MergeOutcome {
  const problems: EntryProblem[] = [];
  const have = new Set(sourceKeys(into.sources));
  const added = from.sources
    .filter((s) => !sourceKeys([s]).some((k) => have.has(k)))
    .filter((s, i, all) => all.findIndex((t) => sourceKeys([t]).some((k) => sourceKeys([s]).includes(k))) === i)
    .map((s): Source => ({ ...s, role: 'context' }));
  const sources = [...into.sources, ...added];
  const basis = into.consent.basis;

  let permissions = into.consent.permissions;
  if (basis === 'self') {
    added.forEach((s) => {
      if (!into.sources.some((o) => sameAuthor(o.author, s.author)))
        problems.push({
          field: 'sources',
          message: `the entry rests on its contributor's word that they wrote every post, and post ${s.postId} by ${s.author.name} (${s.url}) is by someone else; keep both entries, or fold them the other way`,
        });
    });
  }
  if (basis === 'author_opt_in' && added.length) {
    if (from.consent.basis === 'author_opt_in' && from.consent.license === into.consent.license) {
      const extra = (from.consent.permissions ?? []).filter((p) => !(permissions ?? []).some((q: AuthorPermission) => sameAuthor(q.author, p.author)));
      permissions = [...(permissions ?? []), ...extra];
    }
  }

  const verdict = effectiveLicense(
    sources.map((s) => ({ license: s.license, evidence: s.licenseEvidence, who: { postId: s.postId, author: s.author.name, url: s.url } })),
    into.consent.license,
    basis,
  );
  if (!verdict.ok) problems.push({ field: 'license', message: `with the other entry's posts the licence no longer holds: ${verdict.reason}` });
  else if (verdict.license !== into.license)
    problems.push({ field: 'license', message: `the other entry's posts would change the licence from ${into.license} to ${verdict.license}; keep both entries, or fold them the other way` });
  if (problems.length) return { ok: false, problems };

  const lines = into.attribution.text.split('\n');
  const modified = lines.filter((l) => MODIFIED.test(l));
  const kept = lines.filter((l) => !MODIFIED.test(l));
  const newLines = added.length ? attributionText(added, false).split('\n').filter((l) => !kept.includes(l)) : [];
  const entry: Entry = {
    ...into,
    sources,
    attribution: { ...into.attribution, text: [...kept, ...newLines, ...modified].join('\n') },
    consent: permissions ? { ...into.consent, permissions } : into.consent,
    ...(into.licenseNotes && verdict.ok ? { licenseNotes: verdict.notes } : {}),
  };
  return { ok: true, entry, added };
}
