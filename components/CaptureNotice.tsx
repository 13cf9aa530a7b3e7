import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { send, type CaptureOutcome, type CaptureProgress, type LastCapture } from '../lib/ext/messages.ts';

/** Live progress of a "capture whole thread" run, kept in storage.local by the background. */
function useCaptureProgress(): CaptureProgress | null {
  const [p, setP] = useState<CaptureProgress | null>(null);
  useEffect(() => {
    const load = async () => setP(((await browser.storage.local.get('captureProgress')) as { captureProgress?: CaptureProgress }).captureProgress ?? null);
    void load();
    const on = (changes: Record<string, unknown>, area: string) => {
      if (area === 'local' && 'captureProgress' in changes) void load();
    };
    browser.storage.onChanged.addListener(on);
    return () => browser.storage.onChanged.removeListener(on);
  }, []);
  return p;
}

/** What the side panel says before there is a thread to curate, when the capture failed, and about more pages. */
export function CaptureNotice({ last, onFallback, onCapture }: { last: LastCapture | null; onFallback: () => void; onCapture: () => void }) {
  const progress = useCaptureProgress();
  if (progress) {
    return (
      <div class="notice" role="status" data-testid="capture-progress">
        <p>
          Reading the whole thread… page {progress.page || 1}, {progress.posts} posts so far (one page a second, to be polite to the forum).
        </p>
      </div>
    );
  }
  if (!last) {
    return (
      <div class="notice" data-testid="no-capture">
        <p>Open a forum thread and click the Gleaner button (or press Alt+Shift+G) to capture it.</p>
      </div>
    );
  }
  if (last.outcome.ok) {
    const { nextUrl, optOut } = last.outcome;
    if (!nextUrl && !optOut?.length) return null;
    return (
      <div class="notice" data-testid="capture-info">
        {optOut?.length ? (
          <p data-testid="opt-out">
            This site opts out of AI use: {optOut.join(' ')} You can still submit posts you wrote yourself, or posts whose authors have all opted in.
          </p>
        ) : null}
        {nextUrl && (
          <p>
            This thread has more pages.{' '}
            <button type="button" data-testid="capture-whole" onClick={() => void send<CaptureOutcome>({ type: 'capture', tabId: last.tabId ?? undefined, wholeThread: true })}>
              Capture the whole thread
            </button>
          </p>
        )}
      </div>
    );
  }
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
