import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { IndexWriter, indexRowOf, INDEX_SCHEMA, type IndexSource } from './similar-index.ts';

/**
 * The SQLite duplicate index's worker thread (started by hub/similar-sqlite.ts): computes each entry's
 * MinHash signature and writes its keys, on its own connection to the index's own file, so the hub's event
 * loop spends neither on them. One message, one transaction, answered with its number once committed.
 */
const { file, closed } = workerData as { file: string; closed: SharedArrayBuffer };
const db = new Database(file);
db.pragma('journal_mode = WAL');
// Derived data: a crash may lose the last writes, which the backfill redoes on the next start.
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
db.exec(INDEX_SCHEMA('main'));
const writer = new IndexWriter(db, 'main');

parentPort!.on('message', (m: { n: number; entries: IndexSource[] } | 'close') => {
  if (m === 'close') {
    db.close();
    // The hub's thread waits on this flag (Atomics.wait) so that its own close comes after this one.
    const flag = new Int32Array(closed);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    parentPort!.close();
    return;
  }
  try {
    writer.write(m.entries.map(indexRowOf));
    parentPort!.postMessage({ n: m.n });
  } catch (e) {
    parentPort!.postMessage({ n: m.n, error: (e as Error).message });
  }
});
parentPort!.postMessage({ ready: true });
