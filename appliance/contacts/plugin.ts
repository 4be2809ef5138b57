import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { ContactsService } from './service.js';
import { TimelineRegistry } from './timeline.js';
import { contactRoutes } from './routes.js';
import { csvRoutes } from './csv-routes.js';
import { contactView, noteItem } from './view.js';
import { registerContactMessages } from './locales/index.js';
import { startReader } from '../core/reader.js';
import { defaultSearchThreads, SearchPool } from './search-pool.js';
import { rebuildSearchInBatches, searchIndexesAgree, type SearchIndexState } from './search-check.js';

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
    // Searches of a large file database run on search threads (`overrides.contacts`: `searchThreads`
    // 0 keeps them on the event loop; `searchThreadsFrom` is the base size from which threads are used).
    const tuning = (app.deps.overrides.contacts ?? {}) as { searchThreads?: number; searchThreadsFrom?: number };
    const threads = tuning.searchThreads ?? defaultSearchThreads();
    const pool = db.memory || threads < 1 ? null : new SearchPool(db.name, threads);
    const service = new ContactsService(db, clock, audit, bus, pool, tuning.searchThreadsFrom);
    const timeline = new TimelineRegistry();
    app.decorate('contacts', service);
    app.decorate('timeline', timeline);

    timeline.register({
      type: 'note',
      list: (contactId, viewer, page) =>
        service.notesBefore([contactId], page.before, page.limit).map((n) => noteItem(n, masking.forViewer(viewer))),
    });

    // Live updates for open contact cards and lists; rendered per viewer so interns get masks here too.
    const publishContact = (type: string, contactId: number) => {
      const contact = service.get(contactId);
      if (contact) app.realtime.publish({ type, render: (viewer) => ({ contact: contactView(contact, masking.forViewer(viewer)) }) });
    };
    bus.subscribe('contact.created', (e) => publishContact('contact.created', e.contactId));
    bus.subscribe('contact.updated', (e) => publishContact('contact.updated', e.contactId));
    bus.subscribe('contact.merged', (e) => {
      const contact = service.get(e.keptId);
      if (contact) {
        app.realtime.publish({
          type: 'contact.merged',
          render: (viewer) => ({ mergedId: e.mergedId, contact: contactView(contact, masking.forViewer(viewer)) }),
        });
      }
    });
    bus.subscribe('contact.note_added', (e) => {
      const note = service.noteById(e.noteId);
      if (note) app.realtime.publish({ type: 'contact.note_added', render: (viewer) => ({ note: noteItem(note, masking.forViewer(viewer)) }) });
    });

    // The search indexes are checked after start (off the event loop when large) and rebuilt
    // in small batches if they disagree with the contact tables; /healthz shows where that is.
    let searchState: SearchIndexState = 'checking';
    let closing = false;
    const reader = startReader(db);
    app.deps.health.register('search', () => searchState);
    app.addHook('onReady', async () => {
      void (async () => {
        try {
          if (await searchIndexesAgree(db, reader)) {
            searchState = 'ok';
            return;
          }
          searchState = 'rebuilding';
          app.log.warn('contacts: search indexes disagree with the contact tables; rebuilding them');
          await rebuildSearchInBatches(db, () => closing);
          if (!closing) searchState = (await searchIndexesAgree(db, reader)) ? 'ok' : 'failed';
          app.log.info({ state: searchState }, 'contacts: search indexes rebuilt');
        } catch (err) {
          if (closing) return;
          searchState = 'failed';
          app.log.error({ err }, 'contacts: search index check failed');
        }
      })();
    });
    app.addHook('onClose', async () => {
      closing = true;
      await reader?.close();
      await pool?.close();
    });

    // Not wrapped in fp: the text/csv parser and routes stay in this encapsulated context.
    await app.register(async (scope) => {
      await contactRoutes(scope, { service, timeline });
      await csvRoutes(scope, { service });
    });
  },
  { name: 'contacts', dependencies: ['deps', 'auth', 'realtime'] },
);
