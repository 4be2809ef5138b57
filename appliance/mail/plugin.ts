import fp from 'fastify-plugin';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { SecretBox } from './secret-box.js';
import { MailboxRepository } from './mailbox-repository.js';
import { MessageRepository } from './message-repository.js';
import { RoutingRepository } from './routing-repository.js';
import { Router, type TeamDirectory } from './router.js';
import { Ingest, type ContactsPort, type LeadPolicy } from './ingest.js';
import { FolderSync, defaultSyncLimits, type SyncLimits } from './sync.js';
import { ParsePool, type MessageParser } from './parse/pool.js';
import { sweepOrphans } from './parse/durable-file.js';
import { openImapSession, type ImapSession } from './imap/session.js';
import { nodemailerSmtp, type SmtpPort } from './smtp/sender.js';
import { MailService } from './service.js';
import { DelegationService } from './delegations.js';
import { SendService, type SendInput, type SendToInput } from './send-service.js';
import type { SessionUser } from '../core/auth/sessions.js';
import { MailAccess } from './access.js';
import { registerMailMessages } from './errors.js';
import { mailboxRoutes } from './routes-mailboxes.js';
import { messageRoutes } from './routes-messages.js';
import { routingRoutes } from './routes-routing.js';
import { composeRoutes } from './routes-compose.js';
import { MailUploads, defaultUploadLimits } from './uploads.js';
import { TemplateRepository } from './templates.js';
import { timelineItem } from './view.js';
import { readMailConfig } from './config.js';
import type { Mailbox } from './types.js';
import type { SyncReport } from './sync.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Mail for other capabilities (retention deletes through it) and for tests. */
    mail: {
      deleteMessages(ids: readonly number[], reason: string): { deleted: number; files: number };
      syncNow(mailboxId: number): Promise<SyncReport>;
      start(mailboxId: number): void;
      stopAll(): Promise<void>;
      send(viewer: SessionUser, input: SendInput): Promise<number>;
      /** Writes to an address the appliance chose (chat answers left messages and sends transcripts this way); see SendService.sendTo. */
      sendTo(viewer: SessionUser | null, input: SendToInput): Promise<number>;
      canUseMailbox(viewer: SessionUser, mailboxId: number): boolean;
      /** Whether a mailbox exists (reports check a schedule's sending mailbox). */
      hasMailbox(mailboxId: number): boolean;
    };
  }
}

declare module '../core/events.js' {
  interface DomainEvents {
    /** A message stored by a sync; `fromUs`: written from one of the company's own addresses. */
    'mail.received': { messageId: number; mailboxId: number; contactIds: number[]; assigneeId: number | null; threadId: number; at: string; fromUs: boolean };
    /** A message the appliance sent (a reply or a new message), stored in its thread. */
    'mail.sent': { messageId: number; mailboxId: number; threadId: number; userId: number | null; at: string };
  }
}

/** Fakes a test may pass through `overrides.mail`. */
export interface MailOverrides {
  parser?: MessageParser;
  smtp?: SmtpPort;
  teams?: TeamDirectory & { teamsOf(userId: number): number[] };
  openSession?: (mailbox: Mailbox) => Promise<ImapSession>;
  limits?: Partial<SyncLimits>;
}

interface TeamLike {
  id: number;
  memberIds: number[];
}

/** Wires the mail capability: the only place that constructs its services. */
export const mailPlugin = fp(
  async function mail(app: FastifyInstance) {
    const { db, clock, audit, bus, masking, config, health } = app.deps;
    registerMailMessages();
    const settings = readMailConfig(config);
    const overrides = (app.deps.overrides.mail ?? {}) as MailOverrides;
    const dataDir = config.paths.data;

    // Under the data directory: the service may write there (the config directory is read-only to it).
    const box = SecretBox.open(join(config.paths.data, 'keys'));
    const mailboxes = new MailboxRepository(db, box, clock);
    const messages = new MessageRepository(db);
    const routing = new RoutingRepository(db);
    // Teams come from the users capability when it is installed (it registers before mail).
    const teamList = (): TeamLike[] => (app.hasDecorator('teams') ? (app as unknown as { teams: { list(): TeamLike[] } }).teams.list() : []);
    const teams = overrides.teams ?? {
      members: (teamId: number) => teamList().find((t) => t.id === teamId)?.memberIds ?? [],
      teamsOf: (userId: number) => teamList().filter((t) => t.memberIds.includes(userId)).map((t) => t.id),
    };
    const activeStmt = db.prepare('SELECT active FROM users WHERE id = ?');
    const isActive = (userId: number) => (activeStmt.get(userId) as { active: number } | undefined)?.active === 1;

    const contactsPort = (): (ContactsPort & { emailsOf(id: number): string[] | null }) | null => {
      if (!app.hasDecorator('contacts')) return null;
      const c = app.contacts;
      return {
        matchEmail: (address) => c.matchEmail(address),
        createLead: (input) => c.createLead(input),
        facts: (id) => {
          const contact = c.get(id);
          return contact ? { id: contact.id, tags: contact.tags, status: contact.status, ownerId: contact.ownerId } : null;
        },
        emailsOf: (id) => c.get(id)?.emails ?? null,
      };
    };
    const leadKey = 'mail.createLeads';
    const leadPolicy = {
      get: (): LeadPolicy => ((db.prepare('SELECT value FROM settings WHERE key = ?').get(leadKey) as { value: string } | undefined)?.value as LeadPolicy) ?? 'senders',
      set: (p: LeadPolicy) =>
        db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run(leadKey, p, clock.now().toISOString()),
    };

    const router = new Router(routing, messages, teams, clock, isActive);
    const ingest = new Ingest({ messages, mailboxes, router, contacts: contactsPort, leadPolicy: leadPolicy.get, clock });
    const parser = overrides.parser ?? new ParsePool(dataDir, settings.parserThreads);
    const smtp = overrides.smtp ?? nodemailerSmtp({ allowUnauthorized: settings.allowSelfSignedCertificates });
    const imapOptions = { allowUnauthorized: settings.allowSelfSignedCertificates, timeoutMs: settings.timeoutSeconds * 1000 };
    const openSession = overrides.openSession ?? ((m: Mailbox) => openImapSession(m.imap, imapOptions));

    const folderSync = new FolderSync({
      mailboxes,
      ingest,
      parser,
      clock,
      dataDir,
      limits: { ...defaultSyncLimits, ...overrides.limits },
      onProgress: (id, done, total) => {
        mailboxes.setProgress(id, done, total);
        app.realtime.publish({
          type: 'mail.sync.progress',
          render: (viewer) => (viewer.role === 'admin' || viewer.role === 'supervisor' ? { mailboxId: id, done, total } : undefined),
        });
      },
      onStored: (mailbox, batch) => {
        for (const s of batch.storedInfo) {
          bus.publish('mail.received', { messageId: s.id, mailboxId: mailbox.id, contactIds: s.contactIds, assigneeId: s.assigneeId, threadId: s.threadId, at: s.receivedAt, fromUs: s.fromUs });
          const to = [s.assigneeId, s.originalAssigneeId].filter((x): x is number => x !== null);
          if (to.length === 0) continue;
          // Read back only for people to notify (most mail at sync time goes to nobody online).
          const m = messages.get(s.id);
          if (m) app.realtime.publish({ type: 'mail.message', userIds: to, render: (viewer) => timelineItem(m, masking.forViewer(viewer)) });
        }
      },
    });
    const service = new MailService({
      mailboxes, messages, routing, folderSync, smtp, openSession, imapOptions, audit, clock, dataDir,
      pollMs: settings.pollSeconds * 1000,
      log: (msg, err) => app.log.warn({ err }, msg),
    });
    const delegations = new DelegationService({ routing, messages, audit, clock, isActive, mailboxExists: (id) => mailboxes.get(id) !== null });
    const access = new MailAccess(mailboxes, messages, teams.teamsOf);
    const uploads = new MailUploads(dataDir, {
      ...defaultUploadLimits,
      maxBytes: settings.attachmentMaxBytes,
      maxTotalBytes: settings.attachmentsMaxTotalBytes,
    });
    const templates = new TemplateRepository(db);
    const send = new SendService({ mailboxes, messages, access, ingest, parser, smtp, contacts: contactsPort, isMasked: (v) => masking.forViewer(v).masked, audit, clock, uploads, onSent: (e) => bus.publish('mail.sent', e) });

    app.decorate('mail', {
      deleteMessages: (ids: readonly number[], reason: string) => service.deleteMessages(ids, reason),
      syncNow: (id: number) => service.syncNow(id),
      start: (id: number) => service.start(id),
      stopAll: () => service.stopAll(),
      send: (viewer: SessionUser, input: SendInput) => send.send(viewer, input),
      sendTo: (viewer: SessionUser | null, input: SendToInput) => send.sendTo(viewer, input),
      canUseMailbox: (viewer: SessionUser, mailboxId: number) => send.canUseMailbox(viewer, mailboxId),
      hasMailbox: (mailboxId: number) => mailboxes.get(mailboxId) !== null,
    });

    bus.subscribe('user.deactivated', ({ userId }) => service.offboard(userId, (id) => delegations.revoke(id, null)));

    if (app.hasDecorator('contacts')) {
      app.contacts.onMerge((keptId, mergedId) => messages.moveContact(mergedId, keptId));
    }
    if (app.hasDecorator('timeline')) {
      app.timeline.register({
        type: 'mail',
        list: (contactId, viewer, page) => {
          const masker = masking.forViewer(viewer);
          return messages
            .forContact(contactId, page.limit, page.before)
            .filter((m) => access.canSee(viewer, m))
            .map((m) => timelineItem(m, masker));
        },
      });
    }

    health.register('mail', () => {
      const all = mailboxes.list();
      if (all.length === 0) return 'disabled';
      const failing = all.filter((m) => m.state === 'error');
      return failing.length === 0 ? 'ok' : `error: ${failing.map((m) => `${m.address}: ${m.error}`).join('; ')}`;
    });

    // File times are the file system's real clock, not the app's (possibly fixed) one.
    const startedAt = new Date();
    app.addHook('onReady', async () => {
      if (settings.autoStart) service.startAll();
      sweepOrphans(dataDir, startedAt).then(
        (n) => n > 0 && app.log.info({ removed: n }, 'removed temporary mail files left by an earlier crash'),
        (err) => app.log.warn({ err }, 'could not sweep temporary mail files'),
      );
    });
    app.addHook('onClose', async () => {
      await service.stopAll();
      await parser.close();
    });

    await app.register(async (scope) => {
      await mailboxRoutes(scope, { service, access, mailboxes, autoStart: settings.autoStart, leadPolicy, isActive });
      await messageRoutes(scope, {
        messages, access, send, masking, dataDir,
        resolveContact: (id) => (app.hasDecorator('contacts') ? app.contacts.get(id)?.id ?? id : id),
        ruleName: (ruleId) => routing.rules().find((r) => r.id === ruleId)?.name ?? null,
      });
      await composeRoutes(scope, { uploads, templates, messages, mailboxes, access, masking, audit, clock });
      await routingRoutes(scope, {
        routing,
        router,
        messages,
        delegations,
        facts: (id) => contactsPort()?.facts(id) ?? null,
        matchEmail: (address) => contactsPort()?.matchEmail(address)?.id ?? null,
        mailboxOwner: (id) => {
          const m = mailboxes.get(id);
          return m ? m.ownerId : undefined;
        },
        audit,
        clock,
      });
    });
  },
  { name: 'mail', dependencies: ['deps', 'auth', 'contacts'] },
);
