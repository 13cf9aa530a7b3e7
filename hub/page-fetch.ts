import { lookup } from 'node:dns/promises';
import { lookup as lookupCallback, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { decodePage } from '../lib/extract/decode-page.ts';

/**
 * The hub's own request for a page someone says holds a proof code. The hub fetches it itself, so a
 * proof cannot be forged by handing it a capture; and because anyone can ask it to fetch an address,
 * the request is kept small and harmless: http(s) only, no private, loopback or link-local address
 * (checked on every redirect), a time limit, a size cap, and a User-Agent that says who is asking.
 */
export interface PageFetchOptions {
  /** Tests and local development serve proof pages on 127.0.0.1; a public hub never allows this. */
  allowPrivate?: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  userAgent?: string;
  /** For tests: answers in place of the network (the address checks still run first). */
  fetch?: typeof fetch;
  /** For tests: resolves a host name to its addresses. */
  resolve?: (host: string) => Promise<string[]>;
}

export const PAGE_FETCH_DEFAULTS = {
  timeoutMs: 10_000,
  maxBytes: 2 * 1024 * 1024,
  maxRedirects: 3,
  userAgent: 'GleanerHub/1 (checks a forum identity proof once, on request of the person who posted the code; https://github.com/gleaner)',
};

export class PageFetchError extends Error {}

export interface FetchedPage {
  /** The address finally read, after redirects. */
  url: string;
  text: string;
}

/** True for addresses a public hub must never be made to call: its own machine and private networks. */
export function privateAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 4) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a >= 224 || (a === 198 && (b === 18 || b === 19));
  }
  if (v === 6) {
    const x = ip.toLowerCase().replace(/^\[|\]$/g, '');
    if (x === '::' || x === '::1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(x);
    if (mapped) return privateAddress(mapped[1]!);
    return /^(fc|fd|fe[89ab]|ff)/.test(x);
  }
  return true; // not an address at all: refuse rather than guess
}

async function checkHost(url: URL, opts: PageFetchOptions): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PageFetchError(`"${url.protocol}" addresses cannot be checked: give the http or https address of the post or profile page.`);
  if (url.username || url.password) throw new PageFetchError('The address holds a user name or password; give the plain address of the page.');
  if (opts.allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = opts.resolve ? await opts.resolve(host) : (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      throw new PageFetchError(`The forum's host name "${host}" could not be resolved. Check the address.`);
    }
  }
  if (!addresses.length || addresses.some(privateAddress)) throw new PageFetchError(`"${host}" is a private or local address, which this hub does not fetch. Give the page's public address.`);
}

/**
 * The address check again at connection time, on the addresses the connection really uses: a host name
 * that resolved to a public address for the check above and to a private one a moment later (DNS
 * rebinding) is refused here.
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookupCallback(hostname, { ...options, all: true }, (err, found) => {
      const list = found as unknown as LookupAddress[];
      if (err) return callback(err, '', 4);
      if (!allowPrivate && (!list.length || list.some((a) => privateAddress(a.address)))) {
        return callback(new PageFetchError(`"${hostname}" is a private or local address, which this hub does not fetch. Give the page's public address.`) as NodeJS.ErrnoException, '', 4);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** One GET with Node's own client (no redirect following, no decompression asked for), as a fetch Response. */
function nodeFetch(allowPrivate: boolean): typeof fetch {
  return ((input: URL, init: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(String(input));
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, { method: 'GET', headers: init.headers as Record<string, string>, signal: init.signal ?? undefined, lookup: guardedLookup(allowPrivate) }, (res: IncomingMessage) => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        const status = res.statusCode ?? 502;
        const empty = [204, 205, 304].includes(status) || status < 200;
        if (empty) res.resume();
        resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status: status < 200 ? 502 : status, headers }));
      });
      req.on('error', reject);
      req.end();
    })) as typeof fetch;
}

/** Reads at most `max` bytes of a body; more is refused, not cut, since a cut page could hide the proof's author. */
async function readCapped(res: Response, max: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) throw new PageFetchError(`The page is larger than ${max} bytes, more than a post or profile page needs. Link the single post instead.`);
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new PageFetchError(`The page is larger than ${max} bytes, more than a post or profile page needs. Link the single post instead.`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) out.set(p, (at += p.byteLength) - p.byteLength);
  return out;
}

export async function fetchPage(address: string, opts: PageFetchOptions = {}): Promise<FetchedPage> {
  const timeoutMs = opts.timeoutMs ?? PAGE_FETCH_DEFAULTS.timeoutMs;
  const maxBytes = opts.maxBytes ?? PAGE_FETCH_DEFAULTS.maxBytes;
  const maxRedirects = opts.maxRedirects ?? PAGE_FETCH_DEFAULTS.maxRedirects;
  const doFetch = opts.fetch ?? nodeFetch(opts.allowPrivate ?? false);
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new PageFetchError(`"${address.slice(0, 200)}" is not an absolute address: give the full http or https address of the page.`);
  }
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    for (let hop = 0; ; hop++) {
      await checkHost(url, opts);
      const res = await doFetch(url, {
        redirect: 'manual',
        signal,
        headers: { 'user-agent': opts.userAgent ?? PAGE_FETCH_DEFAULTS.userAgent, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1' },
      });
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        await res.body?.cancel().catch(() => {});
        if (hop >= maxRedirects) throw new PageFetchError(`The page redirects more than ${maxRedirects} times. Give the address it finally shows.`);
        url = new URL(res.headers.get('location')!, url);
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        throw new PageFetchError(`The forum answered ${res.status} for ${url.href}. Check that the page is public (not only visible when logged in) and try again.`);
      }
      const type = res.headers.get('content-type') ?? '';
      if (type && !/html|xml|json|text\/plain/i.test(type)) {
        await res.body?.cancel().catch(() => {});
        throw new PageFetchError(`The address gives "${type.split(';')[0]}", not a web page. Give the address of the post or profile page.`);
      }
      return { url: url.href, text: decodePage(await readCapped(res, maxBytes)) };
    }
  } catch (e) {
    if (e instanceof PageFetchError) throw e;
    if ((e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError') throw new PageFetchError(`The forum did not answer within ${Math.round(timeoutMs / 1000)} s. Try again later.`);
    throw new PageFetchError(`The page could not be fetched (${(e as Error).message}). Check the address and that the forum is up.`);
  }
}
