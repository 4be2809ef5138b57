import type { Db } from '../core/db.js';
import { cursorParams } from '../retention/classes/table-class.js';
import { unlinkAll, yieldToLoop } from '../retention/classes/shared.js';
import type { ClassStats, ExpiredItem, RetentionClass, SweepContext, Tally } from '../retention/types.js';
import { CHAT_FILE_ROOT } from './files.js';

const BYTES = '(SELECT coalesce(sum(length(m.text) + coalesce(m.file_bytes, 0)), 0) + 200 FROM chat_messages m WHERE m.conversation_id = t.id)';

/**
 * The `chats` retention class: a closed conversation with its messages and files, aged from when
 * it started, held by its own id (scope `chat`) or its contact's. A chat still open is never
 * expired. Files are content-addressed and may be shared by several conversations: a file is
 * unlinked only when no conversation outside the batch still uses it.
 */
export function chatsRetentionClass(db: Db, dataDir: string): RetentionClass {
  const where = `t.created_at < ? AND t.state = 'closed'
    AND t.id NOT IN (SELECT value FROM json_each(?))
    AND (t.contact_id IS NULL OR t.contact_id NOT IN (SELECT value FROM json_each(?)))`;
  const params = (ctx: SweepContext) => [ctx.cutoff, JSON.stringify(ctx.holds.chat), JSON.stringify(ctx.holds.contact)];
  const countSql = `SELECT count(*) AS items, coalesce(sum(${BYTES}), 0) AS bytes FROM chat_conversations t WHERE ${where}`;
  const count = db.prepare(countSql);
  const columns = `t.id, ${BYTES} AS bytes, t.created_at AS age,
    (SELECT json_group_array(DISTINCT f.path) FROM chat_messages m JOIN chat_files f ON f.sha256 = m.file_sha256 WHERE m.conversation_id = t.id) AS files`;
  const select = db.prepare(`SELECT ${columns} FROM chat_conversations t WHERE ${where} ORDER BY t.created_at, t.id LIMIT ?`);
  const selectAfter = db.prepare(`SELECT ${columns} FROM chat_conversations t WHERE ${where} AND t.created_at >= ? AND (t.created_at > ? OR t.id > ?) ORDER BY t.created_at, t.id LIMIT ?`);
  const statsSql = `SELECT count(*) AS items, coalesce(sum(${BYTES}), 0) AS bytes, min(t.created_at) AS oldest,
    coalesce(sum(CASE WHEN t.created_at >= ? THEN 1 ELSE 0 END), 0) AS recentItems,
    coalesce(sum(CASE WHEN t.created_at >= ? THEN ${BYTES} ELSE 0 END), 0) AS recentBytes FROM chat_conversations t`;
  const stats = db.prepare(statsSql);
  const refs = db.prepare('SELECT path FROM chat_files');
  // Files of these conversations that no other conversation references.
  const onlyHere = db.prepare(`SELECT f.sha256, f.path FROM chat_files f
    WHERE f.sha256 IN (SELECT m.file_sha256 FROM chat_messages m WHERE m.conversation_id IN (SELECT value FROM json_each(?)) AND m.file_sha256 IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM chat_messages o WHERE o.file_sha256 = f.sha256 AND o.conversation_id NOT IN (SELECT value FROM json_each(?)))`);
  const deleteConversations = db.prepare('DELETE FROM chat_conversations WHERE id IN (SELECT value FROM json_each(?))');
  const deleteFiles = db.prepare('DELETE FROM chat_files WHERE sha256 IN (SELECT value FROM json_each(?))');

  return {
    name: 'chats',
    describe: 'closed website chats with their messages and files, by when the chat started',
    countExpired: (ctx) => count.get(...params(ctx)) as Tally,
    selectExpired: (ctx, limit, after): ExpiredItem[] =>
      ((after ? selectAfter.all(...params(ctx), ...cursorParams(after), limit) : select.all(...params(ctx), limit)) as { id: number; bytes: number; age: string; files: string }[]).map((r) => ({
        id: String(r.id),
        bytes: r.bytes,
        files: (JSON.parse(r.files) as (string | null)[]).filter((f): f is string => Boolean(f)),
        cursor: JSON.stringify([r.age, r.id]),
      })),
    async deleteItems(items) {
      for (let i = 0; i < items.length; i += 100) {
        if (i > 0) await yieldToLoop();
        const ids = JSON.stringify(items.slice(i, i + 100).map((it) => Number(it.id)));
        const files = onlyHere.all(ids, ids) as { sha256: string; path: string }[];
        // Files first (a crash leaves marked rows whose files are gone; the next run finishes them).
        await unlinkAll(dataDir, files.map((f) => f.path));
        db.transaction(() => {
          deleteConversations.run(ids);
          deleteFiles.run(JSON.stringify(files.map((f) => f.sha256)));
        })();
      }
    },
    stats: (since) => stats.get(since, since) as ClassStats,
    queries: { count: (ctx) => ({ sql: countSql, params: params(ctx) }), stats: (since) => ({ sql: statsSql, params: [since, since] }) },
    fileRoots: [CHAT_FILE_ROOT],
    *fileRefs() {
      for (const row of refs.iterate() as Iterable<{ path: string }>) yield row.path;
    },
  };
}

