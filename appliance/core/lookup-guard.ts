import type { Db } from './db.js';
import type { Clock } from './clock.js';
import type { AuditLog } from './audit.js';
import type { SessionUser } from './auth/sessions.js';
import { AppError } from './errors.js';

/**
 * A masked viewer may find a contact by a full number or address, and every such answer says
 * whether the guess was right. This guard makes that oracle worthless to a script: each lookup
 * is audited (kind and how many were found, never the value), each masked user has a budget per
 * short window and per day, and crossing it is refused, audited and reported to admins once per
 * window. Counting reads the audit log, so a restart forgives nothing.
 *
 * With the defaults an intern guessing the five hidden digits of one number (100 000 candidates)
 * gets 150 tries a day: finding it takes, on average, most of a year of refusals that admins see.
 */
export interface LookupBudget {
  /** Lookups allowed in any `windowMinutes`. */
  perWindow: number;
  windowMinutes: number;
  /** Lookups allowed in any 24 hours. */
  perDay: number;
}

export const defaultLookupBudget: LookupBudget = { perWindow: 20, windowMinutes: 10, perDay: 150 };

export type LookupKind = 'phone' | 'email' | 'tag';

export interface LookupAlert {
  userId: number;
  username: string;
  count: number;
  windowMinutes: number;
  at: string;
}

export class LookupGuard {
  private readonly countSince;
  private readonly alertedSince;
  private readonly listeners = new Set<(alert: LookupAlert) => void>();

  constructor(
    db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly budget: LookupBudget = defaultLookupBudget,
  ) {
    this.countSince = db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE actor_id = ? AND action = 'masking.lookup' AND at >= ?");
    this.alertedSince = db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE actor_id = ? AND action = 'masking.lookup_refused' AND at >= ?");
  }

  /** Admins' live alert (the realtime hub subscribes). */
  onAlert(listener: (alert: LookupAlert) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Spends one lookup of `viewer`, or throws LOOKUP_LIMIT_REACHED. Call before searching;
   * `done(found)` records the outcome in the audit log.
   */
  spend(viewer: Pick<SessionUser, 'id' | 'username'>, kind: LookupKind): { done(found: number): void } {
    const now = this.clock.now();
    const windowStart = new Date(now.getTime() - this.budget.windowMinutes * 60_000).toISOString();
    const dayStart = new Date(now.getTime() - 86_400_000).toISOString();
    const inWindow = (this.countSince.get(viewer.id, windowStart) as { n: number }).n;
    const inDay = (this.countSince.get(viewer.id, dayStart) as { n: number }).n;
    const overWindow = inWindow >= this.budget.perWindow;
    if (overWindow || inDay >= this.budget.perDay) {
      const minutes = overWindow ? this.budget.windowMinutes : 24 * 60;
      const since = overWindow ? windowStart : dayStart;
      // One alert per window: a script hammering the limit does not flood the admins.
      const firstRefusal = (this.alertedSince.get(viewer.id, since) as { n: number }).n === 0;
      this.audit.record({ actorId: viewer.id, action: 'masking.lookup_refused', targetType: 'user', targetId: viewer.id, details: { kind, windowMinutes: minutes } });
      if (firstRefusal) {
        const alert: LookupAlert = { userId: viewer.id, username: viewer.username, count: overWindow ? inWindow : inDay, windowMinutes: minutes, at: now.toISOString() };
        this.audit.record({ actorId: viewer.id, action: 'masking.lookup_burst', targetType: 'user', targetId: viewer.id, details: { count: alert.count, windowMinutes: minutes } });
        for (const l of this.listeners) l(alert);
      }
      throw new AppError('LOOKUP_LIMIT_REACHED', { count: overWindow ? this.budget.perWindow : this.budget.perDay, minutes });
    }
    return {
      done: (found) => this.audit.record({ actorId: viewer.id, action: 'masking.lookup', targetType: 'contact', details: { kind, found } }),
    };
  }
}
