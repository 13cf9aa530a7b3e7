import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../hub/publish.ts';
import { attestation, entryOn, openLicenseEntry } from '../support/evidence.ts';

describe('the dataset card and records explain the consent bases', () => {
  it('counts entries per basis (every basis listed) and publishes the rules page without its text', async () => {
    const entries = [await entryOn('moderator_attestation', { attestation: await attestation() }), await entryOn('author_opt_in'), await entryOn('author_opt_in'), await openLicenseEntry()];
    const files = buildDataset(entries, { release: 'v1', date: '2026-12-01' });
    const card = files.get('README.md')!;
    const section = card.slice(card.indexOf('## Consent bases'), card.indexOf('## Kinds'));
    for (const b of ['open_license', 'self', 'author_opt_in', 'moderator_attestation']) expect(section).toMatch(new RegExp(`^- \`${b}\`: `, 'm'));
    expect(section).toMatch(/vouched for as a moderator of that forum/);
    expect(section).toContain('| author\\_opt\\_in | 2 |');
    expect(section).toContain('| moderator\\_attestation | 1 |');
    expect(section).toContain('| open\\_license | 1 |');
    expect(section).toContain('| self | 0 |');

    const rows = [...files].filter(([p]) => p.startsWith('data/')).flatMap(([, t]) => t.trim().split('\n').map((l) => JSON.parse(l)));
    const attested = rows.find((r) => r.consent.basis === 'moderator_attestation');
    const page = entries[0]!.consent.attestation!.rulesPage!;
    expect(attested.consent.attestation.rulesPage).toEqual({ url: page.url, sha256: page.sha256, excerpt: page.excerpt, readAt: page.readAt });
    expect(rows.find((r) => r.consent.basis === 'open_license').consent.attestation).toBeNull();
  });
});
