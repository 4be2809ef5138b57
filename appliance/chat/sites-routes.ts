import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../core/errors.js';
import { Errors, IdParams, SiteBody, SitePatch, SitesList, SiteView } from './schemas.js';
import type { Site, SitesService } from './sites-service.js';

/** The widget's URL as browsers on customers' sites reach this appliance (the host they used for the API). */
export function applianceBase(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}`;
}

export function siteView(site: Site, base: string, secret?: string): Static<typeof SiteView> {
  const widgetUrl = `${base}/chat/widget/${site.publicKey}.js`;
  return {
    id: site.id,
    name: site.name,
    publicKey: site.publicKey,
    origins: site.origins,
    registrableDomain: site.origins[0]?.registrableDomain ?? '',
    registrableDomains: [...new Set(site.origins.map((o) => o.registrableDomain))],
    teamId: site.teamId,
    adminIds: site.adminIds,
    settings: site.settings,
    // crossorigin: the browser then sends Origin, which the appliance checks against the site's origins.
    snippet: `<script src="${widgetUrl}" crossorigin="anonymous" async></script>`,
    widgetUrl,
    createdAt: site.createdAt,
    updatedAt: site.updatedAt,
    ...(secret ? { secret } : {}),
  };
}

/** `/api/v1/sites`: admins manage every site; a site's own admins see and tune theirs. */
export async function sitesRoutes(app: FastifyInstance, deps: { sites: SitesService; limit: () => number | null }): Promise<void> {
  const { sites } = deps;

  app.get('/api/v1/sites', { config: { access: 'user' }, schema: { response: { 200: SitesList, ...Errors } } }, async (request) => {
    const user = request.user!;
    const base = applianceBase(request);
    const items = sites.list().filter((s) => sites.canManage(user, s) || (user.role === 'supervisor'));
    return { items: items.map((s) => siteView(s, base)), usage: { domains: sites.usage().domains, limit: deps.limit() } };
  });

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/sites/:id',
    { config: { access: 'user' }, schema: { params: IdParams, response: { 200: SiteView, ...Errors } } },
    async (request) => {
      const site = sites.get(request.params.id);
      if (!sites.canManage(request.user!, site) && request.user!.role !== 'supervisor') throw new AppError('SITE_NOT_FOUND', { id: site.id });
      return siteView(site, applianceBase(request));
    },
  );

  app.post<{ Body: Static<typeof SiteBody> }>(
    '/api/v1/sites',
    { config: { access: ['admin'] }, schema: { body: SiteBody, response: { 201: SiteView, ...Errors } } },
    async (request, reply) => {
      const { site, secret } = sites.create(request.user!, request.body);
      return reply.code(201).send(siteView(site, applianceBase(request), secret));
    },
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof SitePatch> }>(
    '/api/v1/sites/:id',
    { config: { access: 'user' }, schema: { params: IdParams, body: SitePatch, response: { 200: SiteView, ...Errors } } },
    async (request) => siteView(sites.update(request.user!, request.params.id, request.body), applianceBase(request)),
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/api/v1/sites/:id/secret',
    { config: { access: 'user', noBody: true }, schema: { params: IdParams, response: { 200: SiteView, ...Errors } } },
    async (request) => {
      const { site, secret } = sites.rotateSecret(request.user!, request.params.id);
      return siteView(site, applianceBase(request), secret);
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/api/v1/sites/:id',
    { config: { access: ['admin'] }, schema: { params: IdParams, response: { 204: Type.Null(), ...Errors } } },
    async (request, reply) => {
      sites.delete(request.user!, request.params.id);
      return reply.code(204).send();
    },
  );
}
