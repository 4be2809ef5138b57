import { maskText, type Masker } from '../core/masking.js';
import type { MailAddress, MessageRow } from './types.js';

function address(a: MailAddress, masker: Masker) {
  return { name: masker.masked ? maskText(a.name, masker) : a.name, address: masker.email(a.address) };
}

/** Names a routing rule (null when it was deleted since). */
export type RuleNamer = (ruleId: number) => string | null;

export function messageItem(m: MessageRow, masker: Masker, ruleName: RuleNamer = () => null) {
  return {
    id: m.id,
    messageId: masker.masked ? maskText(m.messageId, masker) : m.messageId,
    threadId: m.threadId,
    mailboxId: m.mailboxId,
    direction: m.direction,
    subject: maskText(m.subject, masker),
    from: m.from[0] ? address(m.from[0], masker) : null,
    to: m.to.map((a) => address(a, masker)),
    cc: m.cc.map((a) => address(a, masker)),
    date: m.date,
    receivedAt: m.receivedAt,
    assigneeId: m.assigneeId,
    originalAssigneeId: m.originalAssigneeId,
    contactIds: m.contactIds,
    attachments: m.attachments.map((a) => ({ name: maskText(a.name, masker), bytes: a.bytes, contentType: a.contentType })),
    // Why it reached its assignee: the rule that chose them, and whether a delegation passed it on.
    routing: { rule: m.routedByRuleId ? ruleName(m.routedByRuleId) : null, delegated: m.originalAssigneeId !== null },
  };
}

export function messageDetail(m: MessageRow, masker: Masker, ruleName?: RuleNamer) {
  return { ...messageItem(m, masker, ruleName), text: maskText(m.bodyText, masker) };
}

/** A timeline entry: the contacts capability merges these with calls, chats and notes. */
export function timelineItem(m: MessageRow, masker: Masker) {
  return {
    type: 'mail',
    at: m.receivedAt,
    id: m.id,
    direction: m.direction,
    threadId: m.threadId,
    subject: maskText(m.subject, masker),
    from: m.from[0] ? address(m.from[0], masker) : null,
    assigneeId: m.assigneeId,
    attachments: m.attachments.length,
  };
}
