import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db.js';
import type { Clock } from '../clock.js';
import { isDiskFull } from '../storage-state.js';

export type Role = 'admin' | 'supervisor' | 'operator' | 'intern';
export const ROLES: readonly Role[] = ['admin', 'supervisor', 'operator', 'intern'];

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  language: string | null;
}

export interface Session {
  idHash: string;
  user: SessionUser;
  csrfToken: string;
}

interface SessionRow {
  id_hash: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  user_id: number;
  username: string;
  display_name: string;
  role: Role;
  language: string | null;
  active: number;
}

const hashId = (id: string) => createHash('sha256').update(id).digest('hex');

/**
 * Server-side sessions. The cookie carries 256 random bits; only their hash is stored, so a
 * copy of the database does not hand out live sessions. Revoking deletes rows: the very next
 * request with that cookie finds nothing.
 */
export class SessionStore {
  private readonly insert;
  private readonly byHash;
  private readonly touch;
  private readonly remove;
  private readonly removeForUser;
  private readonly listForUser;
  private readonly listeners = new Set<(idHashes: string[], userId: number) => void>();

  constructor(
    db: Db,
    private readonly clock: Clock,
    private readonly limits: { idleMinutes: number; absoluteHours: number },
  ) {
    this.insert = db.prepare(
      'INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.byHash = db.prepare(
      `SELECT s.id_hash, s.csrf_token, s.created_at, s.last_seen_at, u.id AS user_id, u.username, u.display_name, u.role, u.language, u.active
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`,
    );
    this.touch = db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?');
    this.remove = db.prepare('DELETE FROM sessions WHERE id_hash = ?');
    this.removeForUser = db.prepare('DELETE FROM sessions WHERE user_id = ?');
    this.listForUser = db.prepare('SELECT id_hash FROM sessions WHERE user_id = ?');
  }

  create(userId: number, meta: { ip?: string; userAgent?: string } = {}): { id: string; csrfToken: string } {
    const id = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.clock.now().getTime();
    this.insert.run(hashId(id), userId, csrfToken, now, now, meta.ip ?? null, meta.userAgent?.slice(0, 300) ?? null);
    return { id, csrfToken };
  }

  /** Resolves a cookie value to a live session, or null (unknown, idle too long, too old, user inactive). */
  resolve(id: string): Session | null {
    const idHash = hashId(id);
    const row = this.byHash.get(idHash) as SessionRow | undefined;
    if (!row) return null;
    const now = this.clock.now().getTime();
    const idleExpired = now - row.last_seen_at > this.limits.idleMinutes * 60_000;
    const absoluteExpired = now - row.created_at > this.limits.absoluteHours * 3_600_000;
    if (idleExpired || absoluteExpired || !row.active) {
      this.remove.run(idHash);
      this.notify([idHash], row.user_id);
      return null;
    }
    // Write the last-seen time at most once a minute: a busy UI must not turn reads into writes.
    if (now - row.last_seen_at > 60_000) {
      try {
        this.touch.run(now, idHash);
      } catch (err) {
        // On a full disk the last-seen time waits; the request itself (often a read) goes on.
        if (!isDiskFull(err)) throw err;
      }
    }
    return {
      idHash,
      csrfToken: row.csrf_token,
      user: { id: row.user_id, username: row.username, displayName: row.display_name, role: row.role, language: row.language },
    };
  }

  destroy(id: string): void {
    const idHash = hashId(id);
    const row = this.byHash.get(idHash) as SessionRow | undefined;
    this.remove.run(idHash);
    if (row) this.notify([idHash], row.user_id);
  }

  /** Ends every session of a user at once (deactivation, password change, offboarding). */
  revokeUser(userId: number): number {
    const hashes = (this.listForUser.all(userId) as { id_hash: string }[]).map((r) => r.id_hash);
    this.removeForUser.run(userId);
    this.notify(hashes, userId);
    return hashes.length;
  }

  /** Realtime connections subscribe so that sockets of a revoked session close at once. */
  onRevoked(listener: (idHashes: string[], userId: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  static hash(id: string): string {
    return hashId(id);
  }

  private notify(idHashes: string[], userId: number): void {
    for (const l of this.listeners) l(idHashes, userId);
  }
}
