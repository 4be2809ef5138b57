import type { Db } from '../core/db.js';
import type { SqlQuery } from '../core/reader.js';
import { METRICS, type Counted, type Delta, type Dimension, type Figures, type Metric } from './counting.js';

const DAY_SEC = 86400;
const snake = (m: string) => m.replace(/([A-Z0-9]+)/g, (x) => `_${x.toLowerCase()}`);
export const COLUMN: Record<Metric, string> = Object.fromEntries(METRICS.map((m) => [m, snake(m)])) as Record<Metric, string>;

/** One report line straight from the aggregates: a key (or a period) and every figure summed. */
export type FigureRow = { key: string; period: number } & Record<Metric, number> & { activeBuckets: number };

export interface AgentTimeRow {
  key: string;
  state: string;
  reason: string;
  seconds: number;
}

/** What the drill-down lists: the counted rows behind one figure. */
export interface DrillRow {
  callId: number;
  seq: number | null;
  startedAt: string;
  queue: string | null;
  outcome: string;
  operatorId: number | null;
  waitSec: number;
  talkSec: number;
}

/**
 * All SQL of the reports capability. Writes (one transaction per closed call) run on the main
 * connection; the report queries are built here as SQL + parameters and run on the reader
 * thread, so a report over years of buckets never holds the event loop.
 */
export class ReportsRepository {
  private readonly upsertBucket;
  private readonly upsertDay;
  private readonly insertCall;
  private readonly insertStint;
  private readonly insertAttempt;
  private readonly upsertTime;
  private readonly upsertName;
  private readonly getSetting;
  private readonly putSetting;
  private readonly previousCall;
  private readonly pendingMissed;
  private readonly markCalledBack;
  private readonly insertCaller;
  private readonly markCallback;

  constructor(private readonly db: Db) {
    const cols = METRICS.map((m) => COLUMN[m]);
    this.upsertBucket = db.prepare(
      `INSERT INTO report_buckets (dim, bucket, key, ${cols.join(', ')}) VALUES (?, ?, ?, ${cols.map(() => '?').join(', ')})
       ON CONFLICT(dim, bucket, key) DO UPDATE SET ${cols.map((c) => (c === 'wait_max' ? `${c} = max(${c}, excluded.${c})` : `${c} = ${c} + excluded.${c}`)).join(', ')}`,
    );
    this.upsertDay = db.prepare(
      `INSERT INTO report_days (dim, day, key, ${cols.join(', ')}) VALUES (?, ?, ?, ${cols.map(() => '?').join(', ')})
       ON CONFLICT(dim, day, key) DO UPDATE SET ${cols.map((c) => (c === 'wait_max' ? `${c} = max(${c}, excluded.${c})` : `${c} = ${c} + excluded.${c}`)).join(', ')}`,
    );
    this.insertCall = db.prepare(
      `INSERT OR IGNORE INTO report_calls (call_id, bucket, started_at, direction, outcome, did, trunk, first_queue, operator_id, wait_sec, talk_sec, stints, hung_up_by, short)
       VALUES (@callId, @bucket, @startedAt, @direction, @outcome, @did, @trunk, @firstQueue, @operatorId, @waitSec, @talkSec, @stints, @hungUpBy, @short)`,
    );
    this.insertStint = db.prepare(
      `INSERT INTO report_stints (call_id, seq, queue, bucket, joined_at, outcome, operator_id, wait_sec, talk_sec, short, in_sl, transfer_out, attempts, rona)
       VALUES (@callId, @seq, @queue, @bucket, @joinedAt, @outcome, @operatorId, @waitSec, @talkSec, @short, @inSl, @transferOut, @attempts, @rona)`,
    );
    this.insertAttempt = db.prepare(
      'INSERT INTO report_attempts (call_id, seq, n, operator_id, member, queue, bucket, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.upsertTime = db.prepare(
      `INSERT INTO report_agent_time (dim, bucket, key, state, reason, seconds) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(dim, bucket, key, state, reason) DO UPDATE SET seconds = seconds + excluded.seconds`,
    );
    this.upsertName = db.prepare('INSERT INTO report_names (dim, key, name) VALUES (?, ?, ?) ON CONFLICT(dim, key) DO UPDATE SET name = excluded.name');
    this.getSetting = db.prepare('SELECT value FROM report_settings WHERE key = ?');
    this.putSetting = db.prepare('INSERT INTO report_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.previousCall = db.prepare('SELECT 1 FROM report_callers WHERE caller_key = ? AND at >= ? AND at < ? LIMIT 1');
    this.pendingMissed = db.prepare(
      'SELECT at, call_id FROM report_callers WHERE caller_key = ? AND missed = 1 AND called_back_at IS NULL AND at >= ? AND at < ? ORDER BY at LIMIT 1',
    );
    this.markCalledBack = db.prepare('UPDATE report_callers SET called_back_at = ? WHERE caller_key = ? AND missed = 1 AND called_back_at IS NULL AND at < ?');
    this.insertCaller = db.prepare('INSERT OR IGNORE INTO report_callers (caller_key, at, call_id, missed) VALUES (?, ?, ?, ?)');
    this.markCallback = db.prepare('UPDATE report_calls SET callback_of = ? WHERE call_id = ?');
  }

  /** Stores one closed call's rows and adds its figures; false when it was counted already. */
  recordCall(counted: Counted, caller: { key: string; missed: boolean; repeatWindowFrom: string; callbackWindowFrom: string } | null, extra: (c: Counted) => Delta[]): boolean {
    return this.db.transaction(() => {
      const c = counted.call;
      if (this.insertCall.run({ ...c, short: c.short ? 1 : 0 }).changes === 0) return false;
      for (const s of counted.stints) {
        this.insertStint.run({ ...s, callId: c.callId, short: s.short ? 1 : 0, inSl: s.inSl ? 1 : 0, transferOut: s.transferOut ? 1 : 0 });
      }
      counted.attempts.forEach((a, n) => this.insertAttempt.run(c.callId, a.seq, n, a.operatorId, a.member, a.queue, a.bucket, a.outcome));
      const deltas = [...counted.deltas];
      if (caller) deltas.push(...this.callerFigures(counted, caller));
      deltas.push(...extra(counted));
      this.addDeltas(deltas);
      return true;
    })();
  }

  /** Repeat callers and callbacks of missed calls, judged against earlier calls of the same caller key. */
  private callerFigures(counted: Counted, caller: { key: string; missed: boolean; repeatWindowFrom: string; callbackWindowFrom: string }): Delta[] {
    const c = counted.call;
    const out: Delta[] = [];
    const figures: Figures = {};
    if (c.direction === 'inbound') {
      if (this.previousCall.get(caller.key, caller.repeatWindowFrom, c.startedAt)) {
        figures.repeatCalls = 1;
        this.db.prepare('UPDATE report_calls SET repeat = 1 WHERE call_id = ?').run(c.callId);
      }
      this.insertCaller.run(caller.key, c.startedAt, c.callId, caller.missed ? 1 : 0);
    } else if (c.direction === 'outbound') {
      const missed = this.pendingMissed.get(caller.key, caller.callbackWindowFrom, c.startedAt) as { at: string; call_id: number } | undefined;
      if (missed) {
        figures.callbacks = 1;
        figures.callbackDelaySum = Math.max(0, Math.round((Date.parse(c.startedAt) - Date.parse(missed.at)) / 1000));
        this.markCalledBack.run(c.startedAt, caller.key, c.startedAt);
        this.markCallback.run(missed.call_id, c.callId);
      }
    }
    if (Object.keys(figures).length > 0) {
      out.push({ bucket: c.bucket, dim: 'all', key: 'all', figures });
      if (c.firstQueue && c.direction === 'inbound') out.push({ bucket: c.bucket, dim: 'queue', key: c.firstQueue, figures: { repeatCalls: figures.repeatCalls } });
    }
    return out;
  }

  addDeltas(deltas: readonly Delta[]): void {
    for (const d of deltas) {
      const values = METRICS.map((m) => d.figures[m] ?? 0);
      this.upsertBucket.run(d.dim, d.bucket, d.key, ...values);
      this.upsertDay.run(d.dim, d.bucket - (d.bucket % DAY_SEC), d.key, ...values);
    }
  }

  addAgentTime(rows: ReadonlyArray<{ dim: 'agent' | 'queue' | 'team'; bucket: number; key: string; state: string; reason: string; seconds: number }>): void {
    this.db.transaction(() => {
      for (const r of rows) if (r.seconds > 0) this.upsertTime.run(r.dim, r.bucket, r.key, r.state, r.reason, r.seconds);
    })();
  }

  rememberName(dim: Dimension, key: string, name: string): void {
    this.upsertName.run(dim, key, name);
  }

  storedName(dim: Dimension, key: string): string | null {
    return (this.db.prepare('SELECT name FROM report_names WHERE dim = ? AND key = ?').get(dim, key) as { name: string } | undefined)?.name ?? null;
  }

  setting(key: string): string | null {
    return (this.getSetting.get(key) as { value: string } | undefined)?.value ?? null;
  }

  setSetting(key: string, value: string): void {
    this.putSetting.run(key, value);
  }

  // ---- queries (run on the reader thread) ----

  /**
   * Sums per key over [from, to), or per key and period ([start, end) bucket pairs). Whole UTC
   * days inside a period come from the daily rollup, the partial days at its ends from the
   * 15-minute buckets: a year is ~365 rows per key instead of ~35,000.
   */
  figuresQuery(dim: Dimension, from: number, to: number, opts: { keys?: readonly string[]; periods?: ReadonlyArray<[number, number]> } = {}): SqlQuery {
    const periods = (opts.periods ?? [[from, to]]).map(([a, b]) => {
      const da = Math.ceil(a / DAY_SEC) * DAY_SEC;
      const db = Math.floor(b / DAY_SEC) * DAY_SEC;
      return [a, b, da, Math.max(da, db)];
    });
    const cols = METRICS.map((m) => COLUMN[m]).join(', ');
    const sums = METRICS.map((m) => (m === 'waitMax' ? `MAX(wait_max) AS waitMax` : `SUM(${COLUMN[m]}) AS ${m}`)).join(', ');
    const keyFilter = (alias: string) => (opts.keys?.length ? `AND ${alias}.key IN (${opts.keys.map(() => '?').join(',')})` : '');
    const keys = opts.keys ?? [];
    return {
      sql: `WITH p AS (SELECT CAST(key AS INTEGER) AS i, json_extract(value, '$[0]') AS a, json_extract(value, '$[1]') AS b,
                              json_extract(value, '$[2]') AS da, json_extract(value, '$[3]') AS db FROM json_each(?)),
            -- CROSS JOIN keeps the periods as the outer loop, so each part is an index range.
            parts AS (
              SELECT p.i AS i, r.key AS key, 1 AS buckets, ${cols} FROM p CROSS JOIN report_buckets r
                ON r.dim = ? AND r.bucket >= p.a AND r.bucket < MIN(p.b, p.da) ${keyFilter('r')}
              UNION ALL
              SELECT p.i, d.key, 96, ${cols} FROM p CROSS JOIN report_days d ON d.dim = ? AND d.day >= p.da AND d.day < p.db ${keyFilter('d')}
              UNION ALL
              SELECT p.i, r.key, 1, ${cols} FROM p CROSS JOIN report_buckets r
                ON r.dim = ? AND r.bucket >= MAX(p.db, p.a) AND r.bucket < p.b ${keyFilter('r')}
            )
            SELECT key, i AS period, ${sums}, SUM(CASE WHEN offered > 0 THEN buckets ELSE 0 END) AS activeBuckets
            FROM parts GROUP BY i, key ORDER BY i, key`,
      params: [JSON.stringify(periods), dim, ...keys, dim, ...keys, dim, ...keys],
    };
  }

  agentTimeQuery(dim: 'agent' | 'queue' | 'team', from: number, to: number): SqlQuery {
    return {
      sql: `SELECT key, state, reason, SUM(seconds) AS seconds FROM report_agent_time WHERE dim = ? AND bucket >= ? AND bucket < ?
            GROUP BY key, state, reason ORDER BY key, state, reason`,
      params: [dim, from, to],
    };
  }

  namesQuery(): SqlQuery {
    return { sql: 'SELECT dim, key, name FROM report_names', params: [] };
  }

  /**
   * The rows behind one figure. Queue figures list stints (a call passing two queues appears
   * once in each queue's list); agent ring attempts list attempts; the rest list calls.
   */
  drillQuery(q: { dim: Dimension; key: string; metric: string; from: number; to: number; limit: number; offset: number }): SqlQuery | null {
    const range = [q.from, q.to];
    const stints = (where: string, params: unknown[] = []): SqlQuery => ({
      sql: `SELECT call_id AS callId, seq, joined_at AS startedAt, queue, outcome, operator_id AS operatorId, wait_sec AS waitSec, talk_sec AS talkSec
            FROM report_stints WHERE ${q.dim === 'queue' ? 'queue = ?' : 'operator_id = ?'} AND bucket >= ? AND bucket < ? ${where}
            ORDER BY joined_at, call_id, seq LIMIT ? OFFSET ?`,
      params: [q.dim === 'queue' ? q.key : Number(q.key), ...range, ...params, q.limit, q.offset],
    });
    const calls = (where: string): SqlQuery => {
      const keyWhere = q.dim === 'all' ? '' : q.dim === 'did' ? 'AND did = ?' : q.dim === 'trunk' ? 'AND trunk = ?' : q.dim === 'agent' ? 'AND operator_id = ?' : null;
      const keyParams = q.dim === 'all' ? [] : [q.dim === 'agent' ? Number(q.key) : q.key];
      return {
        sql: `SELECT call_id AS callId, NULL AS seq, started_at AS startedAt, first_queue AS queue, outcome, operator_id AS operatorId, wait_sec AS waitSec, talk_sec AS talkSec
              FROM report_calls WHERE bucket >= ? AND bucket < ? ${keyWhere ?? ''} ${where} ORDER BY started_at, call_id LIMIT ? OFFSET ?`,
        params: [...range, ...keyParams, q.limit, q.offset],
      };
    };
    if (q.dim === 'agent' && (q.metric === 'handled' || q.metric === 'talkSum')) {
      // Calls answered from a queue (their stint) and calls answered directly (no queue).
      return {
        sql: `SELECT * FROM (
                SELECT call_id AS callId, seq, joined_at AS startedAt, queue, outcome, operator_id AS operatorId, wait_sec AS waitSec, talk_sec AS talkSec
                FROM report_stints WHERE operator_id = ? AND bucket >= ? AND bucket < ? AND outcome = 'answered'
                UNION ALL
                SELECT call_id, NULL, started_at, first_queue, outcome, operator_id, wait_sec, talk_sec
                FROM report_calls WHERE operator_id = ? AND bucket >= ? AND bucket < ? AND stints = 0 AND outcome = 'answered'
              ) ORDER BY startedAt, callId LIMIT ? OFFSET ?`,
        params: [Number(q.key), ...range, Number(q.key), ...range, q.limit, q.offset],
      };
    }
    if (q.dim === 'queue' || (q.dim === 'agent' && q.metric === 'transfersOut')) {
      const where: Record<string, string> = {
        offered: '',
        answered: "AND outcome = 'answered'",
        handled: "AND outcome = 'answered'",
        talkSum: "AND outcome = 'answered'",
        abandoned: "AND outcome = 'abandoned'",
        shortAbandoned: "AND outcome = 'abandoned' AND short = 1",
        exited: "AND outcome = 'exited'",
        answeredInSl: "AND in_sl = 1",
        transfersOut: 'AND transfer_out = 1',
        transfersIn: 'AND seq > 0',
        ringAttempts: 'AND attempts > 0',
        rona: 'AND rona > 0',
      };
      const w = where[q.metric];
      return w === undefined ? null : stints(w);
    }
    if (q.dim === 'agent' && (q.metric === 'ringAttempts' || q.metric === 'rona')) {
      return {
        sql: `SELECT s.call_id AS callId, s.seq, s.joined_at AS startedAt, s.queue, a.outcome, a.operator_id AS operatorId, s.wait_sec AS waitSec, s.talk_sec AS talkSec
              FROM report_attempts a JOIN report_stints s ON s.call_id = a.call_id AND s.seq = a.seq
              WHERE a.operator_id = ? AND a.bucket >= ? AND a.bucket < ? ${q.metric === 'rona' ? "AND a.outcome = 'noanswer'" : ''}
              ORDER BY s.joined_at, a.call_id, a.n LIMIT ? OFFSET ?`,
        params: [Number(q.key), ...range, q.limit, q.offset],
      };
    }
    const where: Record<string, string> = {
      offered: "AND direction = 'inbound' AND outcome <> 'blocked'",
      answered: "AND outcome = 'answered'",
      abandoned: "AND outcome = 'abandoned'",
      abandonedPreQueue: "AND outcome = 'abandoned_pre_queue'",
      shortAbandoned: 'AND short = 1',
      exited: "AND outcome = 'exited'",
      blocked: "AND outcome = 'blocked'",
      ringAttempts: 'AND EXISTS (SELECT 1 FROM report_attempts a WHERE a.call_id = report_calls.call_id)',
      rona: "AND EXISTS (SELECT 1 FROM report_attempts a WHERE a.call_id = report_calls.call_id AND a.outcome = 'noanswer')",
      outbound: "AND direction = 'outbound'",
      outboundAnswered: "AND outcome = 'outbound_answered'",
      repeatCalls: 'AND repeat = 1',
      callbacks: 'AND callback_of IS NOT NULL',
    };
    const w = where[q.metric];
    return w === undefined ? null : calls(w);
  }
}
