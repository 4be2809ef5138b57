import type { Db } from '../../core/db.js';
import { cursorParams } from './table-class.js';
import type { ClassStats, ExpiredItem, RetentionClass, SweepContext, Tally } from '../types.js';

/** How mail messages are deleted: the mail capability's own service (files, rows, tombstones). */
export type MailDeleter = (ids: number[]) => void | Promise<void>;

const BYTES = '(t.raw_bytes + coalesce((SELECT sum(a.bytes) FROM mail_attachments a WHERE a.message_id = t.id), 0))';

/**
 * Mail (mail capability: `mail_messages` with their raw files and `mail_attachments`), aged
 * from `received_at` (when the mail server received it), held by thread or by any contact the
 * message is bound to. Deletion goes through the mail capability so tombstones stop the next
 * sync from importing the message again.
 */
export function mailClass(db: Db, deleter: () => MailDeleter): RetentionClass {
  const where = `t.received_at < ?
    AND t.thread_id NOT IN (SELECT value FROM json_each(?))
    AND NOT EXISTS (SELECT 1 FROM mail_message_contacts mc WHERE mc.message_id = t.id AND mc.contact_id IN (SELECT value FROM json_each(?)))`;
  const params = (ctx: SweepContext) => [ctx.cutoff, JSON.stringify(ctx.holds.mail_thread), JSON.stringify(ctx.holds.contact)];
  const countSql = `SELECT count(*) AS items, coalesce(sum(${BYTES}), 0) AS bytes FROM mail_messages t WHERE ${where}`;
  const count = db.prepare(countSql);
  const columns = `t.id, ${BYTES} AS bytes, t.raw_path AS raw, t.received_at AS age,
      (SELECT json_group_array(a.path) FROM mail_attachments a WHERE a.message_id = t.id) AS attachments`;
  const select = db.prepare(`SELECT ${columns} FROM mail_messages t WHERE ${where} ORDER BY t.received_at, t.id LIMIT ?`);
  const selectAfter = db.prepare(
    `SELECT ${columns} FROM mail_messages t WHERE ${where} AND t.received_at >= ? AND (t.received_at > ? OR t.id > ?) ORDER BY t.received_at, t.id LIMIT ?`,
  );
  const statsSql = `SELECT count(*) AS items, coalesce(sum(${BYTES}), 0) AS bytes, min(t.received_at) AS oldest,
    coalesce(sum(CASE WHEN t.received_at >= ? THEN 1 ELSE 0 END), 0) AS recentItems,
    coalesce(sum(CASE WHEN t.received_at >= ? THEN ${BYTES} ELSE 0 END), 0) AS recentBytes FROM mail_messages t`;
  const stats = db.prepare(statsSql);
  const refs = db.prepare('SELECT raw_path AS path FROM mail_messages UNION SELECT path FROM mail_attachments');
  return {
    name: 'mail',
    describe: 'mail messages with their raw files and attachments, by when the mail server received them',
    countExpired: (ctx) => count.get(...params(ctx)) as Tally,
    selectExpired: (ctx, limit, after): ExpiredItem[] =>
      ((after ? selectAfter.all(...params(ctx), ...cursorParams(after), limit) : select.all(...params(ctx), limit)) as {
        id: number;
        bytes: number;
        raw: string;
        age: string;
        attachments: string;
      }[]).map((r) => ({
        id: String(r.id),
        bytes: r.bytes,
        files: [r.raw, ...(JSON.parse(r.attachments) as string[])],
        cursor: JSON.stringify([r.age, r.id]),
      })),
    // The mail service unlinks files (only those no other message shares) before rows, and is
    // idempotent: ids already deleted are skipped.
    deleteItems: (items) => deleter()(items.map((i) => Number(i.id))),
    // The mail service deletes a batch in one synchronous call (files and rows): keep it small.
    maxBatch: 50,
    stats: (since) => stats.get(since, since) as ClassStats,
    queries: { count: (ctx) => ({ sql: countSql, params: params(ctx) }), stats: (since) => ({ sql: statsSql, params: [since, since] }) },
    fileRoots: ['mail'],
    *fileRefs() {
      for (const row of refs.iterate() as Iterable<{ path: string }>) yield row.path;
    },
  };
}
