import type { FastifyInstance } from 'fastify';
import { ErrorResponse } from '../core/route-policy.js';
import { currentUser } from '../core/auth/plugin.js';
import { AppError } from '../core/errors.js';
import type { RetentionService } from './service.js';
import type { StorageForecast } from './forecast.js';
import type { HoldScope } from './types.js';
import { parseAsOf } from './policies.js';
import * as S from './schemas.js';

export interface RouteDeps {
  service: RetentionService;
  forecast(): Promise<StorageForecast>;
  /** Whether a hold's target exists, for scopes whose table is known; undefined = cannot tell. */
  targetExists(scope: HoldScope, targetId: string): boolean | undefined;
}

const ADMIN = ['admin'] as const;
const errors = { '4xx': ErrorResponse };

function asOfOf(text: string | undefined, now: Date): Date {
  if (text === undefined) return now;
  try {
    return parseAsOf(text);
  } catch {
    throw new AppError('RETENTION_BAD_DATE', { value: text });
  }
}

export async function retentionRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { service } = deps;
  const { clock } = app.deps;

  app.get('/api/v1/retention/policies', { config: { access: ADMIN }, schema: { response: { 200: S.PoliciesResponse, ...errors } } }, async () => ({
    policies: service.policies(),
  }));

  app.put(
    '/api/v1/retention/policies/:class',
    { config: { access: ADMIN }, schema: { params: S.PolicyParams, querystring: S.PolicyQuery, body: S.PolicyBody, response: { 200: S.PutPolicyResponse, ...errors } } },
    async (request) => {
      const { class: name } = request.params as { class: string };
      const { days } = request.body as { days: number | null };
      const { dryRun } = request.query as { dryRun?: boolean };
      const preview = await service.previewAsync(name, days);
      if (!dryRun) service.setPolicy(name, days, { source: 'admin', actorId: currentUser(request).id });
      return { saved: !dryRun, asOf: preview.asOf, preview: line(preview) };
    },
  );

  app.post(
    '/api/v1/retention/preview',
    { config: { access: ADMIN }, schema: { body: S.PreviewBody, response: { 200: S.PreviewResponse, ...errors } } },
    async (request) => {
      const body = request.body as { asOf?: string; class?: string; days?: number | null };
      const asOf = asOfOf(body.asOf, clock.now());
      if (body.class !== undefined || body.days !== undefined) {
        if (body.class === undefined || body.days === undefined) throw new AppError('RETENTION_PREVIEW_NEEDS_DAYS');
        const preview = await service.previewAsync(body.class, body.days, asOf);
        return { asOf: preview.asOf, classes: [line(preview)] };
      }
      const report = await service.run({ dryRun: true, asOf });
      return { asOf: report.asOf, classes: report.classes.map((c) => ({ ...c, currentPolicyDays: c.policyDays })) };
    },
  );

  app.get('/api/v1/retention/forecast', { config: { access: ADMIN }, schema: { response: { 200: S.ForecastResponse, ...errors } } }, async () => deps.forecast());

  app.get(
    '/api/v1/retention/journal',
    { config: { access: ADMIN }, schema: { querystring: S.JournalQuery, response: { 200: S.JournalResponse, ...errors } } },
    async (request) => ({ entries: service.repo.journal((request.query as { limit?: number }).limit ?? 100) }),
  );

  app.get(
    '/api/v1/legal-holds',
    { config: { access: ADMIN }, schema: { querystring: S.HoldsQuery, response: { 200: S.HoldsResponse, ...errors } } },
    async (request) => {
      const { all, limit } = request.query as { all?: boolean; limit?: number };
      return { holds: service.repo.holds(all ?? false, limit ?? 500) };
    },
  );

  app.post(
    '/api/v1/legal-holds',
    { config: { access: ADMIN }, schema: { body: S.HoldBody, response: { 201: S.Hold, ...errors } } },
    async (request, reply) => {
      const { scope, targetId, reason } = request.body as { scope: HoldScope; targetId: string; reason: string };
      if (deps.targetExists(scope, targetId) === false) throw new AppError('LEGAL_HOLD_TARGET_NOT_FOUND', { scope, targetId });
      const hold = service.placeHold(scope, targetId, reason.trim() || reason, currentUser(request).id);
      return reply.code(201).send(hold);
    },
  );

  app.delete(
    '/api/v1/legal-holds/:id',
    { config: { access: ADMIN }, schema: { params: S.HoldParams, response: { 200: S.Hold, ...errors } } },
    async (request) => service.releaseHold((request.params as { id: number }).id, currentUser(request).id),
  );
}

function line(p: { class: string; policyDays: number | null; currentPolicyDays: number | null; registered: boolean; items: number; bytes: number }) {
  return { class: p.class, policyDays: p.policyDays, currentPolicyDays: p.currentPolicyDays, registered: p.registered, items: p.items, bytes: p.bytes };
}
