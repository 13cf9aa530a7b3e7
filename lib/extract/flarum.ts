import type { Adapter, ParseHtml } from './types.ts';
import type { PostInput, QuoteInput, ThreadInput } from '../model/thread.ts';
import { absUrl, canonicalUrl, cleanHtml, fragmentParser, inertClone, lineOf, textOf } from './dom.ts';
import { queryHas } from './page-signals.ts';
import { isoDate } from './dates.ts';
import { z } from 'zod';
import { readShape } from './json-shape.ts';

/*
 * Flarum 1.x. Built from the engine's documented/current markup; no real sample in the corpus.
 * The JSON:API document (`/api/discussions/ID`, and the same document the page boots from in
 * `flarum.core.app.load({... apiDocument ...})`) is preferred: it has post ids, numbers, times and
 * users. The server-rendered `<noscript id="flarum-content">` copy has names and bodies only.
 */
const Ref = z.object({ type: z.string(), id: z.string() });
/** A JSON:API resource object (https://jsonapi.org/format/#document-resource-objects), as far as it is read. */
const Resource = z.object({
  type: z.string(),
  id: z.string(),
  attributes: z.record(z.string(), z.unknown()).nullish(),
  relationships: z.record(z.string(), z.object({ data: z.union([Ref, z.array(Ref)]).nullish() }).nullish()).nullish(),
});
type Resource = z.infer<typeof Resource>;
const ApiDocument = z.object({ data: Resource, included: z.array(Resource).nullish() });
type ApiDocument = z.infer<typeof ApiDocument>;

function isDiscussionDocument(d: unknown): d is ApiDocument {
  const x = d as ApiDocument;
  return !!x && typeof x === 'object' && !Array.isArray(x) && x.data?.type === 'discussions' && typeof x.data.id === 'string' && Array.isArray(x.included);
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
/** A post number as the document gives it: a number, or digits as text; anything else is none. */
const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN);

/** The forum root: the saved URL up to `/api/` or `/d/`, so permalinks follow Flarum's `/d/ID-slug/NUMBER`. */
function forumRoot(url: string): string {
  const m = /^(https?:\/\/[^?#]*?)\/(?:api\/discussions|d)\//.exec(url);
  return m ? m[1]! : url.replace(/[?#].*$/, '').replace(/\/$/, '');
}

/** Flarum's quote button writes the mention of the quoted post on its own line, right before the quote. */
function mentionLead(q: Element): Element | null {
  const lead = q.previousElementSibling;
  const mention = lead?.querySelector('a.PostMention');
  return lead && mention && lineOf(lead) === lineOf(mention) ? lead : null;
}

function quotesIn(body: Element): QuoteInput[] {
  return Array.from(body.querySelectorAll('blockquote'))
    .filter((q) => !q.parentElement?.closest('blockquote'))
    .map((q) => {
      const mention = (mentionLead(q) ?? q).querySelector('a.PostMention');
      return { postId: mention?.getAttribute('data-id') ?? null, author: mention ? lineOf(mention) || null : null, text: textOf(q) };
    });
}

/** The post's own words: quotes and the mention lines that introduce them left out, on an inert copy. */
function ownText(body: Element): string {
  const copy = inertClone(body);
  for (const q of Array.from(copy.querySelectorAll('blockquote'))) mentionLead(q)?.remove();
  return textOf(copy, 'blockquote');
}

export function threadFromDocument(raw: unknown, url: string, parseHtml: ParseHtml): ThreadInput | null {
  const doc = readShape(ApiDocument, raw, 'Flarum discussion JSON');
  const byKey = new Map<string, Resource>();
  for (const r of doc.included ?? []) byKey.set(`${r.type}:${r.id}`, r);
  const fragment = fragmentParser(parseHtml);
  const d = doc.data;
  const root = forumRoot(url);
  const slug = str(d.attributes?.slug) || d.id;
  const order = d.relationships?.posts?.data;
  const ids = Array.isArray(order) ? order.map((p) => p.id) : [];
  const postsRes = (ids.length ? ids.map((id) => byKey.get(`posts:${id}`)) : (doc.included ?? []).filter((r) => r.type === 'posts'))
    .filter((p): p is Resource => !!p && str(p.attributes?.contentType) === 'comment')
    .sort((a, b) => (num(a.attributes?.number) || 0) - (num(b.attributes?.number) || 0));
  const posts: PostInput[] = postsRes.map((p) => {
    const userRef = p.relationships?.user?.data;
    const user = userRef && !Array.isArray(userRef) ? byKey.get(`users:${userRef.id}`) : undefined;
    const name = str(user?.attributes?.displayName) || str(user?.attributes?.username) || '[deleted]';
    const body = fragment(str(p.attributes?.contentHtml));
    const mention = body.querySelector('a.PostMention[data-id]');
    const number = num(p.attributes?.number) || null;
    return {
      id: p.id,
      author: { name, url: user ? absUrl(`${root}/u/${str(user.attributes?.slug) || str(user.attributes?.username) || user.id}`, root) : null },
      publishedAt: isoDate(str(p.attributes?.createdAt)),
      text: ownText(body),
      html: cleanHtml(body, root),
      permalink: number ? absUrl(`${root}/d/${slug}/${number}`, root) : null,
      replyTo: mention?.getAttribute('data-id') ?? null,
      quotes: quotesIn(body),
      score: typeof p.attributes?.likesCount === 'number' && Number.isSafeInteger(p.attributes.likesCount) ? p.attributes.likesCount : null,
    };
  });
  if (!posts.length) return null;
  return { platform: 'flarum', url: absUrl(`${root}/d/${slug}`, root) ?? url, title: str(d.attributes?.title), posts, extractor: 'flarum' };
}

export const flarumJson: Adapter = {
  id: 'flarum-json',
  accepts: 'json',
  detect: (src) => src.kind === 'json' && isDiscussionDocument(src.data),
  extract: (src) => (src.kind === 'json' && isDiscussionDocument(src.data) ? threadFromDocument(src.data, src.url, src.parseHtml) : null),
};

/** The object literal passed to `app.load(...)` in the page's boot script, read as JSON. */
function bootPayload(doc: Document): ApiDocument | null {
  for (const s of Array.from(doc.querySelectorAll('script:not([src])'))) {
    const code = s.textContent ?? '';
    const at = code.indexOf('app.load(');
    if (at < 0) continue;
    const json = balancedObject(code, code.indexOf('{', at));
    if (!json) continue;
    try {
      const payload = JSON.parse(json) as { apiDocument?: unknown };
      if (isDiscussionDocument(payload.apiDocument)) return payload.apiDocument;
    } catch {
      /* not JSON after all: fall back to the noscript copy */
    }
  }
  return null;
}

/** The `{...}` starting at `from`, respecting strings, or null when it never closes (a truncated page). */
function balancedObject(code: string, from: number): string | null {
  if (from < 0) return null;
  let depth = 0;
  let inString = false;
  for (let i = from; i < code.length; i++) {
    const c = code[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return code.slice(from, i + 1);
  }
  return null;
}

/** `<noscript id="flarum-content">`: parsed as elements by Node DOMs, kept as text by scripting browsers. */
function noscriptContent(doc: Document, parseHtml: ParseHtml): Element | null {
  const ns = doc.querySelector('noscript#flarum-content');
  if (!ns) return null;
  if (ns.querySelector('.container')) return ns.querySelector('.container');
  return parseHtml(`<!doctype html><html><body>${ns.textContent ?? ''}</body></html>`).querySelector('.container');
}

export const flarumHtml: Adapter = {
  id: 'flarum-html',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && queryHas(src.doc, 'noscript#flarum-content, #flarum-loading', ['#flarum-content', '#flarum-loading']),
  extract(src) {
    if (src.kind !== 'html') return null;
    const url = canonicalUrl(src.doc, src.url);
    const boot = bootPayload(src.doc);
    if (boot) return threadFromDocument(boot, url, src.parseHtml);
    const box = noscriptContent(src.doc, src.parseHtml);
    if (!box) return null;
    const page = Number(/[?&]page=(\d+)/.exec(url)?.[1]) || 1;
    const root = forumRoot(url);
    const base = url.replace(/[?#].*$/, '').replace(/\/\d+$/, '');
    // No post ids in this copy: the post number (Flarum pages by 20) is the stable id it has.
    const posts: PostInput[] = Array.from(box.querySelectorAll('.Post-body')).map((body, i) => {
      const number = (page - 1) * 20 + i + 1;
      const name = lineOf(body.parentElement?.querySelector('h3, .PostUser-name')) || '[deleted]';
      return {
        id: `n${number}`,
        author: { name, url: null },
        publishedAt: null,
        text: ownText(body),
        html: cleanHtml(body, root),
        permalink: `${base}/${number}`,
        replyTo: body.querySelector('a.PostMention[data-id]')?.getAttribute('data-id') ?? null,
        quotes: quotesIn(body),
      };
    });
    if (!posts.length) return null;
    const next = Array.from(box.querySelectorAll('a[href*="page="]')).find((a) => Number(/page=(\d+)/.exec(a.getAttribute('href') ?? '')?.[1]) === page + 1);
    return {
      platform: 'flarum',
      url,
      title: lineOf(box.querySelector('h1, h2')) || src.doc.title,
      posts,
      pagination: { page, pageCount: null, nextUrl: absUrl(next?.getAttribute('href'), url) },
      extractor: 'flarum-html',
    };
  },
};
