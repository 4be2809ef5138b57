import type { Db } from '../core/db.js';
import type { Clock } from '../core/clock.js';
import type { AuditLog } from '../core/audit.js';
import { RetentionService, type RetentionServiceDeps } from './service.js';
import { builtInClasses, ensureIndexes, type BuiltInDeps } from './classes/index.js';
import { forecastStorage, statfsProbe, windowStart, type DiskProbe, type StorageForecast } from './forecast.js';
import type { ClassStats } from './types.js';
import type { Reader } from './reader.js';
import { parseRetentionConfig, type RetentionConfig } from './policies.js';

export interface SetupDeps {
  db: Db;
  clock: Clock;
  dataDir: string;
  audit: AuditLog | null;
  /** The raw `retention:` config section (checked here). */
  config?: unknown;
  log?: RetentionServiceDeps['log'];
  /** The appliance's reader thread for whole-table counts; the CLI reads on its own thread. */
  reader?: Reader | null;
  extra?: Omit<BuiltInDeps, 'db' | 'dataDir'>;
}

/**
 * Builds the retention service with every built-in class whose tables exist and seeds the
 * policies of classes that have none yet. The appliance plugin and `contactbox retention` both
 * start here, so both see the same classes and the same policies.
 */
export function createRetention(deps: SetupDeps): { service: RetentionService; config: RetentionConfig } {
  const config = parseRetentionConfig(deps.config);
  const service = new RetentionService({ db: deps.db, clock: deps.clock, dataDir: deps.dataDir, audit: deps.audit, reader: deps.reader ?? null, ...(deps.log ? { log: deps.log } : {}) });
  if (!deps.db.readonly) ensureIndexes(deps.db);
  for (const cls of builtInClasses({ db: deps.db, dataDir: deps.dataDir, ...deps.extra })) service.register(cls);
  if (!deps.db.readonly) service.seedPolicies(config);
  return { service, config };
}

/** The forecast with the class sizes read on this thread (the CLI, `status`). */
export function forecastOf(service: RetentionService, dataDir: string, clock: Clock, config: RetentionConfig, disk: DiskProbe = statfsProbe): StorageForecast {
  const asOf = clock.now();
  const since = windowStart(asOf);
  return forecastFrom(new Map(service.registeredClasses().map((c) => [c.name, c.stats(since)])), service, asOf, dataDir, config, disk);
}

/** The forecast with the class sizes read on the service's reader thread when it has one (the appliance). */
export async function forecastAsync(service: RetentionService, dataDir: string, clock: Clock, config: RetentionConfig, disk: DiskProbe = statfsProbe): Promise<StorageForecast> {
  const asOf = clock.now();
  return forecastFrom(await service.statsAll(windowStart(asOf)), service, asOf, dataDir, config, disk);
}

function forecastFrom(stats: Map<string, ClassStats>, service: RetentionService, asOf: Date, dataDir: string, config: RetentionConfig, disk: DiskProbe): StorageForecast {
  return forecastStorage({
    asOf,
    dataDir,
    stats,
    classNames: service.classNames(),
    policies: service.policyMap(),
    ...(config.recordedMinutesPerDay !== undefined ? { recordedMinutesPerDay: config.recordedMinutesPerDay } : {}),
    disk,
  });
}

/**
 * The storage forecast for `contactbox status` and anything else outside the appliance: reads
 * policies and growth from the database (migrations must have run), the disk from statfs.
 */
export function storageForecast(db: Db, dataDir: string, clock: Clock, options: { config?: unknown; disk?: DiskProbe } = {}): StorageForecast {
  const { service, config } = createRetention({ db, clock, dataDir, audit: null, config: options.config });
  return forecastOf(service, dataDir, clock, config, options.disk);
}
