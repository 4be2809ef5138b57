import type { FastifyInstance } from 'fastify';

import { AppError } from '../core/errors.js';
import { currentUser } from '../core/auth/plugin.js';
import { ErrorResponse } from '../core/route-policy.js';
import type { LicensingService } from './service.js';
import { encodeRequestCode } from './request-code.js';
import { LicenseStatusSchema, LicenseUploadBody, LicenseViewSchema, UsageQuery, UsageResponse } from './schemas.js';

const DAY_MS = 86_400_000;
const MAX_USAGE_DAYS = 366;

export async function licensingRoutes(app: FastifyInstance, service: LicensingService): Promise<void> {
  app.get(
    '/api/v1/license',
    { config: { access: 'user' }, schema: { response: { 200: LicenseViewSchema } } },
    async (request) => {
      const user = currentUser(request);
      if (user.role !== 'admin') return { modules: service.status().modules };
      const fingerprint = await service.ensureFingerprint();
      const status = service.status();
      return { modules: status.modules, license: status, requestCode: encodeRequestCode(fingerprint) };
    },
  );

  app.post(
    '/api/v1/license',
    {
      config: { access: ['admin'] },
      schema: { body: LicenseUploadBody, response: { 200: LicenseStatusSchema, 422: ErrorResponse } },
    },
    async (request) => {
      const user = currentUser(request);
      try {
        await service.activate(request.body as string);
      } catch (err) {
        if (err instanceof AppError) app.deps.audit.record({ actorId: user.id, action: 'license.rejected', targetType: 'license', details: { code: err.code } });
        throw err;
      }
      const status = service.status();
      app.deps.audit.record({ actorId: user.id, action: 'license.activated', targetType: 'license', targetId: status.id ?? '', details: { sessions: status.sessions, modules: status.modules } });
      return status;
    },
  );

  app.get(
    '/api/v1/license/usage',
    { config: { access: ['admin'] }, schema: { querystring: UsageQuery, response: { 200: UsageResponse } } },
    async (request) => {
      const query = request.query as UsageQuery;
      const to = query.to ? new Date(query.to) : app.deps.clock.now();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 7 * DAY_MS);
      if (from.getTime() >= to.getTime()) throw new AppError('VALIDATION_FAILED', { detail: 'querystring.from must be before querystring.to' });
      if (to.getTime() - from.getTime() > MAX_USAGE_DAYS * DAY_MS) {
        throw new AppError('VALIDATION_FAILED', { detail: `the period may be at most ${MAX_USAGE_DAYS} days` });
      }
      return { from: from.toISOString(), to: to.toISOString(), items: service.usage(from, to) };
    },
  );
}

