import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { matches, type Finding } from './finding.ts';

// Digit groups joined by exactly one separator, or by nothing next to a bracketed group ("+49 (0)30"). Separators
// are never optional between two plain digit groups, so a digit run can only be read one way: no backtracking blow-up.
// It may not start inside a longer token (after a letter, a sign, a currency, a slash, or a digit and a separator).
const CANDIDATE =
  /(?<![\w+#$€£¥@\/\\.,\-=%&°]|\d[ .\-\/:])(?:\+[ ]?)?(?:\(\d{1,5}\)|\d+)(?:(?:[ .\-\/]|(?<=\))|(?=\())(?:\(\d{1,5}\)|\d+)){0,7}(?![\w%°€$£@]|[.,:\-\/]\d)/g;

/** Countries whose written national numbers (with a trunk 0) we check; covers the forums' main audiences. */
const TRUNK_COUNTRIES: CountryCode[] = ['GB', 'FR', 'DE', 'NL', 'BE', 'AT', 'CH', 'IT', 'ES', 'IE', 'AU', 'NZ', 'SE', 'NO', 'FI', 'PL', 'JP', 'IN', 'ZA', 'BR'];

/** Words just before a bare digit run that make it a phone number rather than an id or a timestamp. */
const PHONE_CONTEXT = /\b(?:phone|tel|telephone|mobile|mob|cell|cellphone|call|calling|ring|text|txt|sms|whatsapp|signal|fax|hotline|helpline|landline|phone\s*no|ph)\b\.?[^\n\d]{0,24}$/i;

const DATE_SHAPE = /^(?:\d{1,2}[.\/\-]\d{1,2}[.\/\-](?:\d{2}|\d{4})|\d{4}[.\/\-]\d{1,2}[.\/\-]\d{1,2})$/;
const NANP_SHAPE = /^(?:\+?1[ .\-]?)?(?:\([2-9]\d\d\)[ ]?\d{3}[ .\-]\d{4}|[2-9]\d\d([ .\-])\d{3}\1\d{4})$/;
const LOCAL_SEVEN = /^\d{3}[ .\-]\d{4}$/;

/** Separators after the country code and around bracketed groups vary; the rest must be one kind, as people type them. */
function uniformSeparators(s: string): boolean {
  const core = s.replace(/^\+\s?\d{1,3}[ .\-]?/, '').replace(/\(\d{1,5}\)[ .\-]?/g, '');
  return new Set(core.replace(/\d/g, '')).size <= 1;
}

function possibleInternational(s: string): boolean {
  const n = parsePhoneNumberFromString(s.replace(/\(0\)/, ''));
  return !!n && n.isPossible();
}

function validNational(s: string): boolean {
  return TRUNK_COUNTRIES.some((c) => parsePhoneNumberFromString(s, c)?.isValid() ?? false);
}

function isPhone(s: string, contextual: boolean): boolean {
  const digits = s.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  if (DATE_SHAPE.test(s) || !uniformSeparators(s)) return false;
  // A lone trailing digit is a check digit (ISBN, part numbers); no numbering plan ends a phone number that way.
  if (/[^\d]\d$/.test(s)) return false;
  const separated = /[^\d+]/.test(s);
  if (s.startsWith('+')) return digits.length >= 8 && possibleInternational(s);
  if (NANP_SHAPE.test(s)) return true;
  if (!separated) {
    // A bare run of digits is more often an id, an EAN or a timestamp: only trust it after "call", "tel" and the like.
    return contextual && (validNational(s) || parsePhoneNumberFromString(s, 'US')?.isValid() === true);
  }
  if (LOCAL_SEVEN.test(s)) return contextual;
  if (s.startsWith('00')) return possibleInternational('+' + s.slice(2));
  if (s.startsWith('0') || s.startsWith('(0')) return validNational(s);
  return contextual && parsePhoneNumberFromString(s, 'US')?.isValid() === true;
}

export function findPhones(text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of matches(CANDIDATE, text)) {
    const contextual = PHONE_CONTEXT.test(text.slice(Math.max(0, m.index - 40), m.index));
    // The greedy match may have swallowed a following number ("555-123-4567 2 times"): retry without trailing groups.
    let s = m[0];
    for (let tries = 0; tries < 3 && s; tries++) {
      if (isPhone(s, contextual)) {
        out.push({ type: 'PHONE', start: m.index, end: m.index + s.length });
        break;
      }
      const cut = s.lastIndexOf(' ');
      if (cut <= 0) break;
      s = s.slice(0, cut).replace(/[ .\-\/]+$/, '');
    }
  }
  return out;
}
