import { matches, type Finding } from './finding.ts';

// The lookbehind anchors every match at the start of a run, so a long run with no `@` is scanned once, not once
// per position; domain labels are separated by dots that the label class excludes, so nothing can backtrack.
// Letters are any script's: "zoë@example.com" is one address, not a name and a handle.
const EMAIL = /(?<![\p{L}\p{N}_.%+\-])[\p{L}\p{N}][\p{L}\p{N}_.%+\-]{0,63}@[\p{L}\p{N}\-]{1,63}(?:\.[\p{L}\p{N}\-]{1,63}){1,8}/gu;

// Mailing-list spellings: `name at example.com`, `name (at) example (dot) com`, `name [at] example [dot] org`.
const AT = String.raw`(?:\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+at\s+|\s+AT\s+)`;
const DOT = String.raw`(?:\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+|\s+DOT\s+|\.)`;
const LABEL = String.raw`[A-Za-z0-9][A-Za-z0-9\-]{0,62}`;
const OBFUSCATED = new RegExp(
  String.raw`(?<![\w.%+\-@])([A-Za-z0-9][\w.%+\-]{0,63}(?:\s+dot\s+[A-Za-z0-9][\w%+\-]{0,63}){0,3})(${AT})(${LABEL}(?:${DOT}${LABEL}){1,4})(?![\w@])`,
  'g',
);

/** Words that are followed by "at example.com" in ordinary prose ("look at github.com"), not local parts. */
const PROSE = new Set(
  `look looking looked available sold bought buy found find got get posted post listed hosted online cheaper cheap stock it
  me us them him her is are was were be been here there this that one copy copies up out work working works home live lives
  me, arrive arrived stay staying based sale deal deals price prices play played playing signed sign meet check checked
  thread forum docs guide page pages site shop store pic pics photo image images link links version only also even just`
    .split(/\s+/)
    .filter(Boolean),
);

function tldOk(domain: string): boolean {
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  return /^\p{L}{2,24}$/u.test(tld);
}

const MAIL_CONTEXT = /\b(?:e-?mail|mail|contact|write|reach|send|drop|ping|message|pm|dm)\b/i;

export function findEmails(text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of matches(EMAIL, text)) {
    let value = m[0];
    // A trailing hyphen or a domain without a real top-level label is not an address.
    value = value.replace(/[-.]+$/, '');
    const domain = value.slice(value.indexOf('@') + 1);
    // `scheme://user:pass@host` and `git@host:owner/repo` name a login on a machine, not a mailbox.
    if (/:\/\/[^\s\/]*$/.test(text.slice(Math.max(0, m.index - 300), m.index))) continue;
    if (text[m.index + value.length] === ':' && /[\w~\/]/.test(text[m.index + value.length + 1] ?? '')) continue;
    if (!tldOk(domain) || domain.split('.').some((l) => l === '' || l.startsWith('-'))) continue;
    out.push({ type: 'EMAIL', start: m.index, end: m.index + value.length });
  }
  for (const m of matches(OBFUSCATED, text)) {
    const [whole, local, at, domainRaw] = m as unknown as [string, string, string, string];
    const domain = domainRaw.replace(new RegExp(DOT, 'g'), '.');
    if (!tldOk(domain)) continue;
    const spelledOut = /[(\[{<]|AT/.test(at) || /\bdot\b|DOT|[(\[{<]/.test(domainRaw);
    if (!spelledOut) {
      // Plain "x at y.com" is mostly prose; accept it only when the left side looks like a mailbox.
      if (PROSE.has(local.toLowerCase())) continue;
      const before = text.slice(Math.max(0, m.index - 60), m.index);
      if (!/[._+\-\d]/.test(local) && !MAIL_CONTEXT.test(before)) continue;
    }
    out.push({ type: 'EMAIL', start: m.index, end: m.index + whole.length });
  }
  return out;
}
