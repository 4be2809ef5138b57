import type { Db } from '../core/db.js';
import type { MailAddress, MessageFields, MessageRow, StoredAttachment } from './types.js';

export interface NewMessage extends MessageFields {
  messageIdSynthetic: boolean;
  contentHash: string;
  hasHtml: boolean;
  rawPath: string;
  rawBytes: number;
  delegationId: number | null;
  routedByRuleId: number | null;
  sentByUserId: number | null;
  createdAt: string;
}

export interface MessageFilter {
  mailboxId?: number;
  contactId?: number;
  /** Only messages these mailboxes saw or sent, or assigned to `assigneeOrOriginal`; omitted = no restriction. */
  visibleTo?: { mailboxIds: number[]; userId: number };
  limit: number;
  offset: number;
}

interface Row {
  id: number; message_id: string; thread_id: number; mailbox_id: number | null; direction: 'in' | 'out'; subject: string;
  from_json: string; to_json: string; cc_json: string; in_reply_to: string | null; references_json: string;
  date: string | null; received_at: string; body_text: string; assignee_id: number | null; original_assignee_id: number | null;
  routed_by_rule_id?: number | null;
}

/** All SQL on stored messages, their sightings, attachments, contact links, threads and tombstones. */
export class MessageRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      sighting: db.prepare('SELECT 1 FROM mail_sightings WHERE folder_id = ? AND uidvalidity = ? AND uid = ?'),
      tombstone: db.prepare('SELECT 1 FROM mail_tombstones WHERE message_id = ? AND content_hash = ?'),
      find: db.prepare('SELECT id FROM mail_messages WHERE message_id = ? AND content_hash = ?'),
      insert: db.prepare(
        `INSERT INTO mail_messages (message_id, message_id_synthetic, content_hash, thread_id, mailbox_id, direction, subject,
          from_json, to_json, cc_json, in_reply_to, references_json, date, received_at, body_text, has_html, raw_path, raw_bytes,
          assignee_id, original_assignee_id, delegation_id, routed_by_rule_id, sent_by_user_id, created_at)
         VALUES (@messageId, @synthetic, @contentHash, @threadId, @mailboxId, @direction, @subject, @fromJson, @toJson, @ccJson,
          @inReplyTo, @referencesJson, @date, @receivedAt, @bodyText, @hasHtml, @rawPath, @rawBytes, @assigneeId,
          @originalAssigneeId, @delegationId, @routedByRuleId, @sentByUserId, @createdAt)`,
      ),
      insertSighting: db.prepare('INSERT OR IGNORE INTO mail_sightings (message_id, mailbox_id, folder_id, uidvalidity, uid) VALUES (?, ?, ?, ?, ?)'),
      insertAttachment: db.prepare('INSERT INTO mail_attachments (message_id, name, content_type, bytes, path, sha256) VALUES (?, ?, ?, ?, ?, ?)'),
      linkContact: db.prepare('INSERT OR IGNORE INTO mail_message_contacts (message_id, contact_id, role, received_at) SELECT id, ?, ?, received_at FROM mail_messages WHERE id = ?'),
      threadOf: db.prepare('SELECT thread_id FROM mail_messages WHERE message_id = ? ORDER BY id LIMIT 1'),
      createThread: db.prepare('INSERT INTO mail_threads (subject_key, last_message_at) VALUES (?, ?)'),
      touchThread: db.prepare('UPDATE mail_threads SET last_message_at = MAX(last_message_at, ?) WHERE id = ?'),
      quarantine: db.prepare(
        `INSERT INTO mail_quarantine (mailbox_id, folder_id, uidvalidity, uid, attempts, error, raw_path, raw_bytes, received_at, quarantined_at)
         VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(folder_id, uidvalidity, uid) DO UPDATE SET attempts = attempts + excluded.attempts, error = excluded.error`,
      ),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  seen(folderId: number, uidvalidity: string, uid: number): boolean {
    return this.s.sighting.get(folderId, uidvalidity, uid) !== undefined;
  }

  tombstoned(messageId: string, contentHash: string): boolean {
    return this.s.tombstone.get(messageId, contentHash) !== undefined;
  }

  find(messageId: string, contentHash: string): number | null {
    return (this.s.find.get(messageId, contentHash) as { id: number } | undefined)?.id ?? null;
  }

  insert(m: NewMessage): number {
    const r = this.s.insert.run({
      ...m,
      synthetic: m.messageIdSynthetic ? 1 : 0,
      fromJson: JSON.stringify(m.from),
      toJson: JSON.stringify(m.to),
      ccJson: JSON.stringify(m.cc),
      referencesJson: JSON.stringify(m.references),
      hasHtml: m.hasHtml ? 1 : 0,
    });
    return Number(r.lastInsertRowid);
  }

  addSighting(messageId: number, mailboxId: number, folderId: number, uidvalidity: string, uid: number): void {
    this.s.insertSighting.run(messageId, mailboxId, folderId, uidvalidity, uid);
  }

  addAttachments(messageId: number, attachments: readonly StoredAttachment[]): void {
    for (const a of attachments) this.s.insertAttachment.run(messageId, a.name, a.contentType, a.bytes, a.path, a.sha256);
  }

  linkContacts(messageId: number, links: readonly { contactId: number; role: 'from' | 'to' | 'cc' }[]): void {
    for (const l of links) this.s.linkContact.run(l.contactId, l.role, messageId);
  }

  threadOfMessageId(messageId: string): number | null {
    return (this.s.threadOf.get(messageId) as { thread_id: number } | undefined)?.thread_id ?? null;
  }

  /** The latest thread with this subject key that shares a contact, since `since`. */
  threadBySubject(subjectKey: string, contactIds: readonly number[], since: string): number | null {
    if (!subjectKey || contactIds.length === 0) return null;
    const row = this.db
      .prepare(
        `SELECT t.id FROM mail_threads t WHERE t.subject_key = ? AND t.last_message_at >= ?
           AND EXISTS (SELECT 1 FROM mail_messages m JOIN mail_message_contacts c ON c.message_id = m.id
                       WHERE m.thread_id = t.id AND c.contact_id IN (${contactIds.map(() => '?').join(',')}))
         ORDER BY t.last_message_at DESC LIMIT 1`,
      )
      .get(subjectKey, since, ...contactIds) as { id: number } | undefined;
    return row?.id ?? null;
  }

  createThread(subjectKey: string, at: string): number {
    return Number(this.s.createThread.run(subjectKey, at).lastInsertRowid);
  }

  touchThread(threadId: number, at: string): void {
    this.s.touchThread.run(at, threadId);
  }

  quarantine(q: { mailboxId: number; folderId: number; uidvalidity: string; uid: number; attempts: number; error: string; rawPath: string | null; rawBytes: number | null; receivedAt: string | null; at: string }): void {
    this.s.quarantine.run(q.mailboxId, q.folderId, q.uidvalidity, q.uid, q.attempts, q.error.slice(0, 1000), q.rawPath, q.rawBytes, q.receivedAt, q.at);
  }

  list(filter: MessageFilter): { total: number; items: MessageRow[] } {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.mailboxId !== undefined) {
      where.push('(m.mailbox_id = ? OR EXISTS (SELECT 1 FROM mail_sightings s WHERE s.message_id = m.id AND s.mailbox_id = ?))');
      params.push(filter.mailboxId, filter.mailboxId);
    }
    if (filter.contactId !== undefined) {
      // The contact's own rows of the (contact_id, …) index, not a probe per message.
      where.push('m.id IN (SELECT message_id FROM mail_message_contacts WHERE contact_id = ?)');
      params.push(filter.contactId);
    }
    if (filter.visibleTo) {
      const ids = filter.visibleTo.mailboxIds;
      const inList = ids.length ? ids.map(() => '?').join(',') : 'NULL';
      where.push(
        `(m.assignee_id = ? OR m.mailbox_id IN (${inList}) OR EXISTS (SELECT 1 FROM mail_sightings s WHERE s.message_id = m.id AND s.mailbox_id IN (${inList})))`,
      );
      params.push(filter.visibleTo.userId, ...ids, ...ids);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM mail_messages m ${clause}`).get(...params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT m.* FROM mail_messages m ${clause} ORDER BY m.received_at DESC, m.id DESC LIMIT ? OFFSET ?`)
      .all(...params, filter.limit, filter.offset) as Row[];
    return { total, items: this.hydrate(rows) };
  }

  get(id: number): MessageRow | null {
    const row = this.db.prepare('SELECT * FROM mail_messages WHERE id = ?').get(id) as Row | undefined;
    return row ? this.hydrate([row])[0]! : null;
  }

  /** Where a message's raw file is, and whether it has an HTML part. */
  rawFile(id: number): { rawPath: string; hasHtml: boolean } | null {
    const row = this.db.prepare('SELECT raw_path AS rawPath, has_html AS hasHtml FROM mail_messages WHERE id = ?').get(id) as { rawPath: string; hasHtml: number } | undefined;
    return row ? { rawPath: row.rawPath, hasHtml: row.hasHtml === 1 } : null;
  }

  /** The stored file of a message's attachment (0-based, in the order the message lists them). */
  attachmentFile(messageId: number, index: number): { name: string; contentType: string; bytes: number; path: string } | null {
    const row = this.db
      .prepare('SELECT name, content_type AS contentType, bytes, path FROM mail_attachments WHERE message_id = ? ORDER BY id LIMIT 1 OFFSET ?')
      .get(messageId, index) as { name: string; contentType: string; bytes: number; path: string } | undefined;
    return row ?? null;
  }

  /** The mailboxes that saw or sent a message. */
  mailboxesOf(id: number): number[] {
    return (
      this.db
        .prepare('SELECT mailbox_id AS id FROM mail_sightings WHERE message_id = ? UNION SELECT mailbox_id FROM mail_messages WHERE id = ? AND mailbox_id IS NOT NULL')
        .all(id, id) as { id: number }[]
    ).map((r) => r.id);
  }

  senderContactIds(id: number): number[] {
    return (this.db.prepare("SELECT contact_id FROM mail_message_contacts WHERE message_id = ? AND role = 'from' ORDER BY contact_id").all(id) as { contact_id: number }[]).map((r) => r.contact_id);
  }

  /** Contacts merged: their mail follows the contact that stays (runs inside the merge transaction). */
  moveContact(fromContactId: number, toContactId: number): void {
    this.db.prepare('INSERT OR IGNORE INTO mail_message_contacts (message_id, contact_id, role, received_at) SELECT message_id, ?, role, received_at FROM mail_message_contacts WHERE contact_id = ?').run(toContactId, fromContactId);
    this.db.prepare('DELETE FROM mail_message_contacts WHERE contact_id = ?').run(fromContactId);
  }

  /** The newest inbound messages, for rule previews. */
  recentInbound(limit: number): MessageRow[] {
    return this.hydrate(this.db.prepare("SELECT * FROM mail_messages WHERE direction = 'in' ORDER BY received_at DESC, id DESC LIMIT ?").all(limit) as Row[]);
  }

  /**
   * For timelines: a contact's messages, newest first, before a time. Read from the contact's
   * own range of mail_message_contacts_timeline (mail/003), never by walking every message by date.
   */
  forContact(contactId: number, limit: number, before: string | null): MessageRow[] {
    const rows = this.db
      .prepare(
        `SELECT m.* FROM (SELECT DISTINCT message_id, received_at FROM mail_message_contacts INDEXED BY mail_message_contacts_timeline
                          WHERE contact_id = ? AND received_at < ? ORDER BY received_at DESC, message_id DESC LIMIT ?) c
           JOIN mail_messages m ON m.id = c.message_id ORDER BY c.received_at DESC, c.message_id DESC`,
      )
      .all(contactId, before ?? '\uffff', limit) as Row[];
    return this.hydrate(rows);
  }

  setAssignee(id: number, assigneeId: number | null, originalAssigneeId: number | null, delegationId: number | null): void {
    this.db.prepare('UPDATE mail_messages SET assignee_id = ?, original_assignee_id = ?, delegation_id = ? WHERE id = ?').run(assigneeId, originalAssigneeId, delegationId, id);
  }

  /** Revert of a delegation: its messages still with the delegate go back to the original assignee. */
  returnDelegated(delegationId: number, delegateId: number): number {
    return this.db
      .prepare('UPDATE mail_messages SET assignee_id = original_assignee_id, original_assignee_id = NULL, delegation_id = NULL WHERE delegation_id = ? AND assignee_id = ?')
      .run(delegationId, delegateId).changes;
  }

  /** Offboarding: nothing stays assigned to a deactivated user. */
  unassignUser(userId: number): number {
    this.db.prepare('UPDATE mail_messages SET original_assignee_id = NULL WHERE original_assignee_id = ?').run(userId);
    return this.db.prepare('UPDATE mail_messages SET assignee_id = NULL, delegation_id = NULL WHERE assignee_id = ?').run(userId).changes;
  }

  /** Recent assignment counts per user, for least-busy team routing. */
  assignedCounts(userIds: readonly number[], since: string): Map<number, number> {
    const out = new Map<number, number>(userIds.map((id) => [id, 0]));
    if (userIds.length === 0) return out;
    const rows = this.db
      .prepare(`SELECT assignee_id AS id, COUNT(*) AS n FROM mail_messages WHERE assignee_id IN (${userIds.map(() => '?').join(',')}) AND received_at >= ? GROUP BY assignee_id`)
      .all(...userIds, since) as { id: number; n: number }[];
    for (const r of rows) out.set(r.id, r.n);
    return out;
  }

  /** What deleting these messages must remove from disk (paths no other message uses). */
  /**
   * What deleting these messages removes: their tombstones, and the files (raw message,
   * attachments) that no other message shares. Costs in proportion to the batch, not the mailbox.
   */
  filesToDelete(ids: readonly number[]): { tombstones: { messageId: string; contentHash: string }[]; paths: string[] } {
    if (ids.length === 0) return { tombstones: [], paths: [] };
    const list = ids.map(() => '?').join(',');
    const rows = this.db.prepare(`SELECT message_id, content_hash, raw_path FROM mail_messages WHERE id IN (${list})`).all(...ids) as { message_id: string; content_hash: string; raw_path: string }[];
    const attachments = this.db.prepare(`SELECT path FROM mail_attachments WHERE message_id IN (${list})`).all(...ids) as { path: string }[];
    const usedElsewhere = this.db.prepare(
      `SELECT 1 FROM mail_messages WHERE raw_path = ? AND id NOT IN (${list})
       UNION ALL SELECT 1 FROM mail_attachments WHERE path = ? AND message_id NOT IN (${list}) LIMIT 1`,
    );
    const candidates = new Set([...rows.map((r) => r.raw_path), ...attachments.map((a) => a.path)]);
    const paths = [...candidates].filter((p) => p && !usedElsewhere.get(p, ...ids, p, ...ids));
    return { tombstones: rows.map((r) => ({ messageId: r.message_id, contentHash: r.content_hash })), paths };
  }

  deleteWithTombstones(ids: readonly number[], tombstones: readonly { messageId: string; contentHash: string }[], reason: string, at: string): void {
    const add = this.db.prepare('INSERT OR IGNORE INTO mail_tombstones (message_id, content_hash, deleted_at, reason) VALUES (?, ?, ?, ?)');
    const del = this.db.prepare('DELETE FROM mail_messages WHERE id = ?');
    const threadOf = this.db.prepare('SELECT thread_id FROM mail_messages WHERE id = ?');
    const dropEmptyThread = this.db.prepare('DELETE FROM mail_threads WHERE id = ? AND NOT EXISTS (SELECT 1 FROM mail_messages WHERE thread_id = ?)');
    this.db.transaction(() => {
      for (const t of tombstones) add.run(t.messageId, t.contentHash, at, reason);
      const threads = new Set<number>();
      for (const id of ids) {
        const row = threadOf.get(id) as { thread_id: number | null } | undefined;
        if (row?.thread_id != null) threads.add(row.thread_id);
        del.run(id);
      }
      for (const thread of threads) dropEmptyThread.run(thread, thread);
    })();
  }

  private hydrate(rows: Row[]): MessageRow[] {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const list = ids.map(() => '?').join(',');
    const contacts = this.db.prepare(`SELECT DISTINCT message_id, contact_id FROM mail_message_contacts WHERE message_id IN (${list}) ORDER BY contact_id`).all(...ids) as { message_id: number; contact_id: number }[];
    const atts = this.db.prepare(`SELECT message_id, name, bytes, content_type FROM mail_attachments WHERE message_id IN (${list}) ORDER BY id`).all(...ids) as { message_id: number; name: string; bytes: number; content_type: string }[];
    return rows.map((r) => ({
      id: r.id,
      messageId: r.message_id,
      threadId: r.thread_id,
      mailboxId: r.mailbox_id,
      direction: r.direction,
      subject: r.subject,
      from: JSON.parse(r.from_json) as MailAddress[],
      to: JSON.parse(r.to_json) as MailAddress[],
      cc: JSON.parse(r.cc_json) as MailAddress[],
      inReplyTo: r.in_reply_to,
      references: JSON.parse(r.references_json) as string[],
      date: r.date,
      receivedAt: r.received_at,
      bodyText: r.body_text,
      assigneeId: r.assignee_id,
      originalAssigneeId: r.original_assignee_id,
      routedByRuleId: r.routed_by_rule_id ?? null,
      contactIds: [...new Set(contacts.filter((c) => c.message_id === r.id).map((c) => c.contact_id))],
      attachments: atts.filter((a) => a.message_id === r.id).map((a) => ({ name: a.name, bytes: a.bytes, contentType: a.content_type })),
    }));
  }
}
