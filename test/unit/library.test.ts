import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type GleanerDb, type ThreadRow } from '../../lib/store/db.ts';
import { saveThread } from '../../lib/store/threads.ts';
import { enqueue, withState } from '../../lib/store/outbox.ts';
import { deleteThread, filterLibrary, loadLibrary, nextToCurate, sourceOf, summariseLibrary, type LibraryRow } from '../../lib/store/library.ts';
import { reviseSubmission, withdrawSubmission } from '../../lib/hub/review-actions.ts';
import { stateFromEntry, toDraft } from '../../lib/curate/editor.ts';
import { buildEntry } from '../../lib/curate/entry.ts';
import { startHub, type RunningHub } from '../support/hub.ts';
import { discourseThread, qaEntry } from '../support/entries.ts';
import type { Thread } from '../../lib/model/thread.ts';

const base = discourseThread();
const variant = (url: string, patch: Partial<Thread> = {}): Thread => ({ ...base, url, title: `${base.title} ${url}`, ...patch });
const row = (id: string, thread: Thread, capturedAt: string): ThreadRow => ({ id, url: thread.url, capturedAt, thread });

describe('library rows (pure)', () => {
  const threads = [
    row('t1', variant('https://f.example/t/1'), '2026-01-01T00:00:00Z'),
    row('t2', variant('https://f.example/t/2', { pagination: { page: 1, pageCount: 3, nextUrl: null } }), '2026-01-02T00:00:00Z'),
    row('t3', variant('slack://team/C1', { platform: 'slack', title: 'general channel' }), '2026-01-03T00:00:00Z'),
    row('t4', variant('https://f.example/t/4'), '2026-01-04T00:00:00Z'),
    row('t5', variant('https://f.example/t/5'), '2026-01-05T00:00:00Z'),
  ];
  const rows = summariseLibrary(
    threads,
    [
      { id: 'e1', threadId: 't1' },
      { id: 'e2', threadId: 't1' },
      { id: 'e3', threadId: 't4' },
    ],
    [
      { entryId: 'e1', state: 'accepted' },
      { entryId: 'e2', state: 'needs_changes' },
      { entryId: 'e3', state: 'in_review' },
    ],
    [
      { threadId: 't2', state: { questionId: 'p1', answerIds: [] } },
      // Opened but nothing chosen: not a draft worth showing.
      { threadId: 't3', state: { questionId: null, answerIds: [], strategyIds: [] } },
    ],
    [
      { jobId: 'J', threadId: 't4' },
      { jobId: 'J', threadId: 't5' },
    ],
  );
  const byId = Object.fromEntries(rows.map((r) => [r.id, r])) as Record<string, LibraryRow>;

  it('tells single, multi-page, imported and bulk captures apart, newest first, with post counts and states', () => {
    expect(rows.map((r) => r.id)).toEqual(['t5', 't4', 't3', 't2', 't1']);
    expect(rows.map((r) => r.source)).toEqual(['bulk', 'bulk', 'import', 'multipage', 'capture']);
    expect(byId.t1!.states).toEqual({ accepted: 1, needs_changes: 1 });
    expect(byId.t1!.entries).toBe(2);
    expect(byId.t2!.states).toEqual({ draft: 1 });
    expect(byId.t2!.entries).toBe(0);
    expect(byId.t3!.states).toEqual({});
    expect(byId.t1!.posts).toBe(base.posts.length);
    expect(sourceOf(threads[0]!, false)).toBe('capture');
  });

  it('filters by words (all must match), source, entry state, "not curated yet" and job', () => {
    expect(filterLibrary(rows, { query: 'general' }).map((r) => r.id)).toEqual(['t3']);
    expect(filterLibrary(rows, { query: 'f.example t/4' }).map((r) => r.id)).toEqual(['t4']);
    expect(filterLibrary(rows, { query: 'f.example nothing' })).toEqual([]);
    expect(filterLibrary(rows, { source: 'bulk' }).map((r) => r.id)).toEqual(['t5', 't4']);
    expect(filterLibrary(rows, { state: 'needs_changes' }).map((r) => r.id)).toEqual(['t1']);
    expect(filterLibrary(rows, { state: 'draft' }).map((r) => r.id)).toEqual(['t2']);
    expect(filterLibrary(rows, { state: 'uncurated' }).map((r) => r.id)).toEqual(['t5', 't3']);
    expect(filterLibrary(rows, { jobId: 'J', state: 'uncurated' }).map((r) => r.id)).toEqual(['t5']);
  });

  it('"next thread to curate" stays in the job, skips curated threads and wraps round', () => {
    expect(nextToCurate(rows, 't4', 'J')?.id).toBe('t5');
    expect(nextToCurate(rows, 't5', 'J')).toBeNull();
    expect(nextToCurate(rows, null, null)?.id).toBe('t5');
    expect(nextToCurate(rows, 't5', null)?.id).toBe('t3');
  });
});

describe('library in the store', () => {
  let db: GleanerDb;
  let n = 0;
  beforeEach(async () => {
    db = openDb(`library-test-${++n}`);
    await db.open();
  });

  it('deleting a thread removes it and its draft but keeps submitted entries and their outbox rows', async () => {
    const t = await saveThread(db, base);
    const other = await saveThread(db, variant('https://f.example/other'));
    const e = await qaEntry(base);
    await enqueue(db, e, t.id, 'http://hub.invalid');
    await db.drafts.put({ id: t.id, threadId: t.id, updatedAt: '2026-01-01T00:00:00Z', state: { questionId: 'x' } });
    expect((await loadLibrary(db)).map((r) => [r.id, r.states])).toEqual([
      [other.id, {}],
      [t.id, { queued: 1, draft: 1 }],
    ]);
    expect(await deleteThread(db, t.id)).toEqual({ keptEntries: 1 });
    expect(await db.threads.get(t.id)).toBeUndefined();
    expect(await db.drafts.count()).toBe(0);
    expect(await db.entries.get(e.id)).toBeDefined();
    expect((await db.outbox.get(e.id))?.state).toBe('queued');
    expect((await loadLibrary(db)).map((r) => r.id)).toEqual([other.id]);
  });
});

describe('acting on review against the real hub', () => {
  let hub: RunningHub;
  let token: string;
  let db: GleanerDb;
  let n = 0;
  beforeAll(async () => {
    hub = await startHub({ writeRateLimit: false });
    token = hub.store.addContributor('alice').token;
  });
  afterAll(() => hub.stop());
  beforeEach(async () => {
    db = openDb(`review-test-${++n}`);
    await db.open();
  });

  async function atHub(title: string) {
    const e = await qaEntry(base, { title });
    const threadId = (await saveThread(db, base)).id;
    const sub = await enqueue(db, e, threadId, hub.url);
    const res = await fetch(`${hub.url}/v1/submissions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `k-${e.id}` }, body: JSON.stringify({ entries: [e] }) });
    expect(res.status).toBe(202);
    await db.outbox.put(withState(sub, 'received', new Date()));
    return e;
  }
  const cfg = () => ({ url: hub.url, token });
  const sendBack = async (id: string, comment: string) => {
    hub.store.setState(id, 'needs_changes', comment);
    const s = (await db.outbox.get(id))!;
    await db.outbox.put({ ...withState(s, 'needs_changes', new Date(), comment), reviewComment: comment });
  };
  async function revised(e: Awaited<ReturnType<typeof qaEntry>>, title: string) {
    const s = stateFromEntry(e, base);
    const st = e.consent;
    const r = await buildEntry(toDraft({ ...s, title, agreed: true }, base), {
      thread: base,
      now: new Date(),
      extensionVersion: 'test',
      id: e.id,
      consent: { grant: st.license, basis: st.basis, permissionPostIds: (st.permissions ?? []).flatMap((p) => (p.post ? [p.post.postId] : [])), statement: st.statement, statementVersion: st.statementVersion, who: 'tester', agreed: true },
    });
    if (!r.ok) throw new Error(r.errors.join('; '));
    return r.entry;
  }

  it('a "needs changes" entry is revised with If-Match: the hub has it back in review, the history shows both', async () => {
    const e = await atHub('Octoverse');
    await sendBack(e.id, 'Name the year in the title.');
    const next = await revised(e, 'Octoverse 2013');
    const r = await reviseSubmission(db, cfg(), next);
    expect(r).toMatchObject({ ok: true });
    const sub = (await db.outbox.get(e.id))!;
    expect([sub.state, sub.reviewComment]).toEqual(['received', null]);
    expect((await db.entries.get(e.id))!.entry.title).toBe('Octoverse 2013');
    const s = await (await fetch(`${hub.url}/v1/entries/${e.id}`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(s.state).toBe('received');
    expect(s.revisionOf.revision).toBeGreaterThan(0);
    expect(s.history.map((h: { state: string }) => h.state)).toEqual(['received', 'needs_changes', 'received']);
  });

  it('a revision the hub refuses keeps the local rows as they were and says why', async () => {
    const e = await atHub('Octoverse refused');
    await sendBack(e.id, 'Shorter title please.');
    // 422: the hub's title limit (300 characters), which the extension also checks when it builds an
    // entry, so the over-long title is set after building, as an older extension or another client might.
    // The contentSha256 still matches the messages.
    const tooLong = { ...(await revised(e, 'Octoverse, revised')), title: 'x'.repeat(301) };
    const r = await reviseSubmission(db, cfg(), tooLong);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/refused the revised entry as invalid.*title.*your text is kept/s);
    expect((await db.outbox.get(e.id))!.state).toBe('needs_changes');
    expect((await db.entries.get(e.id))!.entry.title).toBe('Octoverse refused');
    // The reviewer changed the comment meanwhile: refused before anything is sent.
    hub.store.setState(e.id, 'in_review', null);
    hub.store.setState(e.id, 'needs_changes', 'Something else now.');
    const r2 = await reviseSubmission(db, cfg(), await revised(e, 'Octoverse, shorter'));
    expect(!r2.ok && r2.reason).toMatch(/changed their comment/);
  });

  it('withdraw: at the hub when it is there, locally when it never left; offline says so and changes nothing', async () => {
    const e = await atHub('To withdraw');
    const offline = await withdrawSubmission(db, { url: 'http://127.0.0.1:9', token }, e.id);
    expect(!offline.ok && offline.reason).toMatch(/could not be reached.*nothing was withdrawn/s);
    expect((await db.outbox.get(e.id))!.state).toBe('received');
    expect(await withdrawSubmission(db, cfg(), e.id)).toMatchObject({ ok: true });
    expect((await db.outbox.get(e.id))!.state).toBe('withdrawn');
    expect(hub.store.entryStatus(e.id)).toMatchObject({ state: 'withdrawn' });
    const local = await qaEntry(base, { title: 'never sent' });
    await enqueue(db, local, 'x', hub.url, new Date(), { hold: true });
    expect(await withdrawSubmission(db, null, local.id)).toMatchObject({ ok: true, message: expect.stringMatching(/will not be sent/) });
    expect((await db.outbox.get(local.id))!.state).toBe('withdrawn');
  });
});
