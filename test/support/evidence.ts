import { buildEntry } from '../../lib/curate/entry.ts';
import { sha256Hex } from '../../lib/curate/hash.ts';
import { consentStatement } from '../../lib/license/statements.ts';
import type { ConsentBasisId } from '../../lib/license/index.ts';
import type { Attestation, RulesPage } from '../../lib/model/attestation.ts';
import type { Entry } from '../../lib/model/entry.ts';
import type { Thread } from '../../lib/model/thread.ts';
import { discourseThread } from './entries.ts';

/**
 * Entries on each consent basis, built the way the curate view builds them from the real Discourse
 * corpus thread (meta.discourse.org). The rules page text is made up here (no real rules page in the
 * corpus): only its hash relation to the record matters.
 */
export const RULES_URL = 'https://meta.discourse.org/tos';
export async function rulesPage(text = 'Terms of service. Posts you make here are licensed to everyone under CC BY-SA 4.0. Be kind.'): Promise<RulesPage> {
  return { url: RULES_URL, text, truncated: false, sha256: await sha256Hex(text), excerpt: 'Posts you make here are licensed to everyone under CC BY-SA 4.0.', readAt: '2026-11-20T10:00:00Z' };
}

export async function attestation(): Promise<Attestation> {
  return { community: 'Discourse Meta', license: 'CC-BY-SA-4.0', termsUrl: RULES_URL, role: 'moderator', attestedAt: '2026-11-20T10:00:00Z', rulesPage: await rulesPage() };
}

export async function entryOn(basis: ConsentBasisId, extra: { attestation?: Attestation; thread?: Thread } = {}): Promise<Entry> {
  const thread = extra.thread ?? discourseThread();
  const [q, a] = thread.posts;
  const s = consentStatement(basis, 'CC-BY-SA-4.0');
  const r = await buildEntry(
    { kind: 'qa', title: thread.title, question: { text: q!.text, postIds: [q!.id] }, answers: [{ text: a!.text, postIds: [a!.id] }] },
    {
      thread,
      now: new Date(),
      extensionVersion: 'test',
      attestation: extra.attestation ?? null,
      consent: { grant: 'CC-BY-SA-4.0', basis, permissionPostIds: basis === 'author_opt_in' ? [q!.id, a!.id] : [], statement: s.text, statementVersion: s.version, who: 'tester', agreed: true },
    },
  );
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.entry;
}

/** An entry whose sources carry an open licence read from the page: basis open_license. */
export async function openLicenseEntry(): Promise<Entry> {
  const e = await entryOn('author_opt_in');
  const s = consentStatement('open_license', 'CC-BY-SA-4.0');
  const { permissions: _, ...consent } = e.consent;
  return {
    ...e,
    sources: e.sources.map((x) => ({ ...x, license: 'CC-BY-SA-4.0', licenseEvidence: { url: x.threadUrl, how: 'the page states CC BY-SA 4.0' } })),
    consent: { ...consent, basis: 'open_license', statement: s.text, statementVersion: s.version },
  };
}
