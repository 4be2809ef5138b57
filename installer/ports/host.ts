import { spawn } from 'node:child_process';
import {
  accessSync, constants, chmodSync, chownSync, closeSync, cpSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync,
  readdirSync, readlinkSync, renameSync, rmSync, statfsSync, statSync, symlinkSync, writeSync,
} from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { hostname, networkInterfaces } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The machine as the install, status and uninstall commands see it: files, processes, users,
 * names, and an HTTPS probe. Tests use the real one against a temporary `--prefix`.
 */
export interface HostPort {
  isRoot(): boolean;
  systemdIsPid1(): boolean;
  /** The names and addresses this server is reached by, for the certificate. */
  hostnames(): string[];
  run(cmd: string, args: string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string }): Promise<RunResult>;
  mkdir(path: string, mode: number): void;
  /** Write to a temp name, fsync, rename: a crash never leaves half a file. */
  writeFileAtomic(path: string, data: string | Buffer, mode: number): void;
  readFile(path: string): string | null;
  exists(path: string): boolean;
  isSymlink(path: string): boolean;
  readLink(path: string): string | null;
  /** Points `link` at `target` atomically (a new link renamed over the old one). */
  symlinkAtomic(target: string, link: string): void;
  remove(path: string): void;
  /**
   * Removes a tree, but a mount point inside it (or the folder itself being one, e.g. a data disk)
   * is emptied and left in place: it cannot be removed while mounted (EBUSY).
   */
  removeKeepingMounts(path: string): { kept: string[] };
  chmod(path: string, mode: number): void;
  chown(path: string, user: string, group: string, recursive?: boolean): Promise<void>;
  /** Copies a tree; hard links where the filesystem allows (fast, no extra space), else real copies. */
  copyTree(src: string, dest: string): Promise<void>;
  sizeOf(path: string): number;
  diskUsage(path: string): { total: number; free: number } | null;
  userExists(name: string): Promise<boolean>;
  createSystemUser(name: string, home: string): Promise<void>;
  httpsGet(url: string, caPem: string | null, timeoutMs: number): Promise<{ status: number; body: string } | { error: string }>;
}

/** Every mount point of this process's mount namespace (/proc/self/mountinfo, octal escapes undone). */
function mountPoints(): Set<string> {
  let text = '';
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return new Set();
  }
  const unescape = (p: string) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return new Set(text.split('\n').filter(Boolean).map((line) => unescape(line.split(' ')[4] ?? '')));
}

export function realHost(): HostPort {
  const run: HostPort['run'] = (cmd, args, options = {}) =>
    new Promise((resolve) => {
      const child = spawn(cmd, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : null;
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', (err) => {
        if (timer) clearTimeout(timer);
        resolve({ code: 127, stdout, stderr: `${stderr}${(err as Error).message}` });
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr: signal ? `${stderr}(killed by ${signal})` : stderr });
      });
    });

  return {
    isRoot: () => process.getuid?.() === 0,
    systemdIsPid1: () => existsSync('/run/systemd/system'),
    hostnames() {
      const names = new Set<string>(['localhost', '127.0.0.1', '::1']);
      const host = hostname();
      if (host) names.add(host);
      for (const addrs of Object.values(networkInterfaces())) {
        for (const a of addrs ?? []) if (!a.internal && !a.address.startsWith('fe80')) names.add(a.address);
      }
      return [...names];
    },
    run,
    mkdir: (path, mode) => {
      try {
        mkdirSync(path, { recursive: true, mode });
      } catch (err) {
        // A recursive mkdir on a read-only mount says ENOENT; ask the nearest existing folder why.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        let parent = dirname(path);
        while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
        accessSync(parent, constants.W_OK);
        throw err;
      }
    },
    writeFileAtomic(path, data, mode) {
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.tmp-${process.pid}`;
      const fd = openSync(tmp, 'w', mode);
      try {
        writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      chmodSync(tmp, mode);
      renameSync(tmp, path);
    },
    readFile: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
    exists: (path) => existsSync(path),
    isSymlink: (path) => {
      try {
        return lstatSync(path).isSymbolicLink();
      } catch {
        return false;
      }
    },
    readLink: (path) => {
      try {
        return readlinkSync(path);
      } catch {
        return null;
      }
    },
    symlinkAtomic(target, link) {
      const tmp = `${link}.tmp-${process.pid}`;
      rmSync(tmp, { force: true });
      symlinkSync(target, tmp);
      renameSync(tmp, link);
    },
    remove: (path) => rmSync(path, { recursive: true, force: true }),
    removeKeepingMounts(path) {
      const mounts = mountPoints();
      const kept: string[] = [];
      const clear = (dir: string) => {
        const inside = [...mounts].filter((m) => m === dir || m.startsWith(`${dir}/`));
        if (inside.length === 0) {
          rmSync(dir, { recursive: true, force: true });
          return;
        }
        for (const entry of readdirSync(dir)) clear(join(dir, entry));
        if (mounts.has(dir)) kept.push(dir);
        else rmSync(dir, { recursive: true, force: true });
      };
      if (existsSync(path)) clear(resolve(path));
      return { kept };
    },
    chmod: (path, mode) => chmodSync(path, mode),
    async chown(path, user, group, recursive = false) {
      const r = await run('chown', [...(recursive ? ['-R'] : []), `${user}:${group}`, path]);
      if (r.code !== 0) throw new Error(`chown ${user}:${group} ${path} failed: ${r.stderr.trim()}`);
    },
    async copyTree(src, dest) {
      mkdirSync(dirname(dest), { recursive: true });
      const linked = await run('cp', ['-al', src, dest]);
      if (linked.code === 0) return;
      rmSync(dest, { recursive: true, force: true });
      cpSync(src, dest, { recursive: true, verbatimSymlinks: true });
    },
    sizeOf(path) {
      try {
        return statSync(path).size;
      } catch {
        return 0;
      }
    },
    diskUsage(path) {
      let p = path;
      while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
      try {
        const s = statfsSync(p);
        return { total: s.blocks * s.bsize, free: s.bavail * s.bsize };
      } catch {
        return null;
      }
    },
    async userExists(name) {
      return (await run('getent', ['passwd', name])).code === 0;
    },
    async createSystemUser(name, home) {
      const r = await run('useradd', ['--system', '--user-group', '--home-dir', home, '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
      if (r.code !== 0 && r.code !== 9) throw new Error(`useradd ${name} failed: ${r.stderr.trim()}`);
    },
    httpsGet(url, caPem, timeoutMs) {
      return new Promise((resolve) => {
        const req = httpsRequest(url, { ca: caPem ?? undefined, rejectUnauthorized: caPem !== null, timeout: timeoutMs }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
        req.end();
      });
    },
  };
}

