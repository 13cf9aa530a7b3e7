import { matches, type Finding } from './finding.ts';

const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
// Not part of a longer dotted run (a four-part version like 1.2.3.4.5) and not a decimal.
const IPV4 = new RegExp(String.raw`(?<![\w.])${OCTET}(?:\.${OCTET}){3}(?![\w]|\.\d)`, 'g');
// Every repetition ends in ':', so a run of hex digits can only be split one way.
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?![\w:])/g;
const MAC = /(?<![\w:\-.])[0-9A-Fa-f]{2}([:\-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}(?![\w:\-])|(?<![\w.])[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![\w.])/g;

/** Words that put a dotted quad in a version string rather than a network address. */
const VERSION_BEFORE = /(?:\bv|\bver\.?|\bversion|\bbuild|\brelease|\bfirmware|\bupdate|\bpatch)\s*:?\s*$/i;

/** Loopback, "any" and netmasks name no machine of a person's, so tech-help threads keep them. */
function harmlessV4(ip: string): boolean {
  return ip.startsWith('127.') || ip.startsWith('255.') || ip === '0.0.0.0';
}

function validV6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  let slots = 0;
  for (const [i, g] of groups.entries()) {
    if (i === groups.length - 1 && g.includes('.')) {
      if (!/^\d{1,3}(?:\.\d{1,3}){3}$/.test(g) || g.split('.').some((o) => Number(o) > 255)) return false;
      slots += 2;
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(g)) slots += 1;
    else return false;
  }
  if (halves.length === 1 ? slots !== 8 : slots > 7) return false;
  // "::1" and "a::b" turn up in code (C++ scopes, loopback); a real address names at least three groups or a link-local prefix.
  if (groups.length < 3 && !/^fe80$/i.test(groups[0] ?? '')) return false;
  return /\d/.test(s);
}

export function findNetwork(text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of matches(IPV4, text)) {
    if (harmlessV4(m[0])) continue;
    if (VERSION_BEFORE.test(text.slice(Math.max(0, m.index - 20), m.index))) continue;
    out.push({ type: 'IP', start: m.index, end: m.index + m[0].length });
  }
  for (const m of matches(IPV6, text)) {
    if (validV6(m[0])) out.push({ type: 'IP', start: m.index, end: m.index + m[0].length });
  }
  for (const m of matches(MAC, text)) {
    out.push({ type: 'MAC', start: m.index, end: m.index + m[0].length });
  }
  return out;
}
