import type { SessionUser } from '../core/auth/sessions.js';
import type { MailboxRepository } from './mailbox-repository.js';
import type { MessageRepository } from './message-repository.js';
import type { MessageRow } from './types.js';

/** Who sees which mail: admins and supervisors all; others their mailboxes' mail and mail assigned to them. */
export class MailAccess {
  constructor(
    private readonly mailboxes: MailboxRepository,
    private readonly messages: MessageRepository,
    private readonly teamsOf: (userId: number) => number[],
  ) {}

  seesAll(viewer: Pick<SessionUser, 'role'>): boolean {
    return viewer.role === 'admin' || viewer.role === 'supervisor';
  }

  mailboxIds(viewer: SessionUser): number[] {
    return this.mailboxes.accessibleMailboxIds(viewer.id, this.teamsOf(viewer.id));
  }

  canUseMailbox(viewer: SessionUser, mailboxId: number): boolean {
    return this.seesAll(viewer) || this.mailboxIds(viewer).includes(mailboxId);
  }

  canSee(viewer: SessionUser, message: MessageRow): boolean {
    if (this.seesAll(viewer) || message.assigneeId === viewer.id) return true;
    const mine = new Set(this.mailboxIds(viewer));
    return this.messages.mailboxesOf(message.id).some((id) => mine.has(id));
  }

  /** The list filter for a viewer; undefined = everything. */
  filter(viewer: SessionUser): { mailboxIds: number[]; userId: number } | undefined {
    return this.seesAll(viewer) ? undefined : { mailboxIds: this.mailboxIds(viewer), userId: viewer.id };
  }
}
