import DOMPurify from 'dompurify';

/**
 * Captured HTML is hostile. It is sanitized into a detached fragment and appended as nodes: never
 * assigned through innerHTML. Images and media are replaced by links, so showing a post makes no
 * request to any host; links open in a new tab without referrer.
 */
const ALLOWED_TAGS = ['a', 'b', 'strong', 'i', 'em', 'u', 's', 'del', 'ins', 'p', 'br', 'hr', 'div', 'span', 'blockquote', 'cite', 'q', 'code', 'pre', 'kbd', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'sup', 'sub', 'small', 'img', 'details', 'summary', 'aside'];
const ALLOWED_ATTR = ['href', 'title', 'alt', 'src', 'colspan', 'rowspan'];

/**
 * One DOMPurify instance per window, each with the link rules: `DOMPurify(window)` makes a new
 * instance every call, and hooks belong to the instance they were added to, so every sanitizer this
 * module hands out must get them, not just the first one.
 */
const instances = new WeakMap<object, ReturnType<typeof DOMPurify>>();
function purifierFor(view: Window & typeof globalThis): ReturnType<typeof DOMPurify> {
  const known = instances.get(view);
  if (known) return known;
  const purify = DOMPurify(view);
  purify.addHook('afterSanitizeAttributes', (node) => {
    const el = node as Element;
    if (el.tagName === 'A') {
      const href = el.getAttribute('href') ?? '';
      // Relative, `#`, mailto: and script targets would open inside the extension page itself.
      if (!/^https?:\/\//i.test(href)) el.removeAttribute('href');
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
  instances.set(view, purify);
  return purify;
}

export function sanitizedFragment(html: string, doc: Document = document): DocumentFragment {
  const purify = purifierFor(doc.defaultView as unknown as Window & typeof globalThis);
  const frag = purify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, RETURN_DOM_FRAGMENT: true, ALLOW_DATA_ATTR: false });
  for (const img of Array.from(frag.querySelectorAll('img'))) {
    const src = img.getAttribute('src') ?? '';
    const alt = img.getAttribute('alt') ?? '';
    const label = doc.createTextNode(/^:[\w+-]+:$/.test(alt) ? alt : `[image${alt ? `: ${alt}` : ''}]`);
    if (/^https?:\/\//i.test(src)) {
      const a = doc.createElement('a');
      a.setAttribute('href', src);
      a.setAttribute('target', '_blank');
      a.setAttribute('rel', 'noopener noreferrer nofollow');
      a.appendChild(label);
      img.replaceWith(a);
    } else img.replaceWith(label);
  }
  return frag;
}
