import type { JobItemRow, JobRow } from '../lib/bulk/job.ts';
import type { JobProgress } from '../lib/bulk/progress.ts';

const STATE_WORDS: Record<JobRow['state'], string> = {
  discovering: 'counting threads…',
  ready: 'counted: press Start',
  running: 'running',
  paused: 'paused',
  cancelled: 'cancelled',
  done: 'finished',
};

function duration(ms: number | null): string {
  if (ms === null) return 'unknown';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${Math.round(m / 6) / 10} h`;
}

/** A job's progress, its controls, and the threads that failed or were skipped, each with its reason. */
export function BulkProgress({
  job,
  progress,
  problems,
  onCommand,
  onRetry,
}: {
  job: JobRow;
  progress: JobProgress;
  problems: JobItemRow[];
  onCommand: (c: 'start' | 'pause' | 'resume' | 'cancel') => void;
  onRetry: (itemId?: string) => void;
}) {
  const p = progress;
  const failed = problems.filter((i) => i.state === 'failed');
  const skipped = problems.filter((i) => i.state === 'skipped');
  return (
    <section aria-label="Bulk job" data-state={job.state}>
      <h2>
        {job.attestation.community}: <span class="state">{STATE_WORDS[job.state]}</span>
      </h2>
      <p class="muted">
        {job.source.kind === 'urls' ? 'Pasted addresses' : job.source.url} · one request every {job.intervalMs / 1000} s · {job.attestation.license} per{' '}
        <a href={job.attestation.termsUrl} target="_blank" rel="noopener noreferrer">
          the community's terms
        </a>{' '}
        (attested by a {job.attestation.role})
      </p>
      {p.found > 0 && (
        <progress class="bulk__bar" data-testid="bulk-bar" max={p.found} value={p.done + p.failed + p.skipped} aria-label={`${p.done + p.failed + p.skipped} of ${p.found} threads handled`} />
      )}
      <dl class="meta">
        <dt>Threads found</dt>
        <dd data-k="found">{p.found}</dd>
        <dt>Done</dt>
        <dd data-k="done">{p.done}</dd>
        <dt>Failed</dt>
        <dd data-k="failed">{p.failed}</dd>
        <dt>Skipped</dt>
        <dd data-k="skipped">{p.skipped}</dd>
        <dt>Left</dt>
        <dd data-k="left">{p.left}</dd>
        <dt>Pages fetched</dt>
        <dd data-k="pages">{p.pagesFetched}</dd>
        <dt>Posts added</dt>
        <dd>{p.postsAdded}</dd>
        <dt>Current rate</dt>
        <dd>{p.ratePerMinute === null ? '–' : `${p.ratePerMinute.toFixed(1)} requests/min`}</dd>
        <dt>Time left</dt>
        <dd>{job.state === 'running' || job.state === 'ready' ? duration(p.etaMs) : '–'}</dd>
      </dl>
      <p>
        {(job.state === 'ready' || job.state === 'discovering') && !job.startWhenReady && (
          <button name="start" onClick={() => onCommand('start')}>
            Start capturing {p.found} threads
          </button>
        )}
        {(job.state === 'running' || job.state === 'discovering') && (
          <button name="pause" onClick={() => onCommand('pause')}>
            Pause
          </button>
        )}
        {job.state === 'paused' && (
          <button name="resume" onClick={() => onCommand('resume')}>
            Resume
          </button>
        )}
        {job.state !== 'done' && job.state !== 'cancelled' && (
          <button name="cancel" onClick={() => onCommand('cancel')}>
            Cancel
          </button>
        )}
      </p>
      {job.notes.length > 0 && <p class="warn">{job.notes.join(' ')}</p>}
      {failed.length > 0 && (
        <>
          <h3>Failed ({failed.length})</h3>
          <button name="retry-all" onClick={() => onRetry()}>
            Retry all failed
          </button>
          <ul class="errors" aria-label="Failed threads">
            {failed.map((i) => (
              <li key={i.id}>
                <a href={i.url} target="_blank" rel="noopener noreferrer">
                  {i.title ?? i.url}
                </a>
                : {i.reason}{' '}
                <button onClick={() => onRetry(i.id)}>Retry</button>
              </li>
            ))}
          </ul>
        </>
      )}
      {skipped.length > 0 && (
        <>
          <h3>Skipped ({skipped.length})</h3>
          <ul aria-label="Skipped threads">
            {skipped.map((i) => (
              <li key={i.id} data-url={i.url}>
                {i.title ?? i.url}: {i.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
