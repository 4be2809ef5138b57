import { execFile, type ExecFileException } from 'node:child_process';
import { readFile, readdir, readlink, stat, statfs } from 'node:fs/promises';
import { cpus, release } from 'node:os';
import { dirname, resolve } from 'node:path';
import { measureIperf3, measureTcpLatency, parseProcNetSockets, type Iperf3Reading, type LatencyReading, type RawSocket } from './system-facts-net.js';

/**
 * The one interface through which `check` (and later `install`/`status`) read facts about this
 * machine. Facts are raw readings, never judgements: the rules in `installer/checks/` decide.
 * Tests replay recorded facts (`recordedFacts`) from `test/fixtures/facts/*.json`.
 */
export interface SystemFacts {
  memory(): Promise<MemoryFacts>;
  cpu(): Promise<CpuFacts>;
  os(): Promise<OsFacts>;
  node(): Promise<NodeFacts>;
  /** Free space on the volume that holds `path` (or its nearest existing parent). */
  disk(path: string): Promise<DiskFacts>;
  /** Listening TCP sockets and bound UDP sockets, with the owning process when it can be found. */
  sockets(): Promise<SocketFacts[]>;
  asterisk(): Promise<AsteriskFacts>;
  /** TCP-handshake round trip to `host` on 443, then 80; never takes longer than `timeoutMs`. */
  latency(host: string, timeoutMs: number): Promise<LatencyFacts>;
  /** Upload and download throughput against an iperf3 server, bounded in bytes and seconds. */
  bandwidth(server: { host: string; port: number }, timeoutMs: number): Promise<BandwidthFacts>;
}

export interface MemoryFacts {
  /** MemTotal from /proc/meminfo, in bytes. */
  memTotalBytes: number;
}

export interface CpuFacts {
  /** `model name` from /proc/cpuinfo (or systeminformation's brand where the kernel gives none). */
  modelName: string;
  vendor: string;
  /** Logical processors (threads) the OS schedules on. */
  logicalCores: number;
  physicalCores: number | null;
  /** The `hypervisor` CPU flag: this is a virtual machine. */
  hypervisor: boolean;
  /** `cpu MHz` of the first processor in /proc/cpuinfo (current clock; on VMs the clock the hypervisor reports). */
  cpuinfoMHz: number | null;
  /** intel_pstate's base_frequency, MHz. */
  sysfsBaseMHz: number | null;
  /** cpufreq's cpuinfo_max_freq, MHz (often the boost clock). */
  sysfsMaxMHz: number | null;
  /** systeminformation's speed (from the model string or its own tables), GHz; 0 = unknown. */
  siSpeedGHz: number | null;
  arch: string;
}

export interface OsFacts {
  /** Parsed /etc/os-release (fallback /usr/lib/os-release); null when neither exists. */
  osRelease: Record<string, string> | null;
  glibc: string | null;
  kernel: string;
  arch: string;
}

export interface NodeFacts {
  version: string;
  execPath: string;
}

export interface DiskFacts {
  requestedPath: string;
  /** The nearest existing directory at or above requestedPath, on which statfs was called. */
  existingPath: string;
  freeBytes: number;
  totalBytes: number;
}

export interface SocketOwner {
  pid: number;
  command: string;
  cmdline: string;
}

export interface SocketFacts extends RawSocket {
  user: string | null;
  owner: SocketOwner | null;
}

export interface AsteriskFacts {
  /** First line of `asterisk -V`, e.g. "Asterisk 20.5.2". */
  binaryVersion: string | null;
  /** dpkg's version of the installed `asterisk` package. */
  dpkgVersion: string | null;
  /** `Candidate:` of `apt-cache policy asterisk`; null when apt offers none. */
  aptCandidate: string | null;
  /** Why apt could not be asked, when it could not. */
  aptError: string | null;
}

/** `intercepted`: an address that cannot exist answered on the same port — a transparent proxy is in the way. */
export type LatencyFacts = LatencyReading;

export type { Iperf3Reading };
/** One iperf3 test each way, run one after the other (an iperf3 server takes one test at a time). */
export interface BandwidthFacts {
  server: string;
  upload: Iperf3Reading;
  download: Iperf3Reading;
}

/** Everything a fixture holds: one reading of each fact. */
export interface RecordedFacts {
  description: string;
  memory: MemoryFacts;
  cpu: CpuFacts;
  os: OsFacts;
  node: NodeFacts;
  disk: DiskFacts;
  sockets: SocketFacts[];
  asterisk: AsteriskFacts;
  latency: LatencyFacts;
  bandwidth: BandwidthFacts | null;
}

/** Replays a recording: the port tests use in place of the machine. */
export function recordedFacts(rec: RecordedFacts): SystemFacts {
  return {
    memory: async () => rec.memory,
    cpu: async () => rec.cpu,
    os: async () => rec.os,
    node: async () => rec.node,
    disk: async (path) => ({ ...rec.disk, requestedPath: path }),
    sockets: async () => rec.sockets,
    asterisk: async () => rec.asterisk,
    latency: async (host) => ({ ...rec.latency, host }),
    bandwidth: async (server) => {
      const none = { measured: false as const, reason: 'no bandwidth reading in this recording' };
      return { upload: none, download: none, ...rec.bandwidth, server: `${server.host}:${server.port}` };
    },
  };
}

const run = (file: string, args: string[], timeoutMs = 4000) =>
  new Promise<{ stdout: string; stderr: string; error: ExecFileException | null }>((done) => {
    execFile(file, args, { timeout: timeoutMs, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } }, (error, stdout, stderr) =>
      done({ stdout: String(stdout), stderr: String(stderr), error }),
    );
  });

const readText = (path: string) => readFile(path, 'utf8');
const readOptional = (path: string) => readText(path).catch(() => null);
const khzToMhz = (text: string | null) => (text && /^\d+/.test(text.trim()) ? Math.round(Number.parseInt(text, 10) / 1000) : null);

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    out[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  }
  return out;
}

export function parseMemTotal(meminfo: string): number {
  const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(meminfo);
  if (!m) throw new Error('/proc/meminfo has no MemTotal line');
  return Number(m[1]) * 1024;
}

async function nearestExisting(path: string): Promise<string> {
  let current = resolve(path);
  for (;;) {
    const s = await stat(current).catch(() => null);
    if (s?.isDirectory()) return current;
    const parent = dirname(current);
    if (parent === current) return current;
    current = parent;
  }
}

/** Maps socket inodes to processes by walking /proc/PID/fd; processes we may not inspect are skipped. */
async function socketOwners(inodes: Set<string>): Promise<Map<string, SocketOwner>> {
  const owners = new Map<string, SocketOwner>();
  if (inodes.size === 0) return owners;
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((d) => /^\d+$/.test(d));
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (!m || !inodes.has(m[1]!) || owners.has(m[1]!)) continue;
      const command = ((await readOptional(`/proc/${pid}/comm`)) ?? '').trim();
      const cmdline = ((await readOptional(`/proc/${pid}/cmdline`)) ?? '').split('\0').join(' ').trim().slice(0, 300);
      owners.set(m[1]!, { pid: Number(pid), command, cmdline });
    }
    if (owners.size === inodes.size) break;
  }
  return owners;
}

function userNames(passwd: string | null): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of (passwd ?? '').split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid && /^\d+$/.test(uid)) names.set(Number(uid), name);
  }
  return names;
}

/** The real machine. systeminformation is imported on first use so `contactbox --help` stays fast. */
export function createSystemFacts(): SystemFacts {
  return {
    async memory() {
      return { memTotalBytes: parseMemTotal(await readText('/proc/meminfo')) };
    },

    async cpu() {
      const cpuinfo = (await readOptional('/proc/cpuinfo')) ?? '';
      const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(cpuinfo)?.[1]?.trim() ?? null;
      const si = (await import('systeminformation')).default;
      const info = await si.cpu().catch(() => null);
      const mhz = field('cpu MHz');
      const base = '/sys/devices/system/cpu/cpu0/cpufreq';
      return {
        modelName: field('model name') ?? ([info?.manufacturer, info?.brand].filter(Boolean).join(' ') || 'unknown'),
        vendor: field('vendor_id') ?? info?.vendor ?? 'unknown',
        logicalCores: cpus().length,
        physicalCores: info?.physicalCores ?? null,
        hypervisor: /\bhypervisor\b/.test(field('flags') ?? ''),
        cpuinfoMHz: mhz ? Number.parseFloat(mhz) : null,
        sysfsBaseMHz: khzToMhz(await readOptional(`${base}/base_frequency`)),
        sysfsMaxMHz: khzToMhz(await readOptional(`${base}/cpuinfo_max_freq`)),
        siSpeedGHz: info?.speed ? info.speed : null,
        arch: process.arch,
      };
    },

    async os() {
      const text = (await readOptional('/etc/os-release')) ?? (await readOptional('/usr/lib/os-release'));
      const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
      return { osRelease: text ? parseOsRelease(text) : null, glibc: header?.glibcVersionRuntime ?? null, kernel: release(), arch: process.arch };
    },

    async node() {
      return { version: process.versions.node, execPath: process.execPath };
    },

    async disk(path) {
      const existingPath = await nearestExisting(path);
      const s = await statfs(existingPath);
      // bavail, not bfree: the appliance runs unprivileged and cannot use the root-reserved blocks.
      return { requestedPath: path, existingPath, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
    },

    async sockets() {
      const files = ['tcp', 'tcp6', 'udp', 'udp6'] as const;
      const raw: RawSocket[] = [];
      for (const f of files) {
        const text = await readOptional(`/proc/net/${f}`);
        if (text) raw.push(...parseProcNetSockets(text, f.startsWith('tcp') ? 'tcp' : 'udp'));
      }
      const owners = await socketOwners(new Set(raw.map((s) => s.inode)));
      const names = userNames(await readOptional('/etc/passwd'));
      return raw.map((s) => ({ ...s, user: names.get(s.uid) ?? null, owner: owners.get(s.inode) ?? null }));
    },

    async asterisk() {
      const [bin, dpkg, policy] = await Promise.all([
        run('asterisk', ['-V']),
        run('dpkg-query', ['-W', '-f=${Status}|${Version}', 'asterisk']),
        run('apt-cache', ['policy', 'asterisk'], 8000),
      ]);
      const dpkgMatch = /install ok installed\|(.+)/.exec(dpkg.stdout);
      const candidate = /Candidate:\s*(\S+)/.exec(policy.stdout)?.[1] ?? null;
      const aptError = policy.error && (policy.error.code === 'ENOENT' || policy.error.killed === true) ? `apt-cache: ${policy.error.code === 'ENOENT' ? 'not installed' : 'timed out'}` : null;
      return {
        binaryVersion: bin.error ? null : (bin.stdout.split('\n')[0]?.trim() || null),
        dpkgVersion: dpkgMatch?.[1]?.trim() ?? null,
        aptCandidate: candidate && candidate !== '(none)' ? candidate : null,
        aptError,
      };
    },

    latency: (host, timeoutMs) => measureTcpLatency(host, { ports: [443, 80], timeoutMs }),
    async bandwidth(server, timeoutMs) {
      const each = { timeoutMs: Math.floor(timeoutMs / 2), seconds: 2.5 };
      const upload = await measureIperf3(server, { ...each, direction: 'upload' });
      // iperf3 serves one test at a time and reopens its listening socket after each: for a moment after
      // the upload it refuses or says it is busy, so the download is retried briefly.
      let download = await measureIperf3(server, { ...each, direction: 'download' });
      for (let i = 0; i < 5 && upload.measured && !download.measured && /busy|refused/.test(download.reason); i++) {
        await new Promise((r) => setTimeout(r, 200));
        download = await measureIperf3(server, { ...each, direction: 'download' });
      }
      return { server: `${server.host}:${server.port}`, upload, download };
    },
  };
}
