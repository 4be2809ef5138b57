import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Db } from './db.js';

/** One SQL statement with its parameters. */
export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/**
 * Worker-thread source that lowers the thread's own CPU priority (nice 10), so that long work
 * gives way to the thread answering requests, Asterisk and Dovecot (nice 0). On Linux a thread
 * has a nice value of its own (its id works as a process id for setpriority); elsewhere the
 * thread keeps the default.
 */
export const BACKGROUND_THREAD = `
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  if (tid > 0) require('node:os').setPriority(tid, 10);
} catch {}
`;

/**
 * Reads that may take long (retention counting expired items, reports summing a year of
 * aggregates) run here, on a worker thread with its own read-only connection (WAL lets it read
 * while the main connection writes), so the event loop that serves requests is never held by them.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
${BACKGROUND_THREAD}
const Database = require(workerData.module);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const cache = new Map();
parentPort.on('message', (m) => {
  if (m === 'close') { db.close(); parentPort.close(); return; }
  try {
    let stmt = cache.get(m.sql);
    if (!stmt) { stmt = db.prepare(m.sql); cache.set(m.sql, stmt); }
    parentPort.postMessage({ id: m.id, row: m.all ? stmt.all(...m.params) : stmt.get(...m.params) });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String(err && err.message || err) });
  }
});
`;

export interface Reader {
  get<T>(query: SqlQuery): Promise<T>;
  /** Every row (`stmt.all`). */
  all<T>(query: SqlQuery): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * A reader thread for a file database, started on its first query (most app instances never
 * need one), or null for an in-memory database (then reads run on the main thread).
 */
export function startReader(db: Db): Reader | null {
  if (db.memory) return null;
  let worker: Worker | null = null;
  const waiting = new Map<number, { resolve: (row: unknown) => void; reject: (err: Error) => void }>();
  let next = 0;
  let failed: Error | null = null;
  let closed = false;
  const start = (): Worker => {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(WORKER, { eval: true, workerData: { module, file: db.name } });
    w.on('message', (m: { id: number; row?: unknown; error?: string }) => {
      const entry = waiting.get(m.id);
      if (!entry) return;
      waiting.delete(m.id);
      if (m.error !== undefined) entry.reject(new Error(m.error));
      else entry.resolve(m.row);
    });
    w.on('error', (err) => {
      failed = err;
      for (const entry of waiting.values()) entry.reject(err);
      waiting.clear();
    });
    w.unref();
    return w;
  };
  const ask = <T>(query: SqlQuery, all: boolean): Promise<T> => {
    if (failed) return Promise.reject(failed);
    // A background task still running at shutdown must not open a connection after the last
    // one closed: that would keep the WAL file behind the stopped appliance.
    if (closed) return Promise.reject(new Error('the reader thread is stopped'));
    worker ??= start();
    const id = next++;
    const target = worker;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (row: unknown) => void, reject });
      target.postMessage({ id, sql: query.sql, params: query.params, all });
    });
  };
  return {
    get: <T>(query: SqlQuery) => ask<T>(query, false),
    all: <T>(query: SqlQuery) => ask<T[]>(query, true),
    async close() {
      closed = true;
      if (!worker || failed) return;
      const w = worker;
      worker = null;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.ref();
      w.postMessage('close');
      await exited;
    },
  };
}
