import type { Db } from '../../core/db.js';
import type { ActiveHolds, ClassStats, ExpiredItem, RetentionClass, SweepContext, Tally } from '../types.js';
import { deleteByIds, unlinkAll } from './shared.js';

/**
 * A data class stored as one row per item in one table (alias `t`), optionally with one file
 * per row. Recordings and call records are built from it; so can a test or a later capability.
 */
export interface TableClassSpec {
  name: string;
  describe: string;
  db: Db;
  dataDir: string;
  table: string;
  idColumn?: string;
  /** ISO UTC text column: when the item was made. */
  ageColumn: string;
  /** Column holding the file's path relative to the data dir, if items have a file. */
  pathColumn?: string;
  /** SQL expression for the bytes an item occupies (default 0). */
  bytesExpr?: string;
  /** SQL condition true when an item is NOT held, with its parameters from the active holds. */
  notHeld?: { sql: string; params: (holds: ActiveHolds) => unknown[] };
  /** A further condition (e.g. a call record waits for its recordings), with its parameters. */
  extra?: { sql: string; params: (ctx: SweepContext) => unknown[] };
  /** Deletes the given items' rows (default: DELETE by id); files are already gone by then. */
  deleteRows?: (ids: string[]) => void | Promise<void>;
  fileRoots?: readonly string[];
}

/** `[age, id]` of the last item of the previous batch → the keyset condition's parameters (an index range from that age on). */
export function cursorParams(cursor: string): unknown[] {
  const [age, id] = JSON.parse(cursor) as [string, number | string];
  return [age, age, id];
}

export function tableClass(spec: TableClassSpec): RetentionClass {
  const { db, table } = spec;
  const id = `t.${spec.idColumn ?? 'id'}`;
  const age = `t.${spec.ageColumn}`;
  const bytes = spec.bytesExpr ?? '0';
  const path = spec.pathColumn ? `t.${spec.pathColumn}` : 'NULL';
  const where = [`${age} < ?`, spec.notHeld?.sql, spec.extra?.sql].filter(Boolean).join(' AND ');
  const params = (ctx: SweepContext) => [ctx.cutoff, ...(spec.notHeld?.params(ctx.holds) ?? []), ...(spec.extra?.params(ctx) ?? [])];

  const countSql = `SELECT count(*) AS items, coalesce(sum(${bytes}), 0) AS bytes FROM ${table} t WHERE ${where}`;
  const count = db.prepare(countSql);
  const columns = `${id} AS id, ${bytes} AS bytes, ${path} AS path, ${age} AS age`;
  const select = db.prepare(`SELECT ${columns} FROM ${table} t WHERE ${where} ORDER BY ${age}, ${id} LIMIT ?`);
  const selectAfter = db.prepare(`SELECT ${columns} FROM ${table} t WHERE ${where} AND ${age} >= ? AND (${age} > ? OR ${id} > ?) ORDER BY ${age}, ${id} LIMIT ?`);
  const statsSql = `SELECT count(*) AS items, coalesce(sum(${bytes}), 0) AS bytes, min(${age}) AS oldest,
    coalesce(sum(CASE WHEN ${age} >= ? THEN 1 ELSE 0 END), 0) AS recentItems,
    coalesce(sum(CASE WHEN ${age} >= ? THEN ${bytes} ELSE 0 END), 0) AS recentBytes FROM ${table} t`;
  const stats = db.prepare(statsSql);
  const refs = spec.pathColumn ? db.prepare(`SELECT ${path} AS path FROM ${table} t WHERE ${path} IS NOT NULL`) : null;

  return {
    name: spec.name,
    describe: spec.describe,
    countExpired: (ctx) => count.get(...params(ctx)) as Tally,
    selectExpired: (ctx, limit, after): ExpiredItem[] => {
      const rows = after
        ? selectAfter.all(...params(ctx), ...cursorParams(after), limit)
        : select.all(...params(ctx), limit);
      return (rows as { id: number | string; bytes: number; path: string | null; age: string }[]).map((r) => ({
        id: String(r.id),
        bytes: Number(r.bytes) || 0,
        files: r.path ? [r.path] : [],
        cursor: JSON.stringify([r.age, r.id]),
      }));
    },
    async deleteItems(items) {
      // Files first: a crash after this leaves marked rows whose files are gone, which the next
      // run finishes; never a deleted row whose file stays behind unreferenced.
      await unlinkAll(spec.dataDir, items.flatMap((i) => i.files));
      const ids = items.map((i) => i.id);
      if (spec.deleteRows) await spec.deleteRows(ids);
      else await deleteByIds(db, table, spec.idColumn ?? 'id', ids);
    },
    stats: (since) => stats.get(since, since) as ClassStats,
    queries: { count: (ctx) => ({ sql: countSql, params: params(ctx) }), stats: (since) => ({ sql: statsSql, params: [since, since] }) },
    ...(spec.fileRoots ? { fileRoots: spec.fileRoots } : {}),
    ...(refs
      ? {
          *fileRefs() {
            for (const row of refs.iterate() as Iterable<{ path: string }>) yield row.path;
          },
        }
      : {}),
  };
}
