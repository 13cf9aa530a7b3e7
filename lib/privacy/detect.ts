import { findEmails } from './email.ts';
import type { DetectOptions, Finding, PiiType } from './finding.ts';
import { findHandles } from './handles.ts';
import { findNetwork } from './network.ts';
import { findPayment } from './payment.ts';
import { findPhones } from './phone.ts';
import { findSecrets } from './secrets.ts';

/** When two findings overlap without one containing the other, the one whose checks are stricter wins. */
const RANK: Record<PiiType, number> = { KEY: 0, CARD: 1, IBAN: 2, EMAIL: 3, IP: 4, MAC: 5, PHONE: 6, USER: 7 };

function better(a: Finding, b: Finding): boolean {
  const aHoldsB = a.start <= b.start && a.end >= b.end;
  const bHoldsA = b.start <= a.start && b.end >= a.end;
  if (aHoldsB !== bHoldsA) return aHoldsB;
  if (RANK[a.type] !== RANK[b.type]) return RANK[a.type] < RANK[b.type];
  return a.end - a.start > b.end - b.start;
}

/**
 * Overlapping findings become one: a span holding another wins (a credential in a URL swallows the address inside
 * it), otherwise the stricter type, so every character is replaced at most once and placeholders never nest.
 */
export function resolveOverlaps(findings: Finding[]): Finding[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end || RANK[a.type] - RANK[b.type]);
  const kept: Finding[] = [];
  for (const f of sorted) {
    if (f.end <= f.start) continue;
    const last = kept[kept.length - 1];
    if (!last || f.start >= last.end) kept.push(f);
    else if (better(f, last)) {
      // The winner may now reach back over an earlier kept finding too.
      kept.pop();
      while (kept.length && kept[kept.length - 1]!.end > f.start) {
        if (better(kept[kept.length - 1]!, f)) break;
        kept.pop();
      }
      if (!kept.length || kept[kept.length - 1]!.end <= f.start) kept.push(f);
    }
  }
  return kept;
}

/** Every piece of personal data in `text`, in order, without overlaps. */
export function detectPii(text: string, opts: DetectOptions = {}): Finding[] {
  return resolveOverlaps([
    ...findSecrets(text),
    ...findPayment(text),
    ...findEmails(text),
    ...findNetwork(text),
    ...findPhones(text),
    ...findHandles(text, opts.keepHandles),
  ]);
}
