import { join } from 'node:path';
import type { Clock } from '../../appliance/core/clock.js';
import { trunkKinds } from '../../appliance/trunks/kinds/index.js';
import type { TrunkKind } from '../../appliance/trunks/model.js';
import { AmiError, type AmiConnect, type AmiSession } from '../ports/ami.js';
import type { AsteriskHostPort, FilesPort } from '../ports/asterisk.js';
import type { ProvisioningModel } from './model.js';
import { apply, backup, changed, describePlan, planFiles, restore, type PlannedFile } from './plan.js';
import { expectedEndpoints, renderAsterisk, type RenderedFile } from './render.js';
import { readTemplates, type Templates } from './templates.js';
import { CONTEXTS } from './render-dialplan.js';
import { operatorTransports } from './render-pjsip.js';
import { OPERATORS_FILE_HEADER, renderOperatorPhones } from '../../appliance/softphone/asterisk-endpoints.js';
import { describeConflicts, findConflicts } from './coexist.js';
import { allQueues } from './render-services.js';
import { operatorEndpoint } from './render-pjsip.js';

/**
 * Writes contactbox's configuration into Asterisk, reloads what changed through AMI, checks
 * that Asterisk took it (our endpoints are listed), and puts the previous files back if the
 * reload or the check fails. Running it again with the same model changes nothing.
 */
export interface ProvisioningPorts {
  files: FilesPort;
  /** Where the main Asterisk files live (`installPaths(prefix).asteriskEtcDir`). */
  asteriskEtcDir: string;
  /**
   * Where our own `*_contactbox.conf` files (and their backups) live; default `asteriskEtcDir`.
   * A local install gives them a folder the service may write, so the running appliance
   * applies console changes without root (`telephony.asteriskFilesDir`).
   */
  ownDir?: string;
  /** Remote mode: where the bundle for the remote Asterisk's admin is written. */
  bundleDir?: string;
  ami: AmiConnect;
  /** `asterisk -rx`, used once to load a new AMI user when Asterisk is local. */
  asterisk?: Pick<AsteriskHostPort, 'cli'>;
  clock: Clock;
  /** Random bytes for generated secrets. */
  random(bytes: number): Buffer;
  templates?: Templates;
  kinds?: readonly TrunkKind[];
  log?: (line: string) => void;
}

export interface ProvisionOptions {
  /** `required`: a local Asterisk that cannot be reached is a failure; `if-running`: files are left for its next start. */
  reload?: 'required' | 'if-running';
  dryRun?: boolean;
}

export interface AmiCredentials {
  host: string;
  port: number;
  username: string;
  secret: string;
}

export interface AriCredentials {
  url: string;
  username: string;
  password: string;
  app: string;
}

export interface ProvisionResult {
  mode: 'local' | 'remote';
  files: { path: string; action: PlannedFile['action'] }[];
  /** Where the previous versions of changed files were copied; null when nothing changed. */
  backupDir: string | null;
  reloaded: string[];
  verification: { status: 'verified' | 'skipped'; endpoints: string[]; detail: string };
  amiCredentials: AmiCredentials;
  ariCredentials: AriCredentials;
  /** What the config's `telephony` section needs so click-to-call enters our dialplan. */
  dialplan: { outboundContext: string; dialPrefix: string; recordingsSpool: string };
}

export class ProvisioningError extends Error {
  constructor(
    message: string,
    readonly rolledBack: boolean,
    readonly backupDir: string | null,
  ) {
    super(message);
    this.name = 'ProvisioningError';
  }
}

/** Module to reload for each of our files (AMI `Reload` action, class `system`). */
const RELOAD_MODULE: Record<string, string> = {
  'pjsip_contactbox.conf': 'res_pjsip.so',
  'extensions_contactbox.conf': 'pbx_config.so',
  'queues_contactbox.conf': 'app_queue.so',
  'ari_contactbox.conf': 'res_ari.so',
  'http_contactbox.conf': 'http',
  'rtp_contactbox.conf': 'res_rtp_asterisk.so',
  'manager_contactbox.conf': 'manager',
};

export function generateSecret(random: (bytes: number) => Buffer): string {
  // base64url of 24 random bytes: 32 characters of [A-Za-z0-9_-], safe in Asterisk configs and YAML.
  return random(24).toString('base64url');
}

function modulesToReload(plan: readonly PlannedFile[], rendered: readonly RenderedFile[]): string[] {
  const touched = new Set<string>();
  for (const p of changed(plan)) {
    const ours = p.role === 'main' ? rendered.find((r) => r.main === p.name)?.name : p.name;
    if (ours) touched.add(RELOAD_MODULE[ours]!);
  }
  // manager last: our own session must not be disturbed before the other reloads.
  return Object.values(RELOAD_MODULE).filter((m) => touched.has(m));
}

export async function provisionAsterisk(model: ProvisioningModel, ports: ProvisioningPorts, options: ProvisionOptions = {}): Promise<ProvisionResult> {
  const log = ports.log ?? (() => {});
  const kinds = ports.kinds ?? trunkKinds;
  const amiSecret = model.ami.secret ?? generateSecret(ports.random);
  const ariPassword = model.ari.password ?? generateSecret(ports.random);
  const asteriskHost = model.mode === 'local' ? '127.0.0.1' : model.asteriskAddress;
  const amiCredentials: AmiCredentials = { host: asteriskHost, port: model.ami.port, username: model.ami.username, secret: amiSecret };
  const ariCredentials: AriCredentials = {
    url: `http://${asteriskHost}:${model.http.port}`,
    username: model.ari.username,
    password: ariPassword,
    app: model.ari.app,
  };
  const dialplan = { outboundContext: CONTEXTS.operators, dialPrefix: '', recordingsSpool: model.recordingDir };
  const rendered = renderAsterisk(model, { amiSecret, ariPassword }, ports.templates ?? readTemplates(), kinds);
  const endpoints = expectedEndpoints(model, kinds);

  if (model.mode === 'remote') {
    // Hybrid: the remote Asterisk is not ours to change; its admin installs this bundle.
    const dir = ports.bundleDir;
    if (!dir) throw new ProvisioningError('remote mode needs a folder for the configuration bundle', false, null);
    const plan = planFiles(rendered, dir, ports.files);
    if (!options.dryRun) await apply(plan.filter((p) => p.role === 'ours'), ports.files);
    return {
      mode: 'remote',
      files: plan.filter((p) => p.role === 'ours').map((p) => ({ path: p.path, action: p.action })),
      backupDir: null,
      reloaded: [],
      verification: { status: 'skipped', endpoints, detail: `remote Asterisk: copy ${dir}/*_contactbox.conf to its /etc/asterisk and add the #tryinclude lines` },
      amiCredentials,
      ariCredentials,
      dialplan,
    };
  }

  // An administrator's configuration that would make Asterisk skip or ignore part of ours stops
  // provisioning here, before anything is written, naming each collision.
  const conflicts = findConflicts(model, rendered, ports.asteriskEtcDir, ports.files);
  if (conflicts.length) {
    throw new ProvisioningError(`the Asterisk configuration in ${ports.asteriskEtcDir} conflicts with contactbox's: ${describeConflicts(ports.asteriskEtcDir, conflicts)}; nothing was changed`, false, null);
  }
  const ownDir = ports.ownDir ?? ports.asteriskEtcDir;
  const plan = planFiles(rendered, ports.asteriskEtcDir, ports.files, ownDir);
  const files = plan.map((p) => ({ path: p.path, action: p.action }));
  const toReload = modulesToReload(plan, rendered);
  describePlan(plan).forEach(log);
  if (options.dryRun) {
    return { mode: 'local', files, backupDir: null, reloaded: [], verification: { status: 'skipped', endpoints, detail: 'dry run' }, amiCredentials, ariCredentials, dialplan };
  }

  let backupDir: string | null = null;
  if (changed(plan).length) {
    backupDir = join(ownDir, 'contactbox-backup', ports.clock.now().toISOString().replace(/[:.]/g, '-'));
    const written: PlannedFile[] = [];
    try {
      backup(plan, ports.files, backupDir);
      await apply(plan, ports.files, written);
    } catch (err) {
      // A half-written set (no permission, disk full) must not stay: put back what was written.
      let restored = true;
      try {
        restore(written, ports.files);
      } catch {
        restored = false;
      }
      const code = (err as NodeJS.ErrnoException).code;
      const hint = code === 'EACCES' || code === 'EPERM' ? ' (run as root)' : '';
      throw new ProvisioningError(
        `cannot write the Asterisk configuration in ${ownDir}: ${(err as Error).message}${hint}${restored ? '; nothing was changed' : `; restore the files from ${backupDir}`}`,
        restored,
        backupDir,
      );
    }
  }

  const fail = async (reason: string, session: AmiSession | null): Promise<never> => {
    restore(plan, ports.files);
    let reloadedBack = '';
    if (session) {
      const back = await reloadModules(session, toReload).catch((err: Error) => err.message);
      reloadedBack = typeof back === 'string' ? ` (reloading the previous files also failed: ${back})` : '';
      await session.close().catch(() => undefined);
    }
    throw new ProvisioningError(
      `${reason}; the previous Asterisk files were restored${reloadedBack}${backupDir ? ` (copies in ${backupDir})` : ''}`,
      true,
      backupDir,
    );
  };

  if (model.operatorsFile) {
    // The appliance rewrites this file later (live apply); the installer writes its first version.
    ports.files.writeAtomic(model.operatorsFile, `${OPERATORS_FILE_HEADER}\n${renderOperatorPhones(model.operators, operatorTransports(model))}`, 0o640);
    await ports.files.grantAsterisk(model.operatorsFile);
  }

  let session: AmiSession;
  try {
    session = await openSession(ports, amiCredentials, toReload.includes('manager'));
  } catch (err) {
    if (err instanceof AmiError && err.kind === 'refused' && options.reload === 'if-running') {
      return { mode: 'local', files, backupDir, reloaded: [], verification: { status: 'skipped', endpoints, detail: 'Asterisk is not running; it reads these files when it starts' }, amiCredentials, ariCredentials, dialplan };
    }
    return fail(`cannot reach Asterisk's manager interface: ${(err as Error).message}`, null);
  }

  const reloadError = await reloadModules(session, toReload).then(() => null, (err: Error) => err.message);
  if (reloadError) return fail(reloadError, session);
  const listed = await listEndpoints(session).catch((err: Error) => err);
  if (listed instanceof Error) return fail(`cannot list pjsip endpoints: ${listed.message}`, session);
  const missing = endpoints.filter((e) => !listed.includes(e));
  if (missing.length) return fail(`Asterisk did not load the endpoints ${missing.join(', ')} after the reload`, session);
  const unloaded = await verifyObjects(session, model, endpoints).catch((err: Error) => [`cannot check what Asterisk loaded: ${err.message}`]);
  if (unloaded.length) return fail(`Asterisk did not load contactbox's configuration as written: ${unloaded.join('; ')}`, session);
  await session.close().catch(() => undefined);
  const queues = allQueues(model).length;
  log(`  Asterisk reloaded (${toReload.join(', ') || 'nothing changed'}); ${endpoints.length} endpoints with their transports and ${queues} queues verified`);
  return {
    mode: 'local',
    files,
    backupDir,
    reloaded: toReload,
    verification: { status: 'verified', endpoints, detail: `${endpoints.length} endpoints loaded with their transports and ${queues} queues with contactbox's settings and members` },
    amiCredentials,
    ariCredentials,
    dialplan,
  };
}

/**
 * Logs in; a user (or port) just written to manager_contactbox.conf exists only after `manager
 * reload`, done once via the CLI: a running Asterisk whose manager was off or on another port
 * refuses the connection until then. When the CLI cannot reach Asterisk either, it is not running.
 */
async function openSession(ports: ProvisioningPorts, creds: AmiCredentials, managerChanged: boolean): Promise<AmiSession> {
  try {
    return await ports.ami(creds);
  } catch (err) {
    if (!(err instanceof AmiError) || (err.kind !== 'auth' && err.kind !== 'refused') || !managerChanged || !ports.asterisk) throw err;
    const r = await ports.asterisk.cli('manager reload');
    if (!r.ok) {
      if (err.kind === 'refused') throw err;
      throw new AmiError('auth', `${err.message}; "asterisk -rx 'manager reload'" failed: ${r.output}`);
    }
    // The reloaded manager binds its (new) port a moment after the CLI returns.
    for (let attempt = 1; ; attempt++) {
      try {
        return await ports.ami(creds);
      } catch (again) {
        if (!(again instanceof AmiError) || again.kind !== 'refused' || attempt >= 20) throw again;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }
}

async function reloadModules(session: AmiSession, modules: readonly string[]): Promise<void> {
  for (const module of modules) {
    const r = await session.action({ Action: 'Reload', Module: module });
    if (r.response.Response !== 'Success') {
      throw new Error(`Asterisk refused to reload ${module}: ${r.response.Message ?? r.response.Response ?? 'no answer'}`);
    }
  }
}

export async function listEndpoints(session: AmiSession): Promise<string[]> {
  const r = await session.action({ Action: 'PJSIPShowEndpoints' });
  if (r.response.Response !== 'Success') {
    // Asterisk answers an empty list with an error ("No endpoints found").
    if (/no endpoints/i.test(r.response.Message ?? '')) return [];
    throw new Error(r.response.Message ?? 'PJSIPShowEndpoints failed');
  }
  return r.events.filter((e) => e.Event === 'EndpointList').map((e) => e.ObjectName ?? '').filter(Boolean);
}

/**
 * What "verified" means: every endpoint is listed, the trunk endpoints and one phone of each
 * kind have a transport (a transport that failed to bind leaves its endpoints without one), and
 * every queue exists with our strategy and our static members (a queue defined before ours keeps
 * its own). Returns what is wrong, [] when Asterisk took everything.
 */
export async function verifyObjects(session: AmiSession, model: ProvisioningModel, endpoints: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  const operatorNames = new Set(model.operators.map((o) => o.endpoint));
  const probe = endpoints.filter((e) => !operatorNames.has(e));
  for (const device of ['webrtc', 'sip'] as const) {
    const one = model.operators.find((o) => (o.device ?? 'webrtc') === device);
    if (one) probe.push(one.endpoint);
  }
  for (const endpoint of probe) {
    const r = await session.action({ Action: 'PJSIPShowEndpoint', Endpoint: endpoint });
    const transport = r.events.find((e) => e.Event === 'TransportDetail');
    if (r.response.Response !== 'Success' || !transport) problems.push(`endpoint ${endpoint} has no transport`);
  }
  for (const queue of allQueues(model)) {
    const r = await session.action({ Action: 'QueueStatus', Queue: queue.name });
    const params = r.events.find((e) => e.Event === 'QueueParams' && e.Queue === queue.name);
    if (!params) {
      problems.push(`queue ${queue.name} is missing`);
      continue;
    }
    if (params.Strategy && params.Strategy !== queue.strategy) problems.push(`queue ${queue.name} has strategy ${params.Strategy}, not contactbox's ${queue.strategy}`);
    const members = new Set(r.events.filter((e) => e.Event === 'QueueMember').map((e) => e.StateInterface ?? e.Location ?? ''));
    const ours = model.operators.filter((o) => o.queues.includes(queue.name)).map((o) => `PJSIP/${operatorEndpoint(o)}`);
    const absent = ours.filter((m) => !members.has(m));
    if (absent.length) problems.push(`queue ${queue.name} lacks contactbox's members ${absent.join(', ')}`);
  }
  return problems;
}
