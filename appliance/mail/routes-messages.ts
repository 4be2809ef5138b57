import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../core/errors.js';
import type { MaskingService } from '../core/masking.js';
import { Errors, IdParams, MessageDetail, MessageItem, MessagesQuery, SendBody } from './schemas.js';
import type { MailAccess } from './access.js';
import type { MessageRepository } from './message-repository.js';
import type { SendService } from './send-service.js';
import { messageDetail, messageItem } from './view.js';

export interface MessageRouteDeps {
  messages: MessageRepository;
  access: MailAccess;
  send: SendService;
  masking: MaskingService;
  /** A merged-away contact id answers for the contact it was merged into (links are moved on merge). */
  resolveContact: (id: number) => number;
}

/** Reading and writing mail; every address leaves through the viewer's masker. */
export async function messageRoutes(app: FastifyInstance, deps: MessageRouteDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof MessagesQuery> }>(
    '/api/v1/messages',
    {
      config: { access: 'user' },
      schema: { querystring: MessagesQuery, response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(MessageItem) }), ...Errors } },
    },
    async (request) => {
      const viewer = request.user!;
      const q = request.query;
      const masker = deps.masking.forViewer(viewer);
      const filter = { mailboxId: q.mailboxId, visibleTo: deps.access.filter(viewer), limit: q.limit, offset: q.offset };
      const contactId = q.contactId === undefined ? undefined : deps.resolveContact(q.contactId);
      const result = deps.messages.list({ ...filter, contactId });
      return { total: result.total, items: result.items.map((m) => messageItem(m, masker)) };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/v1/messages/:id',
    { config: { access: 'user' }, schema: { params: IdParams, response: { 200: MessageDetail, ...Errors } } },
    async (request) => {
      const m = deps.messages.get(request.params.id);
      if (!m || !deps.access.canSee(request.user!, m)) throw new AppError('MESSAGE_NOT_FOUND', { id: request.params.id });
      return messageDetail(m, deps.masking.forViewer(request.user!));
    },
  );

  app.post<{ Body: Static<typeof SendBody> }>(
    '/api/v1/messages',
    { config: { access: 'user' }, schema: { body: SendBody, response: { 201: MessageItem, ...Errors } } },
    async (request, reply) => {
      const id = await deps.send.send(request.user!, request.body);
      return reply.code(201).send(messageItem(deps.messages.get(id)!, deps.masking.forViewer(request.user!)));
    },
  );
}

