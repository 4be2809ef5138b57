import type { ContactFacts } from './types.js';

/**
 * Routing rules: pure evaluation. A rule matches when every condition it sets holds; the first
 * enabled matching rule (by position) whose action resolves to somebody decides.
 */
export interface RuleConditions {
  /** The sender's contact has at least one of these tags (case-insensitive). */
  tagsAny?: string[];
  /** The mail was sent (To/Cc) to one of these addresses. */
  recipients?: string[];
  /** The sender's contact has one of these statuses (`lead`, `client`). */
  contactStatus?: string[];
  /** The sender's contact is owned by one of these users. */
  contactOwnerIds?: number[];
  /** The sender's contact has (true) or has no (false) owner. */
  hasContactOwner?: boolean;
  /** Any of these words appears in the subject or the text (case-insensitive). */
  keywords?: string[];
}

export type RuleAction =
  | { type: 'user'; userId: number }
  | { type: 'team'; teamId: number; strategy: 'round_robin' | 'least_busy' }
  | { type: 'contact_owner' };

export interface RoutingRule {
  id: number;
  position: number;
  name: string;
  enabled: boolean;
  conditions: RuleConditions;
  action: RuleAction;
}

export interface RoutingInput {
  recipients: string[];
  subject: string;
  text: string;
  /** Contacts of the sender(s), best first. */
  senders: ContactFacts[];
}

export type ConditionName = keyof RuleConditions;

/** The conditions of a rule this message does not meet (none: the rule matches). */
export function ruleFailures(conditions: RuleConditions, input: RoutingInput): ConditionName[] {
  const sender = input.senders[0] ?? null;
  const failed: ConditionName[] = [];
  if (conditions.recipients?.length) {
    const wanted = new Set(conditions.recipients.map((a) => a.trim().toLowerCase()));
    if (!input.recipients.some((r) => wanted.has(r.toLowerCase()))) failed.push('recipients');
  }
  if (conditions.tagsAny?.length) {
    const tags = new Set((sender?.tags ?? []).map((t) => t.toLowerCase()));
    if (!conditions.tagsAny.some((t) => tags.has(t.toLowerCase()))) failed.push('tagsAny');
  }
  if (conditions.contactStatus?.length) {
    if (!sender?.status || !conditions.contactStatus.includes(sender.status)) failed.push('contactStatus');
  }
  if (conditions.contactOwnerIds?.length) {
    if (sender?.ownerId == null || !conditions.contactOwnerIds.includes(sender.ownerId)) failed.push('contactOwnerIds');
  }
  if (conditions.hasContactOwner !== undefined) {
    if ((sender?.ownerId != null) !== conditions.hasContactOwner) failed.push('hasContactOwner');
  }
  if (conditions.keywords?.length) {
    const haystack = `${input.subject}\n${input.text}`.toLowerCase();
    if (!conditions.keywords.some((k) => k.trim() && haystack.includes(k.trim().toLowerCase()))) failed.push('keywords');
  }
  return failed;
}

export function ruleMatches(conditions: RuleConditions, input: RoutingInput): boolean {
  return ruleFailures(conditions, input).length === 0;
}

/** Checks a rule's shape beyond its schema; returns the problem or null. */
export function ruleProblem(conditions: RuleConditions, action: RuleAction): string | null {
  const set = Object.entries(conditions).filter(([, v]) => (Array.isArray(v) ? v.length > 0 : v !== undefined));
  if (set.length === 0) return 'a rule needs at least one condition';
  if (conditions.recipients?.some((a) => !/^[^@\s]+@[^@\s]+$/.test(a.trim()))) return 'recipients must be e-mail addresses';
  if (action.type === 'contact_owner' && conditions.hasContactOwner === false) return 'the contact owner cannot be chosen for contacts without an owner';
  return null;
}

/** Picks the next team member after `last` in id order (round robin). */
export function roundRobin(members: readonly number[], last: number | null): number | null {
  if (members.length === 0) return null;
  const sorted = [...members].sort((a, b) => a - b);
  return sorted.find((id) => last === null || id > last) ?? sorted[0]!;
}

/** The member with the fewest recent assignments; ties go to the lowest id. */
export function leastBusy(counts: ReadonlyMap<number, number>): number | null {
  let best: number | null = null;
  for (const [id, n] of [...counts].sort((a, b) => a[0] - b[0])) {
    if (best === null || n < counts.get(best)!) best = id;
  }
  return best;
}
