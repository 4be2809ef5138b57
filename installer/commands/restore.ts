import { join } from 'node:path';
import type { Deps } from '../ports/index.js';
import { installPaths } from '../paths.js';
import { CliError, usageError, type Result } from '../result.js';
import { openDatabase } from '../../appliance/core/db.js';
import { readManifest } from '../maintenance/backup.js';
import { serviceUser, makeSupervisor } from '../install/supervisor.js';

/**
 * `contactbox restore BACKUP_DIR`: stops the service, keeps the current database aside
 * (`contactbox.sqlite.before-restore-…`), puts the backup's database and files in place and
 * starts the service again. Configuration is restored only with `--with-config`.
 */
export async function run(options: Record<string, unknown>, deps: Deps): Promise<Result> {
  const { host, clock } = deps;
  const paths = installPaths((options.prefix as string | undefined) ?? null);
  const source = options.backup as string;
  const manifest = readManifest(host, source);
  const dbCopy = join(source, manifest.database.file);
  const check = openDatabase(dbCopy, { readonly: true });
  try {
    const integrity = String(check.pragma('integrity_check', { simple: true }));
    if (integrity !== 'ok') throw new CliError(`the backup's database fails its integrity check: ${integrity}`, 1);
  } finally {
    check.close();
  }
  if (!options.yes) {
    if (!deps.interactive) throw usageError(`restore replaces the current database and files with the backup of ${manifest.createdAt}`, 'add --yes to confirm');
    if (!(await deps.prompts.confirm(`Replace the current data with the backup of ${manifest.createdAt}?`, false))) {
      return { exit: 1, data: { status: 'cancelled' }, human: 'Nothing was changed.' };
    }
  }
  const kind = host.exists(paths.systemdUnitFile) ? 'systemd' : 'pm2';
  const supervisor = makeSupervisor(kind, host, paths);
  const wasRunning = (await supervisor.state()).state === 'running';
  if (wasRunning) await supervisor.stop();
  const aside = `${paths.databaseFile}.before-restore-${clock.now().toISOString().replace(/[-:.]/g, '')}`;
  if (host.exists(paths.databaseFile)) await host.run('mv', [paths.databaseFile, aside]);
  for (const ext of ['-wal', '-shm']) host.remove(`${paths.databaseFile}${ext}`);
  const copied = await host.run('cp', ['--preserve=mode', dbCopy, paths.databaseFile]);
  if (copied.code !== 0) throw new CliError(`cannot copy the database back: ${copied.stderr.trim()}; the previous one is at ${aside}`);
  for (const folder of manifest.folders) {
    const target = join(paths.dataDir, folder.name);
    host.remove(target);
    await host.copyTree(join(source, folder.name), target);
  }
  if (options.withConfig) {
    for (const file of ['contactbox.yaml', 'license.lic']) {
      const text = host.readFile(join(source, 'config', file));
      if (text !== null) host.writeFileAtomic(join(paths.etcDir, file), text, 0o640);
    }
  }
  const owner = serviceUser(host, paths);
  if (owner) await host.chown(paths.dataDir, owner, owner, true);
  if (wasRunning) await supervisor.start();
  const data = { status: 'restored', from: source, createdAt: manifest.createdAt, previousDatabase: host.exists(aside) ? aside : null, restarted: wasRunning };
  return { exit: 0, data, human: `Restored the backup of ${manifest.createdAt} from ${source}.${data.previousDatabase ? ` The previous database is kept at ${aside}.` : ''}` };
}
