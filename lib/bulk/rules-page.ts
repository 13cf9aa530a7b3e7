import { decodePage, type DomKit } from '../extract/index.ts';
import { sha256Hex } from '../curate/hash.ts';
import { RULES_TEXT_CHARS, type RulesPage } from '../model/attestation.ts';

export interface RulesDeps {
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  dom: DomKit;
  now: () => number;
}

/** Elements whose text is not the page's words. */
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'IFRAME', 'OBJECT', 'HEAD']);
/** Elements that break a line: the text keeps the page's paragraphs, so an excerpt reads as a passage. */
const BLOCK = new Set(['P', 'DIV', 'LI', 'UL', 'OL', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'SECTION', 'ARTICLE', 'MAIN', 'HEADER', 'FOOTER', 'BR', 'TR', 'TD', 'TH', 'DD', 'DT', 'BLOCKQUOTE', 'PRE', 'HR', 'TABLE', 'NAV', 'ASIDE', 'ADDRESS', 'FIGCAPTION']);

/** The readable text of a page: its `main` (or body), script and style left out, one line per block. */
export function readableText(doc: Document): string {
  // linkedom leaves a fragment without <html> outside the body: then the whole document is read.
  const root = doc.querySelector('main, [role="main"], article') ?? (doc.body?.firstChild ? doc.body : doc.documentElement);
  const parts: string[] = [];
  // An explicit stack: a rules page nested thousands deep must not overflow the call stack.
  const stack: (Node | '\n')[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === '\n') {
      parts.push('\n');
      continue;
    }
    if (n.nodeType === 3) {
      parts.push(n.nodeValue ?? '');
      continue;
    }
    if (n.nodeType !== 1) continue;
    const tag = (n as Element).tagName.toUpperCase();
    if (SKIP.has(tag)) continue;
    const block = BLOCK.has(tag);
    if (block) {
      parts.push('\n');
      stack.push('\n');
    }
    const kids = n.childNodes;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return parts
    .join('')
    .normalize('NFC')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

/**
 * Words that say a passage is about licensing, in the languages Gleaner's forums are written in
 * (licence, license, Lizenz, licencia, licenza, licença, licentie, licencja…), and Creative Commons ids.
 */
const LICENSING = /licen[cszçt]|lizenz|creative\s*commons|\bcc[\s-]?(?:by|0\b|zero)|public\s+domain|copyright|urheberrecht|droit d.auteur|derechos de autor/i;

/** Spellings of an SPDX id as people write it: CC-BY-SA-4.0 also as "CC BY-SA 4.0" and "CC BY-SA". */
function licenseSpellings(license: string): RegExp[] {
  const id = license.trim();
  const out = [new RegExp(id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/-/g, '[\\s-]'), 'i')];
  const cc = /^CC-(BY(?:-(?:SA|NC|ND))*)(?:-(\d\.\d))?$/i.exec(id);
  if (cc) out.push(new RegExp(`CC[\\s-]${cc[1]!.replace(/-/g, '[\\s-]')}`, 'i'));
  return out;
}

/** The passage (the line, cut to 600 characters around the match) that says how posts may be reused. */
export function licenceExcerpt(text: string, license: string): string | null {
  const lines = text.split('\n');
  for (const re of [...licenseSpellings(license), LICENSING]) {
    const line = lines.find((l) => re.test(l));
    if (!line) continue;
    if (line.length <= 600) return line;
    const at = Math.max(0, (re.exec(line)?.index ?? 0) - 200);
    return line.slice(at, at + 600);
  }
  return null;
}

/**
 * Reads the community's rules page when a bulk job is created with an attestation, and records what it
 * said (text, hash, the licensing passage, when): the attestation then rests on words anyone can check.
 * A page that cannot be read, or that says nothing about licensing, is refused with what to do instead.
 */
export async function readRulesPage(url: string, license: string, deps: RulesDeps): Promise<{ ok: true; page: RulesPage } | { ok: false; error: string }> {
  const where = url.slice(0, 200);
  if (!/^https?:\/\//i.test(url.trim())) return { ok: false, error: `"${where}" is not a web address: link to the community's terms page (https://…).` };
  let res: Response;
  try {
    res = await deps.fetch(url, { credentials: 'omit', redirect: 'follow' });
  } catch (e) {
    return { ok: false, error: `Could not read the community's rules page at ${where} (${(e as Error).message}). Check the address and that the site is reachable; the attestation records what the page says.` };
  }
  if (!res.ok) {
    await res.body?.cancel();
    return { ok: false, error: `The community's rules page at ${where} answered ${res.status}. Link to a page anyone can read without logging in; the attestation records what it says.` };
  }
  const type = res.headers.get('content-type') ?? '';
  if (type && !/html|text\/plain|xml/i.test(type)) {
    await res.body?.cancel();
    return { ok: false, error: `The rules page at ${where} is not a web page (${type.split(';')[0]}). Link to the page itself.` };
  }
  const raw = decodePage(new Uint8Array(await res.arrayBuffer()));
  const full = /html/i.test(type) || /^\s*</.test(raw) ? readableText(deps.dom.parseHtml(raw)) : raw.normalize('NFC').trim();
  if (!full) return { ok: false, error: `The rules page at ${where} has no text Gleaner can read. Link to the page that states the community's terms.` };
  const text = full.slice(0, RULES_TEXT_CHARS);
  const excerpt = licenceExcerpt(text, license);
  if (!excerpt) {
    return {
      ok: false,
      error: `The page at ${where} does not mention a licence, Creative Commons or copyright${full.length > text.length ? ` in its first ${RULES_TEXT_CHARS} characters` : ''}. Link to the page of the community's terms that says how members' posts may be reused.`,
    };
  }
  return {
    ok: true,
    page: { url: res.url || url, text, truncated: full.length > text.length, sha256: await sha256Hex(text), excerpt, readAt: new Date(deps.now()).toISOString() },
  };
}
