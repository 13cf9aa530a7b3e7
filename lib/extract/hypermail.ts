import type { Adapter } from './types.ts';
import type { QuoteInput } from '../model/thread.ts';
import { cleanHtml, generator, lineOf, metaContent, normaliseText } from './dom.ts';
import { queryHas } from './page-signals.ts';
import { first } from './select.ts';
import { splitMailBody } from '../import/mail-body.ts';

/**
 * Hypermail mailing-list archives (lists.w3.org and many others). A message page states its header
 * fields twice: in `<!-- name="..." -->` style comments meant for tools, and in the visible headers.
 * The comments are read first because they are exact; index pages carry none of them.
 */
function isHypermail(doc: Document): boolean {
  return /hypermail/i.test(generator(doc)) || (queryHas(doc, 'address.headers', ['.headers']) && queryHas(doc, 'pre#body, div.mail', ['#body', '.mail']));
}

const ENTITY: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", nbsp: '\u00a0' };

/** Comment text is not parsed as HTML, so its entity-obfuscated addresses and quotes are decoded here. */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n < 0x110000 ? String.fromCodePoint(n) : all;
    }
    return ENTITY[e.toLowerCase()] ?? all;
  });
}

/**
 * The `<!-- key="value" -->` fields hypermail writes before the message body; the first of each wins.
 * Values as written, entities undecoded (see `field`): most fields are never read (the address, the
 * navigation's markers), and the address is the one obfuscated into a run of entities.
 */
function fieldsOf(doc: Document): Map<string, string> {
  const out = new Map<string, string>();
  if (doc.body) collectFields(doc.body, 0, out);
  return out;
}

/** The fields in comments among the children of `node`, and below them down to the depth `fieldsOf` reads. */
function collectFields(node: Node, depth: number, out: Map<string, string>): void {
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 8) {
      const m = /^\s*(\w+)="([\s\S]*)"\s*$/.exec(c.nodeValue ?? '');
      if (m && !out.has(m[1]!)) out.set(m[1]!, m[2]!);
    } else if (c.nodeType === 1 && depth < 4) collectFields(c, depth + 1, out);
  }
}

/** A field's value (see `fieldsOf`), its entities decoded. */
function field(fields: Map<string, string>, name: string): string | undefined {
  const v = fields.get(name);
  return v === undefined ? undefined : decodeEntities(v);
}

const MONTH: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const pad = (n: number | string) => String(n).padStart(2, '0');

/** An RFC 5322 Date header ("Tue, 10 Apr 2018 15:43:27 -0700"): the sender's clock with its stated offset. */
function mailDate(raw: string | undefined): string | null {
  const m = /(\d{1,2})\s+([A-Za-z]{3})\w*\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|UT|GMT|Z)?/.exec(raw ?? '');
  const mo = m ? MONTH[m[2]!.toLowerCase()] : undefined;
  if (!m || !mo) return null;
  const zone = !m[7] || /^(UT|GMT|Z)$/.test(m[7]) ? 'Z' : `${m[7].slice(0, 3)}:${m[7].slice(3)}`;
  return `${m[3]}-${pad(mo)}-${pad(m[1]!)}T${pad(m[4]!)}:${m[5]}:${m[6] ?? '00'}${zone}`;
}

/** `isosent`/`isoreceived` ("20180410224327") are written in UTC. */
function compactUtc(raw: string | undefined): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(raw ?? '');
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : null;
}

/** Hypermail marks quoted lines `<em class="quotelev1">` (quotelev2 for a quote within a quote): `[class^="quotelev"]`. */
function isQuoted(el: Element): boolean {
  return !!el.getAttributeNode('class')?.value.startsWith('quotelev');
}

/**
 * The body as the mail's plain text, every quoted line starting with ">" (Hypermail keeps the mark in
 * most versions; where a version drops it, it is put back), so the mail importer's rules separate quotes,
 * attributions, signature and list footer exactly as in an mbox. The text is joined as `textContent`
 * joins it, each outermost quote's text marked as a whole; read in place, the page is not copied.
 */
function mailText(body: Element): string {
  if (isQuoted(body)) return body.textContent ?? '';
  let out = '';
  let n: Node | null = body.firstChild;
  while (n) {
    if (n.nodeType === 3 || n.nodeType === 4) out += n.nodeValue ?? '';
    else if (n.nodeType === 1) {
      const el = n as Element;
      if (isQuoted(el)) out += marked(el);
      else if (el.firstChild) {
        n = el.firstChild;
        continue;
      }
    }
    while (n && n !== body && !n.nextSibling) n = n.parentNode;
    if (!n || n === body) break;
    n = n.nextSibling;
  }
  return out;
}

/** A quote's text with each of its lines marked by its level, unless the line is blank or marked already. */
function marked(q: Element): string {
  const level = Math.max(1, Number(/quotelev(\d+)/.exec(q.getAttribute('class') ?? '')?.[1] ?? 1));
  return (q.textContent ?? '')
    .split('\n')
    .map((l) => (/^\s*>/.test(l) || !l.trim() ? l : `${'> '.repeat(level)}${l}`))
    .join('\n');
}

function quotesOf(quotes: QuoteInput[]): QuoteInput[] {
  return quotes.map((q) => ({ postId: null, author: q.author ?? null, text: normaliseText(q.text) })).filter((q) => q.text);
}

export const hypermail: Adapter = {
  id: 'hypermail',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && isHypermail(src.doc),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const f = fieldsOf(doc);
    const body = first(doc, 'pre#body') ?? first(doc, 'div.mail pre');
    // Index pages (by date, thread, author) have neither a body nor the per-message fields.
    const from = first(doc, '#from');
    if (!body || !(f.has('name') || f.has('email') || from)) return null;
    const fromLine = lineOf(from).replace(/^From:\s*/i, '');
    const name = field(f, 'name') || fromLine.replace(/\s*<.*$/, '').trim() || (metaContent(doc, 'meta[name="Author"]') ?? '').replace(/\s*\(.*$/, '');
    const messageId = field(f, 'id') || lineOf(first(doc, '#message-id')).replace(/^Message-Id:\s*/i, '').replace(/^<|>$/g, '');
    // Body text keeps its line breaks: mail is pre-formatted, and paragraphs are its only structure.
    const mail = splitMailBody(mailText(body));
    const inReplyTo = field(f, 'inreplyto');
    return {
      platform: 'hypermail',
      url: src.url,
      title: lineOf(first(doc, 'h1')) || field(f, 'subject') || doc.title,
      posts: [
        {
          id: messageId || src.url,
          // A mail address is personal data, not a profile page: it is never stored as the author URL.
          author: { name: name || 'unknown', url: null },
          publishedAt: mailDate(field(f, 'sent')) ?? compactUtc(field(f, 'isosent')) ?? mailDate(lineOf(first(doc, '#date'))) ?? compactUtc(field(f, 'isoreceived')),
          text: normaliseText(mail.text),
          html: cleanHtml(body, src.url),
          permalink: src.url,
          replyTo: inReplyTo ? inReplyTo : null,
          quotes: quotesOf(mail.quotes),
          ...(mail.signature ? { signature: mail.signature } : {}),
        },
      ],
      extractor: 'hypermail',
    };
  },
};
