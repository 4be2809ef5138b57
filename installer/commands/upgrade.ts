import { join } from 'node:path';
import { VERSION } from '../../appliance/version.js';
import { openDatabase, runMigrations } from '../../appliance/core/db.js';
import { migrationsOf } from '../../appliance/app.js';
import { capabilities } from '../../appliance/capabilities.js';
import type { Deps } from '../ports/index.js';
import { installPaths, type InstallPaths } from '../paths.js';
import { CliError, type Result } from '../result.js';
import { stderrProgress } from '../output/render.js';
import { installRelease } from '../install/release.js';
import { serviceUser, makeSupervisor, type Supervisor } from '../install/supervisor.js';
import { readExistingConfig } from '../install/settings.js';
import { waitForHealth } from '../install/steps.js';
import { createBackup } from '../maintenance/backup.js';
import type { HostPort } from '../ports/host.js';

async function healthy(host: HostPort, paths: InstallPaths): Promise<string | null> {
  const port = readExistingConfig(host, paths)?.server?.port ?? 443;
  const ca = join(paths.tlsDir, 'ca.crt');
  try {
    await waitForHealth(host, `https://127.0.0.1:${port}`, host.exists(ca) ? ca : null, 45_000);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

async function restart(supervisor: Supervisor): Promise<void> {
  await supervisor.start();
}

/**
 * `contactbox upgrade`: puts this build beside the running one, backs up the database (online),
 * stops the running release, applies migrations, switches `current` and starts. If the new release does not answer /healthz, the
 * previous release and the backed-up database are put back. `--rollback` switches back to the
 * previous release on demand.
 */
export async function run(options: Record<string, unknown>, deps: Deps): Promise<Result> {
  const { host, clock } = deps;
  const paths = installPaths((options.prefix as string | undefined) ?? null);
  const progress = stderrProgress(!options.json);
  const previous = host.readLink(paths.currentLink);
  if (!previous) throw new CliError('contactbox is not installed here', 1, 'FAILED', 'run contactbox install first');
  const supervisor = makeSupervisor(host.exists(paths.systemdUnitFile) ? 'systemd' : 'pm2', host, paths);

  if (options.rollback) {
    const listing = await host.run('ls', ['-1', paths.releasesDir]);
    const others = listing.stdout.split('\n').filter((n) => n && /^\d/.test(n) && join(paths.releasesDir, n) !== previous);
    const target = others.sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).pop();
    if (!target) throw new CliError('there is no other release to roll back to', 1);
    host.symlinkAtomic(join(paths.releasesDir, target), paths.currentLink);
    await restart(supervisor);
    const problem = await healthy(host, paths);
    if (problem) throw new CliError(`rolled back to ${target}, but it does not answer: ${problem}`);
    return { exit: 0, data: { status: 'rolled-back', from: previous, to: join(paths.releasesDir, target) }, human: `Rolled back to ${target}.` };
  }

  progress.step('backup before upgrading');
  const backup = await createBackup(host, paths, previous.split('/').pop() ?? 'unknown', clock.now());
  progress.done(backup.dir);
  progress.step(`release ${VERSION}`);
  const release = await installRelease(host, paths, VERSION);
  progress.done(release.dir);
  // One writer: the running release is stopped before the migrations touch its database (and
  // before the old code could meet a schema it does not know); the restart below starts the new one.
  progress.step('stop the running release');
  await supervisor.stop();
  progress.done('stopped');
  progress.step('database migrations');
  const db = openDatabase(paths.databaseFile);
  let applied: string[];
  try {
    applied = runMigrations(db, migrationsOf(capabilities));
  } finally {
    db.close();
  }
  progress.done(applied.length ? `applied ${applied.join(', ')}` : 'schema is current');
  const owner = serviceUser(host, paths);
  if (owner) await host.chown(paths.dataDir, owner, owner, true);
  progress.step('restart');
  await restart(supervisor);
  const problem = await healthy(host, paths);
  if (problem) {
    progress.fail(problem);
    // The new release is stopped before its database is put back: nothing writes the file while it is replaced.
    await supervisor.stop();
    host.symlinkAtomic(previous, paths.currentLink);
    await host.run('cp', [join(backup.dir, 'contactbox.sqlite'), paths.databaseFile]);
    for (const ext of ['-wal', '-shm']) host.remove(`${paths.databaseFile}${ext}`);
    if (owner) await host.chown(paths.databaseFile, owner, owner);
    await restart(supervisor);
    throw new CliError(`the new release did not start (${problem}); the previous release and database were put back`, 1, 'UPGRADE_ROLLED_BACK', `the backup is at ${backup.dir}`);
  }
  progress.done('healthy');
  const data = { status: 'upgraded', from: previous, to: release.dir, version: VERSION, migrations: applied, backup: backup.dir };
  return { exit: 0, data, human: `Upgraded to ${VERSION} (${applied.length} migrations). Backup taken first: ${backup.dir}. Roll back with: contactbox upgrade --rollback` };
}
