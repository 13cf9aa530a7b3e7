import { openDb, type GleanerDb } from '../store/db.ts';

/** One database per extension context (background, each page); IndexedDB shares the data between them. */
let instance: GleanerDb | null = null;
export function db(): GleanerDb {
  instance ??= openDb();
  return instance;
}
