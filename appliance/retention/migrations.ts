import type { Migration } from '../core/db.js';

/**
 * Policies (one row per class; `days` NULL = keep forever), legal holds, the deletion journal
 * (counts only, never content) and the pending marks that make a sweep crash-safe: items are
 * marked before their files are unlinked and unmarked in the same transaction that counts them.
 */
export const retentionMigrations: Migration[] = [
  {
    id: 'retention/001_init',
    up: `
      CREATE TABLE retention_policies (
        class TEXT PRIMARY KEY,
        days INTEGER CHECK (days IS NULL OR (days >= 1 AND days <= 36500)),
        source TEXT NOT NULL CHECK (source IN ('default','config','admin','cli')),
        updated_at TEXT NOT NULL,
        updated_by INTEGER
      );
      CREATE TABLE legal_holds (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL CHECK (scope IN ('contact','call','mail_thread','chat')),
        target_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by INTEGER,
        released_at TEXT,
        released_by INTEGER
      );
      CREATE UNIQUE INDEX legal_holds_active ON legal_holds(scope, target_id) WHERE released_at IS NULL;
      CREATE TABLE retention_journal (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL,
        class TEXT NOT NULL,
        policy_days INTEGER NOT NULL,
        as_of TEXT NOT NULL,
        cutoff TEXT NOT NULL,
        trigger TEXT NOT NULL,
        actor TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running','finished','interrupted','failed')),
        items INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        heartbeat_at TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        error TEXT
      );
      CREATE INDEX retention_journal_started ON retention_journal(started_at);
      CREATE INDEX retention_journal_status ON retention_journal(status);
      CREATE TABLE retention_pending (
        class TEXT NOT NULL,
        item_id TEXT NOT NULL,
        journal_id INTEGER NOT NULL REFERENCES retention_journal(id),
        bytes INTEGER NOT NULL,
        files TEXT NOT NULL,
        PRIMARY KEY (class, item_id)
      );
    `,
  },
];
