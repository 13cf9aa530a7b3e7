import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { licenceExcerpt, readRulesPage, readableText } from '../../lib/bulk/rules-page.ts';
import { sha256Hex } from '../../lib/curate/hash.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { Attestation, RULES_TEXT_CHARS } from '../../lib/model/attestation.ts';
import { RULES_PAGE } from '../support/bulk-forum.ts';
import { createJob } from '../../lib/bulk/create.ts';
import { openDb } from '../../lib/store/db.ts';

/** No real rules page is in the corpus: these are built in the usual shape (see test/support/bulk-forum.ts). */
const URL_ = 'https://forum.example/rules';
const NOW = Date.parse('2026-12-01T10:00:00Z');
const serve = (body: string, init: ResponseInit = { headers: { 'content-type': 'text/html; charset=utf-8' } }) => ({
  fetch: async (url: string, req?: RequestInit) => {
    expect(url).toBe(URL_);
    expect(req?.credentials).toBe('omit'); // the moderator's forum session is never sent
    return new Response(body, init);
  },
  dom: linkedomKit,
  now: () => NOW,
});

describe('the rules page behind an attestation', () => {
  it('keeps the readable text, its hash, the licensing passage and when it was read', async () => {
    const r = await readRulesPage(URL_, 'CC-BY-SA-4.0', serve(RULES_PAGE));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.page.text).toBe('Forum rules\nBe civil.\nPosts you make on this forum are licensed to everyone under CC BY-SA 4.0.');
    expect(r.page.sha256).toBe(await sha256Hex(r.page.text));
    expect(r.page.excerpt).toBe('Posts you make on this forum are licensed to everyone under CC BY-SA 4.0.');
    expect(r.page).toMatchObject({ url: URL_, truncated: false, readAt: '2026-12-01T10:00:00.000Z' });
    // The attestation schema accepts it as part of the attestation.
    expect(Attestation.safeParse({ community: 'F', license: 'CC-BY-SA-4.0', termsUrl: URL_, role: 'moderator', attestedAt: 'x', rulesPage: r.page }).success).toBe(true);
  });

  it('finds the licensing passage in other languages and spellings', () => {
    expect(licenceExcerpt('Regeln\nSei nett.\nAlle Beiträge stehen unter der Lizenz CC BY-SA 4.0.', 'CC-BY-SA-4.0')).toBe('Alle Beiträge stehen unter der Lizenz CC BY-SA 4.0.');
    expect(licenceExcerpt('Règles\nLes messages sont publiés sous licence Creative Commons.', 'CC-BY-4.0')).toBe('Les messages sont publiés sous licence Creative Commons.');
    expect(licenceExcerpt('Rules\nBe nice.', 'CC-BY-4.0')).toBeNull();
  });

  it('refuses, in words, a page that says nothing about licensing, cannot be read, or is not a page', async () => {
    const silent = await readRulesPage(URL_, 'CC-BY-SA-4.0', serve('<html><body><p>Be nice.</p></body></html>'));
    expect(silent).toEqual({ ok: false, error: expect.stringMatching(/^The page at https:\/\/forum\.example\/rules does not mention a licence, Creative Commons or copyright\. Link to/) });
    const gone = await readRulesPage(URL_, 'CC-BY-SA-4.0', serve('gone', { status: 404 }));
    expect(gone).toEqual({ ok: false, error: expect.stringContaining('answered 404') });
    const pdf = await readRulesPage(URL_, 'CC-BY-SA-4.0', serve('%PDF', { headers: { 'content-type': 'application/pdf' } }));
    expect(pdf).toEqual({ ok: false, error: expect.stringContaining('is not a web page (application/pdf)') });
    expect(await readRulesPage('data:text/html,licence', 'CC-BY-4.0', serve(''))).toEqual({ ok: false, error: expect.stringContaining('is not a web address') });
    const down = await readRulesPage(URL_, 'CC-BY-SA-4.0', { ...serve(''), fetch: async () => Promise.reject(new TypeError('Failed to fetch')) });
    expect(down).toEqual({ ok: false, error: expect.stringContaining('Could not read the community\'s rules page at https://forum.example/rules (Failed to fetch)') });
  });

  it('cuts a very long page to the limit, says so, and hashes what it keeps', async () => {
    const long = `<main><p>Posts are licensed under CC BY-SA 4.0.</p>${'<p>Rule text here.</p>'.repeat(5000)}</main>`;
    const r = await readRulesPage(URL_, 'CC-BY-SA-4.0', serve(long));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.page.truncated).toBe(true);
    expect(r.page.text).toHaveLength(RULES_TEXT_CHARS);
    expect(r.page.sha256).toBe(await sha256Hex(r.page.text));
  });

  it('reads a deeply nested page without overflowing', () => {
    const deep = `<body>${'<div>'.repeat(20000)}licence${'</div>'.repeat(20000)}</body>`;
    expect(readableText(linkedomKit.parseHtml(deep))).toBe('licence');
  });
});

describe('a bulk job keeps the rules page with its attestation', () => {
  it('stores it as read and refuses a malformed one in words', async () => {
    const r = await readRulesPage(URL_, 'CC-BY-SA-4.0', serve(RULES_PAGE));
    if (!r.ok) throw new Error(r.error);
    const db = openDb('rules-page-job');
    await db.open();
    const attestation = { community: 'Forum', license: 'CC-BY-SA-4.0', termsUrl: URL_, role: 'moderator', rulesPage: r.page };
    const made = await createJob(db, { source: { kind: 'urls', text: 'https://forum.example/t/1' }, attestation });
    if (!made.ok) throw new Error(made.error);
    expect((await db.jobs.get(made.jobId))!.attestation.rulesPage).toEqual(r.page);
    const bad = await createJob(db, { source: { kind: 'urls', text: 'https://forum.example/t/1' }, attestation: { ...attestation, rulesPage: { ...r.page, sha256: 'nope' } } });
    expect(bad).toEqual({ ok: false, error: expect.stringContaining('a SHA-256 hash (64 lowercase hex characters)') });
  });
});
