export * from './thread.ts';
export * from './entry.ts';
export * from './submission.ts';
export * from './attestation.ts';
export * from './vouch.ts';
export * from './subject.ts';
