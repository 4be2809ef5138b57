import type { MailAddress, StoredAttachment } from './parse/parse-message.js';

export type Security = 'none' | 'starttls' | 'tls';

export interface ServerSettings {
  host: string;
  port: number;
  security: Security;
  username: string;
  password: string;
}

export interface Mailbox {
  id: number;
  address: string;
  imap: ServerSettings;
  smtp: ServerSettings;
  teamId: number | null;
  ownerId: number | null;
  folders: string[];
  enabled: boolean;
  state: string;
  error: string | null;
  lastSyncAt: string | null;
  progressDone: number;
  progressTotal: number;
}

export interface Folder {
  id: number;
  mailboxId: number;
  path: string;
  uidvalidity: string | null;
  lastUid: number;
}

/** What a message is, whether about to be stored or read back. */
export interface MessageFields {
  messageId: string;
  threadId: number;
  mailboxId: number | null;
  direction: 'in' | 'out';
  subject: string;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  inReplyTo: string | null;
  references: string[];
  date: string | null;
  receivedAt: string;
  bodyText: string;
  assigneeId: number | null;
  originalAssigneeId: number | null;
}

export interface MessageRow extends MessageFields {
  id: number;
  /** The routing rule that chose the assignee of an inbound message (null: the mailbox's owner, or nobody). */
  routedByRuleId?: number | null;
  contactIds: number[];
  attachments: Pick<StoredAttachment, 'name' | 'bytes' | 'contentType'>[];
}

/** What the contacts capability tells routing about a contact. */
export interface ContactFacts {
  id: number;
  tags: string[];
  status: string | null;
  ownerId: number | null;
}

export type { MailAddress, StoredAttachment };
