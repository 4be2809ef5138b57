import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../core/errors.js';
import { translate } from '../core/i18n.js';
import type { Language } from '../config.js';
import type { Clock } from '../core/clock.js';
import type { AuditLog } from '../core/audit.js';
import { DelegationBody, DelegationView, Errors, ExplainBody, ExplainResponse, IdParams, PreviewBody, PreviewResponse, RuleBody, RuleView } from './schemas.js';
import type { RoutingRepository } from './routing-repository.js';
import type { Router } from './router.js';
import type { MessageRepository } from './message-repository.js';
import type { DelegationService } from './delegations.js';
import { delegationState } from './delegations.js';
import { ruleProblem } from './routing.js';
import type { ContactFacts } from './types.js';
import type { RoutingInput } from './routing.js';

export interface RoutingRouteDeps {
  routing: RoutingRepository;
  router: Router;
  messages: MessageRepository;
  delegations: DelegationService;
  facts: (contactId: number) => ContactFacts | null;
  /** The contact an address belongs to, for samples typed by the admin. */
  matchEmail: (address: string) => number | null;
  mailboxOwner: (mailboxId: number) => number | null | undefined;
  audit: AuditLog;
  clock: Clock;
}

/** Routing rules (ordered, previewed before saving) and delegations (one action each way). */
export async function routingRoutes(app: FastifyInstance, deps: RoutingRouteDeps): Promise<void> {
  const managers = ['admin', 'supervisor'] as const;

  app.get('/api/v1/routing-rules', { config: { access: managers }, schema: { response: { 200: Type.Object({ items: Type.Array(RuleView) }), ...Errors } } }, async () => ({
    items: deps.routing.rules(),
  }));

  app.post<{ Body: Static<typeof RuleBody> }>(
    '/api/v1/routing-rules',
    { config: { access: managers }, schema: { body: RuleBody, response: { 201: RuleView, ...Errors } } },
    async (request, reply) => {
      const b = request.body;
      const problem = ruleProblem(b.conditions, b.action);
      if (problem) throw new AppError('ROUTING_RULE_INVALID', { detail: problem });
      const id = deps.routing.addRule(b, deps.clock.now().toISOString());
      deps.audit.record({ actorId: request.user!.id, action: 'mail.routing_rule.create', targetType: 'routing_rule', targetId: id });
      return reply.code(201).send(deps.routing.rules().find((r) => r.id === id));
    },
  );

  app.put<{ Params: { id: number }; Body: Static<typeof RuleBody> }>(
    '/api/v1/routing-rules/:id',
    { config: { access: managers }, schema: { params: IdParams, body: RuleBody, response: { 200: RuleView, ...Errors } } },
    async (request) => {
      const b = request.body;
      const problem = ruleProblem(b.conditions, b.action);
      if (problem) throw new AppError('ROUTING_RULE_INVALID', { detail: problem });
      if (!deps.routing.updateRule(request.params.id, b)) throw new AppError('ROUTING_RULE_NOT_FOUND', { id: request.params.id });
      deps.audit.record({ actorId: request.user!.id, action: 'mail.routing_rule.update', targetType: 'routing_rule', targetId: request.params.id, details: { name: b.name } });
      return deps.routing.rules().find((r) => r.id === request.params.id);
    },
  );

  // "Where would this message go, and why": a stored message or a typed sample through every rule.
  app.post<{ Body: Static<typeof ExplainBody> }>(
    '/api/v1/routing-rules/explain',
    { config: { access: managers }, schema: { body: ExplainBody, response: { 200: ExplainResponse, ...Errors } } },
    async (request) => {
      const b = request.body;
      let input: RoutingInput;
      let mailboxId: number | null;
      let messageId: number | null = null;
      if ('messageId' in b) {
        const m = deps.messages.get(b.messageId);
        if (!m || m.direction !== 'in') throw new AppError('MESSAGE_NOT_FOUND', { id: b.messageId });
        messageId = m.id;
        mailboxId = m.mailboxId;
        const senders = deps.messages.senderContactIds(m.id).map((id) => deps.facts(id)).filter((c): c is ContactFacts => c !== null);
        input = { recipients: [...m.to, ...m.cc].map((a) => a.address).filter((a): a is string => a !== null), subject: m.subject, text: m.bodyText, senders };
      } else {
        mailboxId = b.mailboxId ?? null;
        if (mailboxId !== null && deps.mailboxOwner(mailboxId) === undefined) throw new AppError('MAILBOX_NOT_FOUND', { id: mailboxId });
        const contactId = deps.matchEmail(b.sample.from);
        const sender = contactId === null ? null : deps.facts(contactId);
        input = { recipients: [...b.sample.to, ...(b.sample.cc ?? [])], subject: b.sample.subject, text: b.sample.text, senders: sender ? [sender] : [] };
      }
      const ownerId = mailboxId === null ? null : (deps.mailboxOwner(mailboxId) ?? null);
      const result = deps.router.explain(input, { id: mailboxId, ownerId });
      return { messageId, mailboxId, senderContactId: input.senders[0]?.id ?? null, ...result };
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/api/v1/routing-rules/:id',
    { config: { access: managers }, schema: { params: IdParams, response: { 204: Type.Null(), ...Errors } } },
    async (request, reply) => {
      if (!deps.routing.deleteRule(request.params.id)) throw new AppError('ROUTING_RULE_NOT_FOUND', { id: request.params.id });
      deps.audit.record({ actorId: request.user!.id, action: 'mail.routing_rule.delete', targetType: 'routing_rule', targetId: request.params.id });
      return reply.code(204).send();
    },
  );

  app.post<{ Body: Static<typeof PreviewBody> }>(
    '/api/v1/routing-rules/preview',
    { config: { access: managers }, schema: { body: PreviewBody, response: { 200: PreviewResponse, ...Errors } } },
    async (request) => {
      const b = request.body;
      const problem = ruleProblem(b.conditions, b.action);
      if (problem) throw new AppError('ROUTING_RULE_INVALID', { detail: problem });
      const recent = deps.messages.recentInbound(b.last);
      const sample: { id: number; assigneeId: number | null }[] = [];
      for (const m of recent) {
        const senders = deps.messages.senderContactIds(m.id).map((id) => deps.facts(id)).filter((c): c is ContactFacts => c !== null);
        const who = deps.router.preview(b, { recipients: [...m.to, ...m.cc].map((a) => a.address), subject: m.subject, text: m.bodyText, senders });
        if (who !== false && who !== null) sample.push({ id: m.id, assigneeId: who });
      }
      const language = (request as unknown as { language: Language }).language;
      return {
        matched: sample.length,
        total: recent.length,
        summary: translate(language, 'mail.preview.summary', { matched: sample.length, total: recent.length }),
        sample: sample.slice(0, 50),
      };
    },
  );

  const view = (d: ReturnType<DelegationService['get']>) => ({ ...d, state: delegationState(d, deps.clock.now().toISOString()) });
  const mayManage = (user: { id: number; role: string }, fromUserId: number) => user.role === 'admin' || user.role === 'supervisor' || user.id === fromUserId;

  app.get('/api/v1/delegations', { config: { access: 'user' }, schema: { response: { 200: Type.Object({ items: Type.Array(DelegationView) }), ...Errors } } }, async (request) => {
    const user = request.user!;
    const all = deps.delegations.list();
    return { items: all.filter((d) => mayManage(user, d.fromUserId) || d.toUserId === user.id) };
  });

  app.post<{ Body: Static<typeof DelegationBody> }>(
    '/api/v1/delegations',
    { config: { access: 'user' }, schema: { body: DelegationBody, response: { 201: DelegationView, ...Errors } } },
    async (request, reply) => {
      if (!mayManage(request.user!, request.body.fromUserId)) throw new AppError('FORBIDDEN');
      return reply.code(201).send(view(deps.delegations.create(request.body, request.user!.id)));
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/api/v1/delegations/:id',
    { config: { access: 'user' }, schema: { params: IdParams, response: { 200: Type.Object({ id: Type.Integer(), returned: Type.Integer() }), ...Errors } } },
    async (request) => {
      const d = deps.delegations.get(request.params.id);
      if (!mayManage(request.user!, d.fromUserId)) throw new AppError('FORBIDDEN');
      return { id: d.id, ...deps.delegations.revoke(d.id, request.user!.id) };
    },
  );
}
