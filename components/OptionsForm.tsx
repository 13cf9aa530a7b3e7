import { useState } from 'preact/hooks';
import type { Settings } from '../lib/ext/settings.ts';

interface Props {
  initial: Settings;
  onSave: (s: Settings) => Promise<void>;
  onTest: (s: Settings) => Promise<string>;
}

export function OptionsForm({ initial, onSave, onTest }: Props) {
  const [s, setS] = useState(initial);
  const [status, setStatus] = useState('');
  const field = (k: keyof Settings) => (e: { currentTarget: HTMLInputElement }) => setS({ ...s, [k]: e.currentTarget.value });
  return (
    <form
      class="options"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave(s).then(() => setStatus('Saved. Queued entries are being sent.'));
      }}
    >
      <h1>Gleaner — hub settings</h1>
      <label>
        Hub URL
        <input data-testid="hub-url" type="url" placeholder="http://127.0.0.1:8787" value={s.hubUrl} onInput={field('hubUrl')} required />
      </label>
      <label>
        Token
        <input data-testid="hub-token" type="password" autocomplete="off" value={s.token} onInput={field('token')} required />
      </label>
      <label>
        Your name as a contributor (recorded in consent receipts)
        <input data-testid="display-name" value={s.displayName} onInput={field('displayName')} />
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
