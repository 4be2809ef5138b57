import { randomUUID } from 'node:crypto';
import type { SessionUser } from '../core/auth/sessions.js';
import type { Clock } from '../core/clock.js';
import { AppError } from '../core/errors.js';
import type { AuditLog } from '../core/audit.js';
import type { MailAccess } from './access.js';
import type { ContactsPort, Ingest } from './ingest.js';
import type { MailboxRepository } from './mailbox-repository.js';
import type { MessageRepository } from './message-repository.js';
import type { MessageParser } from './parse/pool.js';
import type { SmtpPort } from './smtp/sender.js';
import { MailConnectError } from './failures.js';
import { commitStaged } from './parse/durable-file.js';
import type { Mailbox, MessageRow } from './types.js';
import type { MailUploads } from './uploads.js';

export interface SendInput {
  mailboxId?: number;
  replyToMessageId?: number;
  contactId?: number;
  to?: string[];
  cc?: string[];
  subject?: string;
  text: string;
  html?: string;
  /** Files attached in the composer (`POST /api/v1/mail/uploads` ids), the sender's own. */
  attachments?: string[];
}

type OutgoingFile = { filename: string; contentType: string; content: Buffer };

/** What another capability sends to addresses the appliance chose (a visitor's, a report's recipients). */
export interface SendToInput {
  mailboxId: number;
  to: string | string[];
  subject: string;
  text: string;
  attachments?: OutgoingFile[];
}

/**
 * Writing and replying through the mailbox's SMTP server. Replies carry In-Reply-To and
 * References; the sent message is parsed like any other and stored in the thread. Masked
 * roles name recipients only by the message they answer or by contact id.
 */
export class SendService {
  constructor(
    private readonly deps: {
      mailboxes: MailboxRepository;
      messages: MessageRepository;
      access: MailAccess;
      ingest: Ingest;
      parser: MessageParser;
      smtp: SmtpPort;
      contacts: () => (ContactsPort & { emailsOf(id: number): string[] | null }) | null;
      isMasked: (viewer: SessionUser) => boolean;
      audit: AuditLog;
      clock: Clock;
      /** Told of each message sent, after it is stored (reports count response times from it). */
      onSent?: (e: { messageId: number; mailboxId: number; threadId: number; userId: number | null; at: string }) => void;
      uploads: MailUploads;
    },
  ) {}

  async send(viewer: SessionUser, input: SendInput): Promise<number> {
    const { deps } = this;
    const masked = deps.isMasked(viewer);
    if (masked && ((input.to?.length ?? 0) > 0 || (input.cc?.length ?? 0) > 0)) throw new AppError('MAIL_RAW_ADDRESS_FORBIDDEN');
    const parent = input.replyToMessageId !== undefined ? deps.messages.get(input.replyToMessageId) : null;
    if (input.replyToMessageId !== undefined && (!parent || !deps.access.canSee(viewer, parent))) {
      throw new AppError('MESSAGE_NOT_FOUND', { id: input.replyToMessageId });
    }
    const mailboxId = input.mailboxId ?? parent?.mailboxId ?? (parent ? deps.messages.mailboxesOf(parent.id)[0] : undefined);
    if (mailboxId === undefined) throw new AppError('MAIL_NO_RECIPIENT');
    const mailbox = deps.mailboxes.get(mailboxId);
    if (!mailbox) throw new AppError('MAILBOX_NOT_FOUND', { id: mailboxId });
    const repliesToOwnParent = parent !== null && parent.assigneeId === viewer.id;
    if (!deps.access.canUseMailbox(viewer, mailbox.id) && !repliesToOwnParent) throw new AppError('MAIL_NO_ACCESS');

    let to = (input.to ?? []).map((a) => a.trim().toLowerCase());
    const cc = (input.cc ?? []).map((a) => a.trim().toLowerCase());
    if (to.length === 0 && parent) {
      to = (parent.direction === 'in' ? parent.from : parent.to).map((a) => a.address).filter((a) => a !== mailbox.address);
    }
    if (to.length === 0 && input.contactId !== undefined) {
      const emails = deps.contacts()?.emailsOf(input.contactId) ?? null;
      if (!emails || emails.length === 0) throw new AppError('CONTACT_NOT_FOUND_FOR_MAIL', { id: input.contactId });
      to = [emails[0]!];
    }
    if (to.length === 0) throw new AppError('MAIL_NO_RECIPIENT');
    const uploadIds = [...new Set(input.attachments ?? [])];
    const files = (await deps.uploads.take(viewer.id, uploadIds)).map((u) => ({ filename: u.name, contentType: u.contentType, content: u.content }));
    const subject = input.subject ?? (parent ? `Re: ${parent.subject.replace(/^\s*re\s*:\s*/i, '')}` : '');
    const id = await this.deliver(mailbox, viewer, { to, cc, subject, text: input.text, html: input.html, attachments: files }, parent);
    // The stored copy holds the files now (content-addressed, like incoming mail's).
    await deps.uploads.remove(viewer.id, uploadIds).catch(() => undefined);
    return id;
  }

  /**
   * Sends for another capability to an address the appliance chose itself (a chat visitor's own
   * address), never one a user typed, so masked roles may send it — but only through a mailbox
   * they may use, like any mail they write. `viewer` null is the appliance itself (a transcript a
   * visitor asked for): no user's rights are borrowed and the sent copy is assigned to no one.
   */
  async sendTo(viewer: SessionUser | null, input: SendToInput): Promise<number> {
    const mailbox = this.deps.mailboxes.get(input.mailboxId);
    if (!mailbox) throw new AppError('MAILBOX_NOT_FOUND', { id: input.mailboxId });
    if (viewer && !this.deps.access.canUseMailbox(viewer, mailbox.id)) throw new AppError('MAIL_NO_ACCESS');
    const to = (Array.isArray(input.to) ? input.to : [input.to]).map((a) => a.trim().toLowerCase());
    return this.deliver(mailbox, viewer, { to, cc: [], subject: input.subject, text: input.text, attachments: input.attachments }, null);
  }

  /** Whether a user may write from this mailbox. */
  canUseMailbox(viewer: SessionUser, mailboxId: number): boolean {
    return this.deps.access.canUseMailbox(viewer, mailboxId);
  }

  private async deliver(
    mailbox: Mailbox,
    viewer: SessionUser | null,
    m: { to: string[]; cc: string[]; subject: string; text: string; html?: string | undefined; attachments?: OutgoingFile[] },
    parent: MessageRow | null,
  ): Promise<number> {
    const { deps } = this;
    const { to, cc } = m;
    const now = deps.clock.now();
    const domain = mailbox.address.split('@')[1] ?? 'contactbox.invalid';
    const messageId = `${randomUUID()}@${domain}`;
    const raw = await deps.smtp.compose({
      from: viewer ? { name: viewer.displayName, address: mailbox.address } : { name: mailbox.address.split('@')[0] ?? '', address: mailbox.address },
      to,
      cc,
      subject: m.subject,
      text: m.text,
      html: m.html,
      messageId,
      inReplyTo: parent?.messageId,
      references: parent ? [...parent.references, parent.messageId].slice(-50) : undefined,
      date: now,
      attachments: m.attachments,
    });
    try {
      await deps.smtp.send(mailbox.smtp, { from: mailbox.address, to: [...to, ...cc] }, raw);
    } catch (err) {
      if (err instanceof MailConnectError) throw new AppError(err.failure.code, err.failure.params);
      throw new AppError('MAIL_SEND_FAILED', { detail: ((err as Error).message ?? '').slice(0, 300) });
    }
    const parsed = await deps.parser.parse(raw);
    await commitStaged(parsed.staged);
    const at = now.toISOString();
    const { id, threadId } = deps.messages.transaction(() =>
      deps.ingest.insertNew(mailbox, parsed, at, deps.mailboxes.ownAddresses(), at, 'out', viewer?.id ?? null),
    );
    deps.onSent?.({ messageId: id, mailboxId: mailbox.id, threadId, userId: viewer?.id ?? null, at });
    deps.audit.record({ actorId: viewer?.id ?? null, action: 'mail.send', targetType: 'mail_message', targetId: id, details: { mailboxId: mailbox.id, replyTo: parent?.id ?? null, attachments: m.attachments?.length ?? 0 } });
    return id;
  }
}
