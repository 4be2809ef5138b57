import type { FastifyInstance } from 'fastify';
import { trunkKinds } from './kinds/index.js';
import { registerTrunkMessages } from './messages.js';
import { TrunkRepository } from './repository.js';
import { QueueSettings } from './queues.js';
import { trunkRoutes, type AsteriskApplier } from './routes.js';
import { TrunkNotFoundError, TrunkService } from './service.js';
import { TrunkFieldError, type StoredTrunk } from './model.js';
import { AdminOperationError, type AdminChannel } from '../core/admin-channel.js';
import type { Clock } from '../core/clock.js';
import type { Db } from '../core/db.js';

/**
 * `contactbox trunk add|remove` while the appliance runs: the change is made here (the database's
 * one writer); the CLI then renders Asterisk as root and, if Asterisk refuses, asks for the undo.
 */
export function registerTrunkOperations(channel: AdminChannel, service: TrunkService, repo: TrunkRepository, clock: Clock): void {
  const coded = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof TrunkFieldError) throw new AdminOperationError(err.code, err.message, 400, { field: err.field, detail: err.detail });
      if (err instanceof TrunkNotFoundError) throw new AdminOperationError('TRUNK_NOT_FOUND', err.message, 404, { id: String(err.id) });
      throw err;
    }
  };
  channel.register('trunks.add', (args) => coded(() => service.add((args.input ?? {}) as Record<string, unknown>)));
  channel.register('trunks.remove', (args) => coded(() => service.remove(/^\d+$/.test(String(args.trunk)) ? Number(args.trunk) : String(args.trunk))));
  // The undo of an add or a remove that Asterisk refused.
  channel.register('trunks.undo-add', (args) => repo.remove(Number(args.id)));
  channel.register('trunks.undo-remove', (args) => repo.insert(args.trunk as StoredTrunk, clock.now()));
}

/**
 * Wires the trunk capability. The appliance runs unprivileged and cannot write /etc/asterisk,
 * so by default a change is stored and reported `pending`; `contactbox trunk apply` (root)
 * renders and reloads. `overrides.trunks = { applier }` plugs in an applier that can, or
 * `{ liveApply }` a factory given this app's database (the process wires the live apply this way).
 */
export type LiveApplyFactory = (deps: { db: Db; config: Readonly<Record<string, unknown>>; clock: Clock }) => AsteriskApplier;

export async function trunksPlugin(app: FastifyInstance) {
  registerTrunkMessages();
  const override = app.deps.overrides.trunks as { applier?: AsteriskApplier; liveApply?: LiveApplyFactory } | undefined;
  const applier: AsteriskApplier = override?.applier ?? override?.liveApply?.({ db: app.deps.db, config: app.deps.config as unknown as Record<string, unknown>, clock: app.deps.clock }) ?? {
    apply: async () => ({ status: 'pending', detail: 'stored; run "contactbox trunk apply" as root to write it into Asterisk' }),
  };
  const repo = new TrunkRepository(app.deps.db);
  const service = new TrunkService(repo, trunkKinds, app.deps.clock);
  registerTrunkOperations(app.deps.adminChannel, service, repo, app.deps.clock);
  await app.register(trunkRoutes, { service, kinds: trunkKinds, applier, queues: new QueueSettings(app.deps.db) });
}
