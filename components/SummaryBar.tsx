import type { Entry } from '../lib/model/entry.ts';

interface Props {
  kind: 'qa' | 'strategy';
  hasQuestion: boolean;
  answers: number;
  strategyPosts: number;
  licence: string | null;
  missing: string[];
  onReview: () => void;
  /** The entry just submitted, for the confirmation and its link to the dashboard. */
  submitted: Entry | null;
  submittedHeld: boolean;
  dashboardUrl: string;
  /** A short message for what the keyboard just did (or why it did nothing), read out by screen readers. */
  announce: string;
}

/**
 * Stays at the top of the curate view at every scroll position: what the entry has so far, its
 * licence, and the way to the submit step. The confirmation after a submit lives here too, so it is
 * seen wherever the person was.
 */
export function SummaryBar({ kind, hasQuestion, answers, strategyPosts, licence, missing, onReview, submitted, submittedHeld, dashboardUrl, announce }: Props) {
  return (
    <div class="summary" data-testid="summary-bar">
      <p class="summary__line">
        {kind === 'qa' ? (
          <>
            <span data-testid="summary-question">{hasQuestion ? 'question ✓' : 'no question yet'}</span> ·{' '}
            <span data-testid="summary-answers">
              {answers} answer{answers === 1 ? '' : 's'}
            </span>
          </>
        ) : (
          <span data-testid="summary-strategy">
            {strategyPosts} post{strategyPosts === 1 ? '' : 's'} in the strategy
          </span>
        )}{' '}
        · <span data-testid="summary-licence">{licence ?? 'licence: not yet known'}</span>{' '}
        <button type="button" class="primary summary__go" data-testid="review-submit" onClick={onReview}>
          Review &amp; submit{missing.length ? ` (${missing.length} to do)` : ''}
        </button>
      </p>
      {submitted && (
        <p class="ok" role="status" data-testid="submitted">
          “{submitted.title}” is saved{submittedHeld ? ' and kept for “submit all” on the dashboard' : ' and on its way to the hub'}.{' '}
          <a href={`${dashboardUrl}#entry-${submitted.id}`} target="_blank" data-testid="submitted-link">
            Follow it on the dashboard
          </a>
          . The posts it used are marked; pick others for the next entry.
        </p>
      )}
      <p class="sr-only" role="status" aria-live="polite" data-testid="announce">
        {announce}
      </p>
    </div>
  );
}
