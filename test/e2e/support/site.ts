import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  status?: number;
  headers?: Record<string, string>;
  body: string | Uint8Array;
}

export interface SiteRequest {
  path: string;
  at: number;
  headers: IncomingMessage['headers'];
}

/** A local forum: pages served on 127.0.0.1 from corpus bytes (or variants built from them), every request logged. */
export async function startSite(routes: Record<string, Route | ((req: IncomingMessage) => Route)>) {
  const log: SiteRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    log.push({ path, at: Date.now(), headers: req.headers });
    const r = routes[path.split('#')[0]!];
    const route = typeof r === 'function' ? r(req) : r;
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(route.status ?? 200, { 'content-type': 'text/html; charset=utf-8', ...route.headers });
    res.end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    log,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
