import type { Clock } from '../core/clock.js';
import type { AuditLog } from '../core/audit.js';
import type { EventBus } from '../core/events.js';
import type { SessionUser } from '../core/auth/sessions.js';
import { AppError } from '../core/errors.js';
import type { Language } from '../config.js';
import type { ChatRepository, Conversation, ConversationMode, Message, NewMessage, Visitor } from './repository.js';
import type { Site, SitesService } from './sites-service.js';
import { isOpen, pickLanguage } from './settings.js';
import type { ServerFrame } from './protocol.js';
import { visitorMessageFrame } from './protocol.js';
import './events.js';
import './errors.js';

/** What chat needs of licensing: the `chat` module and the one counter of concurrent dialogs. */
export interface ChatLicensePort {
  assertModule(name: 'chat'): void;
  assertCanOpenDialog(direction: 'inbound', options: { operatorId: number }): () => void;
  /** Every licensed session is taken (calls and chats). */
  atLimit(): boolean;
}

export interface ContactsPort {
  matchEmail(address: string): { id: number } | null;
  createLead(input: { name: string; phones?: readonly string[]; emails?: readonly string[] }, actorId?: number | null): { id: number };
}

/**
 * Sends mail through a site's mailbox (mail capability). The recipient is always the visitor's
 * own address, never one an operator typed; an operator sends with their own rights (they need
 * the mailbox, like for any mail they write), `actor` null is the appliance answering a
 * visitor's request (a transcript).
 */
export interface ChatMailPort {
  send(input: { mailboxId: number; to: string; subject: string; text: string; actor: SessionUser | null }): Promise<void>;
  canUseMailbox(user: SessionUser, mailboxId: number): boolean;
}

/** Frames to the visitor sockets of a conversation (every tab of that visitor). */
export interface VisitorChannel {
  send(conversationId: number, frame: ServerFrame): void;
}

/** Live events to operators allowed to answer the site (rendered per viewer for masking). */
export interface OperatorChannel {
  publish(type: string, site: Site, render: (viewer: SessionUser) => unknown, onlyUserIds?: readonly number[]): void;
  /** Whether some user who may answer this site has the workspace open. */
  anyoneOnline(site: Site): boolean;
}

/** Who may be given waiting chats automatically, and how many each holds at most. */
export interface AssignmentPort {
  /** Live chats one operator holds before auto-assignment passes them over; 0 turns it off. */
  maxChatsPerOperator: number;
  /** Users who could take a chat now: the workspace open, not paused or in wrap-up. */
  readyUsers(): SessionUser[];
  inTeam(teamId: number, userId: number): boolean;
}

export interface ChatServiceDeps {
  repo: ChatRepository;
  sites: SitesService;
  clock: Clock;
  audit: AuditLog;
  bus: EventBus;
  license: () => ChatLicensePort | null;
  contacts: () => ContactsPort | null;
  mail: () => ChatMailPort | null;
  visitors: VisitorChannel;
  operators: OperatorChannel;
  userName: (id: number) => string | null;
  limits: { messageChars: number };
  assignment: AssignmentPort;
}

export interface StartInput {
  form: { name?: string; email?: string; phone?: string; consent?: boolean };
  pageUrl?: string | null;
  language?: string;
}

/**
 * Conversations from first message to close: waiting → active (an operator accepted it, which
 * counts a concurrent dialog on the licence) → closed. A left message (no one online, or out of
 * hours) is a `message`-mode conversation that waits in the workspace and is answered by e-mail.
 * Every message gets the conversation's next sequence number in the same transaction that stores
 * it; visitors and operators resume from the last number they saw.
 */
export class ChatService {
  constructor(private readonly d: ChatServiceDeps) {}

  get repo(): ChatRepository {
    return this.d.repo;
  }

  /** Whether live chat is offered right now on this site, and why not. */
  availability(site: Site): { open: boolean; reason: 'hours' | 'nobody' | null } {
    if (!isOpen(site.settings, this.d.clock.now())) return { open: false, reason: 'hours' };
    if (!this.d.operators.anyoneOnline(site)) return { open: false, reason: 'nobody' };
    return { open: true, reason: null };
  }

  start(site: Site, visitor: Visitor, input: StartInput, requested: ConversationMode): Conversation {
    const existing = this.d.repo.openConversationOf(visitor.id);
    if (existing) return existing;
    const mode: ConversationMode = requested === 'live' && this.availability(site).open ? 'live' : 'message';
    const form = cleanForm(input.form);
    this.checkRequired(site, form, mode);
    const now = this.d.clock.now().toISOString();
    this.d.repo.setVisitorDetails(visitor.id, { name: form.name ?? null, email: form.email ?? null, phone: form.phone ?? null });
    // A verified visitor is already tied to their contact; an unverified one becomes a new lead:
    // what they typed never attaches them to someone else's contact.
    let contactId = visitor.contactId;
    if (contactId === null) {
      const contacts = this.d.contacts();
      if (contacts) {
        contactId = contacts.createLead({ name: form.name || form.email || form.phone || `${site.name} visitor ${visitor.id}`, emails: form.email ? [form.email] : [], phones: form.phone ? [form.phone] : [] }).id;
        this.d.repo.setVisitorContact(visitor.id, contactId);
      }
    }
    const language = pickLanguage(site.settings, input.language ?? visitor.language ?? undefined);
    const id = this.d.repo.insertConversation({ siteId: site.id, visitorId: visitor.id, contactId, mode, teamId: site.teamId, language, form, pageUrl: input.pageUrl?.slice(0, 500) ?? null }, now);
    const conversation = this.d.repo.conversation(id)!;
    this.d.bus.publish('chat.started', { conversationId: id, siteId: site.id, mode, contactId, at: now });
    // A newcomer joins the end of the queue: nobody else's position changes.
    this.d.operators.publish('chat.waiting', site, () => ({ conversationId: id }));
    return conversation;
  }

  /**
   * A visitor's message: stored (or recognised as a re-send) and then delivered. The hot path of
   * chat, so the conversation is not read first: storing refuses a closed one in its transaction.
   */
  visitorMessage(site: Site, conversationId: number, input: { clientId: string; text: string; file?: NewMessage['file'] }): { message: Message; duplicate: boolean } {
    const text = this.checkText(input.text, Boolean(input.file));
    const result = this.d.repo.append(conversationId, { author: 'visitor', clientId: input.clientId, text, file: input.file ?? null }, this.d.clock.now().toISOString());
    if (!result) throw new AppError('CHAT_CLOSED', { id: conversationId });
    if (!result.duplicate) this.delivered(site, conversationId, result.message);
    return result;
  }

  operatorMessage(user: SessionUser, conversationId: number, input: { text: string; clientId?: string; note?: boolean; file?: NewMessage['file'] }): { message: Message; duplicate: boolean } {
    const { site, conversation } = this.forOperator(user, conversationId);
    if (conversation.state === 'closed') throw new AppError('CHAT_CLOSED', { id: conversationId });
    if (!input.note && conversation.mode === 'live' && conversation.operatorId !== user.id) throw new AppError('CHAT_NOT_YOURS', { id: conversationId });
    const text = this.checkText(input.text, Boolean(input.file));
    const author = input.note ? 'note' : 'operator';
    const result = this.d.repo.append(conversationId, { author, operatorId: user.id, clientId: input.clientId ?? null, text, file: input.file ?? null }, this.d.clock.now().toISOString());
    if (!result) throw new AppError('CHAT_CLOSED', { id: conversationId });
    if (!result.duplicate) this.delivered(site, conversationId, result.message);
    return result;
  }

  accept(user: SessionUser, conversationId: number): Conversation {
    const { site, conversation } = this.forOperator(user, conversationId);
    if (conversation.state !== 'waiting') throw new AppError('CHAT_NOT_WAITING', { id: conversationId, state: conversation.state });
    const updated = this.take(user, site, conversation, 'accepted');
    this.pushWaitingStates(site);
    return updated;
  }

  /**
   * An operator's chat session freed (they ended or handed on a chat, or became available): the
   * visitors waiting longest, on sites and teams they answer, are given to them up to their chat
   * limit, while the licence has room. Returns the chats given.
   */
  assignWaiting(operatorId: number, skip: ReadonlySet<number> = new Set()): Conversation[] {
    const a = this.d.assignment;
    if (a.maxChatsPerOperator <= 0) return [];
    const user = a.readyUsers().find((u) => u.id === operatorId);
    if (!user) return [];
    const given: Conversation[] = [];
    let free = a.maxChatsPerOperator - this.d.repo.heldBy(operatorId);
    if (free <= 0) return [];
    for (const c of this.d.repo.waitingLive(500)) {
      if (free <= 0) break;
      if (skip.has(c.id)) continue;
      const site = this.d.sites.get(c.siteId);
      if (!this.mayTake(user, site, c)) continue;
      const taken = this.tryTake(user, site, c);
      if (taken === 'licence') break;
      if (taken) {
        given.push(taken);
        free--;
      }
    }
    if (given.length) this.pushWaitingStates();
    return given;
  }

  /** A session freed elsewhere (a call ended): ready operators, least busy first, take the longest waiting. */
  assignWaitingToAnyone(): void {
    if (this.d.assignment.maxChatsPerOperator <= 0 || !this.d.repo.waitingLive(1).length) return;
    const ready = this.d.assignment.readyUsers().map((u) => ({ id: u.id, held: this.d.repo.heldBy(u.id) }));
    for (const u of ready.sort((x, y) => x.held - y.held || x.id - y.id)) this.assignWaiting(u.id);
  }

  /** A chat handed to a team goes at once to its ready member holding the fewest chats, if any has room. */
  private assignToTeam(site: Site, conversation: Conversation, teamId: number, except: number): Conversation | null {
    const a = this.d.assignment;
    if (a.maxChatsPerOperator <= 0) return null;
    const candidates = a
      .readyUsers()
      .filter((u) => u.id !== except && a.inTeam(teamId, u.id) && this.d.sites.canAnswer(u, site))
      .map((u) => ({ u, held: this.d.repo.heldBy(u.id) }))
      .filter((x) => x.held < a.maxChatsPerOperator)
      .sort((x, y) => x.held - y.held || x.u.id - y.u.id);
    for (const { u } of candidates) {
      const taken = this.tryTake(u, site, conversation);
      if (taken === 'licence') return null;
      if (taken) return taken;
    }
    return null;
  }

  private mayTake(user: SessionUser, site: Site, c: Conversation): boolean {
    if (!this.d.sites.canAnswer(user, site)) return false;
    // A chat handed to another team than the site's waits for that team.
    return c.teamId === null || c.teamId === site.teamId || this.d.assignment.inTeam(c.teamId, user.id);
  }

  /** Gives a waiting chat to an operator automatically; 'licence' when no session is free. */
  private tryTake(user: SessionUser, site: Site, c: Conversation): Conversation | null | 'licence' {
    try {
      return this.take(user, site, c, 'assigned');
    } catch (err) {
      if (err instanceof AppError && err.code.startsWith('LICENSE_')) return 'licence';
      if (err instanceof AppError && err.code === 'CHAT_NOT_WAITING') return null;
      throw err;
    }
  }

  private take(user: SessionUser, site: Site, conversation: Conversation, how: 'accepted' | 'assigned'): Conversation {
    const conversationId = conversation.id;
    const license = this.d.license();
    license?.assertModule('chat');
    // A live chat taken is a concurrent dialog: at the limit the operator is told, the visitor keeps waiting.
    const release = conversation.mode === 'live' && license ? license.assertCanOpenDialog('inbound', { operatorId: user.id }) : () => {};
    const now = this.d.clock.now();
    if (!this.d.repo.accept(conversationId, user.id, now.toISOString())) {
      release();
      const current = this.d.repo.conversation(conversationId)!;
      throw new AppError('CHAT_NOT_WAITING', { id: conversationId, state: current.state });
    }
    if (conversation.mode === 'live') this.dialogOpened(conversationId, user.id, now.toISOString());
    this.d.bus.publish('chat.accepted', { conversationId, siteId: site.id, operatorId: user.id, waitedMs: now.getTime() - Date.parse(conversation.createdAt), at: now.toISOString() });
    if (how === 'accepted') this.d.audit.record({ actorId: user.id, action: 'chat.accepted', targetType: 'chat', targetId: conversationId });
    else this.d.audit.record({ actorId: null, action: 'chat.assigned', targetType: 'chat', targetId: conversationId, details: { operatorId: user.id } });
    const updated = this.d.repo.conversation(conversationId)!;
    this.stateChanged(site, updated);
    // The operator given a chat learns it at once (their workspace opens it).
    if (how === 'assigned') this.d.operators.publish('chat.assigned', site, () => ({ conversationId }), [user.id]);
    return updated;
  }

  transfer(user: SessionUser, conversationId: number, to: { operatorId?: number; teamId?: number }): Conversation {
    const { site, conversation } = this.forOperator(user, conversationId);
    if (conversation.state === 'closed') throw new AppError('CHAT_CLOSED', { id: conversationId });
    if (conversation.operatorId !== user.id && user.role !== 'admin' && user.role !== 'supervisor') throw new AppError('CHAT_NOT_YOURS', { id: conversationId });
    if ((to.operatorId === undefined) === (to.teamId === undefined)) throw new AppError('CHAT_TRANSFER_INVALID', { detail: 'name either a colleague (operatorId) or a team (teamId)' });
    const now = this.d.clock.now().toISOString();
    if (to.operatorId !== undefined) {
      const name = this.d.userName(to.operatorId);
      if (name === null || !this.d.sites.canAnswer({ id: to.operatorId, role: 'operator' }, site)) {
        throw new AppError('CHAT_TRANSFER_INVALID', { detail: `user ${to.operatorId} does not answer this site's chats` });
      }
      this.d.repo.transfer(conversationId, to.operatorId, conversation.teamId);
      // The dialog stays one dialog: it changes hands, the licence count does not move.
      if (conversation.state === 'waiting' && conversation.mode === 'live') this.dialogOpened(conversationId, to.operatorId, now);
    } else {
      if (!this.d.sites.teamExists(to.teamId!)) throw new AppError('CHAT_TRANSFER_INVALID', { detail: `there is no team ${to.teamId}` });
      // Only a team that answers the site: another team's members could not even open the chat.
      if (site.teamId !== null && site.teamId !== to.teamId) throw new AppError('CHAT_TRANSFER_INVALID', { detail: `team ${to.teamId} does not answer this site's chats` });
      this.d.repo.transfer(conversationId, null, to.teamId!);
      if (conversation.state === 'active' && conversation.mode === 'live') this.dialogClosed(conversationId, now);
    }
    this.d.bus.publish('chat.transferred', { conversationId, siteId: site.id, fromOperatorId: conversation.operatorId, toOperatorId: to.operatorId ?? null, toTeamId: to.teamId ?? null, at: now });
    this.d.audit.record({ actorId: user.id, action: 'chat.transferred', targetType: 'chat', targetId: conversationId, details: { to } });
    let updated = this.d.repo.conversation(conversationId)!;
    this.stateChanged(site, updated);
    if (to.teamId !== undefined && updated.state === 'waiting' && updated.mode === 'live') updated = this.assignToTeam(site, updated, to.teamId, user.id) ?? updated;
    this.pushWaitingStates(site);
    // The one who handed it on has a free session now (never given the same chat back).
    if (conversation.operatorId !== null && conversation.operatorId !== to.operatorId) this.assignWaiting(conversation.operatorId, new Set([conversationId]));
    return updated;
  }

  close(by: { user: SessionUser } | { visitor: true }, conversationId: number): Conversation {
    const conversation = this.d.repo.conversation(conversationId);
    if (!conversation) throw new AppError('CHAT_NOT_FOUND', { id: conversationId });
    const site = this.d.sites.get(conversation.siteId);
    if ('user' in by) this.forOperator(by.user, conversationId);
    const now = this.d.clock.now().toISOString();
    const who = 'user' in by ? `operator:${by.user.id}` : 'visitor';
    if (!this.d.repo.close(conversationId, who, now)) return conversation;
    if (conversation.state === 'active' && conversation.mode === 'live') this.dialogClosed(conversationId, now);
    this.d.bus.publish('chat.closed', { conversationId, siteId: site.id, operatorId: conversation.operatorId, by: who, at: now });
    const updated = this.d.repo.conversation(conversationId)!;
    this.stateChanged(site, updated);
    this.pushWaitingStates(site);
    // The operator's session is free: the visitor waiting longest that they answer is theirs.
    if (conversation.state === 'active' && conversation.mode === 'live' && conversation.operatorId !== null) this.assignWaiting(conversation.operatorId);
    return updated;
  }

  typing(site: Site, conversation: Conversation, from: 'visitor' | SessionUser, on: boolean): void {
    if (conversation.state === 'closed') return;
    if (from === 'visitor') {
      const event = { conversationId: conversation.id, from: 'visitor', on };
      this.d.operators.publish('chat.typing', site, () => event);
    } else {
      this.d.visitors.send(conversation.id, { t: 'typing', on, name: from.displayName });
      this.d.operators.publish('chat.typing', site, (viewer) => (viewer.id === from.id ? undefined : { conversationId: conversation.id, from: from.id, on }));
    }
  }

  read(site: Site, conversation: Conversation, who: 'visitor' | 'operator', seq: number): void {
    this.d.repo.setRead(conversation.id, who, seq);
    const c = this.d.repo.conversation(conversation.id)!;
    const event = { conversationId: c.id, visitorReadSeq: c.visitorReadSeq };
    if (who === 'visitor') this.d.operators.publish('chat.read', site, () => event);
    else this.d.visitors.send(c.id, { t: 'read', seq: c.operatorReadSeq });
  }

  rate(conversation: Conversation, rating: number, comment: string | null): void {
    this.d.repo.setRating(conversation.id, rating, comment?.slice(0, 1000) ?? null);
    const site = this.d.sites.get(conversation.siteId);
    this.d.operators.publish('chat.updated', site, () => ({ conversationId: conversation.id }));
  }

  /** A transcript the visitor asked for, to the address they gave; logged whether or not it could be sent. */
  async transcript(conversation: Conversation, email: string): Promise<void> {
    const site = this.d.sites.get(conversation.siteId);
    const mail = this.d.mail();
    this.d.audit.record({ actorId: null, action: 'chat.transcript_requested', targetType: 'chat', targetId: conversation.id, details: { sent: Boolean(mail && site.settings.mailboxId) } });
    if (!mail || !site.settings.mailboxId) throw new AppError('CHAT_NO_MAILBOX');
    const lines = this.d.repo
      .messagesAfter(conversation.id, 0, 10_000)
      .filter((m) => m.author !== 'note')
      .map((m) => `[${m.at.slice(0, 16).replace('T', ' ')}] ${m.author === 'visitor' ? conversation.form.name || 'You' : m.author === 'operator' ? (this.d.userName(m.operatorId ?? 0) ?? 'Operator') : '—'}: ${m.text}${m.file ? ` (${m.file.name})` : ''}`);
    await mail.send({ mailboxId: site.settings.mailboxId, to: email, subject: `${site.name}: chat transcript`, text: lines.join('\n'), actor: null });
  }

  /** Whether this user may answer the site's left messages by e-mail (the site has a mailbox they may write from). */
  canReplyByEmail(user: SessionUser, site: Site): boolean {
    const mail = this.d.mail();
    return Boolean(mail && site.settings.mailboxId && mail.canUseMailbox(user, site.settings.mailboxId));
  }

  /** Answers a left message by e-mail through the site's mailbox; the answer is kept in the conversation too. */
  async replyByEmail(user: SessionUser, conversationId: number, text: string): Promise<Message> {
    const { site, conversation } = this.forOperator(user, conversationId);
    const to = typeof conversation.form.email === 'string' ? conversation.form.email : this.d.repo.visitor(conversation.visitorId)?.email;
    if (!to) throw new AppError('CHAT_NO_EMAIL');
    const mail = this.d.mail();
    if (!mail || !site.settings.mailboxId) throw new AppError('CHAT_NO_MAILBOX');
    if (!mail.canUseMailbox(user, site.settings.mailboxId)) throw new AppError('CHAT_MAILBOX_NO_ACCESS');
    const body = this.checkText(text, false);
    await mail.send({ mailboxId: site.settings.mailboxId, to, subject: `${site.name}`, text: body, actor: user });
    // The mail has gone: its text is kept even if the chat was closed meanwhile.
    const stored = this.d.repo.append(conversationId, { author: 'operator', operatorId: user.id, text: body }, this.d.clock.now().toISOString(), { evenClosed: true });
    if (!stored) throw new AppError('CHAT_NOT_FOUND', { id: conversationId });
    const { message } = stored;
    this.delivered(site, conversationId, message);
    this.close({ user }, conversationId);
    return message;
  }

  /** The state a visitor sees: waiting (with position and whether the licence is full), talking to whom, closed. */
  visitorState(conversation: Conversation): ServerFrame {
    const site = this.d.sites.get(conversation.siteId);
    const waiting = conversation.state === 'waiting' && conversation.mode === 'live';
    const position = waiting ? this.d.repo.position(conversation) : 0;
    return {
      t: 'state',
      conversationId: conversation.id,
      state: conversation.state,
      mode: conversation.mode,
      position,
      atLimit: waiting ? (this.d.license()?.atLimit() ?? false) : false,
      operator: conversation.operatorId ? this.d.userName(conversation.operatorId) : null,
      readSeq: conversation.operatorReadSeq,
    };
  }

  /** Every waiting visitor of the site (all sites when none given) learns their position again. */
  pushWaitingStates(site?: Site): void {
    const sites = site ? [site] : this.d.sites.list();
    const atLimit = this.d.license()?.atLimit() ?? false;
    for (const s of sites) {
      // One read of the queue per site, positions from its order.
      this.d.repo.waiting(s.id).forEach((w, i) =>
        this.d.visitors.send(w.id, { t: 'state', conversationId: w.id, state: 'waiting', mode: 'live', position: i + 1, atLimit, operator: null, readSeq: w.operatorReadSeq }),
      );
    }
  }

  /** Chats being handled right now, for the licence counter after a restart. */
  openDialogs(): { dialogId: string; operatorId: number | null; at: string }[] {
    return this.d.repo.activeDialogs().map((d) => ({ dialogId: dialogIdOf(d.id), operatorId: d.operatorId, at: d.acceptedAt }));
  }

  /** The site and conversation, when this operator may see it. */
  forOperator(user: SessionUser, conversationId: number): { site: Site; conversation: Conversation } {
    const conversation = this.d.repo.conversation(conversationId);
    if (!conversation) throw new AppError('CHAT_NOT_FOUND', { id: conversationId });
    const site = this.d.sites.get(conversation.siteId);
    if (!this.d.sites.canAnswer(user, site)) throw new AppError('CHAT_NOT_FOUND', { id: conversationId });
    return { site, conversation };
  }

  messageFrame(m: Message): ServerFrame {
    return visitorMessageFrame(m, m.operatorId ? this.d.userName(m.operatorId) : null);
  }

  private delivered(site: Site, conversationId: number, message: Message): void {
    this.d.bus.publish('chat.message', { conversationId, siteId: site.id, seq: message.seq, author: message.author, operatorId: message.operatorId, at: message.at });
    if (message.author !== 'note') this.d.visitors.send(conversationId, this.messageFrame(message));
    // The same payload for every operator: the live events serialize it once for all of them.
    const event = { conversationId, seq: message.seq };
    this.d.operators.publish('chat.message', site, () => event);
  }

  private stateChanged(site: Site, conversation: Conversation): void {
    this.d.visitors.send(conversation.id, this.visitorState(conversation));
    this.d.operators.publish('chat.updated', site, () => ({ conversationId: conversation.id }));
  }

  private dialogOpened(conversationId: number, operatorId: number, at: string): void {
    (this.d.bus as unknown as { publish(e: string, p: unknown): void }).publish('dialog.opened', { dialogId: dialogIdOf(conversationId), kind: 'chat', operatorId, at });
  }

  private dialogClosed(conversationId: number, at: string): void {
    (this.d.bus as unknown as { publish(e: string, p: unknown): void }).publish('dialog.closed', { dialogId: dialogIdOf(conversationId), at });
  }

  private checkText(raw: string, hasFile: boolean): string {
    const text = raw.replace(/\r\n?/g, '\n').trim();
    if (text.length > this.d.limits.messageChars) throw new AppError('CHAT_MESSAGE_TOO_LONG', { limit: this.d.limits.messageChars });
    if (!text && !hasFile) throw new AppError('VALIDATION_FAILED', { detail: 'the message is empty' });
    return text;
  }

  private checkRequired(site: Site, form: StartInput['form'], mode: ConversationMode): void {
    const rules = site.settings.form;
    const missing = (['name', 'email', 'phone', 'consent'] as const).filter((f) => rules[f] === 'required' && !form[f]);
    // A left message is answered by e-mail, so it needs an address whatever the form says.
    if (mode === 'message' && !form.email && !missing.includes('email')) missing.push('email');
    if (missing.length) throw new AppError('VALIDATION_FAILED', { detail: `required: ${missing.join(', ')}` });
    if (form.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email)) throw new AppError('VALIDATION_FAILED', { detail: 'email: not an e-mail address' });
  }
}

export const dialogIdOf = (conversationId: number) => `chat:${conversationId}`;

function cleanForm(form: StartInput['form']): StartInput['form'] {
  const text = (v: unknown, max: number) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined);
  const out: StartInput['form'] = {};
  const name = text(form.name, 200);
  const email = text(form.email, 254)?.toLowerCase();
  const phone = text(form.phone, 40);
  if (name) out.name = name;
  if (email) out.email = email;
  if (phone) out.phone = phone;
  if (form.consent === true) out.consent = true;
  return out;
}

export type { Language };
