import type { Migration } from '../core/db.js';

/**
 * Trunks and what hangs off them. `settings` is the kind's JSON (secrets included: Asterisk
 * needs them in its files). A DID is unique across all trunks (its primary key); outbound
 * rules are per trunk and prefix, and routes are derived from them.
 */
export const trunksMigrations: Migration[] = [
  {
    id: 'trunks/001_init',
    up: `
      CREATE TABLE trunks (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        settings TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE trunk_dids (
        did TEXT PRIMARY KEY,
        trunk_id INTEGER NOT NULL REFERENCES trunks(id) ON DELETE CASCADE,
        channel INTEGER,
        target TEXT NOT NULL
      );
      CREATE INDEX trunk_dids_trunk ON trunk_dids(trunk_id);
      CREATE TABLE trunk_outbound (
        trunk_id INTEGER NOT NULL REFERENCES trunks(id) ON DELETE CASCADE,
        prefix TEXT NOT NULL,
        strip INTEGER NOT NULL,
        prepend TEXT NOT NULL,
        priority INTEGER NOT NULL,
        PRIMARY KEY (trunk_id, prefix)
      );
    `,
  },
];
