import parseSpdx from 'spdx-expression-parse';

/**
 * Creative Commons licences as data: what each SPDX id permits, and how CC's own URLs and prose name
 * them. The spdx packages know the ids but not what BY/SA/NC/ND mean, so that lives here.
 */
export interface CcTerms {
  id: string;
  /** Attribution required (every CC licence except CC0 and the Public Domain Mark). */
  by: boolean;
  sa: boolean;
  nc: boolean;
  nd: boolean;
  /** CC0 or the Public Domain Mark: no conditions at all. */
  zero: boolean;
  version: number;
  /** Jurisdiction port ("DE", "UK"), or null for the unported/international licence. */
  port: string | null;
}

const CC_ID = /^CC-((?:BY|SA|NC|ND)(?:-(?:BY|SA|NC|ND))*)-(\d\.\d)(?:-([A-Z]{2,3}))?$/;

/** What a CC SPDX id means, or null when the id is not a Creative Commons licence. */
export function ccTerms(id: string): CcTerms | null {
  if (id === 'CC0-1.0' || id === 'CC-PDM-1.0') return { id, by: false, sa: false, nc: false, nd: false, zero: true, version: 1, port: null };
  const m = CC_ID.exec(id);
  if (!m) return null;
  const parts = new Set(m[1]!.split('-'));
  return {
    id,
    by: parts.has('BY'),
    sa: parts.has('SA'),
    nc: parts.has('NC'),
    nd: parts.has('ND'),
    zero: false,
    version: Number(m[2]),
    port: m[3] ?? null,
  };
}

/** Ids already judged: a page can link its licence from every post's footer, and parsing each time cost more than reading the footers. */
const spdxIds = new Map<string, boolean>();

/** True when the string is a licence id on the SPDX list (as spdx-expression-parse knows it). */
export function isSpdxId(id: string): boolean {
  let known = spdxIds.get(id);
  if (known === undefined) {
    known = parsesAsSpdxId(id);
    if (spdxIds.size < 1000) spdxIds.set(id, known);
  }
  return known;
}

function parsesAsSpdxId(id: string): boolean {
  try {
    const p = parseSpdx(id);
    return 'license' in p && p.license === id && !p.plus;
  } catch {
    return false;
  }
}

/** The canonical element order SPDX uses: BY, NC, then SA or ND. */
function elementCode(parts: Iterable<string>): string | null {
  const s = new Set(Array.from(parts, (p) => p.toUpperCase()));
  for (const p of s) if (!['BY', 'SA', 'NC', 'ND'].includes(p)) return null;
  if (s.has('SA') && s.has('ND')) return null;
  return ['BY', 'NC', 'SA', 'ND'].filter((p) => s.has(p)).join('-');
}

/**
 * An SPDX id for a licence named by its elements and version. A port SPDX does not list falls back to
 * the unported licence of the same version, which grants the same freedoms; `ported` says so.
 */
export function ccSpdxId(elements: Iterable<string>, version: string, port?: string | null): { id: string; ported: string | null } | null {
  const code = elementCode(elements);
  if (!code || !/^\d\.\d$/.test(version)) return null;
  if (port) {
    const p = port.toUpperCase();
    const ported = `CC-${code}-${version}-${p}`;
    if (isSpdxId(ported)) return { id: ported, ported: null };
    const base = `CC-${code}-${version}`;
    return isSpdxId(base) ? { id: base, ported: p } : null;
  }
  const id = `CC-${code}-${version}`;
  return isSpdxId(id) ? { id, ported: null } : null;
}

/**
 * A creativecommons.org licence URL (deed, legalcode, any scheme, with or without a port) as an SPDX
 * id, or null when the URL is not a licence CC publishes.
 */
export function ccUrlToSpdx(href: string): { id: string; ported: string | null } | null {
  let u: URL;
  try {
    u = new URL(href.trim(), 'https://creativecommons.org/');
  } catch {
    return null;
  }
  if (!/^(www\.)?creativecommons\.org$/i.test(u.hostname)) return null;
  const seg = u.pathname.toLowerCase().split('/').filter(Boolean);
  if (seg[0] === 'publicdomain') {
    if (seg[1] === 'zero' && seg[2] === '1.0') return { id: 'CC0-1.0', ported: null };
    if (seg[1] === 'mark' && seg[2] === '1.0') return { id: 'CC-PDM-1.0', ported: null };
    return null;
  }
  if (seg[0] !== 'licenses' || !seg[1] || !seg[2]) return null;
  // 1.0 spelled NoDerivs-NonCommercial as "by-nd-nc"; element order does not matter to the meaning.
  const port = seg[3] && /^[a-z]{2,3}$/.test(seg[3]) && !/^(deed|legalcode)/.test(seg[3]) ? seg[3] : null;
  return ccSpdxId(seg[1].split('-'), seg[2], port);
}

const WORD_ELEMENT: Array<[RegExp, string]> = [
  [/non-?commercial/i, 'NC'],
  [/share-?alike/i, 'SA'],
  [/no-?deriv(?:ative)?s?/i, 'ND'],
];

/**
 * CC licences named in prose: "CC BY-SA 4.0", "cc-by-nc-sa-3.0", "Creative Commons
 * Attribution-ShareAlike 4.0 International", "CC0". A name without a version is not a licence id and
 * is skipped: the version decides the terms.
 */
export function ccTextToSpdx(text: string): Array<{ id: string; ported: string | null; match: string }> {
  const out: Array<{ id: string; ported: string | null; match: string }> = [];
  const short = /\bCC[\s_-]?(BY(?:[\s_-]+(?:NC|SA|ND)){0,2})[\s_-]+v?(\d\.\d)\b/gi;
  for (const m of text.matchAll(short)) {
    const r = ccSpdxId(m[1]!.split(/[\s_-]+/), m[2]!);
    if (r) out.push({ ...r, match: m[0] });
  }
  const long = /\bCreative\s+Commons\s+Attribution((?:[\s-]+(?:Non-?Commercial|Share-?Alike|No-?Deriv(?:ative)?s?))*)(?:\s+Licen[cs]e)?,?\s+(?:version\s+)?(\d\.\d)\b/gi;
  for (const m of text.matchAll(long)) {
    const els = ['BY'];
    for (const [re, el] of WORD_ELEMENT) if (re.test(m[1]!)) els.push(el);
    const r = ccSpdxId(els, m[2]!);
    if (r) out.push({ ...r, match: m[0].replace(/\s+/g, ' ') });
  }
  for (const m of text.matchAll(/\bCC[\s-]?(?:0|Zero)(?:[\s-]+(?:v?1\.0|Universal))?\b/gi)) {
    out.push({ id: 'CC0-1.0', ported: null, match: m[0] });
  }
  out.sort((a, b) => text.indexOf(a.match) - text.indexOf(b.match));
  return out;
}

/** A person-readable name and the deed URL for a CC id, for statements and messages. */
export function ccName(id: string): { name: string; url: string | null } {
  const t = ccTerms(id);
  if (!t) return { name: id, url: null };
  if (id === 'CC0-1.0') return { name: 'CC0 1.0 Universal (public domain dedication)', url: 'https://creativecommons.org/publicdomain/zero/1.0/' };
  if (id === 'CC-PDM-1.0') return { name: 'Public Domain Mark 1.0', url: 'https://creativecommons.org/publicdomain/mark/1.0/' };
  const code = ['BY', 'NC', 'SA', 'ND'].filter((e) => t[e.toLowerCase() as 'by' | 'nc' | 'sa' | 'nd']);
  const v = t.version.toFixed(1);
  const path = `${code.join('-').toLowerCase()}/${v}/${t.port ? `${t.port.toLowerCase()}/` : ''}`;
  return { name: `CC ${code.join('-')} ${v}${t.port ? ` ${t.port}` : t.version === 4 ? ' International' : ''}`, url: `https://creativecommons.org/licenses/${path}` };
}
