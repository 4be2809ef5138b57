import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../core/errors.js';
import type { AgentsService } from './service.js';
import type { AgentsRepository } from './repository.js';
import {
  AgentListItem, AgentView, Errors, IdParams, LoginBody, Ok, PauseReason, QueueBody, QueueParams, QueueSetting, ReasonBody, StateBody, TimelineEntry,
  TimelineQuery,
} from './schemas.js';

const SUPERVISORS = ['admin', 'supervisor'] as const;
const STAFF = ['admin', 'supervisor', 'operator', 'intern'] as const;

export interface RosterEntry {
  id: number;
  name: string;
  role: string;
}

export function agentRoutes(
  app: FastifyInstance,
  service: AgentsService,
  repo: AgentsRepository,
  nameOf: (userId: number) => string | null,
  roster: () => RosterEntry[],
): void {
  const now = () => app.deps.clock.now().toISOString();
  const setState = (userId: number, body: Static<typeof StateBody>, actorId: number) => {
    if (body.state === 'available') return service.setAvailable(userId, actorId);
    if (!body.reason) throw new AppError('AGENT_PAUSE_REASON_UNKNOWN', { reason: '', known: repo.reasons().map((r) => r.name).join(', ') || '—' });
    return service.pause(userId, body.reason, actorId);
  };
  const requireAgent = (id: number) => {
    if (nameOf(id) === null) throw new AppError('AGENT_NOT_FOUND', { id });
  };

  app.get('/api/v1/agents/me', { config: { access: [...STAFF] }, schema: { response: { 200: AgentView, ...Errors } } }, async (request) =>
    service.view(request.user!.id),
  );

  app.post<{ Body: Static<typeof LoginBody> }>(
    '/api/v1/agents/me/login',
    { config: { access: [...STAFF] }, schema: { body: LoginBody, response: { 200: AgentView, ...Errors } } },
    async (request) => service.login(request.user!.id, request.body.queues),
  );

  app.post(
    '/api/v1/agents/me/logout',
    { config: { access: [...STAFF], noBody: true }, schema: { response: { 200: AgentView, ...Errors } } },
    async (request) => service.logout(request.user!.id),
  );

  app.post<{ Body: Static<typeof StateBody> }>(
    '/api/v1/agents/me/state',
    { config: { access: [...STAFF] }, schema: { body: StateBody, response: { 200: AgentView, ...Errors } } },
    async (request) => setState(request.user!.id, request.body, request.user!.id),
  );

  app.get(
    '/api/v1/agents',
    { config: { access: [...SUPERVISORS] }, schema: { response: { 200: Type.Object({ items: Type.Array(AgentListItem) }), ...Errors } } },
    async () => {
      const people = new Map(roster().map((r) => [r.id, r]));
      return {
        items: service.all(people.keys()).map((v) => ({ ...v, name: people.get(v.userId)?.name ?? nameOf(v.userId) ?? `#${v.userId}`, role: people.get(v.userId)?.role ?? null })),
      };
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof StateBody> }>(
    '/api/v1/agents/:id/state',
    { config: { access: [...SUPERVISORS] }, schema: { params: IdParams, body: StateBody, response: { 200: AgentView, ...Errors } } },
    async (request) => {
      requireAgent(request.params.id);
      return setState(request.params.id, request.body, request.user!.id);
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/api/v1/agents/:id/logout',
    { config: { access: [...SUPERVISORS], noBody: true }, schema: { params: IdParams, response: { 200: AgentView, ...Errors } } },
    async (request) => {
      requireAgent(request.params.id);
      return service.logout(request.params.id, request.user!.id);
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof TimelineQuery> }>(
    '/api/v1/agents/:id/timeline',
    { config: { access: [...STAFF] }, schema: { params: IdParams, querystring: TimelineQuery, response: { 200: Type.Object({ items: Type.Array(TimelineEntry) }), ...Errors } } },
    async (request) => {
      const viewer = request.user!;
      if (viewer.id !== request.params.id && !(SUPERVISORS as readonly string[]).includes(viewer.role)) throw new AppError('FORBIDDEN');
      requireAgent(request.params.id);
      return { items: repo.timeline(request.params.id, request.query.from, request.query.to, 5000) };
    },
  );

  app.get(
    '/api/v1/agents/pause-reasons',
    { config: { access: 'user' }, schema: { response: { 200: Type.Object({ items: Type.Array(PauseReason) }), ...Errors } } },
    async () => ({ items: repo.reasons() }),
  );

  app.post<{ Body: Static<typeof ReasonBody> }>(
    '/api/v1/agents/pause-reasons',
    { config: { access: ['admin'] }, schema: { body: ReasonBody, response: { 201: PauseReason, ...Errors } } },
    async (request, reply) => {
      const name = request.body.name.trim();
      const created = repo.addReason(name, now());
      if (!created) throw new AppError('AGENT_PAUSE_REASON_TAKEN', { name });
      app.deps.audit.record({ actorId: request.user!.id, action: 'agent.pause_reason.add', targetType: 'pause_reason', targetId: created.id, details: { name } });
      return reply.code(201).send(created);
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/api/v1/agents/pause-reasons/:id',
    { config: { access: ['admin'] }, schema: { params: IdParams, response: { 200: Ok, ...Errors } } },
    async (request) => {
      if (!repo.retireReason(request.params.id)) throw new AppError('AGENT_PAUSE_REASON_NOT_FOUND', { id: request.params.id });
      app.deps.audit.record({ actorId: request.user!.id, action: 'agent.pause_reason.retire', targetType: 'pause_reason', targetId: request.params.id });
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/agents/queues',
    { config: { access: 'user' }, schema: { response: { 200: Type.Object({ items: Type.Array(QueueSetting) }), ...Errors } } },
    async () => ({ items: repo.queues() }),
  );

  app.put<{ Params: Static<typeof QueueParams>; Body: Static<typeof QueueBody> }>(
    '/api/v1/agents/queues/:queue',
    { config: { access: ['admin'] }, schema: { params: QueueParams, body: QueueBody, response: { 200: QueueSetting, ...Errors } } },
    async (request) => {
      repo.putQueue(request.params.queue, request.body.wrapupSec, now());
      app.deps.audit.record({ actorId: request.user!.id, action: 'agent.queue.put', targetType: 'queue', targetId: request.params.queue, details: { wrapupSec: request.body.wrapupSec } });
      return { queue: request.params.queue, wrapupSec: request.body.wrapupSec };
    },
  );

  app.delete<{ Params: Static<typeof QueueParams> }>(
    '/api/v1/agents/queues/:queue',
    { config: { access: ['admin'] }, schema: { params: QueueParams, response: { 200: Ok, ...Errors } } },
    async (request) => {
      if (!repo.removeQueue(request.params.queue)) throw new AppError('AGENT_QUEUE_UNKNOWN', { queue: request.params.queue });
      app.deps.audit.record({ actorId: request.user!.id, action: 'agent.queue.remove', targetType: 'queue', targetId: request.params.queue });
      return { ok: true as const };
    },
  );
}
