import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { qaEntry } from '../support/entries.ts';
import { buildDataset } from '../../hub/publish.ts';
import { changesSince, manifestOf, preferencePairs, segment } from '../../hub/release-layout.ts';
import { SqliteHubStore } from '../../hub/store-sqlite.ts';
import { sourceFor } from '../../lib/curate/source.ts';
import type { Entry, Source } from '../../lib/model/entry.ts';
import type { Thread } from '../../lib/model/thread.ts';

let base: Entry;
beforeAll(async () => {
  base = await qaEntry(undefined, { now: new Date('2026-11-20T10:00:00Z') });
});

const sha = (n: number) => n.toString(16).padStart(64, '0');
function entry(id: string, hobby: string | null, subject: string | null, extra: Partial<Entry> = {}): Entry {
  return { ...base, id, domain: { hobby, subject, externalIds: {} }, contentSha256: sha(id.length + id.charCodeAt(id.length - 1)), ...extra } as Entry;
}

/** A Q&A entry whose answers come from posts with the given community signals, ranked in this order. */
function ranked(id: string, answers: { score?: number | null; accepted?: boolean }[]): Entry {
  const q = base.sources.find((s) => s.role === 'question')!;
  const sources: Source[] = [
    q,
    ...answers.map((a, i) => ({ ...q, url: `${q.threadUrl}#a${i}`, postId: `a${i}`, role: 'answer' as const, author: { name: `author${i}`, url: `https://forum.example/u/author${i}` }, ...(a.score !== undefined ? { score: a.score } : {}), ...(a.accepted ? { accepted: true } : {}) })),
  ];
  return {
    ...base,
    id,
    kind: 'qa',
    sources,
    qa: { question: base.kind === 'qa' ? base.qa.question : { text: 'q', sourcePostIds: [q.postId] }, answers: answers.map((_, i) => ({ text: `Answer number ${i}`, sourcePostIds: [`a${i}`], rank: i + 1 })) },
  } as Entry;
}

const card = (files: Map<string, string>) => {
  const text = files.get('README.md')!;
  const doc = parseDocument(text.slice(4, text.indexOf('\n---\n', 4)), { strict: true, uniqueKeys: true });
  expect(doc.errors).toEqual([]);
  return doc.toJS() as { configs: { config_name: string; data_files: { split: string; path: string }[] }[] };
};
const glob = (g: string) => new RegExp(`^${g.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
const rowsOf = (files: Map<string, string>, g: string) =>
  [...files.entries()].filter(([p]) => glob(g).test(p)).flatMap(([, t]) => t.trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l)));

describe('release configs by hobby and subject', () => {
  it('gives each hobby a config, each subject above the threshold one, and every row lands in exactly its folder', () => {
    const entries = [
      entry('e1', 'Board games', 'Ark Nova'),
      entry('e2', 'Board games', 'Ark Nova'),
      entry('e3', 'Board games', 'Brass'),
      entry('e4', 'Knitting', null),
      entry('e5', null, null),
      entry('e6', 'default', 'x'), // a hobby named like a fixed config
    ];
    const files = buildDataset(entries, { release: 'v1', subjectConfigMin: 2 });
    const configs = card(files).configs;
    expect(configs.map((c) => c.config_name)).toEqual(['default', '_unsorted', 'board-games', 'board-games--ark-nova', 'hobby-default', 'knitting', 'sft']);
    const ids = (name: string) => rowsOf(files, configs.find((c) => c.config_name === name)!.data_files[0]!.path).map((r) => r.id).sort();
    expect(ids('default')).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect(ids('board-games')).toEqual(['e1', 'e2', 'e3']);
    expect(ids('board-games--ark-nova')).toEqual(['e1', 'e2']);
    expect(ids('knitting')).toEqual(['e4']);
    expect(ids('_unsorted')).toEqual(['e5']);
    expect(ids('sft')).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    // The SFT rows are the chat format and what attribution needs, nothing else.
    expect(Object.keys(rowsOf(files, 'sft/train-*.jsonl')[0]).sort()).toEqual(['attribution', 'id', 'language', 'license', 'messages']);
    expect(files.get('README.md')).toContain('| `board-games--ark-nova` | `data/board-games/ark-nova/train-*.jsonl` | 2 |');
  });

  it('files an entry under its hub subject record when it names one, beside free-text entries of the same names', () => {
    const files = buildDataset([
      { ...entry('r1', 'Brettspiele', 'Arche Nova'), subject: { hobby: 'board-games', slug: 'ark-nova' } } as Entry,
      entry('r2', 'Board games', 'Ark Nova'),
    ], { release: 'v1' });
    expect([...files.keys()].filter((k) => k.startsWith('data/'))).toEqual(['data/board-games/ark-nova/train-00000-of-00001.jsonl']);
    const rows = rowsOf(files, 'data/*/*/train-*.jsonl');
    expect(rows.map((r) => r.subjectRef)).toEqual([{ hobby: 'board-games', slug: 'ark-nova' }, null]);
  });

  it('keeps names of other scripts apart with a stable hash, and never lets a name escape its folder', () => {
    expect(segment('Échecs', '_x')).toBe('echecs');
    expect(segment('囲碁', '_x')).toMatch(/^x[0-9a-f]{10}$/);
    expect(segment('囲碁', '_x')).not.toBe(segment('将棋', '_x'));
    expect(segment('Go 囲碁', '_x')).toMatch(/^go-x[0-9a-f]{10}$/);
    expect(segment('Go', '_x')).toBe('go');
    expect(segment('../../etc', '_x')).toBe('etc');
    expect(segment('  ', '_none')).toBe('_none');
    const files = buildDataset([entry('e1', '../../x', '/abs')], { release: 'v1' });
    for (const p of files.keys()) expect(p).not.toMatch(/\.\.|^\/|\/\//);
  });
});

describe('preference pairs', () => {
  it('pairs answers only where the community ordered them as the contributor ranked them, each side attributed', () => {
    const e = ranked('p1', [{ accepted: true, score: 2 }, { score: 10 }, { score: 3 }, { score: null }]);
    const pairs = preferencePairs(e);
    // 1 over 2 (accepted), 1 over 3 (accepted), 1 over 4 (accepted); 2 over 3 (score); 2 vs 4 and 3 vs 4: no score on 4.
    expect(pairs.map((p) => [p.id, p.orderedBy])).toEqual([
      ['p1/1-2', 'accepted'],
      ['p1/1-3', 'accepted'],
      ['p1/1-4', 'accepted'],
      ['p1/2-3', 'score'],
    ]);
    expect(pairs[3]).toMatchObject({
      prompt: [{ role: 'user', content: e.kind === 'qa' ? e.qa.question.text : '' }],
      chosen: [{ role: 'assistant', content: 'Answer number 1' }],
      rejected: [{ role: 'assistant', content: 'Answer number 2' }],
      chosenAttribution: [{ author: 'author1', url: expect.stringMatching(/#a1$/), score: 10, accepted: false }],
      rejectedAttribution: [{ author: 'author2', url: expect.stringMatching(/#a2$/), score: 3, accepted: false }],
      license: e.license,
    });
  });

  it('leaves out pairs the community ordered against the contributor, ties, and strategy entries', () => {
    expect(preferencePairs(ranked('p2', [{ score: 1 }, { score: 5 }]))).toEqual([]); // contributor put the lower score first
    expect(preferencePairs(ranked('p3', [{ score: 4 }, { accepted: true, score: 1 }]))).toEqual([]); // the accepted one ranked second
    expect(preferencePairs(ranked('p4', [{ score: 4 }, { score: 4 }]))).toEqual([]);
    expect(preferencePairs(ranked('p5', [{}, {}]))).toEqual([]);
    expect(preferencePairs({ ...base, kind: 'strategy' } as unknown as Entry)).toEqual([]);
  });

  it('writes a preference config and describes its every field in Croissant', () => {
    const files = buildDataset([ranked('p1', [{ accepted: true }, { score: 3 }, { score: 1 }])], { release: 'v1' });
    expect(card(files).configs.at(-1)).toEqual({ config_name: 'preference', data_files: [{ split: 'train', path: 'preference/train-*.jsonl' }] });
    const rows = rowsOf(files, 'preference/train-*.jsonl');
    expect(rows).toHaveLength(3);
    const cr = JSON.parse(files.get('croissant.json')!);
    type Field = { name: string; dataType?: string; repeated?: boolean; subField?: Field[]; source: { fileSet: { '@id': string } } };
    const set = cr.recordSet.find((r: { '@id': string }) => r['@id'] === 'preference');
    const covers = (value: unknown, f: Field | undefined, where: string) => {
      expect(f, where).toBeDefined();
      expect(f!.source.fileSet['@id'], where).toBe('preference-shards');
      if (Array.isArray(value)) {
        expect(f!.repeated, where).toBe(true);
        for (const v of value) covers(v, { ...f!, repeated: false }, `${where}[]`);
      } else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) covers(v, f!.subField?.find((s) => s.name === k), `${where}.${k}`);
      } else if (value !== null) expect(f!.dataType, where).toEqual(expect.any(String));
    };
    for (const row of rows) for (const [k, v] of Object.entries(row)) covers(v, set.field.find((f: Field) => f.name === k), k);
    expect(cr.distribution).toContainEqual(expect.objectContaining({ '@type': 'cr:FileSet', '@id': 'preference-shards', includes: 'preference/train-*.jsonl' }));
  });
});

describe('changes between releases', () => {
  it('lists what was added, revised and removed since the previous manifest', () => {
    const before = manifestOf([entry('a', null, null), entry('b', null, null), entry('c', null, null)], 'v1', '2026-11-01');
    const after = manifestOf([entry('a', null, null), { ...entry('b', null, null), contentSha256: sha(999) }, entry('d', null, null)], 'v2', '2026-11-02');
    expect(changesSince(before, after)).toEqual({
      release: 'v2',
      previous: 'v1',
      added: ['d'],
      revised: [{ id: 'b', from: before.entries[1]!.contentSha256, to: sha(999) }],
      removed: [{ id: 'c', contentSha256: before.entries[2]!.contentSha256 }],
    });
    expect(changesSince(null, after)).toMatchObject({ previous: null, added: ['a', 'b', 'd'], revised: [], removed: [] });
  });

  it('compares a publish with the release already in the folder, keeps the same bytes when published again, and refuses a bad --previous', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gleaner-changes-'));
    const db = join(dir, 'hub.sqlite');
    const store = new SqliteHubStore(db);
    const { contributor } = store.addContributor('alice');
    const first = await qaEntry(undefined, { title: 'First one', now: new Date('2026-11-20T10:00:00Z') });
    const second = await qaEntry(undefined, { title: 'Second one', now: new Date('2026-11-21T10:00:00Z') });
    store.claimKey(contributor.id, 'changes-key-01', 'x');
    store.receiveBatch(contributor, 'changes-key-01', [first, second], 202);
    store.setState(first.id, 'accepted', null);
    store.close();
    const out = join(dir, 'out');
    const hub = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'hub/cli.ts', ...args, '--db', db], { encoding: 'utf8' });
    hub('publish', '--out', out, '--release', 'v1', '--date', '2026-11-25');
    expect(JSON.parse(readFileSync(join(out, 'changes.json'), 'utf8'))).toMatchObject({ release: 'v1', previous: null, added: [first.id] });

    const again = new SqliteHubStore(db);
    again.setState(second.id, 'accepted', null);
    again.close();
    hub('publish', '--out', out, '--release', 'v2', '--date', '2026-11-26');
    const changes = readFileSync(join(out, 'changes.json'), 'utf8');
    expect(JSON.parse(changes)).toEqual({ release: 'v2', previous: 'v1', added: [second.id], revised: [], removed: [] });
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('## Changes since `v1`\n1 added, 0 revised, 0 removed.');
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    hub('publish', '--out', out, '--release', 'v2', '--date', '2026-11-26');
    expect(readFileSync(join(out, 'changes.json'), 'utf8')).toBe(changes);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toBe(card);

    writeFileSync(join(dir, 'manifest.json'), '{"release": 5}');
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'hub/cli.ts', 'publish', '--out', join(dir, 'o2'), '--previous', dir, '--db', db], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`${join(dir, 'manifest.json')} is not a release's manifest file`);
  }, 180_000);
});

describe('sources keep the community signals answers are ranked by', () => {
  it('copies a post\'s score and accepted mark, and leaves them out where the page showed none', () => {
    const thread = { url: 'https://forum.example/t/1', platform: 'discourse', title: 'T', posts: [] } as unknown as Thread;
    const post = { id: 'p1', author: { name: 'a', url: null }, publishedAt: null, text: 'x', html: 'x', permalink: null, replyTo: null, quotes: [], score: 7, accepted: true };
    expect(sourceFor(thread, post as never, 'answer')).toMatchObject({ score: 7, accepted: true });
    const plain = sourceFor(thread, { ...post, score: null, accepted: undefined } as never, 'answer');
    expect('score' in plain || 'accepted' in plain).toBe(false);
  });
});
