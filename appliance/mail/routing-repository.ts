import type { Db } from '../core/db.js';
import type { RoutingRule, RuleAction, RuleConditions } from './routing.js';

interface RuleRow { id: number; position: number; name: string; enabled: number; conditions_json: string; action_json: string }
interface DelegationRow { id: number; from_user_id: number; to_user_id: number; mailbox_id: number | null; starts_at: string; until: string | null; revoked_at: string | null }

export interface Delegation {
  id: number;
  fromUserId: number;
  toUserId: number;
  mailboxId: number | null;
  startsAt: string;
  until: string | null;
  revokedAt: string | null;
}

/** SQL of routing rules, round-robin cursors and delegations. */
export class RoutingRepository {
  /** Rules are read for every routed message and change rarely: kept until this repository changes them. */
  private cached: RoutingRule[] | null = null;

  constructor(private readonly db: Db) {}

  rules(): RoutingRule[] {
    this.cached ??= this.loadRules();
    return this.cached;
  }

  private loadRules(): RoutingRule[] {
    return (this.db.prepare('SELECT * FROM mail_routing_rules ORDER BY position, id').all() as RuleRow[]).map((r) => ({
      id: r.id,
      position: r.position,
      name: r.name,
      enabled: r.enabled === 1,
      conditions: JSON.parse(r.conditions_json) as RuleConditions,
      action: JSON.parse(r.action_json) as RuleAction,
    }));
  }

  /** Inserts at `position` (1-based; default last), shifting the rules after it. */
  addRule(rule: { name: string; enabled: boolean; conditions: RuleConditions; action: RuleAction; position?: number }, at: string): number {
    this.cached = null;
    return this.db.transaction(() => {
      const count = (this.db.prepare('SELECT COUNT(*) AS n FROM mail_routing_rules').get() as { n: number }).n;
      const position = Math.min(Math.max(rule.position ?? count + 1, 1), count + 1);
      this.db.prepare('UPDATE mail_routing_rules SET position = position + 1 WHERE position >= ?').run(position);
      const r = this.db
        .prepare('INSERT INTO mail_routing_rules (position, name, enabled, conditions_json, action_json, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(position, rule.name, rule.enabled ? 1 : 0, JSON.stringify(rule.conditions), JSON.stringify(rule.action), at);
      return Number(r.lastInsertRowid);
    })();
  }

  /** Replaces a rule; a new `position` moves it there (1-based, clamped), the others closing ranks. */
  updateRule(id: number, rule: { name: string; enabled: boolean; conditions: RuleConditions; action: RuleAction; position?: number }): boolean {
    this.cached = null;
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT position FROM mail_routing_rules WHERE id = ?').get(id) as { position: number } | undefined;
      if (!row) return false;
      const count = (this.db.prepare('SELECT COUNT(*) AS n FROM mail_routing_rules').get() as { n: number }).n;
      const to = Math.min(Math.max(rule.position ?? row.position, 1), count);
      if (to < row.position) this.db.prepare('UPDATE mail_routing_rules SET position = position + 1 WHERE position >= ? AND position < ?').run(to, row.position);
      if (to > row.position) this.db.prepare('UPDATE mail_routing_rules SET position = position - 1 WHERE position > ? AND position <= ?').run(row.position, to);
      this.db
        .prepare('UPDATE mail_routing_rules SET position = ?, name = ?, enabled = ?, conditions_json = ?, action_json = ? WHERE id = ?')
        .run(to, rule.name, rule.enabled ? 1 : 0, JSON.stringify(rule.conditions), JSON.stringify(rule.action), id);
      return true;
    })();
  }

  deleteRule(id: number): boolean {
    this.cached = null;
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT position FROM mail_routing_rules WHERE id = ?').get(id) as { position: number } | undefined;
      if (!row) return false;
      this.db.prepare('DELETE FROM mail_routing_rules WHERE id = ?').run(id);
      this.db.prepare('UPDATE mail_routing_rules SET position = position - 1 WHERE position > ?').run(row.position);
      return true;
    })();
  }

  lastRoundRobin(teamId: number): number | null {
    return (this.db.prepare('SELECT last_user_id FROM mail_team_cursor WHERE team_id = ?').get(teamId) as { last_user_id: number } | undefined)?.last_user_id ?? null;
  }

  setRoundRobin(teamId: number, userId: number): void {
    this.db.prepare('INSERT INTO mail_team_cursor (team_id, last_user_id) VALUES (?, ?) ON CONFLICT(team_id) DO UPDATE SET last_user_id = excluded.last_user_id').run(teamId, userId);
  }

  addDelegation(d: { fromUserId: number; toUserId: number; mailboxId: number | null; startsAt: string; until: string | null; createdBy: number }, at: string): number {
    return Number(
      this.db
        .prepare('INSERT INTO mail_delegations (from_user_id, to_user_id, mailbox_id, starts_at, until, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(d.fromUserId, d.toUserId, d.mailboxId, d.startsAt, d.until, d.createdBy, at).lastInsertRowid,
    );
  }

  delegation(id: number): Delegation | null {
    const r = this.db.prepare('SELECT * FROM mail_delegations WHERE id = ?').get(id) as DelegationRow | undefined;
    return r ? mapDelegation(r) : null;
  }

  /** The delegation in force for a user's mail at `at` (a mailbox-specific one wins). */
  activeFor(userId: number, mailboxId: number | null, at: string): Delegation | null {
    const r = this.db
      .prepare(
        `SELECT * FROM mail_delegations WHERE from_user_id = ? AND revoked_at IS NULL AND starts_at <= ? AND (until IS NULL OR until > ?)
           AND (mailbox_id IS NULL OR mailbox_id = ?) ORDER BY (mailbox_id IS NULL), id DESC LIMIT 1`,
      )
      .get(userId, at, at, mailboxId) as DelegationRow | undefined;
    return r ? mapDelegation(r) : null;
  }

  active(at: string): Delegation[] {
    return (this.db.prepare('SELECT * FROM mail_delegations WHERE revoked_at IS NULL AND (until IS NULL OR until > ?) ORDER BY id').all(at) as DelegationRow[]).map(mapDelegation);
  }

  revoke(id: number, at: string): void {
    this.db.prepare('UPDATE mail_delegations SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
  }

  /** Delegations to or from a user that are still in force. */
  involving(userId: number, at: string): Delegation[] {
    return (
      this.db
        .prepare('SELECT * FROM mail_delegations WHERE (from_user_id = ? OR to_user_id = ?) AND revoked_at IS NULL AND (until IS NULL OR until > ?)')
        .all(userId, userId, at) as DelegationRow[]
    ).map(mapDelegation);
  }
}

function mapDelegation(r: DelegationRow): Delegation {
  return { id: r.id, fromUserId: r.from_user_id, toUserId: r.to_user_id, mailboxId: r.mailbox_id, startsAt: r.starts_at, until: r.until, revokedAt: r.revoked_at };
}
