import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { AgentsRepository } from './repository.js';
import { AgentsService, type AgentView } from './service.js';
import { agentRoutes } from './routes.js';
import { registerAgentMessages } from './locales/index.js';
import '../calls/events.js';
import '../chat/events.js';

declare module 'fastify' {
  interface FastifyInstance {
    agents: AgentsService;
  }
}

const SUPERVISOR_ROLES = new Set(['admin', 'supervisor']);

export const agentsPlugin = fp(
  async function agents(app: FastifyInstance) {
    registerAgentMessages();
    const repo = new AgentsRepository(app.deps.db);
    const userName = app.deps.db.prepare('SELECT display_name FROM users WHERE id = ?');
    const nameOf = (userId: number) => (userName.get(userId) as { display_name: string } | undefined)?.display_name ?? null;
    const service = new AgentsService({
      repo,
      port: () => (app.hasDecorator('telephony') ? app.telephony.port : null),
      endpointOf: (userId) => (app.hasDecorator('calls') ? app.calls.repo.endpointOfUser(userId) : null),
      bus: app.deps.bus,
      now: () => app.deps.clock.now(),
      // The agent sees their own state; supervisors see everyone's (no customer data in it).
      publish: (view: AgentView) =>
        app.realtime.publish({
          type: 'agent.state',
          render: (viewer) => (viewer.id === view.userId || SUPERVISOR_ROLES.has(viewer.role) ? { ...view, name: nameOf(view.userId) ?? `#${view.userId}` } : undefined),
        }),
      audit: (e) => app.deps.audit.record(e),
      log: (msg, err) => app.log.warn({ err }, msg),
    });
    app.deps.bus.subscribe('call.ended', (fact) => service.onCallEnded(fact));
    app.deps.bus.subscribe('call.updated', ({ fact }) => {
      if (fact) service.onCallUpdated(fact);
    });
    // A deactivated operator leaves their queues at once.
    app.deps.bus.subscribe('user.deactivated', ({ userId }) => {
      service.logout(userId, userId).catch((err) => app.log.warn({ err, userId }, 'could not take a deactivated user out of the queues'));
    });
    // Which chats each operator is handling, from the chat capability's events (and its open chats after a restart).
    app.deps.bus.subscribe('chat.accepted', (e) => service.chatTaken(e.operatorId, e.conversationId, e.at));
    app.deps.bus.subscribe('chat.transferred', (e) => {
      if (e.toOperatorId !== null) service.chatTaken(e.toOperatorId, e.conversationId, e.at);
      else service.chatLeft(e.conversationId);
    });
    app.deps.bus.subscribe('chat.closed', (e) => service.chatLeft(e.conversationId));
    app.addHook('onReady', async () => {
      if (!app.hasDecorator('chat')) return;
      const open = (app as unknown as { chat: { service: { openDialogs(): Array<{ dialogId: string; operatorId: number | null; at: string }> } } }).chat.service.openDialogs();
      service.restoreChats(open.map((d) => ({ conversationId: Number(d.dialogId.replace(/^chat:/, '')), operatorId: d.operatorId, since: d.at })));
    });
    // The roster: everyone who may take calls or chats, signed in to queues or not.
    const roster = () =>
      app.hasDecorator('users')
        ? app.users.list().filter((u) => u.active && u.role !== 'admin').map((u) => ({ id: u.id, name: u.displayName, role: u.role }))
        : [];
    app.addHook('onClose', async () => service.stop());
    agentRoutes(app, service, repo, nameOf, roster);
    app.decorate('agents', service);
  },
  { name: 'agents', dependencies: ['deps', 'realtime'] },
);
