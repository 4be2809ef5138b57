import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { currentUser } from '../core/auth/plugin.js';
import { ErrorResponse } from '../core/route-policy.js';
import type { TeamsService, TeamInput } from './teams-service.js';
import { CreateTeamBody, IdParams, PatchTeamBody, TeamList, TeamView } from './schemas.js';

const ADMIN = ['admin'] as const;
const errors = { '4xx': ErrorResponse };

/** Teams: readable by everyone (routing and mail screens show them), changed by admins. */
export async function teamRoutes(app: FastifyInstance, opts: { teams: TeamsService }) {
  const { teams } = opts;

  app.get('/api/v1/teams', { config: { access: 'user' }, schema: { response: { 200: TeamList, ...errors } } }, async () => ({ items: teams.list() }));

  app.get(
    '/api/v1/teams/:id',
    { config: { access: 'user' }, schema: { params: IdParams, response: { 200: TeamView, ...errors } } },
    async (request) => teams.require((request.params as { id: number }).id),
  );

  app.post(
    '/api/v1/teams',
    { config: { access: ADMIN }, bodyLimit: 256 * 1024, schema: { body: CreateTeamBody, response: { 201: TeamView, ...errors } } },
    async (request, reply) => reply.code(201).send(teams.create(request.body as TeamInput & { name: string }, currentUser(request).id)),
  );

  app.patch(
    '/api/v1/teams/:id',
    { config: { access: ADMIN }, bodyLimit: 256 * 1024, schema: { params: IdParams, body: PatchTeamBody, response: { 200: TeamView, ...errors } } },
    async (request) => teams.update((request.params as { id: number }).id, request.body as TeamInput, currentUser(request).id),
  );

  app.delete(
    '/api/v1/teams/:id',
    { config: { access: ADMIN }, schema: { params: IdParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      teams.remove((request.params as { id: number }).id, currentUser(request).id);
      return reply.code(204).send();
    },
  );
}
