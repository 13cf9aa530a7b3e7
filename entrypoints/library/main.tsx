import { render } from 'preact';
import '../../components/style.css';
import { LibraryList } from '../../components/LibraryList.tsx';
import { useLive } from '../../components/useLive.ts';
import { db } from '../../lib/ext/db.ts';
import { curateThreadHref as curateHref } from '../../lib/ext/pages.ts';
import { deleteThread, loadLibrary, nextToCurate } from '../../lib/store/library.ts';

const params = new URLSearchParams(location.search);
const JOB = params.get('job');

function App() {
  const rows = useLive(() => loadLibrary(db()), []);
  const job = useLive(() => (JOB ? db().jobs.get(JOB) : Promise.resolve(undefined)), []);
  const next = rows && JOB ? nextToCurate(rows, null, JOB) : null;
  return (
    <main class="page">
      <h1>Library</h1>
      <p class="muted">
        Every thread captured on this device: single pages, whole threads, imported conversations and bulk captures. Open one to make entries from it.{' '}
        <a href="/dashboard.html">Your submissions</a> · <a href="/bulk.html">Bulk capture</a> · <a href="/import.html">Import an archive</a>
      </p>
      {JOB && (
        <p class="notice" data-testid="library-job">
          Showing the threads of the bulk job {job ? `“${job.attestation.community}”` : JOB}. <a href="/library.html">Show every thread</a>
          {next ? (
            <>
              {' '}
              ·{' '}
              <a href={curateHref(next.id, JOB)} data-testid="next-to-curate" target="_blank">
                Next thread to curate: {next.title}
              </a>
            </>
          ) : (
            rows && ' · Every thread of this job has an entry or a draft.'
          )}
        </p>
      )}
      {rows ? (
        <LibraryList
          rows={rows}
          initial={{ jobId: JOB }}
          openHref={(r) => curateHref(r.id, r.jobId)}
          onDelete={async (r) => {
            const { keptEntries } = await deleteThread(db(), r.id);
            return `Deleted “${r.title}”${keptEntries ? `; its ${keptEntries} entr${keptEntries === 1 ? 'y was' : 'ies were'} kept` : ''}.`;
          }}
        />
      ) : (
        <p class="hint">Loading…</p>
      )}
    </main>
  );
}

render(<App />, document.getElementById('app')!);
