import { Inflate, inflateSync, Unzip, type UnzipFile } from 'fflate';
import type { Thread } from '../model/thread.ts';
import { importContext, type ImportContext } from './context.ts';
import { decodeUtf8, parseJson } from './decode.ts';
import { ImportError } from './errors.ts';
import { noMessages, SLACK_DAY, SLACK_LISTINGS, SlackChannelReader, slackChannels, slackWorkspace, unlistedChannels, USERS_MISSING, userNames, type SlackChannel, type Users } from './slack.ts';
import { checkEntries, crc32, crcMismatch, DEFAULT_MAX_UNCOMPRESSED, findDirectory, inflateMember, MAX_DIRECTORY_BYTES, MAX_MEMBER_BYTES, parseDirectory } from './zip.ts';

/** Opens the archive from its start, each time it is called (a File's stream(), a read stream of a path). */
export type ByteSource = () => AsyncIterable<Uint8Array>;

export interface ZipStreamProgress {
  /** 1: reading names, users and channel lists; 2: reading the day files. The file is read once per pass. */
  pass: 1 | 2;
  /** Bytes read in this pass. */
  bytes: number;
  messages: number;
  threads: number;
}

/** The ZIP is not a Slack workspace export (no channels.json): the caller may try the other readers. */
export class NotSlackExport extends ImportError {}

/** Receives a member's bytes as they inflate. `data` is only valid during the call: inflaters reuse their buffers. */
type Sink = (data: Uint8Array, final: boolean) => void;

const SCRATCH_MAX = 8 * 1024 * 1024;

/**
 * fflate's streaming Unzip keeps the compressed bytes of every member nobody started. Registering our
 * own decoders lets every member be started at once: the members we want are inflated into a sink, the
 * rest are dropped as they pass, so memory never holds more than one member.
 */
function register(unzip: Unzip, pick: (name: string) => Sink | null): void {
  // Members with a declared size are inflated one after another into this buffer, grown as needed:
  // a fresh buffer per day file cost more than inflating some of them. A member larger than
  // SCRATCH_MAX gets a buffer of its own, so one large member does not stay in memory afterwards.
  let scratch = new Uint8Array(0);
  class Deflated {
    static compression = 8;
    ondata: (err: Error | null, data: Uint8Array, final: boolean) => void = () => undefined;
    private readonly inflate: Inflate | null = null;
    private readonly sink: Sink | null;
    private readonly parts: Uint8Array[] = [];
    constructor(
      name: string,
      size?: number,
      private readonly originalSize?: number,
    ) {
      this.sink = pick(name);
      if (this.sink && originalSize && originalSize > MAX_MEMBER_BYTES) throw memberTooLarge(name, originalSize);
      // Without a declared size (data descriptors) inflate as the bytes come, so the size guard acts
      // early; with one, inflating the member in one call into a buffer of that size is much faster.
      if (this.sink && !(originalSize && originalSize > 0)) this.inflate = new Inflate((d, final) => this.sink!(d, final));
    }
    push(chunk: Uint8Array, final: boolean): void {
      if (this.inflate) this.inflate.push(chunk, final);
      else if (this.sink) {
        if (chunk.length) this.parts.push(chunk.slice());
        if (final) {
          const size = this.originalSize!;
          if (size <= SCRATCH_MAX && scratch.length < size) scratch = new Uint8Array(Math.min(SCRATCH_MAX, Math.max(size, scratch.length * 2)));
          const out = inflateSync(concat(this.parts), { out: size <= SCRATCH_MAX ? scratch.subarray(0, size) : new Uint8Array(size) });
          if (out.length !== this.originalSize) throw new Error(`a member inflated to ${out.length} bytes, not the ${this.originalSize} its header declares`);
          this.sink(out, true);
        }
      }
      if (final) this.ondata(null, new Uint8Array(0), true);
    }
  }
  unzip.register(Deflated);
  unzip.register(passThrough(0, pick));
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, o), (o += p.length);
  return out;
}

/**
 * A member's bytes, whole, valid only during `onDone` (they may be the inflater's buffer): copy or decode
 * them there. At most MAX_MEMBER_BYTES are gathered, whatever the member declared (a bomb that hides its
 * size is stopped there), and with `crc` the bytes are checked against the directory's CRC-32.
 */
function collector(name: string, onDone: (bytes: Uint8Array) => void, count: (n: number) => void, crc?: number, file = '', declared?: number): Sink {
  const parts: Uint8Array[] = [];
  let size = 0;
  let sum = 0;
  return (d, final) => {
    if (d.length) {
      count(d.length);
      size += d.length;
      // A member that inflates past the size the directory declares is damaged or built to exhaust memory:
      // stopped at once, as inflateMember does for the whole-archive reader.
      if (declared !== undefined && size > declared) {
        throw new ImportError(`"${name}" is damaged: it unpacks to more than the ${declared} bytes the ZIP declares. Download the export again.`, file);
      }
      if (size > MAX_MEMBER_BYTES) throw memberTooLarge(name, size);
      if (crc !== undefined) sum = crc32(d, sum);
      // A member that arrives whole is handed on as it is; pieces are copied, the inflater reuses their buffer.
      parts.push(final && !parts.length ? d : d.slice());
    }
    if (final) {
      if (crc !== undefined && sum !== crc) throw crcMismatch(name, file, crc, sum);
      onDone(concat(parts));
    }
  };
}

function memberTooLarge(name: string, size: number): ImportError {
  return new ImportError(
    `"${name}" unpacks to more than ${MAX_MEMBER_BYTES / 1048576} MB (${Math.round(size / 1048576)} MB or more); one member is read whole, so Gleaner refuses it rather than run out of memory. Unpack the export and split that file.`,
    '',
  );
}

/** Pass 1 keeps the picked members compressed: they are inflated once the directory has said how (method, size, CRC). */
/** A decoder that hands a member's bytes to its sink as they are (stored members, or raw compressed bytes). */
function passThrough(compression: number, pick: (name: string) => Sink | null) {
  return class {
    static compression = compression;
    ondata: (err: Error | null, data: Uint8Array, final: boolean) => void = () => undefined;
    private readonly sink: Sink | null;
    constructor(name: string) {
      this.sink = pick(name);
    }
    push(chunk: Uint8Array, final: boolean): void {
      this.sink?.(chunk, final);
      if (final) this.ondata(null, new Uint8Array(0), true);
    }
  };
}

function registerRaw(unzip: Unzip, pick: (name: string) => Sink | null): void {
  unzip.register(passThrough(8, pick));
  unzip.register(passThrough(0, pick));
}

const SLICE = 16 * 1024;
const META = /(^|\/)(users|channels|groups|mpims|dms)\.json$/;

/**
 * A Slack workspace export ZIP read as a stream, twice: first for the member names, users.json and
 * the channel lists (Slack writes users.json last), then for the day files, each inflated, parsed and
 * fed to its channel's reader on its own. Memory holds one day file and the conversations still open,
 * whatever the archive's size. Gives the same threads as importSlackExport (channel by channel in the
 * archive's order rather than the listing's).
 */
export async function* importSlackZipStream(
  open: ByteSource,
  ctx: ImportContext = importContext('slack-export.zip'),
  onProgress?: (p: ZipStreamProgress) => void,
): AsyncGenerator<Thread> {
  const max = ctx.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED;
  let inflated = 0;
  const count = (n: number) => {
    inflated += n;
    if (inflated > max) throw bomb('its members inflate');
  };
  const bomb = (how: string) =>
    new ImportError(
      `the ZIP ${how} to more than ${Math.round(max / 1048576)} MB; refusing to unpack it. If the export is genuine, unpack it yourself and import the folder.`,
      ctx.file,
    );

  // Pass 1: names, declared sizes, the small files that say who and where (kept compressed), and the
  // archive's last bytes, where its central directory is.
  const names: string[] = [];
  const rawMeta = new Map<string, Uint8Array>();
  let declared = 0;
  const first = new Unzip();
  registerRaw(first, (name) => (META.test(name) ? collector(name, (b) => rawMeta.set(name, b.slice()), () => undefined) : null));
  first.onfile = (f: UnzipFile) => {
    names.push(f.name);
    // Without this, fflate fails on the member with "ctr is not a constructor".
    if (f.compression !== 0 && f.compression !== 8) checkEntries([{ name: f.name, flags: 0, method: f.compression, crc: 0, compressedSize: 0, size: 0, offset: 0 }], ctx.file, Infinity);
    declared += f.originalSize ?? 0;
    if (declared > max) throw bomb('declares that its members unpack');
    f.ondata = () => undefined;
    f.start();
  };
  // The last chunks, enough to hold the central directory (up to MAX_DIRECTORY_BYTES) and the end records.
  const keep = MAX_DIRECTORY_BYTES + 65_558 + 20;
  const tailChunks: Uint8Array[] = [];
  let tailBytes = 0;
  const read = await pump(first, open(), ctx, (bytes, chunk) => {
    tailChunks.push(chunk.slice());
    tailBytes += chunk.length;
    while (tailChunks.length > 1 && tailBytes - tailChunks[0]!.length >= keep) tailBytes -= tailChunks.shift()!.length;
    onProgress?.({ pass: 1, bytes, messages: 0, threads: 0 });
  });
  const tail = concat(tailChunks.length ? tailChunks : [new Uint8Array(0)]);
  tailChunks.length = 0;
  const tailAt = read - tail.length;
  let dir: { offset: number; size: number; count: number };
  try {
    dir = findDirectory(tail, tailAt, ctx.file);
  } catch (e) {
    throw new ImportError(`the ZIP archive is truncated: its end-of-archive record is missing after ${read} bytes. Download the export again.`, ctx.file, {
      offset: read,
      line: null,
      column: null,
    });
  }
  if (dir.offset < tailAt || dir.offset + dir.size > read) {
    throw new ImportError(
      dir.offset + dir.size > read
        ? `the ZIP archive is truncated: its central directory lies past the end of the file (${read} bytes). Download the export again.`
        : `the ZIP's central directory is larger than ${MAX_DIRECTORY_BYTES / 1048576} MB; Gleaner reads it whole and refuses it rather than run out of memory. Unpack the export and import the folder.`,
      ctx.file,
    );
  }
  // Every member checked before anything is used: encryption, methods, duplicate names, declared sizes.
  const entries = parseDirectory(tail.subarray(dir.offset - tailAt, dir.offset - tailAt + dir.size), ctx.file, dir.count);
  checkEntries(entries, ctx.file, max);
  const byName = new Map(entries.map((e) => [e.name, e]));
  // The members met on the way and the directory must agree, or which bytes are which member is unknown.
  const stray = names.find((n) => !byName.has(n));
  if (stray !== undefined || names.length !== entries.length) {
    throw new ImportError(
      `the ZIP archive is damaged: ${stray !== undefined ? `"${stray}" is not in its central directory` : `its central directory lists ${entries.length} members, the archive holds ${names.length}`}. Download the export again.`,
      ctx.file,
    );
  }
  const meta = new Map<string, Uint8Array>();
  for (const [name, raw] of rawMeta) {
    const e = byName.get(name);
    if (!e) throw new ImportError(`the ZIP archive is damaged: "${name}" is not in its central directory. Download the export again.`, ctx.file);
    if (e.size > MAX_MEMBER_BYTES) throw withFile(memberTooLarge(name, e.size), ctx.file);
    count(e.size);
    meta.set(name, inflateMember(e, raw, ctx.file));
  }
  rawMeta.clear();

  const listing = names.find((p) => /(^|\/)(channels|groups|dms|mpims)\.json$/.test(p));
  if (!listing) throw new NotSlackExport('not a Slack workspace export: channels.json is missing. Import the ZIP exactly as Slack produced it.', ctx.file);
  const root = listing.replace(/[^/]*$/, '');
  const metaJson = (rel: string) => parseJson(decodeUtf8(meta.get(root + rel)!, `${ctx.file}/${root}${rel}`), `${ctx.file}/${root}${rel}`);
  let users: Users = new Map();
  if (meta.has(`${root}users.json`)) users = userNames(metaJson('users.json'));
  else ctx.warn(USERS_MISSING);
  const channels = slackChannels(SLACK_LISTINGS.filter((f) => meta.has(root + f)).map(metaJson));
  meta.clear();

  // Which day files each channel has, in date order: a channel ends when its last day is read.
  const byFolder = new Map<string, SlackChannel>(channels.map((c) => [c.name, c]));
  for (const c of unlistedChannels(names.filter((n) => n.startsWith(root)).map((n) => n.slice(root.length)), byFolder, ctx)) byFolder.set(c.name, c);
  const days = new Map<string, string[]>();
  for (const n of names) {
    if (!n.startsWith(root)) continue;
    const m = SLACK_DAY.exec(n.slice(root.length));
    if (!m || !byFolder.has(m[1]!)) continue;
    const list = days.get(m[1]!) ?? [];
    list.push(n.slice(root.length));
    days.set(m[1]!, list);
  }
  let expected = 0;
  for (const list of days.values()) {
    list.sort();
    expected += list.length;
  }
  names.length = 0;

  const workspace = slackWorkspace(ctx.file);
  interface Open {
    reader: SlackChannelReader;
    next: number;
    waiting: Map<string, DayText>;
  }
  const open_ = new Map<string, Open>();
  const done: { path: string; text: DayText }[] = [];
  let messages = 0;
  let threads = 0;
  const ready: Thread[] = [];

  const feed = (path: string, text: DayText) => {
    expected--;
    const folder = SLACK_DAY.exec(path)![1]!;
    const list = days.get(folder)!;
    let ch = open_.get(folder);
    if (!ch) open_.set(folder, (ch = { reader: new SlackChannelReader(ctx, workspace, byFolder.get(folder)!, users), next: 0, waiting: new Map() }));
    // Day files normally come in date order; any that come early wait for the ones before them.
    ch.waiting.set(path, text);
    while (ch.next < list.length && ch.waiting.has(list[ch.next]!)) {
      const day = list[ch.next++]!;
      const t = ch.waiting.get(day)!;
      ch.waiting.delete(day);
      if (typeof t !== 'string') throw t;
      const before = ch.reader.messages;
      ready.push(...ch.reader.day(parseJson(t, `${ctx.file}/${root}${day}`), day));
      messages += ch.reader.messages - before;
    }
    if (ch.next === list.length) {
      ready.push(...ch.reader.end());
      open_.delete(folder);
    }
  };

  // Pass 2: the day files, one at a time.
  inflated = 0;
  const second = new Unzip();
  register(second, (name) => {
    if (!name.startsWith(root)) return null;
    const m = SLACK_DAY.exec(name.slice(root.length));
    if (!m || !days.has(m[1]!)) return null;
    const path = name.slice(root.length);
    const entry = byName.get(name);
    return collector(name, (b) => done.push({ path, text: dayText(b, `${ctx.file}/${root}${path}`) }), count, entry?.crc, ctx.file, entry?.size);
  });
  second.onfile = (f: UnzipFile) => {
    f.ondata = () => undefined;
    f.start();
  };
  let bytes = 0;
  // Once every day file is read, what follows (users.json, the central directory, which the unzipper
  // would scan byte by byte) is not read a second time.
  let complete = expected === 0;
  reading: for await (const chunk of complete ? [] : open()) {
    // A 1 MB chunk of a well-compressed export holds hundreds of day files: fed in small slices, each
    // is parsed and dropped before the next is inflated, so they never pile up in memory at once.
    for (let o = 0; o < chunk.length; o += SLICE) {
      const slice = chunk.subarray(o, o + SLICE);
      try {
        second.push(slice, false);
      } catch (e) {
        throw damaged(e, ctx, bytes);
      }
      bytes += slice.length;
      while (done.length) {
        const d = done.shift()!;
        feed(d.path, d.text);
      }
      // Handed out slice by slice, not chunk by chunk: a 1 MB chunk can close thousands of conversations.
      while (ready.length) {
        threads++;
        yield ready.shift()!;
      }
      if (expected <= 0 && !open_.size) {
        complete = true;
        break reading;
      }
    }
    onProgress?.({ pass: 2, bytes, messages, threads });
  }
  if (complete) bytes = read;
  else {
    try {
      second.push(new Uint8Array(0), true);
    } catch (e) {
      throw damaged(e, ctx, bytes, true);
    }
    while (done.length) {
      const d = done.shift()!;
      feed(d.path, d.text);
    }
  }
  if (open_.size) throw new ImportError('the file changed while it was being read (day files went missing between two reads). Import it again.', ctx.file);
  if (!messages) throw noMessages(channels.length, byFolder.size, ctx.file);
  while (ready.length) {
    threads++;
    yield ready.shift()!;
  }
  onProgress?.({ pass: 2, bytes, messages, threads });
}

/** A day file decoded as soon as it is inflated; a decoding error waits for the file's turn, as reading it then would have. */
type DayText = string | ImportError;

function dayText(bytes: Uint8Array, file: string): DayText {
  try {
    return decodeUtf8(bytes, file);
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
}

function damaged(e: unknown, ctx: ImportContext, at: number, atEnd = false): ImportError {
  if (e instanceof ImportError) return withFile(e, ctx.file);
  const msg = (e as Error).message;
  // fflate reports a stream that stops inside a member when told it is finished.
  const truncated = atEnd || /unexpected EOF/i.test(msg);
  return new ImportError(
    truncated
      ? `the ZIP archive is truncated: it ends in the middle of a member after ${at} bytes. Download the export again.`
      : `the ZIP archive is damaged (${msg}). Download the export again.`,
    ctx.file,
    { offset: at, line: null, column: null },
  );
}

/** An error raised where the file name was not at hand (a member too large), given the archive's name. */
function withFile(e: ImportError, file: string): ImportError {
  return e.file ? e : new ImportError(e.message.replace(/^: /, ''), file, e.position);
}

/** Pushes a whole stream through an Unzip; returns the byte count. */
async function pump(unzip: Unzip, chunks: AsyncIterable<Uint8Array>, ctx: ImportContext, each: (bytes: number, chunk: Uint8Array) => void): Promise<number> {
  let bytes = 0;
  for await (const chunk of chunks) {
    // In slices: fflate's Unzip takes each member it finds in a pushed buffer with a recursive call, so
    // a 1 MB chunk of thousands of small day files overflowed the stack ("Maximum call stack size
    // exceeded" at about 3,000 members). A slice holds a few hundred members at most.
    for (let o = 0; o < chunk.length; o += SLICE) {
      try {
        unzip.push(chunk.subarray(o, o + SLICE), false);
      } catch (e) {
        throw damaged(e, ctx, bytes + o);
      }
    }
    bytes += chunk.length;
    each(bytes, chunk);
  }
  try {
    unzip.push(new Uint8Array(0), true);
  } catch (e) {
    throw damaged(e, ctx, bytes, true);
  }
  return bytes;
}
