import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with one submission (POST /v1/submissions):
 * - `answer`: replies itself (a 500/503 from a broken load balancer) and never reaches the hub;
 * - `forward`: passes it to the hub. `hold: 'mid-request'` sends the headers and half the body, then
 *   waits for `release()` before sending the rest (so the hub can be killed while reading it);
 *   `hold: 'response'` lets the hub answer but keeps the answer until `release()` (so the hub can be
 *   killed, or the client can go away, after the hub stored the batch but before the extension heard).
 */
export type ProxyStep = { kind: 'answer'; status: number; headers?: Record<string, string>; body?: string } | { kind: 'forward'; hold?: 'mid-request' | 'response' };

export interface Exchange {
  n: number;
  idempotencyKey: string | null;
  body: string;
  /** How it ended, once it has: answered by the proxy, delivered from the hub, hub failed, or dropped. */
  result: 'answered' | 'delivered' | 'upstream-failed' | 'dropped' | 'client-gone' | null;
  /** Resolves with the hub's status once it answered, or with the connection error. */
  upstream: Promise<number | Error>;
  /** Resolves when the proxy's connection to the hub is open (the hub is reading the request). */
  upstreamConnected: Promise<void>;
  /** Resolves when the extension's side of the connection closed before it got an answer. */
  clientGone: Promise<void>;
  /** Lets a held exchange go on: `deliver` passes the answer; `drop` cuts the extension's connection. */
  release(mode?: 'deliver' | 'drop'): void;
}

export interface FaultProxy {
  url: string;
  posts: Exchange[];
  /** Resolves when the nth submission (0-based) has arrived. */
  post(n: number): Promise<Exchange>;
  close(): Promise<void>;
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'content-length'];
function endToEnd(h: IncomingHttpHeaders): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(h).filter(([k, v]) => v !== undefined && !HOP_BY_HOP.includes(k))) as Record<string, string | string[]>;
}

/**
 * A small HTTP proxy between the extension and the hub that fails on purpose. Only submissions follow
 * the plan; every other request (state polls) is passed straight through.
 */
export async function startFaultProxy(upstreamPort: number, plan: (n: number) => ProxyStep): Promise<FaultProxy> {
  const posts: Exchange[] = [];
  const waiting = new Map<number, (x: Exchange) => void>();
  const upstreams = new Set<ReturnType<typeof httpRequest>>();

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const isSubmission = req.method === 'POST' && (req.url ?? '').startsWith('/v1/submissions');
    const step: ProxyStep = isSubmission ? plan(posts.length) : { kind: 'forward' };
    const released = deferred<'deliver' | 'drop'>();
    const upstream = deferred<number | Error>();
    const connected = deferred<void>();
    const gone = deferred<void>();
    const x: Exchange = {
      n: posts.length,
      idempotencyKey: (req.headers['idempotency-key'] as string | undefined) ?? null,
      body: body.toString('utf8'),
      result: null,
      upstream: upstream.promise,
      upstreamConnected: connected.promise,
      clientGone: gone.promise,
      release: (mode = 'deliver') => released.resolve(mode),
    };
    res.on('close', () => {
      if (res.writableFinished) return;
      x.result ??= 'client-gone';
      gone.resolve();
    });
    if (isSubmission) {
      posts.push(x);
      waiting.get(x.n)?.(x);
    }
    if (step.kind === 'answer') {
      res.writeHead(step.status, step.headers ?? {});
      res.end(step.body ?? '');
      x.result = 'answered';
      return;
    }

    const up = httpRequest({ host: '127.0.0.1', port: upstreamPort, path: req.url, method: req.method, headers: { ...endToEnd(req.headers), 'content-length': String(body.length) } });
    upstreams.add(up);
    up.on('close', () => upstreams.delete(up));
    up.on('socket', (s) => (s.connecting ? s.once('connect', () => connected.resolve()) : connected.resolve()));
    const answer = new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      up.on('response', async (r) => {
        const parts: Buffer[] = [];
        try {
          for await (const c of r) parts.push(c as Buffer);
        } catch (e) {
          return reject(e);
        }
        resolve({ status: r.statusCode ?? 502, headers: r.headers, body: Buffer.concat(parts) });
      });
      up.on('error', reject);
    });
    answer.then((a) => upstream.resolve(a.status), (e: Error) => upstream.resolve(e));
    if (step.hold === 'mid-request') {
      up.write(body.subarray(0, body.length >> 1));
      await Promise.race([released.promise, upstream.promise]);
      if (!up.destroyed) up.end(body.subarray(body.length >> 1));
    } else {
      up.end(body);
    }
    let a: Awaited<typeof answer>;
    try {
      a = await answer;
    } catch {
      // The hub died under the request: the extension sees its connection cut, as it would without us.
      x.result = 'upstream-failed';
      res.socket?.destroy();
      return;
    }
    if (step.hold === 'response' && (await released.promise) === 'drop') {
      x.result = 'dropped';
      res.socket?.destroy();
      return;
    }
    if (res.destroyed) return;
    res.writeHead(a.status, { ...endToEnd(a.headers), 'content-length': String(a.body.length) });
    res.end(a.body);
    x.result ??= 'delivered';
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.socket?.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts,
    post: (n) => (posts[n] ? Promise.resolve(posts[n]) : new Promise((r) => waiting.set(n, r))),
    close: () =>
      new Promise<void>((r) => {
        // Nothing held may reach the hub after the test that held it.
        for (const up of upstreams) up.destroy();
        for (const x of posts) x.release('drop');
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
