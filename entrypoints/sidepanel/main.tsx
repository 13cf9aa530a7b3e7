import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import '../../components/style.css';
import { CuratePanel } from '../../components/CuratePanel.tsx';
import { CaptureNotice } from '../../components/CaptureNotice.tsx';
import { LibraryList } from '../../components/LibraryList.tsx';
import { useLive } from '../../components/useLive.ts';
import { db } from '../../lib/ext/db.ts';
import { getSettings, hubConfig } from '../../lib/ext/settings.ts';
import { send, type CaptureOutcome, type LastCapture } from '../../lib/ext/messages.ts';
import { curateThreadHref, dashboardHref, libraryHref } from '../../lib/ext/pages.ts';
import { draftOptions, nextEntryState, restoreState, stateFromEntry, toDraft, type EditorState } from '../../lib/curate/editor.ts';
import { consentStatement } from '../../lib/license/statements.ts';
import { enqueue } from '../../lib/store/outbox.ts';
import { deleteThread, loadLibrary, nextToCurate } from '../../lib/store/library.ts';
import { reviseSubmission } from '../../lib/hub/review-actions.ts';
import { findHubGrants } from '../../lib/hub/grants.ts';
import type { Author } from '../../lib/model/thread.ts';
import type { HubGrantLookup } from '../../components/AuthorPermissions.tsx';
import { findSubjects } from '../../lib/hub/subjects.ts';
import type { FindSubjects } from '../../components/SubjectPicker.tsx';
import { attestationForThread } from '../../lib/bulk/attestation.ts';
import { findSimilar } from '../../lib/hub/similar.ts';
import { Thread } from '../../lib/model/thread.ts';
import type { ThreadRow } from '../../lib/store/db.ts';
import type { Entry } from '../../lib/model/entry.ts';
import type { Submission } from '../../lib/model/submission.ts';

// The same page opened in a tab (`?tab=1`) is the full-page view for long threads: a wider, two-column layout.
/** An author's grants on the paired hub, for the curate view; no hub set up says so instead. */
async function lookUpHubGrants(author: Author, postUrl: string): Promise<HubGrantLookup> {
  const cfg = hubConfig(await getSettings());
  if (!cfg) return { ok: false, reason: 'No hub is paired, so grants made on a hub cannot be looked up. Pair with the hub in the options.' };
  const r = await findHubGrants(cfg, { postUrl, author });
  return r.ok ? { ok: true, hub: cfg.url, grants: r.grants } : r;
}

const PARAMS = new URLSearchParams(location.search);
const IN_TAB = PARAMS.has('tab');
/** A thread opened from the library (pinned: a new capture elsewhere does not replace it). */
const PINNED_THREAD = PARAMS.get('thread');
/** An entry opened from the dashboard, to revise after a review. */
const ENTRY = PARAMS.get('entry');
const JOB = PARAMS.get('job');

async function usedPosts(threadId: string): Promise<string[]> {
  const rows = await db().entries.where('threadId').equals(threadId).toArray();
  return [...new Set(rows.flatMap((r) => r.entry.sources.map((s) => s.postId)))];
}

/** A stored thread that no longer reads as one (damaged, or saved by a broken build) is explained, never crashed on. */
function checkedRow(r: ThreadRow | undefined, id: string): { row: ThreadRow } | { error: string } {
  if (!r) return { error: `The thread ${id} is not stored on this device (it may have been deleted). Open the library to pick another, or capture the page again.` };
  const parsed = Thread.safeParse(r.thread);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { error: `The stored capture of “${r.thread?.title ?? r.url}” is damaged (${first ? `${first.path.join('.') || 'thread'}: ${first.message}` : 'unreadable'}), so it cannot be curated. Capture ${r.url} again; the new capture replaces it.` };
  }
  return { row: { ...r, thread: parsed.data } };
}

interface Revising {
  entry: Entry;
  sub: Submission;
}

function App() {
  const [last, setLast] = useState<LastCapture | null>(null);
  const [row, setRow] = useState<ThreadRow | null>(null);
  const [state, setState] = useState<EditorState | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const [submitted, setSubmitted] = useState<Entry | null>(null);
  const [busy, setBusy] = useState(false);
  const [used, setUsed] = useState<string[]>([]);
  const [singleKeys, setSingleKeys] = useState(true);
  /** With a paired hub, the subject field looks up the hub's subjects; without one it stays free text. */
  const [subjectLookup, setSubjectLookup] = useState<FindSubjects | null>(null);
  const [loadError, setLoadError] = useState('');
  const [revising, setRevising] = useState<Revising | null>(null);
  /** The side panel's own list of threads, or a thread picked from it (until the next capture). */
  const [showLibrary, setShowLibrary] = useState(false);
  const [picked, setPicked] = useState<string | null>(null);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Bumped on every submit: an autosave scheduled before it belongs to the submitted draft and must not run.
  const epoch = useRef(0);
  // The library reads every stored thread: only when its list is open or a bulk job is being worked through.
  const [rowJob, setRowJob] = useState<string | null>(null);
  const library = useLive(() => (showLibrary || JOB || rowJob ? loadLibrary(db()) : Promise.resolve(undefined)), [showLibrary, !!(JOB || rowJob)]);
  const threadCount = useLive(() => db().threads.count(), []);
  // The bulk job's attestation for this thread, so the curate view can say up front whether it can carry an entry.
  const attestation = useLive(() => (row ? attestationForThread(db(), row.id) : Promise.resolve(null)), [row?.id]);

  useEffect(() => {
    const applySettings = (s: Awaited<ReturnType<typeof getSettings>>) => {
      setSingleKeys(s.singleKeys);
      const cfg = hubConfig(s);
      setSubjectLookup(() => (cfg ? (q: string, signal: AbortSignal) => findSubjects(cfg.url, q, { signal }) : null));
    };
    void getSettings().then(applySettings);
    const load = async () => setLast(((await browser.storage.local.get('lastCapture')) as { lastCapture?: LastCapture }).lastCapture ?? null);
    void load();
    const onChange = (changes: Record<string, unknown>, area: string) => {
      if (area === 'local' && 'lastCapture' in changes) {
        // A new capture is what the person wants to see next.
        setPicked(null);
        setShowLibrary(false);
        void load();
      }
      if (area === 'local' && 'settings' in changes) void getSettings().then(applySettings);
    };
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, []);

  const capturedId = last?.outcome.ok ? last.outcome.threadId : null;
  const threadId = ENTRY ? null : (PINNED_THREAD ?? picked ?? capturedId);
  const draftKey = (r: ThreadRow) => (revising ? `revise-${revising.entry.id}` : r.id);

  useEffect(() => {
    if (!threadId) return;
    void (async () => {
      const got = checkedRow(await db().threads.get(threadId), threadId);
      if ('error' in got) {
        setRow(null);
        return setLoadError(got.error);
      }
      const r = got.row;
      setLoadError('');
      // A re-capture of the thread being edited refreshes its posts and keeps the work in progress.
      if (row?.id === r.id && state) return setRow(r);
      const draft = await db().drafts.get(r.id);
      setRowJob((await db().jobItems.where('threadId').equals(r.id).first())?.jobId ?? null);
      setRow(r);
      setSubmitted(null);
      setErrors([]);
      setUsed(await usedPosts(r.id));
      setState(restoreState(draft?.state as Partial<EditorState> | undefined, r.thread));
    })();
  }, [threadId, last?.at]);

  // Revising: the entry, its thread, and the reviewer's comment; a draft of the revision survives closing the tab.
  useEffect(() => {
    if (!ENTRY) return;
    void (async () => {
      const [e, sub] = await Promise.all([db().entries.get(ENTRY), db().outbox.get(ENTRY)]);
      if (!e || !sub) return setLoadError(`The entry ${ENTRY} is not on this device, so it cannot be opened here.`);
      const got = checkedRow(await db().threads.get(e.threadId), e.threadId);
      if ('error' in got) return setLoadError(`${got.error} The entry itself is kept on the dashboard.`);
      const draft = await db().drafts.get(`revise-${ENTRY}`);
      setRevising({ entry: e.entry, sub });
      setRow(got.row);
      setState(draft ? restoreState(draft.state as Partial<EditorState>, got.row.thread) : stateFromEntry(e.entry, got.row.thread));
    })();
  }, []);

  // The autosave waiting to run, so a refused submission or the page being hidden can write it at once.
  const pendingSave = useRef<(() => Promise<unknown>) | null>(null);
  const saveDraftNow = async () => {
    clearTimeout(saveTimer.current);
    const save = pendingSave.current;
    pendingSave.current = null;
    await save?.();
  };
  const change = (s: EditorState) => {
    setState(s);
    setErrors([]);
    // Autosave: closing the panel never loses the work.
    clearTimeout(saveTimer.current);
    const at = epoch.current;
    if (row) {
      const id = draftKey(row);
      const tid = row.id;
      const save = async () => {
        if (epoch.current === at) await db().drafts.put({ id, threadId: tid, updatedAt: new Date().toISOString(), state: s });
      };
      pendingSave.current = save;
      saveTimer.current = setTimeout(() => {
        if (pendingSave.current === save) pendingSave.current = null;
        void save();
      }, 250);
    }
  };
  // Reloading or closing within the autosave's pause still keeps the last edit.
  useEffect(() => {
    const onHide = () => void saveDraftNow();
    const onVisibility = () => document.visibilityState === 'hidden' && onHide();
    window.addEventListener('pagehide', onHide);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.removeEventListener('pagehide', onHide);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, []);

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
      // Loaded on submit: it brings language and personal-data detection, which the first paint does without.
      const { buildEntry } = await import('../../lib/curate/entry.ts');
      const result = await buildEntry(toDraft(state, row.thread), {
        ...draftOptions(state),
        thread: row.thread,
        now: new Date(),
        extensionVersion: browser.runtime.getManifest().version,
        consent: {
          grant: state.grant,
          basis: state.basis,
          permissionPostIds: state.permissionPostIds ?? [],
          hubGrants: state.hubGrants ?? [],
          statement: statement?.text ?? '',
          statementVersion: statement?.version ?? '',
          who: settings.displayName || 'anonymous contributor',
          agreed: state.agreed,
        },
        attestation: await attestationForThread(db(), row.id),
        ...(revising ? { id: revising.entry.id } : {}),
      });
      if (!result.ok) {
        // Refused: what was typed is written now, not after the autosave's pause, so a reload keeps it.
        await saveDraftNow();
        return setErrors(result.errors);
      }
      if (revising) {
        // Nothing changes locally unless the hub takes the revision; the text stays in the editor otherwise.
        const r = await reviseSubmission(db(), hubConfig(settings), result.entry);
        if (!r.ok) {
          await saveDraftNow();
          return setErrors([r.reason]);
        }
        epoch.current++;
        clearTimeout(saveTimer.current);
        pendingSave.current = null;
        await db().drafts.delete(`revise-${revising.entry.id}`);
        setSubmitted(result.entry);
        setRevising({ entry: result.entry, sub: (await db().outbox.get(result.entry.id)) ?? revising.sub });
        return;
      }
      // A pending autosave must not bring the submitted draft back.
      epoch.current++;
      clearTimeout(saveTimer.current);
      pendingSave.current = null;
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
  const jobId = JOB ?? rowJob;
  const next = library && row && jobId ? nextToCurate(library, row.id, jobId) : null;
  const showCurate = !showLibrary && row && state && (ENTRY || PINNED_THREAD || picked || last?.outcome.ok);

  return (
    <main class={IN_TAB ? 'page page--wide' : 'page'}>
      <nav class="panel-nav" aria-label="Gleaner">
        {!ENTRY && !PINNED_THREAD && (
          <button type="button" class="link" data-testid="toggle-library" aria-expanded={showLibrary} onClick={() => setShowLibrary(!showLibrary)}>
            {showLibrary ? 'Back to the thread' : `Captured threads${threadCount !== undefined ? ` (${threadCount})` : ''}`}
          </button>
        )}{' '}
        {!ENTRY && !PINNED_THREAD && '· '}
        <a href={libraryHref()} target="_blank" data-testid="open-library">
          Library
        </a>{' '}
        ·{' '}
        <a href={dashboardHref()} target="_blank">
          Your submissions
        </a>{' '}
        ·{' '}
        <a href={browser.runtime.getURL('/options.html')} target="_blank">
          Settings
        </a>
      </nav>
      {!ENTRY && !PINNED_THREAD && !picked && !showLibrary && <CaptureNotice last={last} onFallback={fallback} onCapture={capture} />}
      {revising && revising.sub.state !== 'needs_changes' && !submitted && (
        <p class="notice" data-testid="entry-state-note">
          This entry is {revising.sub.state.replace('_', ' ')}. Only an entry a reviewer sent back with “needs changes” can be revised; the editor shows it as it was
          submitted.
        </p>
      )}
      {loadError && (
        <p class="notice" role="alert" data-testid="load-error">
          {loadError}
        </p>
      )}
      {showLibrary && library && (
        <LibraryList
          compact
          rows={library}
          openHref={(r) => curateThreadHref(r.id, r.jobId)}
          onOpen={(r) => {
            setPicked(r.id);
            setShowLibrary(false);
          }}
          onDelete={async (r) => {
            const { keptEntries } = await deleteThread(db(), r.id);
            return `Deleted “${r.title}”${keptEntries ? `; its ${keptEntries} entr${keptEntries === 1 ? 'y was' : 'ies were'} kept` : ''}.`;
          }}
        />
      )}
      {showCurate && (
        <CuratePanel
          key={`${row!.id}|${last?.at ?? ''}|${ENTRY ?? ''}`}
          thread={row!.thread}
          attestation={attestation}
          findHubGrants={lookUpHubGrants}
          state={state!}
          onChange={change}
          onSubmit={() => void submit()}
          onNextEntry={nextEntry}
          errors={errors}
          submitted={submitted}
          busy={busy}
          usedPostIds={used}
          singleKeys={singleKeys}
          findSubjects={subjectLookup}
          dashboardUrl={dashboardHref()}
          review={revising && revising.sub.state === 'needs_changes' ? { comment: revising.sub.reviewComment, state: revising.sub.state } : null}
          submitLabel={revising ? 'Send the revision' : undefined}
          findSimilar={async (r) => findSimilar(hubConfig(await getSettings()), r)}
          revisingId={revising?.entry.id ?? null}
          tabUrl={IN_TAB ? null : browser.runtime.getURL('/sidepanel.html') + '?tab=1'}
          footer={
            jobId && (
              <p class="next-thread" data-testid="next-thread">
                {next ? (
                  <a href={curateThreadHref(next.id, jobId)} data-testid="next-to-curate">
                    Next thread to curate: {next.title}
                  </a>
                ) : (
                  'Every thread of this bulk job has an entry or a draft.'
                )}{' '}
                · <a href={libraryHref(jobId)}>The job's threads in the library</a>
              </p>
            )
          }
        />
      )}
    </main>
  );
}

render(<App />, document.getElementById('app')!);
