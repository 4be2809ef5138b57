import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { currentUser } from '../core/auth/plugin.js';
import { ErrorResponse } from '../core/route-policy.js';
import type { ContactsService } from './service.js';
import type { TimelineRegistry } from './timeline.js';
import {
  ContactList, ContactView, CreateContactBody, IdParams, MergeBody, NoteBody, NoteItem, PatchContactBody,
  SearchQuery, TimelineQuery, TimelineResponse,
} from './schemas.js';
import { contactView, noteItem, redactKnownValues } from './view.js';
import { foldLookAlikes, maskText, type Masker } from '../core/masking.js';
import type { LookupKind } from '../core/lookup-guard.js';
import type { Contact } from './repository.js';
import { fold, normaliseEmail, toE164 } from './values.js';

/** A masked viewer's search that can confirm a guessed value: by a full number or address, or by a tag that holds one. */
function lookupKindOf(q: string | undefined, tag: string | undefined, masker: Masker): LookupKind | null {
  if (q && q.includes('@')) return 'email';
  if (q && q.replace(/\D/g, '').length >= 7) return 'phone';
  if (tag && maskText(tag, masker) !== tag) return 'tag';
  return null;
}

/**
 * A masked viewer may find a contact by the exact number or address they typed, or by text
 * they can see: a fragment of a name or tag that matched only inside a hidden value (a lead
 * named after its address) is not confirmed.
 */
function foundByWhatTheySee(c: Contact, view: { name: string; tags: string[] }, q: string | undefined): boolean {
  if (!q?.trim()) return true;
  const e164 = toE164(q);
  if (e164 && c.phones.includes(e164)) return true;
  const email = normaliseEmail(q);
  if (email && c.emails.includes(email)) return true;
  const visible = fold([view.name, ...view.tags].join('\n'));
  return fold(q).split(/\s+/).filter(Boolean).every((word) => visible.includes(word));
}

const ANY_USER = 'user' as const;
const CAN_MERGE = ['admin', 'supervisor', 'operator'] as const;
const errors = { '4xx': ErrorResponse };
// Contact bodies are small; a megabyte name is refused at the door with 413.
const BODY_LIMIT = 64 * 1024;

/** The JSON routes of contacts. Every phone and e-mail leaves through the caller's masker. */
export async function contactRoutes(app: FastifyInstance, opts: { service: ContactsService; timeline: TimelineRegistry }) {
  const { service, timeline } = opts;
  const masking = app.deps.masking;

  app.post(
    '/api/v1/contacts',
    { config: { access: ANY_USER }, bodyLimit: BODY_LIMIT, schema: { body: CreateContactBody, response: { 201: ContactView, ...errors } } },
    async (request, reply) => {
      const user = currentUser(request);
      const body = request.body as CreateContactBody;
      const contact = service.create(body, user.id);
      return reply.code(201).send(contactView(contact, masking.forViewer(user)));
    },
  );

  app.get(
    '/api/v1/contacts',
    { config: { access: ANY_USER }, schema: { querystring: SearchQuery, response: { 200: ContactList, ...errors } } },
    async (request) => {
      const user = currentUser(request);
      const masker = masking.forViewer(user);
      const query = request.query as SearchQuery;
      const cursor = query.cursor !== undefined ? { cursor: query.cursor } : {};
      const narrow = {
        ...(query.owner !== undefined ? { owner: query.owner === 'me' ? user.id : query.owner } : {}),
        ...(query.status !== undefined ? { status: query.status } : {}),
      };
      if (!masker.masked) {
        const found = await service.searchAsync({ q: query.q, tag: query.tag, ...narrow, limit: query.limit, offset: query.offset, masked: false, ...cursor });
        return { items: found.items.map((c) => contactView(c, masker)), nextCursor: found.nextCursor };
      }
      // A masked viewer searches in the spelling the server reads (full-width digits folded), and
      // every search by a full number or address spends their lookup budget and is audited.
      const q = query.q === undefined ? undefined : foldLookAlikes(query.q);
      const kind = lookupKindOf(q, query.tag, masker);
      const lookup = kind ? app.deps.lookups.spend(user, kind) : null;
      let items: ReturnType<typeof contactView>[] = [];
      let nextCursor: string | null = null;
      try {
        const found = await service.searchAsync({ q, tag: query.tag, ...narrow, limit: query.limit, offset: query.offset, masked: true, ...cursor });
        nextCursor = found.nextCursor;
        items = found.items.map((c) => contactView(c, masker)).filter((view, i) => foundByWhatTheySee(found.items[i]!, view, q));
      } finally {
        lookup?.done(items.length);
      }
      return { items, nextCursor };
    },
  );

  app.get(
    '/api/v1/contacts/tags',
    {
      config: { access: ANY_USER },
      schema: {
        querystring: Type.Object({ prefix: Type.String({ minLength: 1, maxLength: 50 }), limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ tag: Type.String(), count: Type.Integer() })) }), ...errors },
      },
    },
    async (request) => {
      const masker = masking.forViewer(currentUser(request));
      const q = request.query as { prefix: string; limit: number };
      // A tag holding a number or an address is no suggestion for a masked viewer.
      const items = service.tagSuggestions(q.prefix, q.limit).filter((t) => !masker.masked || maskText(t.tag, masker) === t.tag);
      return { items };
    },
  );

  app.get(
    '/api/v1/contacts/:id',
    { config: { access: ANY_USER }, schema: { params: IdParams, response: { 200: ContactView, ...errors } } },
    async (request) => {
      const user = currentUser(request);
      const { id } = request.params as { id: number };
      return contactView(service.require(id), masking.forViewer(user));
    },
  );

  app.patch(
    '/api/v1/contacts/:id',
    { config: { access: ANY_USER }, bodyLimit: BODY_LIMIT, schema: { params: IdParams, body: PatchContactBody, response: { 200: ContactView, ...errors } } },
    async (request) => {
      const user = currentUser(request);
      const masker = masking.forViewer(user);
      const { id } = request.params as { id: number };
      const contact = service.update(id, request.body as PatchContactBody, { id: user.id, masked: masker.masked });
      return contactView(contact, masker);
    },
  );

  app.post(
    '/api/v1/contacts/:id/merge',
    { config: { access: CAN_MERGE }, bodyLimit: BODY_LIMIT, schema: { params: IdParams, body: MergeBody, response: { 200: ContactView, ...errors } } },
    async (request) => {
      const user = currentUser(request);
      const { id } = request.params as { id: number };
      const { otherId } = request.body as { otherId: number };
      return contactView(service.merge(id, otherId, user.id), masking.forViewer(user));
    },
  );

  app.post(
    '/api/v1/contacts/:id/notes',
    { config: { access: ANY_USER }, bodyLimit: BODY_LIMIT, schema: { params: IdParams, body: NoteBody, response: { 201: NoteItem, ...errors } } },
    async (request, reply) => {
      const user = currentUser(request);
      const { id } = request.params as { id: number };
      const note = service.addNote(id, (request.body as { body: string }).body, user.id);
      return reply.code(201).send(noteItem(note, masking.forViewer(user)));
    },
  );

  app.get(
    '/api/v1/contacts/:id/timeline',
    { config: { access: ANY_USER }, schema: { params: IdParams, querystring: TimelineQuery, response: { 200: TimelineResponse, ...errors } } },
    async (request) => {
      const user = currentUser(request);
      const { id } = request.params as { id: number };
      const { limit, before } = request.query as { limit: number; before?: string };
      const ids = service.idsOf(id);
      // Far enough in the future that "now" with any clock skew is included.
      const until = before ? new Date(before).toISOString() : '9999-12-31T23:59:59.999Z';
      const page = await timeline.page(ids, user, { limit, before: until });
      return { ...page, items: redactKnownValues(page.items, service.require(id), masking.forViewer(user)) };
    },
  );
}
