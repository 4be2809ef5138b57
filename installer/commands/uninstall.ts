import type { Deps } from '../ports/index.js';
import { installPaths } from '../paths.js';
import { CliError, usageError, type Result } from '../result.js';
import { makeSupervisor } from '../install/supervisor.js';
import { COMMAND_WRAPPER, SERVICE_USER } from '../install/steps.js';
import { parse as parseYaml } from 'yaml';
import { asteriskLocation, filesFromHost } from '../ports/asterisk.js';
import { connectAmi } from '../ports/ami.js';
import { deprovisionAsterisk } from '../provisioning/deprovision.js';
import type { InstallPaths } from '../paths.js';

/**
 * Our part of a local Asterisk goes with the service: files, include lines, and (after the
 * reload) our AMI/ARI users and endpoints — an uninstalled contactbox leaves no way in.
 */
async function removeFromAsterisk(deps: Deps, paths: InstallPaths): Promise<{ removed: string[]; note: string | null }> {
  type Installed = { telephony?: Record<string, unknown>; softphone?: { asteriskOperatorsFile?: string } };
  let config: Installed | null = null;
  try {
    config = parseYaml(deps.host.readFile(paths.configFile) ?? '') as Installed | null;
  } catch {
    config = null;
  }
  const telephony = config?.telephony as
    | { mode?: string; asteriskConfigDir?: string; asteriskControlSocket?: string; asteriskFilesDir?: string; ami?: { host: string; port: number; username: string; secret: string } }
    | undefined;
  if (telephony?.mode !== 'local') return { removed: [], note: null };
  const cli = deps.asterisk;
  const r = await deprovisionAsterisk({
    files: filesFromHost(deps.host),
    asteriskEtcDir: telephony.asteriskConfigDir ?? paths.asteriskEtcDir,
    ownDir: telephony.asteriskFilesDir ?? null,
    operatorsFile: config?.softphone?.asteriskOperatorsFile ?? null,
    ...(cli ? { asterisk: { cli: (command: string) => cli.cli(command, asteriskLocation(telephony.asteriskConfigDir, telephony.asteriskControlSocket)) } } : {}),
    ami: deps.ami ?? connectAmi,
    amiCredentials: telephony.ami ?? null,
  });
  const removed = [...r.removed, ...r.edited.map((f) => `contactbox's include line in ${f}`)];
  if (r.reloaded.length) removed.push(`contactbox's AMI/ARI users, endpoints, queues and dialplan in the running Asterisk (reloaded ${r.reloaded.join(', ')})`);
  return { removed, note: r.notReloaded };
}

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
  // After the service stopped (it rewrites the operators' file), before the configuration goes.
  const asterisk = await removeFromAsterisk(deps, paths);
  removed.push(...asterisk.removed);
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
  const data = { status: purge ? 'purged' : 'uninstalled', removed, kept: purge ? [] : kept, ...(asterisk.note ? { asterisk: asterisk.note } : {}) };
  const human = [
    ...(asterisk.note ? [asterisk.note] : []),
    removed.length ? `Removed: ${removed.join(', ')}` : 'Nothing was installed.',
    purge ? 'All data and configuration were deleted.' : `Kept (a new install uses them again): ${kept.join(', ') || '-'}`,
  ].join('\n');
  return { exit: 0, data, human };
}
