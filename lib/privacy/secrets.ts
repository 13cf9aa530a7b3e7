import { entropy } from './checksums.ts';
import { matches, type Finding } from './finding.ts';

/** Secrets whose shape alone gives them away: each vendor prefixes its tokens so scanners can find them. */
const SHAPED: RegExp[] = [
  /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/g, // AWS access key id
  /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])/g, // GitHub tokens
  /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,251}(?![A-Za-z0-9_])/g, // GitHub fine-grained token
  /(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9\-]{10,250}/g, // Slack
  /(?<![A-Za-z0-9_\-])AIza[0-9A-Za-z_\-]{35}(?![A-Za-z0-9_\-])/g, // Google API key
  /(?<![A-Za-z0-9_])[sr]k_live_[0-9A-Za-z]{16,247}(?![A-Za-z0-9_])/g, // Stripe live keys
  /(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{5,4096}\.eyJ[A-Za-z0-9_\-]{5,8192}\.[A-Za-z0-9_\-]{10,1024}(?![A-Za-z0-9_\-])/g, // JWT
];

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
/** The longest private key block worth looking through for its END line (an 8192-bit RSA key is about 6.5 KB). */
const PEM_REACH = 16_384;

// `scheme://user:password@host`: only the userinfo is secret; the user part may itself be an address.
const URL_CREDENTIALS = /(?<![\w+.\-])[A-Za-z][A-Za-z0-9+.\-]{1,30}:\/\/([^\s\/:@<>"'`]{0,256}(?:@[^\s\/:@<>"'`]{1,256})?:[^\s\/@<>"'`]{1,256})@(?=[\w\[])/g;

// A value after a word that says it is a secret: `api_key=…`, `"token": "…"`, `Authorization: Bearer …`.
const LABELLED =
  /\b(?:[A-Za-z0-9]{1,20}[_\-]){0,3}(?:api[_\-]?key|apikey|api[_\-]?secret|access[_\-]?key(?:[_\-]?id)?|secret[_\-]?access[_\-]?key|access[_\-]?token|auth[_\-]?token|refresh[_\-]?token|client[_\-]?secret|secret(?:[_\-]?key)?|private[_\-]?key|token|bearer|password|passwd|pwd)(?![A-Za-z0-9])["']?[ \t]{0,4}(?:[:=]|=>|:=)?[ \t]{0,4}["']?(?:Bearer[ \t]+)?([^\s"'`<>,;]{6,512})/gi;

const PASSWORD_WORD = /(?:password|passwd|pwd)$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Values people write in place of a real secret when asking for help. */
const PLACEHOLDER = /^(?:x+|\*+|\.+|your[_\-]?\w*|my[_\-]?\w*|<[^>]*>|\$\{?\w+\}?|changeme|example\w*|redacted|hidden|secret|password|null|none|undefined|true|false|string|required|optional|env\.\w+|process\.env\.\w+)$/i;

function looksSecret(label: string, value: string, assigned: boolean): boolean {
  const v = value;
  if (PLACEHOLDER.test(v) || UUID.test(v)) return false;
  if (PASSWORD_WORD.test(label)) {
    // A password is a secret even when short, but it must not be an ordinary word from a sentence.
    return assigned && v.length >= 6 && /[0-9]|[^A-Za-z0-9]/.test(v) && /[A-Za-z]/.test(v);
  }
  // Other labels also appear in prose ("the token is stored…"): only a long, random-looking value is taken.
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((r) => r.test(v)).length;
  return v.length >= 16 && classes >= 2 && /[0-9]/.test(v) && entropy(v) >= 3.3;
}

export function findSecrets(text: string): Finding[] {
  const out: Finding[] = [];
  for (const re of SHAPED) {
    for (const m of matches(re, text)) out.push({ type: 'KEY', start: m.index, end: m.index + m[0].length });
  }
  for (const m of matches(PEM_BEGIN, text)) {
    const window = text.slice(m.index, m.index + PEM_REACH);
    PEM_END.lastIndex = 0;
    const end = PEM_END.exec(window);
    let stop: number;
    if (end) stop = m.index + end.index + end[0].length;
    else {
      // A truncated paste: take the BEGIN line and the base64 lines that follow it.
      const body = /^-----[^\n]*(?:\r?\n[A-Za-z0-9+\/=:\-, ]*)*/.exec(window);
      stop = m.index + (body ? body[0].length : m[0].length);
    }
    out.push({ type: 'KEY', start: m.index, end: stop });
  }
  for (const m of matches(URL_CREDENTIALS, text)) {
    const cred = m[1]!;
    const start = m.index + m[0].length - 1 - cred.length;
    out.push({ type: 'KEY', start, end: start + cred.length });
  }
  // Not through matches(): a rejected match must give back its value, which may hold the real label
  // ("AWS secret aws_secret_access_key = …").
  const labelled = new RegExp(LABELLED.source, LABELLED.flags);
  for (let m = labelled.exec(text); m; m = labelled.exec(text)) {
    const label = /^[A-Za-z0-9_\-]*/.exec(m[0])![0];
    // A password may hold any symbol; other secrets are URL-safe tokens, and `&` starts the next query parameter.
    const value = PASSWORD_WORD.test(label) ? m[1]!.replace(/[.)\]]+$/, '') : /^[A-Za-z0-9_\-+\/=.~]*/.exec(m[1]!)![0].replace(/\.+$/, '');
    const assigned = /[:=]/.test(m[0].slice(label.length, m[0].length - m[1]!.length));
    if (!looksSecret(label, value, assigned)) {
      labelled.lastIndex = m.index + Math.max(1, label.length);
      continue;
    }
    const start = m.index + m[0].length - m[1]!.length;
    out.push({ type: 'KEY', start, end: start + value.length });
  }
  return out;
}
