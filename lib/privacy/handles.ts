import { matches, type Finding } from './finding.ts';

// A handle starts after a space or punctuation (never after a word character: that is an address) and ends on a
// letter, digit or underscore so a sentence's full stop stays outside. `@user@instance.social` is one fediverse handle.
const HANDLE =
  /(?<![\p{L}\p{N}_.@\/+\-`\\])@([A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,38}[A-Za-z0-9_])?)(@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,6})?(?![\p{L}\p{N}_@\/])/gu;

/** Words after `@` that are code (annotations, at-rules, doc tags, decorators) or address no single person. */
const NOT_PEOPLE = new Set(
  `override deprecated suppresswarnings functionalinterface safevarargs test before after beforeeach aftereach beforeall afterall
  autowired component service repository controller restcontroller bean configuration entity table column id transient
  injectable input output ngmodule hostlistener viewchild property staticmethod classmethod dataclass abstractmethod cached_property
  lru_cache pytest fixture app route media import keyframes font-face fontface supports include mixin extend apply tailwind layer
  charset page use forward each if else for while function return content namespace container property-name
  param returns return type typedef throws throw example see since author link inheritdoc deprecated ts-ignore ts-expect-error
  ts-nocheck jsx flow format license preserve module callback template private public protected readonly internal
  everyone here channel all someone admins moderators mods`
    .split(/\s+/)
    .filter(Boolean),
);

/** Stretches of inline code and fenced blocks, where `@name` is syntax rather than a person. */
function codeSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const m of matches(/```[\s\S]*?(?:```|$)|`[^`\n]{1,500}`/g, text)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

function inSpan(spans: Array<[number, number]>, at: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [s, e] = spans[mid]!;
    if (at < s) hi = mid - 1;
    else if (at >= e) lo = mid + 1;
    else return true;
  }
  return false;
}

/** `@decorator` alone at the start of a line, above a definition. */
function decoratorLine(text: string, at: number, end: number): boolean {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  if (text.slice(lineStart, at).trim() !== '') return false;
  const nl = text.indexOf('\n', end);
  const rest = text.slice(end, nl < 0 ? text.length : nl);
  if (!/^\s*(?:\(.*\))?\s*$/.test(rest)) return false;
  const next = nl < 0 ? '' : text.slice(nl + 1, nl + 200).split('\n')[0] ?? '';
  return /^\s*(?:@|def |async |class |function |export |public |private |protected |static |fun |val |var |let |const |[\w<>\[\]]+\s+\w+\s*\()/.test(next);
}

function normalise(h: string): string {
  return h.replace(/^@/, '').toLowerCase();
}

export function findHandles(text: string, keepHandles: string[] = []): Finding[] {
  const keep = new Set(keepHandles.map(normalise));
  const spans = codeSpans(text);
  const out: Finding[] = [];
  for (const m of matches(HANDLE, text)) {
    const name = m[1]!;
    const end = m.index + m[0].length;
    if (keep.has(name.toLowerCase()) || keep.has(m[0].slice(1).toLowerCase())) continue;
    if (NOT_PEOPLE.has(name.toLowerCase())) continue;
    // Times and quantities: "@10am", "@ 2x", "@3.5GHz".
    if (/^\d+(?:[.:]\d+)?(?:am|pm|h|x|k|m|hz|ghz|mhz|fps|gb|mb|px)?$/i.test(name)) continue;
    // A call or a decorator with arguments: `@Input()`, `@app.route("/")`, `@include mq(...)`.
    if (text[end] === '(' || (text[end] === '.' && /[A-Za-z]/.test(text[end + 1] ?? ''))) continue;
    if (inSpan(spans, m.index) || decoratorLine(text, m.index, end)) continue;
    out.push({ type: 'USER', start: m.index, end });
  }
  return out;
}
