import type { FastifyInstance } from 'fastify';
import { trunkKinds } from './kinds/index.js';
import { registerTrunkMessages } from './messages.js';
import { TrunkRepository } from './repository.js';
import { trunkRoutes, type AsteriskApplier } from './routes.js';
import { TrunkService } from './service.js';

/**
 * Wires the trunk capability. The appliance runs unprivileged and cannot write /etc/asterisk,
 * so by default a change is stored and reported `pending`; `contactbox trunk apply` (root)
 * renders and reloads. `overrides.trunks = { applier }` plugs in an applier that can.
 */
export async function trunksPlugin(app: FastifyInstance) {
  registerTrunkMessages();
  const override = app.deps.overrides.trunks as { applier?: AsteriskApplier } | undefined;
  const applier: AsteriskApplier = override?.applier ?? {
    apply: async () => ({ status: 'pending', detail: 'stored; run "contactbox trunk apply" as root to write it into Asterisk' }),
  };
  const service = new TrunkService(new TrunkRepository(app.deps.db), trunkKinds, app.deps.clock);
  await app.register(trunkRoutes, { service, kinds: trunkKinds, applier });
}
