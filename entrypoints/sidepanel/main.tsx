import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import '../../components/style.css';
import { CuratePanel } from '../../components/CuratePanel.tsx';
import { CaptureNotice } from '../../components/CaptureNotice.tsx';
import { db } from '../../lib/ext/db.ts';
import { getSettings } from '../../lib/ext/settings.ts';
import { send, type CaptureOutcome, type LastCapture } from '../../lib/ext/messages.ts';
import { draftOptions, nextEntryState, restoreState, toDraft, type EditorState } from '../../lib/curate/editor.ts';
import { buildEntry } from '../../lib/curate/entry.ts';
import { consentStatement } from '../../lib/license/statements.ts';
import { enqueue } from '../../lib/store/outbox.ts';
import { attestationForThread } from '../../lib/bulk/attestation.ts';
import type { ThreadRow } from '../../lib/store/db.ts';
import type { Entry } from '../../lib/model/entry.ts';

// The same page opened in a tab (`?tab=1`) is the full-page view for long threads: a wider, two-column layout.
const IN_TAB = new URLSearchParams(location.search).has('tab');

async function usedPosts(threadId: string): Promise<string[]> {
  const rows = await db().entries.where('threadId').equals(threadId).toArray();
  return [...new Set(rows.flatMap((r) => r.entry.sources.map((s) => s.postId)))];
}

function App() {
  const [last, setLast] = useState<LastCapture | null>(null);
  const [row, setRow] = useState<ThreadRow | null>(null);
  const [state, setState] = useState<EditorState | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const [submitted, setSubmitted] = useState<Entry | null>(null);
  const [busy, setBusy] = useState(false);
  const [used, setUsed] = useState<string[]>([]);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Bumped on every submit: an autosave scheduled before it belongs to the submitted draft and must not run.
  const epoch = useRef(0);

  useEffect(() => {
    const load = async () => setLast(((await browser.storage.local.get('lastCapture')) as { lastCapture?: LastCapture }).lastCapture ?? null);
    void load();
    const onChange = (changes: Record<string, unknown>, area: string) => {
      if (area === 'local' && 'lastCapture' in changes) void load();
    };
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, []);

  const capturedId = last?.outcome.ok ? last.outcome.threadId : null;
  useEffect(() => {
    if (!capturedId) return;
    void (async () => {
      const r = (await db().threads.get(capturedId)) ?? null;
      if (!r) return setRow(null);
      // A re-capture of the thread being edited refreshes its posts and keeps the work in progress.
      if (row?.id === r.id && state) return setRow(r);
      const draft = await db().drafts.get(r.id);
      setRow(r);
      setSubmitted(null);
      setErrors([]);
      setUsed(await usedPosts(r.id));
      setState(restoreState(draft?.state as Partial<EditorState> | undefined, r.thread));
    })();
  }, [capturedId, last?.at]);

  const change = (s: EditorState) => {
    setState(s);
    setErrors([]);
    // Autosave: closing the panel never loses the work.
    clearTimeout(saveTimer.current);
    const threadId = row?.id;
    const at = epoch.current;
    if (threadId) {
      saveTimer.current = setTimeout(() => {
        if (epoch.current === at) void db().drafts.put({ id: threadId, threadId, updatedAt: new Date().toISOString(), state: s });
      }, 250);
    }
  };

  const nextEntry = () => {
    if (!row || !state) return;
    setSubmitted(null);
    change(nextEntryState(state, row.thread));
  };

  const submit = async () => {
    if (!row || !state) return;
    setBusy(true);
    try {
      const settings = await getSettings();
      const statement = consentStatement(state.basis, state.grant);
      const result = await buildEntry(toDraft(state, row.thread), {
        ...draftOptions(state),
        thread: row.thread,
        now: new Date(),
        extensionVersion: browser.runtime.getManifest().version,
        consent: { grant: state.grant, basis: state.basis, statement: statement.text, statementVersion: statement.version, who: settings.displayName || 'anonymous contributor', agreed: state.agreed },
        attestation: await attestationForThread(db(), row.id),
      });
      if (!result.ok) return setErrors(result.errors);
      // A pending autosave must not bring the submitted draft back.
      epoch.current++;
      clearTimeout(saveTimer.current);
      await enqueue(db(), result.entry, row.id, settings.hubUrl, new Date(), { hold: !!state.hold });
      await db().drafts.delete(row.id);
      setSubmitted(result.entry);
      // The view stays on the thread for the next entry; the posts just used are marked.
      setState(nextEntryState(state, row.thread));
      setUsed(await usedPosts(row.id));
      void send({ type: 'flush' });
    } finally {
      setBusy(false);
    }
  };

  const fallback = () => void send<CaptureOutcome>({ type: 'capture', tabId: last?.tabId ?? undefined, fallback: true });
  const capture = () => void send<CaptureOutcome>({ type: 'capture', tabId: last?.tabId ?? undefined });

  return (
    <main class={IN_TAB ? 'page page--wide' : 'page'}>
      <CaptureNotice last={last} onFallback={fallback} onCapture={capture} />
      {last?.outcome.ok && row && state && (
        <CuratePanel
          thread={row.thread}
          state={state}
          onChange={change}
          onSubmit={() => void submit()}
          onNextEntry={nextEntry}
          errors={errors}
          submitted={submitted}
          busy={busy}
          usedPostIds={used}
          tabUrl={IN_TAB ? null : browser.runtime.getURL('/sidepanel.html') + '?tab=1'}
        />
      )}
      <p class="muted">
        <a href={browser.runtime.getURL('/dashboard.html')} target="_blank">
          Your submissions
        </a>{' '}
        ·{' '}
        <a href={browser.runtime.getURL('/options.html')} target="_blank">
          Hub settings
        </a>
      </p>
    </main>
  );
}

render(<App />, document.getElementById('app')!);
