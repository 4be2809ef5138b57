import type { Migration } from '../core/db.js';

/** Contacts and what hangs off them. Append-only: add `contacts/002_…`, never edit this one. */
export const contactsMigrations: Migration[] = [
  {
    id: 'contacts/001_init',
    up: `
      CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person','company')),
        name TEXT NOT NULL,
        -- lower-cased in JS (SQLite's lower() and LIKE fold ASCII only; names are often Cyrillic)
        name_fold TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'lead' CHECK (status IN ('lead','client')),
        owner_id INTEGER REFERENCES users(id),
        -- a merged-away contact stays as a pointer so old ids (in calls, mail, links) still resolve
        merged_into INTEGER REFERENCES contacts(id),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX contacts_owner ON contacts(owner_id);
      CREATE INDEX contacts_merged_into ON contacts(merged_into);
      CREATE TABLE contact_phones (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        e164 TEXT NOT NULL,
        digits TEXT NOT NULL,
        position INTEGER NOT NULL,
        UNIQUE (contact_id, e164)
      );
      CREATE INDEX contact_phones_e164 ON contact_phones(e164);
      CREATE TABLE contact_emails (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        position INTEGER NOT NULL,
        UNIQUE (contact_id, address)
      );
      CREATE INDEX contact_emails_address ON contact_emails(address);
      CREATE TABLE contact_tags (
        contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        tag_fold TEXT NOT NULL,
        PRIMARY KEY (contact_id, tag_fold)
      );
      CREATE INDEX contact_tags_fold ON contact_tags(tag_fold);
      CREATE TABLE contact_notes (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        author_id INTEGER REFERENCES users(id),
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX contact_notes_contact ON contact_notes(contact_id, created_at);
    `,
  },
];
