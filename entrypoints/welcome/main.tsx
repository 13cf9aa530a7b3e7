import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import '../../components/style.css';
import { FirstRun } from '../../components/FirstRun.tsx';
import { getSettings, saveSettings, type Settings } from '../../lib/ext/settings.ts';
import { send, type LastCapture } from '../../lib/ext/messages.ts';
import { pairWithCode } from '../../lib/hub/client.ts';

function App() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [capture, setCapture] = useState<LastCapture | null>(null);
  useEffect(() => {
    void getSettings().then(setSettings);
    // Only captures made after the page opened count as "your first capture".
    const onChange = (changes: Record<string, { newValue?: unknown }>, area: string) => {
      if (area === 'local' && changes.lastCapture?.newValue) setCapture(changes.lastCapture.newValue as LastCapture);
    };
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, []);
  if (!settings) return null;
  return (
    <FirstRun
      connected={settings.hubUrl && settings.token ? { hubUrl: settings.hubUrl, name: settings.displayName } : null}
      capture={capture}
      curateUrl={browser.runtime.getURL('/sidepanel.html')}
      optionsUrl={browser.runtime.getURL('/options.html')}
      onPair={async (hubUrl, code) => {
        if (!/^https?:\/\/./.test(hubUrl)) return { error: `“${hubUrl}” is not a web address: it starts with https:// (or http:// for a hub on this computer).` };
        const r = await pairWithCode(hubUrl, code);
        if (!r.ok) return { error: r.reason };
        const current = await getSettings();
        await saveSettings({ ...current, hubUrl, token: r.token, displayName: current.displayName || r.name });
        await send({ type: 'retry-now' }).catch(() => {});
        return { name: current.displayName || r.name };
      }}
    />
  );
}

render(<App />, document.getElementById('app')!);
