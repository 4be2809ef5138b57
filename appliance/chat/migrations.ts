import type { Migration } from '../core/db.js';

/**
 * Website chat: sites (with their allowed origins, team and admins), visitors (resume tokens,
 * verified identities), conversations with per-conversation sequence numbers, messages (a
 * visitor's client id makes a re-sent message idempotent) and content-addressed files.
 * Append-only.
 */
export const chatMigrations: Migration[] = [
  {
    id: 'chat/001_sites_conversations',
    up: `
      CREATE TABLE chat_sites (
        id INTEGER PRIMARY KEY,
        public_key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL,
        settings TEXT NOT NULL,
        secret TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE chat_site_origins (
        site_id INTEGER NOT NULL REFERENCES chat_sites(id) ON DELETE CASCADE,
        origin TEXT NOT NULL,
        registrable_domain TEXT NOT NULL,
        PRIMARY KEY (site_id, origin)
      );
      CREATE INDEX chat_site_origins_domain ON chat_site_origins(registrable_domain);
      CREATE TABLE chat_site_admins (
        site_id INTEGER NOT NULL REFERENCES chat_sites(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (site_id, user_id)
      );
      CREATE TABLE chat_visitors (
        id INTEGER PRIMARY KEY,
        site_id INTEGER NOT NULL REFERENCES chat_sites(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        contact_id INTEGER,
        external_id TEXT,
        verified INTEGER NOT NULL DEFAULT 0,
        name TEXT,
        email TEXT,
        phone TEXT,
        language TEXT,
        created_at TEXT NOT NULL,
        seen_at TEXT NOT NULL
      );
      CREATE TABLE chat_identities (
        registrable_domain TEXT NOT NULL,
        external_id TEXT NOT NULL,
        contact_id INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (registrable_domain, external_id)
      );
      CREATE TABLE chat_conversations (
        id INTEGER PRIMARY KEY,
        site_id INTEGER NOT NULL REFERENCES chat_sites(id) ON DELETE CASCADE,
        visitor_id INTEGER NOT NULL REFERENCES chat_visitors(id) ON DELETE CASCADE,
        contact_id INTEGER,
        mode TEXT NOT NULL CHECK (mode IN ('live', 'message')),
        state TEXT NOT NULL CHECK (state IN ('waiting', 'active', 'closed')),
        operator_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL,
        language TEXT NOT NULL,
        form TEXT NOT NULL DEFAULT '{}',
        page_url TEXT,
        last_seq INTEGER NOT NULL DEFAULT 0,
        visitor_read_seq INTEGER NOT NULL DEFAULT 0,
        operator_read_seq INTEGER NOT NULL DEFAULT 0,
        rating INTEGER,
        rating_comment TEXT,
        created_at TEXT NOT NULL,
        accepted_at TEXT,
        first_response_at TEXT,
        closed_at TEXT,
        closed_by TEXT
      );
      CREATE INDEX chat_conversations_state ON chat_conversations(state, site_id, created_at);
      CREATE INDEX chat_conversations_visitor ON chat_conversations(visitor_id, state);
      CREATE INDEX chat_conversations_contact ON chat_conversations(contact_id, created_at);
      CREATE INDEX chat_conversations_created ON chat_conversations(created_at);
      CREATE TABLE chat_files (
        sha256 TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE chat_messages (
        conversation_id INTEGER NOT NULL REFERENCES chat_conversations(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        author TEXT NOT NULL CHECK (author IN ('visitor', 'operator', 'system', 'note')),
        operator_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        client_id TEXT,
        text TEXT NOT NULL,
        file_sha256 TEXT REFERENCES chat_files(sha256),
        file_name TEXT,
        file_type TEXT,
        file_bytes INTEGER,
        at TEXT NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX chat_messages_client ON chat_messages(conversation_id, author, client_id) WHERE client_id IS NOT NULL;
      CREATE INDEX chat_messages_file ON chat_messages(file_sha256) WHERE file_sha256 IS NOT NULL;
    `,
  },
];
