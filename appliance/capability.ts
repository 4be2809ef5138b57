import type { FastifyPluginAsync } from 'fastify';
import type { Migration } from './core/db.js';

/**
 * What a capability folder (`calls/`, `mail/`, `retention/`…) exports from its `index.ts`:
 * its migrations and its Fastify plugin. The plugin is the only place in the folder that
 * constructs services and wires them; it registers its routes (each with `config.access` and
 * schemas), its health probe and its event subscriptions. Shared services are decorated on the
 * app with `fastify-plugin` and a `name`, and dependencies are declared by name.
 */
export interface Capability {
  name: string;
  migrations: readonly Migration[];
  plugin: FastifyPluginAsync;
}
