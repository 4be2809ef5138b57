import type { Migration } from '../core/db.js';

/**
 * Agent states. `agent_sessions` holds each operator's current state (one row while logged in
 * to queues); `agent_state_log` is the timeline, one row per state with its start and end;
 * `agent_pause_reasons` are the reasons an admin offers; `agent_queues` the queues operators may
 * log in to with each queue's wrap-up time.
 */
export const agentsMigrations: Migration[] = [
  {
    id: 'agents/001_states',
    up: `
      CREATE TABLE agent_pause_reasons (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
      );
      CREATE TABLE agent_queues (
        queue TEXT PRIMARY KEY,
        wrapup_sec INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE agent_sessions (
        user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        interface TEXT NOT NULL,
        queues TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('available','paused','wrapup')),
        reason TEXT,
        queue TEXT,
        since TEXT NOT NULL,
        wrapup_until TEXT
      );
      CREATE TABLE agent_state_log (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL,
        state TEXT NOT NULL,
        reason TEXT,
        queue TEXT,
        started_at TEXT NOT NULL,
        ended_at TEXT
      );
      CREATE INDEX agent_state_log_user ON agent_state_log(user_id, started_at);
    `,
  },
];
