import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../core/errors.js';
import { KeyParams, type VisitorGateway } from './gateway.js';
import { Errors } from './schemas.js';

const ScriptParams = Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}\\.js$' }) }, { additionalProperties: false });
const UploadQuery = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 200 }), cid: Type.String({ minLength: 1, maxLength: 64 }), name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const DownloadParams = Type.Object({ key: KeyParams.properties.key, sha: Type.String({ pattern: '^[0-9a-f]{64}$' }) }, { additionalProperties: false });
const TokenQuery = Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }) }, { additionalProperties: false });

/**
 * The widget's public context (no session): scripts, the visitor socket and files. Each request
 * names its site by public key and must carry an `Origin` the site lists; the answer then allows
 * exactly that origin (CORS). Requests without a listed Origin are refused, whatever they ask.
 */
export async function widgetRoutes(app: FastifyInstance, d: { gateway: VisitorGateway; assets: () => { launcher: Buffer; panel: Buffer } | null; maxUploadBytes: number }): Promise<void> {
  const { gateway } = d;
  const keyOf = (request: FastifyRequest) => {
    const p = request.params as { key?: string; file?: string };
    return p.key ?? p.file?.replace(/\.js$/, '') ?? '';
  };

  // Every answer in this context, refusals included, is readable by the listed origin only.
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    const site = typeof origin === 'string' ? gateway.siteForKey(keyOf(request)) : null;
    if (site && site.origins.some((o) => o.origin === origin)) {
      reply.header('access-control-allow-origin', origin!);
      reply.header('access-control-expose-headers', 'content-disposition');
      reply.header('vary', 'Origin');
    }
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: d.maxUploadBytes }, (_req, body, done) => done(null, body));

  const script = (which: 'launcher' | 'panel') => async (request: FastifyRequest, reply: FastifyReply) => {
    gateway.siteFor(request, keyOf(request));
    const assets = d.assets();
    if (!assets) throw new AppError('SERVICE_UNAVAILABLE', { detail: 'the chat widget is not built (npm run build)' });
    return reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(assets[which]);
  };

  app.get<{ Params: Static<typeof ScriptParams> }>('/chat/widget/:file', { config: { access: 'public' }, schema: { params: ScriptParams, response: { 200: Type.Any(), ...Errors } } }, script('launcher'));
  app.get<{ Params: Static<typeof KeyParams> }>('/chat/widget/:key/panel.js', { config: { access: 'public' }, schema: { params: KeyParams, response: { 200: Type.Any(), ...Errors } } }, script('panel'));

  app.get<{ Params: Static<typeof KeyParams> }>(
    '/chat/ws/:key',
    {
      websocket: true,
      config: { access: 'public' },
      schema: { params: KeyParams },
      preValidation: async (request) => {
        gateway.siteFor(request, request.params.key);
      },
    },
    (socket, request) => {
      const { site, origin, registrableDomain } = gateway.siteFor(request, request.params.key);
      gateway.attach(socket, request, site, origin, registrableDomain);
    },
  );

  const preflight = async (request: FastifyRequest, reply: FastifyReply) => {
    gateway.siteFor(request, keyOf(request));
    return reply
      .header('access-control-allow-methods', 'GET, POST')
      .header('access-control-allow-headers', 'content-type')
      .header('access-control-max-age', '600')
      .code(204)
      .send();
  };
  app.options<{ Params: Static<typeof KeyParams> }>('/chat/w/:key/files', { config: { access: 'public' }, schema: { params: KeyParams } }, preflight);

  app.post<{ Params: Static<typeof KeyParams>; Querystring: Static<typeof UploadQuery> }>(
    '/chat/w/:key/files',
    {
      bodyLimit: d.maxUploadBytes,
      config: { access: 'public', noBody: true, ownOriginCheck: true },
      schema: {
        params: KeyParams,
        querystring: UploadQuery,
        response: { 201: Type.Object({ seq: Type.Integer(), at: Type.String(), file: Type.Object({ id: Type.String(), name: Type.String(), type: Type.String(), bytes: Type.Integer() }) }), ...Errors },
      },
    },
    async (request, reply) => {
      const { site } = gateway.siteFor(request, request.params.key);
      return reply.code(201).send(await gateway.upload(request, site, request.query));
    },
  );

  app.get<{ Params: Static<typeof DownloadParams>; Querystring: Static<typeof TokenQuery> }>(
    '/chat/w/:key/files/:sha',
    { config: { access: 'public' }, schema: { params: DownloadParams, querystring: TokenQuery, response: { 200: Type.Any(), ...Errors } } },
    async (request, reply) => {
      const { site } = gateway.siteFor(request, request.params.key);
      return gateway.download(reply, site, request.query.token, request.params.sha);
    },
  );
}
