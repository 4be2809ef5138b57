import type { Clock } from '../core/clock.js';
import type { MailboxRepository } from './mailbox-repository.js';
import type { MessageRepository } from './message-repository.js';
import type { Router } from './router.js';
import { threadFor } from './threading.js';
import type { ContactFacts, Folder, MailAddress, Mailbox } from './types.js';
import type { ParsedMessage } from './parse/parse-message.js';

/** What mail needs from the contacts capability (absent: messages are stored without contacts). */
export interface ContactsPort {
  matchEmail(address: string): { id: number } | null;
  createLead(input: { name: string; emails: string[] }): { id: number };
  facts(id: number): ContactFacts | null;
}

/** `senders`: unknown From addresses become leads; `all`: every unknown address; `off`: none. */
export type LeadPolicy = 'off' | 'senders' | 'all';

export interface FetchedItem {
  uid: number;
  receivedAt: string;
  parsed: ParsedMessage | null;
  /** Set when parsing failed every attempt: the message goes to quarantine. */
  failure?: { error: string; attempts: number; rawPath: string | null; rawBytes: number };
}

/** What subscribers hear about a newly stored message, without reading it back. */
export interface StoredInfo {
  id: number;
  contactIds: number[];
  assigneeId: number | null;
  originalAssigneeId: number | null;
  threadId: number;
  receivedAt: string;
  /** Written from one of the company's own addresses (a reply sent from another mail client). */
  fromUs: boolean;
}

export interface BatchResult {
  stored: number[];
  storedInfo: StoredInfo[];
  sightings: number;
  tombstoned: number;
  quarantined: number;
}

/**
 * Stores one fetched batch in ONE transaction together with the folder's UID cursor: a crash
 * before the commit leaves nothing of the batch and the cursor where it was, so the batch is
 * fetched again; a crash after leaves everything. Repeats are absorbed by the sighting key
 * (folder, UIDVALIDITY, UID) and the message key (Message-ID, content hash).
 */
export class Ingest {
  constructor(
    private readonly deps: {
      messages: MessageRepository;
      mailboxes: MailboxRepository;
      router: Router;
      contacts: () => ContactsPort | null;
      leadPolicy: () => LeadPolicy;
      clock: Clock;
    },
  ) {}

  storeBatch(mailbox: Mailbox, folder: Folder, uidvalidity: string, items: readonly FetchedItem[], lastUid: number): BatchResult {
    const { messages, mailboxes } = this.deps;
    const result: BatchResult = { stored: [], storedInfo: [], sightings: 0, tombstoned: 0, quarantined: 0 };
    const now = this.deps.clock.now().toISOString();
    messages.transaction(() => {
      const own = mailboxes.ownAddresses();
      for (const item of [...items].sort((a, b) => a.uid - b.uid)) {
        if (messages.seen(folder.id, uidvalidity, item.uid)) continue;
        if (!item.parsed) {
          const f = item.failure!;
          messages.quarantine({ mailboxId: mailbox.id, folderId: folder.id, uidvalidity, uid: item.uid, attempts: f.attempts, error: f.error, rawPath: f.rawPath, rawBytes: f.rawBytes, receivedAt: item.receivedAt, at: now });
          result.quarantined++;
          continue;
        }
        const p = item.parsed;
        if (messages.tombstoned(p.messageId, p.contentHash)) {
          result.tombstoned++;
          continue;
        }
        const existing = messages.find(p.messageId, p.contentHash);
        if (existing !== null) {
          messages.addSighting(existing, mailbox.id, folder.id, uidvalidity, item.uid);
          result.sightings++;
          continue;
        }
        const info = this.insertNew(mailbox, p, item.receivedAt, own, now, 'in', null);
        messages.addSighting(info.id, mailbox.id, folder.id, uidvalidity, item.uid);
        result.stored.push(info.id);
        result.storedInfo.push(info);
        result.sightings++;
      }
      mailboxes.advanceCursor(folder.id, lastUid);
    });
    return result;
  }

  /**
   * Inserts a message that is not stored yet: contacts matched (leads created per policy),
   * thread found, routed (inbound only). Call inside a transaction.
   */
  insertNew(mailbox: Mailbox, p: ParsedMessage, receivedAt: string, own: ReadonlySet<string>, now: string, direction: 'in' | 'out', sentBy: number | null): StoredInfo {
    const links = this.matchContacts(p, own, direction);
    const contactIds = [...new Set(links.map((l) => l.contactId))];
    const threadId = threadFor(this.deps.messages, p, contactIds, receivedAt);
    let assignment = { assigneeId: sentBy, originalAssigneeId: null as number | null, delegationId: null as number | null, ruleId: null as number | null };
    if (direction === 'in') {
      const contacts = this.deps.contacts();
      const senderIds = links.filter((l) => l.role === 'from').map((l) => l.contactId);
      const senders = contacts ? senderIds.map((id) => contacts.facts(id)).filter((c): c is ContactFacts => c !== null) : [];
      assignment = this.deps.router.decide(
        { recipients: [...p.to, ...p.cc].map((a) => a.address), subject: p.subject, text: p.text, senders },
        mailbox,
      );
    }
    const id = this.deps.messages.insert({
      messageId: p.messageId,
      messageIdSynthetic: p.messageIdSynthetic,
      contentHash: p.contentHash,
      threadId,
      mailboxId: mailbox.id,
      direction,
      subject: p.subject,
      from: p.from,
      to: p.to,
      cc: p.cc,
      inReplyTo: p.inReplyTo,
      references: p.references,
      date: p.date,
      receivedAt,
      bodyText: p.text,
      hasHtml: p.hasHtml,
      rawPath: p.rawPath,
      rawBytes: p.rawBytes,
      assigneeId: assignment.assigneeId,
      originalAssigneeId: assignment.originalAssigneeId,
      delegationId: assignment.delegationId,
      routedByRuleId: assignment.ruleId,
      sentByUserId: sentBy,
      createdAt: now,
    });
    this.deps.messages.addAttachments(id, p.attachments);
    this.deps.messages.linkContacts(id, links);
    const fromUs = direction === 'out' || p.from.some((a) => own.has(a.address.toLowerCase()));
    return { id, contactIds, assigneeId: assignment.assigneeId, originalAssigneeId: assignment.originalAssigneeId, threadId, receivedAt, fromUs };
  }

  private matchContacts(p: ParsedMessage, own: ReadonlySet<string>, direction: 'in' | 'out'): { contactId: number; role: 'from' | 'to' | 'cc' }[] {
    const contacts = this.deps.contacts();
    if (!contacts) return [];
    const policy = this.deps.leadPolicy();
    const out: { contactId: number; role: 'from' | 'to' | 'cc' }[] = [];
    const visit = (list: MailAddress[], role: 'from' | 'to' | 'cc') => {
      for (const a of list) {
        const address = a.address.toLowerCase();
        if (!address.includes('@') || own.has(address)) continue;
        let match = contacts.matchEmail(address);
        // The customer side of a message: the sender of inbound mail, the recipients of outbound.
        const customerSide = direction === 'in' ? role === 'from' : role !== 'from';
        if (!match && (policy === 'all' || (policy === 'senders' && customerSide))) {
          match = contacts.createLead({ name: a.name || address, emails: [address] });
        }
        if (match) out.push({ contactId: match.id, role });
      }
    };
    visit(p.from, 'from');
    visit(p.to, 'to');
    visit(p.cc, 'cc');
    return out;
  }
}
