import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { UsersService } from './service.js';
import { TeamsService } from './teams-service.js';
import { userRoutes } from './routes.js';
import { teamRoutes } from './teams-routes.js';
import { adminRoutes } from './admin-routes.js';
import { registerUserMessages } from './locales/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    users: UsersService;
    teams: TeamsService;
  }
}

/** Wires people and access: users, teams, offboarding, the masking policy and the audit log reader. */
export const usersPlugin = fp(
  async function users(app: FastifyInstance) {
    const { db, clock, audit, bus } = app.deps;
    registerUserMessages();
    const service = new UsersService({
      db,
      clock,
      audit,
      bus,
      sessions: app.sessions,
      handOverContacts: (from, to) => app.contacts.handOver(from, to),
    });
    const teams = new TeamsService(db, clock, audit, service.repo);
    app.decorate('users', service);
    app.decorate('teams', teams);
    await app.register(async (scope) => {
      await userRoutes(scope, { service });
      await teamRoutes(scope, { teams });
      await adminRoutes(scope, { repo: service.repo });
    });
  },
  { name: 'users', dependencies: ['deps', 'auth', 'realtime', 'contacts'] },
);
