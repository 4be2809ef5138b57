import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { ContactFinder, type SearchRequest } from './search.js';

/**
 * A search thread: its own read-only connection to the database file (WAL lets it read while
 * the appliance's one connection writes) running the same finder the main thread would.
 */
const { file } = workerData as { file: string };
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -65536');
const finder = new ContactFinder(db);

parentPort!.on('message', (m: { id: number; request: SearchRequest } | 'close') => {
  if (m === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    parentPort!.postMessage({ id: m.id, ok: true, result: finder.find(m.request) });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
