import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { HostPort } from '../ports/host.js';
import type { InstallPaths } from '../paths.js';
import { CliError } from '../result.js';

export type SupervisorKind = 'systemd' | 'pm2';
export const SERVICE_NAME = 'contactbox';

export interface ServiceState {
  supervisor: SupervisorKind;
  state: 'running' | 'stopped' | 'not-installed' | 'failed';
  pid: number | null;
  detail: string;
}

/**
 * Keeps the appliance running: systemd where it is PID 1, pm2 elsewhere (containers, chroots,
 * evaluation machines). Both are driven through the same four operations.
 */
export interface Supervisor {
  kind: SupervisorKind;
  /** Starts the service, or restarts it when it already runs (new code or config). */
  start(): Promise<void>;
  stop(): Promise<void>;
  remove(): Promise<void>;
  state(): Promise<ServiceState>;
}

export function chooseSupervisor(requested: 'auto' | SupervisorKind, host: HostPort): SupervisorKind {
  if (requested === 'auto') return host.systemdIsPid1() ? 'systemd' : 'pm2';
  if (requested === 'systemd' && !host.systemdIsPid1()) {
    throw new CliError('systemd is not running as PID 1 on this machine, so it cannot supervise the service', 1, 'FAILED', 'use --supervisor pm2 (or auto)');
  }
  return requested;
}

function installedConfig(host: HostPort, paths: InstallPaths): { nodeBinary?: unknown; server?: { runAs?: unknown } } {
  try {
    return (parseYaml(host.readFile(paths.configFile) ?? '') as ReturnType<typeof installedConfig> | null) ?? {};
  } catch {
    // an unreadable config is reported by the appliance itself
    return {};
  }
}

/** The Node.js the service runs on: `nodeBinary` in the config (install --node-runtime), else this one. */
export function serviceNode(host: HostPort, paths: InstallPaths): string {
  const node = installedConfig(host, paths).nodeBinary;
  return typeof node === 'string' && node ? node : process.execPath;
}

/** The user the service runs as (system installs), or null when it runs as the installing user. */
export function serviceUser(host: HostPort, paths: InstallPaths): string | null {
  const user = installedConfig(host, paths).server?.runAs;
  return typeof user === 'string' && user ? user : null;
}

export function makeSupervisor(kind: SupervisorKind, host: HostPort, paths: InstallPaths): Supervisor {
  return kind === 'systemd' ? systemdSupervisor(host, paths) : pm2Supervisor(host, paths);
}

/** util-linux's setpriv (util-linux is Essential on Debian 11, 12 and 13). */
export const SETPRIV = '/usr/bin/setpriv';

/**
 * setpriv arguments that start the appliance as the service user holding only the capability to
 * bind ports below 1024 — the same as the systemd unit's User= and AmbientCapabilities=. The
 * appliance itself never calls set*id (Debian 13's Node.js refuses those calls).
 */
export function dropToServiceUser(user: string): string[] {
  return [
    `--reuid=${user}`, `--regid=${user}`, '--init-groups',
    '--inh-caps=-all,+net_bind_service', '--ambient-caps=+net_bind_service', '--bounding-set=-all,+net_bind_service',
    '--no-new-privs', '--',
  ];
}

function pm2Supervisor(host: HostPort, paths: InstallPaths): Supervisor {
  const ecosystem = join(paths.etcDir, 'pm2.config.cjs');
  const pm2Bin = () => {
    const bin = join(paths.currentLink, 'node_modules/pm2/bin/pm2');
    if (!host.exists(bin)) throw new CliError(`pm2 is missing from the installed release (${bin})`, 1, 'FAILED', 'run contactbox install again to repair the release');
    return bin;
  };
  const pm2 = async (...args: string[]) => {
    const r = await host.run(process.execPath, [pm2Bin(), ...args], {
      env: { ...process.env, PM2_HOME: paths.pm2Home, PM2_DISCRETE_MODE: 'true' },
      timeoutMs: 60_000,
    });
    return r;
  };
  const writeEcosystem = () => {
    const server = join(paths.currentLink, 'dist/appliance/server.js');
    const user = serviceUser(host, paths);
    const app = {
      name: SERVICE_NAME,
      ...(user
        ? { script: SETPRIV, args: [...dropToServiceUser(user), serviceNode(host, paths), server, paths.configFile], interpreter: 'none' }
        : { script: server, args: [paths.configFile], interpreter: serviceNode(host, paths) }),
      cwd: paths.currentLink,
      env: { NODE_ENV: 'production', CONTACTBOX_CONFIG: paths.configFile },
      // The appliance writes its own rotated log (appliance.log); stdout carries nothing worth a file.
      out_file: '/dev/null',
      error_file: join(paths.logDir, 'appliance.err.log'),
      merge_logs: true,
      kill_timeout: 20_000,
      min_uptime: 5_000,
      max_restarts: 10,
      restart_delay: 1_000,
      // 78 is a configuration error: restarting would only repeat it. pm2 reports a death by a
      // signal (kill -9, the OOM killer) as code 0, so 0 must NOT be listed here.
      stop_exit_codes: [78],
      autorestart: true,
    };
    host.writeFileAtomic(ecosystem, `// Written by contactbox install; changes are overwritten.\nmodule.exports = ${JSON.stringify({ apps: [app] }, null, 2)};\n`, 0o640);
  };
  return {
    kind: 'pm2',
    async start() {
      host.mkdir(paths.pm2Home, 0o700);
      writeEcosystem();
      const current = await this.state();
      const r = current.state === 'not-installed' ? await pm2('start', ecosystem) : await pm2('restart', ecosystem, '--update-env');
      if (r.code !== 0) throw new CliError(`pm2 could not start the service: ${lastLines(r.stderr || r.stdout)}`);
      await pm2('save', '--force');
    },
    async stop() {
      if ((await this.state()).state === 'not-installed') return;
      const r = await pm2('stop', SERVICE_NAME);
      if (r.code !== 0) throw new CliError(`pm2 could not stop the service: ${lastLines(r.stderr || r.stdout)}`);
    },
    async remove() {
      if (!host.exists(paths.pm2Home) || !host.exists(join(paths.currentLink, 'node_modules/pm2/bin/pm2'))) return;
      await pm2('delete', SERVICE_NAME);
      await pm2('save', '--force');
      // The pm2 daemon under our PM2_HOME serves only this service.
      await pm2('kill');
    },
    async state() {
      if (!host.exists(join(paths.pm2Home, 'pm2.pid')) || !host.exists(join(paths.currentLink, 'node_modules/pm2/bin/pm2'))) {
        return { supervisor: 'pm2', state: 'not-installed', pid: null, detail: 'pm2 is not running' };
      }
      const r = await pm2('jlist');
      let list: { name: string; pid: number; pm2_env?: { status?: string; restart_time?: number } }[] = [];
      try {
        list = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as typeof list;
      } catch {
        return { supervisor: 'pm2', state: 'failed', pid: null, detail: `pm2 answered unexpectedly: ${lastLines(r.stderr || r.stdout)}` };
      }
      const app = list.find((a) => a.name === SERVICE_NAME);
      if (!app) return { supervisor: 'pm2', state: 'not-installed', pid: null, detail: 'no contactbox process in pm2' };
      const status = app.pm2_env?.status ?? 'unknown';
      const state = status === 'online' ? 'running' : status === 'stopped' ? 'stopped' : 'failed';
      return { supervisor: 'pm2', state, pid: app.pid || null, detail: `pm2 status ${status}, ${app.pm2_env?.restart_time ?? 0} restarts` };
    },
  };
}

function systemdSupervisor(host: HostPort, paths: InstallPaths): Supervisor {
  const systemctl = (...args: string[]) => host.run('systemctl', args, { timeoutMs: 60_000 });
  return {
    kind: 'systemd',
    async start() {
      const template = host.readFile(join(paths.currentLink, 'systemd/contactbox.service'));
      if (!template) throw new CliError('the systemd unit is missing from the installed release');
      host.writeFileAtomic(paths.systemdUnitFile, renderUnit(template, paths, serviceNode(host, paths)), 0o644);
      for (const args of [['daemon-reload'], ['enable', SERVICE_NAME], ['restart', SERVICE_NAME]]) {
        const r = await systemctl(...args);
        if (r.code !== 0) throw new CliError(`systemctl ${args.join(' ')} failed: ${lastLines(r.stderr)}`);
      }
    },
    async stop() {
      await systemctl('stop', SERVICE_NAME);
    },
    async remove() {
      if (!host.exists(paths.systemdUnitFile)) return;
      await systemctl('disable', '--now', SERVICE_NAME);
      host.remove(paths.systemdUnitFile);
      await systemctl('daemon-reload');
    },
    async state() {
      if (!host.exists(paths.systemdUnitFile)) return { supervisor: 'systemd', state: 'not-installed', pid: null, detail: 'no unit file' };
      const r = await systemctl('show', SERVICE_NAME, '-p', 'ActiveState', '-p', 'MainPID', '-p', 'SubState');
      const props = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
      const active = props.ActiveState ?? 'unknown';
      const state = active === 'active' ? 'running' : active === 'failed' ? 'failed' : 'stopped';
      return { supervisor: 'systemd', state, pid: Number(props.MainPID) || null, detail: `systemd ${active}/${props.SubState ?? '?'}` };
    },
  };
}

/** The unit from systemd/ with the real paths (they differ under --prefix) and this Node binary. */
export function renderUnit(template: string, paths: InstallPaths, nodeBinary: string): string {
  return template
    .replaceAll('/usr/bin/node', nodeBinary)
    .replaceAll('/opt/contactbox/current', paths.currentLink)
    .replaceAll('/etc/contactbox/contactbox.yaml', paths.configFile)
    .replaceAll('/var/lib/contactbox', paths.dataDir)
    .replaceAll('/var/log/contactbox', paths.logDir)
    .replaceAll('/etc/contactbox', paths.etcDir);
}

function lastLines(text: string, n = 5): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}
