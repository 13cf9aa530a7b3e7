export { DETECTOR_VERSION, PII_TYPES, type PiiType, type Finding, type DetectOptions } from './finding.ts';
export { detectPii, resolveOverlaps } from './detect.ts';
export { redact, type Redaction } from './redact.ts';
export { piiReport } from './report.ts';
