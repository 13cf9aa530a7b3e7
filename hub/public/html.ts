/**
 * HTML by tagged template: every interpolated value is escaped unless it is already `Html` (built by
 * this same template), so captured text (titles, posts, author names) can only ever be text.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element or a quoted attribute value. Lone surrogates and NULs become U+FFFD, so the page stays valid UTF-8. */
export function escapeHtml(s: string): string {
  return s.toWellFormed().replace(/\u0000/g, '\uFFFD').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

type Part = Html | string | number | null | undefined | false | readonly Part[];

function render(v: Part): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => (out += render(v) + strings[i + 1]!));
  return new Html(out);
}

/**
 * An address from captured data, if it may be a link: http(s) only, so a `javascript:` or `data:` URL in
 * a source never becomes clickable. Anything else is shown as text by the caller.
 */
export function safeHref(u: string | null | undefined): string | null {
  if (!u) return null;
  try {
    const url = new URL(u);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Text with its line breaks kept: one paragraph per blank-line-separated block. */
export function paragraphs(text: string): Html {
  const blocks = text.split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
  return html`${blocks.map((b) => html`<p>${b.split('\n').map((line, i) => (i ? html`<br>${line}` : line))}</p>`)}`;
}
