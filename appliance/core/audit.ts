import type { Db } from './db.js';
import type { Clock } from './clock.js';

export interface AuditEntry {
  actorId: number | null;
  action: string;
  targetType?: string;
  targetId?: string | number;
  details?: Record<string, unknown>;
}

/** Append-only audit log: who did what to what. Details never hold customer content. */
export class AuditLog {
  private readonly insert;
  constructor(db: Db, private readonly clock: Clock) {
    this.insert = db.prepare(
      'INSERT INTO audit_log (at, actor_id, action, target_type, target_id, details) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  record(entry: AuditEntry): void {
    this.insert.run(
      this.clock.now().toISOString(),
      entry.actorId,
      entry.action,
      entry.targetType ?? null,
      entry.targetId === undefined ? null : String(entry.targetId),
      entry.details ? JSON.stringify(entry.details) : null,
    );
  }
}
