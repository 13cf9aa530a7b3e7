import { describe, expect, it } from 'vitest';
import { buildEntry, type QaDraft } from '../../lib/curate/entry.ts';
import { entryProblems } from '../../lib/license/entry-checks.ts';
import { consentStatement } from '../../lib/license/statements.ts';
import type { Entry } from '../../lib/model/entry.ts';
import type { Thread } from '../../lib/model/thread.ts';
import { extractCorpus } from '../support/extract.ts';

// A real Stack Exchange thread (CC BY-SA by post date), built into an entry exactly as the curate view does.
const SE_URL = 'https://german.stackexchange.com/questions/10376/when-to-use-wurde-versus-war-eg-ich-wurde-ausgeraubt-vs-ich-war-ausgerau';
const NOW = new Date('2026-11-25T08:00:00Z');

async function seEntry(grant = 'CC-BY-SA-4.0'): Promise<Entry> {
  const t: Thread = extractCorpus('stackexchange/german.stackexchange-10376.html', SE_URL);
  const text = (id: string) => t.posts.find((p) => p.id === id)!.text;
  const draft: QaDraft = { kind: 'qa', title: t.title, question: { text: text('10376'), postIds: ['10376'] }, answers: [{ text: text('10381'), postIds: ['10381'] }] };
  const s = consentStatement('open_license', grant);
  const r = await buildEntry(draft, {
    thread: t,
    now: NOW,
    extensionVersion: 'test',
    consent: { grant, basis: 'open_license', statement: s.text, statementVersion: s.version, who: 'tester', agreed: true },
  });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.entry;
}

const fields = (e: Entry, vouchedCommunities?: string[]) => entryProblems(e, { now: NOW, vouchedCommunities }).map((p) => p.field);
const problems = (e: Entry, vouchedCommunities?: string[]) => entryProblems(e, { now: NOW, vouchedCommunities });

describe('the hub re-checks what an entry claims', () => {
  it('an entry the curate view built passes every check', async () => {
    expect(entryProblems(await seEntry(), { now: NOW })).toEqual([]);
  });

  it('a licence the sources do not allow is refused, naming the source and the rule', async () => {
    const e = await seEntry();
    // CC BY-SA sources claimed as CC0: the audit saw CC-BY-NC-ND sources accepted this way.
    const tampered = { ...e, license: 'CC0-1.0', consent: { ...e.consent, license: 'CC0-1.0' } };
    const problems = entryProblems(tampered, { now: NOW });
    expect(problems.map((p) => p.field)).toEqual(['license']);
    expect(problems[0]!.message).toMatch(/post 10376.*(ShareAlike|requires attribution)/);
    const nd = { ...e, sources: e.sources.map((s) => ({ ...s, license: 'CC-BY-NC-ND-4.0' })) };
    expect(entryProblems(nd, { now: NOW })[0]!.message).toMatch(/NoDerivatives/);
  });

  it('an entry licence that differs from what the sources and grant give is refused', async () => {
    const e = await seEntry();
    expect(fields({ ...e, license: 'CC-BY-NC-SA-4.0' })).toEqual(['license']);
  });

  it('SPDX expressions are parsed, not pattern-matched', async () => {
    const e = await seEntry();
    expect(fields({ ...e, license: 'NOT A LICENSE (((' })).toContain('license');
    expect(fields({ ...e, sources: e.sources.map((s, i) => (i ? s : { ...s, license: 'MIT AND (' })) })).toContain('sources[0].license');
  });

  it('language must be a BCP 47 tag', async () => {
    const e = await seEntry();
    expect(fields({ ...e, language: 'english' })).toEqual(['language']);
    expect(fields({ ...e, language: 'en_US' })).toEqual(['language']);
    expect(fields({ ...e, language: 'pt-BR' })).toEqual([]);
  });

  it('gives the same verdict on a licence or language seen before (the checks remember answers, good and bad)', async () => {
    const e = await seEntry();
    for (let round = 0; round < 3; round++) {
      expect(fields({ ...e, language: 'english' })).toEqual(['language']);
      expect(fields({ ...e, language: 'pt-BR' })).toEqual([]);
      expect(fields({ ...e, license: 'MIT AND (', consent: { ...e.consent, license: 'MIT AND (' } })).toEqual(['license', 'consent.license']);
      expect(fields(e)).toEqual([]);
    }
    // Past the bound, a value seen long ago is checked afresh, with the same answer.
    for (let i = 0; i < 1100; i++) fields({ ...e, language: `x${i}` });
    expect(fields({ ...e, language: 'english' })).toEqual(['language']);
    expect(fields(e)).toEqual([]);
  });

  it('times must be real instants, not in the future', async () => {
    const e = await seEntry();
    expect(fields({ ...e, createdAt: '9999-12-31T00:00:00Z' })).toEqual(['createdAt']);
    expect(fields({ ...e, createdAt: '5' })).toEqual(['createdAt']);
    expect(fields({ ...e, createdAt: '2026-02-30T25:00:00Z' })).toEqual(['createdAt']);
    expect(fields({ ...e, sources: e.sources.map((s) => ({ ...s, postedAt: '2999-01-01T00:00:00' })) })).toContain('sources[0].postedAt');
    // A page's local time may run up to 14 hours ahead of UTC.
    expect(fields({ ...e, createdAt: '2026-11-25T08:01:00Z', sources: e.sources.map((s) => ({ ...s, postedAt: '2026-11-25T20:00:00' })) })).toEqual([]);
  });

  it('source addresses must be web pages or archives Gleaner reads', async () => {
    const e = await seEntry();
    expect(fields({ ...e, sources: e.sources.map((s) => ({ ...s, url: 'javascript:alert(1)' })) })).toEqual(['sources[0].url', 'sources[1].url']);
    expect(fields({ ...e, sources: e.sources.map((s) => ({ ...s, threadUrl: 'irc-log://2005-01-09.log#L1' })) })).toEqual([]);
  });

  it('every passage names only posts among the sources', async () => {
    const e = await seEntry();
    if (e.kind !== 'qa') throw new Error('a Q&A entry');
    const bad = { ...e, qa: { ...e.qa, answers: [{ ...e.qa.answers[0]!, sourcePostIds: ['999999'] }] } };
    expect(fields(bad)).toEqual(['qa.answers[0].sourcePostIds']);
  });

  it('a moderator attestation needs an account the hub vouched for as a moderator of the sources\' community', async () => {
    const e = await seEntry();
    const rulesText = 'Terms of Service. Subscriber Content is licensed under CC BY-SA. Be nice.';
    const rulesPage = { url: 'https://stackoverflow.com/legal/terms-of-service', text: rulesText, truncated: false, sha256: 'a'.repeat(64), excerpt: 'Subscriber Content is licensed under CC BY-SA.', readAt: NOW.toISOString() };
    const attestation = { community: 'German Language SE', license: 'CC-BY-SA-4.0', termsUrl: rulesPage.url, role: 'moderator', attestedAt: NOW.toISOString(), rulesPage };
    const attested = { ...e, consent: { ...e.consent, basis: 'moderator_attestation' as const, attestation } };
    expect(fields(attested)).toEqual(['consent.basis']);
    expect(problems(attested)[0]!.message).toMatch(/^this account is not registered as a moderator of german\.stackexchange\.com, .*vouch for you/);
    expect(fields(attested, ['german.stackexchange.com'])).toEqual([]);
    expect(fields(attested, ['https://German.StackExchange.com/'])).toEqual([]);
    // Vouched for another community (or another part of the same host): refused, naming both.
    expect(problems(attested, ['english.stackexchange.com'])).toEqual([
      { field: 'consent.basis', message: expect.stringMatching(/registered as a moderator of english\.stackexchange\.com, not of german\.stackexchange\.com, where post 10376 by/) },
    ]);
    expect(fields(attested, ['german.stackexchange.com/users'])).toEqual(['consent.basis']);
    expect(fields(attested, ['german.stackexchange.com.evil.example'])).toEqual(['consent.basis']);
    expect(fields({ ...attested, consent: { ...attested.consent, attestation: undefined } }, ['german.stackexchange.com'])).toEqual(['consent.attestation']);
    // Without the rules page as read, or with an excerpt that is not part of it.
    const { rulesPage: _, ...bare } = attestation;
    expect(fields({ ...attested, consent: { ...attested.consent, attestation: bare } }, ['german.stackexchange.com'])).toEqual(['consent.attestation.rulesPage']);
    const forged = { ...attestation, rulesPage: { ...rulesPage, excerpt: 'Anyone may reuse anything.' } };
    expect(fields({ ...attested, consent: { ...attested.consent, attestation: forged } }, ['german.stackexchange.com'])).toEqual(['consent.attestation.rulesPage.excerpt']);
  });
});

describe('communities for the attestation basis', () => {
  it('normalises a host, host and path, or address, and covers only pages under it', async () => {
    const { normaliseCommunity, communityCovers } = await import('../../lib/license/community.ts');
    expect(normaliseCommunity('Forum.Example')).toBe('forum.example');
    expect(normaliseCommunity('https://example.org/Forum/')).toBe('example.org/Forum');
    expect(normaliseCommunity('example.org:8080/board')).toBe('example.org:8080/board');
    expect(normaliseCommunity('not a host')).toBeNull();
    expect(normaliseCommunity('ftp://example.org')).toBeNull();
    expect(normaliseCommunity('localpart')).toBeNull();
    expect(communityCovers('example.org/forum', 'https://example.org/forum/t/1')).toBe(true);
    expect(communityCovers('example.org/forum', 'https://example.org/forum')).toBe(true);
    expect(communityCovers('example.org/forum', 'https://example.org/forums-old/t/1')).toBe(false);
    expect(communityCovers('example.org', 'http://EXAMPLE.org/x')).toBe(true);
    expect(communityCovers('example.org', 'https://sub.example.org/x')).toBe(false);
    expect(communityCovers('example.org', 'irc-log://example.org/chan')).toBe(false);
  });
});
