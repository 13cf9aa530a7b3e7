import type { z } from 'zod';
import type { PiiReport } from '../model/entry.ts';
import type { Source } from '../model/entry.ts';
import { detectPii, DETECTOR_VERSION, PII_TYPES, piiReport, type Finding, type PiiType } from '../privacy/index.ts';

/**
 * Personal data in the curate view. Secrets, card numbers and IBANs can never be published, so they
 * block the submit until redacted; other findings (emails, phones, addresses, handles) may be public on
 * purpose (a club's contact address), so the contributor decides and the entry records how many stayed.
 */
export const BLOCKING: readonly PiiType[] = ['KEY', 'CARD', 'IBAN'];

const LABEL: Record<PiiType, [string, string]> = {
  EMAIL: ['email address', 'email addresses'],
  PHONE: ['phone number', 'phone numbers'],
  IP: ['IP address', 'IP addresses'],
  MAC: ['MAC address', 'MAC addresses'],
  KEY: ['secret (key, token or password)', 'secrets (keys, tokens or passwords)'],
  CARD: ['card number', 'card numbers'],
  IBAN: ['IBAN', 'IBANs'],
  USER: ['@-handle of someone who is not a source', '@-handles of people who are not sources'],
};

export function piiLabel(type: PiiType, n = 1): string {
  return LABEL[type][n === 1 ? 0 : 1];
}

/**
 * Handles that may stay: the entry's own source authors, credited by name anyway. Both the display name
 * and the last segment of the profile URL (`/u/techAPJ`, `/user/darkuss`) count as their handle.
 */
export function keepHandlesFor(sources: Pick<Source, 'author'>[]): string[] {
  const out = new Set<string>();
  for (const s of sources) {
    if (!/\s/.test(s.author.name)) out.add(s.author.name);
    const seg = s.author.url?.replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').pop();
    if (seg) {
      try {
        out.add(decodeURIComponent(seg));
      } catch {
        out.add(seg);
      }
    }
  }
  return [...out];
}

export function findingsIn(text: string, keepHandles: string[]): Finding[] {
  return detectPii(text, { keepHandles });
}

/** Replaces one finding with its typed placeholder. */
export function redactFinding(text: string, f: Finding): string {
  return `${text.slice(0, f.start)}<${f.type}>${text.slice(f.end)}`;
}

/** Replaces every finding (or every finding of the given types) with its placeholder, last first so offsets hold. */
export function redactAll(text: string, keepHandles: string[], types?: readonly PiiType[]): string {
  const found = findingsIn(text, keepHandles).filter((f) => !types || types.includes(f.type));
  return [...found].reverse().reduce((t, f) => redactFinding(t, f), text);
}

const PLACEHOLDER = new RegExp(`<(${PII_TYPES.join('|')})>`, 'g');

function zeroCounts(): Record<PiiType, number> {
  return Object.fromEntries(PII_TYPES.map((t) => [t, 0])) as Record<PiiType, number>;
}

/**
 * The report an entry carries, read from the text actually submitted: placeholders are what was redacted,
 * findings still present are what the contributor kept. Counts only, never the values.
 */
export function submittedPiiReport(texts: string[], keepHandles: string[]): z.infer<typeof PiiReport> {
  const counts = zeroCounts();
  for (const t of texts) for (const m of t.matchAll(PLACEHOLDER)) counts[m[1] as PiiType]++;
  const kept = piiReport(texts.flatMap((t) => findingsIn(t, keepHandles))).counts;
  return { detectorVersion: DETECTOR_VERSION, counts, kept };
}

export type PiiVerdict = { block: string[]; warn: string[] };

/**
 * What must happen before submit: blocking findings are listed as errors; the rest are warnings the
 * contributor accepts (with `keepAccepted`) or redacts.
 */
export function piiVerdict(texts: { label: string; text: string }[], keepHandles: string[], keepAccepted: boolean): PiiVerdict {
  const block: string[] = [];
  const warn: string[] = [];
  for (const { label, text } of texts) {
    const byType = new Map<PiiType, number>();
    for (const f of findingsIn(text, keepHandles)) byType.set(f.type, (byType.get(f.type) ?? 0) + 1);
    for (const [type, n] of byType) {
      const what = `${label} contains ${n} ${piiLabel(type, n)}`;
      if (BLOCKING.includes(type)) block.push(`${what}, which must never be published: press "Redact" on it (or "Redact all").`);
      else if (!keepAccepted) warn.push(`${what}. Redact it, or tick "Keep the remaining personal data" if it is meant to be public.`);
    }
  }
  return { block, warn };
}
