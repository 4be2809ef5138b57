import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

/**
 * One migration of one capability. Ids are `<capability>/<NNN>_<name>`; they are applied in the
 * order capabilities are listed, then by number, and recorded in `schema_migrations`.
 * Migrations are append-only: never edit one that has shipped, add the next number.
 */
export interface Migration {
  id: string;
  up: string | ((db: Db) => void);
}

export function openDatabase(file: string, options: { readonly?: boolean } = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { readonly: options.readonly ?? false });
  if (!options.readonly) db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  return db;
}

const MIGRATION_ID = /^[a-z][a-z0-9-]*\/\d{3}_[a-z0-9_]+$/;

/** Applies every migration not yet recorded, each in its own transaction. Returns the ids applied. */
export function runMigrations(db: Db, migrations: readonly Migration[]): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
  )`);
  const seen = new Set<string>();
  for (const m of migrations) {
    if (!MIGRATION_ID.test(m.id)) throw new TypeError(`migration id ${m.id} must look like capability/001_name`);
    if (seen.has(m.id)) throw new TypeError(`migration ${m.id} is listed twice`);
    seen.add(m.id);
  }
  const applied = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((r) => r.id),
  );
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  const done: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.id)) continue;
    db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      record.run(m.id, new Date().toISOString());
    })();
    done.push(m.id);
  }
  return done;
}

export function appliedMigrations(db: Db): string[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'").get();
  if (!exists) return [];
  return (db.prepare('SELECT id FROM schema_migrations ORDER BY rowid').all() as { id: string }[]).map((r) => r.id);
}
