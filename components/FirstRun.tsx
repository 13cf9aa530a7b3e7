import { useState } from 'preact/hooks';
import type { LastCapture } from '../lib/ext/messages.ts';

interface Props {
  /** The hub this browser is already paired with, if any (a second install, or the page opened again). */
  connected: { hubUrl: string; name: string } | null;
  /** Exchanges a pairing code for a token and saves it; returns who the hub knows us as, or why it failed. */
  onPair: (hubUrl: string, code: string) => Promise<{ name: string } | { error: string }>;
  /** The latest capture made since this page opened (null until the person captures something). */
  capture: LastCapture | null;
  curateUrl: string;
  optionsUrl: string;
}

export const hostOf = (url: string) => {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
};

/**
 * The page opened on install: two steps, each usable with the keyboard alone and each saying what happened.
 * Pairing can be skipped (captures are kept here and queued until a hub is set in the options).
 */
export function FirstRun({ connected: initial, onPair, capture, curateUrl, optionsUrl }: Props) {
  const [hubUrl, setHubUrl] = useState(initial?.hubUrl ?? '');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [connected, setConnected] = useState(initial);
  const [skipped, setSkipped] = useState(false);
  const pair = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    const r = await onPair(hubUrl.trim(), code.trim());
    setBusy(false);
    if ('error' in r) return setError(r.error);
    setCode('');
    setConnected({ hubUrl: hubUrl.trim().replace(/\/+$/, ''), name: r.name });
  };
  return (
    <main class="page first-run">
      <h1>Welcome to Gleaner</h1>
      <p class="hint">Two steps: connect to the hub your group sends entries to, then capture a first thread.</p>

      <section aria-labelledby="step-hub" class="first-run__step">
        <h2 id="step-hub">1. Connect to your hub</h2>
        {connected ? (
          <p class="ok" data-testid="first-run-connected" role="status">
            Connected to {hostOf(connected.hubUrl)} as {connected.name || 'a contributor'}. You can change this later in the <a href={optionsUrl}>options</a>.
          </p>
        ) : skipped ? (
          <p class="notice" data-testid="first-run-skipped">
            Not connected: captures stay in this browser, and entries wait in a queue until you pair in the <a href={optionsUrl}>options</a>.
          </p>
        ) : (
          <form onSubmit={(e) => void pair(e)} data-testid="first-run-pair">
            <p class="hint">The hub operator gives you its address and a pairing code (it works once, for 10 minutes).</p>
            <label>
              Hub address
              <input type="url" required data-testid="first-run-hub" placeholder="https://hub.example.org" value={hubUrl} onInput={(e) => setHubUrl(e.currentTarget.value)} />
            </label>
            <label>
              Pairing code
              <input required autocomplete="off" data-testid="first-run-code" placeholder="K7QX-M2PD" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
            </label>
            {error && (
              <p class="errors" role="alert" data-testid="first-run-error">
                {error}
              </p>
            )}
            <button type="submit" class="primary" data-testid="first-run-pair-button" disabled={busy}>
              {busy ? 'Pairing…' : 'Pair'}
            </button>{' '}
            <button type="button" class="link" data-testid="first-run-skip" onClick={() => setSkipped(true)}>
              Skip for now
            </button>
          </form>
        )}
      </section>

      <section aria-labelledby="step-capture" class="first-run__step">
        <h2 id="step-capture">2. Capture a first thread</h2>
        <ol>
          <li>Open a forum thread or Q&amp;A page in another tab.</li>
          <li>Click the Gleaner button in the toolbar, or right-click the page and choose “Capture this thread with Gleaner”.</li>
          <li>Mark a question and its answers in the curate view, tick the consent, and submit.</li>
        </ol>
        <div role="status" data-testid="first-run-capture">
          {!capture ? (
            <p class="muted">Waiting for your first capture…</p>
          ) : capture.outcome.ok ? (
            <p class="ok">
              Captured {capture.outcome.posts} post{capture.outcome.posts === 1 ? '' : 's'}
              {capture.url ? ` from ${hostOf(capture.url)}` : ''}. <a href={curateUrl} data-testid="first-run-open">Open it in the curate view</a>.
            </p>
          ) : (
            <p class="errors">
              That page could not be captured: {capture.outcome.error} Try a thread page (one with several posts) or another forum.
            </p>
          )}
        </div>
      </section>
    </main>
  );
}
