import type { LastCapture } from '../lib/ext/messages.ts';

/** What the side panel says before there is a thread to curate, or when the capture failed. */
export function CaptureNotice({ last, onFallback, onCapture }: { last: LastCapture | null; onFallback: () => void; onCapture: () => void }) {
  if (!last) {
    return (
      <div class="notice" data-testid="no-capture">
        <p>Open a forum thread and click the Gleaner button (or press Alt+Shift+G) to capture it.</p>
      </div>
    );
  }
  if (last.outcome.ok) return null;
  return (
    <div class="notice" role="alert" data-testid="capture-error">
      <p>{last.outcome.error}</p>
      {last.outcome.canFallback && (
        <button type="button" data-testid="use-fallback" onClick={onFallback}>
          Keep the page's main text as one post
        </button>
      )}{' '}
      <button type="button" onClick={onCapture}>
        Try again
      </button>
    </div>
  );
}
