import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from '../result.js';

/** The folder this product was built in: the package root holding package.json and dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'contactbox') return dir;
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  throw new CliError('cannot find the contactbox package this installer belongs to', 1);
}

/** A fingerprint of the built code, so a re-install of the same build changes nothing. */
export function buildId(root: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) hash.update(relative(root, full)).update('\0').update(readFileSync(full));
    }
  };
  walk(join(root, 'dist'));
  hash.update(readFileSync(join(root, 'package-lock.json')));
  const release = releaseInfo(root);
  if (release) hash.update(JSON.stringify(release));
  return hash.digest('hex').slice(0, 16);
}

/** Top-level folders of runtime (non-dev) dependencies, from package-lock.json. */
export function runtimeModules(root: string): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; link?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([key, meta]) => key.startsWith('node_modules/') && key.split('node_modules/').length === 2 && !meta.dev)
    .map(([key]) => key);
}

/** Where the Debian package puts the release (the package's own `contactbox` command runs from it). */
export const PACKAGED_ROOT = '/usr/lib/contactbox';

export interface ReleaseInfo {
  version: string;
  flavour: 'release';
  node: string;
}

/** release.json of a release build (npm run release), which carries its own Node.js in runtime/; null in a checkout. */
export function releaseInfo(root: string): ReleaseInfo | null {
  try {
    return JSON.parse(readFileSync(join(root, 'release.json'), 'utf8')) as ReleaseInfo;
  } catch {
    return null;
  }
}
