import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { IncomingMessage } from 'node:http';

/** Bodies already read, by the Node request they came with. */
const bodies = new WeakMap<IncomingMessage, Buffer>();

const nodeRequest = (c: Context): IncomingMessage | null => {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : null;
};

/**
 * A body limit, checked before anything else reads the body: a declared length over it is refused at
 * once, and a chunked body is cut off at the limit; the rest is never read (the answer closes the
 * connection). Hono's own bodyLimit does this through the Fetch API's Request, which @hono/node-server
 * only builds on demand: building it (an undici Request, a web stream over Node's, an abort signal) cost
 * the hub about a tenth of its time per submission under `npm run bench -- hub-load`. Under node-server
 * this one checks a declared length from Node's own headers, and reads a chunked body from Node's
 * request stream itself, keeping the bytes for `bodyText` and handing them to node-server as the
 * request's `rawBody`, which it serves to `c.req.json()` and the like from then on. Anywhere else (a
 * Fetch API Request, as `app.request` gives), Hono's bodyLimit runs as before.
 */
export function bodyLimit(opts: { maxSize: number; onError: (c: Context) => Response | Promise<Response> }): MiddlewareHandler {
  const fallback = honoBodyLimit(opts);
  return async (c, next) => {
    const incoming = nodeRequest(c);
    if (!incoming) return fallback(c, next);
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || bodies.has(incoming)) return next();
    const declared = incoming.headers['content-length'];
    // Node's parser delivers no more than a declared length: such a body is read later, and only by a
    // route that wants it (after the token check), as before.
    if (declared !== undefined && incoming.headers['transfer-encoding'] === undefined) return Number(declared) > opts.maxSize ? opts.onError(c) : next();
    // No declared length: read now, up to the limit, as Hono's bodyLimit does.
    const body = await readUpTo(incoming, opts.maxSize);
    if (body === 'cut') return c.body(null, 400, { connection: 'close' }); // nobody is left to read an answer
    if (!body) return opts.onError(c);
    bodies.set(incoming, body);
    (incoming as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
    return next();
  };
}

/**
 * The whole body, or null once it passes `max` bytes: reading stops there and the stream is left
 * paused rather than destroyed, which would take the socket (and the 413 answer) with it.
 */
function readUpTo(incoming: IncomingMessage, max: number): Promise<Buffer | null | 'cut'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (v: Buffer | null | 'cut') => {
      incoming.off('data', onData).off('end', onEnd).off('error', onCut).off('close', onCut);
      resolve(v);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        incoming.pause();
        return done(null);
      }
      chunks.push(chunk);
    };
    const onEnd = () => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    // The client went away before the end of its body.
    const onCut = () => done('cut');
    incoming.on('data', onData).on('end', onEnd).on('error', onCut).on('close', onCut);
  });
}

/**
 * The request body as text, for a route that reads it only this way: under node-server straight from
 * Node's stream (or the bytes `bodyLimit` kept), elsewhere through the Fetch API. A body cut off by the
 * client reads as empty text (there is no one left to answer).
 */
export async function bodyText(c: Context): Promise<string> {
  const incoming = nodeRequest(c);
  if (!incoming) return c.req.text();
  let kept = bodies.get(incoming);
  if (!kept) {
    // bodyLimit has checked the declared length, and Node delivers no more than that.
    const read = await readUpTo(incoming, Infinity);
    if (!(read instanceof Buffer)) return '';
    bodies.set(incoming, (kept = read));
  }
  const text = kept.toString('utf8');
  // As the Fetch API's text() does: a byte order mark is not part of the text.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
