import { detectPii } from './detect.ts';
import type { DetectOptions, Finding } from './finding.ts';

export interface Redaction {
  text: string;
  /** Offsets into the original text, not the redacted one. */
  findings: Finding[];
}

/** Replaces each finding with its typed placeholder, `<EMAIL>`, `<PHONE>`, …, leaving every other character as it was. */
export function redact(text: string, opts: DetectOptions = {}): Redaction {
  const findings = detectPii(text, opts);
  const parts: string[] = [];
  let at = 0;
  for (const f of findings) {
    parts.push(text.slice(at, f.start), `<${f.type}>`);
    at = f.end;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), findings };
}
