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
import { noteCutOff, wasCutOff } from './truncation.ts';

export { ExtractError } from './types.ts';
export { decodePage } from './decode-page.ts';
export type { Adapter, Source, ParseHtml } from './types.ts';

/** Ordered: specific engines first. A detector must be confirmed by the page's markup, not its URL alone. */
export const ADAPTERS: Adapter[] = [discourseJson, discourseHtml, forumotion, phpbb3, phpbb2, xenforo, vbulletin, somethingAwful, smf, hypermail, askbot, stackExchangeHtml, stackExchangeApi, hackerNewsHtml, hackerNewsFirebase, redditHtml, redditJson, bggThreadXml, oldReddit, invision, mybb, flarumJson, flarumHtml, nodebbJson, nodebbHtml, vanilla, githubHtml, githubJson, generic];

export interface DomKit {
  parseHtml: ParseHtml;
  parseXml: (xml: string) => Document;
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
    return { kind: 'xml', doc: noteCutOff(dom.parseXml(t), t, 'xml'), url, parseHtml: dom.parseHtml };
  }
  let doc = dom.parseHtml(t);
  // Text with no markup at all (an empty file, binary noise) gives linkedom a document without a root,
  // on which `doc.body` throws; a browser would have built html/body around it, so do the same.
  if (!doc.documentElement) doc = dom.parseHtml(`<!doctype html><html><head></head><body>${t.replace(/</g, '&lt;')}</body></html>`);
  return { kind: 'html', doc: noteCutOff(doc, t, 'html'), url, parseHtml: dom.parseHtml };
}

export interface ExtractOptions {
  /** Use the page's main article as one post when no discussion engine is recognised. */
  fallback?: boolean;
  capturedAt?: string;
  /**
   * `auto` (default): engine adapters first, the generic reader when none recognises the page.
   * `generic`: every engine adapter switched off, so the generic reader is measured (and usable) alone.
   */
  reader?: 'auto' | 'generic';
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
  const adapters = opts.reader === 'generic' ? [generic] : ADAPTERS;
  for (const a of adapters) {
    if (a.accepts !== src.kind || !a.detect(src)) continue;
    raw = a.extract(src);
    if (raw) {
      raw = { ...raw, reader: a === generic ? 'generic' : 'adapter' };
      break;
    }
  }
  if (!raw && opts.fallback && src.kind === 'html') {
    const article = readabilityThread(src.doc, src.url, src.parseHtml);
    raw = article && { ...article, reader: 'article' };
  }
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
  if (src.kind !== 'json' && wasCutOff(src.doc)) raw = { ...raw, truncated: true };
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
