import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../core/errors.js';
import type { MaskingService } from '../core/masking.js';
import type { SessionUser } from '../core/auth/sessions.js';
import {
  CannedList,
  CannedQuery,
  ChatMessage,
  ChatsQuery,
  ChatView,
  Errors,
  FileParams,
  FileQuery,
  IdParams,
  MessagesQuery,
  ReadBody,
  SendBody,
  TextBody,
  TransferBody,
  TransferTargets,
  TypingBody,
} from './schemas.js';
import type { ChatService } from './service.js';
import type { SitesService } from './sites-service.js';
import type { Conversation, Message } from './repository.js';
import { conversationView, messageView } from './view.js';
import { sendDownload } from './gateway.js';
import { storeFile, typeAllowed } from './files.js';

export interface ChatRouteDeps {
  chat: ChatService;
  sites: SitesService;
  masking: MaskingService;
  userName: (id: number) => string | null;
  dataDir: string;
  now: () => Date;
  maxUploadBytes: number;
  /** Active users and teams (users capability), and who has the workspace open. */
  directory: () => { users: { id: number; displayName: string; role: SessionUser['role']; active: boolean }[]; teams: { id: number; name: string }[]; online: ReadonlySet<number> };
}

/** The operators' side: waiting/active/closed chats of the sites they answer, and acting on them. */
export async function chatRoutes(app: FastifyInstance, d: ChatRouteDeps): Promise<void> {
  const { chat, sites, masking } = d;
  const view = (c: Conversation, viewer: SessionUser) => {
    const site = sites.get(c.siteId);
    const position = c.state === 'waiting' && c.mode === 'live' ? chat.repo.position(c) : 0;
    return conversationView(c, site, chat.repo.visitor(c.visitorId), masking.forViewer(viewer), {
      position,
      operatorName: c.operatorId ? d.userName(c.operatorId) : null,
      canReplyByEmail: c.mode === 'message' && c.state !== 'closed' && chat.canReplyByEmail(viewer, site),
    });
  };
  const message = (m: Message, viewer: SessionUser) => messageView(m, masking.forViewer(viewer), m.operatorId ? d.userName(m.operatorId) : null);

  app.get<{ Querystring: Static<typeof ChatsQuery> }>(
    '/api/v1/chats',
    { config: { access: 'user' }, schema: { querystring: ChatsQuery, response: { 200: Type.Object({ items: Type.Array(ChatView) }), ...Errors } } },
    async (request) => {
      const user = request.user!;
      const q = request.query;
      const states = q.state ? [q.state] : (['waiting', 'active'] as const);
      const answerable = new Map(sites.list().filter((s) => sites.canAnswer(user, s)).map((s) => [s.id, s]));
      const items = states
        .flatMap((state) => chat.repo.list(state, q.limit * 4))
        .filter((c) => answerable.has(c.siteId) && (q.siteId === undefined || c.siteId === q.siteId) && (!q.mine || c.operatorId === user.id))
        .slice(0, q.limit);
      return { items: items.map((c) => view(c, user)) };
    },
  );

  app.get<{ Querystring: Static<typeof CannedQuery> }>(
    '/api/v1/chats/canned',
    { config: { access: 'user' }, schema: { querystring: CannedQuery, response: { 200: CannedList, ...Errors } } },
    async (request) => {
      const site = sites.get(request.query.siteId);
      if (!sites.canAnswer(request.user!, site)) throw new AppError('CHAT_NO_ACCESS');
      const lang = request.query.language;
      return { items: site.settings.canned.filter((c) => !lang || c.language === null || c.language === lang) };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/chats/:id',
    { config: { access: 'user' }, schema: { params: IdParams, response: { 200: ChatView, ...Errors } } },
    async (request) => view(chat.forOperator(request.user!, request.params.id).conversation, request.user!),
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof MessagesQuery> }>(
    '/api/v1/chats/:id/messages',
    { config: { access: 'user' }, schema: { params: IdParams, querystring: MessagesQuery, response: { 200: Type.Object({ items: Type.Array(ChatMessage) }), ...Errors } } },
    async (request) => {
      chat.forOperator(request.user!, request.params.id);
      return { items: chat.repo.messagesAfter(request.params.id, request.query.after, request.query.limit).map((m) => message(m, request.user!)) };
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/api/v1/chats/:id/accept',
    { config: { access: 'user', noBody: true }, schema: { params: IdParams, response: { 200: ChatView, ...Errors } } },
    async (request) => view(chat.accept(request.user!, request.params.id), request.user!),
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/api/v1/chats/:id/close',
    { config: { access: 'user', noBody: true }, schema: { params: IdParams, response: { 200: ChatView, ...Errors } } },
    async (request) => view(chat.close({ user: request.user! }, request.params.id), request.user!),
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof SendBody> }>(
    '/api/v1/chats/:id/messages',
    { config: { access: 'user' }, schema: { params: IdParams, body: SendBody, response: { 201: ChatMessage, 200: ChatMessage, ...Errors } } },
    async (request, reply) => {
      const { message: m, duplicate } = chat.operatorMessage(request.user!, request.params.id, request.body);
      return reply.code(duplicate ? 200 : 201).send(message(m, request.user!));
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof TypingBody> }>(
    '/api/v1/chats/:id/typing',
    { config: { access: 'user' }, schema: { params: IdParams, body: TypingBody, response: { 204: Type.Null(), ...Errors } } },
    async (request, reply) => {
      const { site, conversation } = chat.forOperator(request.user!, request.params.id);
      chat.typing(site, conversation, request.user!, request.body.on);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof ReadBody> }>(
    '/api/v1/chats/:id/read',
    { config: { access: 'user' }, schema: { params: IdParams, body: ReadBody, response: { 204: Type.Null(), ...Errors } } },
    async (request, reply) => {
      const { site, conversation } = chat.forOperator(request.user!, request.params.id);
      chat.read(site, conversation, 'operator', request.body.seq);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof TransferBody> }>(
    '/api/v1/chats/:id/transfer',
    { config: { access: 'user' }, schema: { params: IdParams, body: TransferBody, response: { 200: ChatView, ...Errors } } },
    async (request) => view(chat.transfer(request.user!, request.params.id, request.body), request.user!),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/chats/:id/transfer-targets',
    { config: { access: 'user' }, schema: { params: IdParams, response: { 200: TransferTargets, ...Errors } } },
    async (request) => {
      const user = request.user!;
      const { site } = chat.forOperator(user, request.params.id);
      const dir = d.directory();
      return {
        operators: dir.users
          .filter((u) => u.active && u.id !== user.id && sites.canAnswer(u, site))
          .map((u) => ({ id: u.id, name: u.displayName, online: dir.online.has(u.id) }))
          .sort((x, y) => Number(y.online) - Number(x.online) || x.name.localeCompare(y.name)),
        teams: dir.teams.filter((t) => site.teamId === null || t.id === site.teamId).map((t) => ({ id: t.id, name: t.name })),
      };
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof TextBody> }>(
    '/api/v1/chats/:id/reply-by-email',
    { config: { access: 'user' }, schema: { params: IdParams, body: TextBody, response: { 201: ChatMessage, ...Errors } } },
    async (request, reply) => reply.code(201).send(message(await chat.replyByEmail(request.user!, request.params.id, request.body.text), request.user!)),
  );

  app.get<{ Params: Static<typeof FileParams> }>(
    '/api/v1/chats/:id/files/:fileId',
    { config: { access: 'user' }, schema: { params: FileParams, response: { 200: Type.Any(), ...Errors } } },
    async (request, reply) => {
      chat.forOperator(request.user!, request.params.id);
      const file = chat.repo.fileInConversation(request.params.id, request.params.fileId);
      if (!file) throw new AppError('CHAT_FILE_NOT_FOUND');
      return sendDownload(reply, d.dataDir, file);
    },
  );

  // Files come as the raw request body (any type; the site's rules decide), in their own scope.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: d.maxUploadBytes }, (_req, body, done) => done(null, body));
    scope.post<{ Params: Static<typeof IdParams>; Querystring: Static<typeof FileQuery> }>(
      '/api/v1/chats/:id/files',
      { bodyLimit: d.maxUploadBytes, config: { access: 'user', noBody: true }, schema: { params: IdParams, querystring: FileQuery, response: { 201: ChatMessage, 200: ChatMessage, ...Errors } } },
      async (request, reply) => {
        const { site } = chat.forOperator(request.user!, request.params.id);
        const type = String(request.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
        const body = request.body as Buffer;
        if (!Buffer.isBuffer(body) || body.length === 0) throw new AppError('VALIDATION_FAILED', { detail: 'the file is empty' });
        if (!typeAllowed(type, site.settings.uploads.types)) throw new AppError('CHAT_FILE_TYPE_REFUSED', { type });
        if (body.length > site.settings.uploads.maxBytes) throw new AppError('CHAT_FILE_TOO_LARGE', { limit: site.settings.uploads.maxBytes });
        const stored = await storeFile(d.dataDir, body);
        chat.repo.insertFile(stored.sha256, stored.path, stored.bytes, d.now().toISOString());
        const name = request.query.name.replace(/[\u0000-\u001f/\\]/g, '_');
        const { message: m, duplicate } = chat.operatorMessage(request.user!, request.params.id, {
          text: '',
          ...(request.query.clientId ? { clientId: request.query.clientId } : {}),
          file: { sha256: stored.sha256, name, type, bytes: stored.bytes },
        });
        return reply.code(duplicate ? 200 : 201).send(message(m, request.user!));
      },
    );
  });
}
