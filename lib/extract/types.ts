import type { ThreadInput } from '../model/thread.ts';

/** What an adapter reads: a parsed HTML or XML document, or a JSON API response. */
/** Parses an HTML string into an inert document with whatever DOM the caller runs under (page or linkedom). */
export type ParseHtml = (html: string) => Document;

export type Source =
  | { kind: 'html'; doc: Document; url: string; parseHtml: ParseHtml }
  | { kind: 'xml'; doc: Document; url: string; parseHtml: ParseHtml }
  | { kind: 'json'; data: unknown; url: string; parseHtml: ParseHtml };

export interface Adapter {
  /** Stable name, recorded as `Thread.extractor`. */
  id: string;
  accepts: Source['kind'];
  /** Cheap check on the page's own signals (generator meta, markup, URL shape). */
  detect(src: Source): boolean;
  /** Reads the thread; returns null when the page is the engine's but holds no thread (listing, login wall). */
  extract(src: Source): ThreadInput | null;
}

export class ExtractError extends Error {
  constructor(
    message: string,
    readonly code: 'no-thread' | 'unreadable' | 'invalid',
  ) {
    super(message);
    this.name = 'ExtractError';
  }
}
