/// <reference types="vite/client" />
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import '../../components/style.css';
import { ImportPage, type ImportPhase } from '../../components/ImportPage.tsx';
import { db } from '../../lib/ext/db.ts';
import type { LastCapture } from '../../lib/ext/messages.ts';
import type { FileImportProgress } from '../../lib/import/file-import.ts';
import type { ConversationSummary } from '../../lib/import/summary.ts';
import type { FromImportWorker, ToImportWorker } from '../../lib/import/worker-messages.ts';
import { saveThread } from '../../lib/store/threads.ts';
// Vite bundles the worker as its own file (the new URL(…, import.meta.url) form is not picked up under WXT).
import ImportWorker from './worker.ts?worker';

function App() {
  const worker = useRef<Worker | null>(null);
  const curateTab = useRef<number | null>(null);
  const [phase, setPhase] = useState<ImportPhase>('idle');
  const [fileName, setFileName] = useState<string | null>(null);
  const [progress, setProgress] = useState<FileImportProgress | null>(null);
  const [all, setAll] = useState<ConversationSummary[]>([]);
  const [matches, setMatches] = useState<number[] | null>(null);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [status, setStatus] = useState('');
  const searchSeq = useRef(0);

  const tell = (m: ToImportWorker) => worker.current?.postMessage(m);

  const onMessage = (m: FromImportWorker) => {
    if (m.type === 'progress') setProgress(m.progress);
    else if (m.type === 'found') setAll((a) => a.concat(m.summaries));
    else if (m.type === 'done') {
      setWarnings(m.warnings);
      setPhase('done');
    } else if (m.type === 'error') {
      setWarnings(m.warnings);
      setError(m.message);
      setPhase('error');
    } else if (m.type === 'search-result') {
      if (m.seq === searchSeq.current) setMatches(m.indices);
    } else if (m.type === 'thread') void open(m);
  };

  const open = async (m: Extract<FromImportWorker, { type: 'thread' }>) => {
    if (!m.thread) return setStatus('That conversation is no longer in memory: import the file again.');
    setStatus(`Opening "${m.thread.title}"…`);
    const row = await saveThread(db(), m.thread);
    // The curate view shows the last capture; an imported conversation becomes one.
    const last: LastCapture = { at: new Date().toISOString(), tabId: null, url: m.thread.url, outcome: { ok: true, threadId: row.id, posts: row.thread.posts.length } };
    await browser.storage.local.set({ lastCapture: last });
    // One curate tab for the whole import: each conversation opened replaces the last there (and the tab is
    // brought forward) instead of piling up a tab per click; this page keeps the list.
    const url = browser.runtime.getURL(`/sidepanel.html?thread=${encodeURIComponent(row.id)}`);
    const reused = curateTab.current !== null ? await browser.tabs.update(curateTab.current, { url, active: true }).catch(() => null) : null;
    if (!reused) curateTab.current = (await browser.tabs.create({ url })).id ?? null;
    setStatus(`Opened "${m.thread.title}" in the curate view (${row.thread.posts.length} posts saved).`);
  };

  const reset = () => {
    worker.current?.terminate();
    worker.current = null;
    setAll([]);
    setMatches(null);
    setQuery('');
    setError(null);
    setWarnings([]);
    setStatus('');
    setProgress(null);
  };

  const start = (file: File) => {
    reset();
    setFileName(file.name);
    setPhase('reading');
    const w = new ImportWorker();
    w.onmessage = (ev: MessageEvent<FromImportWorker>) => onMessage(ev.data);
    w.onerror = (ev) => {
      setError(`${file.name}: the reader stopped unexpectedly (${ev.message || 'worker error'}).`);
      setPhase('error');
    };
    worker.current = w;
    tell({ type: 'start', file });
  };

  const cancel = () => {
    // Terminating the worker stops the read at once; what it found is dropped, so nothing is half-imported.
    reset();
    setPhase('cancelled');
  };

  // Searching runs in the worker, next to the posts; a newer query makes older answers stale.
  useEffect(() => {
    if (!query.trim()) return setMatches(null);
    const t = setTimeout(() => tell({ type: 'search', seq: ++searchSeq.current, query }), 150);
    return () => clearTimeout(t);
  }, [query, all.length]);

  useEffect(() => () => worker.current?.terminate(), []);

  const shown = matches ? matches.map((i) => all[i]!).filter(Boolean) : all;
  return (
    <main class="page">
      <ImportPage
        phase={phase}
        fileName={fileName}
        progress={progress}
        rows={shown}
        found={all.length}
        cutOff={all.filter((r) => r.truncated)}
        query={query}
        error={error}
        warnings={warnings}
        status={status || (matches ? `${matches.length.toLocaleString('en')} of ${all.length.toLocaleString('en')} conversations match.` : '')}
        onFile={start}
        onCancel={cancel}
        onQuery={setQuery}
        onOpen={(index) => tell({ type: 'get', index })}
      />
    </main>
  );
}

render(<App />, document.getElementById('app')!);
