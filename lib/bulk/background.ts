import { browser } from 'wxt/browser';
import { db } from '../ext/db.ts';
import { linkedomKit } from '../extract/linkedom.ts';
import { createJob } from './create.ts';
import { readRulesPage } from './rules-page.ts';
import { commandJob, retryFailed } from './controls.ts';
import { runJob, type RunnerDeps } from './runner.ts';
import { jobProgress } from './progress.ts';
import type { BulkRequest } from './messages.ts';

/**
 * Background wiring for bulk capture. The service worker may be stopped at any time: a periodic alarm
 * (and any message from the bulk page) wakes it, and `resumeJobs` picks up every running job from
 * Dexie. Timers only bridge the short gaps between requests while the worker is alive.
 */
const ALARM = 'bulk-wake';
const running = new Map<string, Promise<unknown>>();

function deps(): RunnerDeps {
  return {
    db: db(),
    // The service worker has no DOMParser in Chrome MV3: linkedom parses fetched pages there.
    dom: linkedomKit,
    fetch: (url, init) => fetch(url, init),
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    random: Math.random,
  };
}

/** Jobs shorter than this end while the user is still watching: no notification needed. */
const LONG_JOB_MS = 60_000;

async function notifyEnd(jobId: string): Promise<void> {
  const job = await db().jobs.get(jobId);
  if (!job?.notify || job.state !== 'done' || !browser.notifications) return;
  if (job.startedAt && Date.now() - Date.parse(job.startedAt) < LONG_JOB_MS) return;
  if (!(await browser.permissions.contains({ permissions: ['notifications'] }))) return;
  const p = jobProgress(job, await db().jobItems.where('jobId').equals(jobId).toArray());
  await browser.notifications.create(`gleaner-bulk-${jobId}`, {
    type: 'basic',
    iconUrl: browser.runtime.getURL('/icon/128.png'),
    title: `Gleaner: bulk capture of ${job.attestation.community} finished`,
    message: `${p.done} threads captured, ${p.failed} failed, ${p.skipped} skipped. Open the bulk capture page for details.`,
  });
}

function ensureRunning(jobId: string): void {
  if (running.has(jobId)) return;
  const p = runJob(deps(), jobId)
    .then((state) => (state === 'done' ? notifyEnd(jobId) : undefined))
    .catch((e) => console.error('bulk job', jobId, e))
    .finally(() => {
      running.delete(jobId);
      void resumeJobs();
    });
  running.set(jobId, p);
}

/** Starts every job that should be moving; keeps the wake-up alarm only while one is. */
export async function resumeJobs(): Promise<number> {
  const active = await db().jobs.where('state').anyOf('discovering', 'running').toArray();
  for (const j of active) ensureRunning(j.id);
  if (active.length) await browser.alarms.create(ALARM, { periodInMinutes: 0.5 });
  else await browser.alarms.clear(ALARM);
  return active.length;
}

async function handle(req: BulkRequest): Promise<unknown> {
  switch (req.type) {
    case 'bulk-create': {
      // The attestation records the community's rules page as it reads now (host access was asked with the job's sites).
      const rules = await readRulesPage(req.job.attestation.termsUrl, req.job.attestation.license, { fetch: (u, i) => fetch(u, i), dom: linkedomKit, now: () => Date.now() });
      if (!rules.ok) return rules;
      const r = await createJob(db(), { ...req.job, attestation: { ...req.job.attestation, rulesPage: rules.page } });
      if (r.ok) await resumeJobs();
      return r;
    }
    case 'bulk-command': {
      const r = await commandJob(db(), req.jobId, req.command);
      await resumeJobs();
      return r;
    }
    case 'bulk-retry': {
      const n = await retryFailed(db(), req.jobId, req.itemId);
      await resumeJobs();
      return { ok: true, requeued: n };
    }
    case 'bulk-kick':
      return { ok: true, active: await resumeJobs() };
  }
}

export function registerBulk(): void {
  browser.alarms.onAlarm.addListener((a) => {
    if (a.name === ALARM) void resumeJobs();
  });
  browser.runtime.onMessage.addListener((msg: unknown) => {
    const t = (msg as { type?: unknown })?.type;
    return typeof t === 'string' && t.startsWith('bulk-') ? handle(msg as BulkRequest) : undefined;
  });
  void resumeJobs().catch((e) => console.error('bulk resume', e));
}
