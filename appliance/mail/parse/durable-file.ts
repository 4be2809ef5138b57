import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, writeSync, promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes `bytes` to `<root>/<relPath>`: a temporary name, fsync, rename, then fsync of the
 * directory, so that once the caller references the path in the database the file is there
 * after a power cut. Content-addressed paths that already hold the same size are left alone.
 */
export function writeFileDurably(root: string, relPath: string, bytes: Buffer): void {
  const target = join(root, relPath);
  if (statSync(target, { throwIfNoEntry: false })?.size === bytes.length) return;
  const dir = dirname(target);
  mkdirSync(dir, { recursive: true });
  const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', 0o640);
  try {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, target);
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** A file written under a temporary name, not yet fsynced nor renamed (see `commitStaged`). */
export interface StagedFile {
  tmp: string;
  final: string;
}

/**
 * Writes `bytes` next to `<root>/<relPath>` under a temporary name without fsync; null when
 * the content-addressed file is already there. The batch's files are made durable together by
 * `commitStaged`, because one fsync at a time costs milliseconds while many in flight share
 * the file system's journal commits.
 */
export function stageFile(root: string, relPath: string, bytes: Buffer): StagedFile | null {
  const final = join(root, relPath);
  // No exception for the usual "not there yet": building one per message costs more than the write.
  if (statSync(final, { throwIfNoEntry: false })?.size === bytes.length) return null;
  mkdirSync(dirname(final), { recursive: true });
  const tmp = `${final}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', 0o640);
  try {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  } finally {
    closeSync(fd);
  }
  return { tmp, final };
}

/** fsync every staged file (concurrently), rename each into place, fsync their directories. */
export async function commitStaged(files: readonly StagedFile[], concurrency = 64): Promise<void> {
  if (files.length === 0) return;
  await inParallel(files, concurrency, async (f) => {
    const h = await fsp.open(f.tmp, 'r+');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  });
  await inParallel(files, concurrency, (f) => fsp.rename(f.tmp, f.final));
  const dirs = [...new Set(files.map((f) => dirname(f.final)))];
  await inParallel(dirs, concurrency, async (dir) => {
    const h = await fsp.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  });
}

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(lanes);
}

/**
 * Removes temporary files a crash left under `<root>/mail/{raw,att}/*` — only those older than
 * `before` (the process start), so files a running sync is writing are never touched.
 */
export async function sweepOrphans(root: string, before: Date): Promise<number> {
  let removed = 0;
  for (const kind of ['raw', 'att']) {
    const base = join(root, 'mail', kind);
    let shards: string[];
    try {
      shards = await fsp.readdir(base);
    } catch {
      continue;
    }
    for (const shard of shards) {
      let names: string[];
      try {
        names = (await fsp.readdir(join(base, shard))).filter((n) => n.endsWith('.tmp'));
      } catch {
        continue;
      }
      for (const name of names) {
        const file = join(base, shard, name);
        const st = await fsp.stat(file).catch(() => null);
        if (st && st.mtime < before) {
          await fsp.rm(file, { force: true });
          removed++;
        }
      }
    }
  }
  return removed;
}
