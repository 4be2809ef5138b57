import type { FastifyInstance } from 'fastify';
import { currentUser } from '../core/auth/plugin.js';
import { ErrorResponse } from '../core/route-policy.js';
import { LANGUAGES } from '../config.js';
import { isLanguage } from '../core/i18n.js';
import type { UsersService } from './service.js';
import type { User } from './repository.js';
import {
  CreateUserBody, DeactivateBody, DeactivateResponse, IdParams, LanguageBody, LanguageResponse, PatchUserBody, UserList, UserView,
} from './schemas.js';

const ADMIN = ['admin'] as const;
const errors = { '4xx': ErrorResponse };
const BODY_LIMIT = 64 * 1024;

export function userView(u: User) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    language: u.language,
    active: u.active,
    teamIds: u.teamIds,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
    deactivatedAt: u.deactivatedAt,
    deactivatedBy: u.deactivatedBy,
  };
}

/** Users: everyone may list colleagues (owners, hand-over, transfer targets); only admins change them. */
export async function userRoutes(app: FastifyInstance, opts: { service: UsersService }) {
  const { service } = opts;

  app.get('/api/v1/users', { config: { access: 'user' }, schema: { response: { 200: UserList, ...errors } } }, async () => ({
    items: service.list().map(userView),
  }));

  app.post(
    '/api/v1/users',
    { config: { access: ADMIN }, bodyLimit: BODY_LIMIT, schema: { body: CreateUserBody, response: { 201: UserView, ...errors } } },
    async (request, reply) => {
      const user = await service.create(request.body as CreateUserBody, currentUser(request).id);
      return reply.code(201).send(userView(user));
    },
  );

  app.get(
    '/api/v1/users/:id',
    { config: { access: 'user' }, schema: { params: IdParams, response: { 200: UserView, ...errors } } },
    async (request) => userView(service.require((request.params as { id: number }).id)),
  );

  app.patch(
    '/api/v1/users/:id',
    { config: { access: ADMIN }, bodyLimit: BODY_LIMIT, schema: { params: IdParams, body: PatchUserBody, response: { 200: UserView, ...errors } } },
    async (request) => {
      const { id } = request.params as { id: number };
      return userView(await service.update(id, request.body as PatchUserBody, currentUser(request).id));
    },
  );

  app.post(
    '/api/v1/users/:id/deactivate',
    {
      config: { access: ADMIN },
      bodyLimit: BODY_LIMIT,
      // The body is optional: a bare POST deactivates without a hand-over.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
      schema: { params: IdParams, body: DeactivateBody, response: { 200: DeactivateResponse, ...errors } },
    },
    async (request) => {
      const { id } = request.params as { id: number };
      const { handoverTo } = request.body as { handoverTo?: number | null };
      const result = service.deactivate(id, handoverTo ?? null, currentUser(request).id);
      return { ...userView(result.user), sessionsRevoked: result.sessionsRevoked, contactsHandedOver: result.contactsHandedOver };
    },
  );

  app.post(
    '/api/v1/users/:id/reactivate',
    { config: { access: ADMIN, noBody: true }, schema: { params: IdParams, response: { 200: UserView, ...errors } } },
    async (request) => userView(service.reactivate((request.params as { id: number }).id, currentUser(request).id)),
  );

  app.put(
    '/api/v1/me/language',
    { config: { access: 'user' }, bodyLimit: 4096, schema: { body: LanguageBody, response: { 200: LanguageResponse, ...errors } } },
    async (request) => {
      const user = currentUser(request);
      const chosen = service.setOwnLanguage(user.id, (request.body as { language: string | null }).language);
      const effective = chosen ?? app.deps.config.language;
      return { language: isLanguage(effective) ? effective : 'en', supported: [...LANGUAGES] };
    },
  );
}
