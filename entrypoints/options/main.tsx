import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '../../components/style.css';
import { OptionsForm } from '../../components/OptionsForm.tsx';
import { getSettings, hubConfig, saveSettings, type Settings } from '../../lib/ext/settings.ts';
import { send } from '../../lib/ext/messages.ts';
import { fetchMyEntries, pairWithCode } from '../../lib/hub/client.ts';
import { ForumIdentities } from '../../components/ForumIdentities.tsx';
import { claimIdentity, listIdentities, verifyIdentity } from '../../lib/hub/identities.ts';

/** The saved hub settings, read at each call so an identity is proven against what was last saved. */
const withHub = async <T,>(fn: (cfg: { url: string; token: string }) => Promise<T>): Promise<T | { ok: false; reason: string }> => {
  const cfg = hubConfig(await getSettings());
  return cfg ? fn(cfg) : { ok: false, reason: 'Save the hub URL and your token (or pair) first.' };
};

function App() {
  const [settings, setSettings] = useState<Settings | null>(null);
  useEffect(() => void getSettings().then(setSettings), []);
  if (!settings) return null;
  return (
    <main class="page">
      <OptionsForm
        initial={settings}
        onSave={async (s) => {
          await saveSettings(s);
          await send({ type: 'retry-now' });
        }}
        onPair={async (form, code) => {
          const r = await pairWithCode(form.hubUrl, code);
          if (!r.ok) return { error: r.reason };
          const next = { ...form, token: r.token, displayName: form.displayName || r.name };
          await saveSettings(next);
          await send({ type: 'retry-now' });
          return { settings: next, message: `Paired as ${r.name} (${r.role}). Saved; queued entries are being sent.` };
        }}
        onTest={async (s) => {
          const cfg = hubConfig(s);
          if (!cfg) return 'Enter the hub URL and your token first.';
          try {
            const mine = await fetchMyEntries(cfg);
            return `Connected. The hub has ${mine.length} entries from you.`;
          } catch (e) {
            return `Could not use the hub: ${(e as Error).message}`;
          }
        }}
      />
      <ForumIdentities
        list={() => withHub((cfg) => listIdentities(cfg))}
        claim={(forum, name) => withHub((cfg) => claimIdentity(cfg, forum, name))}
        verify={(claimId, url) => withHub((cfg) => verifyIdentity(cfg, claimId, url))}
      />
    </main>
  );
}

render(<App />, document.getElementById('app')!);
