import { Hono, type Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Entry } from '../lib/model/entry.ts';
import { contentHash } from '../lib/curate/hash.ts';
import { contentHashSync } from './content-hash.ts';
import { HubEntryState, HubPairRequest, HubReview } from '../lib/model/submission.ts';
import { IDEMPOTENCY_RETENTION_MS, type BatchItem, type Contributor, type HubStore, type IdempotencyHit, type StoredStatus } from './store.ts';
import { problem } from './problem.ts';
import { openApiDocument } from './openapi.ts';
import { RateLimiter, type RateLimit } from './rate-limit.ts';
import { checkLimits, DEFAULT_LIMITS, type EntryLimits } from './limits.ts';
import { describeLimitIssues, HUB_BATCH_ENTRIES, HUB_BODY_BYTES, MAX_ISSUES_PER_ENTRY, type LimitIssue } from '../lib/model/limits.ts';
import { entryEtag, QUEUE_STATES, REVIEW_MOVES, revisionFromIfMatch, WITHDRAWABLE } from './workflow.ts';
import { mountModeration } from './moderate.ts';
import { bodyLimit, bodyText } from './body.ts';
import { cors } from './cors.ts';
import { entryProblems } from '../lib/license/entry-checks.ts';
// Evidence behind consent: vouched community moderators, re-hashed rules pages and permission posts.
import { mountVouches, vouchedCommunities } from './vouch.ts';
import { evidenceProblems } from './evidence.ts';
import { mountPublic } from './public/routes.ts';
import { mountSubjectAdmin } from './subjects.ts';
import { consentFeatures, type ConsentOptions } from './consent-api.ts';
// Duplicates: indexing after submit and revision, flags in the queue, merge and lookup routes.
import { mountSimilar, type SimilarHooks } from './similar.ts';

export interface HubOptions {
  /** Largest accepted request body. */
  maxBodyBytes?: number;
  maxBatch?: number;
  /** Origins allowed by CORS: the extension's. Defaults to any extension origin. */
  allowOrigin?: (origin: string) => boolean;
  version?: string;
  /** Writes (POST, PATCH) per token; `false` turns the limit off (benchmarks). */
  writeRateLimit?: RateLimit | false;
  /** Pairing attempts per client address: codes are short, so guesses must be slow. */
  pairRateLimit?: RateLimit;
  limits?: Partial<EntryLimits>;
  /**
   * The four-eyes rule: a moderator cannot accept an entry they submitted themselves. On by default;
   * `false` is for a hub run by one person (`serve --allow-self-review`).
   */
  fourEyes?: boolean;
  /** For tests of rate limits. */
  now?: () => number;
  /** Proven identities, authors' say and reports (hub/consent-api.ts). */
  consent?: ConsentOptions;
}

export const DEFAULT_WRITE_RATE: RateLimit = { burst: 60, perMinute: 120 };
export const DEFAULT_PAIR_RATE: RateLimit = { burst: 5, perMinute: 5 };

const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension|safari-web-extension):\/\/[a-z0-9-]+$/i;

type Env = { Variables: { contributor: Contributor } };

/** Field errors listed in one answer at most: the answer (and the stored idempotent copy) stays small. */
const MAX_ERRORS_PER_RESPONSE = 100;
/** Pairing and review bodies are a few short fields. */
const SMALL_BODY_BYTES = 16 * 1024;
/** Keys are pruned at most this often, from a request that claims one. */
const PRUNE_EVERY_MS = 60_000;
const plainText = (t: string) => !t.includes('\u0000') && t.isWellFormed();
const Review = HubReview.extend({ comment: z.string().max(5000).refine(plainText, 'contains a NUL character or a broken surrogate').nullable().default(null) });

const QUEUE_PAGE = 200;
const Pair = HubPairRequest;

/** What a client sees of an entry: no owner id, no internal change number. */
function publicStatus(s: StoredStatus) {
  const { contributorId: _, changeSeq: __, ...status } = s;
  return status;
}

export function createHubApp(store: HubStore, opts: HubOptions = {}) {
  const maxBody = opts.maxBodyBytes ?? HUB_BODY_BYTES;
  const maxBatch = opts.maxBatch ?? HUB_BATCH_ENTRIES;
  const limits: EntryLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const fourEyes = opts.fourEyes ?? true;
  /**
   * An id or cursor the stores can hold: ids are ULIDs in practice, but any printable text within the id
   * limit is accepted. A NUL (which PostgreSQL text cannot hold) or another control character is no id.
   */
  const validId = (id: string) => id.length >= 1 && id.length <= limits.idChars && !/[\u0000-\u001f\u007f]/.test(id) && id.isWellFormed();
  const allow = opts.allowOrigin ?? ((o: string) => EXTENSION_ORIGIN.test(o));
  const writes = opts.writeRateLimit === false ? null : new RateLimiter(opts.writeRateLimit ?? DEFAULT_WRITE_RATE, opts.now);
  const pairs = new RateLimiter(opts.pairRateLimit ?? DEFAULT_PAIR_RATE, opts.now);
  const app = new Hono<Env>();
  let similar: SimilarHooks;

  app.use(
    '/v1/*',
    cors({
      origin: (o) => (allow(o) ? o : null),
      allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-none-match', 'if-match'],
      allowMethods: ['GET', 'POST', 'PATCH', 'OPTIONS'],
      exposeHeaders: ['etag', 'retry-after'],
      maxAge: 600,
    }),
  );

  // Every route has a body limit, checked before anything reads the body: a declared length over it is
  // refused at once, and a chunked body is cut off at the limit. The rest is never read, so the
  // connection is closed rather than reused out of step.
  const tooLarge = (max: number) => (c: Context) =>
    problem(c, 413, 'Payload too large', `Requests here are limited to ${max} bytes. Send fewer or shorter entries per batch.`, undefined, { connection: 'close' });
  const smallBody = bodyLimit({ maxSize: SMALL_BODY_BYTES, onError: tooLarge(SMALL_BODY_BYTES) });
  // The small limits first: a chunked body is buffered up to the first limit that sees it.
  app.use('/v1/pair', smallBody);
  app.use('/v1/entries/:id/review', smallBody);
  app.use('/v1/entries/:id/withdraw', smallBody);
  // Identities, authors' say and reports: public routes here (own body limits), the rest after the token check.
  const consent = consentFeatures(store, { now: opts.now, ...opts.consent });
  consent.mountPublic(app);
  app.use('*', bodyLimit({ maxSize: maxBody, onError: tooLarge(maxBody) }));

  app.get('/v1/openapi.json', (c) => c.json(openApiDocument(opts.version ?? '1')));
  app.get('/v1/health', (c) => c.json({ ok: true }));

  // Unauthenticated by design (the caller has no token yet), so limited per client address.
  app.post('/v1/pair', async (c) => {
    const addr = getConnInfo(c).remote.address ?? 'unknown';
    const slot = pairs.take(addr);
    if (!slot.ok) return problem(c, 429, 'Too many requests', `Too many pairing attempts from this address. Wait ${slot.retryAfterS} s and check the code.`, undefined, { 'retry-after': String(slot.retryAfterS) });
    const body = Pair.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return problem(c, 422, 'Invalid pairing request', 'Send {"code": "XXXX-XXXX"} with the code the hub operator gave you.');
    const paired = await store.redeemPairCode(body.data.code);
    if (!paired) return problem(c, 400, 'Pairing code not valid', 'This code is unknown, already used or expired (codes last 10 minutes and work once). Ask the hub operator for a new one.');
    return c.json({ token: paired.token, contributor: { name: paired.contributor.name, role: paired.contributor.role } }, 201);
  });

  // The public knowledge base: pages and /v1/public/ JSON, no token.
  mountPublic(app, store);

  app.use('/v1/*', async (c, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const who = m ? await store.contributorByToken(m[1]!) : null;
    if (!who) return problem(c, 401, 'Unauthorized', m ? 'This token is unknown or revoked. Pair the extension with the hub again.' : 'Send your token as "Authorization: Bearer <token>".', undefined, { 'www-authenticate': 'Bearer' });
    c.set('contributor', who);
    if (writes && (c.req.method === 'POST' || c.req.method === 'PATCH')) {
      const slot = writes.take(who.id);
      if (!slot.ok) return problem(c, 429, 'Too many requests', `This token sent too many writes. Wait ${slot.retryAfterS} s before the next one.`, undefined, { 'retry-after': String(slot.retryAfterS) });
    }
    await next();
  });

  let prunedAt = 0;
  const now = opts.now ?? Date.now;
  const prune = async () => {
    if (now() - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = now();
    await store.pruneKeys(new Date(now() - IDEMPOTENCY_RETENTION_MS));
  };
  app.post('/v1/submissions', async (c) => submit(c, store, maxBatch, limits, prune, consent.entryIssues, similar.received));
  consent.mountAuthed(app);

  app.get('/v1/entries', async (c) => {
    if (c.req.query('mine') !== '1') return problem(c, 400, 'Bad request', 'Only your own entries can be listed: add ?mine=1.');
    const limit = Math.min(200, Math.max(1, Number(c.req.query('limit') ?? 50) || 50));
    const sinceRaw = c.req.query('since');
    if (sinceRaw !== undefined && !/^\d{1,15}$/.test(sinceRaw)) return problem(c, 400, 'Bad request', 'since= takes the nextSince value of an earlier listing (a whole number).');
    const cursor = c.req.query('cursor') ?? null;
    if (cursor !== null && !validId(cursor)) return problem(c, 400, 'Bad request', 'cursor= takes the nextCursor value of an earlier page.');
    const me = c.get('contributor');
    // The list's ETag changes whenever any of the caller's entries changes, so an unchanged poll costs one small query.
    const v = await store.mineVersion(me.id);
    const etag = `W/"${v.changeSeq}.${v.count}.${createHash('sha256').update(c.req.url.split('?')[1] ?? '').digest('hex').slice(0, 12)}"`;
    if (c.req.header('if-none-match')?.split(',').map((t) => t.trim()).includes(etag)) return c.body(null, 304, { etag });
    const page = await store.listMine(me.id, { cursor, since: sinceRaw === undefined ? null : Number(sinceRaw), limit });
    c.header('etag', etag);
    return c.json({ entries: page.entries.map(publicStatus), nextCursor: page.nextCursor, nextSince: String(page.nextSince) });
  });

  /** Moderators: the review queue with each entry's full record. */
  app.get('/v1/queue', async (c) => {
    if (c.get('contributor').role !== 'moderator') return problem(c, 403, 'Forbidden', 'Only moderators see the review queue.');
    const states = (c.req.query('state') ?? QUEUE_STATES.join(',')).split(',');
    const parsed = z.array(HubEntryState).safeParse([...new Set(states)]);
    if (!parsed.success) return problem(c, 400, 'Bad request', `state= takes a comma-separated list of: ${HubEntryState.options.join(', ')}.`);
    const cursor = c.req.query('cursor') ?? null;
    if (cursor !== null && !validId(cursor)) return problem(c, 400, 'Bad request', 'cursor= takes the nextCursor value of an earlier page.');
    const limitRaw = c.req.query('limit');
    if (limitRaw !== undefined && !/^\d{1,3}$/.test(limitRaw)) return problem(c, 400, 'Bad request', `limit= takes a whole number from 1 to ${QUEUE_PAGE}.`);
    const limit = Math.min(QUEUE_PAGE, Math.max(1, Number(limitRaw ?? QUEUE_PAGE)));
    const items = await store.queue(parsed.data, limit + 1, cursor);
    const page = items.slice(0, limit);
    const flags = await similar.flagsFor(page);
    return c.json({
      entries: page.map((i) => ({ status: publicStatus(i.status), entry: i.record, contributor: i.contributorName, similar: flags.get(i.status.id) ?? [] })),
      nextCursor: items.length > limit ? page.at(-1)!.status.id : null,
    });
  });

  // Someone else's entry answers exactly like a missing one, so ids cannot be probed.
  const visible = async (c: Context<Env>, id: string, owner = false) => {
    if (!validId(id)) return null;
    const s = await store.entryStatus(id);
    const me = c.get('contributor');
    if (!s || (s.contributorId !== me.id && (owner || me.role !== 'moderator'))) return null;
    return s;
  };
  const notYours = (c: Context<Env>) => problem(c, 404, 'Not found', c.get('contributor').role === 'moderator' ? 'No entry with this id.' : 'No entry with this id is yours.');
  const answer = async (c: Context<Env>, id: string) => {
    const s = (await store.entryStatus(id))!;
    c.header('etag', entryEtag(s.revision));
    const mergedInto = await similar.mergedInto(s);
    return c.json(mergedInto ? { ...publicStatus(s), mergedInto } : publicStatus(s));
  };
  const conflict = (c: Context<Env>) => problem(c, 412, 'Precondition failed', 'The entry changed since you read it (its ETag moved on). Fetch it again and retry.');

  app.get('/v1/entries/:id', async (c) => {
    const s = await visible(c, c.req.param('id'));
    if (!s) return notYours(c);
    if (c.req.header('if-none-match') === entryEtag(s.revision)) return c.body(null, 304, { etag: entryEtag(s.revision) });
    return answer(c, s.id);
  });

  /**
   * A state change is a compare-and-set on the revision and state it was decided on. Without If-Match
   * the caller decided on whatever is current, so a change that lands between our read and our write
   * (a publish, another moderator) is read again and the decision re-checked, a few times at most.
   */
  const move = async (
    c: Context<Env>,
    id: string,
    decide: (s: StoredStatus) => Response | { state: HubEntryState; comment: string | null },
  ): Promise<Response> => {
    const ifMatch = c.req.header('if-match');
    if (!validId(id)) return notYours(c);
    for (let attempt = 0; attempt < 3; attempt++) {
      const s = await store.entryStatus(id);
      if (!s) return notYours(c);
      const d = decide(s);
      if (d instanceof Response) return d;
      const expect = ifMatch === undefined || ifMatch.trim() === '*' ? s.revision : revisionFromIfMatch(ifMatch);
      if (expect === null) return conflict(c);
      const r = await store.setState(s.id, d.state, d.comment, { expectRevision: expect, expectState: [s.state] });
      if (r === 'ok') return answer(c, s.id);
      if (r === 'missing') return notYours(c);
      if (ifMatch !== undefined && ifMatch.trim() !== '*') return conflict(c);
    }
    return conflict(c);
  };

  app.post('/v1/entries/:id/review', async (c) => {
    if (c.get('contributor').role !== 'moderator') return problem(c, 403, 'Forbidden', 'Only moderators review entries.');
    const body = Review.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return problem(c, 422, 'Invalid review', 'Send {"state": "in_review"|"accepted"|"needs_changes"|"rejected", "comment": "…"}.');
    if (body.data.state === 'needs_changes' && !body.data.comment?.trim()) return problem(c, 422, 'Comment required', 'Say what needs to change: send a comment with "needs_changes".');
    const { state, comment } = body.data;
    const me = c.get('contributor');
    return move(c, c.req.param('id'), (s) => {
      if (!REVIEW_MOVES[s.state].includes(state)) return problem(c, 409, 'Not allowed in this state', `An entry that is ${s.state} cannot move to ${state}.`);
      if (fourEyes && state === 'accepted' && s.contributorId === me.id)
        return problem(c, 403, 'Four-eyes rule', 'You submitted this entry: another moderator must accept it. (A hub run by one person can turn this off with serve --allow-self-review.)');
      return { state, comment };
    });
  });

  app.post('/v1/entries/:id/withdraw', async (c) => {
    if (!(await visible(c, c.req.param('id'), true))) return notYours(c);
    return move(c, c.req.param('id'), (s) => {
      if (!WITHDRAWABLE.includes(s.state)) return problem(c, 409, 'Not allowed in this state', `An entry that is ${s.state} can no longer be withdrawn.`);
      return { state: 'withdrawn', comment: 'withdrawn by the contributor' };
    });
  });

  app.patch('/v1/entries/:id', async (c) => {
    const s = await visible(c, c.req.param('id'), true);
    if (!s) return notYours(c);
    const ifMatch = c.req.header('if-match');
    if (ifMatch === undefined) return problem(c, 428, 'Precondition required', `Send If-Match with the entry's ETag (now ${entryEtag(s.revision)}) so a revision never overwrites changes you have not seen.`);
    const expect = ifMatch.trim() === '*' ? s.revision : revisionFromIfMatch(ifMatch);
    if (expect === null || expect !== s.revision) return conflict(c);
    if (s.state !== 'needs_changes') return problem(c, 409, 'Not allowed in this state', `Only an entry a moderator marked "needs changes" can be revised; this one is ${s.state}.`);
    const body: unknown = await c.req.json().catch(() => null);
    const over = checkLimits(body, limits);
    if (over.length) return problem(c, 422, 'Invalid entry', 'The revised entry breaks the limits below.', over);
    const parsed = Entry.safeParse(body);
    if (!parsed.success) return problem(c, 422, 'Invalid entry', 'The revised entry does not match the entry schema.', parsed.error.issues.slice(0, MAX_ISSUES_PER_ENTRY).map((x) => ({ pointer: `/${x.path.join('/')}`, detail: x.message })));
    const entry = parsed.data;
    const errors: LimitIssue[] = [];
    if (entry.id !== s.id) errors.push({ pointer: '/id', detail: `must stay ${s.id}: a revision keeps the entry's id` });
    if ((await contentHash(entry.messages)) !== entry.contentSha256) errors.push({ pointer: '/contentSha256', detail: 'does not match the messages' });
    errors.push(...(await truthIssues(entry, () => vouchedCommunities(store, c.get('contributor')))));
    if (!errors.length) errors.push(...(await consent.entryIssues(entry, c.get('contributor'))));
    if (errors.length) return problem(c, 422, 'Invalid entry', 'The revised entry breaks the rules below.', errors);
    if ((await store.reviseEntry(s.id, entry, expect)) === 'conflict') return conflict(c);
    similar.received([entry]);
    return answer(c, s.id);
  });

  mountModeration(app);
  mountVouches(app, store, fourEyes);
  mountSubjectAdmin(app, store);
  similar = mountSimilar(app, store, { fourEyes, validId, limits });

  app.notFound((c) => problem(c, 404, 'Not found', `${c.req.method} ${c.req.path} is not part of the hub API. See /v1/openapi.json.`));
  app.onError((err, c) => {
    // Another process (publish, a second hub) held the SQLite write lock longer than the busy timeout.
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return problem(c, 503, 'Busy', 'The database is busy with another writer (a publish, for instance). Nothing was stored; retry in a second.', undefined, { 'retry-after': '1' });
    // PostgreSQL refusing a value (a NUL, an invalid byte sequence) that a check above should have caught: still the request's fault.
    const pgCode = (err as { code?: string }).code;
    if (pgCode === '22021' || pgCode === '22P05') return problem(c, 400, 'Bad request', 'The request holds a character the hub cannot store (a NUL, for instance).');
    console.error(err);
    return problem(c, 500, 'Internal error', 'The hub failed to handle this request. Nothing was stored; it is safe to retry.');
  });
  return app;
}

/**
 * What an entry claims, checked with the curate view's own rules (licence recomputed from the sources,
 * SPDX, language, times, addresses, passages' sources, attestation) and its evidence re-hashed. An
 * attestation is accepted only from an account vouched for as a moderator of the sources' community
 * (hub/vouch.ts); the vouches are read only for an entry that rests on one.
 */
async function truthIssues(entry: Entry, vouched: () => Promise<string[]>): Promise<LimitIssue[]> {
  const communities = entry.consent.basis === 'moderator_attestation' ? await vouched() : [];
  // Pushed in a loop rather than spread, sliced and mapped: an array map returns is laid out one way by
  // the runtime and another once the optimising compiler inlines the call, and the code reading it
  // (submit) would meet both and be compiled again.
  const out: LimitIssue[] = [];
  for (const list of [entryProblems(entry, { now: new Date(), vouchedCommunities: communities }), await evidenceProblems(entry)]) {
    for (const p of list) {
      if (out.length === MAX_ISSUES_PER_ENTRY) return out;
      out.push({ pointer: `/${p.field.replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/')}`, detail: p.message.slice(0, 500) });
    }
  }
  return out;
}

function replayOrRefuse(c: Context<Env>, hit: Exclude<IdempotencyHit, { kind: 'new' }>) {
  if (hit.kind === 'mismatch') return problem(c, 422, 'Idempotency key reused', 'This Idempotency-Key was already used with a different body. Use a new key for a new request.');
  if (hit.kind === 'in_flight') return problem(c, 409, 'Request in progress', 'A request with this Idempotency-Key is still being processed. Retry shortly.', undefined, { 'retry-after': '2' });
  return c.json(hit.body as object, hit.status as 202);
}

type EntryIssues = (entry: Entry, who: Contributor) => Promise<LimitIssue[]>;

async function submit(c: Context<Env>, store: HubStore, maxBatch: number, limits: EntryLimits, prune: () => Promise<void>, hubIssues: EntryIssues, stored: (entries: Entry[]) => void) {
  const key = c.req.header('idempotency-key');
  if (!key || key.length < 8 || key.length > 200) return problem(c, 400, 'Idempotency key required', 'Send an Idempotency-Key header (8–200 characters) so a retried request is never stored twice.');
  const raw = await bodyText(c);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return problem(c, 400, 'Unreadable body', 'The body is not JSON.');
  }
  const list = json && typeof json === 'object' ? (json as { entries?: unknown }).entries : undefined;
  if (!Array.isArray(list) || list.length === 0) return problem(c, 422, 'Invalid submission', 'Send {"entries": [ … ]} with at least one entry.');
  if (list.length > maxBatch) return problem(c, 413, 'Batch too large', `Send at most ${maxBatch} entries per request; this one has ${list.length}.`);

  // Sizes and counts first, the schema only on entries within them: the schema's work (and the issues it
  // collects) grows with what it is given, the limits' walk stops at the first list over its cap.
  const errors: LimitIssue[] = [];
  const report = (i: number, issues: LimitIssue[]) => {
    for (const x of issues) if (errors.length < MAX_ERRORS_PER_RESPONSE) errors.push({ pointer: `/entries/${i}${x.pointer}`, detail: x.detail });
  };
  let vouchedOnce: Promise<string[]> | null = null;
  const vouched = () => (vouchedOnce ??= vouchedCommunities(store, c.get('contributor')));
  const checked: BatchItem[] = await Promise.all(
    list.map(async (e: unknown, i: number): Promise<BatchItem> => {
      const rawId = (e as { id?: unknown } | null)?.id;
      const entryId = typeof rawId === 'string' && rawId.length > 0 ? rawId.slice(0, limits.idChars) : `#${i}`;
      const over = checkLimits(e, limits);
      if (over.length) {
        report(i, over);
        return { invalid: describeLimitIssues(over), entryId };
      }
      const parsed = Entry.safeParse(e);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, MAX_ISSUES_PER_ENTRY).map((x) => ({ pointer: `/${x.path.join('/')}`, detail: x.message }));
        report(i, issues);
        return { invalid: describeLimitIssues(issues), entryId };
      }
      if (contentHashSync(parsed.data.messages) !== parsed.data.contentSha256) {
        report(i, [{ pointer: '/contentSha256', detail: 'does not match the messages' }]);
        return { invalid: 'contentSha256 does not match the messages: the entry was altered after it was built.', entryId };
      }
      const untrue = await truthIssues(parsed.data, vouched);
      if (!untrue.length) untrue.push(...(await hubIssues(parsed.data, c.get('contributor'))));
      if (untrue.length) {
        report(i, untrue);
        return { invalid: describeLimitIssues(untrue), entryId };
      }
      return parsed.data;
    }),
  );
  if (checked.every((x) => 'invalid' in x)) return problem(c, 422, 'Invalid entries', 'No entry in the batch is valid.', errors);

  const me = c.get('contributor');
  const requestHash = createHash('sha256').update(raw).digest('hex');
  await prune();
  if (store.submitBatch) {
    const out = await store.submitBatch(me, key, requestHash, checked, 202);
    if (out.kind === 'stored') {
      stored(newlyStored(checked, out.body.results));
      return c.json(out.body, 202);
    }
    return replayOrRefuse(c, out);
  }
  const hit = await store.claimKey(me.id, key, requestHash);
  if (hit.kind !== 'new') return replayOrRefuse(c, hit);
  try {
    const body = await store.receiveBatch(me, key, checked, 202);
    stored(newlyStored(checked, body.results));
    return c.json(body, 202);
  } catch (e) {
    await store.releaseKey(me.id, key);
    throw e;
  }
}

/** The entries of a batch that were stored just now (not duplicates, not refused), for the duplicate index. */
function newlyStored(items: BatchItem[], results: { entryId: string; status: string }[]): Entry[] {
  // Loops, not filter and map: see truthIssues.
  const received = new Set<string>();
  for (const r of results) if (r.status === 'received') received.add(r.entryId);
  const out: Entry[] = [];
  for (const e of items) if (!('invalid' in e) && received.has(e.id)) out.push(e);
  return out;
}
