import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { registerChatMessages } from './errors.js';
import { ChatRepository } from './repository.js';
import { SitesRepository } from './sites-repository.js';
import { SitesService, type SiteLicensePort } from './sites-service.js';
import { ChatService, dialogIdOf, type ChatLicensePort, type ChatMailPort, type ContactsPort } from './service.js';
import { IdentityLinker } from './identity-linker.js';
import { defaultGatewayLimits, loadWidgetAssets, VisitorGateway, widgetDir, type GatewayLimits } from './gateway.js';
import { widgetRoutes } from './widget-routes.js';
import { sitesRoutes } from './sites-routes.js';
import { chatRoutes } from './chat-routes.js';
import { chatsRetentionClass } from './retention-class.js';
import { registerSitesOperations } from './admin-ops.js';
import { conversationView, messageView } from './view.js';
import { maskText } from '../core/masking.js';

/** The `chat:` config section (all optional): rate limits and caps for the widget gateway. */
export interface ChatConfig {
  limits?: Partial<GatewayLimits>;
  /** Largest file the appliance accepts at all (a site's own rule may be lower). */
  maxUploadBytes?: number;
  /** Live chats an operator holds at most before waiting visitors are given to others (0: no automatic assignment). */
  maxChatsPerOperator?: number;
}

/** Test hooks (`overrides.chat`): where the built widget is. */
export interface ChatOverrides {
  widgetDir?: string | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    chat: { service: ChatService; sites: SitesService; gateway: VisitorGateway };
  }
}

export const chatPlugin = fp(
  async function chat(app: FastifyInstance) {
    registerChatMessages();
    const { db, clock, audit, bus, masking, config } = app.deps;
    const section = (config.chat ?? {}) as ChatConfig;
    const own = (app.deps.overrides.chat ?? {}) as ChatOverrides;
    const limits: GatewayLimits = { ...defaultGatewayLimits, ...(section.limits ?? {}) };
    const maxUploadBytes = section.maxUploadBytes ?? 50 * 1024 * 1024;
    const dataDir = config.paths.data;

    type Licensing = SiteLicensePort & {
      assertCanOpenDialog(direction: 'inbound', o: { operatorId: number }): () => void;
      current(): { sessions: number; modules: string[] };
      openDialogs(): unknown[];
    };
    const licensing = (): Licensing | null => (app.hasDecorator('licensing') ? (app as unknown as { licensing: Licensing }).licensing : null);
    const license = (): ChatLicensePort | null => {
      const l = licensing();
      if (!l) return null;
      return {
        assertModule: (m) => l.assertModule(m),
        assertCanOpenDialog: (dir, o) => l.assertCanOpenDialog(dir, o),
        atLimit: () => l.openDialogs().length >= l.current().sessions,
      };
    };
    const contacts = (): ContactsPort | null => (app.hasDecorator('contacts') ? app.contacts : null);
    const names = db.prepare('SELECT display_name FROM users WHERE id = ? AND active = 1');
    const userName = (id: number) => (names.get(id) as { display_name: string } | undefined)?.display_name ?? null;
    const mail = (): ChatMailPort | null => {
      const m = (app as unknown as { mail?: FastifyInstance['mail'] }).mail;
      if (!m || typeof m.sendTo !== 'function') return null;
      return {
        // The operator's own rights (no borrowed role): without the mailbox they cannot write from it.
        send: async (input) => void (await m.sendTo(input.actor, { mailboxId: input.mailboxId, to: input.to, subject: input.subject, text: input.text })),
        canUseMailbox: (user, mailboxId) => m.canUseMailbox(user, mailboxId),
      };
    };

    // An agent paused or in wrap-up (telephony presence) takes no chat automatically; one not logged in to queues may.
    const busyAgent = (userId: number) => {
      if (!app.hasDecorator('agents')) return false;
      const state = (app as unknown as { agents: { view(id: number): { state: string } } }).agents.view(userId).state;
      return state === 'paused' || state === 'wrapup';
    };
    const sitesRepo = new SitesRepository(db);
    const sites = new SitesService(sitesRepo, { clock, audit, license: () => licensing() });
    const repo = new ChatRepository(db);
    let gateway!: VisitorGateway;
    const service = new ChatService({
      repo,
      sites,
      clock,
      audit,
      bus,
      license,
      contacts,
      mail,
      userName,
      limits: { messageChars: limits.messageChars },
      assignment: {
        maxChatsPerOperator: section.maxChatsPerOperator ?? 3,
        readyUsers: () => app.realtime.connectedUsers().filter((u) => !busyAgent(u.id)),
        inTeam: (teamId, userId) => sites.inTeam(teamId, userId),
      },
      visitors: { send: (id, frame) => gateway.send(id, frame) },
      operators: {
        publish: (type, site, render, only) =>
          app.realtime.publish({
            type,
            ...(only ? { userIds: only } : {}),
            render: (viewer) => (sites.canAnswer(viewer, site) ? render(viewer) : undefined),
          }),
        anyoneOnline: (site) => app.realtime.connectedUsers().some((u) => sites.canAnswer(u, site)),
      },
    });
    const identities = new IdentityLinker({ repo, clock, contacts, onLinked: (conversationId) => {
      const c = repo.conversation(conversationId);
      if (c) app.realtime.publish({ type: 'chat.updated', render: (viewer) => (sites.canAnswer(viewer, sites.get(c.siteId)) ? { conversationId } : undefined) });
    } });
    const moduleAvailable = () => {
      try {
        licensing()?.assertModule('chat');
        return true;
      } catch {
        return false;
      }
    };
    gateway = new VisitorGateway({ chat: service, sites, identities, limits, dataDir, clock, log: app.log, moduleAvailable });
    const assetsDir = own.widgetDir === undefined ? widgetDir() : own.widgetDir;
    let assets = loadWidgetAssets(assetsDir);
    app.decorate('chat', { service, sites, gateway });

    // Licensing counts the chats being handled; after a restart it is told which are still open.
    app.addHook('onReady', async () => {
      (bus as unknown as { publish(e: string, p: unknown): void }).publish('dialog.snapshot', { kind: 'chat', dialogs: service.openDialogs(), at: clock.now().toISOString() });
      assets ??= loadWidgetAssets(assetsDir);
    });
    // A session freed anywhere (a call ended too) may let the first waiting visitors in; a chat's
    // own end gives the waiting visitors to that chat's operator first (ChatService.close).
    bus.subscribe('dialog.closed' as never, ((e: { dialogId: string }) => {
      service.pushWaitingStates();
      if (!e.dialogId.startsWith('chat:')) service.assignWaitingToAnyone();
    }) as never);
    // An operator who becomes available is given the visitors waiting longest.
    bus.subscribe('agent.state.changed' as never, ((e: { userId: number; state: string }) => {
      if (e.state === 'available') service.assignWaiting(e.userId);
    }) as never);

    if (app.hasDecorator('retention')) app.retention.register(chatsRetentionClass(db, dataDir));
    if (app.hasDecorator('contacts')) app.contacts.onMerge((keptId, mergedId) => repo.moveContact(mergedId, keptId));
    if (app.hasDecorator('timeline')) {
      app.timeline.register({
        type: 'chat',
        list: (contactId, viewer, page) => {
          const masker = masking.forViewer(viewer);
          return repo
            .ofContact(contactId, page.before, page.limit)
            .filter((c) => sites.canAnswer(viewer, sites.get(c.siteId)))
            .map((c) => {
              const site = sites.get(c.siteId);
              const first = repo.messagesAfter(c.id, 0, 1)[0];
              return {
                type: 'chat',
                at: c.createdAt,
                chat: conversationView(c, site, repo.visitor(c.visitorId), masker, { position: 0, operatorName: c.operatorId ? userName(c.operatorId) : null }),
                preview: first ? maskText(first.text.slice(0, 200), masker) : '',
              };
            });
        },
      });
    }

    await app.register(async (scope) => widgetRoutes(scope, { gateway, assets: () => assets, maxUploadBytes }));
    const sitesLimit = () => (licensing()?.current().sessions === undefined ? null : (licensing() as unknown as { current(): { sites: number } }).current().sites);
    // What the snippet names when root adds a site (no request to take the host from).
    const publicBase = () => {
      const { tls, port, publicNames } = config.server;
      const scheme = tls ? 'https' : 'http';
      const standard = (scheme === 'https' && port === 443) || (scheme === 'http' && port === 80) || !port;
      return `${scheme}://${publicNames[0] ?? 'localhost'}${standard ? '' : `:${port}`}`;
    };
    registerSitesOperations(app.deps.adminChannel, { sites, base: publicBase, limit: sitesLimit });
    await app.register(async (scope) => {
      await sitesRoutes(scope, { sites, limit: sitesLimit });
      await chatRoutes(scope, {
        chat: service,
        sites,
        masking,
        userName,
        dataDir,
        now: () => clock.now(),
        maxUploadBytes,
        directory: () => ({
          users: app.hasDecorator('users') ? app.users.list() : [],
          teams: app.hasDecorator('teams') ? app.teams.list() : [],
          online: new Set(app.realtime.connectedUsers().map((u) => u.id)),
        }),
      });
    });
    app.addHook('onClose', async () => gateway.closeAll());
    void messageView;
    void dialogIdOf;
  },
  { name: 'chat', dependencies: ['deps', 'auth', 'realtime'] },
);
