import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Role } from './auth/sessions.js';

/**
 * Every route declares who may call it in `config.access`:
 *  - `'public'`: anyone (login, health, static files, the CA certificate);
 *  - `'user'`: any logged-in user;
 *  - a list of roles: only those roles.
 * The auth plugin enforces it on the server. Routes under /api/ must also declare a response
 * schema (the whitelist of what leaves the server) and, when they take input, its schema;
 * a route that forgets either makes the app refuse to start.
 */
export type Access = 'public' | 'user' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Skip the CSRF check for a state-changing route that has its own proof (e.g. login). */
    csrf?: false;
    /** A POST that takes no body (an action such as logout); anything sent is ignored. */
    noBody?: true;
    /**
     * A public route called from other sites' pages (the chat widget): it checks `Origin` against
     * its own allow-list itself, so the general same-origin rule for state changes is not applied.
     */
    ownOriginCheck?: true;
  }
}

export function enforceRouteContracts(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const where = `${String(route.method)} ${route.url}`;
    const config = route.config as { access?: Access; noBody?: true } | undefined;
    if (route.url.startsWith('/api/') || route.url === '/healthz') {
      if (!config?.access) throw new Error(`route ${where} declares no config.access`);
      const schema = route.schema ?? {};
      if (!route.websocket && !schema.response) throw new Error(`route ${where} declares no response schema`);
      const methods = ([] as string[]).concat(route.method as string | string[]);
      const takesBody = methods.some((m) => ['POST', 'PUT', 'PATCH'].includes(m));
      if (takesBody && !schema.body && !config.noBody) {
        throw new Error(`route ${where} takes a body but declares no body schema`);
      }
      if (/:\w/.test(route.url) && !schema.params) throw new Error(`route ${where} has path parameters but no params schema`);
    }
  });
}

/** The shape of every error response: `{ error: { code, message } }`. */
export const ErrorResponse = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
    },
  },
} as const;
