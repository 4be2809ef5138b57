import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Chat files on disk, content-addressed: `chat/ab/cd/<sha256>` under the data dir. The same
 * bytes sent twice are stored once. Written to a temp name, fsynced, renamed, and only then
 * referenced from the database.
 */
export const CHAT_FILE_ROOT = 'chat';

export function relativePathOf(sha256: string): string {
  return join(CHAT_FILE_ROOT, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

export async function storeFile(dataDir: string, bytes: Buffer): Promise<{ sha256: string; path: string; bytes: number }> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const path = relativePathOf(sha256);
  const abs = join(dataDir, path);
  const exists = await stat(abs).then((s) => s.size === bytes.length, () => false);
  if (!exists) {
    await mkdir(join(abs, '..'), { recursive: true });
    const tmp = `${abs}.${randomBytes(6).toString('hex')}.tmp`;
    const fh = await open(tmp, 'w', 0o640);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, abs);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
  }
  return { sha256, path, bytes: bytes.length };
}

/** Whether a MIME type is allowed by a site's list (`image/*` matches any image). */
export function typeAllowed(type: string, allowed: readonly string[]): boolean {
  const t = type.toLowerCase();
  return allowed.some((a) => {
    const rule = a.toLowerCase();
    return rule.endsWith('/*') ? t.startsWith(rule.slice(0, -1)) : t === rule;
  });
}
