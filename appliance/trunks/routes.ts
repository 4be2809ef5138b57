import type { FastifyInstance } from 'fastify';
import { currentUser } from '../core/auth/plugin.js';
import { AppError } from '../core/errors.js';
import { ErrorResponse } from '../core/route-policy.js';
import { TrunkFieldError } from './model.js';
import { TrunkNotFoundError, type TrunkService } from './service.js';
import { TrunkBody, TrunkCreated, TrunkIdParams, TrunkList, TrunkSelector, TrunkViewSchema } from './schemas.js';
import type { TrunkKind } from './model.js';
import './errors.js';

const ADMIN = ['admin'] as const;
const errors = { '4xx': ErrorResponse };

export interface AsteriskApplier {
  /** Renders and reloads Asterisk after a change; `pending` when this process cannot. */
  apply(): Promise<{ status: string; detail: string }>;
}

function toAppError(err: unknown, kinds: readonly TrunkKind[]): unknown {
  if (err instanceof TrunkNotFoundError) return new AppError('TRUNK_NOT_FOUND', { id: String(err.id) });
  if (!(err instanceof TrunkFieldError)) return err;
  const field = `body.${err.field}`;
  if (err.code === 'TRUNK_UNKNOWN_KIND') return new AppError('TRUNK_UNKNOWN_KIND', { field, kind: err.detail.match(/"([^"]*)"/)?.[1] ?? '', known: kinds.map((k) => k.kind).join(', ') });
  if (err.code === 'TRUNK_DUPLICATE_NAME') return new AppError('TRUNK_NAME_TAKEN', { field, name: err.detail.match(/"([^"]*)"/)?.[1] ?? '' });
  return new AppError(err.code, { field, detail: err.detail });
}

export async function trunkRoutes(app: FastifyInstance, opts: { service: TrunkService; kinds: readonly TrunkKind[]; applier: AsteriskApplier }) {
  const { service, kinds, applier } = opts;
  const guard = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      throw toAppError(err, kinds);
    }
  };

  app.get('/api/v1/trunks', { config: { access: ADMIN }, schema: { response: { 200: TrunkList, ...errors } } }, async () => ({
    items: service.list().map((t) => service.view(t)),
    kinds: kinds.map((k) => ({ kind: k.kind, label: k.label })),
  }));

  app.get(
    '/api/v1/trunks/:id',
    { config: { access: ADMIN }, schema: { params: TrunkIdParams, response: { 200: TrunkViewSchema, ...errors } } },
    async (request) => guard(() => service.view(service.get((request.params as TrunkIdParams).id))),
  );

  app.post(
    '/api/v1/trunks',
    { config: { access: ADMIN }, bodyLimit: 64 * 1024, schema: { body: TrunkBody, response: { 201: TrunkCreated, ...errors } } },
    async (request, reply) => {
      const trunk = guard(() => service.add(request.body as Record<string, unknown>));
      app.deps.audit.record({ actorId: currentUser(request).id, action: 'trunk.add', targetType: 'trunk', targetId: trunk.id, details: { name: trunk.name, kind: trunk.kind } });
      const asterisk = await applier.apply();
      return reply.code(201).send({ trunk: service.view(trunk), asterisk });
    },
  );

  // `DELETE /api/v1/trunks?name=uplink` (or `?id=3`): the same as DELETE /api/v1/trunks/:id, by name.
  app.delete(
    '/api/v1/trunks',
    { config: { access: ADMIN }, schema: { querystring: TrunkSelector, response: { 200: TrunkCreated, ...errors } } },
    async (request) => {
      const q = request.query as TrunkSelector;
      const which = q.id ?? q.name;
      if (which === undefined) throw new AppError('TRUNK_INVALID', { field: 'query.name', detail: 'give the trunk to remove as ?name=NAME or ?id=ID' });
      const trunk = guard(() => service.remove(which));
      app.deps.audit.record({ actorId: currentUser(request).id, action: 'trunk.remove', targetType: 'trunk', targetId: trunk.id, details: { name: trunk.name } });
      return { trunk: service.view(trunk), asterisk: await applier.apply() };
    },
  );

  app.delete(
    '/api/v1/trunks/:id',
    { config: { access: ADMIN }, schema: { params: TrunkIdParams, response: { 200: TrunkCreated, ...errors } } },
    async (request) => {
      const trunk = guard(() => service.remove((request.params as TrunkIdParams).id));
      app.deps.audit.record({ actorId: currentUser(request).id, action: 'trunk.remove', targetType: 'trunk', targetId: trunk.id, details: { name: trunk.name } });
      return { trunk: service.view(trunk), asterisk: await applier.apply() };
    },
  );
}

