import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { AddressInfo } from 'node:net';
import { qaEntry } from '../support/entries.ts';
import { SqliteHubStore } from '../../hub/store-sqlite.ts';
import { buildDataset } from '../../hub/publish.ts';
import { publishCommand } from '../../hub/publish-command.ts';
import { releaseRows } from '../support/release.ts';
import { pushRelease } from '../../hub/hf-push.ts';
import type { Entry } from '../../lib/model/entry.ts';
import { parseDocument } from 'yaml';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = sha(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

const releaseIds = (out: string) => releaseRows(out).map((r) => r.id as string).sort();

let dbFile: string;
let accepted: Entry[];
let rejected: Entry;
const cli = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'hub/cli.ts', ...args, '--db', dbFile], { encoding: 'utf8' });

beforeAll(async () => {
  dbFile = join(mkdtempSync(join(tmpdir(), 'gleaner-pub-')), 'hub.sqlite');
  const store = new SqliteHubStore(dbFile);
  const { contributor } = store.addContributor('alice');
  accepted = await Promise.all([
    qaEntry(undefined, { title: 'Which project had the most stars in 2013?', now: new Date('2026-11-20T10:00:00Z') }),
    qaEntry(undefined, { title: '<img src=x onerror=alert(1)> stars | and *markdown*', now: new Date('2026-11-21T10:00:00Z') }),
    qaEntry(undefined, { title: 'Octoverse 2013', now: new Date('2026-11-22T10:00:00Z') }),
  ]);
  rejected = await qaEntry(undefined, { title: 'Rejected one' });
  const waiting = await qaEntry(undefined, { title: 'Still in review' });
  store.claimKey(contributor.id, 'pub-key-001', 'x');
  store.receiveBatch(contributor, 'pub-key-001', [...accepted, rejected, waiting], 202);
  for (const e of accepted) store.setState(e.id, 'accepted', null);
  store.setState(rejected.id, 'rejected', 'Off topic.');
  store.close();
});

// Each test runs the hub's CLI, a process start apiece: generous under a loaded machine.
describe('publish', { timeout: 120_000 }, () => {
  it('writes the same bytes twice for the same accepted set, and marks entries published with the release', () => {
    const root = mkdtempSync(join(tmpdir(), 'gleaner-release-'));
    const out1 = cli('publish', '--out', join(root, 'a'), '--release', 'v1', '--date', '2026-11-25');
    expect(out1).toMatch(/3 entries \(3 newly published\)/);
    // The second run finds the same entries (now published): a release is cumulative.
    cli('publish', '--out', join(root, 'b'), '--release', 'v1', '--date', '2026-11-25');
    const a = tree(join(root, 'a'));
    // Entries with no hobby or subject go to the folder no named hobby can take; one answer each: no preference pairs.
    expect(Object.keys(a).sort()).toEqual(['ATTRIBUTION.md', 'README.md', 'changes.json', 'croissant.json', 'data/_unsorted/_general/train-00000-of-00001.jsonl', 'manifest.json', 'removals.json', 'sft/train-00000-of-00001.jsonl']);
    expect(tree(join(root, 'b'))).toEqual(a);

    const store = new SqliteHubStore(dbFile);
    for (const e of accepted) expect(store.entryStatus(e.id)).toMatchObject({ state: 'published', release: 'v1' });
    expect(store.entryStatus(rejected.id)?.state).toBe('rejected');
    store.close();

    const rows = readFileSync(join(root, 'a', 'data/_unsorted/_general/train-00000-of-00001.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.id)).toEqual(accepted.map((e) => e.id).sort());
    expect(rows[0].messages).toEqual(accepted.find((e) => e.id === rows[0].id)!.messages);
    expect(rows[0].sources[0].author).toEqual({ name: 'techAPJ', url: expect.stringContaining('techAPJ') });
    expect(JSON.stringify(rows)).not.toContain('"who"'); // the contributor's identity stays on the hub
    // The whole consent receipt and each source's licence evidence travel with the record.
    const e0 = accepted.find((e) => e.id === rows[0].id)!;
    expect(rows[0].consent).toEqual({ basis: e0.consent.basis, license: e0.consent.license, statement: e0.consent.statement, statementVersion: e0.consent.statementVersion, at: e0.consent.at, attestation: null, permissions: expect.any(Array), identityProofs: [] });
    // Each author's permission post travels with the record: its address, words and hash.
    expect(rows[0].consent.permissions).toEqual(
      e0.consent.permissions!.map((p) => ({ author: p.author, post: { url: p.post!.url, postId: p.post!.postId, author: p.post!.author, text: p.post!.text, sha256: p.post!.sha256, capturedAt: p.post!.capturedAt }, hubGrant: null })),
    );
    expect(rows[0].consent.permissions.length).toBeGreaterThan(0);
    expect(rows[0].sources.map((s: { licenseEvidence: unknown }) => s.licenseEvidence)).toEqual(e0.sources.map((s) => s.licenseEvidence));

    const card = readFileSync(join(root, 'a', 'README.md'), 'utf8');
    const front = card.split('---\n')[1]!;
    expect(front).toContain('license: cc-by-sa-4.0\n');
    expect(front).toContain('language:\n- en\n');
    expect(front).toContain('task_categories:\n- question-answering\n');
    expect(front).toContain('size_categories:\n- n<1K\n');
    expect(front).toContain('configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: data/*/*/train-*.jsonl\n  default: true\n- config_name: _unsorted\n');
    expect(front).toContain('- config_name: sft\n  data_files:\n  - split: train\n    path: sft/train-*.jsonl\n');
    expect(front).toMatch(/pretty_name: .+\nsource_datasets:\n- original\n/);

    const cr = JSON.parse(readFileSync(join(root, 'a', 'croissant.json'), 'utf8'));
    expect(cr['@type']).toBe('sc:Dataset');
    expect(cr['dct:conformsTo']).toBe('http://mlcommons.org/croissant/1.1');
    expect(cr.datePublished).toBe('2026-11-25');
    expect(cr.license).toEqual(['https://spdx.org/licenses/CC-BY-SA-4.0.html']);
    expect(cr.distribution).toEqual([
      expect.objectContaining({ '@type': 'cr:FileObject', contentUrl: 'data/_unsorted/_general/train-00000-of-00001.jsonl', encodingFormat: 'application/jsonlines', sha256: a['data/_unsorted/_general/train-00000-of-00001.jsonl'] }),
      expect.objectContaining({ '@type': 'cr:FileObject', contentUrl: 'sft/train-00000-of-00001.jsonl', sha256: a['sft/train-00000-of-00001.jsonl'] }),
      expect.objectContaining({ '@type': 'cr:FileSet', includes: 'data/*/*/train-*.jsonl' }),
      expect.objectContaining({ '@type': 'cr:FileSet', includes: 'sft/train-*.jsonl' }),
    ]);
    expect(cr.recordSet[0].field.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['id', 'messages', 'sources', 'license']));
    for (const k of ['rai:dataCollection', 'rai:dataBiases', 'rai:personalSensitiveInformation', 'rai:dataUseCases', 'rai:dataLimitations']) expect(cr[k]).toEqual(expect.any(String));

    const attribution = readFileSync(join(root, 'a', 'ATTRIBUTION.md'), 'utf8');
    for (const s of accepted[0]!.sources) {
      expect(attribution).toContain(s.author.name);
      expect(attribution).toContain(`(<${s.url}>)`);
    }
  });

  it('dates a release by when the hub accepted its entries, never by a date the contributor sent', () => {
    const root = mkdtempSync(join(tmpdir(), 'gleaner-release-'));
    cli('publish', '--out', join(root, 'd'), '--release', 'v0');
    const croissant = JSON.parse(readFileSync(join(root, 'd', 'croissant.json'), 'utf8'));
    // The entries were built on 2026-11-20..22 (their createdAt) and accepted by the hub today.
    const store = new SqliteHubStore(dbFile);
    const acceptedOn = accepted.map((e) => store.entryStatus(e.id)!.history.filter((h) => h.state === 'accepted').at(-1)!.at.slice(0, 10)).sort().at(-1);
    store.close();
    expect(croissant.datePublished).toBe(acceptedOn);
    expect(croissant.datePublished).not.toBe('2026-11-22');
  });

  it('builds beside the output folder: a build that does not match its claim leaves the folder as it was', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gleaner-release-'));
    const out = join(root, 'r');
    const store = new SqliteHubStore(join(root, 'hub.sqlite'));
    try {
      const { contributor } = store.addContributor('bob');
      const [first, second] = await Promise.all([qaEntry(undefined, { title: 'First' }), qaEntry(undefined, { title: 'Second' })]);
      store.claimKey(contributor.id, 'pub-stage-1', 'x');
      store.receiveBatch(contributor, 'pub-stage-1', [first!, second!], 202);
      store.setState(first!.id, 'accepted', null);
      const quiet = () => {};
      expect(await publishCommand(store, { out, release: 'v1', date: '2026-11-25', previous: null }, quiet)).toBe(0);
      writeFileSync(join(out, 'NOTES.txt'), 'the operator\'s own file');
      const before = tree(out);
      expect(Object.keys(before)).toEqual(expect.arrayContaining(['manifest.json', 'removals.json', 'NOTES.txt']));

      // The second entry is accepted, but the files come out of a build whose set differs from the
      // claim (as when an entry is withdrawn between the two).
      store.setState(second!.id, 'accepted', null);
      const racing = new Proxy(store, {
        get(target, key) {
          if (key === 'publishAccepted') return async (release: string | null) => ({ ...(await target.publishAccepted(release)), fingerprint: 'another set' });
          const v = Reflect.get(target, key, target) as unknown;
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      await expect(publishCommand(racing, { out, release: 'v2', date: '2026-11-26', previous: null }, quiet)).rejects.toThrow(/changed between the claim and the build.*left as it was/);
      expect(tree(out)).toEqual(before);
      expect(readdirSync(root).some((f) => f.includes('building'))).toBe(false);

      // Run again: the release is moved in whole, and the operator's file stays.
      expect(await publishCommand(store, { out, release: 'v2', date: '2026-11-26', previous: null }, quiet)).toBe(0);
      const after = tree(out);
      expect(after['NOTES.txt']).toBe(before['NOTES.txt']);
      expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).release).toBe('v2');
      expect(releaseIds(out)).toEqual([first!.id, second!.id].sort());
    } finally {
      store.close();
    }
  });

  it('shards by size, stays independent of input order and of the clock', () => {
    const f1 = buildDataset(accepted, { release: 'x', shardSize: 2 });
    const f2 = buildDataset([...accepted].reverse(), { release: 'x', shardSize: 2 });
    expect([...f1.keys()].filter((k) => k.startsWith('data/'))).toEqual(['data/_unsorted/_general/train-00000-of-00002.jsonl', 'data/_unsorted/_general/train-00001-of-00002.jsonl']);
    expect([...f2.entries()]).toEqual([...f1.entries()]);
    expect(JSON.parse(f1.get('croissant.json')!).datePublished).toBe('2026-11-22'); // the newest entry's day, not today
    // Hostile text is data: escaped in Markdown, a plain JSON string in the shards.
    expect(f1.get('ATTRIBUTION.md')).not.toContain('<img');
  });
});

describe('release metadata against what Hugging Face and Croissant accept', () => {
  // The Hub's licence ids (huggingface/hub-docs, docs/hub/repositories-licenses.md) that these cases can reach.
  const HF_IDS = new Set(['cc-by-sa-4.0', 'cc-by-4.0', 'mit', 'gpl-3.0', 'cc0-1.0', 'apache-2.0', 'other']);
  const CARD_KEYS = new Set(['license', 'license_name', 'license_link', 'language', 'task_categories', 'size_categories', 'configs', 'pretty_name', 'source_datasets', 'tags']);
  const card = (files: Map<string, string>) => {
    const text = files.get('README.md')!;
    expect(text.startsWith('---\n')).toBe(true);
    const doc = parseDocument(text.slice(4, text.indexOf('\n---\n', 4)), { strict: true, uniqueKeys: true });
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
    return doc.toJS() as Record<string, unknown>;
  };
  const withLicence = (e: Entry, license: string, language = e.language): Entry => ({ ...e, id: `${e.id}-${license.replace(/\W/g, '')}-${language.replace(/\W/g, '')}`, license, language });

  it('writes the card as YAML no value can add keys to, with Hub licence ids and card-form languages', () => {
    const hostile = withLicence(accepted[0]!, 'CC-BY-SA-4.0', 'en\nlicense: mit\nconfigs:\n- config_name: evil');
    const meta = card(buildDataset([hostile, withLicence(accepted[1]!, 'CC-BY-SA-4.0', 'en-US'), withLicence(accepted[2]!, 'CC-BY-SA-4.0', 'pt-BR')], { release: 'v1', name: 'x: y\nlicense: mit' }));
    expect(Object.keys(meta).filter((k) => !CARD_KEYS.has(k))).toEqual([]);
    expect(meta.license).toBe('cc-by-sa-4.0');
    expect(meta.language).toEqual(['en', 'pt']);
    expect(meta.pretty_name).toBe('x: y\nlicense: mit');
    // default, the one (unnamed) hobby, sft: no value of an entry adds a config.
    expect((meta.configs as { config_name: string }[]).map((c) => c.config_name)).toEqual(['default', '_unsorted', 'sft']);

    for (const [spdx, id] of [['GPL-3.0-or-later', 'gpl-3.0'], ['MIT', 'mit'], ['CC0-1.0', 'cc0-1.0'], ['CC-BY-4.0', 'cc-by-4.0']] as const) {
      const files = buildDataset([withLicence(accepted[0]!, spdx)], { release: 'v1' });
      expect(card(files).license).toBe(id);
      expect(HF_IDS.has(id)).toBe(true);
      expect(files.has('LICENSE')).toBe(false);
    }
  });

  it('says other with license_name, license_link and a LICENSE file for a licence the Hub lacks, an expression, or a mixed release', () => {
    for (const set of [['CC-BY-SA-2.5'], ['CC-BY-SA-4.0 OR MIT'], ['CC-BY-SA-4.0', 'MIT']]) {
      const files = buildDataset(set.map((l, i) => withLicence(accepted[i]!, l)), { release: 'v1' });
      const meta = card(files);
      expect(meta.license, set.join()).toBe('other');
      expect(meta.license_name).toMatch(/^[a-z0-9.-]+$/);
      expect(meta.license_link).toBe('LICENSE');
      const licence = files.get('LICENSE')!;
      for (const l of set) expect(licence).toContain(l);
    }
  });

  it('describes every record field in Croissant, nested ones by sub-field, and reads the shards through a FileSet with citeAs', () => {
    const strategy: Entry = { ...accepted[0]!, id: 'strategy-1', kind: 'strategy', strategy: { topic: 'Openings', body: { text: 'Play fast.', sourcePostIds: ['p'] }, tags: ['a'] } } as Entry;
    const files = buildDataset([...accepted, strategy], { release: 'v1', shardSize: 1 });
    const cr = JSON.parse(files.get('croissant.json')!);
    for (const k of ['@context', '@type', 'dct:conformsTo', 'name', 'description', 'license', 'url', 'creator', 'datePublished', 'version', 'citeAs', 'distribution', 'recordSet']) expect(cr, k).toHaveProperty([k]);
    expect(cr.citeAs).toMatch(/^@misc\{/);
    const fileSet = cr.distribution.find((d: { '@type': string }) => d['@type'] === 'cr:FileSet');
    expect(fileSet).toMatchObject({ '@id': expect.any(String), encodingFormat: 'application/jsonlines', includes: 'data/*/*/train-*.jsonl' });
    type Field = { '@type': string; name: string; description?: string; dataType?: string; repeated?: boolean; subField?: Field[]; source: { fileSet?: { '@id': string }; extract: { jsonPath: string } } };
    const fields: Field[] = cr.recordSet[0].field;
    const check = (f: Field) => {
      expect(f['@type']).toBe('cr:Field');
      expect(f.description, f.name).toEqual(expect.any(String));
      expect(f.source.fileSet?.['@id'], f.name).toBe(fileSet['@id']);
      expect(f.source.extract.jsonPath).toMatch(/^\$\./);
      expect(Boolean(f.dataType) !== Boolean(f.subField), `${f.name}: a type or sub-fields`).toBe(true);
      f.subField?.forEach(check);
    };
    fields.forEach(check);
    // Every key of every row is described; an object is never typed as text, an array is repeated.
    const rows = [...files.entries()].filter(([p]) => p.startsWith('data/')).map(([, t]) => JSON.parse(t));
    const covers = (value: unknown, f: Field | undefined, where: string) => {
      expect(f, where).toBeDefined();
      if (Array.isArray(value)) {
        expect(f!.repeated, where).toBe(true);
        for (const v of value) covers(v, { ...f!, repeated: false }, `${where}[]`);
      } else if (value && typeof value === 'object') {
        expect(f!.subField, where).toBeDefined();
        for (const [k, v] of Object.entries(value)) covers(v, f!.subField!.find((s) => s.name === k), `${where}.${k}`);
      } else if (value !== null) {
        expect(f!.dataType, where).toEqual(typeof value === 'number' ? expect.stringMatching(Number.isInteger(value) ? /^sc:(Integer|Float)$/ : /^sc:Float$/) : typeof value === 'boolean' ? 'sc:Boolean' : expect.stringMatching(/^sc:(Text|URL|DateTime)$/));
      }
    };
    for (const row of rows) for (const [k, v] of Object.entries(row)) covers(v, fields.find((f) => f.name === k), k);
  });
});

describe('push to a Hugging Face dataset repo (a local stand-in; not run against the real Hub)', () => {
  let server: Server;
  let hubUrl: string;
  const seen: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  beforeAll(async () => {
    // Answers as the Hub's documented commit API does: preupload says how each file travels
    // ("regular" = inline base64 in the commit), then the NDJSON commit opens the pull request.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        res.setHeader('content-type', 'application/json');
        if (req.url?.startsWith('/api/datasets/gleaner/hobby-qa/preupload/main')) {
          const files = JSON.parse(body).files as { path: string }[];
          return res.end(JSON.stringify({ files: files.map((f) => ({ path: f.path, uploadMode: 'regular', shouldIgnore: false })) }));
        }
        if (req.url?.startsWith('/api/datasets/gleaner/hobby-qa/commit/main')) {
          return res.end(JSON.stringify({ commitOid: 'abc123', commitUrl: `${hubUrl}/datasets/gleaner/hobby-qa/commit/abc123`, pullRequestUrl: `${hubUrl}/datasets/gleaner/hobby-qa/discussions/1` }));
        }
        res.statusCode = 404;
        res.end(JSON.stringify({ error: 'not found' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('opens a pull request with every file, authenticated with the hub-side token', async () => {
    // A release as `hub publish` leaves it: files in a folder, pushed from there.
    const files = buildDataset(accepted, { release: 'v1', date: '2026-11-25' });
    const dir = mkdtempSync(join(tmpdir(), 'gleaner-push-'));
    for (const [path, text] of files) (mkdirSync(dirname(join(dir, path)), { recursive: true }), writeFileSync(join(dir, path), text));
    const pr = await pushRelease(dir, [...files.keys()], { repo: 'gleaner/hobby-qa', release: 'v1', token: 'hf_test_token', hubUrl });
    expect(pr.pullRequestUrl).toBe(`${hubUrl}/datasets/gleaner/hobby-qa/discussions/1`);
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/datasets/gleaner/hobby-qa/preupload/main?create_pr=1', 'POST /api/datasets/gleaner/hobby-qa/commit/main?create_pr=1']);
    for (const r of seen) expect(r.headers.authorization).toBe('Bearer hf_test_token');
    const pre = JSON.parse(seen[0]!.body);
    expect(pre.files.map((f: { path: string }) => f.path)).toEqual([...files.keys()]);
    expect(pre.files[0]).toEqual({ path: 'ATTRIBUTION.md', size: Buffer.byteLength(files.get('ATTRIBUTION.md')!), sample: expect.any(String) });

    expect(seen[1]!.headers['content-type']).toBe('application/x-ndjson');
    const lines = seen[1]!.body.split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ key: 'header', value: { summary: 'Gleaner release v1', description: expect.stringContaining('npm run hub -- publish') } });
    const sent = Object.fromEntries(lines.slice(1).map((l: { key: string; value: { path: string; content: string; encoding: string } }) => {
      expect(l.key).toBe('file');
      expect(l.value.encoding).toBe('base64');
      return [l.value.path, Buffer.from(l.value.content, 'base64').toString('utf8')];
    }));
    expect(sent).toEqual(Object.fromEntries(files));
  });
});
