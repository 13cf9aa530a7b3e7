import { ulid } from 'ulid';
import { Entry, ENTRY_SCHEMA_VERSION, type Consent, type Source } from '../model/entry.ts';
import type { Post, Thread } from '../model/thread.ts';
import { effectiveLicense, sourceLicenseOf, type ConsentBasisId } from '../license/index.ts';
import { attributionText } from './attribution.ts';
import { contentHash } from './hash.ts';

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
}

export interface ConsentDraft {
  grant: string;
  basis: ConsentBasisId;
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
  language?: string;
  id?: string;
}

export type BuildResult = { ok: true; entry: Entry } | { ok: false; errors: string[] };

function postById(thread: Thread, id: string): Post | undefined {
  return thread.posts.find((p) => p.id === id);
}

export function sourceFor(thread: Thread, post: Post, role: Source['role']): Source {
  const lic = sourceLicenseOf(thread);
  return {
    url: post.permalink ?? thread.url,
    threadUrl: thread.url,
    platform: thread.platform,
    postId: post.id,
    title: thread.title,
    author: post.author,
    postedAt: post.publishedAt,
    license: lic.license,
    licenseEvidence: lic.evidence,
    role,
  };
}

/** True when the contributor changed the words: attribution must then say "modified". */
function edited(thread: Thread, p: PassageDraft): boolean {
  const original = p.postIds.map((id) => postById(thread, id)?.text ?? '').join('\n\n');
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
  return squash(original) !== squash(p.text);
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
      if (!a.text.trim()) errors.push(`Answer ${i + 1} has no text: write it or remove the answer.`);
    });
  } else {
    if (!draft.body.postIds.length) errors.push('Pick the posts the strategy is written from.');
    if (!draft.body.text.trim()) errors.push('The strategy has no text.');
    if (!draft.topic.trim()) errors.push('Name the game or subject the strategy is about.');
  }
  for (const p of passages) for (const id of p.postIds) if (!postById(thread, id)) errors.push(`Post ${id} is not in the captured thread.`);
  if (!consent.agreed) errors.push('Tick the consent statement before submitting.');
  if (errors.length) return { ok: false, errors };

  const roleOf = (id: string): Source['role'] =>
    draft.kind === 'qa' ? (draft.question.postIds.includes(id) ? 'question' : 'answer') : 'context';
  const ids = [...new Set(passages.flatMap((p) => p.postIds))];
  const sources = ids.map((id) => sourceFor(thread, postById(thread, id)!, roleOf(id)));
  const verdict = effectiveLicense(
    sources.map((s) => ({ license: s.license, evidence: s.licenseEvidence })),
    consent.grant,
    consent.basis,
  );
  if (!verdict.ok) return { ok: false, errors: [verdict.reason] };

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
    basis: consent.basis,
    license: consent.grant,
    statement: consent.statement,
    statementVersion: consent.statementVersion,
    who: consent.who,
    at: ctx.now.toISOString(),
  };
  const common = {
    schemaVersion: ENTRY_SCHEMA_VERSION,
    id: ctx.id ?? ulid(ctx.now.getTime()),
    title: draft.title.trim(),
    language: ctx.language ?? thread.language ?? 'und',
    sources,
    license: verdict.license,
    attribution: { text: attributionText(sources, passages.some((p) => edited(thread, p))), modified: passages.some((p) => edited(thread, p)) },
    consent: receipt,
    messages,
    capture: { extensionVersion: ctx.extensionVersion, capturedAt: thread.capturedAt ?? ctx.now.toISOString(), extractor: thread.extractor ?? thread.platform, pageSha256: null },
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
          strategy: { topic: draft.topic.trim(), tags: draft.tags, body: { text: draft.body.text.trim(), sourcePostIds: draft.body.postIds } },
        };
  const parsed = Entry.safeParse(candidate);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  return { ok: true, entry: parsed.data };
}
