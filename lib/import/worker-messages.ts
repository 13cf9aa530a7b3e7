import type { Thread } from '../model/thread.ts';
import type { ImportPosition } from './errors.ts';
import type { FileImportProgress } from './file-import.ts';
import type { ConversationSummary } from './summary.ts';

/** The contract between the import page and the worker that reads the archive off the page's thread. */
export type ToImportWorker =
  | { type: 'start'; file: File; gapMinutes?: number }
  | { type: 'search'; seq: number; query: string }
  | { type: 'get'; index: number };

export type FromImportWorker =
  | { type: 'progress'; progress: FileImportProgress }
  /** Conversations found since the last message, in order. */
  | { type: 'found'; summaries: ConversationSummary[] }
  | { type: 'done'; warnings: string[] }
  /** The read stopped; conversations already sent stay listed, and the page says the import is incomplete. */
  | { type: 'error'; message: string; file: string | null; position: ImportPosition | null; warnings: string[] }
  | { type: 'search-result'; seq: number; indices: number[] }
  | { type: 'thread'; index: number; thread: Thread | null };
