import type { Db } from '../core/db.js';
import type { Clock } from '../core/clock.js';
import type { AuditLog } from '../core/audit.js';
import { AppError } from '../core/errors.js';
import type { LegalHold, RetentionRepository } from './repository.js';
import type { HoldScope } from './types.js';
import './errors.js';

/**
 * Legal holds on a contact or a single dialog: while held, the sweep never selects the items.
 * Placing and releasing are audited; the reason stays in `legal_holds`, since the audit log
 * never holds free text about customers.
 */
export class LegalHolds {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog | null,
    private readonly repo: RetentionRepository,
  ) {}

  place(scope: HoldScope, targetId: string, reason: string, actorId: number | null): LegalHold {
    const existing = this.repo.activeHold(scope, targetId);
    if (existing) throw new AppError('LEGAL_HOLD_EXISTS', { scope, id: existing.id });
    const at = this.clock.now().toISOString();
    const id = this.db.transaction(() => {
      const newId = this.repo.insertHold(scope, targetId, reason, at, actorId);
      this.audit?.record({ actorId, action: 'retention.hold_placed', targetType: `legal_hold:${scope}`, targetId, details: { holdId: newId } });
      return newId;
    })();
    return this.repo.hold(id)!;
  }

  release(id: number, actorId: number | null): LegalHold {
    const hold = this.repo.hold(id);
    if (!hold || hold.releasedAt) throw new AppError('LEGAL_HOLD_NOT_FOUND', { id });
    this.db.transaction(() => {
      this.repo.releaseHold(id, this.clock.now().toISOString(), actorId);
      this.audit?.record({ actorId, action: 'retention.hold_released', targetType: `legal_hold:${hold.scope}`, targetId: hold.targetId, details: { holdId: id } });
    })();
    return this.repo.hold(id)!;
  }

  /**
   * A held contact merged into another: its calls and mail now carry the kept id, so the hold
   * follows them. Called inside the contacts capability's merge transaction.
   */
  followMerge(keptId: number, mergedId: number): void {
    const hold = this.repo.activeHold('contact', String(mergedId));
    if (!hold || this.repo.activeHold('contact', String(keptId))) return;
    this.place('contact', String(keptId), `${hold.reason} (held contact ${mergedId} was merged into this one)`.slice(0, 500), null);
  }
}
