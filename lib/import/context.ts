import type { ParseHtml } from '../extract/types.ts';
import type { SplitOptions } from './conversations.ts';

/** Caller's choices for an import; every field has a sensible default. */
export interface ImportOptions extends Partial<SplitOptions> {
  /** Year for logs whose timestamps omit it (dircproxy "[14 Jan 10:36]"). */
  year?: number;
  /** HTML parser for HTML exports (Telegram): linkedom off the browser, DOMParser in it. */
  parseHtml?: ParseHtml;
  /** ZIP bomb guard: total declared uncompressed size allowed. */
  maxUncompressedBytes?: number;
}

/** What an importer is told about its input: the file name (for errors and pseudo-URLs) and where to note problems. */
export interface ImportContext extends ImportOptions {
  file: string;
  warn: (message: string) => void;
}

export function importContext(file: string, opts: ImportOptions = {}, warnings: string[] = []): ImportContext {
  return { ...opts, file, warn: (m) => warnings.push(`${file}: ${m}`) };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

/** The file name without folders: pseudo-URLs use it, so the same export gives the same URLs anywhere. */
export function baseName(file: string): string {
  return file.split(/[\\/]/).filter(Boolean).pop() ?? file;
}
