import type { Entry } from '../lib/model/entry.ts';

/**
 * The hub's own bounds on one entry, on top of the shared schema: what one moderator can read and one
 * dataset row should hold. The extension builds within them; other clients learn them from the 422.
 */
export interface EntryLimits {
  titleChars: number;
  messages: number;
  messageChars: number;
  sources: number;
  attributionChars: number;
  /** Any other text field. */
  textChars: number;
}

export const DEFAULT_LIMITS: EntryLimits = { titleChars: 300, messages: 64, messageChars: 50_000, sources: 100, attributionChars: 20_000, textChars: 50_000 };

/** Every field over its limit, as a JSON pointer relative to the entry and a sentence saying the bound. */
export function checkLimits(entry: Entry, limits: EntryLimits = DEFAULT_LIMITS): { pointer: string; detail: string }[] {
  const out: { pointer: string; detail: string }[] = [];
  const tooLong = (pointer: string, text: string, max: number) => {
    if (text.length > max) out.push({ pointer, detail: `is ${text.length} characters long; the hub accepts at most ${max}` });
  };
  const tooMany = (pointer: string, n: number, max: number, what: string) => {
    if (n > max) out.push({ pointer, detail: `has ${n} ${what}; the hub accepts at most ${max}` });
  };
  tooLong('/title', entry.title, limits.titleChars);
  tooMany('/messages', entry.messages.length, limits.messages, 'messages');
  entry.messages.forEach((m, i) => tooLong(`/messages/${i}/content`, m.content, limits.messageChars));
  tooMany('/sources', entry.sources.length, limits.sources, 'sources');
  tooLong('/attribution/text', entry.attribution.text, limits.attributionChars);
  const covered = new Set(['/title', '/attribution/text', ...entry.messages.map((_, i) => `/messages/${i}/content`)]);
  walk(entry, '', (pointer, text) => {
    if (!covered.has(pointer)) tooLong(pointer, text, limits.textChars);
    // PostgreSQL text cannot hold NUL, and a lone surrogate would be stored as U+FFFD: refuse both on every backend alike.
    if (text.includes('\u0000')) out.push({ pointer, detail: 'contains a NUL character (U+0000); remove it' });
    else if (!text.isWellFormed()) out.push({ pointer, detail: 'contains a broken UTF-16 surrogate; the text was cut in the middle of a character' });
  });
  return out;
}

function walk(value: unknown, pointer: string, visit: (pointer: string, text: string) => void): void {
  if (typeof value === 'string') visit(pointer, value);
  else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${pointer}/${i}`, visit));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, visit);
}
