import { marked } from 'marked';
import type { Finding } from '../privacy/index.ts';

/**
 * Markdown → HTML for the live preview, with personal-data findings marked. The result is untrusted
 * (Markdown passes raw HTML through): it is only ever shown through SafeHtml, i.e. DOMPurify.
 * Findings are carried through marked as private-use sentinels, which survive both the parser and the
 * sanitizer, then turned into `<mark>` elements on the sanitized nodes by `markFindings`.
 */
const OPEN = '\uE000';
const CLOSE = '\uE001';
const TYPE_CODE = 0xe010;
const TYPES = ['EMAIL', 'PHONE', 'IP', 'MAC', 'KEY', 'CARD', 'IBAN', 'USER'] as const;

export function markdownToHtml(markdown: string, findings: Finding[] = []): string {
  let text = markdown.replace(/[\uE000-\uE0FF]/g, '');
  for (const f of [...findings].sort((a, b) => b.start - a.start)) {
    const code = String.fromCharCode(TYPE_CODE + Math.max(0, TYPES.indexOf(f.type as (typeof TYPES)[number])));
    text = `${text.slice(0, f.start)}${OPEN}${code}${text.slice(f.start, f.end)}${CLOSE}${text.slice(f.end)}`;
  }
  return marked.parse(text, { async: false, gfm: true, breaks: true });
}

/** Wraps the sentinel-delimited runs of a sanitized fragment in `<mark class="pii" data-pii=TYPE>`, text node by text node. */
export function markFindings(root: DocumentFragment | Element, doc: Document): number {
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  const nodes: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
  let open: string | null = null;
  let marks = 0;
  for (const node of nodes) {
    const value = node.data;
    if (!open && !/[\uE000-\uE0FF]/.test(value)) continue;
    const parts: Node[] = [];
    let buf = '';
    const flush = () => {
      if (!buf) return;
      if (open) {
        const m = doc.createElement('mark');
        m.className = 'pii';
        m.setAttribute('data-pii', open);
        m.appendChild(doc.createTextNode(buf));
        parts.push(m);
        marks++;
      } else parts.push(doc.createTextNode(buf));
      buf = '';
    };
    for (let i = 0; i < value.length; i++) {
      const c = value[i]!;
      if (c === OPEN) {
        flush();
        const code = value.charCodeAt(i + 1) - TYPE_CODE;
        open = TYPES[code] ?? 'PII';
        if (code >= 0 && code < TYPES.length) i++;
      } else if (c === CLOSE) {
        flush();
        open = null;
      } else if (/[\uE000-\uE0FF]/.test(c)) {
        // A type code split from its opener by the parser: drop it.
      } else buf += c;
    }
    flush();
    node.replaceWith(...parts);
  }
  return marks;
}
