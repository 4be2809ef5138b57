import type { HostPort } from './host.js';

/** Provisioning's view of files: whole-file reads and crash-safe writes (through the host port). */
export interface FilesPort {
  /** The file's text, or null when it does not exist. */
  read(path: string): string | null;
  /** Temp name, fsync, rename: Asterisk never reads half a file. */
  writeAtomic(path: string, content: string, mode?: number): void;
  remove(path: string): void;
  mkdirp(dir: string): void;
  /** Lets Asterisk read a file holding secrets (owner `asterisk` when that user exists). */
  grantAsterisk(path: string): Promise<void>;
}

export function filesFromHost(host: HostPort): FilesPort {
  return {
    read: (path) => host.readFile(path),
    writeAtomic: (path, content, mode = 0o640) => host.writeFileAtomic(path, content, mode),
    remove: (path) => host.remove(path),
    mkdirp: (dir) => host.mkdir(dir, 0o755),
    async grantAsterisk(path) {
      if (host.isRoot() && (await host.userExists('asterisk'))) await host.chown(path, 'asterisk', 'asterisk');
    },
  };
}

/** Where an existing Asterisk keeps its master configuration file and control socket (null: Asterisk's defaults). */
export interface AsteriskLocation {
  configFile?: string | null;
  socket?: string | null;
}

/** `-C`/`-s` for the CLI when the configuration folder or control socket is not Asterisk's default. */
export function asteriskLocation(configDir: string | undefined | null, socket: string | undefined | null): AsteriskLocation {
  return { configFile: configDir && configDir.replace(/\/+$/, '') !== '/etc/asterisk' ? `${configDir.replace(/\/+$/, '')}/asterisk.conf` : null, socket: socket ?? null };
}

/** The local Asterisk installation: what is installed, what apt offers, and its CLI. */
export interface AsteriskHostPort {
  /** `asterisk -V` output ("Asterisk 22.10.1"), or null when there is no asterisk binary. */
  installedVersion(): Promise<string | null>;
  /** `apt-cache policy asterisk` output ('' when apt is missing). */
  aptPolicy(): Promise<string>;
  aptInstall(): Promise<{ ok: boolean; output: string }>;
  /** The .deb files in `dir` (full paths, sorted), or null when `dir` is not a readable folder. */
  listDebs(dir: string): Promise<string[] | null>;
  dpkgInstall(files: string[]): Promise<{ ok: boolean; output: string }>;
  /**
   * `asterisk -rx COMMAND` against the running Asterisk; for an existing Asterisk configured
   * elsewhere, `-C <its asterisk.conf>` (which names its run folder) and `-s <control socket>`.
   */
  cli(command: string, where?: AsteriskLocation): Promise<{ ok: boolean; output: string }>;
}

export function realAsteriskHost(host: HostPort): AsteriskHostPort {
  const out = (r: { code: number; stdout: string; stderr: string }) => ({ ok: r.code === 0, output: `${r.stdout}${r.stderr}`.trim() });
  return {
    async installedVersion() {
      const r = await host.run('asterisk', ['-V'], { timeoutMs: 10_000 }).catch(() => null);
      return r && r.code === 0 && /asterisk/i.test(r.stdout) ? r.stdout.trim() : null;
    },
    async aptPolicy() {
      const r = await host.run('apt-cache', ['policy', 'asterisk'], { timeoutMs: 30_000 }).catch(() => null);
      return r && r.code === 0 ? r.stdout : '';
    },
    async aptInstall() {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      return out(await host.run('apt-get', ['install', '-y', '--no-install-recommends', 'asterisk'], { env, timeoutMs: 900_000 }));
    },
    async listDebs(dir) {
      const r = await host.run('find', [dir, '-maxdepth', '1', '-type', 'f', '-name', '*.deb'], { timeoutMs: 10_000 }).catch(() => null);
      if (!r || r.code !== 0) return null;
      return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort();
    },
    async dpkgInstall(files) {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      return out(await host.run('dpkg', ['-i', ...files], { env, timeoutMs: 900_000 }));
    },
    async cli(command, where) {
      const args = [...(where?.configFile ? ['-C', where.configFile] : []), ...(where?.socket ? ['-s', where.socket] : []), '-rx', command];
      const r = await host.run('asterisk', args, { timeoutMs: 30_000 }).catch((err: Error) => ({ code: 1, stdout: '', stderr: err.message }));
      return out(r);
    },
  };
}
