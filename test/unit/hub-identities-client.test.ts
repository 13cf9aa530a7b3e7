import { describe, expect, it } from 'vitest';
import { claimIdentity, listIdentities, verifyIdentity } from '../../lib/hub/identities.ts';

/** The extension's identity calls: the hub's own reason passed on, every other failure in words. */
const cfg = { url: 'https://hub.example/', token: 'tok' };
const answer = (status: number, body: unknown) => (async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })) as unknown as typeof fetch;
const problem = (status: number, detail: string) => answer(status, { type: 'x', title: 'T', status, detail });

describe('identity client', () => {
  it('sends the token and returns the claim and the proof', async () => {
    const seen: { url: string; auth: string | null; body: string | null }[] = [];
    const f = (async (url: string, init: RequestInit) => {
      seen.push({ url, auth: new Headers(init.headers).get('authorization'), body: (init.body as string) ?? null });
      return new Response(JSON.stringify({ claimId: 'c1', forum: 'forum.example', name: 'ann', code: 'gleaner-abcdefghjk', expiresAt: '2026-12-14T00:00:00.000Z', instructions: 'Post it.' }), { status: 201 });
    }) as unknown as typeof fetch;
    const r = await claimIdentity(cfg, 'https://forum.example/', 'ann', f);
    expect(r).toEqual({ ok: true, claim: expect.objectContaining({ claimId: 'c1', code: 'gleaner-abcdefghjk' }) });
    expect(seen[0]).toEqual({ url: 'https://hub.example/v1/identities/claims', auth: 'Bearer tok', body: JSON.stringify({ forum: 'https://forum.example/', name: 'ann' }) });
    const proof = { forum: 'forum.example', name: 'ann', profileUrl: null, proofUrl: 'https://forum.example/p/1', sha256: 'a'.repeat(64), checkedAt: '2026-12-07T00:00:00.000Z' };
    expect(await verifyIdentity(cfg, 'c1', 'https://forum.example/p/1', answer(201, proof))).toEqual({ ok: true, proof });
    expect(await listIdentities(cfg, answer(200, { identities: [proof] }))).toEqual({ ok: true, identities: [proof] });
  });

  it("passes the hub's reason on, and words every other failure", async () => {
    expect(await verifyIdentity(cfg, 'c1', 'https://forum.example/p/1', problem(422, 'The code is in a post by bob, not by ann.'))).toEqual({ ok: false, reason: 'The code is in a post by bob, not by ann.' });
    expect((await verifyIdentity(cfg, 'c1', 'x', problem(404, 'No identity claim with this id is yours.'))).ok).toBe(false);
    expect(await claimIdentity(cfg, 'f', 'n', problem(401, 'unknown token'))).toEqual({ ok: false, reason: expect.stringContaining('did not accept your token') });
    expect(await listIdentities(cfg, problem(404, 'GET /v1/identities is not part of the hub API.'))).toEqual({ ok: false, reason: expect.stringContaining('does not offer forum identities') });
    expect(await claimIdentity(cfg, 'f', 'n', problem(429, 'slow'))).toEqual({ ok: false, reason: expect.stringContaining('slow down') });
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    expect(await listIdentities(cfg, down)).toEqual({ ok: false, reason: 'The hub at https://hub.example/ could not be reached (fetch failed). Check the address and try again.' });
    expect(await listIdentities(cfg, answer(200, { nope: 1 }))).toEqual({ ok: false, reason: expect.stringContaining('does not understand') });
  });
});
