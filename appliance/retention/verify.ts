import { opendir, mkdir, rename, stat } from 'node:fs/promises';
import { dirname, join, normalize, relative, sep } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { RetentionService } from './service.js';

/** Folders under the data dir that hold files referenced by rows (DESIGN §4). */
export const FILE_ROOTS = ['recordings', 'mail'];
export const QUARANTINE_DIR = 'quarantine';
/** Files younger than this may still be being written before their row exists: never orphans. */
const YOUNG_MS = 60 * 60_000;
const SAMPLE = 100;

export interface VerifyReport {
  dataDir: string;
  roots: string[];
  filesScanned: number;
  rowsChecked: number;
  orphanFiles: { count: number; bytes: number; sample: string[] };
  missingFiles: { count: number; sample: { class: string; path: string }[] };
  youngFiles: number;
  /** Rows marked by an interrupted run (their files may be gone already); the next run deletes them. */
  pendingDeletion: number;
  quarantined: number;
  quarantineDir: string | null;
}

async function* walk(root: string): AsyncGenerator<string> {
  let dir;
  try {
    dir = await opendir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for await (const entry of dir) {
    const full = join(root, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

/**
 * Compares the files under the data dir's file roots with the paths rows reference: files no
 * row references (orphans) and rows whose file is missing. With `repair`, orphans older than an
 * hour are moved to `<data>/quarantine/<date>/…` (never deleted); missing files are only reported.
 */
export async function verifyFiles(input: { service: RetentionService; dataDir: string; clock: Clock; repair: boolean }): Promise<VerifyReport> {
  const { service, dataDir, clock } = input;
  const roots = [...new Set([...FILE_ROOTS, ...service.registeredClasses().flatMap((c) => c.fileRoots ?? [])])];
  const refs = new Map<string, string>();
  for (const cls of service.registeredClasses()) {
    if (!cls.fileRefs) continue;
    for (const path of cls.fileRefs()) refs.set(normalize(path), cls.name);
  }
  const now = clock.now().getTime();
  const report: VerifyReport = {
    dataDir,
    roots,
    filesScanned: 0,
    rowsChecked: refs.size,
    orphanFiles: { count: 0, bytes: 0, sample: [] },
    missingFiles: { count: 0, sample: [] },
    youngFiles: 0,
    pendingDeletion: 0,
    quarantined: 0,
    quarantineDir: null,
  };
  const seen = new Set<string>();
  const quarantineDir = join(dataDir, QUARANTINE_DIR, clock.now().toISOString().slice(0, 10));
  for (const root of roots) {
    for await (const file of walk(join(dataDir, root))) {
      report.filesScanned++;
      const rel = relative(dataDir, file);
      if (refs.has(rel)) {
        seen.add(rel);
        continue;
      }
      const info = await stat(file).catch(() => null);
      if (!info) continue;
      if (now - info.mtimeMs < YOUNG_MS) {
        report.youngFiles++;
        continue;
      }
      report.orphanFiles.count++;
      report.orphanFiles.bytes += info.size;
      if (report.orphanFiles.sample.length < SAMPLE) report.orphanFiles.sample.push(rel);
      if (input.repair) {
        const target = join(quarantineDir, rel);
        await mkdir(dirname(target), { recursive: true });
        await rename(file, target);
        report.quarantined++;
        report.quarantineDir = quarantineDir;
      }
    }
  }
  const pending = new Set<string>();
  for (const row of service.repo.db.prepare('SELECT files FROM retention_pending').iterate() as Iterable<{ files: string }>) {
    for (const f of JSON.parse(row.files) as string[]) pending.add(normalize(f));
  }
  const underRoot = (rel: string) => roots.some((r) => rel === r || rel.startsWith(`${r}${sep}`));
  for (const [rel, cls] of refs) {
    if (seen.has(rel)) continue;
    if (pending.has(rel)) {
      report.pendingDeletion++;
      continue;
    }
    // A reference outside the scanned roots is checked on its own.
    if (!underRoot(rel) && (await stat(join(dataDir, rel)).catch(() => null))) continue;
    report.missingFiles.count++;
    if (report.missingFiles.sample.length < SAMPLE) report.missingFiles.sample.push({ class: cls, path: rel });
  }
  return report;
}
