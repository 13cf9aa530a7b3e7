import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the checkpointer copies the WAL into the database file. */
const EVERY_MS = 50;
/** A WAL file past this size is checkpointed and truncated, waiting for writers if it must (bounded disk use). */
const MAX_WAL_BYTES = 64 * 1024 * 1024;

/**
 * Runs in the worker: its own connection to the file, a PASSIVE checkpoint every EVERY_MS (it copies what
 * it can without waiting for the hub's reads or writes, and syncs the WAL before and the database after,
 * at synchronous=FULL), and a TRUNCATE one when the WAL file has grown past the cap. Plain JavaScript
 * evaluated in the worker, so no TypeScript loader is needed there (tsx, vitest).
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 2000');
db.pragma('wal_autocheckpoint = 0');
const flag = new Int32Array(workerData.closed);
let timer = null;
const walBytes = () => { try { return statSync(workerData.file + '-wal').size; } catch { return 0; } };
const tick = () => {
  try {
    db.pragma(walBytes() > workerData.maxWalBytes ? 'wal_checkpoint(TRUNCATE)' : 'wal_checkpoint(PASSIVE)');
  } catch (e) {
    // SQLITE_BUSY (a TRUNCATE that waited too long): the next tick tries again.
    if (e && e.code !== 'SQLITE_BUSY') throw e;
  }
  timer = setTimeout(tick, workerData.everyMs);
};
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  clearTimeout(timer);
  db.close();
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  parentPort.close();
});
parentPort.postMessage('ready');
timer = setTimeout(tick, workerData.everyMs);
`;

/**
 * WAL checkpoints off the hub's event loop. SQLite's default (wal_autocheckpoint=1000 pages) runs a
 * checkpoint inside whichever commit makes the WAL cross 1000 pages: that one commit copies ~4 MB into
 * the database file and syncs both files on the event loop, 10–50 ms under `npm run bench -- hub-load`
 * (TRACE=1), while every request waits. Here a worker thread with its own connection does that work
 * instead, and the hub's connection never checkpoints while the worker runs. Durability is unchanged:
 * the worker syncs the WAL before copying from it and the database file before the WAL may be reused.
 * If the worker cannot start or dies, the hub's connection checkpoints itself again, as before.
 */
export class WalCheckpointer {
  private worker: Worker | null;
  private readonly closed = new SharedArrayBuffer(4);

  constructor(private readonly db: Database.Database, file: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, driver, everyMs: EVERY_MS, maxWalBytes: MAX_WAL_BYTES, closed: this.closed } });
    this.worker.unref();
    this.worker.once('message', () => this.worker && this.db.open && this.db.pragma('wal_autocheckpoint = 0'));
    const fallBack = (why: string) => {
      if (!this.worker) return;
      this.worker = null;
      if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
      console.error(`hub: the WAL checkpointer stopped (${why}); commits checkpoint the WAL themselves again.`);
    };
    this.worker.on('error', (e) => fallBack(e.message));
    this.worker.on('exit', (code) => fallBack(`exit code ${code}`));
  }

  /**
   * Stops the worker and waits (up to 2 s) until its connection is closed, so the hub's own close is the
   * last one and checkpoints and removes the WAL as SQLite does.
   */
  close(): void {
    const w = this.worker;
    if (!w) return;
    this.worker = null;
    w.postMessage('close');
    Atomics.wait(new Int32Array(this.closed), 0, 0, 2000);
  }
}
