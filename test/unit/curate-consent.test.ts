import { describe, expect, it } from 'vitest';
import { NO_BASIS_REASON, authorsLackingPermission, initialState, missingForSubmit, moveAnswer, settleConsent, stateFromEntry, toDraft, toggleRole, toggleStripped, type EditorState } from '../../lib/curate/editor.ts';
import { discourseThread, qaEntry } from '../support/entries.ts';

const base = discourseThread();
// A third post (the corpus topic has two) so an answer can be added and ranked.
const t = { ...base, posts: [...base.posts, { ...base.posts[1]!, id: `${base.posts[1]!.id}-b` }] };
const [q, a1, a2] = t.posts;

function agreedQa(): EditorState {
  let s = toggleRole(initialState(t), q!.id, 'question');
  s = toggleRole(s, a1!.id, 'answer');
  return { ...s, basis: 'self', agreed: true };
}

describe('consent stays given across edits', () => {
  it('edits to the text, title, posts, ranking and quotes keep the agreement', () => {
    const s = agreedQa();
    const edits: EditorState[] = [
      { ...s, title: 'Another title' },
      { ...s, texts: { [a1!.id]: 'edited answer' } },
      toggleRole(s, a2!.id, 'answer'),
      moveAnswer(toggleRole(s, a2!.id, 'answer'), a2!.id, -1),
      toggleStripped(s, a1!.id),
      { ...s, kind: 'strategy' },
      { ...s, language: 'de', keepPii: true },
    ];
    for (const e of edits) {
      const r = settleConsent(s, e);
      expect(r.agreed, JSON.stringify(Object.keys(e))).toBe(true);
      expect(r.consentCleared ?? null).toBeNull();
    }
  });

  it('a change of licence or basis (the statement) clears it and says why', () => {
    const s = agreedQa();
    const byGrant = settleConsent(s, { ...s, grant: 'CC-BY-4.0' });
    expect(byGrant.agreed).toBe(false);
    expect(byGrant.consentCleared).toMatch(/licence you grant changed/);
    const byBasis = settleConsent(s, { ...s, basis: 'author_opt_in' });
    expect(byBasis.agreed).toBe(false);
    expect(byBasis.consentCleared).toMatch(/basis changed/);
    // Ticking the box again answers the notice.
    expect(settleConsent(byBasis, { ...byBasis, agreed: true }).consentCleared).toBeNull();
  });

  it('no notice when there was no agreement to clear', () => {
    const s = { ...agreedQa(), agreed: false };
    expect(settleConsent(s, { ...s, grant: 'CC-BY-4.0' }).consentCleared ?? null).toBeNull();
  });
});

describe('submit says what is missing', () => {
  it('lists every missing step for an empty Q&A, and nothing for a complete one', () => {
    expect(missingForSubmit(initialState(t))).toEqual([
      'Mark the post that asks the question.',
      'Mark at least one answer.',
      `Choose a basis for consent. ${NO_BASIS_REASON}`,
      'Tick the consent statement.',
    ]);
    expect(missingForSubmit(agreedQa())).toEqual([]);
  });

  it('names the title, personal data and the busy state', () => {
    const m = missingForSubmit({ ...agreedQa(), title: ' ' }, { piiBlocking: 2, piiUndecided: true, busy: true });
    expect(m).toEqual([
      'Give the entry a title.',
      'Redact the personal data that cannot be published (2 items).',
      'Redact the personal data found, or tick “Keep the remaining personal data”.',
      'Wait: the entry is being saved.',
    ]);
  });

  it('a strategy needs its posts and its subject', () => {
    const s: EditorState = { ...initialState(t), kind: 'strategy', basis: 'self', agreed: true };
    expect(missingForSubmit(s)).toEqual(['Mark the posts the strategy is written from.', 'Name the game or subject the strategy is about.']);
  });
});

describe('no basis without evidence', () => {
  it('pre-selects no basis when no open licence covers the sources, and says why and what would let it in', () => {
    const s = initialState(t);
    expect(s.basis).toBeNull();
    expect(NO_BASIS_REASON).toMatch(/no open licence/);
    expect(NO_BASIS_REASON).toMatch(/if you wrote them/);
    expect(NO_BASIS_REASON).toMatch(/if each author gave permission/);
    expect(NO_BASIS_REASON).toMatch(/if you moderate this community/);
    // No basis, no statement to agree to: a tick cannot stand.
    expect(settleConsent(s, { ...s, agreed: true }).agreed).toBe(false);
  });

  it('pre-selects the open licence when one covers the sources', () => {
    const licensed = { ...t, licenseHints: [{ license: 'CC-BY-SA-4.0', evidence: 'a rel="license" link' }] };
    expect(initialState(licensed).basis).toBe('open_license');
  });

  it('on author opt-in, names the authors of the chosen posts who have no post marked as granting permission', () => {
    const s: EditorState = { ...agreedQa(), basis: 'author_opt_in' };
    expect(authorsLackingPermission(s, t)).toEqual([q!.author.name, a1!.author.name]);
    const m = missingForSubmit(s, { thread: t });
    expect(m).toEqual([`Mark the post in which each author grants permission, or use a grant they made on the hub; none is recorded for ${q!.author.name}, ${a1!.author.name}.`]);
    // The question's author grants in their own post; the answer's author still lacks one.
    expect(authorsLackingPermission({ ...s, permissionPostIds: [q!.id] }, t)).toEqual([a1!.author.name]);
    expect(missingForSubmit({ ...s, permissionPostIds: [q!.id, a1!.id] }, { thread: t })).toEqual([]);
  });
});

describe('revising a submitted entry', () => {
  it('the editor state comes back from the entry: posts, texts, licence and basis; consent to be given again', async () => {
    const e = await qaEntry(t, { title: 'Octoverse stars' });
    const s = stateFromEntry(e, t);
    expect([s.kind, s.title, s.questionId, s.answerIds, s.grant, s.basis, s.agreed]).toEqual(['qa', 'Octoverse stars', q!.id, [a1!.id], 'CC-BY-SA-4.0', 'author_opt_in', false]);
    const d = toDraft(s, t);
    if (d.kind !== 'qa' || e.kind !== 'qa') throw new Error('expected a Q&A');
    expect([d.question.text, d.answers.map((x) => x.text)]).toEqual([e.qa.question.text, e.qa.answers.map((x) => x.text)]);
  });
});

describe('the attestation basis says why it cannot carry the entry yet', () => {
  const rulesPage = { url: 'https://meta.discourse.org/tos', text: 'Posts are licensed under CC BY-SA 4.0.', truncated: false, sha256: '0'.repeat(64), excerpt: 'Posts are licensed under CC BY-SA 4.0.', readAt: '2026-11-20T10:00:00Z' };
  const attestation = { community: 'Discourse Meta', license: 'CC-BY-SA-4.0', termsUrl: rulesPage.url, role: 'moderator', attestedAt: '2026-11-20T10:00:00Z', rulesPage };
  const s = { ...agreedQa(), basis: 'moderator_attestation' as const };

  it('without a bulk job attestation, or with one recorded before the rules page was read', () => {
    expect(missingForSubmit(s, { attestation: null })).toEqual([expect.stringMatching(/^No moderator attestation covers this thread: .*Bulk capture, or choose another basis\.$/)]);
    const { rulesPage: _, ...old } = attestation;
    expect(missingForSubmit(s, { attestation: old })).toEqual([expect.stringMatching(/created before Gleaner read the community's rules page .*Create the bulk job again/)]);
  });

  it('lets a complete attestation through (the hub decides on vouching) and waits while it is looked up', () => {
    expect(missingForSubmit(s, { attestation })).toEqual([]);
    expect(missingForSubmit(s, {})).toEqual([]);
  });

  it('tells, before submitting, that the hub needs a vouch for this forum and what the rules page said', async () => {
    const { attestationVouchNote } = await import('../../lib/curate/attestation-notes.ts');
    expect(attestationVouchNote(t, attestation)).toBe(
      'The hub accepts this basis only once one of its moderators has vouched for you as a moderator of meta.discourse.org; otherwise it refuses the entry, says why on your dashboard, and your draft stays here. It rests on the rules page as read on 2026-11-20: “Posts are licensed under CC BY-SA 4.0.”',
    );
  });
});
