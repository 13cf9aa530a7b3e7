import { useState } from 'preact/hooks';
import type { Submission } from '../lib/model/submission.ts';
import { canWithdraw } from '../lib/hub/review-actions.ts';
import { historyStateWords, stateView } from '../lib/hub/removal-words.ts';

/** A stable ref callback: focus lands on the safe choice once, when the question appears (not on every re-render). */
const focusOnMount = (el: HTMLElement | null) => el?.focus();

export interface SubmissionView {
  sub: Submission;
  title: string;
  kind: string;
}


export type ExportChoice = 'jsonl' | 'markdown' | 'chat';

/** What withdrawing does, said before the person confirms (the consent statements promise this right). */
const WITHDRAW_WORDS =
  'Withdrawing takes the entry out of review for good: the hub will never publish it in a dataset release, and it records that you withdrew it. An entry not yet sent is simply not sent. This cannot be undone: to contribute it again, make a new entry.';

function Actions({ sub, openHref, onWithdraw }: { sub: Submission; openHref: string; onWithdraw?: (id: string) => Promise<{ ok: boolean; message: string }> }) {
  const [asking, setAsking] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div class="row-actions">
      <a href={openHref} target="_blank" data-testid={sub.state === 'needs_changes' ? 'revise' : 'open-entry'}>
        {sub.state === 'needs_changes' ? 'Revise and resubmit' : 'Open'}
      </a>
      {onWithdraw && canWithdraw(sub.state) && !asking && (
        <>
          {' '}
          <button type="button" class="link" data-testid="withdraw" onClick={() => (setAsking(true), setMsg(null))}>
            Withdraw…
          </button>
        </>
      )}
      {asking && (
        <div class="notice" role="alertdialog" aria-label="Withdraw this entry?" data-testid="withdraw-confirm">
          <p>{WITHDRAW_WORDS}</p>
          <button
            type="button"
            data-testid="withdraw-yes"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              void onWithdraw!(sub.entryId).then((r) => {
                setBusy(false);
                setMsg(r);
                if (r.ok) setAsking(false);
              });
            }}
          >
            Withdraw the entry
          </button>{' '}
          <button type="button" data-testid="withdraw-no" onClick={() => setAsking(false)} ref={focusOnMount}>
            Keep it
          </button>
        </div>
      )}
      {msg && (
        <p class={msg.ok ? 'ok' : 'warn'} role={msg.ok ? 'status' : 'alert'} data-testid="withdraw-result">
          {msg.message}
        </p>
      )}
    </div>
  );
}

export function SubmissionList({
  rows,
  onRetry,
  onRefresh,
  status,
  onExport,
  onSubmitReady,
  openHref = () => '#',
  onWithdraw,
}: {
  rows: SubmissionView[];
  /** The entry in the curate view (to read it, or to revise it after "needs changes"). */
  openHref?: (entryId: string) => string;
  onWithdraw?: (entryId: string) => Promise<{ ok: boolean; message: string }>;
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
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ sub, title, kind }) => {
              const view = stateView(sub);
              return (
              <tr key={sub.entryId} id={`entry-${sub.entryId}`} data-testid="submission" data-entry-id={sub.entryId} data-state={sub.state} data-removed={sub.removal ? sub.removal.reason : undefined}>
                <td>
                  <a href={openHref(sub.entryId)} target="_blank" data-testid="entry-link">
                    {title}
                  </a>{' '}
                  <span class="muted">({kind === 'qa' ? 'Q&A' : 'strategy'})</span>
                </td>
                <td class={`state state--${view.kind}`} data-testid="submission-state">
                  {view.label}
                </td>
                <td>
                  {sub.lastError && <span data-testid="submission-error">{sub.lastError}</span>}
                  {view.removal && <span data-testid="removal-reason">{view.removal}</span>}
                  {sub.reviewComment &&
                    (view.removal ? (
                      // The hub's comment repeats the reason; a moderator's own words, if any, follow it.
                      <details class="history" data-testid="review-comment">
                        <summary>The hub’s note</summary>
                        {sub.reviewComment}
                      </details>
                    ) : (
                      <span data-testid="review-comment">Reviewer: {sub.reviewComment}</span>
                    ))}
                  {sub.attempts > 0 && <span class="muted"> ({sub.attempts} attempt{sub.attempts === 1 ? '' : 's'})</span>}
                  {sub.history.length > 1 && (
                    <details class="history">
                      <summary>History ({sub.history.length})</summary>
                      <ol data-testid="submission-history">
                        {sub.history.map((h, i) => (
                          <li key={i}>
                            {historyStateWords(h.state, !!sub.removal)} <span class="muted">{h.at.replace('T', ' ').slice(0, 16)}</span>
                            {h.note && <span> — {h.note}</span>}
                          </li>
                        ))}
                      </ol>
                    </details>
                  )}
                </td>
                <td class="muted">{sub.updatedAt.replace('T', ' ').slice(0, 19)}</td>
                <td>
                  <Actions sub={sub} openHref={openHref(sub.entryId)} onWithdraw={onWithdraw} />
                </td>
              </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
