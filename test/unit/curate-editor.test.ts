import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import {
  draftOptions,
  initialState,
  moveAnswer,
  nextEntryState,
  restoreState,
  suggestedAnswerIds,
  textFor,
  toDraft,
  toggleAnswerRanked,
  toggleRole,
  toggleStripped,
  type EditorState,
} from '../../lib/curate/editor.ts';
import { markdownToHtml, markFindings } from '../../lib/curate/markdown.ts';
import { findingsIn, keepHandlesFor, piiVerdict, redactAll, redactFinding, submittedPiiReport } from '../../lib/curate/privacy.ts';
import { onlyQuotes } from '../../lib/curate/quotes.ts';
import { discourseThread } from '../support/entries.ts';
import { extractCorpus } from '../support/extract.ts';

const seThread = () => extractCorpus('stackexchange/german.stackexchange-10376.html', 'https://german.stackexchange.com/questions/10376/x');

describe('answers are ranked', () => {
  it('suggests the accepted answer first, then high scores', () => {
    const t = seThread();
    expect([...suggestedAnswerIds(t, '10376')]).toEqual(['10381', '10378', '21947']);
  });

  it('inserts a newly marked answer by its suggested rank, and moves answers up and down', () => {
    const t = seThread();
    let s = toggleRole(initialState(t), '10376', 'question');
    s = toggleAnswerRanked(s, t, '10380'); // score -1
    s = toggleAnswerRanked(s, t, '10381'); // accepted: goes first
    s = toggleAnswerRanked(s, t, '10378'); // score 3: between
    expect(s.answerIds).toEqual(['10381', '10378', '10380']);
    s = moveAnswer(s, '10380', -1);
    expect(s.answerIds).toEqual(['10381', '10380', '10378']);
    expect(moveAnswer(s, '10381', -1).answerIds).toEqual(s.answerIds);
    const d = toDraft(s, t);
    expect(d.kind === 'qa' && d.answers.map((a) => a.postIds[0])).toEqual(['10381', '10380', '10378']);
    // Unmarking toggles off.
    expect(toggleAnswerRanked(s, t, '10378').answerIds).toEqual(['10381', '10380']);
  });
});

describe('quotes and signatures', () => {
  it('strips quotes by default and restores them as Markdown with one toggle (phpBB, real quote)', () => {
    const t = extractCorpus('phpbb/foren.myoos.de-viewtopic-167.html', 'https://foren.myoos.de/viewtopic.php?t=167');
    const p = t.posts[0]!;
    let s = toggleRole({ ...initialState(t), kind: 'strategy' }, p.id, 'use');
    expect(textFor(s, t, 'strategy')).toBe(p.text);
    s = toggleStripped(s, p.id);
    const full = textFor(s, t, 'strategy');
    expect(full.startsWith('> Der fundamentale Akt von Freundschaft')).toBe(true);
    expect(full).toContain(p.text);
    expect(textFor(toggleStripped(s, p.id), t, 'strategy')).toBe(p.text);
  });

  it('restores a signature after the "-- " line (phpBB 2, real signatures)', () => {
    const t = extractCorpus('phpbb/phpbb2-forumer-viewtopic-805.html', 'http://freeman.forumer.com/viewtopic.php?t=805');
    const p = t.posts[0]!;
    const s = toggleStripped(toggleRole(initialState(t), p.id, 'question'), p.id);
    expect(textFor(s, t, p.id)).toBe(`${p.text}\n\n-- \n${p.signature!.trim()}`);
  });

  it('recognises a passage that is only quoted text', () => {
    const t = extractCorpus('phpbb/foren.myoos.de-viewtopic-167.html', 'https://foren.myoos.de/viewtopic.php?t=167');
    const q = t.posts[0]!.quotes[0]!.text;
    expect(onlyQuotes(q, t.posts)).toBe(true);
    expect(onlyQuotes(`> ${q.split('\n').join('\n> ')}`, [])).toBe(true);
    expect(onlyQuotes(`${q}\n\nDem stimme ich zu.`, t.posts)).toBe(false);
  });
});

describe('editor state', () => {
  it('a draft saved by an older version gets the new fields instead of failing', () => {
    const t = discourseThread();
    const old = { kind: 'qa', title: 'x', questionId: t.posts[0]!.id, answerIds: [], strategyIds: [], texts: {}, topic: '', tags: '', grant: 'CC-BY-SA-4.0', basis: 'author_opt_in', agreed: false };
    const s = restoreState(old as Partial<EditorState>, t);
    expect(s.questionId).toBe(t.posts[0]!.id);
    expect([s.restored, s.keepPii, s.language]).toEqual([[], false, '']);
  });

  it('the next entry from the same thread starts clean but keeps licence, basis and subject', () => {
    const t = discourseThread();
    let s = toggleRole(initialState(t), t.posts[0]!.id, 'question');
    s = { ...s, grant: 'CC-BY-4.0', basis: 'self', topic: 'Discourse', language: 'en', agreed: true, texts: { a: 'b' } };
    const n = nextEntryState(s, t);
    expect([n.questionId, n.answerIds, n.texts, n.agreed]).toEqual([null, [], {}, false]);
    expect([n.grant, n.basis, n.topic, n.language]).toEqual(['CC-BY-4.0', 'self', 'Discourse', 'en']);
    expect(draftOptions(n).domain).toEqual({ hobby: null, subject: 'Discourse', externalIds: {} });
  });

  it('BoardGameGeek threads start with the hobby and the thread id filled in', () => {
    const t = extractCorpus('bgg/bggclient_thread_3208373.xml', 'https://boardgamegeek.com/xmlapi2/thread?id=3208373');
    const s = initialState(t);
    expect([s.hobby, s.externalIds]).toEqual(['board games', 'bggThread=3208373']);
  });
});

describe('personal data in the editor', () => {
  const t = discourseThread();
  const keep = keepHandlesFor(t.posts.slice(0, 2).map((p) => ({ author: p.author })));

  it("keeps the source authors' handles and flags others", () => {
    expect(keep).toEqual(['techAPJ', 'codinghorror']);
    const text = 'As @codinghorror and @techapj said, ask @stranger.';
    expect(findingsIn(text, keep).map((f) => text.slice(f.start, f.end))).toEqual(['@stranger']);
  });

  it('redacts one finding or all of them to typed placeholders', () => {
    const text = 'Mail a.b@example.com or c.d@example.org, call +44 20 7946 0958.';
    const f = findingsIn(text, keep);
    expect(f.map((x) => x.type)).toEqual(['EMAIL', 'EMAIL', 'PHONE']);
    expect(redactFinding(text, f[1]!)).toBe('Mail a.b@example.com or <EMAIL>, call +44 20 7946 0958.');
    expect(redactAll(text, keep)).toBe('Mail <EMAIL> or <EMAIL>, call <PHONE>.');
    expect(submittedPiiReport([redactAll(text, keep)], keep).counts).toMatchObject({ EMAIL: 2, PHONE: 1 });
  });

  it('blocks secrets, warns about emails until accepted', () => {
    const v = piiVerdict([{ label: 'Answer 1', text: 'token ghp_1234567890abcdefghijklmnopqrstuvwxyzAB and x@example.com' }], keep, false);
    expect(v.block).toHaveLength(1);
    expect(v.warn).toHaveLength(1);
    expect(piiVerdict([{ label: 'Answer 1', text: 'x@example.com' }], keep, true)).toEqual({ block: [], warn: [] });
  });

  it('marks findings in the rendered Markdown preview', () => {
    const text = 'Mail me at **bob.smith@example.org**\n\n> or call 555-123-4567 <b onclick="x()">now</b>';
    const html = markdownToHtml(text, findingsIn(text, keep));
    const { document } = parseHTML(`<!doctype html><html><body><div id="r">${html}</div></body></html>`);
    const root = document.getElementById('r')!;
    expect(markFindings(root as unknown as Element, document as unknown as Document)).toBe(2);
    expect([...root.querySelectorAll('mark.pii')].map((m) => [m.getAttribute('data-pii'), m.textContent])).toEqual([
      ['EMAIL', 'bob.smith@example.org'],
      ['PHONE', '555-123-4567'],
    ]);
    expect(root.textContent).not.toMatch(/[\uE000-\uE0FF]/);
    expect(root.querySelector('strong mark, a mark')).not.toBeNull();
  });
});

describe('strategy passages keep their sources', () => {
  it('an edit to one part changes only that part, and the entry records each part with its post', async () => {
    const { buildEntry } = await import('../../lib/curate/entry.ts');
    const { consentStatement } = await import('../../lib/license/statements.ts');
    const t = extractCorpus('bgg/bggclient_thread_3208373.xml', 'https://boardgamegeek.com/xmlapi2/thread?id=3208373');
    const [a, b] = [t.posts[0]!, t.posts[1]!];
    let s = toggleRole({ ...initialState(t), kind: 'strategy', topic: 'Ark Nova', title: 'Map choice' }, a.id, 'use');
    s = toggleRole(s, b.id, 'use');
    s = { ...s, texts: { ...s.texts, [b.id]: 'Rewritten in my words.' } };
    expect(textFor(s, t, a.id)).toBe(a.text);
    expect(textFor(s, t, 'strategy')).toBe(`${a.text}\n\nRewritten in my words.`);
    const st = consentStatement('author_opt_in', 'CC-BY-SA-4.0');
    const r = await buildEntry(toDraft({ ...s, agreed: true }, t), {
      thread: t,
      now: new Date('2026-11-25T08:00:00Z'),
      extensionVersion: 'test',
      language: 'en',
      consent: { grant: 'CC-BY-SA-4.0', basis: 'author_opt_in', permissionPostIds: [a.id, b.id], statement: st.text, statementVersion: st.version, who: 'tester', agreed: true },
    });
    expect(r.ok, r.ok ? '' : r.errors.join('\n')).toBe(true);
    if (!r.ok || r.entry.kind !== 'strategy') return;
    expect(r.entry.strategy.passages).toEqual([
      { text: a.text.trim(), sourcePostIds: [a.id] },
      { text: 'Rewritten in my words.', sourcePostIds: [b.id] },
    ]);
    expect(r.entry.attribution.modified).toBe(true);
  });
});
