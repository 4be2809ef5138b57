import { closeSync, copyFileSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Db } from '../core/db.js';
import { openDatabase } from '../core/db.js';
import type { Clock } from '../core/clock.js';
import { AppError } from '../core/errors.js';

/**
 * Backups made from the console, in the same layout and manifest as `contactbox backup`, so
 * `contactbox restore` takes either: `<data>/backups/contactbox-YYYYMMDD-HHMMSS/` with the
 * database copied by SQLite's online backup API from the running connection (consistent while
 * the appliance keeps writing), integrity-checked, then recordings, mail files and keys beside it
 * (hard links on the same disk), the configuration files this process may read, and
 * `manifest.json` written last; the folder gets its final name only when complete.
 */
export interface BackupManifest {
  product: 'contactbox';
  version: string;
  createdAt: string;
  database: { file: string; bytes: number; integrity: string };
  config: string[];
  folders: { name: string; files: number; bytes: number }[];
}

export interface BackupEntry {
  name: string;
  createdAt: string;
  version: string;
  databaseBytes: number;
  integrity: string;
  files: number;
  bytes: number;
}

const FOLDERS = ['recordings', 'mail', 'keys'] as const;
const stamp = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/** Hard links where the disk allows, copies otherwise; returns the files and bytes copied. */
function linkTree(src: string, dest: string): { files: number; bytes: number } {
  mkdirSync(dest, { recursive: true, mode: 0o700 });
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(src, { withFileTypes: true })) {
    const from = join(src, entry.name);
    const to = join(dest, entry.name);
    if (entry.isDirectory()) {
      const r = linkTree(from, to);
      files += r.files;
      bytes += r.bytes;
    } else if (entry.isFile()) {
      try {
        linkSync(from, to);
      } catch {
        copyFileSync(from, to);
      }
      files++;
      bytes += statSync(from).size;
    }
  }
  return { files, bytes };
}

function writeDurably(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class BackupService {
  private running = false;

  constructor(
    private readonly deps: {
      db: Db;
      dataDir: string;
      /** Configuration files and folders to copy when this process can read them (contactbox.yaml, license.lic, tls/). */
      configPaths: string[];
      version: string;
      clock: Clock;
    },
  ) {}

  get dir(): string {
    return join(this.deps.dataDir, 'backups');
  }

  list(): BackupEntry[] {
    if (!existsSync(this.dir)) return [];
    const out: BackupEntry[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!/^contactbox-\d{8}-\d{6}$/.test(name)) continue;
      try {
        const m = JSON.parse(readFileSync(join(this.dir, name, 'manifest.json'), 'utf8')) as BackupManifest;
        out.push({
          name,
          createdAt: m.createdAt,
          version: m.version,
          databaseBytes: m.database.bytes,
          integrity: m.database.integrity,
          files: m.folders.reduce((a, f) => a + f.files, 0),
          bytes: m.database.bytes + m.folders.reduce((a, f) => a + f.bytes, 0),
        });
      } catch {
        // Not a finished backup (no or unreadable manifest): not listed.
      }
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async create(): Promise<BackupEntry> {
    if (this.running) throw new AppError('SYSTEM_BACKUP_RUNNING');
    this.running = true;
    const now = this.deps.clock.now();
    const name = `contactbox-${stamp(now)}`;
    const final = join(this.dir, name);
    const staging = `${final}.partial`;
    try {
      if (existsSync(final)) throw new AppError('SYSTEM_BACKUP_RUNNING');
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true, mode: 0o700 });
      const dbCopy = join(staging, 'contactbox.sqlite');
      await this.deps.db.backup(dbCopy);
      const check = openDatabase(dbCopy, { readonly: true });
      let integrity: string;
      try {
        integrity = String(check.pragma('integrity_check', { simple: true }) ?? 'unknown');
      } finally {
        check.close();
      }
      if (integrity !== 'ok') throw new AppError('SYSTEM_BACKUP_FAILED', { detail: `the database copy failed its integrity check: ${integrity}` });
      const config: string[] = [];
      for (const path of this.deps.configPaths) {
        try {
          if (!existsSync(path)) continue;
          if (statSync(path).isDirectory()) linkTree(path, join(staging, 'config', basename(path)));
          else {
            mkdirSync(join(staging, 'config'), { recursive: true, mode: 0o700 });
            writeDurably(join(staging, 'config', basename(path)), readFileSync(path, 'utf8'));
          }
          config.push(path);
        } catch {
          // Root's files this unprivileged process cannot read: `contactbox backup` copies them.
        }
      }
      const folders: BackupManifest['folders'] = [];
      for (const folder of FOLDERS) {
        const src = join(this.deps.dataDir, folder);
        if (existsSync(src)) folders.push({ name: folder, ...linkTree(src, join(staging, folder)) });
      }
      const manifest: BackupManifest = {
        product: 'contactbox',
        version: this.deps.version,
        createdAt: now.toISOString(),
        database: { file: 'contactbox.sqlite', bytes: statSync(dbCopy).size, integrity },
        config,
        folders,
      };
      writeDurably(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      renameSync(staging, final);
      return this.list().find((b) => b.name === name)!;
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      if (err instanceof AppError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw new AppError(code === 'ENOSPC' ? 'STORAGE_FULL' : 'SYSTEM_BACKUP_FAILED', { detail: (err as Error).message });
    } finally {
      this.running = false;
    }
  }
}
