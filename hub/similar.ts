import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Entry } from '../lib/model/entry.ts';
import type { HubSimilarEntry } from '../lib/model/submission.ts';
import { HubDismissRequest, HubMergeRequest, HubSimilarRequest } from '../lib/model/similar.ts';
import {
  bandKeys,
  estimatedJaccard,
  questionText,
  signature,
  signatureFromHex,
  SIMILAR_THRESHOLD,
  sourceKeys,
  type SourceRef,
} from '../lib/curate/similar.ts';
import { mergeEntries } from '../lib/curate/merge-entries.ts';
import { entryProblems } from '../lib/license/entry-checks.ts';
import { MAX_ISSUES_PER_ENTRY } from '../lib/model/limits.ts';
import type { Contributor, HubStore, StoredStatus } from './store.ts';
import { similarStoreOf, type IndexRow, type SimilarStore } from './similar-store.ts';
import { indexRowOf, indexSource } from './similar-index.ts';
import { problem } from './problem.ts';
import { checkLimits, DEFAULT_LIMITS, type EntryLimits } from './limits.ts';
import { evidenceProblems } from './evidence.ts';
import { vouchesOf } from './vouch-store.ts';
import { entryEtag, MERGE_FROM, MERGE_INTO, revisionFromIfMatch } from './workflow.ts';

/**
 * Duplicates found, not multiplied. On submit and revision the hub indexes each entry's source posts and
 * the MinHash signature of its question (lib/curate/similar.ts); moderators see, with each queue item, the
 * live entries that draw on the same posts or ask a near-identical question, and either keep both (the flag
 * is dismissed) or fold one into the other. A contributor can ask before submitting.
 *
 * Folding B into A: B becomes `rejected` with a recorded `mergedInto` rather than a new state, because the
 * state machine already makes rejected final (no review move, no withdrawal, never published) and every
 * client already knows the state: older extensions validate states against the enum they were built with,
 * so a new one would break their polling. The comment and `mergedInto` say it was a merge, not a refusal.
 */

/** Flags listed per entry at most, and candidates verified per lookup (most shared posts, then most shared bands). */
const MAX_FLAGS = 20;
const MAX_CANDIDATES = 50;
const BACKFILL_BATCH = 200;
/**
 * How long the drain lets entries gather before it writes them. One write per submission cost more on the
 * hub's thread than the writes themselves under `npm run bench -- hub-load`: posting a message to the
 * SQLite index's worker took ~0.15 ms each, and on PostgreSQL each write is a transaction. The index lags
 * the answers by this much more; a moderator's read still waits for it (`settled`).
 */
const GATHER_MS = 10;
const gather = () => new Promise<void>((ok) => setTimeout(ok, GATHER_MS));
const SMALL_BODY_BYTES = 16 * 1024;
const LOOKUP_BODY_BYTES = 512 * 1024;

export type Flag = HubSimilarEntry & { contributorId: string };

export const indexRow = (e: Entry): IndexRow => indexRowOf(indexSource(e));

/** The duplicate index of one hub store: indexing after commits, lookups, and the backfill of older entries. */
export class Similarity {
  private queue: Entry[] = [];
  private running: Promise<void> | null = null;
  private backfilled: Promise<number> | null = null;

  constructor(readonly sims: SimilarStore) {}

  /**
   * Indexes entries the hub has just stored, after the answer has gone: the index is derived data and
   * never delays or fails a submission (a lost batch is rebuilt by the backfill on the next start).
   */
  received(entries: Entry[]): void {
    if (!entries.length) return;
    this.queue.push(...entries);
    this.running ??= gather().then(() => this.drain());
  }

  private write(entries: Entry[]): Promise<void> {
    return this.sims.indexEntries ? this.sims.indexEntries(entries.map(indexSource)) : this.sims.index(entries.map(indexRow));
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, BACKFILL_BATCH);
        try {
          await this.write(batch);
        } catch (e) {
          console.error(`hub: could not index ${batch.length} entries for duplicates (${(e as Error).message}); the next start indexes them.`);
        }
        if (this.queue.length && this.queue.length < BACKFILL_BATCH) await gather();
      }
    } finally {
      this.running = null;
    }
  }

  /** Waits for indexing already asked for, so a moderator's read sees the entries just submitted. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Indexes every live entry that has no signature yet (entries from before this feature, or lost batches)
   * and was received before this run began; one run at a time. Entries received since are the drain's
   * (`received`): without that bound, a backfill started under load followed the new entries by id and
   * indexed each a second time beside the drain, on PostgreSQL on the hub's event loop, and never ended
   * while submissions kept coming (`npm run bench -- hub-load`).
   */
  backfill(): Promise<number> {
    this.backfilled ??= (async () => {
      const receivedBy = new Date().toISOString();
      let n = 0;
      let after = '';
      for (;;) {
        const rows = await this.sims.unindexed(BACKFILL_BATCH, after, receivedBy);
        if (!rows.length) return n;
        await this.write(rows.map((r) => r.record));
        n += rows.length;
        after = rows.at(-1)!.id;
        await new Promise<void>((ok) => setImmediate(ok));
      }
    })().catch((e) => {
      console.error(`hub: indexing older entries for duplicates failed (${(e as Error).message}).`);
      return 0;
    }).finally(() => {
      this.backfilled = null;
    });
    return this.backfilled;
  }

  /** Live entries other than `excludeId` that share a source post with these, or ask a near-identical question. */
  async find(sources: readonly SourceRef[], question: string, excludeId: string | null): Promise<Flag[]> {
    const perSource = sources.map((s) => sourceKeys([s]));
    const srcKeys = [...new Set(perSource.flat())];
    const sig = signature(question);
    const hits = await this.sims.hits([...srcKeys, ...bandKeys(sig)], excludeId, MAX_CANDIDATES);
    const by = new Map(hits.map((h) => [h.entryId, { src: new Set(h.sourceKeys), bands: h.bands }]));
    const ids = hits.map((h) => h.entryId);
    const flags: Flag[] = [];
    for (const row of await this.sims.rows(ids)) {
      const c = by.get(row.id)!;
      const sharedSources = perSource.filter((keys) => keys.some((k) => c.src.has(k))).length;
      const score = row.signature ? estimatedJaccard(sig, signatureFromHex(row.signature)) : 0;
      if (!sharedSources && score < SIMILAR_THRESHOLD) continue;
      flags.push({ id: row.id, title: row.title, state: row.state, reason: sharedSources ? 'same_sources' : 'similar_question', score, sharedSources, contributorId: row.contributorId });
    }
    return flags.sort((a, b) => b.sharedSources - a.sharedSources || b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, MAX_FLAGS);
  }

  /** What a moderator sees with an entry: its possible duplicates, less the pairs they chose to keep. */
  async flagsFor(entry: Entry): Promise<HubSimilarEntry[]> {
    const [flags, dismissed] = await Promise.all([this.find(entry.sources, questionText(entry), entry.id), this.sims.dismissedWith(entry.id)]);
    return flags.filter((f) => !dismissed.has(f.id)).map(publicFlag);
  }
}

const publicFlag = ({ contributorId: _, ...f }: Flag): HubSimilarEntry => f;

const cache = new WeakMap<HubStore, Promise<Similarity>>();

/** The duplicate index of a hub store; the first use starts indexing older entries in the background. */
export function similarityOf(store: HubStore): Promise<Similarity> {
  let s = cache.get(store);
  if (!s) {
    s = similarStoreOf(store).then((sims) => {
      const sim = new Similarity(sims);
      void sim.backfill();
      return sim;
    });
    cache.set(store, s);
  }
  return s;
}

type Env = { Variables: { contributor: Contributor } };

export interface SimilarRoutesOptions {
  fourEyes: boolean;
  validId: (id: string) => boolean;
  limits?: EntryLimits;
}

/** What app.ts calls: index after a submit or revision, flags for the queue, and the pointer of a merged entry. */
export interface SimilarHooks {
  received(entries: Entry[]): void;
  flagsFor(items: { status: StoredStatus; record: Entry }[]): Promise<Map<string, HubSimilarEntry[]>>;
  mergedInto(s: StoredStatus): Promise<string | null>;
}

export function mountSimilar(app: Hono<Env>, store: HubStore, opts: SimilarRoutesOptions): SimilarHooks {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const sim = () => similarityOf(store);
  const onlyModerators = (c: Context) => problem(c, 403, 'Forbidden', 'Only moderators see and resolve possible duplicates.');
  const publicStatus = async (id: string) => {
    const s = (await store.entryStatus(id))!;
    const { contributorId: _, changeSeq: __, ...status } = s;
    return { ...status, mergedInto: (await (await sim()).sims.mergedInto([id])).get(id) ?? null };
  };
  const small = bodyLimit({ maxSize: SMALL_BODY_BYTES, onError: (c) => problem(c, 413, 'Payload too large', `Requests here are limited to ${SMALL_BODY_BYTES} bytes.`, undefined, { connection: 'close' }) });
  app.use('/v1/entries/:id/merge', small);
  app.use('/v1/entries/:id/similar/dismiss', small);
  app.use('/v1/similar', bodyLimit({ maxSize: LOOKUP_BODY_BYTES, onError: (c) => problem(c, 413, 'Payload too large', `A lookup is limited to ${LOOKUP_BODY_BYTES} bytes: send the source addresses and the question only.`, undefined, { connection: 'close' }) }));

  /**
   * Before submitting: any account may ask which live entries draw on these posts or ask this question.
   * The answer names entries by id, title and state only: never who submitted them.
   */
  app.post('/v1/similar', async (c) => {
    const body = HubSimilarRequest.safeParse(await c.req.json().catch(() => null));
    if (!body.success) {
      const issues = body.error.issues.slice(0, MAX_ISSUES_PER_ENTRY).map((x) => ({ pointer: `/${x.path.join('/')}`, detail: x.message }));
      return problem(c, 422, 'Invalid lookup', 'Send {"sources": [{"url": "…", "threadUrl": "…", "postId": "…"}], "question": "…"} (at most 100 sources).', issues);
    }
    const s = await sim();
    await s.settled();
    const flags = await s.find(body.data.sources, body.data.question, body.data.excludeId ?? null);
    return c.json({ similar: flags.map(publicFlag) });
  });

  /** One entry as the queue shows it, whatever its state: what the moderation page puts beside a flagged entry. */
  app.get('/v1/queue/:id', async (c) => {
    if (c.get('contributor').role !== 'moderator') return onlyModerators(c);
    const id = c.req.param('id');
    const [st, record] = opts.validId(id) ? await Promise.all([store.entryStatus(id), store.entryRecord(id)]) : [null, null];
    if (!st || !record) return problem(c, 404, 'Not found', 'No entry with this id.');
    const s = await sim();
    await s.settled();
    const [status, similar, contributor] = await Promise.all([publicStatus(id), s.flagsFor(record), s.sims.contributorName(st.contributorId)]);
    return c.json({ status, entry: record, contributor, similar });
  });

  app.get('/v1/entries/:id/similar', async (c) => {
    if (c.get('contributor').role !== 'moderator') return onlyModerators(c);
    const id = c.req.param('id');
    const record = opts.validId(id) ? await store.entryRecord(id) : null;
    if (!record) return problem(c, 404, 'Not found', 'No entry with this id.');
    const s = await sim();
    await s.settled();
    return c.json({ similar: await s.flagsFor(record) });
  });

  /** "Keep both": the pair is not flagged again, on either side. */
  app.post('/v1/entries/:id/similar/dismiss', async (c) => {
    if (c.get('contributor').role !== 'moderator') return onlyModerators(c);
    const body = HubDismissRequest.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return problem(c, 422, 'Invalid request', 'Send {"other": "ENTRY-ID"} with the entry to keep apart from this one.');
    const id = c.req.param('id');
    const other = body.data.other;
    if (id === other) return problem(c, 422, 'Invalid request', 'An entry is not its own duplicate: name the other entry.');
    const [record, otherStatus] = opts.validId(id) && opts.validId(other) ? await Promise.all([store.entryRecord(id), store.entryStatus(other)]) : [null, null];
    if (!record || !otherStatus) return problem(c, 404, 'Not found', `No entry with the id ${record ? other.slice(0, 200) : id.slice(0, 200)}.`);
    const s = await sim();
    await s.sims.dismiss(id, other, c.get('contributor').name);
    return c.json({ similar: await s.flagsFor(record) });
  });

  /**
   * Fold entry {id} (B) into `into` (A): A gains B's source posts and their attribution where the licence
   * rules still hold, B becomes rejected with a pointer to A. A compare-and-set on both revisions: If-Match
   * pins B, `intoRevision` pins A; without them a change that lands meanwhile is re-read and re-checked.
   */
  app.post('/v1/entries/:id/merge', async (c) => {
    const me = c.get('contributor');
    if (me.role !== 'moderator') return onlyModerators(c);
    const body = HubMergeRequest.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return problem(c, 422, 'Invalid merge', 'Send {"into": "ENTRY-ID", "intoRevision": 3, "comment": "…"}: the entry that stays, the revision of it you saw, and a word for the contributor.');
    const fromId = c.req.param('id');
    const intoId = body.data.into;
    if (fromId === intoId) return problem(c, 422, 'Invalid merge', 'An entry cannot be folded into itself: name the entry that stays.');
    if (!opts.validId(fromId) || !opts.validId(intoId)) return problem(c, 404, 'Not found', 'No entry with this id.');
    const ifMatch = c.req.header('if-match');
    const pinnedFrom = ifMatch === undefined || ifMatch.trim() === '*' ? null : revisionFromIfMatch(ifMatch);
    if (ifMatch !== undefined && ifMatch.trim() !== '*' && pinnedFrom === null) return problem(c, 412, 'Precondition failed', 'If-Match must be the ETag of the entry being folded (e.g. "r3").');
    const pinnedInto = body.data.intoRevision ?? null;
    const s = await sim();

    for (let attempt = 0; attempt < 3; attempt++) {
      const [from, into] = await Promise.all([store.entryStatus(fromId), store.entryStatus(intoId)]);
      if (!from || !into) return problem(c, 404, 'Not found', `No entry with the id ${(from ? intoId : fromId).slice(0, 200)}.`);
      if (pinnedFrom !== null && from.revision !== pinnedFrom)
        return problem(c, 412, 'Precondition failed', `The entry to fold changed since you read it (now ${entryEtag(from.revision)}, you saw ${entryEtag(pinnedFrom)}): it is ${from.state}. Look at both again before merging.`);
      if (pinnedInto !== null && into.revision !== pinnedInto)
        return problem(c, 412, 'Precondition failed', `The entry that stays changed since you read it (now revision ${into.revision}, you saw ${pinnedInto}): it is ${into.state}. Look at both again before merging.`);
      if (!MERGE_FROM.includes(from.state)) return problem(c, 409, 'Not allowed in this state', `An entry that is ${from.state} cannot be folded into another.`);
      if (!MERGE_INTO.includes(into.state)) return problem(c, 409, 'Not allowed in this state', `An entry that is ${into.state} cannot take in another; fold them the other way, or keep both.`);
      if (opts.fourEyes && from.contributorId === me.id && (into.state === 'accepted' || into.state === 'published'))
        return problem(c, 403, 'Four-eyes rule', 'You submitted the entry being folded: its posts would join an accepted entry, so another moderator must merge it.');

      const [a, b] = await Promise.all([store.entryRecord(intoId), store.entryRecord(fromId)]);
      if (!a || !b) return problem(c, 404, 'Not found', 'No entry with this id.');
      const merged = mergeEntries(a, b);
      const refuse = (errors: { pointer: string; detail: string }[]) =>
        problem(c, 422, 'Merge refused', `“${b.title.slice(0, 100)}” cannot be folded into “${a.title.slice(0, 100)}”: ${errors[0]!.detail}`, errors);
      if (!merged.ok) return refuse(merged.problems.map((p) => ({ pointer: `/${p.field.replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/')}`, detail: p.message })));
      const over = checkLimits(merged.entry, limits);
      if (over.length) return refuse(over.map((o) => ({ pointer: o.pointer, detail: `with the other entry's posts, ${o.detail}` })));
      const communities = merged.entry.consent.basis === 'moderator_attestation' ? await (await vouchesOf(store)).communitiesOf(into.contributorId) : [];
      const untrue = [...entryProblems(merged.entry, { now: new Date(), vouchedCommunities: communities }), ...(await evidenceProblems(merged.entry))];
      if (untrue.length) return refuse(untrue.slice(0, MAX_ISSUES_PER_ENTRY).map((p) => ({ pointer: `/${p.field.replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/')}`, detail: p.message })));

      const n = merged.added.length;
      const note = body.data.comment?.trim();
      const r = await s.sims.merge({
        into: intoId,
        intoRevision: into.revision,
        from: fromId,
        fromRevision: from.revision,
        record: merged.entry,
        by: me.name,
        intoComment: `merged entry ${fromId} (“${b.title.slice(0, 200)}”) into this one: ${n} source post${n === 1 ? '' : 's'} added`,
        fromComment: `merged into entry ${intoId} (“${a.title.slice(0, 200)}”), which asks the same; your source posts are credited there${note ? `. ${note}` : ''}`,
        sourcesAdded: n,
      });
      if (r === 'missing') return problem(c, 404, 'Not found', 'No entry with this id.');
      if (r === 'ok') {
        s.received([merged.entry]);
        const [entry, intoNow] = await Promise.all([publicStatus(fromId), publicStatus(intoId)]);
        c.header('etag', entryEtag(entry.revision!));
        return c.json({ entry, into: intoNow });
      }
      if (pinnedFrom !== null || pinnedInto !== null) return problem(c, 412, 'Precondition failed', 'One of the two entries changed while the merge was being made (a review, a revision or a publish). Look at both again before merging.');
    }
    return problem(c, 412, 'Precondition failed', 'The entries kept changing while the merge was being made. Look at both again before merging.');
  });

  return {
    received: (entries) => {
      if (entries.length) sim().then((s) => s.received(entries), (e) => console.error(`hub: the duplicate index is unavailable (${(e as Error).message}).`));
    },
    // The queue is served without flags rather than not at all when the index cannot be read.
    flagsFor: async (items) => {
      const out = new Map<string, HubSimilarEntry[]>();
      try {
        const s = await sim();
        await s.settled();
        // A few at a time: PostgreSQL answers them on several connections; SQLite answers each at once anyway.
        for (let i = 0; i < items.length; i += 8) {
          const some = items.slice(i, i + 8);
          const flags = await Promise.all(some.map((x) => s.flagsFor(x.record)));
          some.forEach((x, j) => out.set(x.status.id, flags[j]!));
        }
      } catch (e) {
        console.error(`hub: could not look for duplicates (${(e as Error).message}); the queue is shown without them.`);
      }
      return out;
    },
    mergedInto: async (st) => (st.state === 'rejected' ? ((await (await sim()).sims.mergedInto([st.id])).get(st.id) ?? null) : null),
  };
}
