import { Thread, type ThreadInput } from '../model/thread.ts';
import { ExtractError, type Adapter, type ParseHtml, type Source } from './types.ts';
import { discourseHtml, discourseJson } from './discourse.ts';
import { phpbb2, phpbb3 } from './phpbb.ts';
import { readabilityThread } from './readability.ts';

export { ExtractError } from './types.ts';
export type { Adapter, Source, ParseHtml } from './types.ts';

/** Ordered: specific engines first. A detector must be confirmed by the page's markup, not its URL alone. */
export const ADAPTERS: Adapter[] = [discourseJson, discourseHtml, phpbb3, phpbb2];

export interface DomKit {
  parseHtml: ParseHtml;
  parseXml: (xml: string) => Document;
}

/** Reads saved bytes as text: the declared or sniffed charset, so legacy pages decode correctly. */
export function decodePage(bytes: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  const declared =
    /<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1] ?? /<\?xml[^>]+encoding=["']([\w-]+)/i.exec(head)?.[1];
  if (declared) {
    try {
      return new TextDecoder(declared.toLowerCase()).decode(bytes);
    } catch {
      /* unknown label: fall through to sniffing */
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8 and no declaration: the web's default for legacy pages.
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** Decides what a saved file or response is from its content, not its name. */
export function sourceFromText(text: string, url: string, dom: DomKit): Source {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return { kind: 'json', data: JSON.parse(t), url, parseHtml: dom.parseHtml };
    } catch (e) {
      throw new ExtractError(`The file looks like JSON but does not parse: ${(e as Error).message}`, 'unreadable');
    }
  }
  if (/^<\?xml/i.test(t) && !/<html[\s>]/i.test(t.slice(0, 2000))) {
    return { kind: 'xml', doc: dom.parseXml(t), url, parseHtml: dom.parseHtml };
  }
  return { kind: 'html', doc: dom.parseHtml(t), url, parseHtml: dom.parseHtml };
}

export interface ExtractOptions {
  /** Use the page's main article as one post when no discussion engine is recognised. */
  fallback?: boolean;
  capturedAt?: string;
}

/**
 * The one entry point every surface uses (extension, CLI, bulk): source in, validated Thread out,
 * or an ExtractError whose message a person can act on.
 */
export function extractThread(src: Source, opts: ExtractOptions = {}): Thread {
  let raw: ThreadInput | null = null;
  for (const a of ADAPTERS) {
    if (a.accepts !== src.kind || !a.detect(src)) continue;
    raw = a.extract(src);
    if (raw) break;
  }
  if (!raw && opts.fallback && src.kind === 'html') raw = readabilityThread(src.doc, src.url, src.parseHtml);
  if (!raw) {
    throw new ExtractError(
      src.kind === 'html'
        ? 'No discussion thread found on this page: no supported forum engine recognised and no repeated posts with authors. Use the article fallback to keep the main text as one post.'
        : `No discussion thread found in this ${src.kind.toUpperCase()} document: it is not a response format Gleaner reads.`,
      'no-thread',
    );
  }
  const parsed = Thread.safeParse({ ...raw, capturedAt: opts.capturedAt ?? raw.capturedAt });
  if (!parsed.success) {
    throw new ExtractError(`The page was read as ${raw.extractor ?? raw.platform}, but the result is incomplete: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 'invalid');
  }
  return parsed.data;
}
