import type { Db } from '../../core/db.js';
import type { ClassStats, ExpiredItem, RetentionClass, SweepContext, Tally } from '../types.js';
import { deleteByIds } from './shared.js';

/**
 * The audit log (core table `audit_log`): entries age from `at`. No files and no holds: an audit
 * entry is not a customer's dialog. Sizes are the stored text's length, an estimate of the
 * bytes the entry occupies.
 */
export function auditClass(db: Db): RetentionClass {
  const size = "(length(action) + coalesce(length(target_type),0) + coalesce(length(target_id),0) + coalesce(length(details),0) + length(at) + 16)";
  const countSql = `SELECT count(*) AS items, coalesce(sum(${size}),0) AS bytes FROM audit_log WHERE at < ?`;
  const count = db.prepare(countSql);
  const select = db.prepare(`SELECT id, ${size} AS bytes FROM audit_log WHERE at < ? ORDER BY at, id LIMIT ?`);
  const statsSql = `SELECT count(*) AS items, coalesce(sum(${size}),0) AS bytes, min(at) AS oldest,
    coalesce(sum(CASE WHEN at >= ? THEN 1 ELSE 0 END),0) AS recentItems,
    coalesce(sum(CASE WHEN at >= ? THEN ${size} ELSE 0 END),0) AS recentBytes FROM audit_log`;
  const stats = db.prepare(statsSql);
  return {
    name: 'audit',
    describe: 'audit log entries, by when they were written',
    countExpired: (ctx: SweepContext) => count.get(ctx.cutoff) as Tally,
    selectExpired: (ctx: SweepContext, limit: number): ExpiredItem[] =>
      (select.all(ctx.cutoff, limit) as { id: number; bytes: number }[]).map((r) => ({ id: String(r.id), bytes: r.bytes, files: [] })),
    deleteItems: (items) => deleteByIds(db, 'audit_log', 'id', items.map((i) => i.id)),
    stats: (since: string) => stats.get(since, since) as ClassStats,
    queries: { count: (ctx) => ({ sql: countSql, params: [ctx.cutoff] }), stats: (since) => ({ sql: statsSql, params: [since, since] }) },
  };
}
