import type { FastifyInstance } from 'fastify';
import { currentUser } from '../core/auth/plugin.js';
import { AppError } from '../core/errors.js';
import { ErrorResponse } from '../core/route-policy.js';
import type { UsersRepository } from './repository.js';
import { AuditPage, AuditQuery, MaskingPolicyBody } from './schemas.js';
import './errors.js';

const ADMIN = ['admin'] as const;
const errors = { '4xx': ErrorResponse };

/** Admin settings that belong to people and access: the masking policy and the audit log. */
export async function adminRoutes(app: FastifyInstance, opts: { repo: UsersRepository }) {
  const { masking, audit } = app.deps;

  app.get(
    '/api/v1/settings/masking',
    { config: { access: ADMIN }, schema: { response: { 200: MaskingPolicyBody, ...errors } } },
    async () => {
      const p = masking.policy();
      return { maskedRoles: [...p.maskedRoles], phoneVisibleTail: p.phoneVisibleTail };
    },
  );

  app.put(
    '/api/v1/settings/masking',
    { config: { access: ADMIN }, bodyLimit: 4096, schema: { body: MaskingPolicyBody, response: { 200: MaskingPolicyBody, ...errors } } },
    async (request) => {
      const body = request.body as MaskingPolicyBody;
      if (body.maskedRoles.includes('admin')) throw new AppError('MASKING_ROLE_INVALID');
      const before = masking.policy();
      // Read per call by every masker, so the very next response and live event follow it.
      app.deps.db.transaction(() => {
        masking.setPolicy({ maskedRoles: body.maskedRoles, phoneVisibleTail: body.phoneVisibleTail });
        audit.record({
          actorId: currentUser(request).id,
          action: 'settings.masking',
          targetType: 'settings',
          targetId: 'masking.policy',
          details: { before: { maskedRoles: [...before.maskedRoles], phoneVisibleTail: before.phoneVisibleTail }, after: body },
        });
      })();
      return body;
    },
  );

  app.get(
    '/api/v1/audit',
    { config: { access: ADMIN }, schema: { querystring: AuditQuery, response: { 200: AuditPage, ...errors } } },
    async (request) => {
      const q = request.query as AuditQuery;
      const items = opts.repo.audit(q.limit, q.before ?? null, { action: q.action, actorId: q.actorId, from: isoOf(q.from), to: isoOf(q.to) });
      return { items, nextBefore: items.length === q.limit ? items[items.length - 1]!.id : null };
    },
  );
}

/** Stored times are ISO strings in UTC: a filter's time is normalised to compare as text. */
function isoOf(value: string | undefined): string | undefined {
  return value === undefined ? undefined : new Date(value).toISOString();
}
