import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What the tests that install the appliance as an administrator would share: a throw-away Debian
 * system (an overlay over a pristine root), the same system booted with systemd as its PID 1
 * (systemd-nspawn), and HTTPS to the installed appliance trusting only its own CA.
 */

export const CLEAN_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8' };

export interface ShResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function sh(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ShResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: options.env ?? process.env, timeout: options.timeoutMs ?? 900_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: `${String(stderr)}${err && code === -1 ? `\n(${err.message})` : ''}` });
    });
  });
}

export async function must(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  const r = await sh(cmd, args, options);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return r.stdout;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A throw-away Debian system: an overlay over a pristine root. For chroot use it also gets /proc,
 * /sys, /dev and its own /run and /tmp; booted with systemd-nspawn, nspawn sets those up itself.
 */
export class OverlayRoot {
  readonly dir: string;
  readonly merged: string;
  private constructor(dir: string) {
    this.dir = dir;
    this.merged = join(dir, 'root');
  }

  static async over(lower: string, options: { chroot: boolean } = { chroot: true }): Promise<OverlayRoot> {
    const root = new OverlayRoot(mkdtempSync(join(tmpdir(), 'contactbox-root-')));
    const layer = join(root.dir, 'layer');
    mkdirSync(layer);
    mkdirSync(root.merged);
    // The upper layer lives on its own tmpfs: overlayfs refuses an upper directory inside its lower one (/).
    await must('mount', ['-t', 'tmpfs', '-o', 'size=6g', 'tmpfs', layer]);
    mkdirSync(join(layer, 'upper'));
    mkdirSync(join(layer, 'work'));
    await must('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${join(layer, 'upper')},workdir=${join(layer, 'work')}`, root.merged]);
    if (options.chroot) {
      await must('mount', ['-t', 'proc', 'proc', join(root.merged, 'proc')]);
      await must('mount', ['-t', 'sysfs', 'sysfs', join(root.merged, 'sys')]);
      await must('mount', ['--rbind', '/dev', join(root.merged, 'dev')]);
      await must('mount', ['--make-rslave', join(root.merged, 'dev')]);
      // A root of its own: nothing of this machine's /run or /tmp (or a service of ours) shows through.
      for (const d of ['run', 'tmp']) await must('mount', ['-t', 'tmpfs', 'tmpfs', join(root.merged, d)]);
    }
    return root;
  }

  path(p: string): string {
    return join(this.merged, p);
  }

  run(args: string[], options: { offline?: boolean; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<ShResult> {
    const env = { ...CLEAN_ENV, DEBIAN_FRONTEND: 'noninteractive', ...options.env };
    const chroot = ['chroot', this.merged, 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...args];
    const spawnOptions = { timeoutMs: options.timeoutMs }; // options.env is the root's, set through env -i above
    return options.offline ? sh('unshare', ['--net', ...chroot], spawnOptions) : sh(chroot[0]!, chroot.slice(1), spawnOptions);
  }

  /** Processes chrooted into this root (the pm2 daemon and the appliance), to end them by pid. */
  pids(): number[] {
    return pidsWhere((pid) => readlinkSync(`/proc/${pid}/root`) === this.merged);
  }

  async destroy(): Promise<void> {
    for (const pid of this.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (let i = 0; i < 50 && this.pids().length; i++) await sleep(100);
    await sh('umount', ['-R', this.merged]);
    await sh('umount', [join(this.dir, 'layer')]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function pidsWhere(test: (pid: string) => boolean): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return test(p);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/**
 * A root booted with systemd as its PID 1 (systemd-nspawn --boot): what `contactbox install` meets
 * on a real server. It has a network of its own (so this machine's services never hold its ports),
 * joined to this machine by a veth pair: this side is `hostAddress`, the system is `address`.
 * Commands run inside through nsenter.
 */
export class BootedSystemd {
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly root: OverlayRoot,
    private readonly nspawn: ChildProcess,
    /** systemd, PID 1 inside, as this machine sees it. */
    readonly init: number,
    readonly hostAddress: string,
    readonly address: string,
  ) {
    this.exited = new Promise((resolve) => (nspawn.exitCode !== null ? resolve(nspawn.exitCode) : nspawn.once('exit', resolve)));
  }

  /** Boots `root`; `binds` are host directories the system sees read-only at the same paths. */
  static async boot(root: OverlayRoot, binds: string[], timeoutMs = 180_000): Promise<BootedSystemd> {
    const nspawnBin = ['/usr/bin/systemd-nspawn', '/bin/systemd-nspawn'].find((p) => existsSync(p));
    if (!nspawnBin) throw new Error('systemd-nspawn is missing: install the Debian package systemd-container (scripts/test-packages.txt lists it)');
    // No systemd (and no machined) runs this machine: keep nspawn in our own cgroup and register nothing.
    const link = `cbx${process.pid}`.slice(0, 15);
    const args = ['-D', root.merged, '--boot', '--register=no', '--keep-unit', '--link-journal=no', '--console=passive', `--machine=contactbox-${process.pid}`, `--network-veth-extra=${link}:eth0`, ...binds.map((b) => `--bind-ro=${b}`)];
    const nspawn = spawn(nspawnBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    nspawn.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    nspawn.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + timeoutMs;
    let init = 0;
    let state = '';
    while (Date.now() < deadline && nspawn.exitCode === null) {
      init ||= pidsWhere((pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) \S+ /, '').startsWith(`${nspawn.pid} `))[0] ?? 0;
      if (init) {
        // is-system-running exits non-zero when "degraded" (some unrelated unit failed): read its answer.
        state = (await sh('nsenter', ['-t', String(init), '-a', 'systemctl', 'is-system-running'])).stdout.trim();
        if (state === 'running' || state === 'degraded') break;
      }
      await sleep(250);
    }
    if (nspawn.exitCode !== null || !(state === 'running' || state === 'degraded')) {
      nspawn.kill('SIGKILL');
      throw new Error(`systemd did not boot in ${root.merged} (systemd-nspawn ${nspawn.exitCode === null ? 'still running' : `exited ${nspawn.exitCode}`}, state "${state}"):\n${output}`);
    }
    // A /30 of its own (by pid, so two runs side by side do not meet), set up from this side.
    const net = `10.${200 + (process.pid % 50)}.${(process.pid >> 6) % 256}`;
    const [hostAddress, address] = [`${net}.${(process.pid % 63) * 4 + 1}`, `${net}.${(process.pid % 63) * 4 + 2}`];
    const nsIp = (...a: string[]) => must('nsenter', ['-t', String(init), '-n', 'ip', ...a]);
    await must('ip', ['addr', 'add', `${hostAddress}/30`, 'dev', link]);
    await must('ip', ['link', 'set', link, 'up']);
    await nsIp('addr', 'add', `${address}/30`, 'dev', 'eth0');
    await nsIp('link', 'set', 'eth0', 'up');
    await nsIp('link', 'set', 'lo', 'up');
    return new BootedSystemd(root, nspawn, init, hostAddress, address);
  }

  run(args: string[], options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<ShResult> {
    const env = { ...CLEAN_ENV, ...options.env };
    return sh('nsenter', ['-t', String(this.init), '-a', 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...args], { timeoutMs: options.timeoutMs });
  }

  /** A unit's main process as this machine numbers it (to signal it from here), or null. */
  async mainPid(unit: string): Promise<number | null> {
    const inside = Number((await this.run(['systemctl', 'show', unit, '-p', 'MainPID', '--value'])).stdout.trim());
    if (!inside) return null;
    const ns = readlinkSync(`/proc/${this.init}/ns/pid`);
    const [pid] = pidsWhere((p) => readlinkSync(`/proc/${p}/ns/pid`) === ns && new RegExp(`^NSpid:.*\\s${inside}$`, 'm').test(readFileSync(`/proc/${p}/status`, 'utf8')));
    return pid ?? null;
  }

  /** Powers the system off (nspawn turns SIGTERM into an orderly shutdown), then removes the root. */
  async destroy(): Promise<void> {
    if (this.nspawn.exitCode === null) {
      this.nspawn.kill('SIGTERM');
      const timer = setTimeout(() => {
        this.nspawn.kill('SIGKILL');
        try {
          process.kill(this.init, 'SIGKILL'); // PID 1 of the namespace: everything inside goes with it
        } catch {
          // already gone
        }
      }, 60_000);
      await this.exited;
      clearTimeout(timer);
    }
    await this.root.destroy();
  }
}

export interface HttpsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Where an installed appliance answers: a port on 127.0.0.1, or a host and port. */
export type Target = number | { host: string; port: number };

/** HTTPS to the appliance trusting only the installation's own CA. */
export function https(target: Target, ca: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { ...(typeof target === 'number' ? { host: '127.0.0.1', port: target } : target), method, path, ca, servername: 'localhost', timeout: 10_000, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** Waits (generously: a condition, not a time limit) until /healthz answers 200 (with `version` when given). */
export async function healthy(target: Target, ca: string, version?: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await https(target, ca, 'GET', '/healthz');
      if (r.status === 200 && (version === undefined || (JSON.parse(r.body) as { version: string }).version === version)) return;
      last = `HTTP ${r.status} ${r.body.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`no healthy ${version ?? 'appliance'} at ${JSON.stringify(target)} (last: ${last})`);
}

/** Logs in over HTTPS; returns the headers a browser of that session sends (its cookie and CSRF token). */
export async function login(target: Target, ca: string, username: string, password: string): Promise<Record<string, string>> {
  const r = await https(target, ca, 'POST', '/api/v1/auth/login', { username, password });
  if (r.status !== 200) throw new Error(`login as ${username}: HTTP ${r.status} ${r.body}`);
  return { cookie: String(r.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': (JSON.parse(r.body) as { csrfToken: string }).csrfToken };
}
