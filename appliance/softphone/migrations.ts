import type { Migration } from '../core/db.js';

/**
 * One softphone per user: the SIP credentials the appliance generated for them. The password is
 * kept readable because Asterisk's endpoint and the operator's browser both need it; the database
 * file is readable by the service account only.
 */
export const softphoneMigrations: readonly Migration[] = [
  {
    id: 'softphone/001_phones',
    up: `CREATE TABLE softphone_phones (
      user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      sip_user TEXT NOT NULL UNIQUE,
      sip_password TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`,
  },
  {
    // An administrator's "no phone for this person": kept until an administrator issues one
    // again, so neither a restart nor a role change hands the credentials back.
    id: 'softphone/002_revoked',
    up: `CREATE TABLE softphone_revoked (
      user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      revoked_at TEXT NOT NULL
    )`,
  },
];
