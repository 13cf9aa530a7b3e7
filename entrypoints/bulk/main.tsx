import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import '../../components/style.css';
import { BulkForm } from '../../components/BulkForm.tsx';
import { BulkProgress } from '../../components/BulkProgress.tsx';
import { AttestationSummary } from '../../components/AttestationSummary.tsx';
import { vouchSentence, vouchStatus } from '../../lib/hub/vouches.ts';
import { getSettings, hubConfig } from '../../lib/ext/settings.ts';
import { useLive } from '../../components/useLive.ts';
import { db } from '../../lib/ext/db.ts';
import { send } from '../../lib/ext/messages.ts';
import { jobOrigins, type NewJob } from '../../lib/bulk/create.ts';
import { jobProgress } from '../../lib/bulk/progress.ts';
import type { JobCommand } from '../../lib/bulk/controls.ts';
import { curateThreadHref, libraryHref } from '../../lib/ext/pages.ts';
import { loadLibrary, nextToCurate } from '../../lib/store/library.ts';

/** While this page is open it nudges the background every few seconds, so a stopped worker resumes at once. */
const KICK_MS = 3000;

/**
 * Host access for the job's sites only, asked from the click (the gesture stays valid across the short
 * check before it).
 */
async function askHosts(origins: string[]): Promise<boolean> {
  // Already granted: no prompt (a request would open one anyway in some browsers).
  if (await browser.permissions.contains({ origins }).catch(() => false)) return true;
  return browser.permissions.request({ origins }).catch(() => false);
}

/** The job's captured threads, each opening straight in the curate view, and the way to work through them. */
function JobThreads({ jobId, finished }: { jobId: string; finished: boolean }) {
  const rows = useLive(async () => (await loadLibrary(db())).filter((r) => r.jobId === jobId), [jobId]) ?? [];
  if (!rows.length) return null;
  const next = nextToCurate(rows, null, jobId);
  const curated = rows.filter((r) => Object.keys(r.states).length > 0).length;
  return (
    <section aria-label="Captured threads" data-testid="job-threads">
      <h3>
        Captured threads ({rows.length}, {curated} with an entry or draft)
      </h3>
      <p>
        {next ? (
          <a class="button primary" href={curateThreadHref(next.id, jobId)} target="_blank" data-testid="next-to-curate">
            {curated ? 'Next thread to curate' : 'Curate the first thread'}: {next.title}
          </a>
        ) : (
          'Every captured thread has an entry or a draft.'
        )}{' '}
        · <a href={libraryHref(jobId)} data-testid="job-library">
          {finished ? 'Open the job\'s threads in the library' : 'The threads captured so far, in the library'}
        </a>
      </p>
      <ul class="job-threads">
        {rows.slice(0, 50).map((r) => (
          <li key={r.id}>
            <a href={curateThreadHref(r.id, jobId)} target="_blank" data-testid="job-thread">
              {r.title}
            </a>{' '}
            <span class="muted">
              ({r.posts} posts{Object.keys(r.states).length ? ', curated' : ''})
            </span>
          </li>
        ))}
      </ul>
      {rows.length > 50 && <p class="muted">…and {rows.length - 50} more in the library.</p>}
    </section>
  );
}

function App() {
  const jobs = useLive(() => db().jobs.orderBy('createdAt').reverse().limit(10).toArray(), []) ?? [];
  const [selected, setSelected] = useState<string | null>(null);
  const jobId = selected ?? jobs[0]?.id ?? null;
  const job = jobs.find((j) => j.id === jobId);
  const items = useLive(() => (jobId ? db().jobItems.where('jobId').equals(jobId).toArray() : Promise.resolve([])), [jobId]) ?? [];
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [showForm, setShowForm] = useState(false);
  // Asked once per job shown: whether the hub will take entries resting on this job's attestation.
  const [vouch, setVouch] = useState<string | null>(null);
  const forumUrl = job ? (job.source.kind === 'urls' ? job.source.text.split(/\s+/).find((u) => /^https?:\/\//.test(u)) ?? '' : job.source.url) : '';
  useEffect(() => {
    setVouch(null);
    if (!forumUrl) return;
    let live = true;
    void getSettings()
      .then((s) => vouchStatus(hubConfig(s), forumUrl))
      .then((st) => live && setVouch(vouchSentence(st)));
    return () => {
      live = false;
    };
  }, [job?.id, forumUrl]);

  const active = job && (job.state === 'running' || job.state === 'discovering');
  useEffect(() => {
    if (!active) return;
    void send({ type: 'bulk-kick' });
    const t = setInterval(() => void send({ type: 'bulk-kick' }), KICK_MS);
    return () => clearInterval(t);
  }, [active]);

  const count = async (req: NewJob) => {
    setError('');
    const origins = jobOrigins(req.source, req.attestation.termsUrl);
    if (req.notify) await browser.permissions.request({ permissions: ['notifications'] }).catch(() => false);
    if (origins.length && !(await askHosts(origins))) {
      setError(`Gleaner needs to read ${origins.map((o) => o.replace('/*', '')).join(', ')} to fetch the threads of this job (one page at a time, at the pace you set). It asks for this site only; without it nothing is fetched.`);
      return;
    }
    setBusy(true);
    const r = await send<{ ok: true; jobId: string; rejected: string[] } | { ok: false; error: string }>({ type: 'bulk-create', job: req });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    if (r.rejected.length) setError(`Not web addresses, left out: ${r.rejected.join(' ')}`);
    setSelected(r.jobId);
    setShowForm(false);
  };
  const command = async (c: JobCommand) => {
    const r = await send<{ ok: boolean; error?: string }>({ type: 'bulk-command', jobId: jobId!, command: c });
    if (!r.ok) setError(r.error ?? '');
  };

  return (
    <main class="page page--wide">
      <h1>Bulk capture</h1>
      <p class="muted">
        Bring a community's archive in: Gleaner reads a board, a sitemap or a list of threads at a polite pace, obeys robots.txt, and keeps going
        after the browser restarts. <a href="/dashboard.html">Your submissions</a>
      </p>
      {jobs.length > 1 && (
        <label class="field">
          <span>Job</span>
          <select value={jobId ?? ''} onChange={(e) => setSelected((e.target as HTMLSelectElement).value)}>
            {jobs.map((j) => (
              <option key={j.id} value={j.id}>
                {j.attestation.community} — {new Date(j.createdAt).toLocaleString()} ({j.state})
              </option>
            ))}
          </select>
        </label>
      )}
      {job && !showForm ? (
        <>
          <BulkProgress
            job={job}
            progress={jobProgress(job, items)}
            problems={items.filter((i) => i.state === 'failed' || i.state === 'skipped')}
            onCommand={(c) => void command(c)}
            onRetry={(itemId) => void send({ type: 'bulk-retry', jobId: job.id, itemId })}
          />
          {error && <p class="warn">{error}</p>}
          <AttestationSummary attestation={job.attestation} vouch={vouch} />
          <JobThreads jobId={job.id} finished={job.state === 'done' || job.state === 'cancelled'} />
          <button name="new-job" onClick={() => setShowForm(true)}>
            New bulk capture
          </button>
        </>
      ) : (
        <BulkForm busy={busy} error={error} onCount={(r) => void count(r)} />
      )}
    </main>
  );
}

render(<App />, document.getElementById('app')!);
