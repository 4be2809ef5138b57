import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Deps } from '../ports/index.js';
import { installPaths } from '../paths.js';
import { CliError, usageError, type Result } from '../result.js';
import { keyValues, table } from '../output/render.js';
import { loadConfigFile, type Config } from '../../appliance/config.js';
import { openDatabase, runMigrations, type Db } from '../../appliance/core/db.js';
import { AuditLog } from '../../appliance/core/audit.js';
import { AppError } from '../../appliance/core/errors.js';
import { migrationsOf } from '../../appliance/app.js';
import { capabilities } from '../../appliance/capabilities.js';
import { createRetention, forecastOf } from '../../appliance/retention/setup.js';
import { verifyFiles } from '../../appliance/retention/verify.js';
import { formatDays, parseAsOf, parseDays } from '../../appliance/retention/policies.js';
import type { RetentionService, RunReport } from '../../appliance/retention/service.js';
import type { RetentionConfig } from '../../appliance/retention/policies.js';
import { cliMailDeleter } from './retention-mail.js';

/**
 * `contactbox retention show|set|run|verify`: the same policies, engine and journal as the
 * appliance, on the installation's database (under --prefix when given). Runs are safe while
 * the appliance runs: batches are short transactions and one run at a time is enforced.
 */
type Action = 'show' | 'set' | 'run' | 'verify';

interface Opened {
  db: Db;
  dataDir: string;
  service: RetentionService;
  config: RetentionConfig;
}

function open(options: Record<string, unknown>, deps: Deps): Opened {
  const prefix = options.prefix;
  if (prefix !== undefined && (typeof prefix !== 'string' || !prefix.trim())) throw usageError('--prefix needs a directory.');
  const paths = installPaths(typeof prefix === 'string' ? prefix : null);
  let config: Config | null = null;
  if (existsSync(paths.configFile)) {
    try {
      config = loadConfigFile(paths.configFile);
    } catch (err) {
      throw new CliError((err as Error).message, 1, 'CONFIG_INVALID', `Fix ${paths.configFile} or re-run 'contactbox install' to repair it.`);
    }
  }
  const dataDir = config?.paths.data ?? paths.dataDir;
  const dbFile = join(dataDir, 'contactbox.sqlite');
  if (!existsSync(dbFile)) {
    throw new CliError(`there is no contactbox database at ${dbFile}`, 1, 'NOT_INSTALLED', "Install first with 'contactbox install' (or pass the --prefix of the installation).");
  }
  const db = openDatabase(dbFile);
  try {
    // The same migrations the appliance runs at start, so a CLI run after an upgrade sees the same tables.
    runMigrations(db, migrationsOf(capabilities));
    const audit = new AuditLog(db, deps.clock);
    const { service, config: section } = createRetention({
      db,
      clock: deps.clock,
      dataDir,
      audit,
      config: config?.retention,
      extra: { mailDeleter: cliMailDeleter(db, dataDir, deps.clock, audit) },
    });
    return { db, dataDir, service, config: section };
  } catch (err) {
    db.close();
    if ((err as Error).name === 'SchemaError' || (err as Error).message.startsWith('retention')) {
      throw new CliError(`the retention section of the configuration is not valid: ${(err as Error).message}`, 1, 'CONFIG_INVALID');
    }
    throw err;
  }
}

const mb = (bytes: number) => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`);

function asCliError(err: unknown): never {
  if (err instanceof AppError) throw new CliError(err.message, err.status >= 500 ? 1 : err.status === 409 ? 1 : 2, err.code);
  throw err;
}

export async function run(options: Record<string, unknown>, deps: Deps): Promise<Result> {
  const action = options.action as Action;
  const opened = open(options, deps);
  try {
    switch (action) {
      case 'show':
        return show(opened, deps);
      case 'set':
        return set(opened, options);
      case 'run':
        return await runRetention(opened, options, deps);
      case 'verify':
        return await verify(opened, options, deps);
      default:
        throw usageError(`unknown retention action ${String(action)}`);
    }
  } catch (err) {
    return asCliError(err);
  } finally {
    opened.db.close();
  }
}

function show({ service, dataDir, config }: Opened, deps: Deps): Result {
  const policies = service.policies();
  const forecast = forecastOf(service, dataDir, deps.clock, config);
  const journal = service.repo.journal(10);
  const holds = service.repo.holds(false, 1000);
  const data = { policies, forecast, journal, activeHolds: holds.length };
  const byClass = new Map(forecast.classes.map((c) => [c.class, c]));
  const human = [
    table(
      ['Class', 'Keep', 'Items', 'Size', 'Growth/day', 'Needs', 'Source'],
      policies.map((p) => {
        const f = byClass.get(p.class);
        return [
          p.class,
          formatDays(p.days),
          p.registered ? (f?.items ?? 0) : 'no source installed',
          p.registered ? mb(f?.bytes ?? 0) : '',
          p.registered ? `${mb(f?.dailyGrowthBytes ?? 0)}${f?.growthSource === 'sizing' ? ' (sizing)' : ''}` : '',
          p.registered ? mb(f?.neededBytes ?? 0) : '',
          p.source,
        ];
      }),
    ),
    '',
    keyValues({
      disk: `${mb(forecast.disk.freeBytes)} free of ${mb(forecast.disk.totalBytes)} (${forecast.disk.usedPercent} % used) at ${dataDir}`,
      'data needs': `${mb(forecast.neededBytes)} with these policies (${forecast.projectedUsedPercent} % of the disk)`,
      'disk fills on': forecast.fillsOn ?? 'not within ten years at the current growth',
      level: forecast.level,
      'legal holds': holds.length,
      'last run': journal[0] ? `${journal[0].startedAt} (${journal[0].status})` : 'never',
    }),
    ...forecast.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
  return { exit: 0, data, human };
}

function set({ service }: Opened, options: Record<string, unknown>): Result {
  const name = String(options.class ?? '');
  let days: number | null;
  try {
    days = parseDays(String(options.days ?? ''));
  } catch (err) {
    throw usageError(`retention set ${name}: ${(err as Error).message}`, "Give a number of days (1–36500) or 'forever', e.g. 'contactbox retention set recordings 365'.");
  }
  const preview = service.preview(name, days);
  const line = `${name}: ${formatDays(preview.currentPolicyDays)} → ${formatDays(days)}; deletes ${preview.items} item(s), ${mb(preview.bytes)} at the next run`;
  if (options.dryRun) return { exit: 0, data: { saved: false, ...preview }, human: `${line} (not saved: --dry-run)` };
  if (preview.items > 0 && !options.yes) {
    throw new CliError(`${line}; not saved.`, 1, 'CONFIRMATION_NEEDED', `Re-run with --yes to save this policy and delete that data at the next run.`);
  }
  service.setPolicy(name, days, { source: 'cli', actorId: null });
  return { exit: 0, data: { saved: true, ...preview }, human: `${line} (saved)` };
}

async function runRetention({ service }: Opened, options: Record<string, unknown>, deps: Deps): Promise<Result> {
  let asOf: Date | undefined;
  if (options.asOf !== undefined) {
    try {
      asOf = parseAsOf(String(options.asOf));
    } catch (err) {
      throw usageError(`--as-of: ${(err as Error).message}`);
    }
  }
  const batchSize = options.batchSize === undefined ? undefined : Number(options.batchSize);
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000)) throw usageError('--batch-size must be a whole number from 1 to 5000.');
  const report: RunReport = await service.run({
    dryRun: Boolean(options.dryRun),
    trigger: 'cli',
    actor: `cli:${deps.env.SUDO_USER ?? deps.env.USER ?? 'root'}`,
    ...(asOf ? { asOf } : {}),
    ...(batchSize ? { batchSize } : {}),
  });
  const data = {
    asOf: report.asOf,
    dryRun: report.dryRun,
    runId: report.runId,
    classes: report.classes.map((c) => ({ class: c.class, policyDays: c.policyDays, items: c.items, bytes: c.bytes, registered: c.registered })),
    resumed: report.resumed,
  };
  const verb = report.dryRun ? 'would delete' : 'deleted';
  const human = [
    `${report.dryRun ? 'Dry run' : 'Run'} as of ${report.asOf}${report.resumed.items ? ` (finished ${report.resumed.items} item(s) an interrupted run had started)` : ''}:`,
    table(
      ['Class', 'Keep', verb, 'Size'],
      report.classes.map((c) => [c.class, formatDays(c.policyDays), c.registered ? c.items : 'no source installed', c.registered ? mb(c.bytes) : '']),
    ),
  ].join('\n');
  return { exit: 0, data, human };
}

async function verify({ service, dataDir }: Opened, options: Record<string, unknown>, deps: Deps): Promise<Result> {
  const report = await verifyFiles({ service, dataDir, clock: deps.clock, repair: Boolean(options.repair) });
  const problems = report.missingFiles.count + (options.repair ? 0 : report.orphanFiles.count);
  const human = [
    keyValues({
      scanned: `${report.filesScanned} file(s) under ${report.roots.map((r) => join(dataDir, r)).join(', ')}`,
      'rows checked': report.rowsChecked,
      'files with no row': `${report.orphanFiles.count} (${mb(report.orphanFiles.bytes)})`,
      'rows with no file': report.missingFiles.count,
      'recent files skipped': report.youngFiles,
      'marked for deletion': report.pendingDeletion ? `${report.pendingDeletion} (an interrupted run; 'contactbox retention run' finishes it)` : 0,
      quarantined: report.quarantined ? `${report.quarantined} file(s) moved to ${report.quarantineDir}` : 0,
    }),
    ...report.orphanFiles.sample.slice(0, 20).map((f) => `orphan: ${f}`),
    ...report.missingFiles.sample.slice(0, 20).map((m) => `missing (${m.class}): ${m.path}`),
    report.orphanFiles.count && !options.repair ? "Run 'contactbox retention verify --repair' to move the orphan files to quarantine." : '',
  ]
    .filter(Boolean)
    .join('\n');
  return { exit: problems > 0 ? 1 : 0, data: report, human };
}
