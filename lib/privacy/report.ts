import type { z } from 'zod';
import type { PiiReport } from '../model/entry.ts';
import { DETECTOR_VERSION, PII_TYPES, type Finding, type PiiType } from './finding.ts';

/** What an entry records about its redaction: how many of each kind, never the values themselves. */
export function piiReport(findings: Finding[]): z.infer<typeof PiiReport> {
  const counts = Object.fromEntries(PII_TYPES.map((t) => [t, 0])) as Record<PiiType, number>;
  for (const f of findings) counts[f.type]++;
  return { detectorVersion: DETECTOR_VERSION, counts };
}
