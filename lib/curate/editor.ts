import type { Author, Thread } from '../model/thread.ts';
import type { HubConsentGrant, Source } from '../model/entry.ts';
import type { Post } from '../model/thread.ts';
import { GRANT_CHOICES, sourceLicenseOf, type ConsentBasisId } from '../license/index.ts';
import { authorsWithoutPermission, hubGrantLicenseProblem, sameAuthor } from '../license/permissions.ts';
import type { QaDraft, StrategyDraft } from './entry.ts';
import { sourceFor } from './source.ts';
import { domainFromThread, formatExternalIds, parseExternalIds } from './domain.ts';
import { withQuotesAndSignature } from './quotes.ts';
import { consentStatement } from '../license/statements.ts';
import type { Entry } from '../model/entry.ts';
import type { Attestation } from '../model/attestation.ts';
import { attestationBlocker } from './attestation-notes.ts';
import type { Subject, SubjectRef } from '../model/subject.ts';
import { nameKey, proposalRef, proposedSlug } from './subject-match.ts';

/**
 * The curate view's state: plain data, saved as a draft on every change. Texts are keyed by post id so
 * the user's edits stay with the post they came from.
 */
export interface EditorState {
  kind: 'qa' | 'strategy';
  title: string;
  questionId: string | null;
  answerIds: string[];
  strategyIds: string[];
  texts: Record<string, string>;
  topic: string;
  tags: string;
  grant: string;
  /** Null until the contributor chooses one: only an open licence covering the sources is pre-selected. */
  basis: ConsentBasisId | null;
  /** With basis author_opt_in: posts the contributor marked as granting permission for their author. */
  permissionPostIds?: string[];
  /** With basis author_opt_in: grants made on the paired hub the contributor chose for authors (one per author). */
  hubGrants?: { author: Author; grant: HubConsentGrant }[];
  agreed: boolean;
  /** BCP-47 tag typed by the contributor; empty: detected from the text. */
  language: string;
  hobby: string;
  /** "bgg=342942, bggThread=3208373". */
  externalIds: string;
  /** Posts whose quoted text and signature were put back (stripped by default). */
  restored: string[];
  /** The contributor accepted the emails, phones and handles left in the text. */
  keepPii: boolean;
  /** Keep the entry, reviewed, for "submit all" on the dashboard instead of sending it now (bulk work). */
  hold?: boolean;
  /** Why consent was cleared by the last change (the statement's words changed), shown next to the box. */
  consentCleared?: string | null;
  /**
   * The hub subject the entry is filed under (sent as `Entry.subject`): one the hub has, chosen in the
   * picker, or a new one the contributor proposes (`proposed`), which the hub lists under no subject
   * until a moderator creates it at that slug. Null: free text only (no hub, or nothing chosen).
   */
  subject?: ChosenSubject | null;
}

export interface ChosenSubject extends SubjectRef {
  /** The name shown (the hub's, or the one typed for a proposal). */
  name: string;
  proposed: boolean;
}

export function initialState(thread: Thread): EditorState {
  const domain = domainFromThread(thread);
  return {
    kind: 'qa',
    title: thread.title,
    questionId: null,
    answerIds: [],
    strategyIds: [],
    texts: {},
    topic: '',
    tags: '',
    grant: GRANT_CHOICES[0],
    // Any other basis rests on evidence only the contributor can bring, so none is chosen for them.
    basis: sourceLicenseOf(thread).license ? 'open_license' : null,
    permissionPostIds: [],
    agreed: false,
    language: '',
    hobby: domain.hobby ?? '',
    externalIds: formatExternalIds(domain.externalIds),
    restored: [],
    keepPii: false,
    subject: null,
  };
}

/** A draft saved by an older version lacks the newer fields: fill them in rather than lose the draft. */
export function restoreState(saved: Partial<EditorState> | undefined, thread: Thread): EditorState {
  return { ...initialState(thread), ...(saved ?? {}) };
}

/**
 * The next entry from the same thread: the choice of posts and the texts start over; the licence,
 * basis, language and subject usually stay the same within one thread, so they are kept.
 */
export function nextEntryState(s: EditorState, thread: Thread): EditorState {
  return { ...initialState(thread), kind: s.kind, grant: s.grant, basis: s.basis, permissionPostIds: s.permissionPostIds ?? [], hubGrants: s.hubGrants ?? [], language: s.language, hobby: s.hobby, topic: s.topic, externalIds: s.externalIds, tags: s.tags, subject: s.subject ?? null };
}

/** Accepted first, then by score (high first), then in thread order: the answers to suggest. */
export function suggestedAnswerOrder(thread: Thread, exclude: string | null = null): Post[] {
  const idx = new Map(thread.posts.map((p, i) => [p.id, i]));
  return thread.posts
    .filter((p) => p.id !== exclude)
    .sort((a, b) => Number(!!b.accepted) - Number(!!a.accepted) || (b.score ?? -Infinity) - (a.score ?? -Infinity) || idx.get(a.id)! - idx.get(b.id)!);
}

/** Posts worth suggesting as answers: the accepted one, and the best-scored few with a positive score. */
export function suggestedAnswerIds(thread: Thread, questionId: string | null): Set<string> {
  const order = suggestedAnswerOrder(thread, questionId ?? thread.posts[0]?.id ?? null);
  return new Set(order.filter((p) => p.accepted || (p.score ?? 0) > 0).slice(0, 3).map((p) => p.id));
}

export type Role = 'question' | 'answer' | 'use';

export function roleOf(s: EditorState, postId: string): Role | null {
  if (s.kind === 'strategy') return s.strategyIds.includes(postId) ? 'use' : null;
  if (s.questionId === postId) return 'question';
  return s.answerIds.includes(postId) ? 'answer' : null;
}

/** Toggles a post's role. Consent is settled separately (settleConsent): choosing posts does not change the statement. */
export function toggleRole(s: EditorState, postId: string, role: Role): EditorState {
  const next = { ...s };
  if (role === 'use') {
    next.strategyIds = s.strategyIds.includes(postId) ? s.strategyIds.filter((x) => x !== postId) : [...s.strategyIds, postId];
    return next;
  }
  next.answerIds = s.answerIds.filter((x) => x !== postId);
  if (role === 'question') next.questionId = s.questionId === postId ? null : postId;
  else if (!s.answerIds.includes(postId)) {
    if (s.questionId === postId) next.questionId = null;
    next.answerIds = [...next.answerIds, postId];
  }
  return next;
}

/** Toggles an answer, placing a new one where the suggestion order puts it among those already chosen. */
export function toggleAnswerRanked(s: EditorState, thread: Thread, postId: string): EditorState {
  const next = toggleRole(s, postId, 'answer');
  if (!next.answerIds.includes(postId) || s.answerIds.includes(postId)) return next;
  const rank = new Map(suggestedAnswerOrder(thread).map((p, i) => [p.id, i]));
  const others = next.answerIds.filter((id) => id !== postId);
  const at = others.findIndex((id) => (rank.get(id) ?? 0) > (rank.get(postId) ?? 0));
  others.splice(at < 0 ? others.length : at, 0, postId);
  return { ...next, answerIds: others };
}

/** Moves an answer up (-1) or down (+1) in the ranking. */
export function moveAnswer(s: EditorState, postId: string, by: -1 | 1): EditorState {
  const i = s.answerIds.indexOf(postId);
  const j = i + by;
  if (i < 0 || j < 0 || j >= s.answerIds.length) return s;
  const ids = [...s.answerIds];
  [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  return { ...s, answerIds: ids };
}

/** Puts a post's quotes and signature back, or strips them again; the passage's edits start over. */
export function toggleStripped(s: EditorState, postId: string): EditorState {
  const restored = s.restored.includes(postId) ? s.restored.filter((x) => x !== postId) : [...s.restored, postId];
  const texts = { ...s.texts };
  delete texts[postId];
  return { ...s, restored, texts };
}

function baseText(s: EditorState, post: Post | undefined): string {
  if (!post) return '';
  return s.restored.includes(post.id) ? withQuotesAndSignature(post) : post.text;
}

export function textFor(s: EditorState, thread: Thread, key: string): string {
  if (key in s.texts) return s.texts[key]!;
  // The strategy body is its passages, one per post used, in the order chosen.
  if (key === 'strategy') return s.strategyIds.map((id) => textFor(s, thread, id)).join('\n\n');
  return baseText(s, thread.posts.find((p) => p.id === key));
}

export function toDraft(s: EditorState, thread: Thread): QaDraft | StrategyDraft {
  if (s.kind === 'qa') {
    return {
      kind: 'qa',
      title: s.title,
      question: { text: s.questionId ? textFor(s, thread, s.questionId) : '', postIds: s.questionId ? [s.questionId] : [] },
      answers: s.answerIds.map((id) => ({ text: textFor(s, thread, id), postIds: [id] })),
    };
  }
  return {
    kind: 'strategy',
    title: s.title,
    topic: s.topic,
    tags: s.tags.split(',').map((t) => t.trim()).filter(Boolean),
    body: { text: textFor(s, thread, 'strategy'), postIds: s.strategyIds },
    passages: s.strategyIds.map((id) => ({ text: textFor(s, thread, id), postIds: [id] })),
  };
}

/** Sources the entry would carry, for the attribution preview. */
export function previewSources(s: EditorState, thread: Thread): Source[] {
  const ids = s.kind === 'qa' ? [...(s.questionId ? [s.questionId] : []), ...s.answerIds] : s.strategyIds;
  return ids.flatMap((id) => {
    const p = thread.posts.find((x) => x.id === id);
    if (!p) return [];
    return [sourceFor(thread, p, s.kind === 'qa' ? (id === s.questionId ? 'question' : 'answer') : 'context')];
  });
}

/** The parts of the build context the editor holds: language, personal-data decision, domain, hub subject. */
export function draftOptions(s: EditorState): {
  language: string;
  keepPii: boolean;
  domain: { hobby: string | null; subject: string | null; externalIds: Record<string, string> };
  subject: SubjectRef | null;
} {
  return {
    language: s.language.trim(),
    keepPii: s.keepPii,
    domain: { hobby: s.hobby.trim() || null, subject: s.topic.trim() || null, externalIds: parseExternalIds(s.externalIds) },
    subject: s.subject ? { hobby: s.subject.hobby, slug: s.subject.slug } : null,
  };
}

/**
 * A hub subject chosen in the picker: the entry is filed under it, and the free-text fields say the
 * same (its name, its hobby when the typed one names another, its BoardGameGeek id when none is typed).
 */
export function chooseSubject(s: EditorState, subject: Subject): EditorState {
  const ids = parseExternalIds(s.externalIds);
  if (subject.externalIds.bgg && !ids.bgg) ids.bgg = subject.externalIds.bgg;
  const hobby = proposedSlug(s.hobby) === subject.hobby ? s.hobby : subject.hobby.replace(/-/g, ' ');
  return { ...s, topic: subject.name, hobby, externalIds: formatExternalIds(ids), subject: { hobby: subject.hobby, slug: subject.slug, name: subject.name, proposed: false } };
}

/**
 * A subject the hub does not have yet: the typed name stays as free text and the entry carries the
 * slug a moderator would create it at. Without a usable hobby or name the name stays free text only.
 */
export function proposeSubject(s: EditorState, name: string): EditorState {
  const r = proposalRef(s.hobby, name);
  return { ...s, topic: name.trim(), subject: r.ok ? { ...r.ref, name: name.trim(), proposed: true } : null };
}

/** Typing in the subject field: a different name leaves the chosen subject (the picker offers it again). */
export function typeSubject(s: EditorState, text: string): EditorState {
  const keep = s.subject && nameKey(text) === nameKey(s.subject.name);
  return { ...s, topic: text, subject: keep ? s.subject : null };
}

/** Typing the hobby: a proposal moves with it (its slug names the hobby); a hub subject's hobby is the hub's. */
export function typeHobby(s: EditorState, text: string): EditorState {
  const next = { ...s, hobby: text };
  return s.subject?.proposed ? proposeSubject(next, s.subject.name) : next;
}

/**
 * Consent is agreement to a statement (basis + licence), so it stays given across edits to the entry's
 * text, title or choice of posts. When the statement's words change, the old agreement no longer
 * covers it: consent is cleared and the reason kept for the view to show.
 */
export function settleConsent(prev: EditorState, next: EditorState): EditorState {
  // No basis, no statement: there is nothing to agree to.
  if (!next.basis) return next.agreed ? { ...next, agreed: false } : next;
  const before = prev.basis ? consentStatement(prev.basis, prev.grant) : null;
  const after = consentStatement(next.basis, next.grant);
  if (before && before.text === after.text && before.version === after.version) {
    // Ticking the box again answers the earlier notice.
    return next.agreed && next.consentCleared ? { ...next, consentCleared: null } : next;
  }
  if (!before || (!prev.agreed && !next.agreed)) return next;
  const what = prev.basis !== next.basis ? 'the basis' : 'the licence you grant';
  return { ...next, agreed: false, consentCleared: `Consent was cleared because ${what} changed, and with it the statement you agree to. Read it again and tick the box.` };
}

export interface SubmitBlockers {
  busy?: boolean;
  /** The checks (language, personal data) are still loading. */
  loading?: boolean;
  /** Personal data that must be redacted before anything is sent. */
  piiBlocking?: number;
  /** Personal data flagged and not yet either redacted or explicitly kept. */
  piiUndecided?: boolean;
  /** The captured thread: with it, authors lacking a permission record are named. */
  thread?: Thread;
  /** The bulk job's attestation covering the thread (null: none); undefined when not looked up. */
  attestation?: Attestation | null;
}

/** Why no basis lets the entry in yet, and what would: shown while no basis is chosen. */
export const NO_BASIS_REASON =
  'These posts carry no open licence, so the entry cannot go in on its own. Choose a basis: you can submit them if you wrote them (“I wrote every post”), if each author gave permission (mark the post in which each grants it, or use a grant they made on the hub), or if you moderate this community (bulk capture with an attestation).';

/** Names of the source posts' authors without a post marked as granting permission. */
export function authorsLackingPermission(s: EditorState, thread: Thread): string[] {
  const byId = new Map(thread.posts.map((p) => [p.id, p]));
  const permissions = (s.permissionPostIds ?? []).flatMap((id) => {
    const p = byId.get(id);
    return p ? [{ author: p.author }] : [];
  });
  const grants = (s.hubGrants ?? []).map((g) => ({ author: g.author }));
  return authorsWithoutPermission(previewSources(s, thread).map((x) => x.author), [...permissions, ...grants]).map((a) => a.name);
}

/** Chosen hub grants whose licence is not the entry's (the hub would refuse them), in words; only for authors in the entry. */
export function hubGrantProblems(s: EditorState, thread: Thread): string[] {
  const authors = previewSources(s, thread).map((x) => x.author);
  return (s.hubGrants ?? []).flatMap((g) => {
    if (!authors.some((a) => sameAuthor(a, g.author))) return [];
    const wrong = hubGrantLicenseProblem(g.author, g.grant.license, s.grant);
    return wrong ? [wrong] : [];
  });
}

/** Everything that stops the entry from being submitted, in the order the user meets them on screen. */
export function missingForSubmit(s: EditorState, b: SubmitBlockers = {}): string[] {
  const out: string[] = [];
  if (s.kind === 'qa') {
    if (!s.questionId) out.push('Mark the post that asks the question.');
    if (!s.answerIds.length) out.push('Mark at least one answer.');
  } else {
    if (!s.strategyIds.length) out.push('Mark the posts the strategy is written from.');
    if (!s.topic.trim()) out.push('Name the game or subject the strategy is about.');
  }
  if (!s.title.trim()) out.push('Give the entry a title.');
  if (b.piiBlocking) out.push(`Redact the personal data that cannot be published (${b.piiBlocking} item${b.piiBlocking === 1 ? '' : 's'}).`);
  if (b.piiUndecided) out.push('Redact the personal data found, or tick “Keep the remaining personal data”.');
  if (!s.basis) out.push(`Choose a basis for consent. ${NO_BASIS_REASON}`);
  else if (s.basis === 'author_opt_in' && b.thread) {
    const lacking = authorsLackingPermission(s, b.thread);
    if (lacking.length) out.push(`Mark the post in which each author grants permission, or use a grant they made on the hub; none is recorded for ${lacking.join(', ')}.`);
    out.push(...hubGrantProblems(s, b.thread));
  } else if (s.basis === 'moderator_attestation' && b.attestation !== undefined) {
    const blocker = attestationBlocker(b.attestation);
    if (blocker) out.push(blocker);
  }
  if (!s.agreed) out.push('Tick the consent statement.');
  if (b.busy) out.push('Wait: the entry is being saved.');
  if (b.loading && !b.busy) out.push('Wait a moment: the checks for language and personal data are loading.');
  return out;
}

/**
 * The editor state an entry was made from, for revising it after a review: the posts come back from
 * the entry's passages, the texts as they were submitted (with their edits), the licence and basis as
 * agreed. Consent starts unticked: a revision is agreed to anew.
 */
export function stateFromEntry(entry: Entry, thread: Thread): EditorState {
  const base = initialState(thread);
  const texts: Record<string, string> = {};
  const common = {
    ...base,
    title: entry.title,
    grant: entry.consent.license,
    basis: entry.consent.basis,
    permissionPostIds: (entry.consent.permissions ?? []).flatMap((p) => (p.post ? [p.post.postId] : [])),
    hubGrants: (entry.consent.permissions ?? []).flatMap((p) => (p.hubGrant ? [{ author: p.author, grant: p.hubGrant }] : [])),
    language: entry.languageSource === 'manual' ? entry.language : '',
    hobby: entry.domain.hobby ?? '',
    externalIds: formatExternalIds(entry.domain.externalIds),
    keepPii: Object.values(entry.pii?.kept ?? {}).some((n) => n > 0),
    // Whether the hub has created a proposed subject since is not known here: shown as filed under it.
    subject: entry.subject ? { ...entry.subject, name: entry.domain.subject ?? (entry.kind === 'strategy' ? entry.strategy.topic : entry.subject.slug), proposed: false } : null,
  };
  if (entry.kind === 'qa') {
    const q = entry.qa.question.sourcePostIds[0] ?? null;
    if (q) texts[q] = entry.qa.question.text;
    const answers = [...entry.qa.answers].sort((a, b) => a.rank - b.rank);
    for (const a of answers) if (a.sourcePostIds[0]) texts[a.sourcePostIds[0]] = a.text;
    return { ...common, kind: 'qa', questionId: q, answerIds: answers.flatMap((a) => a.sourcePostIds.slice(0, 1)), texts, topic: entry.domain.subject ?? '' };
  }
  const passages = entry.strategy.passages ?? [{ text: entry.strategy.body.text, sourcePostIds: entry.strategy.body.sourcePostIds }];
  const ids = passages.flatMap((p) => p.sourcePostIds.slice(0, 1));
  passages.forEach((p) => p.sourcePostIds[0] && (texts[p.sourcePostIds[0]] = p.text));
  // One passage covering several posts (older entries): the body text stands for them all.
  if (!entry.strategy.passages) texts.strategy = entry.strategy.body.text;
  return { ...common, kind: 'strategy', strategyIds: entry.strategy.body.sourcePostIds.length ? entry.strategy.body.sourcePostIds : ids, texts, topic: entry.strategy.topic, tags: entry.strategy.tags.join(', ') };
}
