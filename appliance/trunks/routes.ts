import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { currentUser } from '../core/auth/plugin.js';
import { AppError } from '../core/errors.js';
import { ErrorResponse } from '../core/route-policy.js';
import { TrunkFieldError } from './model.js';
import { TrunkNotFoundError, type TrunkService } from './service.js';
import { AsteriskState, AsteriskStateResponse, TrunkBody, TrunkCreated, TrunkIdParams, TrunkList, TrunkSelector, TrunkUpdateBody, TrunkViewSchema } from './schemas.js';
import type { StoredTrunk } from './model.js';
import type { TrunkKind } from './model.js';
import './errors.js';

const ADMIN = ['admin'] as const;
const errors = { '4xx': ErrorResponse };

export interface AsteriskApplier {
  /**
   * Renders and reloads Asterisk after a change: `applied`, `pending` when this process cannot
   * write Asterisk's files, `refused` when Asterisk did not take them (its previous files are back).
   */
  apply(): Promise<{ status: string; detail: string }>;
  /** True when changes reach Asterisk from here (live apply), false when they wait for `contactbox trunk apply`. */
  readonly live?: boolean;
}

interface AppliedState {
  status: string;
  detail: string;
  at: string;
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

  // The last outcome of writing Asterisk's configuration, for the console.
  let last: AppliedState | null = null;
  const apply = async () => {
    const r = await applier.apply();
    last = { status: r.status, detail: r.detail, at: app.deps.clock.now().toISOString() };
    return { status: r.status, detail: r.detail };
  };
  /** Applies a change; when Asterisk refuses it, `undo` puts the stored trunks back and the client gets the reason. */
  const applyOrUndo = async (undo: () => void) => {
    const asterisk = await apply();
    if (asterisk.status === 'refused') {
      undo();
      throw new AppError('TRUNK_ASTERISK_REFUSED', { detail: asterisk.detail });
    }
    return asterisk;
  };

  app.get(
    '/api/v1/trunks/asterisk',
    { config: { access: ADMIN }, schema: { response: { 200: AsteriskStateResponse, ...errors } } },
    async () => ({ live: applier.live === true, last }),
  );

  // Writes the stored trunks into Asterisk now (after an earlier refusal, or a change made while it was down).
  app.post(
    '/api/v1/trunks/apply',
    { config: { access: ADMIN }, schema: { body: Type.Optional(Type.Object({}, { additionalProperties: false })), response: { 200: AsteriskState, ...errors } } },
    async (request) => {
      const asterisk = await apply();
      app.deps.audit.record({ actorId: currentUser(request).id, action: 'trunk.apply', targetType: 'asterisk', details: { status: asterisk.status } });
      return { ...asterisk, at: last!.at };
    },
  );

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
      const asterisk = await applyOrUndo(() => service.remove(trunk.id));
      app.deps.audit.record({ actorId: currentUser(request).id, action: 'trunk.add', targetType: 'trunk', targetId: trunk.id, details: { name: trunk.name, kind: trunk.kind } });
      return reply.code(201).send({ trunk: service.view(trunk), asterisk });
    },
  );

  app.put(
    '/api/v1/trunks/:id',
    { config: { access: ADMIN }, bodyLimit: 64 * 1024, schema: { params: TrunkIdParams, body: TrunkUpdateBody, response: { 200: TrunkCreated, ...errors } } },
    async (request) => {
      const { before, after } = guard(() => service.update((request.params as TrunkIdParams).id, request.body as Record<string, unknown>));
      const asterisk = await applyOrUndo(() => service.restore(before));
      app.deps.audit.record({ actorId: currentUser(request).id, action: 'trunk.update', targetType: 'trunk', targetId: after.id, details: { name: after.name, kind: after.kind } });
      return { trunk: service.view(after), asterisk };
    },
  );

  const removed = async (request: FastifyRequest, trunk: StoredTrunk) => {
    const asterisk = await applyOrUndo(() => service.reinsert(trunk));
    app.deps.audit.record({ actorId: currentUser(request).id, action: 'trunk.remove', targetType: 'trunk', targetId: trunk.id, details: { name: trunk.name } });
    return { trunk: service.view(trunk), asterisk };
  };

  // `DELETE /api/v1/trunks?name=uplink` (or `?id=3`): the same as DELETE /api/v1/trunks/:id, by name.
  app.delete(
    '/api/v1/trunks',
    { config: { access: ADMIN }, schema: { querystring: TrunkSelector, response: { 200: TrunkCreated, ...errors } } },
    async (request) => {
      const q = request.query as TrunkSelector;
      const which = q.id ?? q.name;
      if (which === undefined) throw new AppError('TRUNK_INVALID', { field: 'query.name', detail: 'give the trunk to remove as ?name=NAME or ?id=ID' });
      const trunk = guard(() => service.remove(which));
      return removed(request, trunk);
    },
  );

  app.delete(
    '/api/v1/trunks/:id',
    { config: { access: ADMIN }, schema: { params: TrunkIdParams, response: { 200: TrunkCreated, ...errors } } },
    async (request) => {
      const trunk = guard(() => service.remove((request.params as TrunkIdParams).id));
      return removed(request, trunk);
    },
  );
}

