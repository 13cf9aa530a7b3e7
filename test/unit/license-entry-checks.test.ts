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

const fields = (e: Entry, mayAttest?: (c: string) => boolean) => entryProblems(e, { now: NOW, mayAttest }).map((p) => p.field);

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

  it('a moderator attestation needs an account the hub registered for that community', async () => {
    const e = await seEntry();
    const attested = {
      ...e,
      consent: {
        ...e.consent,
        basis: 'moderator_attestation' as const,
        attestation: { community: 'German Language SE', license: 'CC-BY-SA-4.0', termsUrl: 'https://stackoverflow.com/legal/terms-of-service', role: 'moderator', attestedAt: NOW.toISOString() },
      },
    };
    expect(fields(attested)).toEqual(['consent.basis']);
    expect(fields(attested, (c) => c === 'German Language SE')).toEqual([]);
    expect(fields({ ...attested, consent: { ...attested.consent, attestation: undefined } }, () => true)).toEqual(['consent.attestation']);
  });
});
