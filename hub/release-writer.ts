import { createHash, type Hash } from 'node:crypto';
import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Entry } from '../lib/model/entry.ts';
import { mdInline } from '../lib/curate/markdown-safe.ts';
import {
  ATTRIBUTION_SOURCES,
  attributionHead,
  authorLine,
  cardFiles,
  datasetRecord,
  ReleaseTally,
  shardPath,
  sourceLineOf,
  sourceLineStart,
  type PublishOptions,
  type ShardInfo,
} from './publish.ts';
import { entryFolder, EntrySetFingerprint, preferencePairs, sftRow, type Manifest } from './release-layout.ts';

/**
 * The release build streamed to a folder: the same files, byte for byte, as `buildDataset` (the
 * in-memory reference), with memory that does not grow with the number of entries. Entries are read
 * twice, a page at a time, in id order: a first pass counts (entries per hobby and subject folder,
 * preference pairs, the card's tallies), since a shard's name says how many shards its folder holds;
 * the second writes every shard as it fills, `manifest.json` and `changes.json` as it goes, and the
 * sources ATTRIBUTION.md lists into a scratch SQLite file (sorted by author and address there, not in
 * memory). What stays in memory: the tallies, one buffer per open shard (flushed past a budget), the
 * list of shards (path, rows, hash); the previous release's manifest is read from its file alongside
 * the entries when it is given as a StreamedManifest (what `hub publish` does), else held as given.
 */

/** Reads the entries to release in pages, in id order; called once per pass. */
export type EntryPages = () => AsyncIterable<Entry[]>;

export interface WrittenRelease {
  /** Every file written, relative to the folder, sorted. */
  files: string[];
  entries: number;
  /** The EntrySetFingerprint of what was read: the store's claim has the same one when nothing changed meanwhile. */
  fingerprint: string;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Bytes held in shard buffers before they are all appended to their files. */
const BUFFER_BUDGET = 8 << 20;

/** A text file written through a buffer. */
class BufferedFile {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
  }
  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.parts.length) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
  /** Appends another file's bytes, a chunk at a time. */
  copyFrom(path: string): void {
    this.flush();
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) writeSync(this.fd, buf, 0, n);
    } finally {
      closeSync(fd);
    }
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** The elements of a list two levels deep in a document `JSON.stringify(doc, null, 1)` writes. */
class JsonList {
  count = 0;
  constructor(private readonly file: BufferedFile) {}
  add(v: unknown): void {
    this.file.write((this.count++ ? ',\n' : '\n') + JSON.stringify(v, null, 1).replace(/^/gm, '  '));
  }
  /** What closes the list after its `[`. */
  get end(): string {
    return this.count ? '\n ]' : ']';
  }
}

/** The shards of one folder: rows appended as they come, a new shard every `size` rows. */
class ShardSet {
  private index = 0;
  private rows = 0;
  private path: string | null = null;
  private hash: Hash | null = null;
  private buffer: string[] = [];
  buffered = 0;
  constructor(
    private readonly out: string,
    private readonly dir: string,
    private readonly n: number,
    private readonly size: number,
    private readonly shards: ShardInfo[],
  ) {}
  add(line: string): void {
    if (this.path === null) this.open();
    this.buffer.push(line);
    this.buffered += line.length;
    this.hash!.update(line);
    if (++this.rows === this.size) this.close();
  }
  flush(): void {
    if (this.buffer.length) appendFileSync(join(this.out, this.path!), this.buffer.join(''));
    this.buffer = [];
    this.buffered = 0;
  }
  /** Closes the last shard, and writes any empty one the count promised (an empty release's single shard). */
  finish(): void {
    if (this.path !== null) this.close();
    while (this.index < this.n) (this.open(), this.close());
  }
  private open(): void {
    if (this.index >= this.n) throw new Error(`${this.dir} has more rows than counted: the entries changed while the release was written.`);
    this.path = shardPath(this.dir, this.index, this.n);
    mkdirSync(join(this.out, this.dir), { recursive: true });
    writeFileSync(join(this.out, this.path), '');
    this.hash = createHash('sha256');
  }
  private close(): void {
    this.flush();
    this.shards.push({ path: this.path!, rows: this.rows, sha256: this.hash!.digest('hex') });
    this.index++;
    this.rows = 0;
    this.path = null;
    this.hash = null;
  }
}

/** A sort key SQLite's memcmp order agrees with JavaScript's string order on: UTF-16 code units, big-endian. */
const key = (s: string) => Buffer.from(s, 'utf16le').swap16();

/** The previous manifest's entries sorted by id, one per id (the last, as a Map built from the list keeps). */
function previousSorted(previous: Manifest | null | undefined): Manifest['entries'] {
  const list = [...(previous?.entries ?? [])].sort((a, b) => cmp(a.id, b.id));
  return list.filter((e, i) => i + 1 === list.length || list[i + 1]!.id !== e.id);
}

type ManifestEntry = Manifest['entries'][number];

/**
 * A previous release's manifest read from its file as the build goes, instead of held in memory: its
 * name, and its entries (strictly in id order, as `manifest.json` always lists them), read anew per call.
 */
export interface StreamedManifest {
  release: string;
  entries: () => Iterable<ManifestEntry>;
}

/** The lines of a text file, read a chunk at a time. */
function* fileLines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let rest = '';
    const decoder = new TextDecoder();
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      const lines = (rest + decoder.decode(buf.subarray(0, n), { stream: true })).split('\n');
      rest = lines.pop()!;
      yield* lines;
    }
    rest += decoder.decode();
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

const HASH = /^[0-9a-f]{64}$/;
/** One JSON string value on a line `PREFIX"…"SUFFIX`, or null when the line is not that. */
function lineValue(line: string, prefix: string, suffix: string): string | null {
  if (!line.startsWith(prefix) || !line.endsWith(suffix)) return null;
  try {
    const v: unknown = JSON.parse(line.slice(prefix.length, line.length - suffix.length));
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/**
 * Reads `manifest.json` as the release build writes it (`JSON.stringify(manifest, null, 1)`, entries
 * in strictly increasing id order), one line at a time, yielding its entries; returns its release name,
 * or null when the file is not exactly that (hand-edited, reordered): read it whole then.
 */
function* manifestItems(path: string): Generator<ManifestEntry, { release: string } | null> {
  const it = fileLines(path);
  const next = () => {
    const r = it.next();
    return r.done ? null : r.value;
  };
  if (next() !== '{') return null;
  const release = lineValue(next() ?? '', ' "release": ', ',');
  if (release === null || !release || lineValue(next() ?? '', ' "date": ', ',') === null) return null;
  const open = next();
  if (open === ' "entries": [') {
    let last: string | null = null;
    for (;;) {
      if (next() !== '  {') return null;
      const id = lineValue(next() ?? '', '   "id": ', ',');
      const hash = lineValue(next() ?? '', '   "contentSha256": ', '');
      const close = next();
      if (!id || hash === null || !HASH.test(hash) || (last !== null && !(last < id)) || (close !== '  },' && close !== '  }')) return null;
      yield { id, contentSha256: hash };
      last = id;
      if (close === '  }') break;
    }
    if (next() !== ' ]') return null;
  } else if (open !== ' "entries": []') return null;
  if (next() !== '}') return null;
  const end = next();
  return end === null || (end === '' && next() === null) ? { release } : null;
}

/**
 * A manifest file as a StreamedManifest when it is exactly as the build writes it (checked by reading it
 * through once), else null. Its entries are read from the file again at each call.
 */
export function streamedManifest(path: string): StreamedManifest | null {
  const it = manifestItems(path);
  let r = it.next();
  while (!r.done) r = it.next();
  if (!r.value) return null;
  return {
    release: r.value.release,
    *entries() {
      if ((yield* manifestItems(path)) === null) throw new Error(`${path} changed while the release was written.`);
    },
  };
}

/** The previous manifest's entries in id order, one at a time: from a streamed file or from a list. */
function previousCursor(previous: Manifest | StreamedManifest | null | undefined) {
  let it: Iterator<ManifestEntry>;
  if (previous && 'entries' in previous && typeof previous.entries === 'function') {
    it = previous.entries()[Symbol.iterator]();
  } else {
    it = previousSorted(previous as Manifest | null | undefined)[Symbol.iterator]();
  }
  let head = it.next();
  let last: string | null = null;
  return {
    peek: (): ManifestEntry | undefined => (head.done ? undefined : head.value),
    take(): ManifestEntry {
      const e = head.value as ManifestEntry;
      if (last !== null && !(last < e.id)) throw new Error(`The previous manifest must list entries in id order: ${e.id} came after ${last}.`);
      last = e.id;
      head = it.next();
      return e;
    },
    /** Closes the file a streamed manifest is read from, when the build stops early. */
    close: () => void it.return?.(),
  };
}

const manifestEntry = (e: Manifest['entries'][number]) => ({ id: e.id, contentSha256: e.contentSha256 });

/**
 * `previous`, when given, replaces `opts.previous` with a manifest read from its file as the build goes
 * (the file must not be the `manifest.json` being written: copy it aside first).
 */
export async function writeRelease(pages: EntryPages, opts: PublishOptions, out: string, previous?: StreamedManifest): Promise<WrittenRelease> {
  const previousName = previous ? previous.release : (opts.previous?.release ?? null);
  const shardSize = Math.max(1, opts.shardSize ?? 1000);

  // First pass: the counts every file name and the card need.
  const tally = new ReleaseTally();
  const hasher = new EntrySetFingerprint();
  let lastId: string | null = null;
  const folders = new Map<string, { hobby: string; subject: string; entries: { length: number } }>();
  let pairCount = 0;
  for await (const page of pages()) {
    for (const e of page) {
      if (lastId !== null && !(lastId < e.id)) throw new Error(`Entries must come in id order: ${e.id} came after ${lastId}.`);
      lastId = e.id;
      hasher.add(e.id, e.contentSha256);
      tally.add(e);
      const f = entryFolder(e);
      const g = folders.get(f.key);
      if (g) g.entries.length++;
      else folders.set(f.key, { hobby: f.hobby, subject: f.subject, entries: { length: 1 } });
      pairCount += preferencePairs(e).length;
    }
  }
  const fingerprint = hasher.digest();
  const date = opts.date ?? tally.newestDay ?? '1970-01-01';
  const groups = [...folders.entries()].sort((a, b) => cmp(a[0], b[0])).map(([, g]) => g);
  const shardCount = (rows: number) => Math.max(1, Math.ceil(rows / shardSize));

  const scratch = mkdtempSync(join(tmpdir(), 'gleaner-release-'));
  const db = new Database(join(scratch, 'attribution.sqlite'));
  const before = previousCursor(previous ?? opts.previous);
  try {
    // Second pass: every shard, the manifest and the changes, in id order.
    const dataShards: ShardInfo[][] = groups.map(() => []);
    const sftShards: ShardInfo[] = [];
    const preferenceShards: ShardInfo[] = [];
    const byFolder = new Map<string, ShardSet>();
    groups.forEach((g, i) => byFolder.set(`${g.hobby}/${g.subject}`, new ShardSet(out, `data/${g.hobby}/${g.subject}`, shardCount(g.entries.length), shardSize, dataShards[i]!)));
    const sft = new ShardSet(out, 'sft', shardCount(tally.total), shardSize, sftShards);
    const preference = pairCount ? new ShardSet(out, 'preference', shardCount(pairCount), shardSize, preferenceShards) : null;
    const sets = [...byFolder.values(), sft, ...(preference ? [preference] : [])];
    let buffered = 0;

    const manifestFile = new BufferedFile(join(out, 'manifest.json'));
    manifestFile.write(`{\n "release": ${JSON.stringify(opts.release)},\n "date": ${JSON.stringify(date)},\n "entries": [`);
    const manifest = new JsonList(manifestFile);
    const changesFile = new BufferedFile(join(out, 'changes.json'));
    changesFile.write(`{\n "release": ${JSON.stringify(opts.release)},\n "previous": ${JSON.stringify(previousName)},\n "added": [`);
    const added = new JsonList(changesFile);
    const revisedFile = new BufferedFile(join(scratch, 'revised'));
    const revised = new JsonList(revisedFile);
    const removedFile = new BufferedFile(join(scratch, 'removed'));
    const removed = new JsonList(removedFile);

    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(`CREATE TABLE source (url TEXT PRIMARY KEY, ukey BLOB NOT NULL, author TEXT NOT NULL, akey BLOB NOT NULL, author_url TEXT, title TEXT NOT NULL, license TEXT);
             CREATE TABLE use (n INTEGER PRIMARY KEY, url TEXT NOT NULL, entry TEXT NOT NULL);`);
    const addSource = db.prepare('INSERT OR IGNORE INTO source (url, ukey, author, akey, author_url, title, license) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const addUse = db.prepare('INSERT INTO use (url, entry) VALUES (?, ?)');
    const sources = db.transaction((page: Entry[]) => {
      for (const e of page) {
        const seen = new Set<string>();
        for (const s of e.sources) {
          const r = sourceLineOf(e, s);
          addSource.run(s.url, key(s.url), r.author, key(r.author), r.authorUrl, r.title, r.license);
          if (!seen.has(s.url)) (seen.add(s.url), addUse.run(s.url, e.id));
        }
      }
    });

    const again = new EntrySetFingerprint();
    for await (const page of pages()) {
      for (const e of page) {
        again.add(e.id, e.contentSha256);
        const into = byFolder.get(entryFolder(e).key);
        if (!into) throw new Error(`Entry ${e.id} is in a folder the first pass did not see: the entries changed while the release was written.`);
        const line = JSON.stringify(datasetRecord(e)) + '\n';
        into.add(line);
        const chat = JSON.stringify(sftRow(e)) + '\n';
        sft.add(chat);
        buffered += line.length + chat.length;
        for (const p of preferencePairs(e)) {
          if (!preference) throw new Error('Preference pairs appeared that the first pass did not count: the entries changed while the release was written.');
          const text = JSON.stringify(p) + '\n';
          preference.add(text);
          buffered += text.length;
        }
        if (buffered > BUFFER_BUDGET) {
          for (const s of sets) s.flush();
          buffered = 0;
        }
        manifest.add({ id: e.id, contentSha256: e.contentSha256 });
        // The previous manifest, merged in id order: added, revised, and removed (in it, not here).
        while (before.peek() && cmp(before.peek()!.id, e.id) < 0) removed.add(manifestEntry(before.take()));
        const was = before.peek()?.id === e.id ? before.take().contentSha256 : undefined;
        if (was === undefined) added.add(e.id);
        else if (was !== e.contentSha256) revised.add({ id: e.id, from: was, to: e.contentSha256 });
      }
      sources(page);
    }
    if (again.digest() !== fingerprint) throw new Error('The entries changed while the release was written (the two passes read different entries); publish again.');
    while (before.peek()) removed.add(manifestEntry(before.take()));
    for (const s of sets) s.finish();

    manifestFile.write(`${manifest.end}\n}\n`);
    manifestFile.close();
    revisedFile.close();
    removedFile.close();
    changesFile.write(`${added.end},\n "revised": [`);
    changesFile.copyFrom(revisedFile.path);
    changesFile.write(`${revised.end},\n "removed": [`);
    changesFile.copyFrom(removedFile.path);
    changesFile.write(`${removed.end}\n}\n`);
    changesFile.close();

    const shards = [...dataShards.flat(), ...sftShards, ...preferenceShards];
    const written = ['manifest.json', 'changes.json', 'ATTRIBUTION.md', ...shards.map((s) => s.path)];
    const changes = { previous: previousName, added: added.count, revised: revised.count, removed: removed.count };
    for (const [path, text] of cardFiles({ opts, date, tally, groups, hasPairs: pairCount > 0, shards, changes })) {
      writeFileSync(join(out, path), text);
      written.push(path);
    }

    // ATTRIBUTION.md: authors, then sources by author and address, each with the entries using it.
    db.exec('CREATE INDEX source_order ON source (akey, ukey); CREATE INDEX use_by_url ON use (url, n);');
    const count = db.prepare('SELECT COUNT(*) AS sources, COUNT(DISTINCT akey) AS authors FROM source').get() as { sources: number; authors: number };
    const attribution = new BufferedFile(join(out, 'ATTRIBUTION.md'));
    attribution.write(attributionHead(opts.release, count.sources, count.authors));
    let first = true;
    for (const r of db.prepare('SELECT author FROM source GROUP BY akey ORDER BY akey').iterate() as Iterable<{ author: string }>) {
      attribution.write((first ? '' : '\n') + authorLine(r.author));
      first = false;
    }
    attribution.write(ATTRIBUTION_SOURCES);
    let url: string | null = null;
    const rows = db.prepare('SELECT s.url, s.author, s.author_url, s.title, s.license, u.entry FROM source s JOIN use u ON u.url = s.url ORDER BY s.akey, s.ukey, u.n');
    for (const r of rows.iterate() as Iterable<{ url: string; author: string; author_url: string | null; title: string; license: string | null; entry: string }>) {
      if (r.url !== url) {
        attribution.write((url === null ? '' : '\n') + sourceLineStart(r.url, { author: r.author, authorUrl: r.author_url, title: r.title, license: r.license }) + mdInline(r.entry));
        url = r.url;
      } else attribution.write(', ' + mdInline(r.entry));
    }
    attribution.write('\n');
    attribution.close();
    return { files: written.sort(cmp), entries: tally.total, fingerprint };
  } finally {
    before.close();
    db.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
