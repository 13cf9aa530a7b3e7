import type { Thread } from '../model/thread.ts';

/** Licences a contributor may grant for an entry. */
export const GRANT_CHOICES = ['CC-BY-SA-4.0', 'CC-BY-4.0', 'CC0-1.0'] as const;
export type Grant = (typeof GRANT_CHOICES)[number];

export type ConsentBasisId = 'self' | 'author_opt_in' | 'moderator_attestation' | 'open_license';

export interface SourceLicense {
  license: string | null;
  evidence: { url: string | null; how: string } | null;
}

export type LicenseVerdict = { ok: true; license: string } | { ok: false; reason: string };

/** The licence the page itself declares for its posts, if any. */
export function sourceLicenseOf(thread: Thread): SourceLicense {
  const hint = thread.licenseHints?.[0];
  if (hint) return { license: hint.license, evidence: { url: thread.url, how: hint.evidence } };
  return { license: null, evidence: null };
}

/**
 * The entry's effective licence: the contributor's grant, checked against every source. Sources with
 * no open licence may only be used on the contributor's own word (self) or the authors' opt-in.
 */
export function effectiveLicense(sources: SourceLicense[], grant: string, basis: ConsentBasisId): LicenseVerdict {
  if (basis === 'self' || basis === 'author_opt_in') return { ok: true, license: grant };
  const unknown = sources.filter((s) => !s.license);
  if (unknown.length) {
    return {
      ok: false,
      reason: `${unknown.length} source post(s) have no open licence Gleaner can verify. Submit them only if you wrote them, or with each author's recorded permission.`,
    };
  }
  const licenses = new Set(sources.map((s) => s.license!));
  if ([...licenses].some((l) => /-ND-/.test(l))) return { ok: false, reason: 'A source forbids derivatives (ND): a rewritten entry cannot use it.' };
  if ([...licenses].some((l) => /-SA-/.test(l)) && grant !== 'CC-BY-SA-4.0') {
    return { ok: false, reason: 'A source is ShareAlike: the entry must be CC-BY-SA-4.0.' };
  }
  return { ok: true, license: grant };
}
