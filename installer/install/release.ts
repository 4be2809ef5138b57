import { join } from 'node:path';
import type { HostPort } from '../ports/host.js';
import { buildId, packageRoot, runtimeModules } from '../ports/package.js';
import type { InstallPaths } from '../paths.js';
import { CliError } from '../result.js';

export interface ReleaseResult {
  dir: string;
  changed: boolean;
}

/**
 * Puts this build at releases/VERSION (built under a temp name, then renamed) and points
 * `current` at it. The same build already there is left alone; a different build of the same
 * version replaces it; other versions stay for rollback.
 */
export async function installRelease(host: HostPort, paths: InstallPaths, version: string): Promise<ReleaseResult> {
  const root = packageRoot();
  if (!host.exists(join(root, 'dist/appliance/server.js'))) {
    throw new CliError('the appliance is not built', 1, 'FAILED', "run 'npm run build' in the contactbox folder first");
  }
  const id = buildId(root);
  const dir = join(paths.releasesDir, version);
  let changed = false;
  if (host.readFile(join(dir, '.build-id'))?.trim() !== id) {
    const staging = `${dir}.staging`;
    host.remove(staging);
    host.mkdir(join(staging, 'node_modules'), 0o755);
    // A release build (npm run release) also carries its Node.js runtime and release.json.
    for (const item of ['dist', 'package.json', 'package-lock.json', 'README.md', 'LICENSE.txt', 'asterisk-templates', 'systemd', 'runtime', 'release.json', 'contactbox']) {
      if (host.exists(join(root, item))) await host.copyTree(join(root, item), join(staging, item));
    }
    for (const mod of runtimeModules(root)) {
      if (host.exists(join(root, mod))) await host.copyTree(join(root, mod), join(staging, mod));
    }
    host.writeFileAtomic(join(staging, '.build-id'), `${id}\n`, 0o644);
    const previous = host.exists(dir) ? `${dir}.replaced` : null;
    if (previous) {
      host.remove(previous);
      await host.run('mv', [dir, previous]);
    }
    const moved = await host.run('mv', [staging, dir]);
    if (moved.code !== 0) throw new CliError(`cannot move the release into ${dir}: ${moved.stderr.trim()}`);
    if (previous) host.remove(previous);
    changed = true;
  }
  if (host.readLink(paths.currentLink) !== dir) {
    host.symlinkAtomic(dir, paths.currentLink);
    changed = true;
  }
  return { dir, changed };
}

