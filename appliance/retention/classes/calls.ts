import type { Db } from '../../core/db.js';
import type { RetentionClass } from '../types.js';
import { tableClass } from './table-class.js';
import { idsParam, notIn } from './shared.js';

/**
 * Recordings (calls capability: `recordings`, files under <data>/recordings), aged from
 * `created_at`, held through their call or the call's contact. Retention adds an index on
 * `created_at` (see ensureIndexes) so each batch is an index range, not a table scan.
 */
export function recordingsClass(db: Db, dataDir: string): RetentionClass {
  return tableClass({
    name: 'recordings',
    describe: 'call recordings (files and rows), by when they were made',
    db,
    dataDir,
    table: 'recordings',
    ageColumn: 'created_at',
    pathColumn: 'path',
    bytesExpr: 't.bytes',
    notHeld: {
      sql: `NOT EXISTS (SELECT 1 FROM calls c WHERE c.id = t.call_id AND (c.id IN (SELECT value FROM json_each(?)) OR c.contact_id IN (SELECT value FROM json_each(?))))`,
      params: (h) => [idsParam(h.call), idsParam(h.contact)],
    },
    fileRoots: ['recordings'],
  });
}

/**
 * Call records (`calls`), aged from `started_at`, held by call id or contact. A call record
 * waits while it still has a recording that is not expired: deleting the row would cascade to
 * its recordings' rows and leave their files behind. Recordings are swept first, so in a run
 * the remaining recordings are exactly the unexpired ones, and the dry run counts the same.
 */
export function callsClass(db: Db, dataDir: string): RetentionClass {
  return tableClass({
    name: 'calls',
    describe: 'call records, by when the call started',
    db,
    dataDir,
    table: 'calls',
    ageColumn: 'started_at',
    // The row's own size: the legs JSON dominates.
    bytesExpr: "(length(t.legs) + coalesce(length(t.from_number),0) + coalesce(length(t.to_number),0) + 200)",
    notHeld: { sql: `${notIn('t.id')} AND ${notIn('t.contact_id')}`, params: (h) => [idsParam(h.call), idsParam(h.contact)] },
    extra: {
      sql: 'NOT EXISTS (SELECT 1 FROM recordings r WHERE r.call_id = t.id AND (? IS NULL OR r.created_at >= ?))',
      params: (ctx) => {
        const rec = ctx.cutoffOf('recordings');
        return [rec, rec];
      },
    },
  });
}
