import type { Db, Migration } from '../core/db.js';
import { phoneSearchDigits, searchKey } from './search-keys.js';

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
  {
    // Search on indexes instead of scanning every contact. Kept by triggers, so every write
    // (create, edit, merge, import, deletes cascading from contacts) updates them in its own
    // transaction. Rows of the n-gram tables are keyed contact_id * 64 + position, so a
    // contact's values sit together in contact order.
    id: 'contacts/002_search_indexes',
    up: (db) => {
      db.exec(`
        ALTER TABLE contacts ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
        CREATE VIRTUAL TABLE contact_words USING fts5(name_key, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3', detail = none);
        CREATE VIRTUAL TABLE contact_phone_grams USING fts5(digits, tokenize = 'trigram', detail = none);
        CREATE VIRTUAL TABLE contact_email_grams USING fts5(address, tokenize = 'trigram', detail = none);
      `);
      const rows = db.prepare('SELECT id, name FROM contacts').all() as { id: number; name: string }[];
      const setKey = db.prepare('UPDATE contacts SET name_key = ? WHERE id = ?');
      for (const r of rows) setKey.run(searchKey(r.name), r.id);
      const phones = db.prepare('SELECT id, e164 FROM contact_phones').all() as { id: number; e164: string }[];
      const setDigits = db.prepare('UPDATE contact_phones SET digits = ? WHERE id = ?');
      for (const p of phones) setDigits.run(phoneSearchDigits(p.e164), p.id);
      db.exec(`
        ${SEARCH_TRIGGERS}
        CREATE INDEX contacts_live_name_key ON contacts(name_key, id) WHERE merged_into IS NULL;
        CREATE INDEX contacts_live_name ON contacts(name_fold, id) WHERE merged_into IS NULL;
        CREATE INDEX contact_tags_fold_contact ON contact_tags(tag_fold, contact_id);
        CREATE INDEX contact_phones_e164_contact ON contact_phones(e164, contact_id);
        CREATE INDEX contact_emails_address_contact ON contact_emails(address, contact_id);
        DROP INDEX contact_tags_fold;
        DROP INDEX contact_phones_e164;
        DROP INDEX contact_emails_address;
      `);
      rebuildSearchIndexes(db);
    },
  },
  {
    // A CSV import retried after a lost reply answers with the first result instead of importing twice.
    id: 'contacts/003_import_keys',
    up: `
      CREATE TABLE contact_import_keys (
        user_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (user_id, key)
      );
      CREATE INDEX contact_import_keys_created ON contact_import_keys(created_at);
    `,
  },
];

/** The triggers keeping the search tables in step with contacts, phones and e-mails. */
const SEARCH_TRIGGERS = `
  CREATE TRIGGER contact_words_ai AFTER INSERT ON contacts WHEN new.merged_into IS NULL BEGIN
    INSERT OR REPLACE INTO contact_words (rowid, name_key) VALUES (new.id, new.name_key);
  END;
  CREATE TRIGGER contact_words_au AFTER UPDATE OF name_key, merged_into ON contacts BEGIN
    DELETE FROM contact_words WHERE rowid = old.id;
    INSERT OR REPLACE INTO contact_words (rowid, name_key) SELECT new.id, new.name_key WHERE new.merged_into IS NULL;
  END;
  CREATE TRIGGER contact_words_ad AFTER DELETE ON contacts BEGIN
    DELETE FROM contact_words WHERE rowid = old.id;
  END;
  CREATE TRIGGER contact_phone_grams_ai AFTER INSERT ON contact_phones BEGIN
    INSERT OR REPLACE INTO contact_phone_grams (rowid, digits) VALUES (new.contact_id * 64 + new.position % 64, new.digits);
  END;
  CREATE TRIGGER contact_phone_grams_au AFTER UPDATE ON contact_phones BEGIN
    DELETE FROM contact_phone_grams WHERE rowid = old.contact_id * 64 + old.position % 64;
    INSERT OR REPLACE INTO contact_phone_grams (rowid, digits) VALUES (new.contact_id * 64 + new.position % 64, new.digits);
  END;
  CREATE TRIGGER contact_phone_grams_ad AFTER DELETE ON contact_phones BEGIN
    DELETE FROM contact_phone_grams WHERE rowid = old.contact_id * 64 + old.position % 64;
  END;
  CREATE TRIGGER contact_email_grams_ai AFTER INSERT ON contact_emails BEGIN
    INSERT OR REPLACE INTO contact_email_grams (rowid, address) VALUES (new.contact_id * 64 + new.position % 64, new.address);
  END;
  CREATE TRIGGER contact_email_grams_au AFTER UPDATE ON contact_emails BEGIN
    DELETE FROM contact_email_grams WHERE rowid = old.contact_id * 64 + old.position % 64;
    INSERT OR REPLACE INTO contact_email_grams (rowid, address) VALUES (new.contact_id * 64 + new.position % 64, new.address);
  END;
  CREATE TRIGGER contact_email_grams_ad AFTER DELETE ON contact_emails BEGIN
    DELETE FROM contact_email_grams WHERE rowid = old.contact_id * 64 + old.position % 64;
  END;
`;

/**
 * Refills the search tables for contacts with ids in [fromId, toId] (all by default) from the
 * contact tables. Used by the migration and when the check at start finds them out of step.
 */
export function rebuildSearchIndexes(db: Db, fromId = 0, toId = Number.MAX_SAFE_INTEGER): void {
  const lo = fromId * 64;
  const hi = toId * 64 + 63;
  db.prepare('DELETE FROM contact_words WHERE rowid BETWEEN ? AND ?').run(fromId, toId);
  db.prepare('DELETE FROM contact_phone_grams WHERE rowid BETWEEN ? AND ?').run(lo, hi);
  db.prepare('DELETE FROM contact_email_grams WHERE rowid BETWEEN ? AND ?').run(lo, hi);
  db.prepare('INSERT OR REPLACE INTO contact_words (rowid, name_key) SELECT id, name_key FROM contacts WHERE merged_into IS NULL AND id BETWEEN ? AND ?').run(fromId, toId);
  db.prepare('INSERT OR REPLACE INTO contact_phone_grams (rowid, digits) SELECT contact_id * 64 + position % 64, digits FROM contact_phones WHERE contact_id BETWEEN ? AND ?').run(fromId, toId);
  db.prepare('INSERT OR REPLACE INTO contact_email_grams (rowid, address) SELECT contact_id * 64 + position % 64, address FROM contact_emails WHERE contact_id BETWEEN ? AND ?').run(fromId, toId);
}
