import parseSpdx from 'spdx-expression-parse';
import satisfies from 'spdx-satisfies';
import { ccName, ccSpdxId, ccTerms, isSpdxId, type CcTerms } from './cc.ts';
import type { SourceLicense } from './source.ts';

/** Licences a contributor may grant for an entry. */
export const GRANT_CHOICES = ['CC-BY-SA-4.0', 'CC-BY-4.0', 'CC0-1.0'] as const;
export type Grant = (typeof GRANT_CHOICES)[number];

export type ConsentBasisId = 'self' | 'author_opt_in' | 'moderator_attestation' | 'open_license';

export type LicenseVerdict = { ok: true; license: string; notes: string[] } | { ok: false; reason: string; fix?: string };

/**
 * Why a work under `source` cannot be adapted and the adaptation released under `target`, or null when
 * it can. This is the compatibility table the spdx packages do not model: CC's own rules for
 * adaptations (BY-SA 4.0 §3(b), BY-SA 3.0 §4(b), BY-NC-SA 3.0 §4(b), and the 1.0 licences, which allow
 * ShareAlike adaptations only under the very same licence).
 */
export function whyNotAdaptable(source: CcTerms, target: CcTerms): string | null {
  if (source.nd) return `is NoDerivatives (ND), and a Q&A rewrite is an adaptation, which ND forbids`;
  if (source.zero) return null;
  if (target.nd) return `cannot be adapted under a NoDerivatives licence`;
  if (source.by && !target.by) return `requires attribution, which ${target.id} would drop`;
  if (source.nc && !target.nc) return `is NonCommercial (NC), so the entry must be NonCommercial too`;
  if (source.sa) {
    if (target.sa !== true || target.nc !== source.nc || target.by !== source.by) {
      return `is ShareAlike (SA): an adaptation must carry the same licence elements (${elements(source)}), so it cannot become ${target.id}`;
    }
    if (source.version < 2 && (target.version !== source.version || target.port !== source.port)) {
      return `is a version 1.0 ShareAlike licence, which lets adaptations use only ${source.id} itself, not a later version`;
    }
    if (target.version < source.version) return `is ShareAlike ${source.version.toFixed(1)}, so the entry needs that version or a later one`;
  }
  return null;
}

function elements(t: CcTerms): string {
  return ['BY', 'NC', 'SA', 'ND'].filter((e) => t[e.toLowerCase() as 'by' | 'nc' | 'sa' | 'nd']).join('-') || 'none';
}

let allCc: CcTerms[] | null = null;
/** Every CC licence on the SPDX list, built once from the element/version/port grid. */
function allCcLicences(): CcTerms[] {
  if (allCc) return allCc;
  const ids = new Set<string>(['CC0-1.0', 'CC-PDM-1.0']);
  for (const code of ['BY', 'BY-SA', 'BY-NC', 'BY-ND', 'BY-NC-SA', 'BY-NC-ND', 'SA']) {
    for (const v of ['1.0', '2.0', '2.1', '2.5', '3.0', '4.0']) {
      for (const port of [null, 'AT', 'AU', 'DE', 'FR', 'IGO', 'JP', 'NL', 'UK', 'US']) {
        const id = port ? `CC-${code}-${v}-${port}` : `CC-${code}-${v}`;
        if (isSpdxId(id)) ids.add(id);
      }
    }
  }
  allCc = [...ids].map((id) => ccTerms(id)!).filter(Boolean);
  return allCc;
}

/** The SPDX ids whose works may be adapted into an entry under `target`: the allow-list spdx-satisfies checks against. */
export function adaptableInto(target: CcTerms): string[] {
  return allCcLicences()
    .filter((s) => whyNotAdaptable(s, target) === null)
    .map((s) => s.id);
}

/** Leaf licence ids of an SPDX expression, or null when it does not parse. */
function leavesOf(expr: string): string[] | null {
  try {
    const out: string[] = [];
    const walk = (n: parseSpdx.Info): void => {
      if ('license' in n) out.push(n.plus ? `${n.license}+` : n.license);
      else {
        walk(n.left);
        walk(n.right);
      }
    };
    walk(parseSpdx(expr));
    return out;
  } catch {
    return null;
  }
}

function sourceSatisfies(expr: string, allowed: string[]): boolean {
  try {
    return satisfies(expr, allowed);
  } catch {
    return false;
  }
}

function describe(s: SourceLicense, i: number): string {
  const w = s.who;
  const parts = [w?.postId ? `post ${w.postId}` : `source ${i + 1}`];
  if (w?.author) parts.push(`by ${w.author}`);
  if (w?.url) parts.push(`(${w.url})`);
  return parts.join(' ');
}

function withNc(t: CcTerms): CcTerms | null {
  if (t.zero || t.nc) return null;
  const id = ccSpdxId(['BY', 'NC', ...(t.sa ? ['SA'] : [])], t.version.toFixed(1))?.id;
  return id ? ccTerms(id) : null;
}

/** Targets Gleaner could publish an entry under, least restrictive first: used to suggest a fix. */
const FALLBACK_TARGETS = ['CC0-1.0', 'CC-BY-4.0', 'CC-BY-SA-4.0', 'CC-BY-NC-4.0', 'CC-BY-NC-SA-4.0'];

function worksFor(exprs: string[], target: CcTerms): boolean {
  const allowed = adaptableInto(target);
  return exprs.every((e) => sourceSatisfies(e, allowed));
}

export interface EffectiveLicenseOptions {
  /** Say so in the notes when the basis rests on a moderator's attestation of the community's policy. */
  community?: string;
}

/**
 * The entry's effective licence: the most restrictive of the sources and the contributor's grant.
 * With basis `self` (the contributor wrote every post) or `author_opt_in` (every author opted in) the
 * grant stands on its own; otherwise every source must carry an open licence that allows the grant.
 * With no basis chosen yet (null), only the sources' own licences can carry the entry.
 */
export function effectiveLicense(sources: SourceLicense[], grant: string, basis: ConsentBasisId | null, opts: EffectiveLicenseOptions = {}): LicenseVerdict {
  const g = isSpdxId(grant) ? ccTerms(grant) : null;
  if (!g || g.nd || g.id === 'CC-PDM-1.0' || (!g.zero && (g.version !== 4 || g.port))) {
    return {
      ok: false,
      reason: `"${grant}" is not a licence Gleaner publishes entries under: entries must be adaptable and use a current Creative Commons licence.`,
      fix: `Choose one of ${GRANT_CHOICES.join(', ')}.`,
    };
  }
  if (!sources.length) return { ok: false, reason: 'The entry names no source posts, so its licence cannot be checked.', fix: 'Add the posts the entry was written from.' };

  if (basis === 'self') {
    return { ok: true, license: grant, notes: [`You confirmed you wrote every post used here, so your grant of ${grant} stands on its own.`] };
  }
  if (basis === 'author_opt_in') {
    return {
      ok: true,
      license: grant,
      notes: [`Every author's recorded opt-in must cover ${grant}; the entry is published on their permission, not the sources' licences.`],
    };
  }

  const unlicensed = sources.map((s, i) => ({ s, i })).filter(({ s }) => !s.license);
  if (unlicensed.length) {
    const lines = unlicensed.map(({ s, i }) => `${describe(s, i)}: ${s.evidence?.how ?? 'no licence found'}${s.evidence?.url ? ` (${s.evidence.url})` : ''}`);
    return {
      ok: false,
      reason: `${unlicensed.length} of ${sources.length} source post(s) have no open licence Gleaner can rely on: ${lines.join('; ')}.`,
      fix: 'Remove those posts from the entry; or, if you wrote every post yourself, submit on that basis ("I wrote this"); or record each of those authors\' opt-in and submit on their permission.',
    };
  }

  const exprs = sources.map((s) => s.license!);
  const unknown = sources
    .map((s, i) => ({ s, i, leaves: leavesOf(s.license!) }))
    .filter(({ leaves }) => !leaves || leaves.every((l) => !ccTerms(l.replace(/\+$/, ''))));
  if (unknown.length) {
    return {
      ok: false,
      reason: `Gleaner has no rule for the licence of ${unknown.map(({ s, i }) => `${describe(s, i)} ("${s.license}")`).join(', ')}: it cannot tell whether a rewrite may be published.`,
      fix: 'Remove those posts, or ask their authors for an opt-in and submit on their permission.',
    };
  }

  const candidates = [g, withNc(g)].filter((t): t is CcTerms => t !== null);
  const chosen = candidates.find((t) => worksFor(exprs, t));
  if (chosen) return { ok: true, license: chosen.id, notes: notesFor(sources, g, chosen, basis, opts) };

  // Refused: say which posts block the grant and why, then which grant would work.
  const problems: string[] = [];
  sources.forEach((s, i) => {
    if (candidates.some((t) => sourceSatisfies(s.license!, adaptableInto(t)))) return;
    const whys = (leavesOf(s.license!) ?? []).flatMap((l) => {
      const t = ccTerms(l.replace(/\+$/, ''));
      if (!t) return [`${l} is a licence Gleaner has no rule for`];
      // Explain against the grant itself, or its NC form for an NC source, so the reason names the real clash.
      const target = (t.nc && candidates[1]) || candidates[0]!;
      const why = whyNotAdaptable(t, target);
      return why ? [`${t.id} ${why}`] : [];
    });
    if (!whys.length) whys.push(`${s.license} cannot be met under ${candidates.map((c) => c.id).join(' or ')}`);
    problems.push(`${describe(s, i)} — ${[...new Set(whys)].join('; ')}`);
  });
  if (!problems.length) {
    // Each source fits some licence on its own, but no one licence fits them all: show the clash.
    const clashes: string[] = [];
    for (const t of candidates) {
      const blocking = sources
        .map((s, i) => ({ s, i }))
        .filter(({ s }) => !sourceSatisfies(s.license!, adaptableInto(t)))
        .map(({ s, i }) => {
          const why = (leavesOf(s.license!) ?? []).map((l) => ccTerms(l.replace(/\+$/, ''))).map((lt) => (lt ? whyNotAdaptable(lt, t) : null)).find(Boolean);
          return `${describe(s, i)} (${s.license}) ${why ?? 'does not allow it'}`;
        });
      clashes.push(`under ${t.id}, ${blocking.join(' and ')}`);
    }
    problems.push(`no one licence fits them all: ${clashes.join('; ')}`);
  }
  const works = FALLBACK_TARGETS.map((id) => ccTerms(id)!).find((t) => worksFor(exprs, t));
  const fix = works
    ? works.nc
      ? `Choose ${ccSpdxId(works.sa ? ['BY', 'SA'] : ['BY'], '4.0')!.id} as your grant; the entry will then be ${works.id} and go only into non-commercial sets.`
      : `Choose ${works.id} as your grant: it is the licence these sources allow.`
    : 'No licence can satisfy these sources together: remove the posts named above, or ask their authors for an opt-in.';
  return { ok: false, reason: `The sources do not allow publishing this entry under ${grant}: ${problems.join('; ')}.`, fix };
}

function notesFor(sources: SourceLicense[], grant: CcTerms, chosen: CcTerms, basis: ConsentBasisId | null, opts: EffectiveLicenseOptions): string[] {
  const notes: string[] = [];
  const leafTerms = sources.flatMap((s) => (leavesOf(s.license!) ?? []).map((l) => ccTerms(l.replace(/\+$/, '')))).filter((t): t is CcTerms => t !== null);
  if (chosen.id !== grant.id) {
    notes.push(`A source is NonCommercial (NC), so the entry is ${chosen.id}, not ${grant.id}: it goes only into non-commercial dataset sets.`);
  }
  const sa = leafTerms.filter((t) => t.sa);
  const saVersions = [...new Set(sa.map((t) => t.id))].sort();
  if (saVersions.length > 1) {
    notes.push(`The ShareAlike sources use different versions (${saVersions.join(', ')}); ${chosen.id} is a compatible later version for each, so the entry uses it.`);
  } else if (saVersions.length === 1 && saVersions[0] !== chosen.id) {
    notes.push(`${saVersions[0]} allows adaptations under a later version with the same elements, so the entry is ${chosen.id}.`);
  }
  if (sa.length && leafTerms.some((t) => !t.sa && t.by)) notes.push('Attribution-only and ShareAlike sources together make the whole entry ShareAlike.');
  for (const t of leafTerms.filter((x) => x.port)) notes.push(`${t.id} is a ported licence; its adaptations may use the international licence with the same elements.`);
  if (leafTerms.some((t) => t.by)) notes.push(`Every source requires attribution: keep each author's name, profile link, the post link and the licence (${ccName(chosen.id).name}), and mark the text as modified.`);
  if (basis === 'moderator_attestation') {
    notes.push(`The sources' licence rests on a moderator's attestation of ${opts.community ?? 'the community'}'s policy: keep the policy URL and its hash with the entry.`);
  }
  return [...new Set(notes)];
}
