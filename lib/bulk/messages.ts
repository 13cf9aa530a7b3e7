import type { NewJob } from './create.ts';
import type { JobCommand } from './controls.ts';

/** Requests the bulk page sends to the background (part of the message contract in lib/ext/messages.ts). */
export type BulkRequest =
  | { type: 'bulk-create'; job: NewJob }
  | { type: 'bulk-command'; jobId: string; command: JobCommand }
  | { type: 'bulk-retry'; jobId: string; itemId?: string }
  /** Wakes a stopped service worker so it resumes running jobs at once instead of at the next alarm. */
  | { type: 'bulk-kick' };
