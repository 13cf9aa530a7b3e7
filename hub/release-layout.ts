import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Entry } from '../lib/model/entry.ts';

/**
 * How a release is cut into what trainers choose from: shards grouped by hobby and subject (one
 * dataset-card config per hobby, and per subject above a size threshold), a chat-format `sft` set, a
 * `preference` set of answer pairs ordered by the communities' own signals, and the changes since the
 * previous release. Everything here is a pure function of the entries, so a release stays
 * byte-for-byte reproducible.
 */

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Subjects with at least this many entries get a config of their own. */
export const SUBJECT_CONFIG_MIN = 100;

/** Where entries without a hobby or subject go: a name no slug can take (slugs never start with `_`). */
export const NO_HOBBY = '_unsorted';
export const NO_SUBJECT = '_general';

/**
 * A path and config-name segment from a free-text name: Latin letters folded to ASCII, anything else
 * dashed. A name with no Latin letters or digits (仕掛け, Шахматы) keeps a stable short hash instead, so
 * two such names never share a folder.
 */
export function segment(name: string | null, none: string): string {
  if (name === null || !name.trim()) return none;
  const ascii = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  const hashed = `x${createHash('sha256').update(name.trim().normalize('NFC')).digest('hex').slice(0, 10)}`;
  if (!ascii) return hashed;
  // A name with letters of another script keeps its hash beside its ASCII part, so "Go 囲碁" and "Go" differ.
  return /[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u.test(name) ? `${ascii}-${hashed}` : ascii;
}

export interface EntryGroup {
  hobby: string;
  subject: string;
  hobbyName: string | null;
  subjectName: string | null;
  entries: Entry[];
}

/** The folder an entry's shard rows go to: a hub subject record's slugs when it names one; else the free text, slugged. */
export function entryFolder(e: Entry): { hobby: string; subject: string; key: string } {
  const hobby = e.subject?.hobby ?? segment(e.domain.hobby, NO_HOBBY);
  const subject = e.subject?.slug ?? segment(e.domain.subject, NO_SUBJECT);
  return { hobby, subject, key: `${hobby}/${subject}` };
}

/** Entries (already sorted by id) grouped by hobby then subject, groups in path order. */
export function groupEntries(entries: Entry[]): EntryGroup[] {
  const groups = new Map<string, EntryGroup>();
  for (const e of entries) {
    const { hobby, subject, key } = entryFolder(e);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { hobby, subject, hobbyName: e.domain.hobby, subjectName: e.domain.subject, entries: [] }));
    g.entries.push(e);
  }
  return [...groups.entries()].sort((a, b) => cmp(a[0], b[0])).map(([, g]) => g);
}

export interface CardConfig {
  config_name: string;
  data_files: { split: string; path: string }[];
  default?: boolean;
}

/**
 * The card's `configs:`: `default` (every entry), one per hobby, one per subject of at least
 * `subjectMin` entries, then `sft` and `preference`. Names never collide: a hobby whose slug is one
 * of the fixed names takes a `hobby-` prefix, a subject config is `HOBBY--SUBJECT`.
 */
export function cardConfigs(groups: { hobby: string; subject: string; entries: { length: number } }[], subjectMin: number, hasPreference: boolean): CardConfig[] {
  const fixed = new Set(['default', 'sft', 'preference']);
  const train = (path: string) => [{ split: 'train', path }];
  const configs: CardConfig[] = [{ config_name: 'default', data_files: train('data/*/*/train-*.jsonl'), default: true }];
  const hobbies = [...new Set(groups.map((g) => g.hobby))];
  for (const h of hobbies) {
    configs.push({ config_name: fixed.has(h) ? `hobby-${h}` : h, data_files: train(`data/${h}/*/train-*.jsonl`) });
    for (const g of groups) {
      if (g.hobby === h && g.subject !== NO_SUBJECT && g.entries.length >= subjectMin) {
        configs.push({ config_name: `${h}--${g.subject}`, data_files: train(`data/${h}/${g.subject}/train-*.jsonl`) });
      }
    }
  }
  configs.push({ config_name: 'sft', data_files: train('sft/train-*.jsonl') });
  if (hasPreference) configs.push({ config_name: 'preference', data_files: train('preference/train-*.jsonl') });
  return configs;
}

/** The chat format supervised fine-tuning takes: the messages, and what attribution needs. */
export function sftRow(e: Entry) {
  return { id: e.id, messages: e.messages.map((m) => ({ role: m.role, content: m.content })), license: e.license, language: e.language, attribution: e.attribution.text };
}

type Answer = Extract<Entry, { kind: 'qa' }>['qa']['answers'][number];

/** What the sources of one answer say of it: accepted anywhere, and its best score. */
function signals(e: Extract<Entry, { kind: 'qa' }>, a: Answer): { accepted: boolean; score: number | null } {
  const posts = e.sources.filter((s) => a.sourcePostIds.includes(s.postId));
  const scores = posts.map((s) => s.score).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return { accepted: posts.some((s) => s.accepted === true), score: scores.length ? Math.max(...scores) : null };
}

/**
 * How the community ordered two answers, or null when its signals do not: an accepted answer before
 * one that is not; otherwise the higher score, when both have one and they differ.
 */
function communityOrder(a: { accepted: boolean; score: number | null }, b: { accepted: boolean; score: number | null }): 'accepted' | 'score' | null {
  if (a.accepted !== b.accepted) return a.accepted ? 'accepted' : null;
  if (a.score !== null && b.score !== null && a.score > b.score) return 'score';
  return null;
}

function answerAttribution(e: Entry, a: Answer) {
  return e.sources
    .filter((s) => a.sourcePostIds.includes(s.postId))
    .map((s) => ({ author: s.author.name, authorUrl: s.author.url, url: s.url, license: s.license, score: s.score ?? null, accepted: s.accepted ?? false }));
}

/**
 * Preference pairs from one Q&A entry: every two answers the community ordered (accepted mark or
 * score) the same way the contributor ranked them. A pair where the contributor's rank and the
 * community disagree is left out: neither order can be trusted. Each side carries its own attribution.
 */
export function preferencePairs(e: Entry) {
  if (e.kind !== 'qa' || e.qa.answers.length < 2) return [];
  const answers = [...e.qa.answers].sort((a, b) => a.rank - b.rank);
  const sig = answers.map((a) => signals(e, a));
  const pairs = [];
  for (let i = 0; i < answers.length; i++) {
    for (let j = i + 1; j < answers.length; j++) {
      if (answers[i]!.rank === answers[j]!.rank) continue;
      const by = communityOrder(sig[i]!, sig[j]!);
      if (!by) continue;
      pairs.push({
        id: `${e.id}/${answers[i]!.rank}-${answers[j]!.rank}`,
        entryId: e.id,
        prompt: [{ role: 'user', content: e.qa.question.text }],
        chosen: [{ role: 'assistant', content: answers[i]!.text }],
        rejected: [{ role: 'assistant', content: answers[j]!.text }],
        orderedBy: by,
        chosenAttribution: answerAttribution(e, answers[i]!),
        rejectedAttribution: answerAttribution(e, answers[j]!),
        license: e.license,
        language: e.language,
        domain: { hobby: e.domain.hobby, subject: e.domain.subject },
      });
    }
  }
  return pairs;
}

const Hash = z.string().regex(/^[0-9a-f]{64}$/);
const ManifestEntry = z.object({ id: z.string().min(1), contentSha256: Hash });
/** `manifest.json`: every entry of a release with its content hash, what the next release compares with. */
export const Manifest = z.object({ release: z.string().min(1), date: z.string(), entries: z.array(ManifestEntry) });
export type Manifest = z.infer<typeof Manifest>;
/** `changes.json`: what was added, revised and removed since the previous release. */
export const Changes = z.object({
  release: z.string().min(1),
  previous: z.string().nullable(),
  added: z.array(z.string()),
  revised: z.array(z.object({ id: z.string(), from: Hash, to: Hash })),
  removed: z.array(ManifestEntry),
});
export type Changes = z.infer<typeof Changes>;

export function manifestOf(entries: Entry[], release: string, date: string): Manifest {
  return { release, date, entries: entries.map((e) => ({ id: e.id, contentSha256: e.contentSha256 })).sort((a, b) => cmp(a.id, b.id)) };
}

/** What changed between two releases' manifests, every list sorted by id. */
export function changesSince(previous: Manifest | null, now: Manifest): Changes {
  const before = new Map((previous?.entries ?? []).map((e) => [e.id, e.contentSha256]));
  const after = new Map(now.entries.map((e) => [e.id, e.contentSha256]));
  const added: string[] = [];
  const revised: Changes['revised'] = [];
  for (const e of now.entries) {
    const was = before.get(e.id);
    if (was === undefined) added.push(e.id);
    else if (was !== e.contentSha256) revised.push({ id: e.id, from: was, to: e.contentSha256 });
  }
  const removed = [...before].filter(([id]) => !after.has(id)).map(([id, contentSha256]) => ({ id, contentSha256 })).sort((a, b) => cmp(a.id, b.id));
  return { release: now.release, previous: previous?.release ?? null, added, revised, removed };
}

/**
 * The manifest a release was compared with, rebuilt from its own manifest and changes: how publishing
 * the same release again into the same folder keeps the same comparison (and so the same bytes).
 */
export function previousFrom(manifest: Manifest, changes: Changes): Manifest | null {
  if (changes.previous === null) return null;
  const added = new Set(changes.added);
  const revised = new Map(changes.revised.map((r) => [r.id, r.from]));
  const entries = manifest.entries
    .filter((e) => !added.has(e.id))
    .map((e) => ({ id: e.id, contentSha256: revised.get(e.id) ?? e.contentSha256 }))
    .concat(changes.removed)
    .sort((a, b) => cmp(a.id, b.id));
  return { release: changes.previous, date: '', entries };
}

/**
 * An order-free fingerprint of a set of entries (their ids and content hashes): the count and the sum,
 * modulo 2^256, of each `id:contentSha256`'s SHA-256. The claim and the release build compute it over
 * what each read, whatever order they read in, so a build can tell it wrote exactly what was claimed.
 */
export class EntrySetFingerprint {
  private sum = 0n;
  count = 0;
  add(id: string, contentSha256: string): void {
    this.sum = (this.sum + BigInt(`0x${createHash('sha256').update(`${id}:${contentSha256}`).digest('hex')}`)) & ((1n << 256n) - 1n);
    this.count++;
  }
  digest(): string {
    return `${this.count}:${this.sum.toString(16).padStart(64, '0')}`;
  }
}

/**
 * A release's default name, fed one entry at a time in the order of `id:contentSha256` (what a store's
 * ORDER BY over that text gives, a page at a time): SHA-256 of those lines, one a line, as
 * `releaseName` computes it in memory. The order is checked, so a source that returned lines out of
 * order fails instead of naming the release differently. It also keeps the set's fingerprint.
 */
export class ReleaseNamer {
  private readonly hash = createHash('sha256');
  private last: string | null = null;
  readonly fingerprint = new EntrySetFingerprint();
  add(id: string, contentSha256: string): void {
    const line = `${id}:${contentSha256}`;
    if (this.last !== null && !(this.last < line)) throw new Error(`Release lines must come sorted: ${line} came after ${this.last}.`);
    this.hash.update(this.last === null ? line : `\n${line}`);
    this.last = line;
    this.fingerprint.add(id, contentSha256);
  }
  name(): string {
    return `r-${this.hash.digest('hex').slice(0, 12)}`;
  }
}
