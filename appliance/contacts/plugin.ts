import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { ContactsService } from './service.js';
import { TimelineRegistry } from './timeline.js';
import { contactRoutes } from './routes.js';
import { csvRoutes } from './csv-routes.js';
import { noteItem } from './view.js';
import { registerContactMessages } from './locales/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Contacts for other capabilities: match a caller or sender, create leads, read raw values (mask before sending!). */
    contacts: ContactsService;
    /** Timeline sources register here (`app.timeline.register({type, list})`). */
    timeline: TimelineRegistry;
  }
}

/** Wires the contacts capability: the service and timeline decorated app-wide, routes in their own context. */
export const contactsPlugin = fp(
  async function contacts(app: FastifyInstance) {
    const { db, clock, audit, bus, masking } = app.deps;
    registerContactMessages();
    const service = new ContactsService(db, clock, audit, bus);
    const timeline = new TimelineRegistry();
    app.decorate('contacts', service);
    app.decorate('timeline', timeline);

    timeline.register({
      type: 'note',
      list: (contactId, viewer, page) =>
        service.notesBefore([contactId], page.before, page.limit).map((n) => noteItem(n, masking.forViewer(viewer))),
    });

    // Not wrapped in fp: the text/csv parser and routes stay in this encapsulated context.
    await app.register(async (scope) => {
      await contactRoutes(scope, { service, timeline });
      await csvRoutes(scope, { service });
    });
  },
  { name: 'contacts', dependencies: ['deps', 'auth'] },
);
