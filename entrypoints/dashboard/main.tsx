import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '../../components/style.css';
import { SubmissionList, type SubmissionView } from '../../components/SubmissionList.tsx';
import { NotifyToggle } from '../../components/NotifyToggle.tsx';
import { useLive } from '../../components/useLive.ts';
import { db } from '../../lib/ext/db.ts';
import { send } from '../../lib/ext/messages.ts';

const POLL_MS = 60_000;

async function loadRows(): Promise<SubmissionView[]> {
  const subs = await db().outbox.toArray();
  const entries = await db().entries.bulkGet(subs.map((s) => s.entryId));
  return subs
    .map((sub, i) => ({ sub, title: entries[i]?.entry.title ?? sub.entryId, kind: entries[i]?.entry.kind ?? 'qa' }))
    .sort((a, b) => b.sub.entryId.localeCompare(a.sub.entryId));
}

function App() {
  const rows = useLive(loadRows, []) ?? [];
  const [status, setStatus] = useState('');
  const refresh = async () => {
    const r = await send<number | { error: string }>({ type: 'refresh-states' });
    setStatus(typeof r === 'number' ? `States checked with the hub at ${new Date().toLocaleTimeString()}.` : `Could not check states: ${r.error}`);
  };
  useEffect(() => {
    void refresh();
    const t = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(t);
  }, []);
  return (
    <main class="page">
      <NotifyToggle />
      <SubmissionList
        rows={rows}
        status={status}
        onRefresh={() => void refresh()}
        onRetry={() => void send({ type: 'retry-now' }).then(() => setStatus('Sent what was queued.'))}
      />
    </main>
  );
}

render(<App />, document.getElementById('app')!);
