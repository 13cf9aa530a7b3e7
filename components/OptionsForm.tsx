import { useState } from 'preact/hooks';
import type { Settings } from '../lib/ext/settings.ts';
import { hostOf } from './FirstRun.tsx';

interface Props {
  initial: Settings;
  onSave: (s: Settings) => Promise<void>;
  onTest: (s: Settings) => Promise<string>;
  /** Exchanges a pairing code; returns the settings to save, or the reason it failed. */
  onPair: (form: Settings, code: string) => Promise<{ settings: Settings; message: string } | { error: string }>;
}

export function OptionsForm({ initial, onSave, onTest, onPair }: Props) {
  const [s, setS] = useState(initial);
  const [code, setCode] = useState('');
  const [status, setStatus] = useState('');
  // What is saved, not what is being typed: "connected" holds across reloads until the token is changed.
  const [saved, setSaved] = useState(initial);
  const field = (k: keyof Settings) => (e: { currentTarget: HTMLInputElement }) => setS({ ...s, [k]: e.currentTarget.value });
  const pair = async () => {
    const r = await onPair(s, code);
    if ('error' in r) return setStatus(r.error);
    setS(r.settings);
    setSaved(r.settings);
    setCode('');
    setStatus(r.message);
  };
  return (
    <form
      class="options"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave(s).then(() => (setSaved(s), setStatus('Saved. Queued entries are being sent.')));
      }}
    >
      <h1>Gleaner — hub settings</h1>
      {saved.hubUrl && saved.token ? (
        <p class="ok" data-testid="hub-connected">
          Connected to {hostOf(saved.hubUrl)} as {saved.displayName || 'a contributor'}.
        </p>
      ) : (
        <p class="notice" data-testid="hub-not-connected">
          Not connected to a hub: entries wait in a queue until you pair below.
        </p>
      )}
      <label>
        Hub URL
        <input data-testid="hub-url" type="url" placeholder="http://127.0.0.1:8787" value={s.hubUrl} onInput={field('hubUrl')} required />
      </label>
      <fieldset>
        <legend>Pair with the hub</legend>
        <p class="hint">Ask the hub operator for a pairing code (it works once, for 10 minutes). Gleaner exchanges it for your token.</p>
        <label>
          Pairing code
          <input data-testid="pair-code" autocomplete="off" placeholder="K7QX-M2PD" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
        </label>
        <button type="button" data-testid="pair" disabled={!s.hubUrl || !code.trim()} onClick={() => void pair()}>
          Pair
        </button>
      </fieldset>
      <label>
        Or paste a token
        <input data-testid="hub-token" type="password" autocomplete="off" value={s.token} onInput={field('token')} />
      </label>
      <label>
        Your name as a contributor (recorded in consent receipts)
        <input data-testid="display-name" value={s.displayName} onInput={field('displayName')} />
      </label>
      <label class="consent__agree">
        <input type="checkbox" data-testid="single-keys" checked={s.singleKeys} onChange={(e) => setS({ ...s, singleKeys: e.currentTarget.checked })} />
        <span>Single-key shortcuts in the curate view (j, k, q, a, s, n; they work only while focus is in the list of posts)</span>
      </label>
      <p class="hint">The token stays in this browser (storage.local); it is never synced.</p>
      <button type="submit" class="primary" data-testid="save">
        Save
      </button>{' '}
      <button type="button" data-testid="test-hub" onClick={() => void onTest(s).then(setStatus)}>
        Test connection
      </button>
      <p role="status" data-testid="options-status">
        {status}
      </p>
    </form>
  );
}
