import { unlink } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import type { Db } from '../../core/db.js';

/**
 * `column` is not one of `ids` (a JSON array bound as one parameter, so the statement stays
 * prepared once whatever the number of holds). A NULL column is not held.
 */
export function notIn(column: string): string {
  return `(${column} IS NULL OR ${column} NOT IN (SELECT value FROM json_each(?)))`;
}

export const idsParam = (ids: readonly string[]) => JSON.stringify(ids);

/**
 * The absolute path of a file a row references, or null when the row's path would leave the
 * data dir (absolute or `..`): retention never deletes anything outside the data dir.
 */
export function dataPath(dataDir: string, relative: string): string | null {
  if (!relative || isAbsolute(relative)) return null;
  const clean = normalize(relative);
  if (clean === '..' || clean.startsWith(`..${sep}`)) return null;
  return join(dataDir, clean);
}

/**
 * Unlinks in flight at once (each runs on libuv's thread pool): enough to keep its four threads
 * busy between main-thread turns, without queueing a whole batch at once.
 */
const UNLINK_CONCURRENCY = 16;

/** Unlinks files; a file already gone counts as deleted (a resumed run meets those). */
export async function unlinkAll(dataDir: string, files: readonly string[]): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < files.length) {
      const abs = dataPath(dataDir, files[next++]!);
      if (!abs) continue;
      try {
        await unlink(abs);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(UNLINK_CONCURRENCY, files.length) }, lane));
}

export function tableExists(db: Db, table: string): boolean {
  return Boolean(db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table));
}

export function columnsOf(db: Db, table: string): Set<string> {
  return new Set((db.prepare(`PRAGMA table_info(${JSON.stringify(table)})`).all() as { name: string }[]).map((c) => c.name));
}

/**
 * Rows written per synchronous transaction. Deleting rows scattered over a large table's
 * indexes costs about 0.1 ms each; 100 keeps one transaction well under the ~20 ms the event
 * loop may be held, whatever the batch size.
 */
export const WRITE_CHUNK = 100;

export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Deletes rows by id, WRITE_CHUNK rows per transaction with the event loop yielded between
 * them. Safe to split: the items stay marked until all are deleted, and deleting is idempotent.
 */
export async function deleteByIds(db: Db, table: string, idColumn: string, ids: readonly string[]): Promise<void> {
  const stmt = db.prepare(`DELETE FROM ${table} WHERE ${idColumn} IN (SELECT value FROM json_each(?))`);
  for (let i = 0; i < ids.length; i += WRITE_CHUNK) {
    if (i > 0) await yieldToLoop();
    stmt.run(JSON.stringify(ids.slice(i, i + WRITE_CHUNK)));
  }
}
