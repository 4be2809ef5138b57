import { watch, watchFile, unwatchFile, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Calls `onChange` soon after the licence file is created, replaced or removed, so that a
 * licence activated by the CLI (which renames a new file into place) takes effect without a
 * restart. fs.watch on the directory reacts at once; a 2-second stat poll covers filesystems
 * where inotify events do not arrive. Changes within 150 ms are coalesced into one call.
 */
export function watchLicenseFile(file: string, onChange: () => void): () => void {
  let timer: NodeJS.Timeout | null = null;
  const fire = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, 150);
    timer.unref();
  };
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dirname(file), { persistent: false }, (_event, name) => {
      if (name === null || name === basename(file)) fire();
    });
    watcher.on('error', () => {
      watcher?.close();
      watcher = null;
    });
  } catch {
    watcher = null; // the directory does not exist yet: the poll below still sees the file appear
  }
  const poll = (curr: { mtimeMs: number; ino: number }, prev: { mtimeMs: number; ino: number }) => {
    if (curr.mtimeMs !== prev.mtimeMs || curr.ino !== prev.ino) fire();
  };
  watchFile(file, { interval: 2000, persistent: false }, poll);
  return () => {
    if (timer) clearTimeout(timer);
    watcher?.close();
    unwatchFile(file, poll);
  };
}
