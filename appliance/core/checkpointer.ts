import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Db } from './db.js';

/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside a commit on the
 * main thread once the WAL holds 1000 pages: it copies them into the database and fsyncs both
 * files, a stall of milliseconds to hundreds of them on a busy disk, during which no request,
 * chat message or live event moves. This worker thread checkpoints (PASSIVE: never blocks the
 * writer) on its own connection every `intervalMs`; while it runs, the main connection's own
 * automatic checkpoint is left only as a safety net, at `safetyPages` (restored on stop).
 * Commits themselves stay as the database is opened (WAL, synchronous=NORMAL: no fsync per
 * commit, nothing committed is lost when the process dies).
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

export function startCheckpointer(db: Db, intervalMs = 100, safetyPages = 10_000): Checkpointer | null {
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
  const previous = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.pragma(`wal_autocheckpoint = ${Math.max(previous, safetyPages)}`);
  return {
    async stop() {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      // Kept alive until it has closed its connection, though it never holds the process open otherwise.
      worker.ref();
      worker.postMessage('stop');
      await exited;
      if (db.open) db.pragma(`wal_autocheckpoint = ${previous}`);
    },
  };
}
