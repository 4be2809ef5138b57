import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { AppError } from '../core/errors.js';
import { CONNECTION_LOST, MailConnectError, MailFolderMissingError } from './failures.js';
import { AccessBody, AccessList, AccessParams, CreateMailboxBody, Created, Errors, IdParams, MailboxView, MailSettings, PatchMailboxBody, TestResult, TestSettingsBody } from './schemas.js';
import type { MailService } from './service.js';
import type { MailAccess } from './access.js';
import type { MailboxRepository } from './mailbox-repository.js';
import type { LeadPolicy } from './ingest.js';

export interface MailboxRouteDeps {
  service: MailService;
  access: MailAccess;
  mailboxes: MailboxRepository;
  autoStart: boolean;
  leadPolicy: { get(): LeadPolicy; set(p: LeadPolicy): void };
  isActive: (userId: number) => boolean;
}

/** Mailboxes: added and tested by admins; passwords go in and never come out. */
export async function mailboxRoutes(app: FastifyInstance, deps: MailboxRouteDeps): Promise<void> {
  const { service, access } = deps;

  app.post<{ Body: CreateMailboxBody }>(
    '/api/v1/mailboxes',
    { config: { access: ['admin'] }, schema: { body: CreateMailboxBody, response: { 201: Created, ...Errors } } },
    async (request, reply) => {
      const b = request.body;
      if (b.ownerId != null && !deps.isActive(b.ownerId)) throw new AppError('USER_NOT_FOUND_FOR_MAIL', { id: b.ownerId });
      const id = service.createMailbox(
        { address: b.address, imap: b.imap, smtp: b.smtp, teamId: b.teamId ?? null, ownerId: b.ownerId ?? null, folders: b.folders ?? ['INBOX'] },
        request.user!.id,
      );
      if (deps.autoStart) service.start(id);
      return reply.code(201).send({ id });
    },
  );

  app.get(
    '/api/v1/mailboxes',
    { config: { access: 'user' }, schema: { response: { 200: Type.Object({ items: Type.Array(MailboxView) }), ...Errors } } },
    async (request) => {
      const ids = access.seesAll(request.user!) ? deps.mailboxes.list().map((m) => m.id) : access.mailboxIds(request.user!);
      return { items: ids.map((id) => service.view(id)) };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/v1/mailboxes/:id',
    { config: { access: 'user' }, schema: { params: IdParams, response: { 200: MailboxView, ...Errors } } },
    async (request) => {
      const view = service.view(request.params.id);
      if (!access.canUseMailbox(request.user!, view.id)) throw new AppError('MAIL_NO_ACCESS');
      return view;
    },
  );

  app.patch<{ Params: { id: number }; Body: PatchMailboxBody }>(
    '/api/v1/mailboxes/:id',
    { config: { access: ['admin'] }, schema: { params: IdParams, body: PatchMailboxBody, response: { 200: MailboxView, ...Errors } } },
    async (request) => {
      const b = request.body;
      if (b.ownerId != null && !deps.isActive(b.ownerId)) throw new AppError('USER_NOT_FOUND_FOR_MAIL', { id: b.ownerId });
      await service.update(request.params.id, b, request.user!.id);
      return service.view(request.params.id);
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/v1/mailboxes/:id/access',
    { config: { access: ['admin', 'supervisor'] }, schema: { params: IdParams, response: { 200: AccessList, ...Errors } } },
    async (request) => {
      service.require(request.params.id);
      return { userIds: deps.mailboxes.accessList(request.params.id) };
    },
  );

  app.post<{ Params: { id: number }; Body: { userId: number } }>(
    '/api/v1/mailboxes/:id/access',
    { config: { access: ['admin'] }, schema: { params: IdParams, body: AccessBody, response: { 200: AccessList, ...Errors } } },
    async (request) => {
      if (!deps.isActive(request.body.userId)) throw new AppError('USER_NOT_FOUND_FOR_MAIL', { id: request.body.userId });
      service.grant(request.params.id, request.body.userId, request.user!.id);
      return { userIds: deps.mailboxes.accessList(request.params.id) };
    },
  );

  app.delete<{ Params: { id: number; userId: number } }>(
    '/api/v1/mailboxes/:id/access/:userId',
    { config: { access: ['admin'] }, schema: { params: AccessParams, response: { 200: AccessList, ...Errors } } },
    async (request) => {
      service.revoke(request.params.id, request.params.userId, request.user!.id);
      return { userIds: deps.mailboxes.accessList(request.params.id) };
    },
  );

  app.post<{ Params: { id: number } }>(
    '/api/v1/mailboxes/:id/test',
    {
      config: { access: ['admin'], noBody: true },
      schema: { params: IdParams, response: { 200: TestResult, ...Errors } },
    },
    async (request) => service.test(request.params.id),
  );

  // Before saving: the admin's form is tested as typed, and answers the account's folders.
  app.post<{ Body: TestSettingsBody }>(
    '/api/v1/mailboxes/test',
    { config: { access: ['admin'] }, schema: { body: TestSettingsBody, response: { 200: TestResult, ...Errors } } },
    async (request) => service.testSettings(request.body.imap, request.body.smtp, request.body.folders ?? []),
  );

  app.post<{ Params: { id: number } }>(
    '/api/v1/mailboxes/:id/sync',
    {
      config: { access: ['admin', 'supervisor'], noBody: true },
      schema: { params: IdParams, response: { 200: Type.Object({ fetched: Type.Integer(), stored: Type.Integer(), quarantined: Type.Integer() }), ...Errors } },
    },
    async (request) => {
      const mailbox = service.require(request.params.id);
      try {
        const r = await service.syncNow(request.params.id);
        return { fetched: r.fetched, stored: r.stored.length, quarantined: r.quarantined };
      } catch (err) {
        if (err instanceof AppError) throw err;
        if (err instanceof MailConnectError) throw new AppError(err.failure.code, err.failure.params);
        if (err instanceof MailFolderMissingError) throw new AppError('MAIL_SERVER_ERROR', { protocol: 'IMAP', host: mailbox.imap.host, port: mailbox.imap.port, detail: err.message });
        // The server or the network failed mid-pass (imapflow and Node errors carry a code).
        const code = (err as { code?: unknown }).code;
        if ((typeof code === 'string' && !code.startsWith('SQLITE')) || (err as Error).message === CONNECTION_LOST) {
          throw new AppError('MAIL_SERVER_ERROR', { protocol: 'IMAP', host: mailbox.imap.host, port: mailbox.imap.port, detail: typeof code === 'string' ? code : CONNECTION_LOST });
        }
        // Anything else is ours: logged, and answered as a 500 without internals.
        throw err;
      }
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/v1/mailboxes/:id/quarantine',
    {
      config: { access: ['admin'] },
      schema: {
        params: IdParams,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({ uid: Type.Integer(), folder: Type.String(), attempts: Type.Integer(), error: Type.String(), quarantinedAt: Type.String(), rawBytes: Type.Union([Type.Integer(), Type.Null()]) }),
            ),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      service.require(request.params.id);
      return { items: deps.mailboxes.quarantined(request.params.id) };
    },
  );

  app.get('/api/v1/mail/settings', { config: { access: ['admin'] }, schema: { response: { 200: MailSettings, ...Errors } } }, async () => ({
    createLeads: deps.leadPolicy.get(),
  }));

  app.put<{ Body: { createLeads: LeadPolicy } }>(
    '/api/v1/mail/settings',
    { config: { access: ['admin'] }, schema: { body: MailSettings, response: { 200: MailSettings, ...Errors } } },
    async (request) => {
      deps.leadPolicy.set(request.body.createLeads);
      return { createLeads: deps.leadPolicy.get() };
    },
  );
}
