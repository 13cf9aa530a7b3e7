import { describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { cors as honoCors } from 'hono/cors';
import type { AddressInfo } from 'node:net';
import { cors, type CorsOptions } from '../../hub/cors.ts';
import { startHub } from '../support/hub.ts';
import { qaEntry } from '../support/entries.ts';

const OURS = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const opts: CorsOptions = {
  origin: (o) => (o.startsWith('chrome-extension://') ? o : null),
  allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
  allowMethods: ['GET', 'POST', 'PATCH', 'OPTIONS'],
  exposeHeaders: ['etag', 'retry-after'],
  maxAge: 600,
};

/** The same routes behind one cors middleware or the other, served by @hono/node-server as the hub is. */
async function serveWith(mw: ReturnType<typeof cors>): Promise<{ url: string; close: () => Promise<void> }> {
  const app = new Hono();
  app.use('*', mw);
  app.get('/json', (c) => c.json({ a: 1 }, 202));
  app.get('/etag', (c) => {
    c.header('etag', 'W/"1"');
    return c.json({ b: 2 });
  });
  app.get('/304', (c) => c.body(null, 304, { etag: 'W/"1"' }));
  app.get('/text', (c) => c.text('hello', 200, { 'retry-after': '2', vary: 'Accept' }));
  app.get('/own', (c) => c.json({}, 200, { 'access-control-expose-headers': 'x-own' }));
  app.get('/raw', () => new Response('raw', { status: 201, headers: { 'x-raw': '1' } }));
  app.get('/redirect', () => Response.redirect('http://127.0.0.1/elsewhere', 302));
  app.get('/throw', () => {
    throw new Error('boom');
  });
  app.onError((_e, c) => c.json({ error: true }, 500, { connection: 'close' }));
  const server: ServerType = await new Promise((ok) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ok(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/**
 * Status, body and headers but the connection's own. A route's raw `new Response('text')` with no type
 * gets @hono/node-server's default "text/plain; charset=UTF-8" where Hono's cors had turned it into a Fetch
 * API Response, whose default is written without the space: the same type, compared as such.
 */
const seen = async (res: Response) => ({
  status: res.status,
  body: await res.text(),
  headers: [...res.headers]
    .filter(([k]) => k !== 'date' && k !== 'keep-alive' && k !== 'connection')
    .map(([k, v]) => [k, k === 'content-type' ? v.replace('; ', ';') : v])
    .sort(),
});

describe('hub: CORS middleware', () => {
  it('answers exactly as Hono’s cors does, on every kind of answer, with and without an allowed Origin', async () => {
    const theirs = await serveWith(honoCors(opts));
    const ours = await serveWith(cors(opts));
    try {
      for (const path of ['/json', '/etag', '/304', '/text', '/own', '/raw', '/redirect', '/throw', '/missing']) {
        for (const origin of [OURS, 'https://evil.example', null]) {
          const headers: Record<string, string> = origin ? { origin } : {};
          const a = await seen(await fetch(theirs.url + path, { headers, redirect: 'manual' }));
          const b = await seen(await fetch(ours.url + path, { headers, redirect: 'manual' }));
          expect(b, `${path} from ${origin}`).toEqual(a);
          expect(b.headers.find(([k]) => k === 'vary')?.[1], path).toContain('Origin');
        }
        const pre = { method: 'OPTIONS', headers: { origin: OURS, 'access-control-request-method': 'POST' } };
        expect(await seen(await fetch(ours.url + path, pre))).toEqual(await seen(await fetch(theirs.url + path, pre)));
      }
    } finally {
      await theirs.close();
      await ours.close();
    }
  });

  it('gives a submission’s 202 and a problem the allowed origin and the exposed headers', async () => {
    const hub = await startHub({ writeRateLimit: false });
    try {
      const { token } = hub.store.addContributor('cors');
      const entry = await qaEntry();
      const post = (auth: string) =>
        fetch(`${hub.url}/v1/submissions`, {
          method: 'POST',
          headers: { origin: OURS, authorization: auth, 'content-type': 'application/json', 'idempotency-key': 'cors-key-0001' },
          body: JSON.stringify({ entries: [entry] }),
        });
      for (const [res, status] of [[await post(`Bearer ${token}`), 202], [await post('Bearer nope'), 401]] as const) {
        expect(res.status).toBe(status);
        expect(res.headers.get('access-control-allow-origin')).toBe(OURS);
        expect(res.headers.get('access-control-expose-headers')).toBe('etag,retry-after');
        expect(res.headers.get('vary')).toBe('Origin');
        expect(res.headers.get('content-type')).toContain('json');
        await res.text();
      }
    } finally {
      await hub.stop();
    }
  });
});
