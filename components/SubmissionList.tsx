import type { Submission } from '../lib/model/submission.ts';

export interface SubmissionView {
  sub: Submission;
  title: string;
  kind: string;
}

const STATE_WORDS: Record<string, string> = {
  ready: 'reviewed, waiting for “submit all”',
  queued: 'queued',
  sending: 'sending',
  held: 'needs your attention',
  received: 'received',
  in_review: 'in review',
  accepted: 'accepted',
  needs_changes: 'needs changes',
  rejected: 'rejected',
  published: 'published',
  withdrawn: 'withdrawn',
};

export type ExportChoice = 'jsonl' | 'markdown' | 'chat';

export function SubmissionList({
  rows,
  onRetry,
  onRefresh,
  status,
  onExport,
  onSubmitReady,
}: {
  rows: SubmissionView[];
  onRetry: () => void;
  /** Sends every entry kept ready (reviewed during bulk work) at once. */
  onSubmitReady?: () => void;
  onRefresh: () => void;
  status: string;
  /** Local export of every entry on this device, for people who use no hub. */
  onExport?: (format: ExportChoice) => void;
}) {
  return (
    <section>
      <h1>Your submissions</h1>
      <p>
        {onSubmitReady && rows.some((r) => r.sub.state === 'ready') && (
          <>
            <button type="button" class="primary" data-testid="submit-ready" onClick={onSubmitReady}>
              Submit all {rows.filter((r) => r.sub.state === 'ready').length} reviewed entries
            </button>{' '}
          </>
        )}
        <button type="button" data-testid="retry-now" onClick={onRetry}>
          Send queued now
        </button>{' '}
        <button type="button" data-testid="refresh" onClick={onRefresh}>
          Refresh states
        </button>{' '}
        <span class="muted" role="status">
          {status}
        </span>
      </p>
      {onExport && rows.length > 0 && (
        <p class="exports">
          Download your entries:{' '}
          <button type="button" data-testid="export-jsonl" onClick={() => onExport('jsonl')}>
            Entry records (JSONL)
          </button>
          <button type="button" data-testid="export-chat" onClick={() => onExport('chat')}>
            Chat format (JSONL)
          </button>
          <button type="button" data-testid="export-markdown" onClick={() => onExport('markdown')}>
            Markdown
          </button>
        </p>
      )}
      {rows.length === 0 ? (
        <p class="hint">Nothing submitted yet.</p>
      ) : (
        <table class="subs">
          <thead>
            <tr>
              <th>Entry</th>
              <th>State</th>
              <th>Details</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ sub, title, kind }) => (
              <tr key={sub.entryId} data-testid="submission" data-state={sub.state}>
                <td>
                  {title} <span class="muted">({kind === 'qa' ? 'Q&A' : 'strategy'})</span>
                </td>
                <td class={`state state--${sub.state}`} data-testid="submission-state">
                  {STATE_WORDS[sub.state] ?? sub.state}
                </td>
                <td>
                  {sub.lastError && <span data-testid="submission-error">{sub.lastError}</span>}
                  {sub.reviewComment && <span>Reviewer: {sub.reviewComment}</span>}
                  {sub.attempts > 0 && <span class="muted"> ({sub.attempts} attempt{sub.attempts === 1 ? '' : 's'})</span>}
                </td>
                <td class="muted">{sub.updatedAt.replace('T', ' ').slice(0, 19)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
