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
import { createRetention } from '../../appliance/retention/setup.js';
import { formatDays, parseAsOf, parseDays } from '../../appliance/retention/policies.js';
import { retentionRun, retentionSet, retentionShow, retentionVerify, type RetentionOpsContext } from '../../appliance/retention/admin-ops.js';
import type { VerifyReport } from '../../appliance/retention/verify.js';
import { AdminOperationError } from '../../appliance/core/admin-channel.js';
import { deleteStoredMessages } from '../../appliance/mail/service.js';
import { MessageRepository } from '../../appliance/mail/message-repository.js';
import { applianceAnswers, cliErrorOf, viaAppliance } from './appliance-channel.js';
import { chatsRetentionClass } from '../../appliance/chat/retention-class.js';
import { tableExists } from '../../appliance/retention/classes/shared.js';

/**
 * `contactbox retention show|set|run|verify`: the operations of appliance/retention/admin-ops.ts.
 * While the appliance runs they run there (the database's one writer) over the admin channel;
 * while it is stopped, here on the installation's database (under --prefix when given).
 */
type Action = 'show' | 'set' | 'run' | 'verify';

/** The same operation, in the appliance or here. */
type Runner = <T>(op: 'show' | 'set' | 'run' | 'verify', args: Record<string, unknown>, local: (ctx: RetentionOpsContext) => T | Promise<T>) => Promise<T>;

interface Opened {
  db: Db;
  ctx: RetentionOpsContext;
}

function locate(options: Record<string, unknown>): { dataDir: string; config: Config | null; dbFile: string } {
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
  return { dataDir, config, dbFile };
}

/** The appliance is stopped: this process is the database's only user. */
function open({ dataDir, config, dbFile }: ReturnType<typeof locate>, deps: Deps): Opened {
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
      extra: {
        // The mail capability's own deletion (files inside the data directory, tombstones).
        mailDeleter: () => async (ids: number[]) => {
          deleteStoredMessages({ messages: new MessageRepository(db), audit, clock: deps.clock, dataDir }, ids, 'retention');
        },
      },
    });
    // Chats plug in the same way the appliance's chat capability registers them.
    if (tableExists(db, 'chat_conversations')) service.register(chatsRetentionClass(db, dataDir));
    return { db, ctx: { service, dataDir, clock: deps.clock, config: section } };
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
  if (err instanceof AdminOperationError) throw cliErrorOf({ code: err.code, message: err.message, status: err.status, params: err.params });
  throw err;
}

export async function run(options: Record<string, unknown>, deps: Deps): Promise<Result> {
  const action = options.action as Action;
  if (!['show', 'set', 'run', 'verify'].includes(action)) throw usageError(`unknown retention action ${String(action)}`);
  const where = locate(options);
  let opened: Opened | null = null;
  const remote = await applianceAnswers(where.dataDir);
  const runner: Runner = async (op, args, local) => {
    if (remote) return viaAppliance(where.dataDir, `retention.${op}`, args);
    opened ??= open(where, deps);
    return local(opened.ctx);
  };
  try {
    switch (action) {
      case 'show':
        return await show(runner, where.dataDir);
      case 'set':
        return await set(runner, options);
      case 'run':
        return await runRetention(runner, options, deps);
      default:
        return await verify(runner, where.dataDir, options);
    }
  } catch (err) {
    return asCliError(err);
  } finally {
    (opened as Opened | null)?.db.close();
  }
}

async function show(runner: Runner, dataDir: string): Promise<Result> {
  const data = await runner('show', {}, (ctx) => retentionShow(ctx));
  const { policies, forecast, journal } = data;
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
      'legal holds': data.activeHolds,
      'last run': journal[0] ? `${journal[0].startedAt} (${journal[0].status})` : 'never',
    }),
    ...forecast.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
  return { exit: 0, data, human };
}

async function set(runner: Runner, options: Record<string, unknown>): Promise<Result> {
  const name = String(options.class ?? '');
  let days: number | null;
  try {
    days = parseDays(String(options.days ?? ''));
  } catch (err) {
    throw usageError(`retention set ${name}: ${(err as Error).message}`, "Give a number of days (1–36500) or 'forever', e.g. 'contactbox retention set recordings 365'.");
  }
  const args = { class: name, days, dryRun: Boolean(options.dryRun), yes: Boolean(options.yes) };
  const lineOf = (preview: { currentPolicyDays: number | null; items: number; bytes: number }) =>
    `${name}: ${formatDays(preview.currentPolicyDays)} → ${formatDays(days)}; deletes ${preview.items} item(s), ${mb(preview.bytes)} at the next run`;
  let result;
  try {
    result = await runner('set', args, (ctx) => retentionSet(ctx, args));
  } catch (err) {
    const e = err as { code?: string; params?: Record<string, unknown> };
    if (e.code === 'CONFIRMATION_NEEDED') {
      const preview = (err instanceof AdminOperationError ? err.params : await runner('set', { ...args, dryRun: true }, (ctx) => retentionSet(ctx, { ...args, dryRun: true }))) as { currentPolicyDays: number | null; items: number; bytes: number };
      throw new CliError(`${lineOf(preview)}; not saved.`, 1, 'CONFIRMATION_NEEDED', `Re-run with --yes to save this policy and delete that data at the next run.`);
    }
    throw err;
  }
  return { exit: 0, data: result, human: `${lineOf(result)} (${result.saved ? 'saved' : 'not saved: --dry-run'})` };
}

async function runRetention(runner: Runner, options: Record<string, unknown>, deps: Deps): Promise<Result> {
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
  const args = { dryRun: Boolean(options.dryRun), actor: `cli:${deps.env.SUDO_USER ?? deps.env.USER ?? 'root'}`, ...(asOf ? { asOf: asOf.toISOString() } : {}), ...(batchSize ? { batchSize } : {}) };
  const data = await runner('run', args, (ctx) => retentionRun(ctx, args));
  const report = data;
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

async function verify(runner: Runner, dataDir: string, options: Record<string, unknown>): Promise<Result> {
  const args = { repair: Boolean(options.repair) };
  const report: VerifyReport = await runner('verify', args, (ctx) => retentionVerify(ctx, args));
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
