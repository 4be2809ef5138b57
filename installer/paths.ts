import { join } from 'node:path';

/**
 * Where an installation lives (DESIGN §4). With `--prefix DIR` every path moves under DIR, so
 * tests and sandboxed installs never touch the real system.
 */
export interface InstallPaths {
  prefix: string | null;
  optDir: string;
  releasesDir: string;
  currentLink: string;
  etcDir: string;
  configFile: string;
  licenseFile: string;
  tlsDir: string;
  dataDir: string;
  databaseFile: string;
  recordingsDir: string;
  mailDir: string;
  backupsDir: string;
  logDir: string;
  runDir: string;
  pm2Home: string;
  asteriskEtcDir: string;
  systemdUnitFile: string;
}

export function installPaths(prefix?: string | null): InstallPaths {
  const root = prefix ?? '';
  const p = (...parts: string[]) => (root ? join(root, ...parts) : join('/', ...parts));
  const dataDir = p('var/lib/contactbox');
  return {
    prefix: prefix ?? null,
    optDir: p('opt/contactbox'),
    releasesDir: p('opt/contactbox/releases'),
    currentLink: p('opt/contactbox/current'),
    etcDir: p('etc/contactbox'),
    configFile: p('etc/contactbox/contactbox.yaml'),
    licenseFile: p('etc/contactbox/license.lic'),
    tlsDir: p('etc/contactbox/tls'),
    dataDir,
    databaseFile: join(dataDir, 'contactbox.sqlite'),
    recordingsDir: join(dataDir, 'recordings'),
    mailDir: join(dataDir, 'mail'),
    backupsDir: join(dataDir, 'backups'),
    logDir: p('var/log/contactbox'),
    runDir: p('run/contactbox'),
    // pm2 keeps its own state beside ours (it runs as root, the data belongs to the service user),
    // and under the prefix too, so a sandboxed install never meets the system's pm2.
    pm2Home: p('var/lib/contactbox-pm2'),
    asteriskEtcDir: p('etc/asterisk'),
    systemdUnitFile: p('etc/systemd/system/contactbox.service'),
  };
}
