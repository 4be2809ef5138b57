import type { Deps } from '../ports/index.js';
import { installPaths } from '../paths.js';
import { CliError, usageError, type Result } from '../result.js';
import { makeSupervisor } from '../install/supervisor.js';
import { COMMAND_WRAPPER, SERVICE_USER } from '../install/steps.js';

/**
 * `contactbox uninstall`: stops and removes the service and the application code. Data and
 * configuration stay (a later install picks them up) unless `--purge`, which needs a
 * confirmation on a terminal or `--yes`.
 */
export async function run(options: Record<string, unknown>, deps: Deps): Promise<Result> {
  const { host } = deps;
  const prefix = (options.prefix as string | undefined) ?? null;
  const paths = installPaths(prefix);
  const purge = Boolean(options.purge);
  if (!prefix && !host.isRoot()) throw new CliError('uninstalling the system install needs root', 1, 'FAILED', 'run it as root');
  if (purge && !options.yes) {
    if (!deps.interactive) throw usageError('--purge deletes the database, recordings, mail and configuration for good', 'add --yes to confirm');
    const sure = await deps.prompts.confirm(`Delete ALL contactbox data under ${paths.dataDir} and ${paths.etcDir}? This cannot be undone.`, false);
    if (!sure) return { exit: 1, data: { status: 'cancelled' }, human: 'Nothing was removed.' };
  }
  const removed: string[] = [];
  for (const kind of ['pm2', 'systemd'] as const) {
    const supervisor = makeSupervisor(kind, host, paths);
    const state = await supervisor.state();
    if (state.state !== 'not-installed') {
      await supervisor.stop();
      await supervisor.remove();
      removed.push(`service (${kind})`);
    }
  }
  if (host.exists(paths.optDir)) {
    host.remove(paths.optDir);
    removed.push(paths.optDir);
  }
  // Only the wrapper install wrote (it says so); a `contactbox` the admin put there stays.
  if (!prefix && host.readFile(COMMAND_WRAPPER)?.includes('Written by contactbox install')) {
    host.remove(COMMAND_WRAPPER);
    removed.push(COMMAND_WRAPPER);
  }
  const kept = [paths.dataDir, paths.etcDir, paths.logDir].filter((p) => host.exists(p));
  if (purge) {
    for (const dir of [paths.dataDir, paths.etcDir, paths.logDir, paths.pm2Home]) {
      if (host.exists(dir)) {
        // A data disk mounted at the data directory is emptied, not unmounted or removed.
        const { kept } = host.removeKeepingMounts(dir);
        removed.push(kept.includes(dir) ? `${dir}/* (a mount point: emptied, left mounted)` : dir);
      }
    }
    if (!prefix && (await host.userExists(SERVICE_USER))) {
      await host.run('userdel', [SERVICE_USER]);
      removed.push(`user ${SERVICE_USER}`);
    }
  }
  const data = { status: purge ? 'purged' : 'uninstalled', removed, kept: purge ? [] : kept };
  const human = [
    removed.length ? `Removed: ${removed.join(', ')}` : 'Nothing was installed.',
    purge ? 'All data and configuration were deleted.' : `Kept (a new install uses them again): ${kept.join(', ') || '-'}`,
  ].join('\n');
  return { exit: 0, data, human };
}
