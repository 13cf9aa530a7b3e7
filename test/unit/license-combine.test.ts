import { describe, expect, test } from 'vitest';
import { adaptableInto, ccTerms, effectiveLicense, whyNotAdaptable, type LicenseVerdict, type SourceLicense } from '../../lib/license/index.ts';

const src = (license: string | null, postId = 'p1', author = 'Alice', how = 'test'): SourceLicense => ({
  license,
  evidence: { url: 'https://example.org/terms', how },
  who: { postId, author, url: `https://example.org/p/${postId}` },
});
const ok = (v: LicenseVerdict) => {
  if (!v.ok) throw new Error(`expected ok, got refusal: ${v.reason}`);
  return v;
};
const refused = (v: LicenseVerdict) => {
  if (v.ok) throw new Error(`expected refusal, got ${v.license}`);
  return v;
};

describe('open_license: the most restrictive of the sources and the grant', () => {
  test.each([
    // sources, grant, effective licence
    [['CC-BY-SA-4.0'], 'CC-BY-SA-4.0', 'CC-BY-SA-4.0'],
    [['CC-BY-4.0'], 'CC-BY-4.0', 'CC-BY-4.0'],
    [['CC-BY-4.0'], 'CC-BY-SA-4.0', 'CC-BY-SA-4.0'],
    [['CC-BY-4.0', 'CC-BY-SA-4.0'], 'CC-BY-SA-4.0', 'CC-BY-SA-4.0'],
    [['CC-BY-3.0', 'CC-BY-2.0'], 'CC-BY-4.0', 'CC-BY-4.0'],
    [['CC0-1.0'], 'CC0-1.0', 'CC0-1.0'],
    [['CC0-1.0', 'CC-BY-4.0'], 'CC-BY-4.0', 'CC-BY-4.0'],
    [['CC-BY-SA-3.0'], 'CC-BY-SA-4.0', 'CC-BY-SA-4.0'],
    [['CC-BY-SA-2.5', 'CC-BY-SA-3.0', 'CC-BY-SA-4.0'], 'CC-BY-SA-4.0', 'CC-BY-SA-4.0'],
    [['CC-BY-SA-2.5 AND CC-BY-SA-3.0 AND CC-BY-SA-4.0'], 'CC-BY-SA-4.0', 'CC-BY-SA-4.0'],
    [['CC-BY-SA-3.0-DE'], 'CC-BY-SA-4.0', 'CC-BY-SA-4.0'],
    [['CC-BY-NC-SA-3.0'], 'CC-BY-SA-4.0', 'CC-BY-NC-SA-4.0'],
    [['CC-BY-NC-4.0'], 'CC-BY-4.0', 'CC-BY-NC-4.0'],
    [['CC-BY-NC-4.0', 'CC-BY-4.0'], 'CC-BY-SA-4.0', 'CC-BY-NC-SA-4.0'],
    [['CC-BY-NC-3.0', 'CC-BY-NC-SA-3.0'], 'CC-BY-SA-4.0', 'CC-BY-NC-SA-4.0'],
    // A dual-licensed source: the option that fits the grant is taken.
    [['CC-BY-SA-4.0 OR CC-BY-4.0'], 'CC-BY-4.0', 'CC-BY-4.0'],
    [['CC-BY-SA-3.0+'], 'CC-BY-SA-4.0', 'CC-BY-SA-4.0'],
  ])('%j + grant %s → %s', (licenses, grant, expected) => {
    const v = ok(effectiveLicense(licenses.map((l, i) => src(l, `p${i}`)), grant, 'open_license'));
    expect(v.license).toBe(expected);
  });

  test('NC sources: the entry is NC and the notes say it goes only into non-commercial sets', () => {
    const v = ok(effectiveLicense([src('CC-BY-NC-SA-3.0')], 'CC-BY-SA-4.0', 'open_license'));
    expect(v.notes).toContain('A source is NonCommercial (NC), so the entry is CC-BY-NC-SA-4.0, not CC-BY-SA-4.0: it goes only into non-commercial dataset sets.');
  });

  test('mixed ShareAlike versions are explained', () => {
    const v = ok(effectiveLicense([src('CC-BY-SA-3.0', 'q'), src('CC-BY-SA-4.0', 'a')], 'CC-BY-SA-4.0', 'open_license'));
    expect(v.notes).toContain('The ShareAlike sources use different versions (CC-BY-SA-3.0, CC-BY-SA-4.0); CC-BY-SA-4.0 is a compatible later version for each, so the entry uses it.');
  });

  test('a single older ShareAlike version is explained as a later-version adaptation', () => {
    const v = ok(effectiveLicense([src('CC-BY-SA-3.0')], 'CC-BY-SA-4.0', 'open_license'));
    expect(v.notes).toContain('CC-BY-SA-3.0 allows adaptations under a later version with the same elements, so the entry is CC-BY-SA-4.0.');
  });

  test('BY + BY-SA is noted as making the entry ShareAlike', () => {
    const v = ok(effectiveLicense([src('CC-BY-4.0'), src('CC-BY-SA-4.0', 'p2')], 'CC-BY-SA-4.0', 'open_license'));
    expect(v.notes).toContain('Attribution-only and ShareAlike sources together make the whole entry ShareAlike.');
    expect(v.notes.some((n) => n.startsWith('Every source requires attribution'))).toBe(true);
  });

  test('moderator attestation behaves like open licences and says what rests on it', () => {
    const v = ok(effectiveLicense([src('CC-BY-SA-4.0')], 'CC-BY-SA-4.0', 'moderator_attestation', { community: 'Tilt Forums' }));
    expect(v.notes.at(-1)).toBe("The sources' licence rests on a moderator's attestation of Tilt Forums's policy: keep the policy URL and its hash with the entry.");
  });
});

describe('refusals name the problem and the licence that would work', () => {
  test.each([
    [['CC-BY-SA-4.0'], 'CC0-1.0', /CC-BY-SA-4\.0 requires attribution, which CC0-1\.0 would drop/, 'Choose CC-BY-SA-4.0 as your grant: it is the licence these sources allow.'],
    [['CC-BY-SA-4.0'], 'CC-BY-4.0', /CC-BY-SA-4\.0 is ShareAlike \(SA\): an adaptation must carry the same licence elements \(BY-SA\), so it cannot become CC-BY-4\.0/, 'Choose CC-BY-SA-4.0 as your grant: it is the licence these sources allow.'],
    [['CC-BY-4.0'], 'CC0-1.0', /requires attribution/, 'Choose CC-BY-4.0 as your grant: it is the licence these sources allow.'],
    [['CC-BY-NC-SA-3.0'], 'CC-BY-4.0', /is ShareAlike/, 'Choose CC-BY-SA-4.0 as your grant; the entry will then be CC-BY-NC-SA-4.0 and go only into non-commercial sets.'],
    [['CC-BY-ND-4.0'], 'CC-BY-SA-4.0', /CC-BY-ND-4\.0 is NoDerivatives \(ND\), and a Q&A rewrite is an adaptation, which ND forbids/, /No licence can satisfy/],
    [['CC-BY-4.0', 'CC-BY-NC-ND-3.0-DE'], 'CC-BY-4.0', /post p1 by Alice \(https:\/\/example\.org\/p\/p1\) — CC-BY-NC-ND-3\.0-DE is NoDerivatives/, /No licence can satisfy/],
    [['CC-BY-SA-1.0'], 'CC-BY-SA-4.0', /version 1\.0 ShareAlike licence, which lets adaptations use only CC-BY-SA-1\.0 itself/, /No licence can satisfy/],
    [['CC-BY-SA-4.0', 'CC-BY-NC-SA-4.0'], 'CC-BY-SA-4.0', /no one licence fits them all: under CC-BY-SA-4\.0, post p1 by Alice \(https:\/\/example\.org\/p\/p1\) \(CC-BY-NC-SA-4\.0\) is NonCommercial \(NC\).*; under CC-BY-NC-SA-4\.0, post p0 .*\(CC-BY-SA-4\.0\) is ShareAlike/, /No licence can satisfy/],
    [['CC-BY-SA-4.0', 'CC-BY-NC-4.0'], 'CC-BY-SA-4.0', /under CC-BY-NC-SA-4\.0, post p0 .*\(CC-BY-SA-4\.0\) is ShareAlike/, /No licence can satisfy/],
  ])('%j + grant %s', (licenses, grant, reason, fix) => {
    const v = refused(effectiveLicense(licenses.map((l, i) => src(l, `p${i}`)), grant, 'open_license'));
    expect(v.reason).toMatch(reason);
    if (typeof fix === 'string') expect(v.fix).toBe(fix);
    else expect(v.fix).toMatch(fix);
  });

  test('a conjunction with a licence Gleaner has no rule for names that part', () => {
    const v = refused(effectiveLicense([src('CC-BY-SA-4.0 AND MIT')], 'CC-BY-SA-4.0', 'open_license'));
    expect(v.reason).toBe('The sources do not allow publishing this entry under CC-BY-SA-4.0: post p1 by Alice (https://example.org/p/p1) — MIT is a licence Gleaner has no rule for.');
  });

  test('ND anywhere refuses even with a permissive grant', () => {
    expect(effectiveLicense([src('CC-BY-NC-ND-4.0')], 'CC-BY-SA-4.0', 'open_license').ok).toBe(false);
  });

  test('sources with no open licence: each post and author named, with what to do', () => {
    const v = refused(
      effectiveLicense(
        [src('CC-BY-SA-4.0', 'p1', 'Alice'), src(null, 't3_abc', 'bob_r', "reddit's user agreement grants no open licence to third parties")],
        'CC-BY-SA-4.0',
        'open_license',
      ),
    );
    expect(v.reason).toBe(
      "1 of 2 source post(s) have no open licence Gleaner can rely on: post t3_abc by bob_r (https://example.org/p/t3_abc): reddit's user agreement grants no open licence to third parties (https://example.org/terms).",
    );
    expect(v.fix).toMatch(/if you wrote every post yourself, submit on that basis/);
    expect(v.fix).toMatch(/record each of those authors' opt-in/);
  });

  test.each([['LicenseRef-Forum-Terms'], ['MIT'], ['not a licence at all'], ['CC-BY-SA-5.0']])('unknown licence "%s" refuses', (l) => {
    const v = refused(effectiveLicense([src(l, 'p9', 'Carol')], 'CC-BY-SA-4.0', 'open_license'));
    expect(v.reason).toContain(`post p9 by Carol (https://example.org/p/p9) ("${l}")`);
    expect(v.reason).toContain('Gleaner has no rule for the licence');
  });

  test.each([['CC-BY-ND-4.0'], ['CC-BY-SA-3.0'], ['MIT'], ['CC-PDM-1.0']])('a grant of %s is not accepted', (grant) => {
    const v = refused(effectiveLicense([src('CC-BY-4.0')], grant, 'open_license'));
    expect(v.fix).toBe('Choose one of CC-BY-SA-4.0, CC-BY-4.0, CC0-1.0.');
  });

  test('no sources at all', () => {
    expect(refused(effectiveLicense([], 'CC-BY-SA-4.0', 'open_license')).reason).toMatch(/names no source posts/);
  });
});

describe('self and author opt-in: the grant stands on its own', () => {
  test.each([['self'], ['author_opt_in']] as const)('%s with unlicensed and ShareAlike sources', (basis) => {
    const v = ok(effectiveLicense([src(null), src('CC-BY-SA-4.0', 'p2')], 'CC0-1.0', basis));
    expect(v.license).toBe('CC0-1.0');
    expect(v.notes).toHaveLength(1);
  });
  test('the other bases still refuse unlicensed posts', () => {
    expect(effectiveLicense([src(null)], 'CC-BY-SA-4.0', 'moderator_attestation').ok).toBe(false);
  });
});

describe('the compatibility table', () => {
  const t = (id: string) => ccTerms(id)!;
  test.each([
    ['CC-BY-SA-4.0', 'CC-BY-SA-4.0', true],
    ['CC-BY-SA-2.0', 'CC-BY-SA-4.0', true],
    ['CC-BY-SA-4.0', 'CC-BY-SA-3.0', false],
    ['CC-BY-4.0', 'CC-BY-NC-SA-4.0', true],
    ['CC-BY-NC-4.0', 'CC-BY-4.0', false],
    ['CC-BY-NC-SA-2.0-FR', 'CC-BY-NC-SA-4.0', true],
    ['CC-SA-1.0', 'CC-BY-SA-4.0', false],
    ['CC0-1.0', 'CC0-1.0', true],
    ['CC-PDM-1.0', 'CC-BY-4.0', true],
    ['CC-BY-ND-2.5', 'CC-BY-ND-2.5', false],
  ])('%s adapts into %s: %s', (s, target, allowed) => {
    expect(whyNotAdaptable(t(s), t(target)) === null).toBe(allowed);
  });
  test('the allow-list for CC-BY-SA-4.0 holds every BY-SA from 2.0, BY, CC0 and no NC/ND', () => {
    const list = adaptableInto(t('CC-BY-SA-4.0'));
    for (const id of ['CC-BY-SA-2.0', 'CC-BY-SA-2.5', 'CC-BY-SA-3.0', 'CC-BY-SA-3.0-DE', 'CC-BY-SA-2.1-JP', 'CC-BY-SA-4.0', 'CC-BY-3.0', 'CC0-1.0']) expect(list).toContain(id);
    for (const id of ['CC-BY-SA-1.0', 'CC-BY-NC-4.0', 'CC-BY-ND-4.0', 'CC-BY-NC-SA-4.0']) expect(list).not.toContain(id);
  });
});
