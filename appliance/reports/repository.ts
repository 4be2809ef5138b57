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

export interface ScheduleRow {
  id: number;
  name: string;
  report: 'queues' | 'agents';
  period: 'daily' | 'weekly' | 'monthly';
  format: 'csv' | 'xlsx';
  recipients: string[];
  mailboxId: number;
  language: string;
  timeZone: string;
  createdBy: number | null;
  createdAt: string;
  lastSentFor: string | null;
  lastError: string | null;
}
const SCHEDULE_FIELDS = `id, name, report, period, format, recipients, mailbox_id AS mailboxId, language, time_zone AS timeZone, created_by AS createdBy,
  created_at AS createdAt, last_sent_for AS lastSentFor, last_error AS lastError`;
const parseSchedule = (r: Omit<ScheduleRow, 'recipients'> & { recipients: string }): ScheduleRow => ({ ...r, recipients: JSON.parse(r.recipients) as string[] });

export type DialogKind = 'mail' | 'chat';
export type DialogDim = 'all' | 'channel' | 'agent' | 'team' | 'site' | 'mailbox';

/** One mail thread or chat as reports keep it. */
export interface DialogRow {
  kind: DialogKind;
  dialogId: number;
  bucket: number;
  startedAt: string;
  site: string | null;
  mailbox: string | null;
  agentId: number | null;
  awaitingSince: string | null;
  firstResponseAt: string | null;
  frtSec: number | null;
  frtBizSec: number | null;
  resolvedAt: string | null;
  resolutionSec: number | null;
  resolutionBizSec: number | null;
}
const DIALOG_FIELDS = `kind, dialog_id AS dialogId, bucket, started_at AS startedAt, site, mailbox, agent_id AS agentId, awaiting_since AS awaitingSince,
  first_response_at AS firstResponseAt, frt_sec AS frtSec, frt_biz_sec AS frtBizSec, resolved_at AS resolvedAt, resolution_sec AS resolutionSec, resolution_biz_sec AS resolutionBizSec`;

export interface DialogFigures {
  channel: DialogKind;
  key: string;
  dialogs: number;
  responded: number;
  respondedInSl: number;
  resolved: number;
  frtMedianSec: number | null;
  frtP90Sec: number | null;
  frtBizMedianSec: number | null;
  frtBizP90Sec: number | null;
  resolutionMedianSec: number | null;
  resolutionP90Sec: number | null;
  resolutionBizMedianSec: number | null;
  resolutionBizP90Sec: number | null;
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

  rememberName(dim: Dimension | 'site' | 'mailbox', key: string, name: string): void {
    this.upsertName.run(dim, key, name);
  }

  storedName(dim: Dimension | 'site' | 'mailbox', key: string): string | null {
    return (this.db.prepare('SELECT name FROM report_names WHERE dim = ? AND key = ?').get(dim, key) as { name: string } | undefined)?.name ?? null;
  }

  setting(key: string): string | null {
    return (this.getSetting.get(key) as { value: string } | undefined)?.value ?? null;
  }

  setSetting(key: string, value: string): void {
    this.putSetting.run(key, value);
  }

  // ---- scheduled reports ----

  schedules(): ScheduleRow[] {
    return (this.db.prepare(`SELECT ${SCHEDULE_FIELDS} FROM report_schedules ORDER BY id`).all() as Array<Omit<ScheduleRow, 'recipients'> & { recipients: string }>).map(parseSchedule);
  }

  schedule(id: number): ScheduleRow | null {
    const row = this.db.prepare(`SELECT ${SCHEDULE_FIELDS} FROM report_schedules WHERE id = ?`).get(id) as (Omit<ScheduleRow, 'recipients'> & { recipients: string }) | undefined;
    return row ? parseSchedule(row) : null;
  }

  insertSchedule(s: Omit<ScheduleRow, 'id' | 'lastError'>): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO report_schedules (name, report, period, format, recipients, mailbox_id, language, time_zone, created_by, created_at, last_sent_for)
           VALUES (@name, @report, @period, @format, @recipients, @mailboxId, @language, @timeZone, @createdBy, @createdAt, @lastSentFor)`,
        )
        .run({ ...s, recipients: JSON.stringify(s.recipients) }).lastInsertRowid,
    );
  }

  /** Replaces a schedule's settings (not who made it, nor what it sent); false when it is gone. */
  updateSchedule(id: number, s: Omit<ScheduleRow, 'id' | 'lastError' | 'createdBy' | 'createdAt'>): boolean {
    return (
      this.db
        .prepare(
          `UPDATE report_schedules SET name = @name, report = @report, period = @period, format = @format, recipients = @recipients, mailbox_id = @mailboxId,
             language = @language, time_zone = @timeZone, last_sent_for = @lastSentFor WHERE id = @id`,
        )
        .run({ ...s, id, recipients: JSON.stringify(s.recipients) }).changes > 0
    );
  }

  deleteSchedule(id: number): boolean {
    return this.db.prepare('DELETE FROM report_schedules WHERE id = ?').run(id).changes > 0;
  }

  /** Records a sending: the period it covered, or the error that stopped it (the period is then due again). */
  scheduleSent(id: number, result: { sentFor: string } | { error: string }): void {
    if ('sentFor' in result) this.db.prepare('UPDATE report_schedules SET last_sent_for = ?, last_error = NULL WHERE id = ?').run(result.sentFor, id);
    else this.db.prepare('UPDATE report_schedules SET last_error = ? WHERE id = ?').run(result.error.slice(0, 500), id);
  }

  // ---- mail threads and chats (first response, resolution) ----

  dialog(kind: DialogKind, id: number): DialogRow | null {
    return (this.db.prepare(`SELECT ${DIALOG_FIELDS} FROM report_dialogs WHERE kind = ? AND dialog_id = ?`).get(kind, id) as DialogRow | undefined) ?? null;
  }

  /** Stores a dialog's row whole (insert or replace) and, when given, the teams it counts for. */
  saveDialog(d: DialogRow, teams?: readonly number[]): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO report_dialogs (kind, dialog_id, bucket, started_at, site, mailbox, agent_id, awaiting_since, first_response_at, frt_sec, frt_biz_sec, resolved_at, resolution_sec, resolution_biz_sec)
           VALUES (@kind, @dialogId, @bucket, @startedAt, @site, @mailbox, @agentId, @awaitingSince, @firstResponseAt, @frtSec, @frtBizSec, @resolvedAt, @resolutionSec, @resolutionBizSec)
           ON CONFLICT(kind, dialog_id) DO UPDATE SET agent_id = excluded.agent_id, awaiting_since = excluded.awaiting_since, first_response_at = excluded.first_response_at,
             frt_sec = excluded.frt_sec, frt_biz_sec = excluded.frt_biz_sec, resolved_at = excluded.resolved_at, resolution_sec = excluded.resolution_sec, resolution_biz_sec = excluded.resolution_biz_sec`,
        )
        .run(d);
      if (teams) {
        this.db.prepare('DELETE FROM report_dialog_teams WHERE kind = ? AND dialog_id = ?').run(d.kind, d.dialogId);
        const add = this.db.prepare('INSERT OR IGNORE INTO report_dialog_teams (kind, dialog_id, team_id) VALUES (?, ?, ?)');
        for (const t of teams) add.run(d.kind, d.dialogId, t);
      }
    })();
  }

  /**
   * Per channel and key: dialogs started in [from, to), how many got a first response (and
   * within the channel's service-level threshold) and were resolved, with the median and P90
   * (nearest rank) of first-response and resolution times, around the clock and in business hours.
   */
  dialogsQuery(dim: DialogDim, from: number, to: number, sl: { mail: number; chat: number }, kind: DialogKind | null, site: string | null = null): SqlQuery {
    const keyExpr = { all: "'all'", channel: 'd.kind', agent: 'CAST(d.agent_id AS TEXT)', site: 'd.site', mailbox: 'd.mailbox', team: 'CAST(t.team_id AS TEXT)' }[dim];
    const join = dim === 'team' ? 'JOIN report_dialog_teams t ON t.kind = d.kind AND t.dialog_id = d.dialog_id' : '';
    const ranked = (col: string) =>
      `SELECT kind, key, MAX(CASE WHEN rn = (n + 1) / 2 THEN v END) AS med, MAX(CASE WHEN rn = (9 * n + 9) / 10 THEN v END) AS p90 FROM (
         SELECT kind, key, ${col} AS v, ROW_NUMBER() OVER (PARTITION BY kind, key ORDER BY ${col}) AS rn, COUNT(*) OVER (PARTITION BY kind, key) AS n
         FROM base WHERE ${col} IS NOT NULL) GROUP BY kind, key`;
    return {
      sql: `WITH base AS (
              SELECT d.kind AS kind, ${keyExpr} AS key, d.frt_sec, d.frt_biz_sec, d.resolution_sec, d.resolution_biz_sec
              FROM report_dialogs d ${join}
              WHERE d.bucket >= ? AND d.bucket < ? ${kind ? 'AND d.kind = ?' : ''} ${site ? 'AND d.site = ?' : ''} AND ${keyExpr} IS NOT NULL
            ),
            counts AS (
              SELECT kind, key, COUNT(*) AS dialogs, COUNT(frt_sec) AS responded,
                     SUM(CASE WHEN frt_biz_sec <= (CASE kind WHEN 'mail' THEN ? ELSE ? END) THEN 1 ELSE 0 END) AS respondedInSl,
                     COUNT(resolution_sec) AS resolved
              FROM base GROUP BY kind, key
            ),
            f AS (${ranked('frt_sec')}), fb AS (${ranked('frt_biz_sec')}), r AS (${ranked('resolution_sec')}), rb AS (${ranked('resolution_biz_sec')})
            SELECT c.kind AS channel, c.key, c.dialogs, c.responded, c.respondedInSl, c.resolved,
                   f.med AS frtMedianSec, f.p90 AS frtP90Sec, fb.med AS frtBizMedianSec, fb.p90 AS frtBizP90Sec,
                   r.med AS resolutionMedianSec, r.p90 AS resolutionP90Sec, rb.med AS resolutionBizMedianSec, rb.p90 AS resolutionBizP90Sec
            FROM counts c
            LEFT JOIN f ON f.kind = c.kind AND f.key = c.key
            LEFT JOIN fb ON fb.kind = c.kind AND fb.key = c.key
            LEFT JOIN r ON r.kind = c.kind AND r.key = c.key
            LEFT JOIN rb ON rb.kind = c.kind AND rb.key = c.key
            ORDER BY c.kind, c.key`,
      params: [from, to, ...(kind ? [kind] : []), ...(site ? [site] : []), sl.mail, sl.chat],
    };
  }

  /** The dialogs behind a mail/chat figure. */
  dialogDrillQuery(q: { dim: DialogDim; key: string; kind: DialogKind | null; site?: string | null; metric: 'dialogs' | 'responded' | 'resolved' | 'unanswered'; from: number; to: number; limit: number; offset: number }): SqlQuery {
    const keyExpr = { all: "'all'", channel: 'd.kind', agent: 'CAST(d.agent_id AS TEXT)', site: 'd.site', mailbox: 'd.mailbox', team: 'CAST(t.team_id AS TEXT)' }[q.dim];
    const join = q.dim === 'team' ? 'JOIN report_dialog_teams t ON t.kind = d.kind AND t.dialog_id = d.dialog_id' : '';
    const where = { dialogs: '', responded: 'AND d.frt_sec IS NOT NULL', resolved: 'AND d.resolution_sec IS NOT NULL', unanswered: 'AND d.frt_sec IS NULL' }[q.metric];
    return {
      sql: `SELECT d.kind AS channel, d.dialog_id AS dialogId, d.started_at AS startedAt, d.site, d.mailbox, d.agent_id AS agentId, d.frt_sec AS frtSec, d.frt_biz_sec AS frtBizSec,
                   d.resolution_sec AS resolutionSec, d.resolution_biz_sec AS resolutionBizSec
            FROM report_dialogs d ${join}
            WHERE d.bucket >= ? AND d.bucket < ? ${q.kind ? 'AND d.kind = ?' : ''} ${q.site ? 'AND d.site = ?' : ''} AND ${keyExpr} = ? ${where}
            ORDER BY d.started_at, d.dialog_id LIMIT ? OFFSET ?`,
      params: [q.from, q.to, ...(q.kind ? [q.kind] : []), ...(q.site ? [q.site] : []), q.key, q.limit, q.offset],
    };
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
