import type { Entry, Source } from '../../lib/model/entry.ts';
import type { PublicEntry, PublicPassage } from '../../lib/model/public.ts';
import type { HubStore } from '../store.ts';
import { datasetRecord } from '../publish.ts';
import { PUBLIC_STATES, type EntrySummary, type KnowledgeStore } from '../knowledge.ts';

/** The passages of an entry in reading order, each with the posts it was written from. */
export function passagesOf(e: Entry): PublicPassage[] {
  if (e.kind === 'qa') {
    return [
      { role: 'question', rank: null, text: e.qa.question.text, sourcePostIds: e.qa.question.sourcePostIds },
      ...[...e.qa.answers].sort((a, b) => a.rank - b.rank).map((a): PublicPassage => ({ role: 'answer', rank: a.rank, text: a.text, sourcePostIds: a.sourcePostIds })),
    ];
  }
  const parts = e.strategy.passages?.length ? e.strategy.passages : [e.strategy.body];
  return parts.map((p) => ({ role: 'body', rank: null, text: p.text, sourcePostIds: p.sourcePostIds }));
}

/** The sources a passage cites, in the order it names them (an unknown id is skipped, never invented). */
export function citedSources(e: Pick<Entry, 'sources'>, ids: string[]): Source[] {
  return ids.flatMap((id) => e.sources.filter((s) => s.postId === id).slice(0, 1));
}

/** An entry's words as one text (title, then each passage), what a revision diff compares. */
export function entryText(e: Entry): string {
  return [e.title, ...passagesOf(e).map((p) => p.text)].join('\n\n');
}

export const reportUrl = (id: string) => `/report?entry=${encodeURIComponent(id)}`;

/** An entry as the public sees it, or null when it is not (or no longer) accepted or published. */
export async function publicEntry(store: HubStore, kb: KnowledgeStore, id: string): Promise<PublicEntry | null> {
  const status = await store.entryStatus(id);
  if (!status || !PUBLIC_STATES.includes(status.state)) return null;
  const record = await store.entryRecord(id);
  if (!record) return null;
  let subject = null;
  if (record.subject) {
    const r = await kb.resolveSubject(record.subject.hobby, record.subject.slug);
    if (r && 'redirect' in r) {
      const to = await kb.resolveSubject(record.subject.hobby, r.redirect);
      subject = to && 'subject' in to ? to.subject : null;
    } else subject = r?.subject ?? null;
  }
  return {
    entry: datasetRecord(record),
    passages: passagesOf(record),
    subject,
    state: status.state,
    release: status.release ?? null,
    history: status.history.map((h) => ({ state: h.state, at: h.at })),
    revisions: (await kb.revisions(id)).map((r) => ({ revision: r.revision, at: r.at, contentSha256: r.contentSha256, title: r.record.title, text: entryText(r.record) })),
    reportUrl: reportUrl(id),
  };
}

export const summaryJson = (e: EntrySummary) => ({ id: e.id, kind: e.kind, title: e.title, language: e.language, hobby: e.hobby, subject: e.subject, listedAt: e.listedAt, cites: e.cites });
