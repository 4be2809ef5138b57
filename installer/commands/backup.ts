import { VERSION } from '../../appliance/version.js';
import type { Deps } from '../ports/index.js';
import { installPaths } from '../paths.js';
import type { Result } from '../result.js';
import { keyValues } from '../output/render.js';
import { createBackup } from '../maintenance/backup.js';

/** `contactbox backup [--out DIR]`: an online backup while the appliance keeps serving. */
export async function run(options: Record<string, unknown>, deps: Deps): Promise<Result> {
  const paths = installPaths((options.prefix as string | undefined) ?? null);
  const { dir, manifest } = await createBackup(deps.host, paths, VERSION, deps.clock.now(), options.out as string | undefined);
  const data = { status: 'ok', dir, ...manifest };
  const human = keyValues({
    backup: dir,
    database: `${(manifest.database.bytes / 1e6).toFixed(1)} MB, integrity ${manifest.database.integrity}`,
    ...Object.fromEntries(manifest.folders.map((f) => [f.name, `${f.files} files, ${(f.bytes / 1e6).toFixed(1)} MB`])),
    configuration: manifest.config.join(', ') || '-',
  });
  return { exit: 0, data, human };
}
