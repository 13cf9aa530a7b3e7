import { ulid } from 'ulid';
import { Entry, ENTRY_SCHEMA_VERSION, type AuthorPermission, type Consent, type HubConsentGrant, type Source } from '../model/entry.ts';
import { checkEntryLimits, describeLimitIssues } from '../model/limits.ts';
import type { Author, Post, Thread } from '../model/thread.ts';
import { effectiveLicense, optOutRefusal, type ConsentBasisId, type LicenseContext } from '../license/index.ts';
import { authorsWithoutPermission, hubGrantLicenseProblem, missingPermissionMessage, sameAuthor } from '../license/permissions.ts';
import type { Attestation } from '../model/attestation.ts';
import type { SubjectRef } from '../model/subject.ts';
import { attributionText } from './attribution.ts';
import { contentHash, sha256Hex } from './hash.ts';
import { attestationBlocker } from './attestation-notes.ts';
import { domainFromThread, type Domain } from './domain.ts';
import { entryLanguage } from './language.ts';
import { keepHandlesFor, piiVerdict, submittedPiiReport } from './privacy.ts';
import { onlyQuotes } from './quotes.ts';
import { sourceFor } from './source.ts';

// Kept here too for callers that build entries; the curate view imports it from source.ts without the heavy parts.
export { sourceFor };

export interface PassageDraft {
  text: string;
  postIds: string[];
}

export interface QaDraft {
  kind: 'qa';
  title: string;
  question: PassageDraft;
  answers: PassageDraft[];
}

export interface StrategyDraft {
  kind: 'strategy';
  title: string;
  topic: string;
  tags: string[];
  body: PassageDraft;
  /** The body's parts, one per post used; the body text is their join. */
  passages?: PassageDraft[];
}

export interface ConsentDraft {
  grant: string;
  /** Null when the contributor has chosen none: the entry is refused with the reason. */
  basis: ConsentBasisId | null;
  /** With basis author_opt_in: the captured posts in which authors grant permission, one or more per author. */
  permissionPostIds?: string[];
  /** With basis author_opt_in: grants authors made on the paired hub, chosen in place of a permission post. */
  hubGrants?: { author: Author; grant: HubConsentGrant }[];
  statement: string;
  statementVersion: string;
  who: string;
  agreed: boolean;
}

export interface BuildContext {
  thread: Thread;
  consent: ConsentDraft;
  now: Date;
  extensionVersion: string;
  /** The contributor's own language tag; empty or absent means "detect it from the text". */
  language?: string;
  /** Hobby, subject, external ids; fields left null are filled from the thread's address where it says. */
  domain?: Partial<Domain>;
  /** The contributor accepted the emails, phones, addresses and handles still in the text (never secrets, cards, IBANs). */
  keepPii?: boolean;
  /** What the extension read outside the page (a Discourse forum's terms), for per-post licences. */
  licenseContext?: LicenseContext;
  /** The hub subject chosen or proposed in the curate view (`Entry.subject`); absent: free text only. */
  subject?: SubjectRef | null;
  /** The moderator attestation the thread was captured under (bulk capture), if any. */
  attestation?: Attestation | null;
  id?: string;
}

export type BuildResult = { ok: true; entry: Entry } | { ok: false; errors: string[] };

function postById(thread: Thread, id: string): Post | undefined {
  return thread.posts.find((p) => p.id === id);
}

/** True when the contributor changed the words: attribution must then say "modified". */
function edited(thread: Thread, p: PassageDraft): boolean {
  const original = p.postIds.map((id) => postById(thread, id)?.text ?? '').join('\n\n');
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
  return squash(original) !== squash(p.text);
}

/** Hash of the captured thread's posts (ids and texts), so a reviewer can tell which capture an entry came from. */
export function pageHash(thread: Thread): Promise<string> {
  return sha256Hex(JSON.stringify(thread.posts.map((p) => [p.id, p.text])));
}

/**
 * The permission records for the posts the contributor marked as granting permission: each post's
 * own words as captured, its address and hash. A post by someone else cannot grant for an author,
 * since the record is keyed on the post's own author.
 */
async function permissionRecords(thread: Thread, postIds: string[], errors: string[]): Promise<AuthorPermission[]> {
  const out: AuthorPermission[] = [];
  for (const id of [...new Set(postIds)]) {
    const post = postById(thread, id);
    if (!post) {
      errors.push(`The post marked as granting permission (${id}) is not in the captured thread: mark it again.`);
      continue;
    }
    const text = post.text.trim();
    if (!text) {
      errors.push(`The post by ${post.author.name} marked as granting permission has no words of its own: mark the post in which they grant it.`);
      continue;
    }
    out.push({
      author: post.author,
      post: { url: sourceFor(thread, post, 'context').url, postId: post.id, author: post.author, text, sha256: await sha256Hex(text), capturedAt: thread.capturedAt ?? null },
    });
  }
  return out;
}

function authorOf(thread: Thread, ids: string[]): string {
  const names = [...new Set(ids.map((id) => postById(thread, id)?.author.name).filter(Boolean))];
  return names.length ? ` (post by ${names.join(', ')})` : '';
}

/**
 * Turns the curate view's draft into a validated entry record, or says in plain words what is missing.
 * Submission is impossible without consent: no entry is built until `agreed` is true.
 */
export async function buildEntry(draft: QaDraft | StrategyDraft, ctx: BuildContext): Promise<BuildResult> {
  const { thread, consent } = ctx;
  const errors: string[] = [];
  if (!draft.title.trim()) errors.push('Give the entry a title.');
  const passages = draft.kind === 'qa' ? [draft.question, ...draft.answers] : [draft.body];
  if (draft.kind === 'qa') {
    if (!draft.question.postIds.length) errors.push('Pick the post that asks the question.');
    if (!draft.question.text.trim()) errors.push('The question has no text.');
    if (!draft.answers.length) errors.push('Pick at least one answer post.');
    draft.answers.forEach((a, i) => {
      const posts = a.postIds.map((id) => postById(thread, id)).filter((p): p is Post => !!p);
      if (!a.text.trim()) {
        if (posts.some((p) => p.quotes.length) && posts.every((p) => !p.text.trim())) {
          errors.push(`Answer ${i + 1}${authorOf(thread, a.postIds)} only quotes other posts and has no words of its own: mark the post it quotes as the answer instead, or remove this one.`);
        } else errors.push(`Answer ${i + 1}${authorOf(thread, a.postIds)} has no text: write it or remove the answer.`);
      } else if (onlyQuotes(a.text, posts)) {
        errors.push(`Answer ${i + 1}${authorOf(thread, a.postIds)} is only quoted text: those are someone else's words. Mark the quoted post as the answer, or write the answer in your own words.`);
      }
    });
    const qPosts = draft.question.postIds.map((id) => postById(thread, id)).filter((p): p is Post => !!p);
    if (draft.question.text.trim() && onlyQuotes(draft.question.text, qPosts)) {
      errors.push('The question is only quoted text: mark the post that asks it, or write the question out.');
    }
  } else {
    if (!draft.body.postIds.length) errors.push('Pick the posts the strategy is written from.');
    if (!draft.body.text.trim()) errors.push('The strategy has no text.');
    else if (onlyQuotes(draft.body.text, draft.body.postIds.map((id) => postById(thread, id)).filter((p): p is Post => !!p))) {
      errors.push('The strategy is only quoted text: use the posts that wrote it, or write it in your own words.');
    }
    if (!draft.topic.trim()) errors.push('Name the game or subject the strategy is about.');
  }
  for (const p of passages) for (const id of p.postIds) if (!postById(thread, id)) errors.push(`Post ${id} is not in the captured thread.`);
  if (errors.length) return { ok: false, errors };

  const basis = consent.basis;
  if (!basis) {
    return {
      ok: false,
      errors: [
        'Choose a basis for consent: these posts carry no open licence that covers them. You can submit them if you wrote every post yourself, if each author gave permission (mark the post in which each grants it, or use a grant they made on the hub), or if you moderate this community (bulk capture with an attestation).',
      ],
    };
  }
  const roleOf = (id: string): Source['role'] =>
    draft.kind === 'qa' ? (draft.question.postIds.includes(id) ? 'question' : 'answer') : 'context';
  const ids = [...new Set(passages.flatMap((p) => p.postIds))];
  const attested = basis === 'moderator_attestation' ? ctx.attestation ?? null : null;
  if (basis === 'moderator_attestation') {
    const blocker = attestationBlocker(attested);
    if (blocker) errors.push(blocker);
  }
  // Under an attestation, posts with no licence of their own carry the one the community's terms grant.
  const sources = ids.map((id) => {
    const s = sourceFor(thread, postById(thread, id)!, roleOf(id), ctx.licenseContext);
    return attested && !s.license
      ? { ...s, license: attested.license, licenseEvidence: { url: attested.termsUrl, how: `the community's terms, as attested by its ${attested.role} for ${attested.community}` } }
      : s;
  });
  const permissions = basis === 'author_opt_in' ? await permissionRecords(thread, consent.permissionPostIds ?? [], errors) : [];
  if (basis === 'author_opt_in') {
    // A hub grant stands for its author only under the licence they chose; grants for authors no longer
    // in the entry are left out rather than blocking it.
    for (const g of consent.hubGrants ?? []) {
      if (!sources.some((s) => sameAuthor(s.author, g.author))) continue;
      const wrong = hubGrantLicenseProblem(g.author, g.grant.license, consent.grant);
      if (wrong) errors.push(wrong);
      else permissions.push({ author: g.author, hubGrant: g.grant });
    }
    // Only permissions for authors of this entry's sources are kept: the receipt names no bystander.
    const missing = authorsWithoutPermission(sources.map((s) => s.author), permissions);
    if (missing.length) errors.push(missingPermissionMessage(missing));
  }
  if (thread.optOut) {
    const refusal = optOutRefusal(thread.optOut, basis);
    if (refusal) errors.push(refusal);
  }
  const verdict = effectiveLicense(
    sources.map((s) => ({ license: s.license, evidence: s.licenseEvidence, who: { postId: s.postId, author: s.author.name, url: s.url } })),
    consent.grant,
    basis,
  );
  if (!verdict.ok) errors.push(verdict.fix ? `${verdict.reason} ${verdict.fix}` : verdict.reason);

  const labelled =
    draft.kind === 'qa'
      ? [{ label: 'The question', text: draft.question.text }, ...draft.answers.map((a, i) => ({ label: `Answer ${i + 1}`, text: a.text }))]
      : [{ label: 'The strategy', text: draft.body.text }];
  const keep = keepHandlesFor(sources);
  const pii = piiVerdict(labelled, keep, ctx.keepPii === true);
  errors.push(...pii.block, ...pii.warn);

  const lang = entryLanguage(
    passages.map((p) => p.text).join('\n\n'),
    { manual: ctx.language, pageLang: thread.language },
  );
  if (!lang.ok) errors.push(lang.reason);
  if (!consent.agreed) errors.push('Tick the consent statement before submitting.');
  if (errors.length || !verdict.ok || !lang.ok) return { ok: false, errors };

  const auto = domainFromThread(thread);
  const domain: Domain = {
    hobby: ctx.domain?.hobby?.trim() || auto.hobby,
    subject: ctx.domain?.subject?.trim() || (draft.kind === 'strategy' ? draft.topic.trim() : null) || auto.subject,
    externalIds: { ...auto.externalIds, ...(ctx.domain?.externalIds ?? {}) },
  };

  const messages =
    draft.kind === 'qa'
      ? [
          { role: 'user' as const, content: draft.question.text.trim() },
          { role: 'assistant' as const, content: draft.answers.map((a) => a.text.trim()).join('\n\n') },
        ]
      : [
          { role: 'user' as const, content: `${draft.title.trim()} (${draft.topic.trim()})` },
          { role: 'assistant' as const, content: draft.body.text.trim() },
        ];
  const receipt: Consent = {
    basis,
    license: consent.grant,
    statement: consent.statement,
    statementVersion: consent.statementVersion,
    who: consent.who,
    at: ctx.now.toISOString(),
    ...(attested ? { attestation: attested } : {}),
    ...(basis === 'author_opt_in' ? { permissions: permissions.filter((p) => sources.some((s) => sameAuthor(s.author, p.author))) } : {}),
    // No proven forum identities exist yet: an empty list says so in the record, rather than silence.
    ...(basis === 'self' ? { identityProofs: [] } : {}),
  };
  const common = {
    schemaVersion: ENTRY_SCHEMA_VERSION,
    id: ctx.id ?? ulid(ctx.now.getTime()),
    title: draft.title.trim(),
    language: lang.language,
    languageSource: lang.source,
    domain,
    ...(ctx.subject ? { subject: { hobby: ctx.subject.hobby, slug: ctx.subject.slug } } : {}),
    sources,
    license: verdict.license,
    licenseNotes: verdict.notes,
    attribution: { text: attributionText(sources, passages.some((p) => edited(thread, p))), modified: passages.some((p) => edited(thread, p)) },
    consent: receipt,
    messages,
    pii: submittedPiiReport(passages.map((p) => p.text), keep),
    capture: {
      extensionVersion: ctx.extensionVersion,
      capturedAt: thread.capturedAt ?? ctx.now.toISOString(),
      extractor: thread.extractor ?? thread.platform,
      pageSha256: await pageHash(thread),
    },
    contentSha256: await contentHash(messages),
    createdAt: ctx.now.toISOString(),
  };
  const candidate =
    draft.kind === 'qa'
      ? {
          ...common,
          kind: 'qa' as const,
          qa: {
            question: { text: draft.question.text.trim(), sourcePostIds: draft.question.postIds },
            answers: draft.answers.map((a, i) => ({ text: a.text.trim(), sourcePostIds: a.postIds, rank: i + 1 })),
          },
        }
      : {
          ...common,
          kind: 'strategy' as const,
          strategy: {
            topic: draft.topic.trim(),
            tags: draft.tags,
            body: { text: draft.body.text.trim(), sourcePostIds: draft.body.postIds },
            ...(draft.passages?.length
              ? { passages: draft.passages.filter((p) => p.text.trim()).map((p) => ({ text: p.text.trim(), sourcePostIds: p.postIds })) }
              : {}),
          },
        };
  const parsed = Entry.safeParse(candidate);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  // The hub refuses an entry over any of its limits (the same numbers): said now, the entry never sits "held".
  const over = checkEntryLimits(parsed.data);
  if (over.length) return { ok: false, errors: over.map((i) => `${describeLimitIssues([i])}. Choose fewer or shorter posts.`) };
  return { ok: true, entry: parsed.data };
}
