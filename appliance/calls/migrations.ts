import type { Migration } from '../core/db.js';

/**
 * One row per call (all legs under one Asterisk Linkedid, kept as JSON beside the summary
 * columns the API, reports and retention query). `started_at` is ISO UTC; recordings' `path`
 * is relative to the data directory. `user_endpoints` ties a user to their phone(s).
 */
export const callsMigrations: Migration[] = [
  {
    id: 'calls/001_calls_recordings_endpoints',
    up: `
      CREATE TABLE calls (
        id INTEGER PRIMARY KEY,
        linked_id TEXT NOT NULL UNIQUE,
        direction TEXT NOT NULL CHECK (direction IN ('inbound','outbound','internal')),
        from_number TEXT,
        to_number TEXT,
        did TEXT,
        trunk TEXT,
        queue TEXT,
        operator_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        contact_id INTEGER,
        started_at TEXT NOT NULL,
        answered_at TEXT,
        ended_at TEXT,
        wait_sec INTEGER NOT NULL DEFAULT 0,
        talk_sec INTEGER NOT NULL DEFAULT 0,
        disposition TEXT CHECK (disposition IN ('answered','missed','abandoned','busy','failed','no_channel')),
        held INTEGER NOT NULL DEFAULT 0,
        transferred INTEGER NOT NULL DEFAULT 0,
        reconciled INTEGER NOT NULL DEFAULT 0,
        legs TEXT NOT NULL,
        operator_ids TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
      );
      CREATE INDEX calls_started ON calls(started_at);
      CREATE INDEX calls_contact ON calls(contact_id, started_at);
      CREATE INDEX calls_operator ON calls(operator_id, started_at);
      CREATE TABLE recordings (
        id INTEGER PRIMARY KEY,
        call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
        path TEXT NOT NULL UNIQUE,
        format TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        duration_sec REAL NOT NULL,
        source TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX recordings_call ON recordings(call_id);
      CREATE TABLE user_endpoints (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        endpoint TEXT NOT NULL UNIQUE,
        PRIMARY KEY (user_id, endpoint)
      );
    `,
  },
  {
    // An operator's call list and the open calls after a reconnect were full scans (a LIKE on
    // operator_ids, ended_at IS NULL): at ten million calls, seconds each on the event loop.
    id: 'calls/002_operator_and_open_indexes',
    up: `
      CREATE TABLE call_operators (
        operator_id INTEGER NOT NULL,
        -- the call's started_at, so an operator's newest calls are one index range
        started_at TEXT NOT NULL,
        call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
        PRIMARY KEY (operator_id, started_at, call_id)
      ) WITHOUT ROWID;
      CREATE INDEX call_operators_call ON call_operators(call_id, operator_id);
      INSERT OR IGNORE INTO call_operators (operator_id, started_at, call_id)
        SELECT CAST(j.value AS INTEGER), c.started_at, c.id
        FROM calls c, json_each('[' || trim(c.operator_ids, ',') || ']') j
        WHERE c.operator_ids <> '';
      CREATE INDEX calls_open ON calls(linked_id) WHERE ended_at IS NULL;
    `,
  },
  {
    // Each pass through a queue (wait, ring attempts, who answered, talk, how it ended), and who hung up.
    id: 'calls/003_stints',
    up: `
      ALTER TABLE calls ADD COLUMN stints TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE calls ADD COLUMN hung_up_by TEXT CHECK (hung_up_by IN ('customer','operator'));
    `,
  },
];
