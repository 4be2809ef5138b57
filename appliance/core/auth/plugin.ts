import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { ErrorResponse, type Access } from '../route-policy.js';
import { hashPassword, verifyPassword, UNUSABLE_HASH } from './passwords.js';
import { LoginLimiter } from './login-limiter.js';
import { SessionStore, type Session, type SessionUser, type Role } from './sessions.js';
import type { Language } from '../../config.js';
import { isLanguage, negotiateLanguage } from '../i18n.js';

export const SESSION_COOKIE = 'cb_session';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyInstance {
    sessions: SessionStore;
  }
  interface FastifyRequest {
    session: Session | null;
    /** The logged-in user; set on every route whose access is not `public`. */
    user: SessionUser | null;
    /** The language for messages to this request's user. */
    language: Language;
  }
}

/** The caller's user, for handlers of non-public routes (the hook has already refused anonymous calls). */
export function currentUser(request: FastifyRequest): SessionUser {
  if (!request.user) throw new AppError('AUTH_REQUIRED');
  return request.user;
}

const MeResponse = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  language: Type.String(),
  csrfToken: Type.String(),
});

/**
 * Sessions, login/logout/me, CSRF and role enforcement. Every request is resolved to a session
 * (or none) in one `onRequest` hook, then the route's declared `access` is enforced before any
 * handler runs.
 */
export const authPlugin = fp(
  async function auth(app: FastifyInstance) {
    const { db, clock, config, audit } = app.deps;
    const sessions = new SessionStore(db, clock, config.session);
    const limiter = new LoginLimiter(clock);
    const secureCookie = config.server.tls !== null;
    app.decorate('sessions', sessions);
    await app.register(cookie);

    app.decorateRequest('session', null);
    app.decorateRequest('user', null);
    app.decorateRequest('language', 'en');

    const findUser = db.prepare('SELECT id, password_hash, active FROM users WHERE username = ?');

    app.deps.adminChannel.register('users.unlock', (args) => {
      const username = String(args.username ?? '');
      const row = findUser.get(username) as { id: number } | undefined;
      if (!row) throw new AppError('USER_UNKNOWN', { username: username.slice(0, 100) });
      const forgotten = limiter.unlock(username);
      audit.record({ actorId: null, action: 'auth.unlock', targetType: 'user', targetId: row.id, details: { by: 'root', failures: forgotten } });
      return { username, userId: row.id, failuresForgotten: forgotten };
    });

    app.addHook('onRequest', async (request) => {
      const sid = request.cookies[SESSION_COOKIE];
      request.session = sid ? sessions.resolve(sid) : null;
      request.user = request.session?.user ?? null;
      const userLanguage = request.user?.language;
      request.language = isLanguage(userLanguage)
        ? userLanguage
        : negotiateLanguage(request.headers['accept-language'], config.language);

      const access: Access | undefined = request.routeOptions.config?.access;
      if (access === undefined || access === 'public') {
        if (STATE_CHANGING.has(request.method) && !request.routeOptions.config?.ownOriginCheck) refuseCrossSite(request);
        return;
      }
      if (!request.user) throw new AppError(sid ? 'SESSION_EXPIRED' : 'AUTH_REQUIRED');
      if (access !== 'user' && !access.includes(request.user.role)) throw new AppError('FORBIDDEN');
      if (STATE_CHANGING.has(request.method) || request.headers.upgrade === 'websocket') {
        refuseCrossSite(request);
        if (STATE_CHANGING.has(request.method) && request.routeOptions.config?.csrf !== false) {
          const token = request.headers['x-csrf-token'];
          if (typeof token !== 'string' || !sameSecret(token, request.session!.csrfToken)) throw new AppError('CSRF_TOKEN_INVALID');
        }
      }
    });

    const cookieOptions = (maxAgeSeconds?: number) => ({
      path: '/',
      httpOnly: true,
      sameSite: 'strict' as const,
      secure: secureCookie,
      ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}),
    });

    app.post(
      '/api/v1/auth/login',
      {
        config: { access: 'public' },
        bodyLimit: 16 * 1024,
        schema: {
          body: Type.Object(
            {
              username: Type.String({ minLength: 1, maxLength: 200 }),
              password: Type.String({ minLength: 1, maxLength: 1000 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: MeResponse, '4xx': ErrorResponse },
        },
      },
      async (request, reply) => {
        const { username, password } = request.body as { username: string; password: string };
        const address = request.ip;
        const wait = limiter.retryAfter(username, address);
        if (wait > 0) {
          reply.header('retry-after', String(wait));
          throw new AppError('TOO_MANY_ATTEMPTS', { seconds: wait });
        }
        const row = findUser.get(username) as { id: number; password_hash: string; active: number } | undefined;
        const ok = await verifyPassword(password, row?.password_hash ?? UNUSABLE_HASH);
        if (!row || !ok) {
          limiter.fail(username, address);
          audit.record({ actorId: null, action: 'auth.login_failed', targetType: 'user', targetId: row?.id ?? username.slice(0, 100), details: { ip: address } });
          throw new AppError('INVALID_CREDENTIALS');
        }
        if (!row.active) throw new AppError('ACCOUNT_DISABLED');
        limiter.succeed(username, address);
        // A fresh id at every login: a session id planted before login is worthless.
        const old = request.cookies[SESSION_COOKIE];
        if (old) sessions.destroy(old);
        const created = sessions.create(row.id, { ip: address, userAgent: request.headers['user-agent'] });
        reply.setCookie(SESSION_COOKIE, created.id, cookieOptions(config.session.absoluteHours * 3600));
        audit.record({ actorId: row.id, action: 'auth.login', targetType: 'user', targetId: row.id, details: { ip: address } });
        const session = sessions.resolve(created.id)!;
        return meOf(session, request.language);
      },
    );

    app.post(
      '/api/v1/auth/logout',
      {
        config: { access: 'user', noBody: true },
        schema: { response: { 204: Type.Null(), '4xx': ErrorResponse } },
      },
      async (request, reply) => {
        const sid = request.cookies[SESSION_COOKIE];
        if (sid) sessions.destroy(sid);
        reply.clearCookie(SESSION_COOKIE, cookieOptions());
        audit.record({ actorId: request.user!.id, action: 'auth.logout', targetType: 'user', targetId: request.user!.id });
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/v1/me',
      { config: { access: 'user' }, schema: { response: { 200: MeResponse, '4xx': ErrorResponse } } },
      async (request) => meOf(request.session!, request.language),
    );
  },
  { name: 'auth', dependencies: ['deps'] },
);

function meOf(session: Session, fallback: Language) {
  const u = session.user;
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    language: isLanguage(u.language) ? u.language : fallback,
    csrfToken: session.csrfToken,
  };
}

/** Compares two secrets in time that does not depend on where they differ. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/**
 * Browsers say where a request comes from; anything not same-origin may not change state. The
 * origin is scheme and host: `http://server` is another origin than `https://server` (a page
 * served over plain HTTP there could be anyone's).
 */
function refuseCrossSite(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') throw new AppError('CROSS_SITE_REQUEST');
  const origin = request.headers.origin;
  if (origin && origin !== 'null') {
    let given: string;
    let expected: string;
    try {
      given = new URL(origin).origin;
      expected = new URL(`${request.protocol}://${request.headers.host ?? ''}`).origin;
    } catch {
      throw new AppError('CROSS_SITE_REQUEST');
    }
    if (given !== expected) throw new AppError('CROSS_SITE_REQUEST');
  } else if (origin === 'null') {
    throw new AppError('CROSS_SITE_REQUEST');
  }
}

/** Creates a user row; used by the installer's first admin and by the users capability. */
export async function insertUser(
  deps: { db: FastifyInstance['deps']['db']; clock: FastifyInstance['deps']['clock'] },
  user: { username: string; password: string; displayName: string; role: Role; language?: string | null },
): Promise<number> {
  const hash = await hashPassword(user.password);
  const now = deps.clock.now().toISOString();
  const result = deps.db
    .prepare('INSERT INTO users (username, password_hash, display_name, role, language, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)')
    .run(user.username, hash, user.displayName, user.role, user.language ?? null, now, now);
  return Number(result.lastInsertRowid);
}
