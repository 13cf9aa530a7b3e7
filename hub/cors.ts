import type { MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';

export interface CorsOptions {
  /** The origin to allow (echoed back), or null to allow none; called with "" when the request has no Origin. */
  origin: (origin: string) => string | null;
  allowHeaders: string[];
  allowMethods: string[];
  exposeHeaders: string[];
  maxAge: number;
}

/**
 * Hono's cors middleware, with the same answers, but one that leaves the route's answer as
 * @hono/node-server built it. Hono's sets its headers on `c.res` before the route runs, which makes an
 * empty Response there; the route's own answer then replaces it, and Hono copies the headers across by
 * building a new Response from the route's body: @hono/node-server's lightweight answer (a string and a
 * header list, written straight to the socket) becomes a full Fetch API Response with a web stream that
 * node-server then reads back chunk by chunk. That cost the hub about a twentieth of its time per
 * submission (CPU profile of `npm run bench -- hub-load`). Here the same headers are set after the route,
 * on its answer's own header list, which the lightweight answer keeps as it is. Preflights (OPTIONS)
 * are Hono's, unchanged.
 */
export function cors(opts: CorsOptions): MiddlewareHandler {
  const preflight = honoCors(opts);
  const expose = opts.exposeHeaders.join(',');
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    const allowOrigin = opts.origin(c.req.header('origin') || '');
    await next();
    // As Hono's: the allowed origin and the exposed headers replace any the route set, Vary is added to.
    const set: [name: string, value: string, append: boolean][] = [];
    if (allowOrigin) set.push(['Access-Control-Allow-Origin', allowOrigin, false]);
    if (expose) set.push(['Access-Control-Expose-Headers', expose, false]);
    set.push(['Vary', 'Origin', true]);
    for (const [name, value, append] of set) {
      try {
        if (append) c.res.headers.append(name, value);
        else c.res.headers.set(name, value);
      } catch {
        // An answer whose headers cannot change (a fetched one, say): Hono copies it into one whose can.
        c.header(name, value, { append });
      }
    }
  };
}
