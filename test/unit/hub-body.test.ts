import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { connect } from 'node:net';
import { startHub, type RunningHub } from '../support/hub.ts';
import { qaEntry } from '../support/entries.ts';

/**
 * Under @hono/node-server the hub reads request bodies from Node's stream itself (hub/body.ts) rather
 * than through a Fetch API Request: bodies with and without a declared length, read by the submission
 * route directly and by the JSON routes through node-server, must come out as they went in.
 */

let hub: RunningHub;
let token: string;
let mod: string;
beforeAll(async () => {
  hub = await startHub({ writeRateLimit: false, maxBodyBytes: 200_000, fourEyes: false });
  token = hub.store.addContributor('reader').token;
  mod = hub.store.addContributor('referee', 'moderator').token;
});
afterAll(() => hub.stop());

/** A POST in several chunks with no Content-Length (chunked transfer encoding). */
function chunked(path: string, auth: string, parts: (string | Buffer)[], key?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${hub.url}${path}`,
      { method: 'POST', headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...(key ? { 'idempotency-key': key } : {}) } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    for (const p of parts) req.write(p);
    req.end();
  });
}

const split = (text: string, n: number) => Array.from({ length: n }, (_, i) => text.slice((i * text.length) / n, ((i + 1) * text.length) / n));

describe('request bodies read from the socket', () => {
  it('stores a submission sent in chunks, a multi-byte character split across two of them, as sent', async () => {
    const e = { ...(await qaEntry()), title: 'Ünïcödé title — 𝄞 clef' };
    const bytes = Buffer.from(JSON.stringify({ entries: [e] }), 'utf8');
    // Cut in the middle of the four-byte 𝄞 so a decoder that decodes chunk by chunk would break it.
    const at = bytes.indexOf(Buffer.from('𝄞', 'utf8')) + 2;
    const res = await chunked('/v1/submissions', token, [bytes.subarray(0, at), bytes.subarray(at)], `chunked-${Math.random()}`);
    expect(res.status, res.body).toBe(202);
    expect(hub.store.entryRecord(e.id)?.title).toBe(e.title);
  });

  it('reads a JSON route (review) in chunks through node-server, and replays a chunked retry with the same key', async () => {
    const e = await qaEntry();
    const key = `chunked-retry-${Math.random()}`;
    const body = JSON.stringify({ entries: [e] });
    const first = await chunked('/v1/submissions', token, split(body, 5), key);
    const again = await chunked('/v1/submissions', token, split(body, 3), key);
    expect(first.status).toBe(202);
    expect(again).toEqual(first);
    const review = await chunked(`/v1/entries/${e.id}/review`, mod, split(JSON.stringify({ state: 'in_review', comment: 'looking' }), 4));
    expect(review.status, review.body).toBe(200);
    expect(hub.store.entryStatus(e.id)?.state).toBe('in_review');
  });

  it('takes a body that starts with a byte order mark, as the Fetch API does', async () => {
    const e = await qaEntry();
    const res = await fetch(`${hub.url}/v1/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `bom-${Math.random()}` },
      body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ entries: [e] }))]),
    });
    expect(res.status).toBe(202);
  });

  it('answers 401 to a submission without a valid token before its declared body has arrived', async () => {
    // Only the head and a few bytes of a declared 150 kB body: a hub that read bodies before the token
    // check would wait for the rest and never answer.
    const { hostname, port } = new URL(hub.url);
    const status = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(`POST /v1/submissions HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer nope\r\nIdempotency-Key: early-401-key\r\nContent-Type: application/json\r\nContent-Length: 150000\r\n\r\n{"entries":[`);
      });
      const timer = setTimeout(() => (socket.destroy(), resolve('no answer')), 3_000);
      socket.on('data', (d) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(d.toString('latin1').split('\r\n')[0]!);
      });
      socket.on('error', reject);
    });
    expect(status).toBe('HTTP/1.1 401 Unauthorized');
  });

  it('cuts a chunked submission off at the limit with 413, and keeps serving', async () => {
    const res = await chunked('/v1/submissions', token, ['{"entries":[{"title":"', ...Array.from({ length: 30 }, () => 'z'.repeat(10_000)), '"}]}'], `big-${Math.random()}`);
    expect(res.status).toBe(413);
    expect((await fetch(`${hub.url}/v1/health`)).status).toBe(200);
  });
});
