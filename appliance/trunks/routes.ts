import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { currentUser } from '../core/auth/plugin.js';
import { AppError } from '../core/errors.js';
import { ErrorResponse } from '../core/route-policy.js';
import { TrunkFieldError } from './model.js';
import { TrunkNotFoundError, type TrunkService } from './service.js';
import { QueueChanged, QueueCreateBody, QueueList, QueueNameParams, QueueUpdateBody, AsteriskState, AsteriskStateResponse, TrunkBody, TrunkCreated, TrunkIdParams, TrunkList, TrunkSelector, TrunkUpdateBody, TrunkViewSchema } from './schemas.js';
import type { StoredTrunk } from './model.js';
import type { QueueSettings, QueueState } from './queues.js';
import { defaultQueue } from '../../installer/provisioning/model.js';
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

export async function trunkRoutes(app: FastifyInstance, opts: { service: TrunkService; kinds: readonly TrunkKind[]; applier: AsteriskApplier; queues: QueueSettings }) {
  const { service, kinds, applier, queues } = opts;
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

  // Queues: strategy, timeouts and who is a member; applied to Asterisk like a trunk change.
  type QueueBody = { strategy?: string; ringTimeoutSec?: number; retrySec?: number; wrapupSec?: number; maxWaitSec?: number; everyOperator?: boolean; memberIds?: number[] };
  const changeQueues = async (request: FastifyRequest, name: string, action: string, change: (s: QueueState) => QueueState) => {
    const before = queues.read();
    queues.write(change(before), app.deps.clock.now());
    const asterisk = await applyOrUndo(() => queues.write(before, app.deps.clock.now()));
    app.deps.audit.record({ actorId: currentUser(request).id, action, targetType: 'queue', targetId: name, details: { name } });
    return asterisk;
  };
  const settle = (state: QueueState, name: string, body: QueueBody): QueueState => {
    const { everyOperator, ...fields } = body;
    // A member is rung on their phone: someone without one would be a member Asterisk cannot reach.
    const phones = app.hasDecorator('phones') ? (app as unknown as { phones: { find(id: number): unknown } }).phones : null;
    (fields.memberIds ?? []).forEach((id, i) => {
      if (phones && !phones.find(id)) throw new AppError('QUEUE_MEMBER_NO_PHONE', { field: `body.memberIds.${i}`, userId: id });
    });
    return {
      queues: state.queues.map((q) => (q.name === name ? ({ ...q, ...fields } as typeof q) : q)),
      operatorQueues: everyOperator === undefined ? state.operatorQueues : everyOperator ? [...new Set([...state.operatorQueues, name])] : state.operatorQueues.filter((n) => n !== name),
    };
  };
  const viewOf = (name: string) => queues.views().find((q) => q.name === name)!;

  app.get('/api/v1/queues', { config: { access: ADMIN }, schema: { response: { 200: QueueList, ...errors } } }, async () => ({ items: queues.views() }));

  app.post(
    '/api/v1/queues',
    { config: { access: ADMIN }, schema: { body: QueueCreateBody, response: { 201: QueueChanged, ...errors } } },
    async (request, reply) => {
      const { name, ...fields } = request.body as QueueBody & { name: string };
      if (queues.read().queues.some((q) => q.name === name)) throw new AppError('QUEUE_EXISTS', { field: 'body.name', name });
      const asterisk = await changeQueues(request, name, 'queue.create', (s) => settle({ ...s, queues: [...s.queues, defaultQueue(name)] }, name, fields));
      return reply.code(201).send({ queue: viewOf(name), asterisk });
    },
  );

  app.put(
    '/api/v1/queues/:name',
    { config: { access: ADMIN }, schema: { params: QueueNameParams, body: QueueUpdateBody, response: { 200: QueueChanged, ...errors } } },
    async (request) => {
      const { name } = request.params as { name: string };
      if (!queues.read().queues.some((q) => q.name === name)) throw new AppError('QUEUE_NOT_FOUND', { name });
      const asterisk = await changeQueues(request, name, 'queue.update', (s) => settle(s, name, request.body as QueueBody));
      return { queue: viewOf(name), asterisk };
    },
  );

  app.delete(
    '/api/v1/queues/:name',
    { config: { access: ADMIN }, schema: { params: QueueNameParams, response: { 200: QueueChanged, ...errors } } },
    async (request) => {
      const { name } = request.params as { name: string };
      const queue = queues.views().find((q) => q.name === name);
      if (!queue) throw new AppError('QUEUE_NOT_FOUND', { name });
      const dids = service.list().flatMap((t) => t.dids).filter((d) => d.target.type === 'queue' && d.target.name === name).map((d) => d.did);
      if (dids.length) throw new AppError('QUEUE_IN_USE', { name, dids: dids.join(', ') });
      const asterisk = await changeQueues(request, name, 'queue.delete', (s) => ({ queues: s.queues.filter((q) => q.name !== name), operatorQueues: s.operatorQueues.filter((n) => n !== name) }));
      return { queue, asterisk };
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

