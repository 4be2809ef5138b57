import type { Clock } from '../core/clock.js';
import type { MessageRepository } from './message-repository.js';
import type { RoutingRepository } from './routing-repository.js';
import { leastBusy, roundRobin, ruleFailures, ruleMatches, type ConditionName, type RoutingInput, type RoutingRule, type RuleAction } from './routing.js';

/** Who is in a team; the users capability answers, or nobody when it is not installed. */
export interface TeamDirectory {
  members(teamId: number): number[];
}

export interface Assignment {
  assigneeId: number | null;
  originalAssigneeId: number | null;
  delegationId: number | null;
  ruleId: number | null;
}

/** What each rule made of a message, in order: the answer to "where would it go, and why". */
export interface RuleStep {
  ruleId: number;
  name: string;
  position: number;
  /** disabled; not_matched (see `failed`); nobody (matched, resolved to no active person); chosen; not_reached (a rule before it decided). */
  outcome: 'disabled' | 'not_matched' | 'nobody' | 'chosen' | 'not_reached';
  failed: ConditionName[];
  assigneeId: number | null;
}

export interface Explanation extends Assignment {
  steps: RuleStep[];
  /** Who decided before delegation: a rule, the mailbox's owner, or nobody. */
  decidedBy: 'rule' | 'mailbox_owner' | 'nobody';
}

const BUSY_WINDOW_MS = 7 * 24 * 3600_000;

/**
 * Decides who handles a new inbound message: the first matching rule whose action resolves to
 * a person, else the mailbox's owner; then an active delegation sends it to the delegate and
 * keeps the original assignee visible. `commit` is false for previews (no round-robin step).
 */
export class Router {
  constructor(
    private readonly rules: RoutingRepository,
    private readonly messages: MessageRepository,
    private readonly teams: TeamDirectory,
    private readonly clock: Clock,
    /** Deactivated users are never chosen: the rule falls through to the next one. */
    private readonly isActive: (userId: number) => boolean,
  ) {}

  decide(input: RoutingInput, mailbox: { id: number; ownerId: number | null }): Assignment {
    const { steps: _steps, decidedBy: _by, ...assignment } = this.walk(input, mailbox, true);
    return assignment;
  }

  /** The same decision without side effects, with every rule's outcome and the reasons. */
  explain(input: RoutingInput, mailbox: { id: number | null; ownerId: number | null }): Explanation {
    return this.walk(input, mailbox, false);
  }

  private walk(input: RoutingInput, mailbox: { id: number | null; ownerId: number | null }, commit: boolean): Explanation {
    let assignee: number | null = null;
    let ruleId: number | null = null;
    const steps: RuleStep[] = [];
    for (const rule of this.rules.rules()) {
      const step: RuleStep = { ruleId: rule.id, name: rule.name, position: rule.position, outcome: 'not_reached', failed: [], assigneeId: null };
      steps.push(step);
      if (ruleId !== null) continue;
      if (!rule.enabled) {
        step.outcome = 'disabled';
        continue;
      }
      step.failed = ruleFailures(rule.conditions, input);
      if (step.failed.length > 0) {
        step.outcome = 'not_matched';
        continue;
      }
      const who = this.resolve(rule.action, input, commit);
      if (who !== null && this.isActive(who)) {
        assignee = who;
        ruleId = rule.id;
        step.outcome = 'chosen';
        step.assigneeId = who;
      } else {
        step.outcome = 'nobody';
      }
    }
    let decidedBy: Explanation['decidedBy'] = ruleId !== null ? 'rule' : 'nobody';
    if (assignee === null && mailbox.ownerId !== null && this.isActive(mailbox.ownerId)) {
      assignee = mailbox.ownerId;
      decidedBy = 'mailbox_owner';
    }
    return { ...this.delegate(assignee, mailbox.id, ruleId), steps, decidedBy };
  }

  /** Would this rule route the message, and to whom (no side effects)? */
  preview(rule: Pick<RoutingRule, 'conditions' | 'action'>, input: RoutingInput): number | null | false {
    if (!ruleMatches(rule.conditions, input)) return false;
    return this.resolve(rule.action, input, false);
  }

  delegate(assignee: number | null, mailboxId: number | null, ruleId: number | null): Assignment {
    if (assignee === null) return { assigneeId: null, originalAssigneeId: null, delegationId: null, ruleId };
    const d = this.rules.activeFor(assignee, mailboxId, this.clock.now().toISOString());
    if (!d) return { assigneeId: assignee, originalAssigneeId: null, delegationId: null, ruleId };
    return { assigneeId: d.toUserId, originalAssigneeId: assignee, delegationId: d.id, ruleId };
  }

  private resolve(action: RuleAction, input: RoutingInput, commit: boolean): number | null {
    switch (action.type) {
      case 'user':
        return action.userId;
      case 'contact_owner':
        return input.senders.find((c) => c.ownerId != null)?.ownerId ?? null;
      case 'team': {
        const members = this.teams.members(action.teamId).filter((id) => this.isActive(id));
        if (action.strategy === 'least_busy') {
          const since = new Date(this.clock.now().getTime() - BUSY_WINDOW_MS).toISOString();
          return leastBusy(this.messages.assignedCounts(members, since));
        }
        const next = roundRobin(members, this.rules.lastRoundRobin(action.teamId));
        if (next !== null && commit) this.rules.setRoundRobin(action.teamId, next);
        return next;
      }
    }
  }
}
