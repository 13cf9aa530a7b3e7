import { readBreadcrumbs } from './breadcrumbs.ts';
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
import { textAroundPosts, withPageSignals } from './page-signals.ts';
import { noteCutOff, wasCutOff } from './truncation.ts';
import { flattenedIn, flattenedMessage, flattenedSoFar } from './depth-cap.ts';
import { confidenceOf, findDoubts, looksWrong, withoutNotices, type SharedLines } from './checks.ts';

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
  // Fragments parsed while reading (post bodies of an API response) are capped too: count theirs.
  const fragmentsBefore = flattenedSoFar();
  let raw: ThreadInput | null = null;
  const adapters = opts.reader === 'generic' ? [generic] : ADAPTERS;
  const lines: SharedLines = {};
  for (const a of adapters) {
    if (a.accepts !== src.kind || !a.detect(src)) continue;
    const found = a.extract(src);
    if (!found) continue;
    if (a !== generic && src.kind === 'html' && looksWrong(found.posts, lines)) {
      // Posts without authors or with the same chrome in every text: the engine's markup was not what the
      // adapter knows (a theme renamed it). The generic reader reads structure instead; when it finds
      // nothing better, the adapter's reading stands and the checks below say what is doubtful.
      const other = generic.extract(src);
      raw = other && other.posts.length && !looksWrong(other.posts, lines) ? { ...other, reader: 'generic' } : { ...found, reader: 'adapter' };
    } else raw = { ...found, reader: a === generic ? 'generic' : 'adapter' };
    break;
  }
  if (!raw && opts.fallback && src.kind === 'html') {
    const article = readabilityThread(src.doc, src.url, src.parseHtml);
    raw = article && { ...article, reader: 'article' };
  }
  if (!raw) throw new ExtractError(noThreadMessage(src), 'no-thread');
  if (raw.reader !== 'article') {
    // Site notices ("This thread is archived") are the site speaking, not the author.
    // A post is copied only when a notice was taken out of its text: nearly every post holds none.
    raw = {
      ...raw,
      posts: raw.posts.map((p) => {
        const text = withoutNotices(p.text);
        return text === p.text ? p : { ...p, text };
      }),
    };
    const pageText = src.kind === 'html' && src.doc.body ? textAroundPosts(src.doc, src.doc.body).slice(0, 200_000) : '';
    const doubts = findDoubts({ posts: raw.posts, pageText, pagination: raw.pagination, lines });
    if (doubts.length || !raw.confidence) raw = { ...raw, confidence: mergeConfidence(raw.confidence, confidenceOf(doubts)) };
  }
  if (src.kind !== 'json' && wasCutOff(src.doc)) raw = { ...raw, truncated: true };
  const flattened = (src.kind === 'json' ? 0 : flattenedIn(src.doc)) + flattenedSoFar() - fragmentsBefore;
  if (flattened) {
    const deep = confidenceOf([{ code: 'nesting-flattened', weight: 0.2, message: flattenedMessage(flattened) }]);
    raw = { ...raw, confidence: mergeConfidence(raw.confidence, deep) };
  }
  // Times read from page text are local to the page unless its footer names the zone.
  if (src.kind === 'html') raw = honourStatedZone(raw, src.doc);
  if (src.kind === 'html' && !raw.breadcrumbs) {
    const trail = readBreadcrumbs(src.doc, src.url);
    if (trail.length) raw = { ...raw, breadcrumbs: trail };
  }
  const hints = raw.licenseHints ?? (src.kind === 'html' ? detectPageLicense(src.doc, src.url) : []);
  const parsed = Thread.safeParse({ ...raw, capturedAt: opts.capturedAt ?? raw.capturedAt, ...(hints.length ? { licenseHints: hints } : {}) });
  if (!parsed.success) {
    throw new ExtractError(`The page was read as ${raw.extractor ?? raw.platform}, but the result is incomplete: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 'invalid');
  }
  return parsed.data;
}

type Confidence = NonNullable<ThreadInput['confidence']>;

/** A reader may have stated doubts of its own (an API response cut short): both lists count. */
function mergeConfidence(own: Confidence | undefined, checked: Confidence): Confidence {
  if (!own) return checked;
  const reasons = [...own.reasons, ...checked.reasons.filter((r) => !own.reasons.some((o) => o.code === r.code))];
  return { score: Math.round(Math.max(0.05, Math.min(own.score, checked.score) - (1 - Math.max(own.score, checked.score))) * 100) / 100, reasons };
}

function noThreadMessage(src: Source): string {
  if (src.kind !== 'html') return `No discussion thread found in this ${src.kind.toUpperCase()} document: it is not a response format Gleaner reads.`;
  const wall = 'No discussion thread found on this page, and it asks you to sign in: the thread may be visible only to members. Sign in to the forum in your browser, open the thread again and capture it then.';
  const text = (src.doc.body?.textContent ?? '').replace(/\s+/g, ' ');
  if (WALL_WORDS.test(text.slice(0, 50_000))) return wall;
  if (threadLinks(src.doc) >= 8) {
    return 'No discussion thread found on this page: it looks like a list of threads (a board or category page). Open one of its threads and capture that, or use bulk capture to read them all.';
  }
  if (signInIsTheContent(src.doc, text)) return wall;
  return 'No discussion thread found on this page: no supported forum engine recognised and no repeated posts with authors. Use the article fallback to keep the main text as one post.';
}

/** How forums word "you must sign in to read this", in the languages of the corpus. */
const WALL_WORDS =
  /(must|need to|have to) (be )?(log(ged)? ?in|sign(ed)? ?in|register(ed)?)( first)?,? (to|before you can|in order to) (view|read|see|access)|(registered|logged in|signed in) to (view|read|see|access) this|(log ?in|sign ?in|register) to (view|read|see|access) (this|the)|members[- ]only (area|forum|board|content|section)|only (visible|available) to (registered |logged[- ]in )?members|not (authori[sz]ed|permitted) to (view|read|access)|do not have permission to (view|read|access)|keine berechtigung|(müssen|musst) (dich|sie) (anmelden|einloggen|registrieren),? um|vous devez (vous )?(être )?(connecté|inscrit|identifié) pour (voir|lire|accéder)|debes (iniciar sesión|registrarte) para (ver|leer)/i;

/**
 * A login wall, not a page with a sign-in box in its header: a password field outside the header and
 * navigation, with little else to read. (A page that says a sign-in is needed is a wall too: WALL_WORDS.)
 */
function signInIsTheContent(doc: Document, text: string): boolean {
  const field = Array.from(doc.querySelectorAll('input[type="password" i]')).find((f) => !f.closest('header, nav, aside, [role="banner"], [role="navigation"], [hidden], [aria-hidden="true"], [class*="dropdown" i], [class*="modal" i], [class*="popup" i], [id*="login" i][style*="none"]'));
  return !!field && text.length < 4000;
}

/** Links shaped like forum thread addresses: many of them make a board or category page. */
function threadLinks(doc: Document): number {
  const shapes = /viewtopic\.php\?.*\bt=\d|showthread\.php|\/threads\/[^/]|[?&]topic=\d|\/t\/[^/]+\/\d|\/discussion\/\d|\/topic\/\d|thread\.jspa|read\.php\?\d/i;
  const seen = new Set<string>();
  for (const a of Array.from(doc.querySelectorAll('a[href]'))) {
    const href = a.getAttribute('href') ?? '';
    if (shapes.test(href)) seen.add(href.replace(/[#&?](p|page|start|sid)=?.*$/, ''));
    if (seen.size >= 8) break;
  }
  return seen.size;
}
