import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Db } from '../core/db.js';

/**
 * While a sweep writes, SQLite's automatic WAL checkpoint would run inside one of its commits on
 * the main thread — copying thousands of pages and fsyncing, a stall of 100 ms or more. This
 * worker thread checkpoints (PASSIVE: never blocks the writer) on its own connection every
 * `intervalMs`, so the main thread's automatic checkpoint finds the pages already copied.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next tick tries again */ }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(db: Db, intervalMs = 100): Checkpointer | null {
  if (db.memory || db.readonly || db.pragma('journal_mode', { simple: true }) !== 'wal') return null;
  let worker: Worker;
  try {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(WORKER, { eval: true, workerData: { module, file: db.name, intervalMs } });
  } catch {
    return null;
  }
  worker.on('error', () => {});
  worker.unref();
  return {
    async stop() {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      // Kept alive until it has closed its connection, though it never holds the process open otherwise.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
