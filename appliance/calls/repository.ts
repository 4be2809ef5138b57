import type { Db } from '../core/db.js';
import type { CallState, CallSummary, Direction, Disposition, Leg, Stint } from './machine.js';

/** All SQL of the calls capability; snake_case rows become camelCase records here. */
export interface CallRecord extends CallSummary {
  id: number;
  linkedId: string;
  contactId: number | null;
  legs: Leg[];
  stints: Stint[];
  operatorIds: number[];
  reconciled: boolean;
  recording: { id: number; bytes: number; durationSec: number } | null;
}

export interface RecordingRow {
  id: number;
  callId: number;
  path: string;
  format: string;
  bytes: number;
  durationSec: number;
}

interface CallRow {
  id: number;
  linked_id: string;
  direction: Direction;
  from_number: string | null;
  to_number: string | null;
  did: string | null;
  trunk: string | null;
  queue: string | null;
  operator_id: number | null;
  contact_id: number | null;
  started_at: string;
  answered_at: string | null;
  ended_at: string | null;
  wait_sec: number;
  talk_sec: number;
  disposition: Disposition | null;
  held: number;
  transferred: number;
  reconciled: number;
  legs: string;
  stints: string;
  hung_up_by: 'customer' | 'operator' | null;
  operator_ids: string;
  rec_id: number | null;
  rec_bytes: number | null;
  rec_duration: number | null;
}

const SELECT = `SELECT c.*, r.id AS rec_id, r.bytes AS rec_bytes, r.duration_sec AS rec_duration
  FROM calls c LEFT JOIN recordings r ON r.id = (SELECT id FROM recordings WHERE call_id = c.id ORDER BY id LIMIT 1)`;

export class CallsRepository {
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  private readonly byIdStmt;
  private readonly endpointsStmt;
  private readonly insertRecordingStmt;
  private readonly recordingStmt;
  private readonly recordingByPathStmt;
  private readonly clearOperatorsStmt;
  private readonly addOperatorStmt;
  private readonly openStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO calls (linked_id, direction, started_at, legs, updated_at) VALUES (?, 'internal', ?, '[]', ?)
       ON CONFLICT(linked_id) DO UPDATE SET linked_id = excluded.linked_id RETURNING id, ended_at`,
    );
    this.updateStmt = db.prepare(
      `UPDATE calls SET direction = @direction, from_number = @from, to_number = @to, did = @did, trunk = @trunk, queue = @queue,
        operator_id = @operatorId, contact_id = COALESCE(contact_id, @contactId), started_at = @startedAt, answered_at = @answeredAt,
        ended_at = @endedAt, wait_sec = @waitSec, talk_sec = @talkSec, disposition = @disposition, held = @held,
        transferred = @transferred, reconciled = @reconciled, legs = @legs, stints = @stints, hung_up_by = @hungUpBy, operator_ids = @operatorIds, updated_at = @updatedAt
       WHERE id = @id`,
    );
    this.deleteStmt = db.prepare('DELETE FROM calls WHERE id = ?');
    this.byIdStmt = db.prepare(`${SELECT} WHERE c.id = ?`);
    this.endpointsStmt = db.prepare('SELECT user_id, endpoint FROM user_endpoints');
    this.insertRecordingStmt = db.prepare(
      'INSERT INTO recordings (call_id, path, format, bytes, duration_sec, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.recordingStmt = db.prepare('SELECT id, call_id, path, format, bytes, duration_sec FROM recordings WHERE id = ?');
    this.recordingByPathStmt = db.prepare('SELECT id FROM recordings WHERE path = ?');
    this.clearOperatorsStmt = db.prepare('DELETE FROM call_operators WHERE call_id = ?');
    this.addOperatorStmt = db.prepare('INSERT OR IGNORE INTO call_operators (operator_id, started_at, call_id) VALUES (?, ?, ?)');
    // Served by the partial index calls_open: only the calls still open are read.
    this.openStmt = db.prepare('SELECT linked_id FROM calls INDEXED BY calls_open WHERE ended_at IS NULL');
  }

  /** Creates the row for a call seen for the first time (or finds it after a restart of ours). */
  ensure(linkedId: string, startedAt: string, now: string): { id: number; ended: boolean } {
    const row = this.insertStmt.get(linkedId, startedAt, now) as { id: number; ended_at: string | null };
    return { id: row.id, ended: row.ended_at !== null };
  }

  /** Stores many calls in one transaction (the tracker batches its writes). */
  saveMany(items: Array<{ id: number; call: CallState; summary: CallSummary; contactId: number | null }>, now: string): void {
    this.db.transaction(() => {
      for (const { id, call, summary, contactId } of items) {
        const operatorIds = [...new Set(call.legs.map((l) => l.operatorId).filter((x): x is number => x !== null))];
        this.updateStmt.run({
          id,
          direction: summary.direction,
          from: summary.from,
          to: summary.to,
          did: summary.did,
          trunk: summary.trunk,
          queue: summary.queue,
          operatorId: summary.operatorId,
          contactId,
          startedAt: summary.startedAt,
          answeredAt: summary.answeredAt,
          endedAt: summary.endedAt,
          waitSec: summary.waitSec,
          talkSec: summary.talkSec,
          disposition: summary.disposition,
          held: summary.held ? 1 : 0,
          transferred: summary.transferred ? 1 : 0,
          reconciled: call.reconciled ? 1 : 0,
          legs: JSON.stringify(call.legs),
          stints: JSON.stringify(call.stints),
          hungUpBy: summary.hungUpBy,
          operatorIds: operatorIds.length ? `,${operatorIds.join(',')},` : '',
          updatedAt: now,
        });
        this.clearOperatorsStmt.run(id);
        for (const operatorId of operatorIds) this.addOperatorStmt.run(operatorId, summary.startedAt, id);
      }
    })();
  }

  /** A contact merged into another: its calls follow. */
  repointContact(fromId: number, toId: number): number {
    return this.db.prepare('UPDATE calls SET contact_id = ? WHERE contact_id = ?').run(toId, fromId).changes;
  }

  delete(id: number): void {
    this.deleteStmt.run(id);
  }

  get(id: number): CallRecord | null {
    const row = this.byIdStmt.get(id) as CallRow | undefined;
    return row ? toRecord(row) : null;
  }

  /** The calls with these ids that still exist (retention may have removed some), in id order. */
  getMany(ids: readonly number[]): CallRecord[] {
    const out: CallRecord[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = this.db.prepare(`${SELECT} WHERE c.id IN (${chunk.map(() => '?').join(',')}) ORDER BY c.id`).all(...chunk) as CallRow[];
      out.push(...rows.map(toRecord));
    }
    return out;
  }

  /** Calls started in [from, to), newest first; `operatorId` limits to calls that user took part in. */
  list(q: { from: string | null; to: string | null; limit: number; operatorId: number | null; contactId?: number; before?: string }): CallRecord[] {
    // An operator's own list walks call_operators (operator, started_at) newest first; a
    // contact's calls walk calls_contact and check the operator per row.
    const byOperator = q.operatorId !== null && q.contactId === undefined;
    const t = byOperator ? 'o' : 'c';
    const where: string[] = [];
    const params: unknown[] = [];
    if (byOperator) (where.push('o.operator_id = ?'), params.push(q.operatorId));
    if (q.from) (where.push(`${t}.started_at >= ?`), params.push(q.from));
    if (q.to) (where.push(`${t}.started_at < ?`), params.push(q.to));
    if (q.before) (where.push(`${t}.started_at < ?`), params.push(q.before));
    if (q.contactId !== undefined) (where.push('c.contact_id = ?'), params.push(q.contactId));
    if (q.operatorId !== null && !byOperator) {
      where.push('EXISTS (SELECT 1 FROM call_operators x WHERE x.call_id = c.id AND x.operator_id = ?)');
      params.push(q.operatorId);
    }
    const from = byOperator ? SELECT.replace('FROM calls c', 'FROM call_operators o CROSS JOIN calls c ON c.id = o.call_id') : SELECT;
    const order = byOperator ? 'o.started_at DESC, o.call_id DESC' : 'c.started_at DESC, c.id DESC';
    const sql = `${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`;
    return (this.db.prepare(sql).all(...params, q.limit) as CallRow[]).map(toRecord);
  }

  /** Calls this app still thinks are in progress (after our own restart they are reconciled). */
  openLinkedIds(): string[] {
    return (this.openStmt.all() as { linked_id: string }[]).map((r) => r.linked_id);
  }

  endpoints(): Map<string, number> {
    return new Map((this.endpointsStmt.all() as { user_id: number; endpoint: string }[]).map((r) => [r.endpoint, r.user_id]));
  }

  setEndpoint(userId: number, endpoint: string | null): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM user_endpoints WHERE user_id = ?').run(userId);
      if (endpoint) this.db.prepare('INSERT INTO user_endpoints (user_id, endpoint) VALUES (?, ?)').run(userId, endpoint);
    })();
  }

  /**
   * Softphones the appliance issued are the users' endpoints too (`PJSIP/<sip user>`); they follow
   * the phone book, while endpoints an admin linked by hand stay as they are.
   */
  syncIssuedPhones(phones: readonly { userId: number; endpoint: string }[], pattern: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM user_endpoints WHERE endpoint LIKE ?').run(pattern);
      const insert = this.db.prepare('INSERT OR IGNORE INTO user_endpoints (user_id, endpoint) VALUES (?, ?)');
      for (const p of phones) insert.run(p.userId, p.endpoint);
    })();
  }

  /** Every endpoint tied to the user (issued softphone and admin-linked desk phones). */
  endpointsOfUser(userId: number): string[] {
    return (this.db.prepare('SELECT endpoint FROM user_endpoints WHERE user_id = ? ORDER BY endpoint').all(userId) as { endpoint: string }[]).map((r) => r.endpoint);
  }

  endpointOfUser(userId: number): string | null {
    const row = this.db.prepare('SELECT endpoint FROM user_endpoints WHERE user_id = ? ORDER BY endpoint LIMIT 1').get(userId) as
      | { endpoint: string }
      | undefined;
    return row?.endpoint ?? null;
  }

  addRecording(r: { callId: number; path: string; format: string; bytes: number; durationSec: number; source: string; createdAt: string }): number {
    const existing = this.recordingByPathStmt.get(r.path) as { id: number } | undefined;
    if (existing) return existing.id;
    return Number(this.insertRecordingStmt.run(r.callId, r.path, r.format, r.bytes, r.durationSec, r.source, r.createdAt).lastInsertRowid);
  }

  recording(id: number): RecordingRow | null {
    const row = this.recordingStmt.get(id) as
      | { id: number; call_id: number; path: string; format: string; bytes: number; duration_sec: number }
      | undefined;
    return row ? { id: row.id, callId: row.call_id, path: row.path, format: row.format, bytes: row.bytes, durationSec: row.duration_sec } : null;
  }
}

function toRecord(r: CallRow): CallRecord {
  const legs = JSON.parse(r.legs) as Leg[];
  return {
    id: r.id,
    linkedId: r.linked_id,
    direction: r.direction,
    from: r.from_number,
    to: r.to_number,
    did: r.did,
    trunk: r.trunk,
    queue: r.queue,
    operatorId: r.operator_id,
    contactId: r.contact_id,
    startedAt: r.started_at,
    answeredAt: r.answered_at,
    endedAt: r.ended_at,
    waitSec: r.wait_sec,
    talkSec: r.talk_sec,
    disposition: r.disposition,
    held: r.held === 1,
    transferred: r.transferred === 1,
    reconciled: r.reconciled === 1,
    legs,
    holdSec: legs.reduce((sum, l) => sum + (l.heldSec ?? 0), 0),
    stints: JSON.parse(r.stints) as Stint[],
    hungUpBy: r.hung_up_by,
    operatorIds: r.operator_ids.split(',').filter(Boolean).map(Number),
    recording: r.rec_id === null ? null : { id: r.rec_id, bytes: r.rec_bytes ?? 0, durationSec: r.rec_duration ?? 0 },
  };
}
