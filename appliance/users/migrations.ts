import type { Migration } from '../core/db.js';

/**
 * Teams and the offboarding columns. The `users` table itself is core's (`core/001_init`); this
 * capability only adds to it. Append-only.
 */
export const usersMigrations: Migration[] = [
  {
    id: 'users/001_teams_offboarding',
    up: `
      ALTER TABLE users ADD COLUMN deactivated_at TEXT;
      ALTER TABLE users ADD COLUMN deactivated_by INTEGER REFERENCES users(id);
      CREATE TABLE teams (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        description TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE team_members (
        team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (team_id, user_id)
      );
      CREATE INDEX team_members_user ON team_members(user_id);
    `,
  },
];
