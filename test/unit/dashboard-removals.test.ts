import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, type GleanerDb } from '../../lib/store/db.ts';
import { enqueue } from '../../lib/store/outbox.ts';
import { refreshStates } from '../../lib/hub/outbox.ts';
import { REMOVAL_WORDS, historyStateWords, stateView } from '../../lib/hub/removal-words.ts';
import type { HubEntryStatus } from '../../lib/model/submission.ts';
import { qaEntry } from '../support/entries.ts';

/**
 * Removals reach the contributor: the hub's entry list (as GET /v1/entries?mine=1 answers it, with the
 * status's `removal`) is served by a fetch stub; the dashboard's words come from stateView.
 */
const cfg = { url: 'http://hub.test', token: 't' };
let db: GleanerDb;
let n = 0;
beforeEach(async () => {
  db = openDb(`dashboard-removals-${++n}`);
  await db.open();
});

const status = (id: string, over: Partial<HubEntryStatus>): HubEntryStatus => ({
  id,
  kind: 'qa',
  title: 'x',
  state: 'withdrawn',
  comment: null,
  receivedAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-05T00:00:00Z',
  history: [],
  ...over,
});
const serving = (entries: HubEntryStatus[], etag: string) => async () => Response.json({ entries, nextCursor: null }, { headers: { etag } });

describe('a removal on the hub reaches the dashboard', () => {
  it("tells a removal (with its reason) from the contributor's own withdrawal", async () => {
    const removed = await qaEntry(undefined, { title: 'Removed one' });
    const mine = await qaEntry(undefined, { title: 'Withdrawn one' });
    await enqueue(db, removed, 't1', cfg.url);
    await enqueue(db, mine, 't1', cfg.url);
    const hubSays = [
      status(removed.id, { comment: 'Removed after a privacy report, upheld by a moderator. The entry leaves the next release. Phone number in answer 2.', removal: { reason: 'privacy', at: '2026-12-05T09:30:00.000Z' } }),
      status(mine.id, { comment: null }),
    ];
    const { changes } = await refreshStates(db, cfg, { fetch: serving(hubSays, '"1"') as typeof fetch });
    expect(changes).toEqual([
      { entryId: removed.id, state: 'withdrawn', comment: hubSays[0]!.comment, removal: { reason: 'privacy', at: '2026-12-05T09:30:00.000Z' } },
      { entryId: mine.id, state: 'withdrawn', comment: null },
    ]);
    const r = (await db.outbox.get(removed.id))!;
    const m = (await db.outbox.get(mine.id))!;
    expect(r.removal).toEqual({ reason: 'privacy', at: '2026-12-05T09:30:00.000Z' });
    expect(m.removal).toBeUndefined();

    expect(stateView(r)).toEqual({
      label: 'removed from the dataset',
      removal: 'Someone reported that this entry exposes personal information, and a moderator of the hub agreed. The entry leaves the next release. (Removed on 2026-12-05.)',
      kind: 'removed',
    });
    expect(stateView(m)).toEqual({ label: 'withdrawn by you', removal: null, kind: 'withdrawn' });
    expect(historyStateWords('withdrawn', !!r.removal)).toBe('removed from the dataset');
    expect(historyStateWords('withdrawn', !!m.removal)).toBe('withdrawn by you');

    // The same answer again changes nothing.
    expect((await refreshStates(db, cfg, { fetch: serving(hubSays, '"2"') as typeof fetch })).changes).toEqual([]);
  });

  it('a removal that arrives after the state already read withdrawn is still picked up', async () => {
    const e = await qaEntry(undefined, { title: 'Later removal' });
    await enqueue(db, e, 't1', cfg.url);
    const comment = 'Removed: an author whose posts this entry quotes asked on the hub that their posts be left out. The entry leaves the next release.';
    await refreshStates(db, cfg, { fetch: serving([status(e.id, { comment })], '"a"') as typeof fetch });
    expect((await db.outbox.get(e.id))!.removal).toBeUndefined();
    const { changes } = await refreshStates(db, cfg, { fetch: serving([status(e.id, { comment, removal: { reason: 'author_request', at: '2026-12-06T00:00:00.000Z' } })], '"b"') as typeof fetch });
    expect(changes.map((c) => c.removal?.reason)).toEqual(['author_request']);
    const row = (await db.outbox.get(e.id))!;
    expect(stateView(row).removal).toBe(`${REMOVAL_WORDS.author_request} (Removed on 2026-12-06.)`);
    // One withdrawn step in the history, not two: the state itself did not change.
    expect(row.history.filter((h) => h.state === 'withdrawn')).toHaveLength(1);
  });

  it('every removal reason has its own words, and other states keep theirs', () => {
    const reasons = ['author_request', 'copyright', 'privacy', 'wrong_attribution'] as const;
    const words = reasons.map((reason) => stateView({ state: 'withdrawn', removal: { reason, at: '2026-12-06T00:00:00Z' }, history: [] }).removal);
    expect(new Set(words).size).toBe(4);
    expect(words[0]).toMatch(/^An author whose posts this entry quotes asked on the hub/);
    expect(words[1]).toMatch(/infringes copyright/);
    expect(words[3]).toMatch(/names the wrong authors/);
    expect(stateView({ state: 'needs_changes', history: [] }).label).toBe('needs changes');
    expect(stateView({ state: 'published', history: [] })).toEqual({ label: 'published', removal: null, kind: 'published' });
  });
});
