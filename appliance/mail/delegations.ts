import type { AuditLog } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import { AppError } from '../core/errors.js';
import type { MessageRepository } from './message-repository.js';
import type { RoutingRepository, Delegation } from './routing-repository.js';

/**
 * Delegation lifecycle: scheduled → active → ended (by `until`) or revoked. While active,
 * routing sends the delegator's new mail to the delegate and keeps the original assignee on
 * the message; revoking hands every such message still with the delegate back in one step.
 */
export type DelegationState = 'scheduled' | 'active' | 'ended' | 'revoked';

export function delegationState(d: Pick<Delegation, 'startsAt' | 'until' | 'revokedAt'>, at: string): DelegationState {
  if (d.revokedAt) return 'revoked';
  if (d.until && d.until <= at) return 'ended';
  if (d.startsAt > at) return 'scheduled';
  return 'active';
}

export class DelegationService {
  constructor(
    private readonly deps: {
      routing: RoutingRepository;
      messages: MessageRepository;
      audit: AuditLog;
      clock: Clock;
      isActive: (userId: number) => boolean;
      mailboxExists: (id: number) => boolean;
    },
  ) {}

  create(input: { fromUserId: number; toUserId: number; from?: string; until?: string; mailboxId?: number }, actorId: number): Delegation {
    const now = this.deps.clock.now().toISOString();
    if (input.fromUserId === input.toUserId) throw new AppError('DELEGATION_INVALID', { detail: 'a user cannot delegate to themselves' });
    for (const id of [input.fromUserId, input.toUserId]) if (!this.deps.isActive(id)) throw new AppError('USER_NOT_FOUND_FOR_MAIL', { id });
    if (input.mailboxId !== undefined && !this.deps.mailboxExists(input.mailboxId)) throw new AppError('MAILBOX_NOT_FOUND', { id: input.mailboxId });
    const startsAt = input.from ? isoOrThrow(input.from, 'from') : now;
    const until = input.until ? isoOrThrow(input.until, 'until') : null;
    if (until !== null && until <= startsAt) throw new AppError('DELEGATION_INVALID', { detail: '"until" must be after the start' });
    if (until !== null && until <= now) throw new AppError('DELEGATION_INVALID', { detail: '"until" is in the past' });
    // A chain (A→B while B→C) would make "who handles it" depend on order; refuse it.
    const delegateAway = this.deps.routing.involving(input.toUserId, now).some((d) => d.fromUserId === input.toUserId);
    if (delegateAway) throw new AppError('DELEGATION_INVALID', { detail: 'the delegate has delegated their own mail' });
    const id = this.deps.routing.addDelegation({ fromUserId: input.fromUserId, toUserId: input.toUserId, mailboxId: input.mailboxId ?? null, startsAt, until, createdBy: actorId }, now);
    this.deps.audit.record({ actorId, action: 'mail.delegation.create', targetType: 'delegation', targetId: id, details: { fromUserId: input.fromUserId, toUserId: input.toUserId, until } });
    return this.deps.routing.delegation(id)!;
  }

  get(id: number): Delegation {
    const d = this.deps.routing.delegation(id);
    if (!d) throw new AppError('DELEGATION_NOT_FOUND', { id });
    return d;
  }

  /** Revert in one action: the delegation stops and its messages go back to the original assignee. */
  revoke(id: number, actorId: number | null): { returned: number } {
    const d = this.get(id);
    const now = this.deps.clock.now().toISOString();
    if (delegationState(d, now) === 'revoked') throw new AppError('DELEGATION_NOT_FOUND', { id });
    const returned = this.deps.messages.transaction(() => {
      this.deps.routing.revoke(id, now);
      return this.deps.messages.returnDelegated(id, d.toUserId);
    });
    this.deps.audit.record({ actorId, action: 'mail.delegation.revoke', targetType: 'delegation', targetId: id, details: { returned } });
    return { returned };
  }

  list(): (Delegation & { state: DelegationState })[] {
    const now = this.deps.clock.now().toISOString();
    return this.deps.routing.active(now).map((d) => ({ ...d, state: delegationState(d, now) }));
  }
}

function isoOrThrow(value: string, field: string): string {
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) throw new AppError('DELEGATION_INVALID', { detail: `"${field}" is not a date and time` });
  return t.toISOString();
}
