/**
 * DOM helpers shared by the adapters. They use only the standard DOM API, so the same code runs in
 * the page (injected by the extension) and in Node under linkedom (CLI, tests).
 */

const BLOCK = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'DD', 'DIV', 'DL', 'DT', 'FIELDSET', 'FIGCAPTION', 'FIGURE',
  'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE',
  'SECTION', 'TABLE', 'TBODY', 'TD', 'TH', 'THEAD', 'TR', 'UL',
]);
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'BUTTON', 'SELECT', 'TEXTAREA', 'IFRAME', 'OBJECT']);

/** Elements never kept in stored post HTML. Display sanitizes again; this only keeps storage lean and inert. */
const DROP_IN_HTML = 'script, style, noscript, template, iframe, frame, object, embed, form, input, button, select, textarea, link, meta, base';

const inertDocs = new WeakMap<Document, Document>();

/**
 * A deep copy in a document with no browsing context. Copying inside the live page would start loading
 * every image the copy holds (tracking pixels included) with the extension's privileges; an inert
 * document loads nothing. linkedom has no `implementation` and loads nothing anyway.
 */
export function inertClone<T extends Element>(el: T): T {
  const owner = el.ownerDocument;
  const impl = owner?.implementation as DOMImplementation | undefined;
  if (!impl?.createHTMLDocument) return el.cloneNode(true) as T;
  let inert = inertDocs.get(owner);
  if (!inert) {
    inert = impl.createHTMLDocument('');
    inertDocs.set(owner, inert);
  }
  return inert.importNode(el, true) as T;
}

/**
 * Readable text of an element: block elements and <br> become line breaks, runs of blank space fold.
 * `exclude` removes matching descendants first (quotes, signatures, buttons).
 */
export function textOf(el: Element | null | undefined, exclude?: string): string {
  if (!el) return '';
  let root: Element = el;
  if (exclude) {
    root = inertClone(el);
    for (const x of Array.from(root.querySelectorAll(exclude))) x.remove();
  }
  const out: string[] = [];
  walkText(root, out);
  return normaliseText(out.join(''));
}

function walkText(node: Node, out: string[]): void {
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 3) {
      out.push((c.nodeValue ?? '').replace(/[ \t\r\n\f]+/g, ' '));
    } else if (c.nodeType === 1) {
      const tag = (c as Element).tagName.toUpperCase();
      if (SKIP.has(tag)) continue;
      if (tag === 'BR') {
        out.push('\n');
        continue;
      }
      if (tag === 'IMG') {
        const alt = (c as Element).getAttribute('alt');
        // Emoji images carry their meaning in alt (":boom:"); other images are not text.
        if (alt && /^:[\w+-]+:$/.test(alt)) out.push(alt);
        continue;
      }
      const block = BLOCK.has(tag);
      if (block) out.push('\n');
      walkText(c, out);
      if (block) out.push('\n');
    }
  }
}

export function normaliseText(s: string): string {
  return s
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Single-line text (names, titles). */
export function lineOf(el: Element | null | undefined): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** An absolute URL with tracking/session parameters dropped, or null. */
export function absUrl(href: string | null | undefined, base: string): string | null {
  if (!href) return null;
  const h = href.trim();
  if (!h || /^(javascript|data|vbscript):/i.test(h)) return null;
  try {
    const u = new URL(h, base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    for (const p of ['sid', 's', 'PHPSESSID', 'utm_source', 'utm_medium', 'utm_campaign']) u.searchParams.delete(p);
    return u.toString();
  } catch {
    return null;
  }
}

/**
 * Post HTML kept for storage: active content removed, links made absolute, event handlers and script
 * URLs dropped. Not a security boundary: every extension page sanitizes with DOMPurify before display.
 */
export function cleanHtml(el: Element | null | undefined, base: string, exclude?: string): string {
  if (!el) return '';
  const root = inertClone(el);
  const drop = exclude ? `${DROP_IN_HTML}, ${exclude}` : DROP_IN_HTML;
  for (const x of Array.from(root.querySelectorAll(drop))) x.remove();
  for (const x of Array.from(root.querySelectorAll('*'))) {
    for (const a of Array.from(x.attributes)) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on') || n === 'style' || n === 'srcdoc' || n === 'srcset') x.removeAttribute(a.name);
      else if (n === 'href' || n === 'src') {
        const abs = absUrl(a.value, base);
        if (abs) x.setAttribute(a.name, abs);
        else x.removeAttribute(a.name);
      }
    }
  }
  return root.innerHTML.replace(/\n{2,}/g, '\n').trim();
}

export function metaContent(doc: Document, selector: string): string | null {
  const v = doc.querySelector(selector)?.getAttribute('content');
  return v ? v.trim() : null;
}

/** The page's canonical URL if it declares one, else the URL it was read from. */
export function canonicalUrl(doc: Document, url: string): string {
  const c = doc.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? metaContent(doc, 'meta[property="og:url"]');
  return absUrl(c, url) ?? url;
}

export function generator(doc: Document): string {
  return metaContent(doc, 'meta[name="generator" i]') ?? '';
}

export function firstMatch(s: string, re: RegExp): string | null {
  const m = re.exec(s);
  return m?.[1] ?? null;
}

/** An HTML fragment (an API's post body) as an element of an inert, never-rendered document. */
export function fragmentParser(parseHtml: (html: string) => Document): (html: string) => Element {
  return (html: string) => parseHtml(`<!doctype html><html><body><div>${html}</div></body></html>`).body.firstElementChild!;
}
