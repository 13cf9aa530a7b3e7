import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { bodyLimit } from 'hono/body-limit';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Entry } from '../lib/model/entry.ts';
import { contentHash } from '../lib/curate/hash.ts';
import { HubEntryState } from '../lib/model/submission.ts';
import type { Contributor, HubStore } from './store.ts';
import { problem } from './problem.ts';
import { openApiDocument } from './openapi.ts';

export interface HubOptions {
  /** Largest accepted request body. */
  maxBodyBytes?: number;
  maxBatch?: number;
  /** Origins allowed by CORS: the extension's. Defaults to any extension origin. */
  allowOrigin?: (origin: string) => boolean;
  version?: string;
}

const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension|safari-web-extension):\/\/[a-z0-9-]+$/i;

type Env = { Variables: { contributor: Contributor } };

const Batch = z.object({ entries: z.array(z.unknown()) });
const Review = z.object({ state: HubEntryState.extract(['in_review', 'accepted', 'needs_changes', 'rejected']), comment: z.string().max(5000).nullable().default(null) });

export function createHubApp(store: HubStore, opts: HubOptions = {}) {
  const maxBody = opts.maxBodyBytes ?? 5 * 1024 * 1024;
  const maxBatch = opts.maxBatch ?? 100;
  const allow = opts.allowOrigin ?? ((o: string) => EXTENSION_ORIGIN.test(o));
  const app = new Hono<Env>();

  app.use('/v1/*', cors({ origin: (o) => (allow(o) ? o : null), allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-none-match'], allowMethods: ['GET', 'POST', 'OPTIONS'], maxAge: 600 }));

  app.get('/v1/openapi.json', (c) => c.json(openApiDocument(opts.version ?? '1')));
  app.get('/v1/health', (c) => c.json({ ok: true }));

  app.use('/v1/*', async (c, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const who = m ? store.contributorByToken(m[1]!) : null;
    if (!who) return problem(c, 401, 'Unauthorized', m ? 'This token is unknown or revoked. Pair the extension with the hub again.' : 'Send your token as "Authorization: Bearer <token>".', undefined, { 'www-authenticate': 'Bearer' });
    c.set('contributor', who);
    await next();
  });

  app.post(
    '/v1/submissions',
    bodyLimit({ maxSize: maxBody, onError: (c) =>
        // The rest of the body is never read: close the connection so the client does not reuse a desynchronised socket.
        problem(c, 413, 'Payload too large', `Requests are limited to ${maxBody} bytes. Send fewer or shorter entries per batch.`, undefined, { connection: 'close' }),
    }),
    async (c) => submit(c, store, maxBatch),
  );

  app.get('/v1/entries', (c) => {
    if (c.req.query('mine') !== '1') return problem(c, 400, 'Bad request', 'Only your own entries can be listed: add ?mine=1.');
    const limit = Math.min(200, Math.max(1, Number(c.req.query('limit') ?? 50) || 50));
    const page = store.listMine(c.get('contributor').id, c.req.query('cursor') ?? null, limit);
    const entries = page.ids.map((id) => {
      const { contributorId: _, ...status } = store.entryStatus(id)!;
      return status;
    });
    return c.json({ entries, nextCursor: page.nextCursor });
  });

  app.get('/v1/entries/:id', (c) => {
    const s = store.entryStatus(c.req.param('id'));
    const me = c.get('contributor');
    // Someone else's entry answers exactly like a missing one, so ids cannot be probed.
    if (!s || (s.contributorId !== me.id && me.role !== 'moderator')) return problem(c, 404, 'Not found', 'No entry with this id is yours.');
    const { contributorId: _, ...status } = s;
    return c.json(status);
  });

  app.post('/v1/entries/:id/review', async (c) => {
    if (c.get('contributor').role !== 'moderator') return problem(c, 403, 'Forbidden', 'Only moderators review entries.');
    const body = Review.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return problem(c, 422, 'Invalid review', 'Send {"state": "in_review"|"accepted"|"needs_changes"|"rejected", "comment": "…"}.');
    const id = c.req.param('id');
    if (!store.entryStatus(id)) return problem(c, 404, 'Not found', 'No entry with this id.');
    store.setState(id, body.data.state, body.data.comment);
    const { contributorId: _, ...status } = store.entryStatus(id)!;
    return c.json(status);
  });

  app.notFound((c) => problem(c, 404, 'Not found', `${c.req.method} ${c.req.path} is not part of the hub API. See /v1/openapi.json.`));
  app.onError((err, c) => {
    console.error(err);
    return problem(c, 500, 'Internal error', 'The hub failed to handle this request. Nothing was stored; it is safe to retry.');
  });
  return app;
}

async function submit(c: Context<Env>, store: HubStore, maxBatch: number) {
  const key = c.req.header('idempotency-key');
  if (!key || key.length < 8 || key.length > 200) return problem(c, 400, 'Idempotency key required', 'Send an Idempotency-Key header (8–200 characters) so a retried request is never stored twice.');
  const raw = await c.req.text();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return problem(c, 400, 'Unreadable body', 'The body is not JSON.');
  }
  const batch = Batch.safeParse(json);
  if (!batch.success || batch.data.entries.length === 0) return problem(c, 422, 'Invalid submission', 'Send {"entries": [ … ]} with at least one entry.');
  if (batch.data.entries.length > maxBatch) return problem(c, 413, 'Batch too large', `Send at most ${maxBatch} entries per request.`);

  const errors: { pointer: string; detail: string }[] = [];
  const checked = await Promise.all(
    batch.data.entries.map(async (e, i) => {
      const parsed = Entry.safeParse(e);
      const entryId = typeof (e as { id?: unknown })?.id === 'string' ? (e as { id: string }).id : `#${i}`;
      if (!parsed.success) {
        for (const issue of parsed.error.issues) errors.push({ pointer: `/entries/${i}/${issue.path.join('/')}`, detail: issue.message });
        return { invalid: parsed.error.issues.map((x) => `${x.path.join('.') || 'entry'}: ${x.message}`).join('; '), entryId };
      }
      if ((await contentHash(parsed.data.messages)) !== parsed.data.contentSha256) {
        errors.push({ pointer: `/entries/${i}/contentSha256`, detail: 'does not match the messages' });
        return { invalid: 'contentSha256 does not match the messages: the entry was altered after it was built.', entryId };
      }
      return parsed.data;
    }),
  );
  if (checked.every((x) => 'invalid' in x)) return problem(c, 422, 'Invalid entries', 'No entry in the batch is valid.', errors);

  const me = c.get('contributor');
  const requestHash = createHash('sha256').update(raw).digest('hex');
  const hit = store.claimKey(me.id, key, requestHash);
  if (hit.kind === 'mismatch') return problem(c, 422, 'Idempotency key reused', 'This Idempotency-Key was already used with a different body. Use a new key for a new request.');
  if (hit.kind === 'in_flight') return problem(c, 409, 'Request in progress', 'A request with this Idempotency-Key is still being processed. Retry shortly.', undefined, { 'retry-after': '2' });
  if (hit.kind === 'replay') return c.json(hit.body as object, hit.status as 202);
  try {
    return c.json(store.receiveBatch(me, key, checked, 202), 202);
  } catch (e) {
    store.releaseKey(me.id, key);
    throw e;
  }
}
