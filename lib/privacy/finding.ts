/** Bumped whenever a rule changes what is found, so a stored report says which rules produced it. */
export const DETECTOR_VERSION = 'pii-1';

export const PII_TYPES = ['EMAIL', 'PHONE', 'IP', 'MAC', 'KEY', 'CARD', 'IBAN', 'USER'] as const;
export type PiiType = (typeof PII_TYPES)[number];

/** One piece of personal data: `text.slice(start, end)` is the value (UTF-16 offsets, as JS strings index). */
export interface Finding {
  type: PiiType;
  start: number;
  end: number;
}

export interface DetectOptions {
  /** Handles that may stay, with or without the `@`: the entry's own source authors, who are credited anyway. */
  keepHandles?: string[];
}

/** Runs every match of a global regex; callers keep their regexes free of nested ambiguous quantifiers. */
export function* matches(re: RegExp, text: string): Generator<RegExpExecArray> {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  for (let m = g.exec(text); m; m = g.exec(text)) {
    if (m[0] === '') g.lastIndex++;
    yield m;
  }
}
