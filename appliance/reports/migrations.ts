import type { Migration } from '../core/db.js';

/**
 * Reports keep their own figures, so they survive retention removing call rows and an agent or
 * queue being deleted:
 * - `report_buckets`: the aggregates, one row per 15-minute bucket × dimension × key, summed as
 *   each call closes (never recomputed from raw rows);
 * - `report_calls`, `report_stints`, `report_attempts`: one compact row per counted call, pass
 *   through a queue and ring attempt, so a figure drills down to the calls behind it (the call's
 *   details come from the calls capability while retention keeps them);
 * - `report_agent_time`: seconds per agent, state and pause reason, per bucket;
 * - `report_callers`: a keyed hash of each caller's number (never the number) for repeat callers
 *   and callbacks of missed calls;
 * - `report_names`: the name a queue, agent or team had, for rows whose owner is gone;
 * - `report_schedules`: reports mailed on a schedule.
 */
export const reportsMigrations: Migration[] = [
  {
    id: 'reports/001_aggregates',
    up: `
      CREATE TABLE report_buckets (
        dim TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        key TEXT NOT NULL,
        offered INTEGER NOT NULL DEFAULT 0,
        answered INTEGER NOT NULL DEFAULT 0,
        abandoned INTEGER NOT NULL DEFAULT 0,
        short_abandoned INTEGER NOT NULL DEFAULT 0,
        abandoned_pre_queue INTEGER NOT NULL DEFAULT 0,
        exited INTEGER NOT NULL DEFAULT 0,
        blocked INTEGER NOT NULL DEFAULT 0,
        answered_in_sl INTEGER NOT NULL DEFAULT 0,
        abandoned_in_sl INTEGER NOT NULL DEFAULT 0,
        wait_sum INTEGER NOT NULL DEFAULT 0,
        wait_max INTEGER NOT NULL DEFAULT 0,
        answered_wait_sum INTEGER NOT NULL DEFAULT 0,
        abandoned_wait_sum INTEGER NOT NULL DEFAULT 0,
        talk_sum INTEGER NOT NULL DEFAULT 0,
        hold_sum INTEGER NOT NULL DEFAULT 0,
        wrap_sum INTEGER NOT NULL DEFAULT 0,
        transfers_out INTEGER NOT NULL DEFAULT 0,
        transfers_in INTEGER NOT NULL DEFAULT 0,
        ring_attempts INTEGER NOT NULL DEFAULT 0,
        rona INTEGER NOT NULL DEFAULT 0,
        hung_customer INTEGER NOT NULL DEFAULT 0,
        hung_operator INTEGER NOT NULL DEFAULT 0,
        handled INTEGER NOT NULL DEFAULT 0,
        outbound INTEGER NOT NULL DEFAULT 0,
        outbound_answered INTEGER NOT NULL DEFAULT 0,
        repeat_calls INTEGER NOT NULL DEFAULT 0,
        callbacks INTEGER NOT NULL DEFAULT 0,
        callback_delay_sum INTEGER NOT NULL DEFAULT 0,
        wait_0 INTEGER NOT NULL DEFAULT 0,
        wait_10 INTEGER NOT NULL DEFAULT 0,
        wait_20 INTEGER NOT NULL DEFAULT 0,
        wait_30 INTEGER NOT NULL DEFAULT 0,
        wait_60 INTEGER NOT NULL DEFAULT 0,
        wait_120 INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (dim, bucket, key)
      ) WITHOUT ROWID;
      CREATE TABLE report_calls (
        call_id INTEGER PRIMARY KEY,
        bucket INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        direction TEXT NOT NULL,
        outcome TEXT NOT NULL,
        did TEXT,
        trunk TEXT,
        first_queue TEXT,
        operator_id INTEGER,
        wait_sec INTEGER NOT NULL,
        talk_sec INTEGER NOT NULL,
        stints INTEGER NOT NULL,
        hung_up_by TEXT,
        short INTEGER NOT NULL DEFAULT 0,
        repeat INTEGER NOT NULL DEFAULT 0,
        callback_of INTEGER
      );
      CREATE INDEX report_calls_bucket ON report_calls(bucket);
      CREATE TABLE report_stints (
        call_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        queue TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        joined_at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        operator_id INTEGER,
        wait_sec INTEGER NOT NULL,
        talk_sec INTEGER NOT NULL,
        short INTEGER NOT NULL,
        in_sl INTEGER NOT NULL,
        transfer_out INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        rona INTEGER NOT NULL,
        PRIMARY KEY (call_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX report_stints_queue ON report_stints(queue, bucket);
      CREATE INDEX report_stints_operator ON report_stints(operator_id, bucket) WHERE operator_id IS NOT NULL;
      CREATE TABLE report_attempts (
        call_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        n INTEGER NOT NULL,
        operator_id INTEGER,
        member TEXT NOT NULL,
        queue TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        PRIMARY KEY (call_id, seq, n)
      ) WITHOUT ROWID;
      CREATE INDEX report_attempts_operator ON report_attempts(operator_id, bucket) WHERE operator_id IS NOT NULL;
      CREATE TABLE report_agent_time (
        dim TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        key TEXT NOT NULL,
        state TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        seconds INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (dim, bucket, key, state, reason)
      ) WITHOUT ROWID;
      CREATE TABLE report_callers (
        caller_key TEXT NOT NULL,
        at TEXT NOT NULL,
        call_id INTEGER NOT NULL,
        missed INTEGER NOT NULL,
        called_back_at TEXT,
        PRIMARY KEY (caller_key, at, call_id)
      ) WITHOUT ROWID;
      CREATE TABLE report_names (
        dim TEXT NOT NULL,
        key TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (dim, key)
      ) WITHOUT ROWID;
      CREATE TABLE report_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE report_schedules (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        report TEXT NOT NULL CHECK (report IN ('queues','agents')),
        period TEXT NOT NULL CHECK (period IN ('daily','weekly','monthly')),
        format TEXT NOT NULL CHECK (format IN ('csv','xlsx')),
        recipients TEXT NOT NULL,
        mailbox_id INTEGER,
        language TEXT NOT NULL,
        created_by INTEGER,
        last_sent_for TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    // Daily sums beside the 15-minute buckets: a report over months reads whole UTC days from
    // here and only its partial first and last day from the buckets.
    id: 'reports/002_daily_rollup',
    up: `
      CREATE TABLE report_days (
        dim TEXT NOT NULL,
        day INTEGER NOT NULL,
        key TEXT NOT NULL,
        offered INTEGER NOT NULL DEFAULT 0,
        answered INTEGER NOT NULL DEFAULT 0,
        abandoned INTEGER NOT NULL DEFAULT 0,
        short_abandoned INTEGER NOT NULL DEFAULT 0,
        abandoned_pre_queue INTEGER NOT NULL DEFAULT 0,
        exited INTEGER NOT NULL DEFAULT 0,
        blocked INTEGER NOT NULL DEFAULT 0,
        answered_in_sl INTEGER NOT NULL DEFAULT 0,
        abandoned_in_sl INTEGER NOT NULL DEFAULT 0,
        wait_sum INTEGER NOT NULL DEFAULT 0,
        wait_max INTEGER NOT NULL DEFAULT 0,
        answered_wait_sum INTEGER NOT NULL DEFAULT 0,
        abandoned_wait_sum INTEGER NOT NULL DEFAULT 0,
        talk_sum INTEGER NOT NULL DEFAULT 0,
        hold_sum INTEGER NOT NULL DEFAULT 0,
        wrap_sum INTEGER NOT NULL DEFAULT 0,
        transfers_out INTEGER NOT NULL DEFAULT 0,
        transfers_in INTEGER NOT NULL DEFAULT 0,
        ring_attempts INTEGER NOT NULL DEFAULT 0,
        rona INTEGER NOT NULL DEFAULT 0,
        hung_customer INTEGER NOT NULL DEFAULT 0,
        hung_operator INTEGER NOT NULL DEFAULT 0,
        handled INTEGER NOT NULL DEFAULT 0,
        outbound INTEGER NOT NULL DEFAULT 0,
        outbound_answered INTEGER NOT NULL DEFAULT 0,
        repeat_calls INTEGER NOT NULL DEFAULT 0,
        callbacks INTEGER NOT NULL DEFAULT 0,
        callback_delay_sum INTEGER NOT NULL DEFAULT 0,
        wait_0 INTEGER NOT NULL DEFAULT 0,
        wait_10 INTEGER NOT NULL DEFAULT 0,
        wait_20 INTEGER NOT NULL DEFAULT 0,
        wait_30 INTEGER NOT NULL DEFAULT 0,
        wait_60 INTEGER NOT NULL DEFAULT 0,
        wait_120 INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (dim, day, key)
      ) WITHOUT ROWID;
      INSERT INTO report_days (dim, day, key, offered, answered, abandoned, short_abandoned, abandoned_pre_queue, exited, blocked, answered_in_sl, abandoned_in_sl, wait_sum, wait_max, answered_wait_sum, abandoned_wait_sum, talk_sum, hold_sum, wrap_sum, transfers_out, transfers_in, ring_attempts, rona, hung_customer, hung_operator, handled, outbound, outbound_answered, repeat_calls, callbacks, callback_delay_sum, wait_0, wait_10, wait_20, wait_30, wait_60, wait_120)
        SELECT dim, bucket - bucket % 86400, key, SUM(offered), SUM(answered), SUM(abandoned), SUM(short_abandoned), SUM(abandoned_pre_queue), SUM(exited), SUM(blocked), SUM(answered_in_sl), SUM(abandoned_in_sl), SUM(wait_sum), MAX(wait_max), SUM(answered_wait_sum), SUM(abandoned_wait_sum), SUM(talk_sum), SUM(hold_sum), SUM(wrap_sum), SUM(transfers_out), SUM(transfers_in), SUM(ring_attempts), SUM(rona), SUM(hung_customer), SUM(hung_operator), SUM(handled), SUM(outbound), SUM(outbound_answered), SUM(repeat_calls), SUM(callbacks), SUM(callback_delay_sum), SUM(wait_0), SUM(wait_10), SUM(wait_20), SUM(wait_30), SUM(wait_60), SUM(wait_120) FROM report_buckets GROUP BY dim, bucket - bucket % 86400, key;
    `,
  },
  {
    // Mail threads and chats, one row each, for first-response and resolution times: medians and
    // P90 need the values themselves, not sums. `awaiting_since`: a mail thread's oldest customer
    // message not answered yet. Kept by reports, so they survive retention deleting the dialogs.
    id: 'reports/003_dialogs',
    up: `
      CREATE TABLE report_dialogs (
        kind TEXT NOT NULL CHECK (kind IN ('mail','chat')),
        dialog_id INTEGER NOT NULL,
        bucket INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        site TEXT,
        mailbox TEXT,
        agent_id INTEGER,
        awaiting_since TEXT,
        first_response_at TEXT,
        frt_sec INTEGER,
        frt_biz_sec INTEGER,
        resolved_at TEXT,
        resolution_sec INTEGER,
        resolution_biz_sec INTEGER,
        PRIMARY KEY (kind, dialog_id)
      ) WITHOUT ROWID;
      CREATE INDEX report_dialogs_bucket ON report_dialogs(bucket);
      CREATE TABLE report_dialog_teams (
        kind TEXT NOT NULL,
        dialog_id INTEGER NOT NULL,
        team_id INTEGER NOT NULL,
        PRIMARY KEY (kind, dialog_id, team_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    // A scheduled report's periods are cut in its own time zone.
    id: 'reports/004_schedule_time_zone',
    up: `ALTER TABLE report_schedules ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';`,
  },
];
