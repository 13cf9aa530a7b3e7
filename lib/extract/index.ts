import { Thread, type ThreadInput } from '../model/thread.ts';
import { ExtractError, type Adapter, type ParseHtml, type Source } from './types.ts';
import { discourseHtml, discourseJson } from './discourse.ts';
import { phpbb2, phpbb3 } from './phpbb.ts';
import { xenforo } from './xenforo.ts';
import { somethingAwful, vbulletin } from './vbulletin.ts';
import { smf } from './smf.ts';
import { forumotion } from './forumotion.ts';
import { hypermail } from './hypermail.ts';
import { generic } from './generic.ts';
import { askbot } from './askbot.ts';
import { stackExchangeApi, stackExchangeHtml } from './stackexchange.ts';
import { hackerNewsFirebase, hackerNewsHtml } from './hackernews.ts';
import { redditHtml, redditJson } from './reddit.ts';
import { bggThreadXml } from './bgg.ts';
import { oldReddit } from './old-reddit.ts';
import { invision } from './invision.ts';
import { mybb } from './mybb.ts';
import { flarumHtml, flarumJson } from './flarum.ts';
import { nodebbHtml, nodebbJson } from './nodebb.ts';
import { vanilla } from './vanilla.ts';
import { githubHtml, githubJson } from './github.ts';
import { readabilityThread } from './readability.ts';
import { detectPageLicense } from '../license/detect.ts';
import { honourStatedZone } from './dates.ts';
import { withPageSignals } from './page-signals.ts';

export { ExtractError } from './types.ts';
export type { Adapter, Source, ParseHtml } from './types.ts';

/** Ordered: specific engines first. A detector must be confirmed by the page's markup, not its URL alone. */
export const ADAPTERS: Adapter[] = [discourseJson, discourseHtml, forumotion, phpbb3, phpbb2, xenforo, vbulletin, somethingAwful, smf, hypermail, askbot, stackExchangeHtml, stackExchangeApi, hackerNewsHtml, hackerNewsFirebase, redditHtml, redditJson, bggThreadXml, oldReddit, invision, mybb, flarumJson, flarumHtml, nodebbJson, nodebbHtml, vanilla, githubHtml, githubJson, generic];

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
      const decoder = new TextDecoder(declared.toLowerCase());
      return decoder.encoding === 'windows-1252' ? cp1252Controls(decoder.decode(bytes)) : decoder.decode(bytes);
    } catch {
      /* unknown label: fall through to sniffing */
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8 and no declaration: the web's default for legacy pages.
    return cp1252Controls(new TextDecoder('windows-1252').decode(bytes));
  }
}

/** What bytes 0x80–0x9F mean in windows-1252 (the web's reading of "iso-8859-1" and "latin1" too). */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Node 20's TextDecoder reads windows-1252 as plain ISO-8859-1, so curly quotes, dashes and the euro
 * sign of legacy pages (Something Awful's saved threads) came out as C1 control characters.
 * Browsers decode correctly, and then there is nothing to replace.
 */
function cp1252Controls(s: string): string {
  return s.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] ?? c);
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
  let doc = dom.parseHtml(t);
  // Text with no markup at all (an empty file, binary noise) gives linkedom a document without a root,
  // on which `doc.body` throws; a browser would have built html/body around it, so do the same.
  if (!doc.documentElement) doc = dom.parseHtml(`<!doctype html><html><head></head><body>${t.replace(/</g, '&lt;')}</body></html>`);
  return { kind: 'html', doc, url, parseHtml: dom.parseHtml };
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
  // One walk of the page answers every detector's "is my markup here?" (see page-signals.ts).
  return src.kind === 'html' ? withPageSignals(src.doc, () => extractFrom(src, opts)) : extractFrom(src, opts);
}

function extractFrom(src: Source, opts: ExtractOptions): Thread {
  let raw: ThreadInput | null = null;
  for (const a of ADAPTERS) {
    if (a.accepts !== src.kind || !a.detect(src)) continue;
    raw = a.extract(src);
    if (raw) break;
  }
  if (!raw && opts.fallback && src.kind === 'html') raw = readabilityThread(src.doc, src.url, src.parseHtml);
  if (!raw) {
    throw new ExtractError(
      src.kind !== 'html'
        ? `No discussion thread found in this ${src.kind.toUpperCase()} document: it is not a response format Gleaner reads.`
        : asksToSignIn(src.doc)
          ? 'No discussion thread found on this page. It shows a sign-in form, so the thread may be visible only to members: sign in to the forum in your browser, open the thread again and capture it then.'
          : 'No discussion thread found on this page: no supported forum engine recognised and no repeated posts with authors. Use the article fallback to keep the main text as one post.',
      'no-thread',
    );
  }
  // Times read from page text are local to the page unless its footer names the zone.
  if (src.kind === 'html') raw = honourStatedZone(raw, src.doc);
  const hints = raw.licenseHints ?? (src.kind === 'html' ? detectPageLicense(src.doc, src.url) : []);
  const parsed = Thread.safeParse({ ...raw, capturedAt: opts.capturedAt ?? raw.capturedAt, ...(hints.length ? { licenseHints: hints } : {}) });
  if (!parsed.success) {
    throw new ExtractError(`The page was read as ${raw.extractor ?? raw.platform}, but the result is incomplete: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 'invalid');
  }
  return parsed.data;
}

/** A login wall: a password field, or a form posting to a login/sign-in address. */
function asksToSignIn(doc: Document): boolean {
  return !!doc.querySelector('input[type="password" i], form[action*="login" i], form[action*="signin" i], form[action*="sign_in" i], form[action*="ucp.php?mode=login" i]');
}
