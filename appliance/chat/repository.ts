import type { Db } from '../core/db.js';

export type ConversationState = 'waiting' | 'active' | 'closed';
export type ConversationMode = 'live' | 'message';
export type Author = 'visitor' | 'operator' | 'system' | 'note';

export interface Visitor {
  id: number;
  siteId: number;
  contactId: number | null;
  externalId: string | null;
  verified: boolean;
  name: string | null;
  email: string | null;
  phone: string | null;
  language: string | null;
}

export interface Conversation {
  id: number;
  siteId: number;
  visitorId: number;
  contactId: number | null;
  mode: ConversationMode;
  state: ConversationState;
  operatorId: number | null;
  teamId: number | null;
  language: string;
  form: Record<string, string | boolean>;
  pageUrl: string | null;
  lastSeq: number;
  visitorReadSeq: number;
  operatorReadSeq: number;
  rating: number | null;
  ratingComment: string | null;
  createdAt: string;
  acceptedAt: string | null;
  firstResponseAt: string | null;
  closedAt: string | null;
  closedBy: string | null;
}

export interface ChatFile {
  sha256: string;
  name: string;
  type: string;
  bytes: number;
}

export interface Message {
  conversationId: number;
  seq: number;
  author: Author;
  operatorId: number | null;
  clientId: string | null;
  text: string;
  file: ChatFile | null;
  at: string;
}

const bool = (v: unknown) => v === 1 || v === true;

function mapConversation(r: Record<string, unknown>): Conversation {
  return {
    id: r.id as number,
    siteId: r.site_id as number,
    visitorId: r.visitor_id as number,
    contactId: (r.contact_id as number | null) ?? null,
    mode: r.mode as ConversationMode,
    state: r.state as ConversationState,
    operatorId: (r.operator_id as number | null) ?? null,
    teamId: (r.team_id as number | null) ?? null,
    language: r.language as string,
    form: JSON.parse(r.form as string) as Record<string, string | boolean>,
    pageUrl: (r.page_url as string | null) ?? null,
    lastSeq: r.last_seq as number,
    visitorReadSeq: r.visitor_read_seq as number,
    operatorReadSeq: r.operator_read_seq as number,
    rating: (r.rating as number | null) ?? null,
    ratingComment: (r.rating_comment as string | null) ?? null,
    createdAt: r.created_at as string,
    acceptedAt: (r.accepted_at as string | null) ?? null,
    firstResponseAt: (r.first_response_at as string | null) ?? null,
    closedAt: (r.closed_at as string | null) ?? null,
    closedBy: (r.closed_by as string | null) ?? null,
  };
}

function mapMessage(r: Record<string, unknown>): Message {
  return {
    conversationId: r.conversation_id as number,
    seq: r.seq as number,
    author: r.author as Author,
    operatorId: (r.operator_id as number | null) ?? null,
    clientId: (r.client_id as string | null) ?? null,
    text: r.text as string,
    file: r.file_sha256
      ? { sha256: r.file_sha256 as string, name: r.file_name as string, type: r.file_type as string, bytes: r.file_bytes as number }
      : null,
    at: r.at as string,
  };
}

function mapVisitor(r: Record<string, unknown>): Visitor {
  return {
    id: r.id as number,
    siteId: r.site_id as number,
    contactId: (r.contact_id as number | null) ?? null,
    externalId: (r.external_id as string | null) ?? null,
    verified: bool(r.verified),
    name: (r.name as string | null) ?? null,
    email: (r.email as string | null) ?? null,
    phone: (r.phone as string | null) ?? null,
    language: (r.language as string | null) ?? null,
  };
}

export interface NewMessage {
  author: Author;
  operatorId?: number | null;
  clientId?: string | null;
  text: string;
  file?: ChatFile | null;
}

/** All SQL on visitors, conversations, messages and files. */
export class ChatRepository {
  private readonly s;
  /** One transaction function, made once: storing a message is the hot path. */
  private readonly appendTx;

  constructor(db: Db) {
    this.s = {
      visitorByHash: db.prepare('SELECT * FROM chat_visitors WHERE token_hash = ?'),
      visitor: db.prepare('SELECT * FROM chat_visitors WHERE id = ?'),
      insertVisitor: db.prepare('INSERT INTO chat_visitors (site_id, token_hash, language, created_at, seen_at) VALUES (?, ?, ?, ?, ?)'),
      seen: db.prepare('UPDATE chat_visitors SET seen_at = ? WHERE id = ?'),
      visitorDetails: db.prepare('UPDATE chat_visitors SET name = coalesce(?, name), email = coalesce(?, email), phone = coalesce(?, phone) WHERE id = ?'),
      verifyVisitor: db.prepare('UPDATE chat_visitors SET external_id = ?, verified = 1, contact_id = ?, name = coalesce(?, name), email = coalesce(?, email) WHERE id = ?'),
      visitorContact: db.prepare('UPDATE chat_visitors SET contact_id = ? WHERE id = ?'),
      identity: db.prepare('SELECT contact_id FROM chat_identities WHERE registrable_domain = ? AND external_id = ?'),
      insertIdentity: db.prepare('INSERT OR IGNORE INTO chat_identities (registrable_domain, external_id, contact_id, created_at) VALUES (?, ?, ?, ?)'),
      conversation: db.prepare('SELECT * FROM chat_conversations WHERE id = ?'),
      openOfVisitor: db.prepare("SELECT * FROM chat_conversations WHERE visitor_id = ? AND state != 'closed' ORDER BY id DESC LIMIT 1"),
      lastOfVisitor: db.prepare('SELECT * FROM chat_conversations WHERE visitor_id = ? ORDER BY id DESC LIMIT 1'),
      insertConversation: db.prepare(
        "INSERT INTO chat_conversations (site_id, visitor_id, contact_id, mode, state, team_id, language, form, page_url, created_at) VALUES (?, ?, ?, ?, 'waiting', ?, ?, ?, ?, ?)",
      ),
      byState: db.prepare('SELECT * FROM chat_conversations WHERE state = ? ORDER BY created_at DESC, id DESC LIMIT ?'),
      waitingOfSite: db.prepare("SELECT id, operator_read_seq FROM chat_conversations WHERE state = 'waiting' AND mode = 'live' AND site_id = ? ORDER BY created_at, id"),
      position: db.prepare(
        "SELECT count(*) AS n FROM chat_conversations WHERE state = 'waiting' AND mode = 'live' AND site_id = ? AND (created_at < ? OR (created_at = ? AND id <= ?))",
      ),
      active: db.prepare("SELECT id, operator_id, accepted_at FROM chat_conversations WHERE state = 'active'"),
      waitingLive: db.prepare("SELECT * FROM chat_conversations WHERE state = 'waiting' AND mode = 'live' ORDER BY created_at, id LIMIT ?"),
      heldBy: db.prepare("SELECT count(*) AS n FROM chat_conversations WHERE state = 'active' AND mode = 'live' AND operator_id = ?"),
      ofContact: db.prepare('SELECT * FROM chat_conversations WHERE contact_id = ? AND created_at < ? ORDER BY created_at DESC LIMIT ?'),
      accept: db.prepare("UPDATE chat_conversations SET state = 'active', operator_id = ?, accepted_at = ? WHERE id = ? AND state = 'waiting'"),
      close: db.prepare("UPDATE chat_conversations SET state = 'closed', closed_at = ?, closed_by = ? WHERE id = ? AND state != 'closed'"),
      transfer: db.prepare('UPDATE chat_conversations SET operator_id = ?, team_id = ?, state = ?, accepted_at = CASE WHEN ? IS NULL THEN NULL ELSE accepted_at END WHERE id = ?'),
      bumpSeq: db.prepare('UPDATE chat_conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq'),
      bumpSeqOpen: db.prepare("UPDATE chat_conversations SET last_seq = last_seq + 1 WHERE id = ? AND state != 'closed' RETURNING last_seq"),
      firstResponse: db.prepare('UPDATE chat_conversations SET first_response_at = ? WHERE id = ? AND first_response_at IS NULL'),
      readVisitor: db.prepare('UPDATE chat_conversations SET visitor_read_seq = max(visitor_read_seq, min(?, last_seq)) WHERE id = ?'),
      readOperator: db.prepare('UPDATE chat_conversations SET operator_read_seq = max(operator_read_seq, min(?, last_seq)) WHERE id = ?'),
      rating: db.prepare('UPDATE chat_conversations SET rating = ?, rating_comment = ? WHERE id = ?'),
      contact: db.prepare('UPDATE chat_conversations SET contact_id = ? WHERE id = ?'),
      moveContact: db.prepare('UPDATE chat_conversations SET contact_id = ? WHERE contact_id = ?'),
      moveVisitors: db.prepare('UPDATE chat_visitors SET contact_id = ? WHERE contact_id = ?'),
      moveIdentities: db.prepare('UPDATE chat_identities SET contact_id = ? WHERE contact_id = ?'),
      byClient: db.prepare('SELECT * FROM chat_messages WHERE conversation_id = ? AND author = ? AND client_id = ?'),
      insertMessage: db.prepare(
        'INSERT INTO chat_messages (conversation_id, seq, author, operator_id, client_id, text, file_sha256, file_name, file_type, file_bytes, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      after: db.prepare('SELECT * FROM chat_messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
      message: db.prepare('SELECT * FROM chat_messages WHERE conversation_id = ? AND seq = ?'),
      fileInMessage: db.prepare('SELECT * FROM chat_messages WHERE conversation_id = ? AND file_sha256 = ? LIMIT 1'),
      file: db.prepare('SELECT sha256, path, bytes FROM chat_files WHERE sha256 = ?'),
      insertFile: db.prepare('INSERT OR IGNORE INTO chat_files (sha256, path, bytes, created_at) VALUES (?, ?, ?, ?)'),
    };
    this.appendTx = db.transaction((conversationId: number, m: NewMessage, at: string, evenClosed: boolean): { message: Message; duplicate: boolean } | null => {
      if (m.clientId) {
        const existing = this.s.byClient.get(conversationId, m.author, m.clientId) as Record<string, unknown> | undefined;
        if (existing) return { message: mapMessage(existing), duplicate: true };
      }
      const bumped = (evenClosed ? this.s.bumpSeq : this.s.bumpSeqOpen).get(conversationId) as { last_seq: number } | undefined;
      if (!bumped) return null;
      const seq = bumped.last_seq;
      const f = m.file ?? null;
      this.s.insertMessage.run(conversationId, seq, m.author, m.operatorId ?? null, m.clientId ?? null, m.text, f?.sha256 ?? null, f?.name ?? null, f?.type ?? null, f?.bytes ?? null, at);
      if (m.author === 'operator') this.s.firstResponse.run(at, conversationId);
      return {
        message: { conversationId, seq, author: m.author, operatorId: m.operatorId ?? null, clientId: m.clientId ?? null, text: m.text, file: f, at },
        duplicate: false,
      };
    });
  }

  visitorByTokenHash(hash: string): Visitor | null {
    const r = this.s.visitorByHash.get(hash) as Record<string, unknown> | undefined;
    return r ? mapVisitor(r) : null;
  }

  visitor(id: number): Visitor | null {
    const r = this.s.visitor.get(id) as Record<string, unknown> | undefined;
    return r ? mapVisitor(r) : null;
  }

  insertVisitor(siteId: number, tokenHash: string, language: string, at: string): Visitor {
    const id = Number(this.s.insertVisitor.run(siteId, tokenHash, language, at, at).lastInsertRowid);
    return this.visitor(id)!;
  }

  visitorSeen(id: number, at: string): void {
    this.s.seen.run(at, id);
  }

  setVisitorDetails(id: number, d: { name?: string | null; email?: string | null; phone?: string | null }): void {
    this.s.visitorDetails.run(d.name ?? null, d.email ?? null, d.phone ?? null, id);
  }

  verifyVisitor(id: number, externalId: string, contactId: number, d: { name?: string | null; email?: string | null }): void {
    this.s.verifyVisitor.run(externalId, contactId, d.name ?? null, d.email ?? null, id);
  }

  setVisitorContact(id: number, contactId: number): void {
    this.s.visitorContact.run(contactId, id);
  }

  identity(domain: string, externalId: string): number | null {
    return (this.s.identity.get(domain, externalId) as { contact_id: number } | undefined)?.contact_id ?? null;
  }

  insertIdentity(domain: string, externalId: string, contactId: number, at: string): void {
    this.s.insertIdentity.run(domain, externalId, contactId, at);
  }

  conversation(id: number): Conversation | null {
    const r = this.s.conversation.get(id) as Record<string, unknown> | undefined;
    return r ? mapConversation(r) : null;
  }

  openConversationOf(visitorId: number): Conversation | null {
    const r = this.s.openOfVisitor.get(visitorId) as Record<string, unknown> | undefined;
    return r ? mapConversation(r) : null;
  }

  lastConversationOf(visitorId: number): Conversation | null {
    const r = this.s.lastOfVisitor.get(visitorId) as Record<string, unknown> | undefined;
    return r ? mapConversation(r) : null;
  }

  insertConversation(c: { siteId: number; visitorId: number; contactId: number | null; mode: ConversationMode; teamId: number | null; language: string; form: object; pageUrl: string | null }, at: string): number {
    return Number(this.s.insertConversation.run(c.siteId, c.visitorId, c.contactId, c.mode, c.teamId, c.language, JSON.stringify(c.form), c.pageUrl, at).lastInsertRowid);
  }

  list(state: ConversationState, limit: number): Conversation[] {
    return (this.s.byState.all(state, limit) as Record<string, unknown>[]).map(mapConversation);
  }

  /** The site's waiting live chats in queue order. */
  waiting(siteId: number): { id: number; operatorReadSeq: number }[] {
    return (this.s.waitingOfSite.all(siteId) as { id: number; operator_read_seq: number }[]).map((r) => ({ id: r.id, operatorReadSeq: r.operator_read_seq }));
  }

  /** A waiting live chat's place in its site's queue (1 = next), counted on the index. */
  position(c: Pick<Conversation, 'id' | 'siteId' | 'createdAt'>): number {
    return (this.s.position.get(c.siteId, c.createdAt, c.createdAt, c.id) as { n: number }).n;
  }

  /** Waiting live chats, longest waiting first (every site). */
  waitingLive(limit: number): Conversation[] {
    return (this.s.waitingLive.all(limit) as Record<string, unknown>[]).map(mapConversation);
  }

  /** How many live chats an operator is handling. */
  heldBy(operatorId: number): number {
    return (this.s.heldBy.get(operatorId) as { n: number }).n;
  }

  activeDialogs(): { id: number; operatorId: number | null; acceptedAt: string }[] {
    return (this.s.active.all() as { id: number; operator_id: number | null; accepted_at: string }[]).map((r) => ({ id: r.id, operatorId: r.operator_id, acceptedAt: r.accepted_at }));
  }

  ofContact(contactId: number, before: string, limit: number): Conversation[] {
    return (this.s.ofContact.all(contactId, before, limit) as Record<string, unknown>[]).map(mapConversation);
  }

  accept(id: number, operatorId: number, at: string): boolean {
    return this.s.accept.run(operatorId, at, id).changes === 1;
  }

  close(id: number, by: string, at: string): boolean {
    return this.s.close.run(at, by, id).changes === 1;
  }

  transfer(id: number, operatorId: number | null, teamId: number | null): void {
    this.s.transfer.run(operatorId, teamId, operatorId === null ? 'waiting' : 'active', operatorId, id);
  }

  setRead(id: number, who: 'visitor' | 'operator', seq: number): void {
    (who === 'visitor' ? this.s.readVisitor : this.s.readOperator).run(seq, id);
  }

  setRating(id: number, rating: number, comment: string | null): void {
    this.s.rating.run(rating, comment, id);
  }

  setContact(id: number, contactId: number): void {
    this.s.contact.run(contactId, id);
  }

  /** A contact merged into another: its chats, visitors and verified identities follow. */
  moveContact(fromId: number, toId: number): void {
    this.s.moveContact.run(toId, fromId);
    this.s.moveVisitors.run(toId, fromId);
    this.s.moveIdentities.run(toId, fromId);
  }

  /**
   * Stores a message with the conversation's next sequence number, in one transaction. A message
   * re-sent with the same client id (after a cut connection) returns the stored one instead.
   * Null when the conversation is gone, or closed unless `evenClosed`: nothing is stored then.
   */
  append(conversationId: number, m: NewMessage, at: string, options: { evenClosed?: boolean } = {}): { message: Message; duplicate: boolean } | null {
    return this.appendTx(conversationId, m, at, options.evenClosed === true);
  }


  messagesAfter(conversationId: number, afterSeq: number, limit = 500): Message[] {
    return (this.s.after.all(conversationId, afterSeq, limit) as Record<string, unknown>[]).map(mapMessage);
  }

  message(conversationId: number, seq: number): Message | null {
    const r = this.s.message.get(conversationId, seq) as Record<string, unknown> | undefined;
    return r ? mapMessage(r) : null;
  }

  /** The file as sent in this conversation (name and type as that message gave them), or null. */
  fileInConversation(conversationId: number, sha256: string): (ChatFile & { path: string }) | null {
    const r = this.s.fileInMessage.get(conversationId, sha256) as Record<string, unknown> | undefined;
    if (!r) return null;
    const f = this.file(sha256);
    return f ? { sha256, name: r.file_name as string, type: r.file_type as string, bytes: f.bytes, path: f.path } : null;
  }

  file(sha256: string): { sha256: string; path: string; bytes: number } | null {
    return (this.s.file.get(sha256) as { sha256: string; path: string; bytes: number } | undefined) ?? null;
  }

  insertFile(sha256: string, path: string, bytes: number, at: string): void {
    this.s.insertFile.run(sha256, path, bytes, at);
  }
}
