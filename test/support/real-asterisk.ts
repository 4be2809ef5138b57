/**
 * A real Asterisk 22 for tests, configured by the product itself.
 *
 *   const ast = await startRealAsterisk();          // one per test file (before/after hooks)
 *   ast.ami / ast.ari                               // credentials provisioning produced (AMI user with the installer's classes)
 *   ast.net                                         // the loopback ports in use (sip, ami, http, rtp, sipp peers)
 *   await ast.rx('pjsip show endpoints')            // `asterisk -rx`
 *   ast.errors()                                    // ERROR lines of Asterisk's log so far ([] when clean)
 *   await ast.sipp({ scenario, remote, port, ... }) // runs sipp (scenario files in test/asterisk/sipp/)
 *   ast.queueLog() / ast.cdr()                      // Asterisk's own records, parsed
 *   await ast.stop()                                // core stop now, waits for the pid to go, removes the folder
 *
 * How: the shared build `../shared/asterisk/asterisk-22.10.1-debian12-amd64.tar.xz` (relative to
 * the repository; a git worktree looks next to its main checkout) is unpacked once into
 * `.tmp/asterisk/` of the repository. Each instance gets a temporary folder with its own
 * `asterisk.conf` pointing every directory there, a small administrator's base (modules,
 * logger, CDR, an AMI `[general]` bound to 127.0.0.1, empty main files), then the product's
 * provisioning (`provisionAsterisk`, exactly what `contactbox install` runs) writes its
 * `*_contactbox.conf` files and include lines from a `ProvisioningModel`. The default model is
 * a real install's: operators, the `support` queue, a SIP provider trunk, a 2-SIM GSM gateway
 * and an analog gateway, every peer on 127.0.0.1 with free ports, so sipp can play the
 * gateway (`net.gsmPort`), the provider (`net.providerPort`) and desk-phone operators.
 * Asterisk runs as the test's user in the background; nothing listens beyond loopback.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { trunkKinds } from '../../appliance/trunks/kinds/index.js';
import type { TrunkDefinition } from '../../appliance/trunks/model.js';
import { parseTrunk } from '../../appliance/trunks/validation.js';
import { connectAmi } from '../../installer/ports/ami.js';
import type { FilesPort } from '../../installer/ports/asterisk.js';
import { defaultModel, type ProvisioningModel } from '../../installer/provisioning/model.js';
import { provisionAsterisk, type AmiCredentials, type AriCredentials, type ProvisioningPorts, type ProvisionResult } from '../../installer/provisioning/provision.js';
import { freePort, REPO_ROOT } from './cli.js';

export const ASTERISK_VERSION = '22.10.1';
const TARBALL = `asterisk-${ASTERISK_VERSION}-debian12-amd64.tar.xz`;

/** `../shared/asterisk/` next to the repository (or next to the main checkout of a git worktree). */
export function sharedAsteriskDir(): string {
  const candidates = [resolve(REPO_ROOT, '../shared/asterisk')];
  const dotGit = join(REPO_ROOT, '.git');
  if (existsSync(dotGit) && !existsSync(join(dotGit, 'HEAD'))) {
    // A worktree: `.git` is a file "gitdir: <main>/.git/worktrees/<name>".
    const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    if (m) candidates.push(resolve(m[1]!.trim(), '../../../../shared/asterisk'));
  }
  const found = candidates.find((d) => existsSync(join(d, TARBALL)));
  if (!found) throw new Error(`no ${TARBALL} in ${candidates.join(' or ')}`);
  return found;
}

/** Unpacks the shared build once into `.tmp/asterisk/` and returns the unpacked tree. */
export function asteriskTree(): string {
  const cache = join(REPO_ROOT, '.tmp', 'asterisk');
  const tree = join(cache, `asterisk-${ASTERISK_VERSION}`);
  if (existsSync(join(tree, 'sbin', 'asterisk'))) return tree;
  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(join(cache, 'unpack-'));
  const r = spawnSync('tar', ['-xJf', join(sharedAsteriskDir(), TARBALL), '-C', staging], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`unpacking ${TARBALL} failed: ${r.stderr}`);
  try {
    renameSync(join(staging, `asterisk-${ASTERISK_VERSION}`), tree);
  } catch (err) {
    if (!existsSync(join(tree, 'sbin', 'asterisk'))) throw err;
  }
  rmSync(staging, { recursive: true, force: true });
  return tree;
}

/** The loopback ports one instance uses. */
export interface AsteriskNet {
  host: '127.0.0.1';
  sip: number;
  ami: number;
  http: number;
  rtp: { start: number; end: number };
  /** The GSM gateway's lines (auth ip): line N is sipp on `gsmPort + N - 1`. */
  gsmPort: number;
  /** The SIP provider (auth ip, identified by address) is sipp on `providerHost:providerPort`. */
  providerHost: '127.0.0.2';
  providerPort: number;
  /** The analog gateway's ports (auth ip): port N is `analogPort + N - 1`. */
  analogPort: number;
  /** Spare ports for desk-phone operators played by sipp. */
  phonePorts: number[];
}

/** DIDs of the default model. */
export const DIDS = { gsm1: '380671110001', gsm2: '380671110002', provider: '380441234567', analog: '380442220000' } as const;

/** One UDP port free now (and its +count-1 neighbours), on 127.0.0.1. */
export async function freeUdpRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 20000) * 2;
    const sockets = [];
    let ok = true;
    for (let i = 0; i < count && ok; i++) {
      const s = createSocket('udp4');
      ok = await new Promise<boolean>((res) => {
        s.once('error', () => res(false));
        s.bind(base + i, '127.0.0.1', () => res(true));
      });
      sockets.push(s);
    }
    await Promise.all(sockets.map((s) => new Promise<void>((res) => { try { s.close(() => res()); } catch { res(); } })));
    if (ok) return base;
  }
  throw new Error('no free UDP port range on 127.0.0.1');
}

/** True when `port` can be listened on over TCP on 127.0.0.1 now. */
function tcpFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const server = createServer();
    server.once('error', () => res(false));
    server.listen(port, '127.0.0.1', () => server.close(() => res(true)));
  });
}

export async function allocateNet(): Promise<AsteriskNet> {
  // The SIP port serves UDP and TCP (cb-transport-tcp): free for both.
  let sip = await freeUdpRun(1);
  while (!(await tcpFree(sip))) sip = await freeUdpRun(1);
  const rtpStart = await freeUdpRun(200);
  return {
    host: '127.0.0.1',
    sip,
    ami: await freePort(),
    http: await freePort(),
    rtp: { start: rtpStart, end: rtpStart + 199 },
    gsmPort: await freeUdpRun(2),
    providerHost: '127.0.0.2',
    providerPort: await freeUdpRun(1),
    analogPort: await freeUdpRun(2),
    phonePorts: [await freeUdpRun(1), await freeUdpRun(1), await freeUdpRun(1)],
  };
}

/** The trunks a real install has, every peer on loopback. */
export function defaultTrunks(net: AsteriskNet): TrunkDefinition[] {
  const inputs: Record<string, unknown>[] = [
    // The provider is identified by its address alone (any port), so it gets its own: 127.0.0.2.
    { kind: 'sip', name: 'uplink', host: net.providerHost, port: net.providerPort, auth: 'ip', dids: [DIDS.provider], outbound: ['+'], priority: 20 },
    {
      kind: 'gsm', name: 'goip', host: net.host, auth: 'ip', port: net.gsmPort, channels: 1,
      dids: [DIDS.gsm1], outbound: ['380'], priority: 10, dialTimeoutSec: 30,
    },
    {
      kind: 'analog', name: 'fxgw', host: net.host, auth: 'ip', port: net.analogPort,
      ports: [{ type: 'fxo', did: DIDS.analog }, { type: 'fxs', extension: '301' }], outbound: ['8:1'],
    },
  ];
  const out: TrunkDefinition[] = [];
  for (const input of inputs) out.push(parseTrunk(input, out, trunkKinds));
  return out;
}

/**
 * The model a real install renders: two browser operators (WebRTC, the softphone) and two
 * desk-phone operators over UDP that sipp plays (`phone1`, `phone2` at `net.phonePorts`),
 * all in `support`.
 */
export function defaultAsteriskModel(net: AsteriskNet, dir: string): ProvisioningModel {
  return defaultModel({
    sip: { bindAddress: net.host, udpPort: net.sip, tcpPort: net.sip, externalAddress: null, localNets: [] },
    http: { bindAddress: net.host, port: net.http, tls: null },
    rtp: net.rtp,
    recordingDir: join(dir, 'var', 'spool', 'recording'),
    // The instance's own AMI port: two instances (parallel runs) never meet on 5038.
    ami: { username: 'contactbox', secret: null, port: net.ami },
    operators: [
      { endpoint: 'cb-op-7', extension: '1007', name: 'Olena Koval', secret: 'Op7-Browser-Pass-1', queues: ['support'] },
      { endpoint: 'cb-op-8', extension: '1008', name: 'Petro Shevchenko', secret: 'Op8-Browser-Pass-2', queues: ['support'] },
      { endpoint: 'phone1', extension: '201', name: 'Desk Phone One', secret: 'Phone1-Pass-3', queues: ['support'], device: 'sip', contact: `sip:phone1@${net.host}:${net.phonePorts[0]}` },
      { endpoint: 'phone2', extension: '202', name: 'Desk Phone Two', secret: 'Phone2-Pass-4', queues: ['support'], device: 'sip', contact: `sip:phone2@${net.host}:${net.phonePorts[1]}` },
      // An intern's desk phone, in no queue: calls and transfers through the interns' context.
      { endpoint: 'phone3', extension: '203', name: 'Desk Phone Three', secret: 'Phone3-Pass-5', queues: [], device: 'sip', contact: `sip:phone3@${net.host}:${net.phonePorts[2]}`, intern: true },
    ],
    trunks: defaultTrunks(net),
  });
}

export interface RealAsteriskOptions {
  /** The provisioning model; default `defaultAsteriskModel`. */
  model?: (net: AsteriskNet, dir: string) => ProvisioningModel;
  /** Extra lines the administrator already has in a main file (`pjsip.conf` → text), written before provisioning. */
  admin?: Record<string, string> | ((net: AsteriskNet) => Record<string, string>);
  /** false: Asterisk starts on the administrator's files alone; the test provisions (`provisionPorts`) itself. */
  provision?: boolean;
}

export interface SippRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SippOptions {
  /** A file in test/asterisk/sipp/ or an absolute path. */
  scenario: string;
  /** Local SIP port sipp binds (a gateway line, a phone). */
  port: number;
  /** Request-URI user (`-s`). */
  service?: string;
  /** Calls to make (`-m`), default 1. */
  calls?: number;
  /** Extra `-key NAME VALUE` pairs for `[NAME]` in the scenario. */
  keys?: Record<string, string>;
  /** Longest the run may take before it is killed (ms), default 60 s. */
  timeoutMs?: number;
  /** Local address sipp binds (default 127.0.0.1; the provider is 127.0.0.2). */
  ip?: string;
  /** Digest credentials for `[authentication]` (`-au`/`-ap`). */
  auth?: { username: string; password: string };
  /** `{{name}}` values filled into the scenario (`ring`, `talk` in ms…). */
  vars?: Record<string, string>;
  /** Server mode (no remote target): a UAS that waits for calls. */
  server?: boolean;
}

export interface RealAsterisk {
  dir: string;
  tree: string;
  net: AsteriskNet;
  model: ProvisioningModel;
  /** Provisioning's result (not to be read when started with `provision: false`). */
  provision: ProvisionResult;
  /** What `contactbox install` hands provisioning for this instance (files, etc dir, AMI, CLI). */
  provisionPorts: ProvisioningPorts;
  ami: AmiCredentials;
  ari: AriCredentials;
  etcDir: string;
  logDir: string;
  recordingDir: string;
  rx(command: string): Promise<string>;
  errors(): string[];
  log(): string;
  sipp(o: SippOptions): Promise<SippRun>;
  /**
   * Makes Asterisk count `endpoint`'s contact reachable before a case dials it. A peer played by
   * sipp is absent between cases; a qualify (OPTIONS, every 60 s) that found nobody marks the
   * contact unavailable until the next one, and Asterisk then refuses to dial it ("Could not create
   * dialog to invalid URI"). When it is, a sipp on `port` answers a qualify sent now. Call it before
   * the sipp playing the peer starts: a server sipp takes an OPTIONS as its one call.
   */
  reachable(endpoint: string, port: number): Promise<void>;
  /** Starts sipp and returns at once; `done` settles when it exits, `kill()` stops it. */
  sippBackground(o: SippOptions): Promise<{ done: Promise<SippRun>; kill(): void }>;
  queueLog(): QueueLogLine[];
  cdr(): CdrLine[];
  stop(): Promise<void>;
}

export interface QueueLogLine {
  time: number;
  callId: string;
  queue: string;
  agent: string;
  event: string;
  data: string[];
}

export interface CdrLine {
  src: string;
  dst: string;
  dcontext: string;
  channel: string;
  dstchannel: string;
  lastapp: string;
  start: string;
  answer: string;
  end: string;
  duration: number;
  billsec: number;
  disposition: string;
  uniqueid: string;
}

const MODULES = [
  'res_timing_timerfd', 'res_sorcery_astdb', 'res_sorcery_config', 'res_sorcery_memory', 'res_sorcery_memory_cache',
  'res_pjproject', 'res_pjsip', 'res_pjsip_session', 'chan_pjsip', 'res_pjsip_authenticator_digest',
  'res_pjsip_outbound_authenticator_digest', 'res_pjsip_endpoint_identifier_ip', 'res_pjsip_endpoint_identifier_user',
  'res_pjsip_registrar', 'res_pjsip_outbound_registration', 'res_pjsip_sdp_rtp', 'res_pjsip_caller_id', 'res_pjsip_nat',
  'res_pjsip_rfc3326', 'res_pjsip_dtmf_info', 'res_pjsip_refer', 'res_pjsip_diversion', 'res_pjsip_transport_websocket',
  'res_pjsip_pubsub', 'res_pjsip_outbound_publish', 'res_pjsip_exten_state', 'res_pjsip_dialog_info_body_generator', 'res_pjsip_pidf_body_generator', 'res_pjsip_path',
  'res_rtp_asterisk', 'res_srtp', 'res_http_websocket', 'res_websocket_client', 'res_crypto',
  'res_stasis', 'res_stasis_answer', 'res_stasis_playback', 'res_stasis_recording', 'res_stasis_device_state', 'res_stasis_snoop',
  'res_ari', 'res_ari_model', 'res_ari_applications', 'res_ari_asterisk', 'res_ari_bridges', 'res_ari_channels',
  'res_ari_device_states', 'res_ari_endpoints', 'res_ari_events', 'res_ari_playbacks', 'res_ari_recordings', 'res_ari_sounds',
  'app_stasis', 'res_musiconhold', 'res_manager_devicestate',
  'pbx_config', 'app_dial', 'app_queue', 'app_mixmonitor', 'app_stack', 'app_userevent', 'app_transfer', 'app_echo', 'app_playback', 'app_playtones',
  'app_originate', 'app_senddtmf',
  'func_groupcount', 'func_strings', 'func_callerid', 'func_channel', 'func_logic', 'func_cut', 'func_global', 'func_cdr', 'func_hangupcause',
  'bridge_simple', 'bridge_native_rtp', 'bridge_softmix', 'bridge_holding', 'bridge_builtin_features', 'bridge_builtin_interval_features',
  'codec_ulaw', 'codec_alaw', 'codec_a_mu', 'codec_g722', 'codec_resample', 'format_wav', 'format_pcm', 'format_sln',
  'cdr_csv',
];

function baseFiles(dir: string, tree: string): Record<string, string> {
  return {
    'asterisk.conf': [
      '[directories]',
      `astetcdir => ${dir}/etc`,
      `astmoddir => ${tree}/lib/asterisk/modules`,
      `astdatadir => ${tree}/share`,
      `astvarlibdir => ${dir}/var/lib`,
      `astdbdir => ${dir}/var/lib`,
      `astkeydir => ${dir}/var/lib`,
      `astagidir => ${dir}/var/lib/agi-bin`,
      `astspooldir => ${dir}/var/spool`,
      `astrundir => ${dir}/var/run`,
      `astlogdir => ${dir}/var/log`,
      `astcachedir => ${dir}/var/cache`,
      `astsbindir => ${tree}/sbin`,
      '[options]',
      'cache_media_frames = yes',
      'transmit_silence = no',
      '',
    ].join('\n'),
    'modules.conf': ['[modules]', 'autoload = no', ...MODULES.map((m) => `load => ${m}.so`), ''].join('\n'),
    'logger.conf': ['[general]', 'dateformat = %F %T.%3q', 'queue_log = yes', '[logfiles]', 'messages => notice,warning,error', ''].join('\n'),
    'cdr.conf': ['[general]', 'enable = yes', 'unanswered = yes', 'congestion = yes', '[csv]', 'usegmtime = yes', 'loguniqueid = yes', 'loguserfield = yes', ''].join('\n'),
    'musiconhold.conf': ['[general]', '[default]', 'mode = playlist', ''].join('\n'),
    'indications.conf': ['[general]', 'country = us', '[us]', 'description = United States', 'ringcadence = 2000,4000', 'dial = 350+440', 'busy = 480+620/500,0/500', 'ring = 440+480/2000,0/4000', 'congestion = 480+620/250,0/250', 'callwaiting = 440/300,0/10000', 'dialrecall = !350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,350+440', 'record = 1400/500,0/15000', 'info = !950/330,!1400/330,!1800/330,0', ''].join('\n'),
    'cel.conf': '[general]\nenable = no\n',
    'features.conf': '[general]\n',
    'acl.conf': '',
    'udptl.conf': '[general]\n',
    'pjproject.conf': '',
    'websocket_client.conf': '',
    'ccss.conf': '[general]\n',
    'manager.conf': ['[general]', 'enabled = yes', 'bindaddr = 127.0.0.1', ''].join('\n'),
    'pjsip.conf': '',
    'extensions.conf': ['[general]', 'static = yes', 'writeprotect = yes', ''].join('\n'),
    'queues.conf': ['[general]', 'persistentmembers = no', ''].join('\n'),
    'ari.conf': '[general]\n',
    'http.conf': '[general]\n',
    'rtp.conf': '[general]\n',
  };
}

function localFiles(): FilesPort {
  return {
    read: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : null),
    writeAtomic: (path, content, mode = 0o640) => {
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.tmp-${process.pid}`;
      writeFileSync(tmp, content, { mode });
      renameSync(tmp, path);
    },
    remove: (path) => rmSync(path, { force: true }),
    mkdirp: (d) => mkdirSync(d, { recursive: true }),
    grantAsterisk: async () => undefined,
  };
}

export const SIPP_DIR = join(REPO_ROOT, 'test', 'asterisk', 'sipp');

const running = new Set<{ done: Promise<SippRun>; kill(): void }>();

/** A sipp run that must have succeeded; otherwise the error says what sipp said. */
export function sippOk(run: SippRun, who: string): void {
  if (run.code !== 0) throw new Error(`${who}: sipp exited with ${run.code}\n${run.stderr.slice(-2000)}\n${run.stdout.slice(-1000)}`);
}

/**
 * Ends every sipp still running (a case's phone or callee left talking) and waits for them to
 * exit, so the next case finds its SIP ports free and no leftover phone answering for it.
 */
export async function settleSipp(): Promise<void> {
  const left = [...running];
  for (const r of left) r.kill();
  await Promise.all(left.map((r) => r.done));
}

function run(cmd: string, args: string[], timeoutMs: number, cwd?: string): { done: Promise<SippRun>; kill(): void } {
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<SippRun>((res) => {
    child.on('error', (err) => res({ code: -1, stdout, stderr: `${stderr}${err.message}` }));
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code: code ?? -1, stdout, stderr });
    });
  });
  const handle = { done, kill: () => child.kill('SIGKILL') };
  running.add(handle);
  void done.then(() => running.delete(handle));
  return handle;
}

/** Waits until `fn` returns a truthy value (polling), or throws with `what` after `timeoutMs`. */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 20_000, everyMs = 100): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; }
    else cur += c;
  }
  out.push(cur);
  return out;
}

export async function startRealAsterisk(options: RealAsteriskOptions = {}): Promise<RealAsterisk> {
  const tree = asteriskTree();
  // Short path: the control socket lives under it and Unix socket paths are limited to 108 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'cbast-'));
  const etcDir = join(dir, 'etc');
  const logDir = join(dir, 'var', 'log');
  for (const d of ['etc', 'var/lib', 'var/lib/keys', 'var/spool', 'var/run', 'var/log', 'var/log/cdr-csv', 'var/cache', 'var/spool/recording']) mkdirSync(join(dir, d), { recursive: true });
  const net = await allocateNet();
  const model = (options.model ?? defaultAsteriskModel)(net, dir);
  const files = localFiles();
  const admin = typeof options.admin === 'function' ? options.admin(net) : options.admin;
  for (const [name, content] of Object.entries(baseFiles(dir, tree))) {
    const extra = admin?.[name];
    writeFileSync(join(etcDir, name), extra ? `${content}${extra}\n` : content);
  }
  for (const [name, content] of Object.entries(admin ?? {})) {
    if (!existsSync(join(etcDir, name))) writeFileSync(join(etcDir, name), `${content}\n`);
  }
  const conf = join(etcDir, 'asterisk.conf');
  const bin = join(tree, 'sbin', 'asterisk');
  const rxRaw = (command: string) =>
    run(bin, ['-C', conf, '-rx', command], 30_000).done;
  const provisionPorts: ProvisioningPorts = {
    files,
    asteriskEtcDir: etcDir,
    ami: connectAmi,
    asterisk: { cli: async (command: string) => { const r = await rxRaw(command); return { ok: r.code === 0, output: `${r.stdout}${r.stderr}` }; } },
    clock: { now: () => new Date() },
    random: (n: number) => randomBytes(n),
  };
  // Asterisk is not running yet: the files are written and left for its start, as on a first install.
  const provision = options.provision === false ? null : await provisionAsterisk(model, provisionPorts, { reload: 'if-running' });

  const start = spawnSync(bin, ['-C', conf], { encoding: 'utf8', timeout: 30_000 });
  if (start.status !== 0) throw new Error(`asterisk did not start: ${start.stderr}${start.stdout}`);
  const pidFile = join(dir, 'var', 'run', 'asterisk.pid');
  const stopped = { value: false };
  let sippRuns = 0;

  const instance: RealAsterisk = {
    dir,
    tree,
    net,
    model,
    provision: provision as ProvisionResult,
    provisionPorts,
    ami: provision?.amiCredentials ?? { host: net.host, port: model.ami.port, username: model.ami.username, secret: model.ami.secret ?? '' },
    ari: provision?.ariCredentials ?? { url: `http://${net.host}:${net.http}`, username: model.ari.username, password: model.ari.password ?? '', app: model.ari.app },
    etcDir,
    logDir,
    recordingDir: model.recordingDir,
    async rx(command) {
      const r = await rxRaw(command);
      if (r.code !== 0) throw new Error(`asterisk -rx '${command}' failed (${r.code}): ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    log: () => (existsSync(join(logDir, 'messages')) ? readFileSync(join(logDir, 'messages'), 'utf8') : ''),
    errors() {
      return instance.log().split('\n').filter((l) => /\bERROR\[/.test(l));
    },
    async sippBackground(o) {
      const source = o.scenario.startsWith('/') ? o.scenario : join(SIPP_DIR, o.scenario);
      const vars: Record<string, string> = { ring: '300', talk: '60000', hold: '1000', refer: '', asterisk: `${net.host}:${net.sip}`, ...o.vars };
      const scenario = join(dir, `sipp-${++sippRuns}-${basename(source)}`);
      let text = readFileSync(source, 'utf8');
      // Twice: a value may itself hold {{names}} (a scenario fragment).
      for (let i = 0; i < 2; i++) text = text.replace(/\{\{(\w+)\}\}/g, (all, k: string) => vars[k] ?? all);
      writeFileSync(scenario, text);
      if (!existsSync(join(dir, 'tone.wav'))) {
        const r = spawnSync('sox', ['-n', '-r', '8000', '-c', '1', '-e', 'u-law', join(dir, 'tone.wav'), 'synth', '30', 'sine', '440', 'vol', '0.3'], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`sox could not make tone.wav: ${r.stderr}`);
      }
      // Outside Asterisk's RTP range: a port free now in that range may be Asterisk's for the next call.
      let media = await freeUdpRun(8);
      while (media + 8 > net.rtp.start && media <= net.rtp.end) media = await freeUdpRun(8);
      // -aa: answer the qualify OPTIONS (and stray NOTIFY/INFO) Asterisk sends to gateways and phones.
      const ip = o.ip ?? net.host;
      const args = ['-sf', scenario, '-i', ip, '-p', String(o.port), '-m', String(o.calls ?? 1), '-nostdin', '-aa', '-mi', ip, '-mp', String(media)];
      args.push('-trace_err', '-error_file', `${scenario}.errors.log`);
      if (o.service) args.push('-s', o.service);
      if (o.auth) args.push('-au', o.auth.username, '-ap', o.auth.password);
      for (const [k, v] of Object.entries(o.keys ?? {})) args.push('-key', k, v);
      args.push('-timeout', `${Math.ceil((o.timeoutMs ?? 60_000) / 1000)}s`, '-timeout_error');
      if (!o.server) args.push(`${net.host}:${net.sip}`);
      return run('sipp', args, (o.timeoutMs ?? 60_000) + 5_000, dir);
    },
    async sipp(o) {
      return (await instance.sippBackground(o)).done;
    },
    async reachable(endpoint, port) {
      const contact = new RegExp(`Contact:\\s+${endpoint}/\\S+\\s+\\S+\\s+Avail\\b`);
      if (contact.test(await instance.rx('pjsip show contacts'))) return;
      const answering = await instance.sippBackground({ scenario: 'options-answer.xml', port, server: true, timeoutMs: 20_000 });
      try {
        await waitFor(async () => {
          await instance.rx(`pjsip qualify ${endpoint}`);
          return contact.test(await instance.rx('pjsip show contacts'));
        }, `${endpoint} to answer Asterisk's qualify`, 20_000, 500);
      } finally {
        answering.kill();
        await answering.done;
      }
    },
    queueLog() {
      const path = join(logDir, 'queue_log');
      if (!existsSync(path)) return [];
      return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => {
        const [time, callId, queue, agent, event, ...data] = l.split('|');
        return { time: Number(time), callId: callId!, queue: queue!, agent: agent!, event: event!, data };
      });
    },
    cdr() {
      const path = join(logDir, 'cdr-csv', 'Master.csv');
      if (!existsSync(path)) return [];
      return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => {
        const c = splitCsv(l);
        // cdr_csv: accountcode,src,dst,dcontext,clid,channel,dstchannel,lastapp,lastdata,start,answer,end,duration,billsec,disposition,amaflags,uniqueid,userfield
        return {
          src: c[1]!, dst: c[2]!, dcontext: c[3]!, channel: c[5]!, dstchannel: c[6]!, lastapp: c[7]!,
          start: c[9]!, answer: c[10]!, end: c[11]!, duration: Number(c[12]), billsec: Number(c[13]), disposition: c[14]!,
          uniqueid: c[16] ?? '',
        };
      });
    },
    async stop() {
      if (stopped.value) return;
      stopped.value = true;
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : null;
      await rxRaw('core stop now').catch(() => undefined);
      if (pid) {
        const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
        const until = Date.now() + 15_000;
        while (alive() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
        if (alive()) process.kill(pid, 'SIGKILL');
      }
      if (!process.env.KEEP_ASTERISK_DIR) rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    await waitFor(async () => (await rxRaw('core waitfullybooted')).code === 0, 'Asterisk to boot', 60_000, 250);
  } catch (err) {
    await instance.stop();
    throw err;
  }
  return instance;
}
