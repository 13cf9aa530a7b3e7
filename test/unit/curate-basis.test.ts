import { describe, expect, it } from 'vitest';
import { buildEntry, type BuildContext, type QaDraft } from '../../lib/curate/entry.ts';
import { consentStatement } from '../../lib/license/statements.ts';
import type { ConsentBasisId } from '../../lib/license/index.ts';
import type { Thread } from '../../lib/model/thread.ts';
import type { Attestation } from '../../lib/model/attestation.ts';
import { discourseThread } from '../support/entries.ts';

function ctx(thread: Thread, basis: ConsentBasisId, extra: Partial<BuildContext> = {}): BuildContext {
  const s = consentStatement(basis, 'CC-BY-SA-4.0');
  return { thread, now: new Date('2026-11-25T08:00:00Z'), extensionVersion: 'test', consent: { grant: 'CC-BY-SA-4.0', basis, permissionPostIds: basis === 'author_opt_in' ? thread.posts.filter((p) => p.text.trim()).map((p) => p.id) : [], statement: s.text, statementVersion: s.version, who: 'tester', agreed: true }, ...extra };
}
function qa(t: Thread): QaDraft {
  const [q, a] = t.posts;
  return { kind: 'qa', title: t.title, question: { text: q!.text, postIds: [q!.id] }, answers: [{ text: a!.text, postIds: [a!.id] }] };
}
const blocked = (t: Thread): Thread => ({
  ...t,
  optOut: { blocked: true, reasons: ['robots.txt disallows this page for AI crawlers: GPTBot.'], notes: [], checkedAt: '2026-11-25T08:00:00Z', tdmrep: false, robotsAi: true, meta: false },
});
const rulesPage = { url: 'https://meta.discourse.org/tos', text: 'Posts are licensed under CC BY-SA 4.0.', truncated: false, sha256: '0'.repeat(64), excerpt: 'Posts are licensed under CC BY-SA 4.0.', readAt: '2026-11-20T10:00:00Z' };
const attestation: Attestation = { community: 'Discourse Meta', license: 'CC-BY-SA-4.0', termsUrl: 'https://meta.discourse.org/tos', role: 'moderator', attestedAt: '2026-11-20T10:00:00Z', rulesPage };

describe('opt-out signals at submit', () => {
  it('refuses an opted-out source on an open-licence or attestation basis, naming the signal', async () => {
    const t = blocked(discourseThread());
    for (const basis of ['open_license', 'moderator_attestation'] as const) {
      const r = await buildEntry(qa(t), ctx(t, basis, { attestation }));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.join('\n')).toMatch(/opts out of AI use: robots\.txt disallows this page for AI crawlers: GPTBot/);
    }
  });

  it("lets the authors' own opt-in outweigh the publisher's reservation", async () => {
    const t = blocked(discourseThread());
    const r = await buildEntry(qa(t), ctx(t, 'author_opt_in'));
    expect(r.ok).toBe(true);
  });
});

describe('moderator attestation basis', () => {
  it('needs an attestation covering the thread', async () => {
    const t = discourseThread();
    const r = await buildEntry(qa(t), ctx(t, 'moderator_attestation'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toMatch(/No moderator attestation covers this thread/);
  });

  it('refuses an attestation recorded before the rules page was read, saying what to do', async () => {
    const t = discourseThread();
    const { rulesPage: _, ...old } = attestation;
    const r = await buildEntry(qa(t), ctx(t, 'moderator_attestation', { attestation: old }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([expect.stringMatching(/created before Gleaner read the community's rules page \(https:\/\/meta\.discourse\.org\/tos\).*Create the bulk job again/)]);
  });

  it("licenses unlicensed posts under the community's attested terms and records the attestation in the receipt", async () => {
    const t = discourseThread();
    const r = await buildEntry(qa(t), ctx(t, 'moderator_attestation', { attestation }));
    expect(r.ok, r.ok ? '' : r.errors.join('\n')).toBe(true);
    if (!r.ok) return;
    expect(r.entry.license).toBe('CC-BY-SA-4.0');
    expect(r.entry.sources.map((s) => s.license)).toEqual(['CC-BY-SA-4.0', 'CC-BY-SA-4.0']);
    expect(r.entry.sources[0]!.licenseEvidence).toEqual({ url: 'https://meta.discourse.org/tos', how: "the community's terms, as attested by its moderator for Discourse Meta" });
    expect(r.entry.consent.attestation).toEqual(attestation);
  });

  it('still refuses what the attested licence cannot become (NoDerivatives)', async () => {
    const t = discourseThread();
    const r = await buildEntry(qa(t), ctx(t, 'moderator_attestation', { attestation: { ...attestation, license: 'CC-BY-ND-4.0' } }));
    expect(r.ok).toBe(false);
  });
});
