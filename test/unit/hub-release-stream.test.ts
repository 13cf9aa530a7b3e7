import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { qaEntry } from '../support/entries.ts';
import { releaseEntries } from '../support/release-entries.ts';
import { buildDataset, releaseName, type PublishOptions } from '../../hub/publish.ts';
import { streamedManifest, writeRelease } from '../../hub/release-writer.ts';
import { openHubStore, type HubStore } from '../../hub/store.ts';
import type { Entry } from '../../lib/model/entry.ts';
import type { Manifest } from '../../hub/release-layout.ts';
import { freshSchemaUrl, startPostgres } from './hub-support.ts';

/**
 * The streamed release build (`writeRelease`, what `hub publish` runs) against the in-memory reference
 * (`buildDataset`): the same files, byte for byte, for the same entries and options. Shards are small
 * so every folder has several, and pages are small so entries of one folder arrive across many pages.
 */

let base: Entry;
beforeAll(async () => {
  base = await qaEntry(undefined, { now: new Date('2026-11-20T10:00:00Z') });
});

/** Every file under a folder, path → bytes. */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Builds both ways and compares every file's bytes; gives the streamed build's summary. */
async function bothWays(entries: Entry[], opts: PublishOptions, pages: () => AsyncIterable<Entry[]>) {
  const reference = buildDataset(entries, opts);
  const out = mkdtempSync(join(tmpdir(), 'gleaner-stream-'));
  const written = await writeRelease(pages, opts, out);
  const streamed = tree(out);
  expect([...streamed.keys()].sort()).toEqual([...reference.keys()].sort());
  expect(written.files).toEqual([...reference.keys()].sort());
  for (const [path, text] of reference) expect(streamed.get(path)!.equals(Buffer.from(text)), path).toBe(true);
  return written;
}

/** Pages of `size` entries, in id order, from a list. */
const listPages = (entries: Entry[], size: number) =>
  async function* () {
    const sorted = [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let i = 0; i < sorted.length; i += size) yield sorted.slice(i, i + size);
  };

/** A previous release: some of these entries (some since revised), and some since removed. */
function previousOf(entries: Entry[]): Manifest {
  const kept = entries.filter((_, i) => i % 3 !== 0).map((e, i) => ({ id: e.id, contentSha256: i % 5 ? e.contentSha256 : 'f'.repeat(64) }));
  return { release: 'r0', date: '2026-01-01', entries: [...kept, { id: 'a-gone', contentSha256: 'a'.repeat(64) }, { id: 'zz-gone', contentSha256: 'b'.repeat(64) }, { id: 'g5-gone', contentSha256: 'c'.repeat(64) }] };
}

describe('the streamed release build writes what the in-memory build does', () => {
  it('for a few hundred entries over several folders, with small shards, preference pairs and a previous release', async () => {
    const entries = releaseEntries(base, 300);
    const opts: PublishOptions = { release: 'v2', date: '2026-12-01', shardSize: 7, subjectConfigMin: 20, previous: previousOf(entries), name: 'stream test' };
    const reference = buildDataset(entries, opts);
    // The set is what the test claims: folders with several shards each, preference pairs, every kind of change.
    expect([...reference.keys()].filter((p) => /^data\/[^/]+\/[^/]+\/train-00002-of-/.test(p)).length).toBeGreaterThan(3);
    expect([...reference.keys()].some((p) => p.startsWith('preference/train-00001-'))).toBe(true);
    const changes = JSON.parse(reference.get('changes.json')!);
    expect([changes.added.length, changes.revised.length, changes.removed.length].every((n) => n > 0)).toBe(true);
    const written = await bothWays(entries, opts, listPages(entries, 13));
    expect(written.entries).toBe(300);
  });

  it('with the defaults (no date, one shard a folder, no previous), with no entries, and with a previous manifest out of order', async () => {
    const entries = releaseEntries(base, 120, 3);
    await bothWays(entries, { release: 'v1' }, listPages(entries, 50));
    await bothWays([], { release: 'empty' }, listPages([], 10));
    const previous = previousOf(entries);
    // A hand-made manifest: unsorted, one id twice (the later hash counts, as in a Map).
    previous.entries.reverse();
    previous.entries.push({ id: entries[1]!.id, contentSha256: 'd'.repeat(64) });
    await bothWays(entries, { release: 'v3', shardSize: 1, previous }, listPages(entries, 1));
  });

  it('with the previous release read from its manifest.json a line at a time, and only from a file exactly as written', async () => {
    const entries = releaseEntries(base, 200, 9);
    const prevDir = mkdtempSync(join(tmpdir(), 'gleaner-stream-prev-'));
    const older = entries.filter((_, i) => i % 4 !== 1).map((e, i) => (i % 6 ? e : { ...e, contentSha256: 'e'.repeat(64) }));
    await writeRelease(listPages([...older, { ...base, id: 'zz-removed' } as Entry], 20), { release: 'r0', date: '2026-01-01' }, prevDir);
    const path = join(prevDir, 'manifest.json');
    const streamed = streamedManifest(path)!;
    expect(streamed.release).toBe('r0');
    const previous: Manifest = JSON.parse(readFileSync(path, 'utf8'));
    const opts: PublishOptions = { release: 'r1', date: '2026-02-01', shardSize: 9, previous };
    const reference = buildDataset(entries, opts);
    const out = mkdtempSync(join(tmpdir(), 'gleaner-stream-'));
    await writeRelease(listPages(entries, 11), { ...opts, previous: null }, out, streamed);
    const got = tree(out);
    expect([...got.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [p, text] of reference) expect(got.get(p)!.equals(Buffer.from(text)), p).toBe(true);
    // Reordered, or written some other way: not streamed (the caller reads it whole).
    const edited = join(prevDir, 'edited.json');
    writeFileSync(edited, JSON.stringify({ ...previous, entries: [...previous.entries].reverse() }, null, 1) + '\n');
    expect(streamedManifest(edited)).toBeNull();
    writeFileSync(edited, JSON.stringify(previous, null, 2) + '\n');
    expect(streamedManifest(edited)).toBeNull();
    writeFileSync(edited, JSON.stringify({ release: 'r', date: '', entries: [] }, null, 1) + '\n');
    expect(streamedManifest(edited)?.release).toBe('r');
  });

  it('refuses entries out of id order rather than write another release', async () => {
    const entries = releaseEntries(base, 20);
    const out = mkdtempSync(join(tmpdir(), 'gleaner-stream-'));
    await expect(writeRelease(async function* () {
      yield [...entries].reverse();
    }, { release: 'x' }, out)).rejects.toThrow(/id order/);
  });
});

/** Sets an entry's content_sha256 column alone (the record keeps its own hash). */
async function setHashColumn(store: HubStore, id: string, hash: string): Promise<void> {
  const inner = store as unknown as { db?: { prepare(sql: string): { run(...a: unknown[]): unknown } }; pool?: { query(sql: string, a: unknown[]): Promise<unknown> } };
  if (inner.db) inner.db.prepare('UPDATE entries SET content_sha256 = ? WHERE id = ?').run(hash, id);
  else await inner.pool!.query('UPDATE entries SET content_sha256 = $1 WHERE id = $2', [hash, id]);
}

let pgServer: { url: string; stop(): void } | undefined;
afterAll(() => pgServer?.stop());

const backends: [string, () => Promise<HubStore>][] = [
  ['sqlite', () => openHubStore(join(mkdtempSync(join(tmpdir(), 'gleaner-stream-db-')), 'hub.sqlite'))],
  ['postgres', async () => openHubStore(await freshSchemaUrl((pgServer ??= startPostgres()).url))],
];

describe.each(backends)('a release claimed and read from the %s store', (_name, open) => {
  it('names the release as the in-memory build does, and its pages give the same bytes', async () => {
    const store = await open();
    try {
      const { contributor } = await store.addContributor('streamer');
      // Ids where the name's order (id:hash) and id order differ: one id a prefix of the next.
      const entries = [...releaseEntries(base, 260, 11), { ...base, id: 'p1' }, { ...base, id: 'p1-x' }] as Entry[];
      await store.receiveBatch(contributor, 'stream-1', entries.slice(0, 150), 202);
      for (const e of entries.slice(0, 150)) expect(await store.setState(e.id, 'accepted', null)).toBe('ok');
      const first = await store.publishAccepted(null);
      expect(first).toMatchObject({ release: releaseName(entries.slice(0, 150)), entries: 150, newlyPublished: 150 });
      const previous: Manifest = JSON.parse(buildDataset(entries.slice(0, 150), { release: first.release }).get('manifest.json')!);

      await store.receiveBatch(contributor, 'stream-2', entries.slice(150), 202);
      // A merge rewrites an entry's record and leaves the content_sha256 column as it was: the name and
      // fingerprint follow the record, as the files do.
      await setHashColumn(store, entries[160]!.id, '0'.repeat(64));
      for (const e of entries.slice(150)) expect(await store.setState(e.id, 'accepted', null)).toBe('ok');
      const claim = await store.publishAccepted(null);
      expect(claim).toMatchObject({ release: releaseName(entries), entries: entries.length, newlyPublished: entries.length - 150 });
      for (const e of [entries[0]!, entries[200]!]) expect(await store.entryStatus(e.id)).toMatchObject({ state: 'published', comment: `published in release ${e === entries[0] ? first.release : claim.release}` });

      const pages = async function* () {
        for (let page = await store.publishedPage(null, 17); page.length; page = await store.publishedPage(page.at(-1)!.id, 17)) yield page;
      };
      const written = await bothWays(await store.recordsInState('published'), { release: claim.release, date: '2026-12-02', shardSize: 5, previous }, pages);
      expect(written.fingerprint).toBe(claim.fingerprint);
      // An explicit name, with nothing newly accepted: the same set, the same fingerprint.
      expect(await store.publishAccepted('v-next')).toMatchObject({ release: 'v-next', newlyPublished: 0, fingerprint: claim.fingerprint });
    } finally {
      await store.close();
    }
  }, 120_000);
});
