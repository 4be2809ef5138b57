import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../core/errors.js';
import type { AuditLog } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { MaskingService } from '../core/masking.js';
import { Errors, IdParams } from './schemas.js';
import type { MailAccess } from './access.js';
import type { MessageRepository } from './message-repository.js';
import type { MailboxRepository } from './mailbox-repository.js';
import { checkTemplateBody, fillTemplate, PLACEHOLDERS, type TemplateRepository } from './templates.js';
import type { MailUploads } from './uploads.js';

const MANAGERS = ['admin', 'supervisor'] as const;

const Upload = Type.Object({ id: Type.String(), name: Type.String(), contentType: Type.String(), bytes: Type.Integer() });
const UploadQuery = Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }) }, { additionalProperties: false });
const UploadParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });
const Template = Type.Object({ id: Type.Integer(), name: Type.String(), body: Type.String(), updatedAt: Type.String() });
const TemplateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\x00-\\x1f]+$' }),
    body: Type.String({ minLength: 1, maxLength: 20_000 }),
  },
  { additionalProperties: false },
);
const RenderBody = Type.Object({ replyToMessageId: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false });
const Ok = Type.Object({ ok: Type.Literal(true) });

export interface ComposeRouteDeps {
  uploads: MailUploads;
  templates: TemplateRepository;
  messages: MessageRepository;
  mailboxes: MailboxRepository;
  access: MailAccess;
  masking: MaskingService;
  audit: AuditLog;
  clock: Clock;
}

/** What the composer uses besides sending: attachments uploaded first, and the shared reply templates. */
export async function composeRoutes(app: FastifyInstance, d: ComposeRouteDeps): Promise<void> {
  const limit = d.uploads.limits.maxBytes;
  // Files come as the raw request body, in their own scope.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));
    scope.post<{ Querystring: Static<typeof UploadQuery> }>(
      '/api/v1/mail/uploads',
      { bodyLimit: limit, config: { access: 'user', noBody: true }, schema: { querystring: UploadQuery, response: { 201: Upload, ...Errors } } },
      async (request, reply) => {
        const body = request.body as Buffer | undefined;
        const type = String(request.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim();
        const upload = await d.uploads.add(request.user!.id, request.query.name, type, Buffer.isBuffer(body) ? body : Buffer.alloc(0));
        return reply.code(201).send(upload);
      },
    );
  });

  app.delete<{ Params: Static<typeof UploadParams> }>(
    '/api/v1/mail/uploads/:id',
    { config: { access: 'user' }, schema: { params: UploadParams, response: { 200: Ok, ...Errors } } },
    async (request) => {
      await d.uploads.remove(request.user!.id, [request.params.id]);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/mail/templates',
    {
      config: { access: 'user' },
      schema: { response: { 200: Type.Object({ items: Type.Array(Template), placeholders: Type.Array(Type.String()) }), ...Errors } },
    },
    async () => ({ items: d.templates.list(), placeholders: [...PLACEHOLDERS] }),
  );

  app.post<{ Body: Static<typeof TemplateBody> }>(
    '/api/v1/mail/templates',
    { config: { access: [...MANAGERS] }, schema: { body: TemplateBody, response: { 201: Template, ...Errors } } },
    async (request, reply) => {
      const name = request.body.name.trim();
      checkTemplateBody(request.body.body);
      const created = d.templates.create(name, request.body.body, request.user!.id, d.clock.now().toISOString());
      if (!created) throw new AppError('MAIL_TEMPLATE_EXISTS', { name });
      d.audit.record({ actorId: request.user!.id, action: 'mail.template.create', targetType: 'mail_template', targetId: created.id, details: { name } });
      return reply.code(201).send(created);
    },
  );

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof TemplateBody> }>(
    '/api/v1/mail/templates/:id',
    { config: { access: [...MANAGERS] }, schema: { params: IdParams, body: TemplateBody, response: { 200: Template, ...Errors } } },
    async (request) => {
      const name = request.body.name.trim();
      checkTemplateBody(request.body.body);
      const saved = d.templates.update(request.params.id, name, request.body.body, d.clock.now().toISOString());
      if (saved === 'missing') throw new AppError('MAIL_TEMPLATE_NOT_FOUND', { id: request.params.id });
      if (saved === 'taken') throw new AppError('MAIL_TEMPLATE_EXISTS', { name });
      d.audit.record({ actorId: request.user!.id, action: 'mail.template.update', targetType: 'mail_template', targetId: saved.id, details: { name } });
      return saved;
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/api/v1/mail/templates/:id',
    { config: { access: [...MANAGERS] }, schema: { params: IdParams, response: { 200: Ok, ...Errors } } },
    async (request) => {
      if (!d.templates.remove(request.params.id)) throw new AppError('MAIL_TEMPLATE_NOT_FOUND', { id: request.params.id });
      d.audit.record({ actorId: request.user!.id, action: 'mail.template.delete', targetType: 'mail_template', targetId: request.params.id });
      return { ok: true as const };
    },
  );

  // The template with its placeholders filled for this reply, in the viewer's words and masking.
  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof RenderBody> }>(
    '/api/v1/mail/templates/:id/render',
    { config: { access: 'user' }, schema: { params: IdParams, body: RenderBody, response: { 200: Type.Object({ text: Type.String() }), ...Errors } } },
    async (request) => {
      const viewer = request.user!;
      const template = d.templates.get(request.params.id);
      if (!template) throw new AppError('MAIL_TEMPLATE_NOT_FOUND', { id: request.params.id });
      const masker = d.masking.forViewer(viewer);
      let customer = '';
      let subject = '';
      let mailbox = '';
      if (request.body.replyToMessageId !== undefined) {
        const m = d.messages.get(request.body.replyToMessageId);
        if (!m || !d.access.canSee(viewer, m)) throw new AppError('MESSAGE_NOT_FOUND', { id: request.body.replyToMessageId });
        const party = (m.direction === 'in' ? m.from : m.to)[0];
        // A display name may itself be an address: masked viewers get it through their masker.
        customer = party ? (party.name && !party.name.includes('@') ? party.name : masker.email(party.address) ?? '') : '';
        subject = m.subject;
        const boxId = m.mailboxId ?? d.messages.mailboxesOf(m.id)[0];
        mailbox = boxId === undefined ? '' : d.mailboxes.get(boxId)?.address ?? '';
      }
      const date = new Intl.DateTimeFormat(request.language, { dateStyle: 'long' }).format(d.clock.now());
      return { text: fillTemplate(template.body, { customer, agent: viewer.displayName, mailbox, subject, date }) };
    },
  );
}
