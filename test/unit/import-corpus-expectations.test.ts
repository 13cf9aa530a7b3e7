import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { importByteFile, type ByteFile } from '../../lib/import/file-import.ts';
import { importArchive, ImportError } from '../../lib/import/index.ts';
import type { Thread } from '../../lib/model/thread.ts';
import { CORPUS, corpusPath } from '../support/corpus.ts';
import { digest, firstWords } from '../support/digest.ts';

/**
 * Every real chat archive of these platforms in the corpus, read as `gleaner import` reads it, against a
 * hand-checked expectation (`test/expect-archives/<platform>--<archive>.json`). The truth in each file was
 * established from the raw export with a separate reading (its `truth` field says how), not from
 * Gleaner's output. Names and words are stored only as digests (test/support/digest.ts).
 *
 * Checked per archive: which messages are posts (by the source's own message ids), per conversation;
 * that no system line (join, call, rename, deleted stub, bot message…) became a post; and, for the first
 * and last 10 posts of each conversation, the author and the first words. Where Gleaner is still wrong,
 * `known` says how in words and `knownDiffs` lists the differences exactly: the test then requires that
 * those differences, and only those, are still there, so it fails when the importer is fixed (remove the
 * note) and when it breaks elsewhere.
 */

/** [source message id, digest of the author's name, digest of the first words]. */
type Entry = [string, string, string];

interface Conversation {
  /** Where the conversation lives in the source (channel, chat, room, mailbox): informational. */
  key: string;
  messages: number;
  first: Entry[];
  last: Entry[];
  ids: string[];
}

interface ArchiveExpectation {
  /** Corpus-relative path: a file, a ZIP or a folder. */
  archive: string;
  platform: string;
  truth: string;
  messages: number;
  conversations: Conversation[];
  events: { count: number; kinds: Record<string, number>; ids: string[] };
  note?: string;
  /** An export in several files that belong together: each file's own posts and system lines. */
  pages?: { file: string; messages: number; events: number }[];
  known?: string;
  knownDiffs?: string[];
}

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../expect-archives');
const expectations = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((name) => ({ name, exp: JSON.parse(readFileSync(resolve(DIR, name), 'utf8')) as ArchiveExpectation }));

/** A file held in memory as the importers' ByteFile, streamed in chunks as a file on disk would be. */
function memoryFile(name: string, bytes: Uint8Array): ByteFile {
  return {
    name,
    size: bytes.length,
    read: async (start, end) => bytes.subarray(start, end),
    stream: async function* () {
      for (let i = 0; i < bytes.length; i += 1 << 16) yield bytes.subarray(i, i + (1 << 16));
    },
  };
}

function folderFiles(root: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = resolve(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.set(relative(root, p).split(sep).join('/'), readFileSync(p));
    }
  };
  walk(root);
  return files;
}

/** As `gleaner import PATH` reads it: a file through the streaming-capable file reader, a folder whole. */
async function importCorpus(rel: string): Promise<Thread[]> {
  const path = corpusPath(rel);
  const opts = { parseHtml: linkedomKit.parseHtml };
  if (statSync(path).isDirectory()) return (await importArchive({ name: path, files: folderFiles(path) }, opts)).threads;
  const threads: Thread[] = [];
  for await (const t of importByteFile(memoryFile(path, readFileSync(path)), opts)) threads.push(t);
  return threads;
}

/** The post's own words, without the notes Gleaner adds for attached files. */
const ownText = (text: string) => text.replace(/^\[attachment: [^\]\n]*\]$/gm, '');

/** The corpus folders this suite covers; IRC, WhatsApp and mail archives have their own. */
const PLATFORM_DIRS = ['slack', 'discord', 'telegram', 'matrix', 'mattermost', 'groupsio'];

const LIST = 10;
const some = (ids: string[]) => ids.slice(0, LIST).join(' ') + (ids.length > LIST ? ` … and ${ids.length - LIST} more` : '');

interface Outcome {
  diffs: string[];
  found: number;
  extra: number;
  authorsChecked: number;
  authorsRight: number;
  threads: number;
  refused?: string;
}

/** Every difference between Gleaner's reading and the expectation, each naming its kind first. */
async function compare(exp: ArchiveExpectation): Promise<Outcome> {
  // First and last overlap in short conversations: each distinct entry is checked once, and an id listed
  // twice with different digests is checked both ways (so it cannot pass).
  const checked = new Map<string, Entry>();
  for (const c of exp.conversations) for (const e of [...c.first, ...c.last]) checked.set(e.join(' '), e);
  let threads: Thread[];
  try {
    threads = await importCorpus(exp.archive);
  } catch (e) {
    if (!(e instanceof ImportError)) {
      const crash = `crash: ${(e as Error).name}: ${(e as Error).message}`;
      return { diffs: [crash], found: 0, extra: 0, authorsChecked: checked.size, authorsRight: 0, threads: 0, refused: crash };
    }
    // The file's path and the list of formats read (which grows) are left out: what was said is what counts.
    const message = (e as Error).message.replace(/^.*?: /, '').replace(/\. Gleaner reads [^]*$/, '.');
    return { diffs: [`refused: ${message}`, ...(await pageDiffs(exp))], found: 0, extra: 0, authorsChecked: checked.size, authorsRight: 0, threads: 0, refused: message };
  }
  const diffs: string[] = [];
  const convOf = new Map<string, number>();
  exp.conversations.forEach((c, i) => c.ids.forEach((id) => convOf.set(id, i)));
  const eventIds = new Set(exp.events.ids);
  const posts = new Map<string, Thread['posts'][number]>();
  const dup: string[] = [];
  const extra: string[] = [];
  const events: string[] = [];
  const foundPer = exp.conversations.map(() => new Set<string>());
  const place = new Map<string, number>();
  for (const c of exp.conversations) c.ids.forEach((id, i) => place.set(id, i));
  const disordered: string[] = [];
  for (const t of threads) {
    let before = -1;
    for (const p of t.posts) {
      const at = place.get(p.id);
      if (at !== undefined && at < before) disordered.push(p.id);
      if (at !== undefined) before = Math.max(before, at);
      if (posts.has(p.id)) dup.push(p.id);
      posts.set(p.id, p);
      const c = convOf.get(p.id);
      if (c !== undefined) foundPer[c]!.add(p.id);
      else if (eventIds.has(p.id)) events.push(p.id);
      else extra.push(p.id);
    }
  }
  exp.conversations.forEach((c, i) => {
    const missing = c.ids.filter((id) => !foundPer[i]!.has(id));
    if (missing.length) diffs.push(`missing: ${missing.length} of ${c.messages} posts of ${c.key}: ${some(missing)}`);
  });
  if (events.length) diffs.push(`event-as-post: ${events.length} system lines read as posts: ${some(events)}`);
  if (extra.length) diffs.push(`extra: ${extra.length} posts that are no message of the archive: ${some(extra)}`);
  if (disordered.length) diffs.push(`order: ${disordered.length} posts come after a later message of their conversation: ${some(disordered)}`);
  if (dup.length) diffs.push(`duplicate: ${dup.length} post ids read twice: ${some(dup)}`);
  const wrongAuthor: string[] = [];
  const wrongWords: string[] = [];
  let authorsRight = 0;
  for (const [id, author, words] of checked.values()) {
    const p = posts.get(id);
    if (!p) continue;
    if (digest(p.author.name) === author) authorsRight++;
    else wrongAuthor.push(id);
    if (digest(firstWords(ownText(p.text))) !== words) wrongWords.push(id);
  }
  if (wrongAuthor.length) diffs.push(`author: ${wrongAuthor.length} of the first and last posts have another author: ${some(wrongAuthor)}`);
  if (wrongWords.length) diffs.push(`words: ${wrongWords.length} of the first and last posts start with other words: ${some(wrongWords)}`);
  diffs.push(...(await pageDiffs(exp)));
  const found = foundPer.reduce((n, s) => n + s.size, 0);
  return { diffs, found, extra: extra.length + events.length, authorsChecked: checked.size, authorsRight, threads: threads.length };
}

/** Each page of a several-file export imported on its own, as a person might: its posts must all be there. */
async function pageDiffs(exp: ArchiveExpectation): Promise<string[]> {
  const diffs: string[] = [];
  for (const page of exp.pages ?? []) {
    const r = await compare({ ...exp, archive: page.file, pages: undefined });
    if (r.refused) diffs.push(`page: ${page.file} alone is refused: ${r.refused}`);
    else if (r.found !== page.messages) diffs.push(`page: ${page.file} alone gives ${r.found} of its ${page.messages} posts`);
  }
  return diffs;
}

type Row = { platform: string; archive: string; expected: number; found: number; extra: number; authors: string; conversations: string; note: string };
const rows: Row[] = [];

describe('chat archives in the corpus, against hand-checked expectations', () => {
  it('has an expectation per archive, each consistent with itself', () => {
    expect(expectations.length).toBeGreaterThan(0);
    for (const { name, exp } of expectations) {
      expect(name.startsWith(`${exp.platform}--`), name).toBe(true);
      expect(exp.conversations.reduce((n, c) => n + c.messages, 0), name).toBe(exp.messages);
      for (const c of exp.conversations) {
        expect(c.ids, `${name} ${c.key}`).toHaveLength(c.messages);
        expect(c.first.map((e) => e[0]), name).toEqual(c.ids.slice(0, LIST));
        expect(c.last.map((e) => e[0]), name).toEqual(c.ids.slice(-LIST));
      }
      expect(Object.values(exp.events.kinds).reduce((n, k) => n + k, 0), name).toBe(exp.events.count);
      expect(Boolean(exp.known), `${name}: "known" and "knownDiffs" go together`).toBe(Boolean(exp.knownDiffs?.length));
    }
  });

  it('every archive in these platforms\' corpus folders has an expectation', () => {
    const covered = new Set(expectations.flatMap(({ exp }) => [exp.archive, ...(exp.pages ?? []).map((p) => p.file)]));
    const archives = PLATFORM_DIRS.flatMap((dir) => readdirSync(resolve(CORPUS, dir)).map((f) => `${dir}/${f}`));
    expect(archives.filter((a) => !covered.has(a))).toEqual([]);
  });

  for (const { name, exp } of expectations) {
    const title = `${exp.archive}: ${exp.messages} posts in ${exp.conversations.length} conversation(s), ${exp.events.count} system lines${exp.known ? ' (known wrong)' : ''}`;
    it(title, async () => {
      const o = await compare(exp);
      rows.push({
        platform: exp.platform,
        archive: exp.archive.split('/').pop()!,
        expected: exp.messages,
        found: o.found,
        extra: o.extra,
        authors: `${o.authorsRight}/${o.authorsChecked}`,
        // The source's channels/chats against Gleaner's conversations (a channel is split where it falls silent).
        conversations: `${exp.conversations.length} → ${o.threads}`,
        note: exp.known ? `known: ${exp.known}` : '',
      });
      if (exp.known) expect(o.diffs, `${name}: the known differences changed; if it is now read right, remove "known" and "knownDiffs"`).toEqual(exp.knownDiffs);
      else expect(o.diffs).toEqual([]);
    }, 60_000);
  }

  afterAll(() => {
    const platforms = [...new Set(rows.map((r) => r.platform))];
    console.log('\nChat archives in ../shared/corpus: posts expected / found (by message id), posts that should not be, authors right among the first and last 10');
    console.table(
      platforms.map((platform) => {
        const rs = rows.filter((r) => r.platform === platform);
        const sum = (f: (r: Row) => number) => rs.reduce((n, r) => n + f(r), 0);
        const auth = rs.map((r) => r.authors.split('/').map(Number) as [number, number]);
        return {
          platform,
          archives: rs.length,
          expected: sum((r) => r.expected),
          found: sum((r) => r.found),
          'not posts read as posts': sum((r) => r.extra),
          'authors right': `${auth.reduce((n, a) => n + a[0], 0)}/${auth.reduce((n, a) => n + a[1], 0)}`,
          'known wrong': rs.filter((r) => r.note).length,
        };
      }),
    );
    console.table(rows);
  });
});
