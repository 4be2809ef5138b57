import type { Migration } from '../core/db.js';

/**
 * Mail tables. The retention capability reads `mail_messages.received_at` (the IMAP server's
 * INTERNALDATE, or the send time for outgoing mail), `raw_path`/`raw_bytes` and
 * `mail_attachments.path`/`bytes`; paths are relative to the data directory.
 */
export const mailMigrations: Migration[] = [
  {
    id: 'mail/001_init',
    up: `
      CREATE TABLE mail_mailboxes (
        id INTEGER PRIMARY KEY,
        address TEXT NOT NULL UNIQUE COLLATE NOCASE,
        imap_host TEXT NOT NULL, imap_port INTEGER NOT NULL, imap_security TEXT NOT NULL,
        imap_username TEXT NOT NULL, imap_password_enc TEXT NOT NULL,
        smtp_host TEXT NOT NULL, smtp_port INTEGER NOT NULL, smtp_security TEXT NOT NULL,
        smtp_username TEXT NOT NULL, smtp_password_enc TEXT NOT NULL,
        team_id INTEGER, owner_id INTEGER,
        folders TEXT NOT NULL DEFAULT '["INBOX"]',
        enabled INTEGER NOT NULL DEFAULT 1,
        state TEXT NOT NULL DEFAULT 'new',
        error TEXT,
        last_sync_at TEXT,
        progress_done INTEGER NOT NULL DEFAULT 0,
        progress_total INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      );
      CREATE TABLE mail_folders (
        id INTEGER PRIMARY KEY,
        mailbox_id INTEGER NOT NULL REFERENCES mail_mailboxes(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        uidvalidity TEXT,
        last_uid INTEGER NOT NULL DEFAULT 0,
        UNIQUE (mailbox_id, path)
      );
      CREATE TABLE mail_threads (
        id INTEGER PRIMARY KEY,
        subject_key TEXT NOT NULL,
        last_message_at TEXT NOT NULL
      );
      CREATE INDEX mail_threads_subject ON mail_threads(subject_key, last_message_at);
      CREATE TABLE mail_messages (
        id INTEGER PRIMARY KEY,
        message_id TEXT NOT NULL,
        message_id_synthetic INTEGER NOT NULL DEFAULT 0,
        content_hash TEXT NOT NULL,
        thread_id INTEGER NOT NULL REFERENCES mail_threads(id),
        mailbox_id INTEGER REFERENCES mail_mailboxes(id) ON DELETE SET NULL,
        direction TEXT NOT NULL CHECK (direction IN ('in','out')),
        subject TEXT NOT NULL DEFAULT '',
        from_json TEXT NOT NULL,
        to_json TEXT NOT NULL,
        cc_json TEXT NOT NULL,
        in_reply_to TEXT,
        references_json TEXT NOT NULL DEFAULT '[]',
        date TEXT,
        received_at TEXT NOT NULL,
        body_text TEXT NOT NULL DEFAULT '',
        has_html INTEGER NOT NULL DEFAULT 0,
        raw_path TEXT NOT NULL,
        raw_bytes INTEGER NOT NULL,
        assignee_id INTEGER,
        original_assignee_id INTEGER,
        delegation_id INTEGER,
        routed_by_rule_id INTEGER,
        sent_by_user_id INTEGER,
        created_at TEXT NOT NULL,
        UNIQUE (message_id, content_hash)
      );
      CREATE INDEX mail_messages_thread ON mail_messages(thread_id);
      CREATE INDEX mail_messages_received ON mail_messages(received_at);
      CREATE INDEX mail_messages_assignee ON mail_messages(assignee_id);
      CREATE INDEX mail_messages_mid ON mail_messages(message_id);
      CREATE TABLE mail_sightings (
        id INTEGER PRIMARY KEY,
        message_id INTEGER NOT NULL REFERENCES mail_messages(id) ON DELETE CASCADE,
        mailbox_id INTEGER NOT NULL REFERENCES mail_mailboxes(id) ON DELETE CASCADE,
        folder_id INTEGER NOT NULL REFERENCES mail_folders(id) ON DELETE CASCADE,
        uidvalidity TEXT NOT NULL,
        uid INTEGER NOT NULL,
        UNIQUE (folder_id, uidvalidity, uid)
      );
      CREATE INDEX mail_sightings_message ON mail_sightings(message_id);
      CREATE INDEX mail_sightings_mailbox ON mail_sightings(mailbox_id, message_id);
      CREATE TABLE mail_attachments (
        id INTEGER PRIMARY KEY,
        message_id INTEGER NOT NULL REFERENCES mail_messages(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        content_type TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL
      );
      CREATE INDEX mail_attachments_message ON mail_attachments(message_id);
      CREATE INDEX mail_attachments_path ON mail_attachments(path);
      CREATE TABLE mail_message_contacts (
        message_id INTEGER NOT NULL REFERENCES mail_messages(id) ON DELETE CASCADE,
        contact_id INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('from','to','cc')),
        PRIMARY KEY (message_id, contact_id, role)
      );
      CREATE INDEX mail_message_contacts_contact ON mail_message_contacts(contact_id, message_id);
      CREATE TABLE mail_tombstones (
        message_id TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        deleted_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (message_id, content_hash)
      );
      CREATE TABLE mail_quarantine (
        id INTEGER PRIMARY KEY,
        mailbox_id INTEGER NOT NULL REFERENCES mail_mailboxes(id) ON DELETE CASCADE,
        folder_id INTEGER NOT NULL REFERENCES mail_folders(id) ON DELETE CASCADE,
        uidvalidity TEXT NOT NULL,
        uid INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        error TEXT NOT NULL,
        raw_path TEXT,
        raw_bytes INTEGER,
        received_at TEXT,
        quarantined_at TEXT NOT NULL,
        UNIQUE (folder_id, uidvalidity, uid)
      );
      CREATE TABLE mail_routing_rules (
        id INTEGER PRIMARY KEY,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        conditions_json TEXT NOT NULL,
        action_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE mail_team_cursor (
        team_id INTEGER PRIMARY KEY,
        last_user_id INTEGER NOT NULL
      );
      CREATE TABLE mail_delegations (
        id INTEGER PRIMARY KEY,
        from_user_id INTEGER NOT NULL,
        to_user_id INTEGER NOT NULL,
        mailbox_id INTEGER REFERENCES mail_mailboxes(id) ON DELETE CASCADE,
        starts_at TEXT NOT NULL,
        until TEXT,
        revoked_at TEXT,
        created_by INTEGER,
        created_at TEXT NOT NULL
      );
      CREATE INDEX mail_delegations_from ON mail_delegations(from_user_id);
      CREATE TABLE mail_access (
        mailbox_id INTEGER NOT NULL REFERENCES mail_mailboxes(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL,
        PRIMARY KEY (mailbox_id, user_id)
      );
    `,
  },
  {
    // Deleting messages asks whether another message still uses the same raw file.
    id: 'mail/002_raw_path_index',
    up: 'CREATE INDEX mail_messages_raw_path ON mail_messages(raw_path);',
  },
  {
    // A contact's timeline reads its own messages newest first from one index range: each link
    // carries its message's received_at (written with the link, copied on merge).
    id: 'mail/003_contact_timeline',
    up: `
      ALTER TABLE mail_message_contacts ADD COLUMN received_at TEXT NOT NULL DEFAULT '';
      UPDATE mail_message_contacts SET received_at = coalesce((SELECT m.received_at FROM mail_messages m WHERE m.id = mail_message_contacts.message_id), '');
      CREATE INDEX mail_message_contacts_timeline ON mail_message_contacts(contact_id, received_at, message_id);
    `,
  },
  {
    // Reply templates an admin or supervisor keeps for everyone, with {{placeholders}}.
    id: 'mail/004_templates',
    up: `
      CREATE TABLE mail_templates (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        created_by INTEGER,
        updated_at TEXT NOT NULL
      );
    `,
  },
];
