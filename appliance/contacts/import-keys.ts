import { createHash } from 'node:crypto';
import type { Db } from '../core/db.js';

/**
 * Idempotency of CSV imports: the first result of an import is kept for a day under the user's
 * `Idempotency-Key` (or, when the client sent none, the file's own hash), so a retry after a
 * lost reply gets that result back instead of a second copy of every contact.
 */
export const IMPORT_KEY_TTL_MS = 86_400_000;

export interface StoredImport {
  bodyHash: string;
  result: { created: number; ids: number[] };
}

export function bodyHash(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

export class ImportKeys {
  private readonly find;
  private readonly insert;
  private readonly expire;

  constructor(db: Db) {
    this.find = db.prepare('SELECT body_hash, result FROM contact_import_keys WHERE user_id = ? AND key = ? AND created_at >= ?');
    this.insert = db.prepare(
      'INSERT INTO contact_import_keys (user_id, key, body_hash, result, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id, key) DO UPDATE SET body_hash = excluded.body_hash, result = excluded.result, created_at = excluded.created_at',
    );
    this.expire = db.prepare('DELETE FROM contact_import_keys WHERE created_at < ?');
  }

  get(userId: number, key: string, now: Date): StoredImport | null {
    const row = this.find.get(userId, key, new Date(now.getTime() - IMPORT_KEY_TTL_MS).toISOString()) as { body_hash: string; result: string } | undefined;
    return row ? { bodyHash: row.body_hash, result: JSON.parse(row.result) as StoredImport['result'] } : null;
  }

  /** Call inside the import's transaction. */
  save(userId: number, key: string, hash: string, result: StoredImport['result'], now: Date): void {
    this.expire.run(new Date(now.getTime() - IMPORT_KEY_TTL_MS).toISOString());
    this.insert.run(userId, key, hash, JSON.stringify(result), now.toISOString());
  }
}
