import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '../../components/style.css';
import { SubmissionList, type SubmissionView } from '../../components/SubmissionList.tsx';
import { NotifyToggle } from '../../components/NotifyToggle.tsx';
import { useLive } from '../../components/useLive.ts';
import { db } from '../../lib/ext/db.ts';
import { send } from '../../lib/ext/messages.ts';
import { exportEntries } from '../../lib/curate/export.ts';
import type { ExportChoice } from '../../components/SubmissionList.tsx';
import { curateEntryHref, libraryHref } from '../../lib/ext/pages.ts';
import { getSettings, hubConfig } from '../../lib/ext/settings.ts';
import { withdrawSubmission } from '../../lib/hub/review-actions.ts';

/** Every entry kept on this device, oldest first, downloaded through a Blob URL (nothing leaves the machine). */
async function download(format: ExportChoice) {
  const rows = await db().entries.orderBy('createdAt').toArray();
  const file = exportEntries(rows.map((r) => r.entry), format);
  const url = URL.createObjectURL(new Blob([file.text], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

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
      <p>
        <a href={libraryHref()} data-testid="open-library">
          Library
        </a>
        : every captured thread, to curate.
      </p>
      <p>
        <a href="/bulk.html">Bulk capture</a>: bring in a whole board, sitemap or list of threads.
      </p>
      <p>
        <a href="/import.html" data-testid="open-import">Import an archive</a>: a Slack, Discord, Telegram, Matrix, Mattermost, IRC, WhatsApp or mail export.
      </p>
      <NotifyToggle />
      <SubmissionList
        rows={rows}
        status={status}
        onRefresh={() => void refresh()}
        onRetry={() => void send({ type: 'retry-now' }).then(() => setStatus('Sent what was queued.'))}
        onSubmitReady={() => void send({ type: 'submit-ready' }).then(() => setStatus('Submitting every reviewed entry.'))}
        onExport={(f) => void download(f)}
        openHref={curateEntryHref}
        onWithdraw={async (id) => {
          const r = await withdrawSubmission(db(), hubConfig(await getSettings()), id);
          return r.ok ? { ok: true, message: r.message } : { ok: false, message: r.reason };
        }}
      />
    </main>
  );
}

render(<App />, document.getElementById('app')!);
