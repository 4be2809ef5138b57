import { join } from 'node:path';
import { openDatabase } from '../../appliance/core/db.js';
import type { HostPort } from '../ports/host.js';
import type { InstallPaths } from '../paths.js';
import { CliError } from '../result.js';

export interface BackupManifest {
  product: 'contactbox';
  version: string;
  createdAt: string;
  database: { file: string; bytes: number; integrity: string };
  config: string[];
  folders: { name: string; files: number; bytes: number }[];
}

const FOLDERS = ['recordings', 'mail', 'keys'] as const;

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

async function countFiles(host: HostPort, dir: string): Promise<{ files: number; bytes: number }> {
  if (!host.exists(dir)) return { files: 0, bytes: 0 };
  const r = await host.run('find', [dir, '-type', 'f', '-printf', '%s\n']);
  const sizes = r.stdout.split('\n').filter(Boolean).map(Number);
  return { files: sizes.length, bytes: sizes.reduce((a, b) => a + b, 0) };
}

/**
 * An online backup: SQLite's backup API copies the database page by page while the appliance
 * keeps running, then the copy is integrity-checked. Recordings, mail files, keys and the
 * configuration are copied beside it (hard links on the same filesystem, real copies elsewhere:
 * give `out` on another disk for a copy that survives this one).
 */
export async function createBackup(host: HostPort, paths: InstallPaths, version: string, now: Date, out?: string): Promise<{ dir: string; manifest: BackupManifest }> {
  if (!host.exists(paths.databaseFile)) throw new CliError(`there is no database at ${paths.databaseFile}`, 1, 'FAILED', 'is contactbox installed here? (contactbox status)');
  const dir = join(out ?? paths.backupsDir, `contactbox-${stamp(now)}`);
  if (host.exists(dir)) throw new CliError(`${dir} already exists`, 1, 'FAILED', 'wait a second and run it again');
  const staging = `${dir}.partial`;
  host.remove(staging);
  host.mkdir(staging, 0o700);
  const dbCopy = join(staging, 'contactbox.sqlite');
  const db = openDatabase(paths.databaseFile);
  try {
    await db.backup(dbCopy);
  } finally {
    db.close();
  }
  const check = openDatabase(dbCopy, { readonly: true });
  let integrity: string;
  try {
    integrity = String((check.pragma('integrity_check', { simple: true }) as string) ?? 'unknown');
  } finally {
    check.close();
  }
  if (integrity !== 'ok') throw new CliError(`the database copy failed its integrity check: ${integrity}`);
  const config: string[] = [];
  for (const file of [paths.configFile, paths.licenseFile]) {
    const text = host.readFile(file);
    if (text === null) continue;
    host.writeFileAtomic(join(staging, 'config', file.split('/').pop()!), text, 0o600);
    config.push(file);
  }
  if (host.exists(paths.tlsDir)) {
    await host.copyTree(paths.tlsDir, join(staging, 'config', 'tls'));
    config.push(paths.tlsDir);
  }
  const folders: BackupManifest['folders'] = [];
  for (const name of FOLDERS) {
    const src = join(paths.dataDir, name);
    if (!host.exists(src)) continue;
    await host.copyTree(src, join(staging, name));
    folders.push({ name, ...(await countFiles(host, join(staging, name))) });
  }
  const manifest: BackupManifest = {
    product: 'contactbox',
    version,
    createdAt: now.toISOString(),
    database: { file: 'contactbox.sqlite', bytes: host.sizeOf(dbCopy), integrity },
    config,
    folders,
  };
  host.writeFileAtomic(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, 0o600);
  const moved = await host.run('mv', [staging, dir]);
  if (moved.code !== 0) throw new CliError(`cannot finish the backup at ${dir}: ${moved.stderr.trim()}`);
  return { dir, manifest };
}

export function readManifest(host: HostPort, dir: string): BackupManifest {
  const text = host.readFile(join(dir, 'manifest.json'));
  if (text === null) throw new CliError(`${dir} is not a contactbox backup (no manifest.json)`, 2, 'BAD_INPUT');
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(text) as BackupManifest;
  } catch {
    throw new CliError(`${dir}/manifest.json is not valid JSON`, 2, 'BAD_INPUT');
  }
  if (manifest.product !== 'contactbox' || !manifest.database?.file) throw new CliError(`${dir}/manifest.json is not a contactbox backup manifest`, 2, 'BAD_INPUT');
  return manifest;
}
