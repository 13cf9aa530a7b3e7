import { ibanValid, luhnValid } from './checksums.ts';
import { matches, type Finding } from './finding.ts';

// Each repetition takes exactly one digit, so a separator can only attach one way.
const CARD = /(?<![\w.,\-/])\d(?:[ \-]?\d){11,18}(?![\w]|[.,\-/]\d)/g;

/** Issuer prefixes (IIN ranges) and lengths of the schemes people actually paste. */
function knownIssuer(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  const p6 = Number(d.slice(0, 6));
  if (d[0] === '4') return n === 13 || n === 16 || n === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15; // American Express
  if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || (p6 >= 622126 && p6 <= 622925)) return n >= 16 && n <= 19; // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19; // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) return n >= 14 && n <= 19; // Diners
  if (p2 === 62) return n >= 16 && n <= 19; // UnionPay
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return n >= 12 && n <= 19; // Maestro
  return false;
}

/** Separators, when present, must be one kind and fall between digit groups of at least three. */
function groupedLikeACard(s: string): boolean {
  const seps = new Set(s.replace(/\d/g, ''));
  if (seps.size > 1) return false;
  if (seps.size === 0) return true;
  return s.split(/[ \-]/).every((g) => g.length >= 3 && g.length <= 6);
}

// Country code, two check digits, then groups of four with optional spaces; the mod-97 check does the real work.
const IBAN = /(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![\w])/g;

/** IBAN lengths by country (ISO 13616 registry) for the countries whose accounts turn up most. */
const IBAN_LENGTH: Record<string, number> = {
  AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24, FI: 18, FR: 27, GB: 22, GR: 27,
  HR: 21, HU: 28, IE: 22, IS: 26, IT: 27, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MT: 31, NL: 18, NO: 15, PL: 28,
  PT: 25, RO: 24, SE: 24, SI: 19, SK: 24, SM: 27, TR: 26, UA: 29,
};

export function findPayment(text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of matches(CARD, text)) {
    const digits = m[0].replace(/\D/g, '');
    if (groupedLikeACard(m[0]) && knownIssuer(digits) && luhnValid(digits) && !/^(\d)\1+$/.test(digits)) {
      out.push({ type: 'CARD', start: m.index, end: m.index + m[0].length });
    }
  }
  for (const m of matches(IBAN, text)) {
    const compact = m[0].replace(/ /g, '');
    const want = IBAN_LENGTH[compact.slice(0, 2)];
    if (want !== undefined ? compact.length !== want : compact.length < 15 || compact.length > 34) continue;
    if (ibanValid(compact)) out.push({ type: 'IBAN', start: m.index, end: m.index + m[0].length });
  }
  return out;
}
