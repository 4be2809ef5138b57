import { bucketOf } from './counting.js';
import { businessSeconds, type BusinessHours } from './periods.js';
import type { DialogRow, ReportsRepository } from './repository.js';

/**
 * First-response and resolution times of mail threads and chats, kept as one row per dialog
 * from the mail and chat capabilities' bus events (never their tables):
 * - chat: started → the first operator message is the first response; closed is resolved.
 *   The agent is the operator who first answered (else who accepted, else who closed).
 * - mail: a thread becomes a dialog with the customer's first message; the first reply sent from
 *   the appliance (or a message from one of the company's own addresses seen by a sync) in the
 *   thread is the first response; the thread is resolved when a reply leaves no customer message
 *   unanswered, and open again when the customer writes back (resolution then counts to the next
 *   such reply). A thread the company started counts from the customer's first message in it.
 *   The agent is who first replied (else the message's assignee).
 * Each time is kept around the clock and within business hours (settings, applied when the time
 * is measured); a dialog counts in the 15-minute bucket it started in.
 */
export interface DialogCounterDeps {
  repo: ReportsRepository;
  businessHours: () => BusinessHours | null;
  teamsOf: (userId: number) => readonly number[];
}

const secs = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

export class DialogCounter {
  constructor(private readonly d: DialogCounterDeps) {}

  private biz(from: string, to: string): number {
    return businessSeconds(Date.parse(from), Date.parse(to), this.d.businessHours());
  }

  private fresh(kind: 'mail' | 'chat', dialogId: number, startedAt: string, more: Partial<DialogRow>): DialogRow {
    return {
      kind, dialogId, bucket: bucketOf(startedAt), startedAt, site: null, mailbox: null, agentId: null, awaitingSince: null,
      firstResponseAt: null, frtSec: null, frtBizSec: null, resolvedAt: null, resolutionSec: null, resolutionBizSec: null, ...more,
    };
  }

  private save(row: DialogRow, agentChanged: boolean): void {
    this.d.repo.saveDialog(row, agentChanged ? (row.agentId === null ? [] : this.d.teamsOf(row.agentId)) : undefined);
  }

  private respond(row: DialogRow, at: string, agentId: number | null): DialogRow {
    if (row.firstResponseAt) return row;
    return { ...row, firstResponseAt: at, frtSec: secs(row.startedAt, at), frtBizSec: this.biz(row.startedAt, at), agentId: agentId ?? row.agentId };
  }

  private resolve(row: DialogRow, at: string): DialogRow {
    return { ...row, resolvedAt: at, resolutionSec: secs(row.startedAt, at), resolutionBizSec: this.biz(row.startedAt, at) };
  }

  chatStarted(e: { conversationId: number; siteId: number; at: string }): void {
    if (this.d.repo.dialog('chat', e.conversationId)) return;
    this.save(this.fresh('chat', e.conversationId, e.at, { site: String(e.siteId) }), false);
  }

  chatAccepted(e: { conversationId: number; operatorId: number }): void {
    const row = this.d.repo.dialog('chat', e.conversationId);
    if (!row || row.agentId !== null) return;
    this.save({ ...row, agentId: e.operatorId }, true);
  }

  chatMessage(e: { conversationId: number; author: string; operatorId: number | null; at: string }): void {
    if (e.author !== 'operator') return;
    const row = this.d.repo.dialog('chat', e.conversationId);
    if (!row || row.firstResponseAt) return;
    const next = this.respond(row, e.at, e.operatorId);
    this.save(next, next.agentId !== row.agentId);
  }

  chatClosed(e: { conversationId: number; operatorId: number | null; at: string }): void {
    const row = this.d.repo.dialog('chat', e.conversationId);
    if (!row || row.resolvedAt) return;
    const next = this.resolve({ ...row, agentId: row.agentId ?? e.operatorId }, e.at);
    this.save(next, next.agentId !== row.agentId);
  }

  /** A message a sync stored: the customer writing, or the company's reply from another client. */
  mailReceived(e: { threadId: number; mailboxId: number; assigneeId: number | null; at: string; fromUs: boolean }): void {
    if (e.fromUs) {
      this.mailReplied({ threadId: e.threadId, userId: null, at: e.at });
      return;
    }
    const row = this.d.repo.dialog('mail', e.threadId);
    if (!row) {
      this.save(this.fresh('mail', e.threadId, e.at, { mailbox: String(e.mailboxId), agentId: e.assigneeId, awaitingSince: e.at }), e.assigneeId !== null);
      return;
    }
    if (row.awaitingSince && row.awaitingSince <= e.at) return;
    // The customer wrote again after being answered: open until the next reply.
    this.save({ ...row, awaitingSince: e.at, resolvedAt: null, resolutionSec: null, resolutionBizSec: null }, false);
  }

  /** A reply in the thread (sent by the appliance, or from one of the company's addresses). */
  mailReplied(e: { threadId: number; userId: number | null; at: string }): void {
    const row = this.d.repo.dialog('mail', e.threadId);
    if (!row || !row.awaitingSince || e.at < row.awaitingSince) return;
    const next = this.resolve({ ...this.respond(row, e.at, e.userId), awaitingSince: null }, e.at);
    this.save(next, next.agentId !== row.agentId);
  }
}
