import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../core/errors.js';
import type { CallsService } from './service.js';
import { toItem } from './service.js';
import type { CallsRepository } from './repository.js';
import {
  CallDetail, CallItem, ClickToCallBody, ClickToCallReply, EndpointBody, EndpointList, EndpointParams, Errors, IdParams, ListQuery, Ok,
  QueueActionBody, TransferBody,
} from './schemas.js';

export function callRoutes(app: FastifyInstance, service: CallsService, repo: CallsRepository, onEndpointsChanged: () => void): void {
  const masker = (request: { user?: import('../core/auth/sessions.js').SessionUser | null }) => app.deps.masking.forViewer(request.user ?? null);

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/calls',
    { config: { access: 'user' }, schema: { querystring: ListQuery, response: { 200: Type.Object({ items: Type.Array(CallItem) }), ...Errors } } },
    async (request) => {
      const m = masker(request);
      return { items: service.list(request.user!, request.query).map((r) => toItem(r, m)) };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/calls/:id',
    { config: { access: 'user' }, schema: { params: IdParams, response: { 200: CallDetail, ...Errors } } },
    async (request) => {
      const r = service.get(request.user!, request.params.id);
      return {
        ...toItem(r, masker(request)),
        held: r.held,
        transferred: r.transferred,
        reconciled: r.reconciled,
        legs: r.legs.map((l) => ({
          channel: l.channel,
          endpoint: l.endpoint,
          role: l.role,
          operatorId: l.operatorId,
          createdAt: l.createdAt,
          upAt: l.upAt,
          endedAt: l.endedAt,
          cause: l.cause,
          held: l.held,
          transferredTo: l.transferredTo,
        })),
      };
    },
  );

  app.post<{ Body: Static<typeof ClickToCallBody> }>(
    '/api/v1/calls',
    { config: { access: ['admin', 'supervisor', 'operator', 'intern'] }, schema: { body: ClickToCallBody, response: { 202: ClickToCallReply, ...Errors } } },
    async (request, reply) => {
      const { callRef } = await service.clickToCall(request.user!, request.body);
      return reply.code(202).send({ callRef, status: 'ringing_operator' as const });
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/api/v1/calls/:id/hangup',
    { config: { access: 'user', noBody: true }, schema: { params: IdParams, response: { 200: Ok, ...Errors } } },
    async (request) => {
      await service.hangup(request.user!, request.params.id);
      return { ok: true as const };
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof TransferBody> }>(
    '/api/v1/calls/:id/transfer',
    { config: { access: 'user' }, schema: { params: IdParams, body: TransferBody, response: { 200: Ok, ...Errors } } },
    async (request) => {
      await service.transfer(request.user!, request.params.id, request.body);
      return { ok: true as const };
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: { mode: 'listen' | 'whisper' | 'barge' } }>(
    '/api/v1/calls/:id/spy',
    {
      config: { access: ['admin', 'supervisor'] },
      schema: {
        params: IdParams,
        body: Type.Object({ mode: Type.Union([Type.Literal('listen'), Type.Literal('whisper'), Type.Literal('barge')]) }, { additionalProperties: false }),
        response: { 200: Ok, ...Errors },
      },
    },
    async (request) => {
      await service.spy(request.user!, request.params.id, request.body.mode);
      return { ok: true as const };
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/api/v1/calls/:id/hold',
    { config: { access: 'user', noBody: true }, schema: { params: IdParams, response: { 200: Ok, 501: Errors[400], ...Errors } } },
    async (request) => {
      service.get(request.user!, request.params.id);
      // AMI has no hold for PJSIP channels; the WebRTC phone holds with a re-INVITE (a=sendonly)
      // and the Hold/Unhold events update the call.
      throw new AppError('HOLD_NOT_SUPPORTED');
    },
  );

  app.post<{ Body: Static<typeof QueueActionBody> }>(
    '/api/v1/telephony/queue',
    { config: { access: ['admin', 'supervisor', 'operator', 'intern'] }, schema: { body: QueueActionBody, response: { 200: Ok, ...Errors } } },
    async (request) => {
      await service.queueAction(request.user!, request.body);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/telephony/endpoints',
    { config: { access: ['admin'] }, schema: { response: { 200: EndpointList, ...Errors } } },
    async () => ({ items: [...repo.endpoints()].map(([endpoint, userId]) => ({ userId, endpoint })) }),
  );

  app.put<{ Params: Static<typeof EndpointParams>; Body: Static<typeof EndpointBody> }>(
    '/api/v1/telephony/endpoints/:userId',
    { config: { access: ['admin'] }, schema: { params: EndpointParams, body: EndpointBody, response: { 200: Ok, ...Errors } } },
    async (request) => {
      const { userId } = request.params;
      const { endpoint } = request.body;
      const owner = endpoint ? repo.endpoints().get(endpoint) : undefined;
      if (owner !== undefined && owner !== userId) throw new AppError('ENDPOINT_TAKEN', { endpoint: endpoint! });
      if (!app.deps.db.prepare('SELECT 1 FROM users WHERE id = ?').get(userId)) throw new AppError('NOT_FOUND');
      repo.setEndpoint(userId, endpoint);
      onEndpointsChanged();
      app.deps.audit.record({ actorId: request.user!.id, action: 'telephony.endpoint.set', targetType: 'user', targetId: userId, details: { endpoint } });
      return { ok: true as const };
    },
  );
}
