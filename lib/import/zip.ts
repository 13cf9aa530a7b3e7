import { Inflate } from 'fflate';
import { ImportError } from './errors.ts';

/** Larger than any chat export we have seen unpacked in memory; a ZIP declaring more is refused. */
export const DEFAULT_MAX_UNCOMPRESSED = 1024 * 1024 * 1024;

/**
 * The most one member may unpack to when it is held whole (a day file, users.json, a log). With the
 * text decoded from it and the JSON parsed from that (about three times the bytes), one member stays
 * under the 256 MB a streamed import is meant to need, whatever the archive declares.
 */
export const MAX_MEMBER_BYTES = 64 * 1024 * 1024;

/** The central directory is read whole; past this, the ZIP is refused rather than held in memory. */
export const MAX_DIRECTORY_BYTES = 32 * 1024 * 1024;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** One member as the central directory lists it (APPNOTE.TXT 4.3.12). */
export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Where its local header starts. */
  offset: number;
}

/** Compression methods by number (APPNOTE.TXT 4.4.5), to name what Gleaner does not read. */
const METHODS: Record<number, string> = {
  1: 'Shrink',
  2: 'Reduce',
  3: 'Reduce',
  4: 'Reduce',
  5: 'Reduce',
  6: 'Implode',
  9: 'Deflate64',
  10: 'PKWARE DCL Implode',
  12: 'bzip2',
  14: 'LZMA',
  16: 'IBM z/OS CMPSC',
  18: 'IBM TERSE',
  19: 'IBM LZ77',
  20: 'Zstandard',
  93: 'Zstandard',
  94: 'MP3',
  95: 'XZ',
  96: 'JPEG',
  97: 'WavPack',
  98: 'PPMd',
  99: 'AES encryption',
};

const u16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u32 = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const u64 = (b: Uint8Array, i: number) => u32(b, i) + u32(b, i + 4) * 2 ** 32;

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Where the central directory is, read from the archive's last bytes (`tail`, which start at byte `tailAt`). */
export function findDirectory(tail: Uint8Array, tailAt: number, file: string): { offset: number; size: number; count: number } {
  for (let i = tail.length - 22; i >= 0; i--) {
    if (u32(tail, i) !== EOCD) continue;
    let count = u16(tail, i + 10);
    let size = u32(tail, i + 12);
    let offset = u32(tail, i + 16);
    // ZIP64: the classic record holds 0xFFFF… and a locator just before it points to the 64-bit record.
    if (i >= 20 && u32(tail, i - 20) === EOCD64_LOCATOR) {
      const at = u64(tail, i - 12) - tailAt;
      if (at >= 0 && at + 56 <= tail.length && u32(tail, at) === EOCD64) {
        count = u64(tail, at + 32);
        size = u64(tail, at + 40);
        offset = u64(tail, at + 48);
      }
    }
    return { offset, size, count };
  }
  throw new ImportError(
    'the ZIP archive is truncated: its end-of-archive record is missing. Download the export again.',
    file,
    { offset: tailAt + tail.length, line: null, column: null },
  );
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** The central directory's entries, refusing what Gleaner cannot read faithfully (see `checkEntries`). */
export function parseDirectory(cd: Uint8Array, file: string, count?: number): ZipEntry[] {
  const out: ZipEntry[] = [];
  let i = 0;
  while (i + 46 <= cd.length && u32(cd, i) === CENTRAL) {
    const flags = u16(cd, i + 8);
    const nameLen = u16(cd, i + 28);
    const extraLen = u16(cd, i + 30);
    const commentLen = u16(cd, i + 32);
    const rawName = cd.subarray(i + 46, i + 46 + nameLen);
    // As fflate names streamed members: UTF-8 when flag bit 11 says so, else byte for byte.
    const name = (flags & 0x800 ? utf8 : latin1).decode(rawName);
    let compressedSize = u32(cd, i + 20);
    let size = u32(cd, i + 24);
    let offset = u32(cd, i + 42);
    // ZIP64 extra field (id 1): the 64-bit values of the fields that hold 0xFFFFFFFF, in this order.
    let e = i + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = u16(cd, e);
      const len = u16(cd, e + 2);
      if (id === 1) {
        let p = e + 4;
        if (size === 0xffffffff) (size = u64(cd, p)), (p += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(cd, p)), (p += 8);
        if (offset === 0xffffffff) offset = u64(cd, p);
      }
      e += 4 + len;
    }
    out.push({ name, flags, method: u16(cd, i + 10), crc: u32(cd, i + 16), compressedSize, size, offset });
    i = extraEnd + commentLen;
  }
  // Entries that stop early (a damaged signature) would silently leave members out.
  if ((count !== undefined && out.length !== count) || (count === undefined && i < cd.length && out.length === 0)) {
    throw new ImportError(
      `the ZIP archive is damaged: its central directory lists ${count ?? 'some'} members but ${out.length} can be read. Download the export again.`,
      file,
    );
  }
  return out;
}

/**
 * Refuses, by name, what would otherwise be read wrongly or not at all: encrypted members, compression
 * methods other than Deflate and Stored, and a name listed twice (which copy is the export?). Also the
 * "ZIP bomb": declared sizes adding up past `maxBytes`.
 */
export function checkEntries(entries: ZipEntry[], file: string, maxBytes: number): void {
  const seen = new Set<string>();
  let declared = 0;
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    if (e.flags & 1 || e.method === 99) {
      throw new ImportError(
        `"${e.name}" is encrypted, and Gleaner does not read password-protected ZIPs. Unpack it with its password and import the folder, or zip it again without one.`,
        file,
      );
    }
    if (e.method !== 0 && e.method !== 8) {
      const method = METHODS[e.method] ?? `method ${e.method}`;
      throw new ImportError(
        `"${e.name}" uses ${method} compression, which Gleaner does not read; re-zip it with Deflate (the usual "Compress" or "Send to ZIP" of any system), or unpack it and import the folder.`,
        file,
      );
    }
    if (seen.has(e.name)) {
      throw new ImportError(`the ZIP holds "${e.name}" twice; Gleaner will not guess which copy is the export. Unpack it, keep the right copy and import the folder.`, file);
    }
    seen.add(e.name);
    declared += e.size;
    if (declared > maxBytes) {
      throw new ImportError(
        `the ZIP declares more than ${Math.round(maxBytes / 1048576)} MB once unpacked (reached at "${e.name}"); refusing to unpack it. ` +
          'If the export is genuine, unpack it yourself and import the folder.',
        file,
      );
    }
  }
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (ISO 3309, as ZIP uses it), continued from `crc` so a member can be checked piece by piece. */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export function crcMismatch(name: string, file: string, expected: number, got: number): ImportError {
  return new ImportError(
    `"${name}" is damaged: its CRC-32 checksum is ${got.toString(16).padStart(8, '0')}, the ZIP says ${expected.toString(16).padStart(8, '0')}. Download the export again.`,
    file,
  );
}

/**
 * Inflates into a buffer of the declared size, feeding the compressed bytes a few KiB at a time and
 * stopping as soon as the output would pass it: a member that lies about its size (a bomb) costs the
 * declared size and a little work, not its real size.
 */
function inflateBounded(data: Uint8Array, size: number): Uint8Array | null {
  const out = new Uint8Array(size);
  let got = 0;
  let over = false;
  const inflate = new Inflate((chunk) => {
    if (over) return;
    if (got + chunk.length > size) over = true;
    else {
      out.set(chunk, got);
      got += chunk.length;
    }
  });
  const STEP = 4096;
  if (!data.length) inflate.push(data, true);
  for (let o = 0; o < data.length && !over; o += STEP) inflate.push(data.subarray(o, o + STEP), o + STEP >= data.length);
  return over ? null : out.subarray(0, got);
}

/** The member's bytes, inflated into a buffer of its declared size, its size and checksum verified. */
export function inflateMember(e: ZipEntry, data: Uint8Array, file: string): Uint8Array {
  let out: Uint8Array | null;
  if (e.method === 0) out = data;
  else {
    try {
      out = inflateBounded(data, e.size);
    } catch (err) {
      throw new ImportError(`"${e.name}" is damaged (${(err as Error).message}). Download the export again.`, file);
    }
  }
  if (out === null || out.length !== e.size) {
    throw new ImportError(
      `"${e.name}" is damaged: it unpacks to ${out === null ? 'more than' : `${out.length} bytes, not`} the ${e.size} bytes the ZIP declares. Download the export again.`,
      file,
    );
  }
  const crc = crc32(out);
  if (crc !== e.crc) throw crcMismatch(e.name, file, e.crc, crc);
  return out;
}

/**
 * The members of a ZIP, as path → bytes, each checked against its CRC-32. Refuses, before inflating
 * anything, a ZIP whose declared sizes add up past the limit (a "ZIP bomb"), encrypted members, methods
 * other than Deflate/Stored and duplicate names; a damaged or truncated ZIP is reported as such.
 */
export function unzipArchive(bytes: Uint8Array, file: string, maxBytes = DEFAULT_MAX_UNCOMPRESSED): Map<string, Uint8Array> {
  const tailAt = Math.max(0, bytes.length - 65_558 - 20);
  const dir = findDirectory(bytes.subarray(tailAt), tailAt, file);
  if (dir.offset + dir.size > bytes.length) {
    throw new ImportError('the ZIP archive is truncated: its central directory lies past the end of the file. Download the export again.', file, {
      offset: bytes.length,
      line: null,
      column: null,
    });
  }
  const entries = parseDirectory(bytes.subarray(dir.offset, dir.offset + dir.size), file, dir.count);
  checkEntries(entries, file, maxBytes);
  const out = new Map<string, Uint8Array>();
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    if (e.offset + 30 > bytes.length || u32(bytes, e.offset) !== LOCAL) {
      throw new ImportError(`the ZIP archive is damaged: the entry of "${e.name}" is not where its directory says. Download the export again.`, file, {
        offset: e.offset,
        line: null,
        column: null,
      });
    }
    const start = e.offset + 30 + u16(bytes, e.offset + 26) + u16(bytes, e.offset + 28);
    if (start + e.compressedSize > bytes.length) {
      throw new ImportError(`the ZIP archive is truncated: "${e.name}" ends past the end of the file. Download the export again.`, file, { offset: bytes.length, line: null, column: null });
    }
    out.set(e.name, inflateMember(e, bytes.subarray(start, start + e.compressedSize), file));
  }
  return out;
}

/** Member names from the central directory, for recognising an export; [] when the ZIP cannot be read. */
export function zipMemberNames(bytes: Uint8Array): string[] {
  try {
    const tailAt = Math.max(0, bytes.length - 65_558 - 20);
    const dir = findDirectory(bytes.subarray(tailAt), tailAt, '');
    return parseDirectory(bytes.subarray(dir.offset, dir.offset + dir.size), '').map((e) => e.name);
  } catch {
    /* a damaged ZIP is reported when it is actually read */
    return [];
  }
}
