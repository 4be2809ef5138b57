import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/errors.js';
import { currentUser } from '../core/auth/plugin.js';
import { ErrorResponse } from '../core/route-policy.js';
import type { TelephonyPort } from '../telephony/port.js';
import { operatorExtension } from './asterisk-endpoints.js';
import type { PhoneBook } from './phones.js';

const ADMIN = ['admin'] as const;
const errors = { '4xx': ErrorResponse };

/** `registered`: Asterisk has a contact (idle or on a call); `unregistered`: none; `unknown`: Asterisk not asked or not reachable. */
const Registration = Type.Union([Type.Literal('registered'), Type.Literal('in-call'), Type.Literal('unregistered'), Type.Literal('unknown')]);

const PhoneRow = Type.Object({
  userId: Type.Integer(),
  /** Null: no phone (never issued, or revoked). */
  sipUser: Type.Union([Type.String(), Type.Null()]),
  extension: Type.String(),
  issuedAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  registration: Registration,
});

const PhoneList = Type.Object({
  items: Type.Array(PhoneRow),
  /** Whether Asterisk's operator endpoints follow issues and revocations at once (softphone.asteriskOperatorsFile). */
  liveApply: Type.Boolean(),
  /** Why registration states are unknown, or null. */
  registrationNote: Type.Union([Type.String(), Type.Null()]),
});

const Credentials = Type.Object({
  userId: Type.Integer(),
  sipUser: Type.String(),
  extension: Type.String(),
  /** Shown once, for setting up a desk phone or a SIP app; the browser softphone fetches its own. */
  password: Type.String(),
  domain: Type.String(),
});

const UserParams = Type.Object({ userId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
type UserParams = Static<typeof UserParams>;

const stateOf = (deviceState: string | undefined): Static<typeof Registration> => {
  if (deviceState === undefined) return 'unregistered';
  if (/^(unavailable|invalid)$/i.test(deviceState)) return 'unregistered';
  if (/in ?use|busy|ringing|on ?hold/i.test(deviceState)) return 'in-call';
  return /not ?in ?use/i.test(deviceState) ? 'registered' : 'unknown';
};

/**
 * The admin's view of operators' phones: each account's SIP user and extension, whether
 * Asterisk has it registered, and issue / reset / revoke. Revocation lasts until an admin issues
 * a phone again; a reset keeps the SIP user and changes its password (the browser softphone
 * fetches the new one by itself, a desk phone needs it typed in).
 */
export async function phoneAdminRoutes(
  app: FastifyInstance,
  opts: {
    phones: PhoneBook;
    domain: string;
    liveApply: () => boolean;
    port: () => TelephonyPort | null;
    /** The account's role and whether it is active; undefined when there is no such user. */
    account: (userId: number) => { role: string; active: boolean } | undefined;
    /** Roles that have a phone (`softphone.roles`). */
    roles: readonly string[];
    cut: (userId: number) => Promise<void>;
  },
): Promise<void> {
  const { phones } = opts;

  app.get('/api/v1/phones', { config: { access: ADMIN }, schema: { response: { 200: PhoneList, ...errors } } }, async (_request, reply) => {
    const port = opts.port();
    let states: Map<string, string> | null = null;
    let registrationNote: string | null = port?.endpointStates ? null : 'telephony is not connected';
    if (port?.endpointStates) {
      try {
        states = new Map((await port.endpointStates()).map((e) => [e.endpoint, e.state]));
      } catch (err) {
        registrationNote = (err as Error).message;
      }
    }
    const issued = new Map(phones.list().map((p) => [p.userId, p]));
    const revoked = new Map(phones.revoked().map((r) => [r.userId, r.revokedAt]));
    const ids = [...new Set([...issued.keys(), ...revoked.keys()])].sort((a, b) => a - b);
    reply.header('cache-control', 'no-store');
    return {
      items: ids.map((userId) => {
        const phone = issued.get(userId) ?? null;
        return {
          userId,
          sipUser: phone?.sipUser ?? null,
          extension: operatorExtension(userId),
          issuedAt: phone?.createdAt ?? null,
          revokedAt: revoked.get(userId) ?? null,
          registration: phone && states ? stateOf(states.get(phone.sipUser)) : phone ? 'unknown' : 'unregistered',
        };
      }),
      liveApply: opts.liveApply(),
      registrationNote,
    };
  });

  const credentials = (userId: number) => {
    const phone = phones.find(userId)!;
    return { userId, sipUser: phone.sipUser, extension: operatorExtension(userId), password: phone.sipPassword, domain: opts.domain };
  };
  const known = (userId: number) => {
    const user = opts.account(userId);
    if (!user) throw new AppError('PHONE_USER_NOT_FOUND', { userId });
    return user;
  };

  app.post(
    '/api/v1/phones/:userId',
    { config: { access: ADMIN }, schema: { params: UserParams, body: Type.Optional(Type.Object({}, { additionalProperties: false })), response: { 200: Credentials, ...errors } } },
    async (request, reply) => {
      const { userId } = request.params as UserParams;
      const user = known(userId);
      if (!user.active || !opts.roles.includes(user.role)) throw new AppError('PHONE_NOT_ELIGIBLE', { userId, role: user.role });
      phones.grant(userId);
      app.deps.audit.record({ actorId: currentUser(request).id, action: 'phone.issue', targetType: 'user', targetId: userId });
      reply.header('cache-control', 'no-store');
      return credentials(userId);
    },
  );

  app.post(
    '/api/v1/phones/:userId/reset',
    { config: { access: ADMIN }, schema: { params: UserParams, body: Type.Optional(Type.Object({}, { additionalProperties: false })), response: { 200: Credentials, ...errors } } },
    async (request, reply) => {
      const { userId } = request.params as UserParams;
      known(userId);
      if (!phones.reset(userId)) throw new AppError('PHONE_NONE', { userId });
      // The old password is dead: a link registered with it is cut (the browser reconnects with the new one).
      await opts.cut(userId);
      app.deps.audit.record({ actorId: currentUser(request).id, action: 'phone.reset', targetType: 'user', targetId: userId });
      reply.header('cache-control', 'no-store');
      return credentials(userId);
    },
  );

  app.delete(
    '/api/v1/phones/:userId',
    { config: { access: ADMIN }, schema: { params: UserParams, response: { 200: Type.Object({ userId: Type.Integer(), revokedAt: Type.String() }), ...errors } } },
    async (request) => {
      const { userId } = request.params as UserParams;
      known(userId);
      phones.revoke(userId);
      await opts.cut(userId);
      app.deps.audit.record({ actorId: currentUser(request).id, action: 'phone.revoke', targetType: 'user', targetId: userId });
      return { userId, revokedAt: phones.revoked().find((r) => r.userId === userId)!.revokedAt };
    },
  );
}
