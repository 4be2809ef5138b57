import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { openDatabase } from '../../appliance/core/db.js';
import { runMigrations } from '../../appliance/core/db.js';
import { migrationsOf } from '../../appliance/app.js';
import { capabilities } from '../../appliance/capabilities.js';
import { insertUser } from '../../appliance/core/auth/plugin.js';
import { generatePassword } from '../../appliance/core/auth/passwords.js';
import type { Clock } from '../../appliance/core/clock.js';
import type { HostPort } from '../ports/host.js';
import type { InstallPaths } from '../paths.js';
import { CliError } from '../result.js';
import { certificateCovers, createCa, createServerCert, validateCertPair } from './tls.js';
import { renderConfig, type InstallSettings } from './settings.js';

/** What a step did: `changed` when it had to act, `unchanged` when the system was already right. */
export interface StepOutcome {
  status: 'changed' | 'unchanged' | 'skipped';
  detail: string;
}

export const SERVICE_USER = 'contactbox';

/** Turns the errors a filesystem gives into sentences an admin can act on. */
export function explainFsError(err: unknown, path: string): CliError {
  const code = (err as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    EROFS: `${path} is on a read-only file system`,
    EACCES: `permission denied writing ${path}`,
    EPERM: `the operation on ${path} is not permitted`,
    ENOTDIR: `a part of ${path} is a file, not a directory`,
    ENOSPC: `no space left on the device holding ${path}`,
    EEXIST: `${path} exists and is not a directory`,
  };
  return new CliError(why[code ?? ''] ?? `cannot write ${path}: ${(err as Error).message}`, 1, 'FAILED', 'choose a writable --prefix, or fix the permissions, then run the same command again');
}

export async function ensureUser(host: HostPort, paths: InstallPaths, settings: InstallSettings): Promise<StepOutcome> {
  if (!settings.runAs) return { status: 'skipped', detail: 'the service runs as the installing user (--prefix install)' };
  if (await host.userExists(settings.runAs)) return { status: 'unchanged', detail: `user ${settings.runAs} exists` };
  await host.createSystemUser(settings.runAs, paths.dataDir);
  return { status: 'changed', detail: `created system user ${settings.runAs}` };
}

export function ensureDirectories(host: HostPort, paths: InstallPaths): StepOutcome {
  const dirs: [string, number][] = [
    [paths.releasesDir, 0o755],
    [paths.etcDir, 0o750],
    [paths.tlsDir, 0o750],
    [paths.dataDir, 0o750],
    [paths.recordingsDir, 0o750],
    [paths.mailDir, 0o750],
    [paths.backupsDir, 0o750],
    [paths.logDir, 0o750],
  ];
  const created: string[] = [];
  for (const [dir, mode] of dirs) {
    if (host.exists(dir)) continue;
    try {
      host.mkdir(dir, mode);
      host.chmod(dir, mode);
    } catch (err) {
      throw explainFsError(err, dir);
    }
    created.push(dir);
  }
  return created.length ? { status: 'changed', detail: `created ${created.length} directories` } : { status: 'unchanged', detail: 'all directories exist' };
}

export interface TlsFiles {
  cert: string;
  key: string;
  ca: string | null;
}

/** The admin's certificate when given, otherwise our local CA and a server certificate for every name. */
export function ensureTls(host: HostPort, paths: InstallPaths, settings: InstallSettings, clock: Clock): { files: TlsFiles; outcome: StepOutcome } {
  const certFile = join(paths.tlsDir, 'server.crt');
  const keyFile = join(paths.tlsDir, 'server.key');
  const caFile = join(paths.tlsDir, 'ca.crt');
  const caKeyFile = join(paths.tlsDir, 'ca.key');
  if (settings.adminTls) {
    const cert = host.readFile(settings.adminTls.cert);
    const key = host.readFile(settings.adminTls.key);
    if (cert === null) throw new CliError(`cannot read the certificate file ${settings.adminTls.cert}`, 2, 'BAD_INPUT');
    if (key === null) throw new CliError(`cannot read the key file ${settings.adminTls.key}`, 2, 'BAD_INPUT');
    const problem = validateCertPair(cert, key);
    if (problem) throw new CliError(`${problem} (${settings.adminTls.cert}, ${settings.adminTls.key})`, 2, 'BAD_INPUT');
    const same = host.readFile(certFile) === cert && host.readFile(keyFile) === key;
    if (!same) {
      host.writeFileAtomic(certFile, cert, 0o644);
      host.writeFileAtomic(keyFile, key, 0o640);
    }
    return { files: { cert: certFile, key: keyFile, ca: null }, outcome: { status: same ? 'unchanged' : 'changed', detail: 'using the certificate you gave' } };
  }
  let ca = { cert: host.readFile(caFile), key: host.readFile(caKeyFile) };
  let changed = false;
  if (!ca.cert || !ca.key) {
    const created = createCa(settings.organisation, clock.now());
    host.writeFileAtomic(caKeyFile, created.key, 0o600);
    host.writeFileAtomic(caFile, created.cert, 0o644);
    ca = created;
    changed = true;
  }
  const current = host.readFile(certFile);
  if (changed || !current || !host.exists(keyFile) || !certificateCovers(current, settings.hostnames, clock.now())) {
    const server = createServerCert({ cert: ca.cert!, key: ca.key! }, settings.hostnames, clock.now());
    host.writeFileAtomic(keyFile, server.key, 0o640);
    host.writeFileAtomic(certFile, server.cert, 0o644);
    changed = true;
  }
  return {
    files: { cert: certFile, key: keyFile, ca: caFile },
    outcome: { status: changed ? 'changed' : 'unchanged', detail: `certificate for ${settings.hostnames.join(', ')} from the local CA` },
  };
}

export function ensureConfig(host: HostPort, paths: InstallPaths, settings: InstallSettings, tls: TlsFiles): StepOutcome {
  const text = renderConfig(settings, paths, tls);
  if (host.readFile(paths.configFile) === text) return { status: 'unchanged', detail: paths.configFile };
  try {
    host.writeFileAtomic(paths.configFile, text, 0o640);
  } catch (err) {
    throw explainFsError(err, paths.configFile);
  }
  return { status: 'changed', detail: paths.configFile };
}

/**
 * Creates or upgrades the database, then makes sure there is exactly one first administrator.
 * What is already right is found read-only; `beforeWrite` runs before the database is opened for
 * writing (the installer stops a running appliance there: the database has one writer).
 */
export async function ensureDatabaseAndAdmin(
  paths: InstallPaths,
  settings: InstallSettings,
  clock: Clock,
  beforeWrite: () => Promise<void> = async () => {},
): Promise<{ database: StepOutcome; admin: StepOutcome; generatedPassword: string | null }> {
  const current = databaseIsCurrent(paths.databaseFile, settings);
  if (current) return { database: { status: 'unchanged', detail: 'schema is current' }, admin: current, generatedPassword: null };
  await beforeWrite();
  const db = openDatabase(paths.databaseFile);
  try {
    const applied = runMigrations(db, migrationsOf(capabilities));
    const database: StepOutcome = applied.length
      ? { status: 'changed', detail: `applied ${applied.length} migrations` }
      : { status: 'unchanged', detail: 'schema is current' };
    const named = db.prepare('SELECT id, role FROM users WHERE username = ?').get(settings.admin.username) as { id: number; role: string } | undefined;
    if (named) {
      return { database, admin: { status: 'unchanged', detail: `user ${settings.admin.username} exists (password unchanged)` }, generatedPassword: null };
    }
    const anyAdmin = db.prepare("SELECT username FROM users WHERE role = 'admin' LIMIT 1").get() as { username: string } | undefined;
    if (anyAdmin && !settings.admin.password) {
      return { database, admin: { status: 'unchanged', detail: `administrator ${anyAdmin.username} exists` }, generatedPassword: null };
    }
    const password = settings.admin.password ?? generatePassword();
    await insertUser({ db, clock }, { username: settings.admin.username, password, displayName: settings.admin.displayName, role: 'admin', language: settings.admin.language });
    return {
      database,
      admin: { status: 'changed', detail: `created administrator ${settings.admin.username}` },
      generatedPassword: settings.admin.password ? null : password,
    };
  } finally {
    db.close();
  }
}

/** The administrator step's outcome when the database needs no write (every migration applied, the administrator there), else null. */
function databaseIsCurrent(file: string, settings: InstallSettings): StepOutcome | null {
  if (!existsSync(file)) return null;
  const db = openDatabase(file, { readonly: true });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    if (!hasTable) return null;
    const applied = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as string[]);
    if (migrationsOf(capabilities).some((m) => !applied.has(m.id))) return null;
    if (db.prepare('SELECT 1 FROM users WHERE username = ?').get(settings.admin.username)) {
      return { status: 'unchanged', detail: `user ${settings.admin.username} exists (password unchanged)` };
    }
    const anyAdmin = db.prepare("SELECT username FROM users WHERE role = 'admin' LIMIT 1").get() as { username: string } | undefined;
    return anyAdmin && !settings.admin.password ? { status: 'unchanged', detail: `administrator ${anyAdmin.username} exists` } : null;
  } finally {
    db.close();
  }
}

export async function ensureOwnership(host: HostPort, paths: InstallPaths, settings: InstallSettings): Promise<StepOutcome> {
  if (!settings.runAs) return { status: 'skipped', detail: 'files belong to the installing user' };
  const user = settings.runAs;
  // pm2 runs as root and would create its log files as root: create them first, owned by the service.
  for (const log of ['appliance.out.log', 'appliance.err.log']) {
    if (!host.exists(join(paths.logDir, log))) host.writeFileAtomic(join(paths.logDir, log), '', 0o640);
  }
  const stray = await host.run('find', [paths.dataDir, paths.logDir, '(', '!', '-user', user, '-o', '!', '-group', user, ')', '-print', '-quit']);
  const configGroup = await host.run('find', [paths.etcDir, '-maxdepth', '0', '-group', user]);
  if (stray.code === 0 && stray.stdout.trim() === '' && configGroup.stdout.trim() !== '') {
    return { status: 'unchanged', detail: `data and logs owned by ${user}` };
  }
  await host.chown(paths.dataDir, user, user, true);
  await host.chown(paths.logDir, user, user, true);
  await host.chown(paths.etcDir, 'root', user, false);
  await host.chown(paths.configFile, 'root', user, false);
  await host.chown(paths.tlsDir, 'root', user, true);
  host.chmod(join(paths.tlsDir, 'server.key'), 0o640);
  return { status: 'changed', detail: `data and logs owned by ${user}; configuration readable by ${user}` };
}

/** Waits until the appliance answers /healthz over HTTPS, trusting our CA. */
export async function waitForHealth(host: HostPort, url: string, caFile: string | null, timeoutMs: number): Promise<StepOutcome> {
  const ca = caFile ? host.readFile(caFile) : null;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const r = await host.httpsGet(`${url}/healthz`, ca, 3000);
    if ('status' in r && r.status === 200) {
      const body = JSON.parse(r.body) as { version: string; status: string };
      return { status: 'changed', detail: `answers ${url}/healthz (version ${body.version}, ${body.status})` };
    }
    last = 'status' in r ? `HTTP ${r.status}` : r.error;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new CliError(`the appliance did not answer ${url}/healthz within ${Math.round(timeoutMs / 1000)} s (last: ${last})`, 1, 'FAILED', 'see the logs (contactbox status shows where) and run the same command again');
}

/** System installs put `contactbox` on the PATH, always pointing at the current release. */
export const COMMAND_WRAPPER = '/usr/local/bin/contactbox';

export function ensureCommandLink(host: HostPort, paths: InstallPaths, nodeBinary: string, packaged = false): StepOutcome {
  if (paths.prefix) return { status: 'skipped', detail: `run ${join(paths.currentLink, 'dist/installer/main.js')} (--prefix install)` };
  const wrapper = COMMAND_WRAPPER;
  if (packaged) {
    // The Debian package's /usr/bin/contactbox is the command; a wrapper of ours would shadow it
    // (and run the installed release's code instead of the package's on `contactbox upgrade`).
    if (!host.readFile(wrapper)?.includes('Written by contactbox install')) return { status: 'unchanged', detail: '/usr/bin/contactbox (the package)' };
    host.remove(wrapper);
    return { status: 'changed', detail: `/usr/bin/contactbox (the package); removed ${wrapper}` };
  }
  const text = `#!/bin/sh\n# Written by contactbox install.\nexec ${nodeBinary} ${join(paths.currentLink, 'dist/installer/main.js')} "$@"\n`;
  if (host.readFile(wrapper) === text) return { status: 'unchanged', detail: wrapper };
  host.writeFileAtomic(wrapper, text, 0o755);
  return { status: 'changed', detail: wrapper };
}
