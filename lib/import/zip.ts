import { unzipSync } from 'fflate';
import { ImportError } from './errors.ts';

/** Larger than any chat export we have seen unpacked in memory; a ZIP declaring more is refused. */
export const DEFAULT_MAX_UNCOMPRESSED = 1024 * 1024 * 1024;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * The members of a ZIP, as path → bytes. Refuses, before inflating anything, a ZIP whose declared
 * uncompressed sizes add up past the limit (a "ZIP bomb"), and reports a damaged ZIP as such.
 */
export function unzipArchive(bytes: Uint8Array, file: string, maxBytes = DEFAULT_MAX_UNCOMPRESSED): Map<string, Uint8Array> {
  let declared = 0;
  let bomb: string | null = null;
  let out: Record<string, Uint8Array>;
  try {
    out = unzipSync(bytes, {
      filter: (f) => {
        declared += f.originalSize;
        if (declared > maxBytes && !bomb) bomb = f.name;
        return !bomb && !f.name.endsWith('/');
      },
    });
  } catch (e) {
    if (bomb) out = {};
    else throw new ImportError(`the ZIP archive is damaged or truncated (${(e as Error).message}). Download the export again.`, file);
  }
  if (bomb) {
    throw new ImportError(
      `the ZIP declares more than ${Math.round(maxBytes / 1048576)} MB once unpacked (reached at "${bomb}"); refusing to unpack it. ` +
        'If the export is genuine, unpack it yourself and import the folder.',
      file,
    );
  }
  return new Map(Object.entries(out));
}
