import type { Clock } from '../core/clock.js';
import { AdminOperationError, type AdminChannel } from '../core/admin-channel.js';
import type { RetentionConfig } from './policies.js';
import type { RetentionService } from './service.js';
import { forecastOf } from './setup.js';
import { verifyFiles } from './verify.js';

/**
 * What `contactbox retention show|set|run|verify` do, once: the running appliance serves them
 * over the admin channel (it is the database's one writer), and the CLI runs the very same
 * functions on the database itself only while the appliance is stopped.
 */
export interface RetentionOpsContext {
  service: RetentionService;
  dataDir: string;
  clock: Clock;
  config: RetentionConfig;
}

export function retentionShow(ctx: RetentionOpsContext) {
  const policies = ctx.service.policies();
  const forecast = forecastOf(ctx.service, ctx.dataDir, ctx.clock, ctx.config);
  const journal = ctx.service.repo.journal(10);
  const holds = ctx.service.repo.holds(false, 1000);
  return { policies, forecast, journal, activeHolds: holds.length };
}

/** A shorter period that would delete something is saved only with `yes`. */
export function retentionSet(ctx: RetentionOpsContext, args: { class: string; days: number | null; dryRun?: boolean; yes?: boolean }) {
  const preview = ctx.service.preview(args.class, args.days);
  if (args.dryRun) return { saved: false, ...preview };
  if (preview.items > 0 && !args.yes) {
    throw new AdminOperationError('CONFIRMATION_NEEDED', 'the new policy would delete data at the next run; not saved', 409, { ...preview });
  }
  ctx.service.setPolicy(args.class, args.days, { source: 'cli', actorId: null });
  return { saved: true, ...preview };
}

export async function retentionRun(ctx: RetentionOpsContext, args: { dryRun?: boolean; actor: string; asOf?: string; batchSize?: number }) {
  const report = await ctx.service.run({
    dryRun: Boolean(args.dryRun),
    trigger: 'cli',
    actor: args.actor,
    ...(args.asOf ? { asOf: new Date(args.asOf) } : {}),
    ...(args.batchSize ? { batchSize: args.batchSize } : {}),
  });
  return {
    asOf: report.asOf,
    dryRun: report.dryRun,
    runId: report.runId,
    classes: report.classes.map((c) => ({ class: c.class, policyDays: c.policyDays, items: c.items, bytes: c.bytes, registered: c.registered })),
    resumed: report.resumed,
  };
}

export function retentionVerify(ctx: RetentionOpsContext, args: { repair?: boolean }) {
  return verifyFiles({ service: ctx.service, dataDir: ctx.dataDir, clock: ctx.clock, repair: Boolean(args.repair) });
}

export function registerRetentionOperations(channel: AdminChannel, ctx: RetentionOpsContext): void {
  channel.register('retention.show', () => retentionShow(ctx));
  channel.register('retention.set', (args) => retentionSet(ctx, args as Parameters<typeof retentionSet>[1]));
  channel.register('retention.run', (args) => retentionRun(ctx, args as Parameters<typeof retentionRun>[1]));
  channel.register('retention.verify', (args) => retentionVerify(ctx, args));
}
