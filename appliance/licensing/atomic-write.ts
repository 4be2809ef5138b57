import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes to a temp name, fsyncs, then renames over `file`: readers see the old or the new file,
 * never half of one. Licence files and clock marks hold nothing secret and are written by root
 * (the CLI) as well as by the service user, so they are world-readable by default.
 */
export function writeFileAtomic(file: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(temp, 'w', mode);
  try {
    try {
      fchmodSync(fd, mode); // the umask must not make it unreadable for the service user
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
