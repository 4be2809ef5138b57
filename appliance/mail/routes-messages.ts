import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
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
  /** Where raw messages and attachments are stored (`raw_path`/`path` are relative to it). */
  dataDir: string;
  /** A merged-away contact id answers for the contact it was merged into (links are moved on merge). */
  resolveContact: (id: number) => number;
  /** A routing rule's name, for "why did this reach me". */
  ruleName: (ruleId: number) => string | null;
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
      return { total: result.total, items: result.items.map((m) => messageItem(m, masker, deps.ruleName)) };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/v1/messages/:id',
    { config: { access: 'user' }, schema: { params: IdParams, response: { 200: MessageDetail, ...Errors } } },
    async (request) => {
      const m = deps.messages.get(request.params.id);
      if (!m || !deps.access.canSee(request.user!, m)) throw new AppError('MESSAGE_NOT_FOUND', { id: request.params.id });
      return messageDetail(m, deps.masking.forViewer(request.user!), deps.ruleName);
    },
  );

  const visible = (request: { user?: { id: number } | null }, id: number) => {
    const m = deps.messages.get(id);
    if (!m || !deps.access.canSee(request.user! as never, m)) throw new AppError('MESSAGE_NOT_FOUND', { id });
    return m;
  };

  // The message's HTML part as sent, for the browser to sanitise (DOMPurify) and show in a
  // sandboxed frame. Masked viewers get none: HTML cannot be masked reliably, they read the
  // masked text instead.
  app.get<{ Params: { id: number } }>(
    '/api/v1/messages/:id/html',
    {
      config: { access: 'user' },
      schema: { params: IdParams, response: { 200: Type.Object({ html: Type.Union([Type.String(), Type.Null()]), masked: Type.Boolean() }), ...Errors } },
    },
    async (request, reply) => {
      const m = visible(request, request.params.id);
      reply.header('cache-control', 'private, no-store');
      if (deps.masking.forViewer(request.user!).masked) return { html: null, masked: true };
      const raw = deps.messages.rawFile(m.id);
      if (!raw?.hasHtml) return { html: null, masked: false };
      const parsed = await simpleParser(createReadStream(join(deps.dataDir, raw.rawPath)), { skipImageLinks: true, skipTextToHtml: true });
      return { html: typeof parsed.html === 'string' ? parsed.html : null, masked: false };
    },
  );

  app.get<{ Params: { id: number; index: number } }>(
    '/api/v1/messages/:id/attachments/:index',
    {
      config: { access: 'user' },
      schema: {
        params: Type.Object({ id: Type.Integer({ minimum: 1 }), index: Type.Integer({ minimum: 0, maximum: 10_000 }) }),
        response: { 200: { type: 'string', format: 'binary' } as const, ...Errors },
      },
    },
    async (request, reply) => {
      const m = visible(request, request.params.id);
      if (deps.masking.forViewer(request.user!).masked) throw new AppError('MAIL_ATTACHMENT_MASKED');
      const file = deps.messages.attachmentFile(m.id, request.params.index);
      if (!file) throw new AppError('ATTACHMENT_NOT_FOUND', { id: m.id, index: request.params.index });
      // Always a download, never rendered in our origin (an HTML or SVG attachment could script it).
      reply.header('content-type', 'application/octet-stream');
      reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name || 'attachment')}`);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('cache-control', 'private, no-store');
      reply.header('content-length', String(statSync(join(deps.dataDir, file.path)).size));
      return reply.send(createReadStream(join(deps.dataDir, file.path)));
    },
  );

  app.post<{ Body: Static<typeof SendBody> }>(
    '/api/v1/messages',
    { config: { access: 'user' }, schema: { body: SendBody, response: { 201: MessageItem, ...Errors } } },
    async (request, reply) => {
      const id = await deps.send.send(request.user!, request.body);
      return reply.code(201).send(messageItem(deps.messages.get(id)!, deps.masking.forViewer(request.user!), deps.ruleName));
    },
  );
}

