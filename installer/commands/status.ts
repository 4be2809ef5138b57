import { join } from 'node:path';
import type { Deps } from '../ports/index.js';
import { adminSocketPath, callAdmin } from '../../appliance/core/admin-channel.js';
import { installPaths } from '../paths.js';
import type { Result } from '../result.js';
import { keyValues } from '../output/render.js';
import { readExistingConfig } from '../install/settings.js';
import { makeSupervisor, type SupervisorKind } from '../install/supervisor.js';
import { operatorUrls } from '../install/urls.js';

/**
 * `contactbox status`: is it installed, is it running, where to reach it, which versions, how
 * big the database is and how full the disk. Exit 0 only when the appliance answers /healthz;
 * 1 otherwise, whatever the supervisor believes (a process can be "online" and not serving).
 */
export async function run(options: Record<string, unknown>, deps: Deps): Promise<Result> {
  const { host } = deps;
  const paths = installPaths((options.prefix as string | undefined) ?? null);
  const config = readExistingConfig(host, paths);
  const installedRelease = host.readLink(paths.currentLink);
  const kind: SupervisorKind = host.exists(paths.systemdUnitFile) ? 'systemd' : 'pm2';
  const service = installedRelease ? await makeSupervisor(kind, host, paths).state() : { supervisor: kind, state: 'not-installed' as const, pid: null, detail: 'no release installed' };
  const port = config?.server?.port ?? null;
  const names = config?.server?.publicNames ?? [];
  const urls = port ? operatorUrls(names, port, config?.server?.host ?? '0.0.0.0') : [];
  const url = urls[0] ?? null;

  let health: Record<string, unknown> | null = null;
  let healthError: string | null = null;
  if (port && installedRelease) {
    const ca = host.readFile(join(paths.tlsDir, 'ca.crt'));
    const r = await host.httpsGet(`https://127.0.0.1:${port}/healthz`, ca, 5000);
    if ('status' in r && r.status === 200) {
      try {
        health = JSON.parse(r.body) as Record<string, unknown>;
      } catch {
        healthError = 'HTTP 200 without a health report';
      }
    } else healthError = 'status' in r ? `HTTP ${r.status}` : r.error;
  } else if (installedRelease) healthError = 'no port in the configuration';
  if (health) {
    // Component states (mailboxes, Asterisk, licence, disk) come over root's admin channel;
    // the public /healthz says only whether it is up and which version.
    const dataDir = (config as { paths?: { data?: string } } | null)?.paths?.data ?? paths.dataDir;
    const reply = await callAdmin(adminSocketPath(dataDir), 'health').catch(() => null);
    if (reply?.ok) health = { ...health, ...(reply.result as Record<string, unknown>) };
  }
  const disk = host.diskUsage(paths.dataDir);
  const dbBytes = host.sizeOf(paths.databaseFile) + host.sizeOf(`${paths.databaseFile}-wal`);
  const data = {
    installed: Boolean(installedRelease),
    answering: health !== null,
    service: { supervisor: service.supervisor, state: service.state, pid: service.pid, detail: service.detail },
    url,
    urls,
    versions: {
      installed: installedRelease ? installedRelease.split('/').pop() : null,
      running: (health?.version as string | undefined) ?? null,
      node: process.versions.node,
    },
    health: health ?? (healthError ? { error: healthError } : null),
    database: { path: paths.databaseFile, bytes: dbBytes },
    disk: disk ? { path: paths.dataDir, totalBytes: disk.total, freeBytes: disk.free, usedPercent: Math.round(((disk.total - disk.free) / disk.total) * 1000) / 10 } : null,
    // The appliance's own rotated log, under either supervisor (current.log points at the file being written).
    logs: join(paths.logDir, 'current.log'),
  };
  const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
  const human = keyValues({
    installed: data.installed ? `yes (${data.versions.installed})` : 'no',
    service: `${service.state} under ${service.supervisor}${service.pid ? `, pid ${service.pid}` : ''} — ${service.detail}`,
    url: urls.join('  ') || '-',
    'running version': data.versions.running ?? (healthError ? `not answering (${healthError})` : '-'),
    telephony: (health?.telephony as string | undefined) ?? '-',
    mail: (health?.mail as string | undefined) ?? '-',
    // The retention capability's disk warning (80 % / 90 %, or the forecast's fill date).
    storage: (health?.components as Record<string, string> | undefined)?.storage ?? '-',
    ...(health?.diskFull ? { 'disk full': `writes refused since ${(health.diskFull as { since: string }).since}: free space on ${paths.dataDir}` } : {}),
    database: `${paths.databaseFile} (${(dbBytes / 1e6).toFixed(1)} MB)`,
    disk: disk ? `${gb(disk.free)} free of ${gb(disk.total)} (${data.disk!.usedPercent}% used) at ${paths.dataDir}` : '-',
    logs: data.logs,
  });
  return { exit: health !== null ? 0 : 1, data, human };
}
