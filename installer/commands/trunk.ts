import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { openDatabase, runMigrations, type Db } from '../../appliance/core/db.js';
import { trunkKinds } from '../../appliance/trunks/kinds/index.js';
import { TrunkFieldError, type StoredTrunk } from '../../appliance/trunks/model.js';
import { TrunkRepository } from '../../appliance/trunks/repository.js';
import { TrunkNotFoundError, TrunkService, type TrunkView } from '../../appliance/trunks/service.js';
import { trunksMigrations } from '../../appliance/trunks/migrations.js';
import { installPaths, type InstallPaths } from '../paths.js';
import { connectAmi } from '../ports/ami.js';
import { asteriskLocation, filesFromHost } from '../ports/asterisk.js';
import type { Deps } from '../ports/index.js';
import { loadProvisioningModel, telephonySection } from '../provisioning/from-install.js';
import { listEndpointStates, type EndpointState } from '../provisioning/endpoint-states.js';
import { provisionAsterisk, ProvisioningError, type ProvisionResult } from '../provisioning/provision.js';
import { keyValues, table } from '../output/render.js';
import { CliError, usageError, type Result } from '../result.js';
import { applianceAnswers, viaAppliance } from './appliance-channel.js';

/**
 * `contactbox trunk add|list|remove|test|apply`: trunks live in the appliance's database; after
 * a change the Asterisk configuration is rendered again and reloaded. If Asterisk refuses it,
 * the files are rolled back and the database change is undone, so both always agree.
 */
interface Install {
  paths: InstallPaths;
  config: Record<string, unknown>;
  db: Db;
  service: TrunkService;
  /** Where changes are made: the running appliance (the database's one writer) or, while it is stopped, here. */
  writer: TrunkWriter;
}

/** Adding and removing trunks, and undoing either when Asterisk refuses the result. */
interface TrunkWriter {
  add(input: Record<string, unknown>): Promise<StoredTrunk>;
  remove(which: string): Promise<StoredTrunk>;
  undoAdd(t: StoredTrunk): Promise<void>;
  undoRemove(t: StoredTrunk): Promise<void>;
}

async function openInstall(options: Record<string, unknown>, deps: Deps): Promise<Install> {
  const paths = installPaths((options.prefix as string | undefined) ?? null);
  const text = deps.host.readFile(paths.configFile);
  if (text === null) throw new CliError(`contactbox is not installed here: no ${paths.configFile}`, 1, 'NOT_INSTALLED', 'Run `contactbox install` first.');
  let config: Record<string, unknown>;
  try {
    config = (parseYaml(text) as Record<string, unknown>) ?? {};
  } catch (err) {
    throw new CliError(`${paths.configFile} is not valid YAML: ${(err as Error).message}`, 1, 'BAD_CONFIG');
  }
  if (!deps.host.exists(paths.databaseFile)) throw new CliError(`no database at ${paths.databaseFile}`, 1, 'NOT_INSTALLED', 'Run `contactbox install` first.');
  const dataDir = (config.paths as { data?: string } | undefined)?.data ?? paths.dataDir;
  if (await applianceAnswers(dataDir)) {
    // The appliance runs: it makes every change; this process only reads (Asterisk's model, lists).
    const db = openDatabase(paths.databaseFile, { readonly: true });
    const remote: TrunkWriter = {
      add: (input) => viaAppliance<StoredTrunk>(dataDir, 'trunks.add', { input }),
      remove: (which) => viaAppliance<StoredTrunk>(dataDir, 'trunks.remove', { trunk: which }),
      undoAdd: async (t) => void (await viaAppliance(dataDir, 'trunks.undo-add', { id: t.id })),
      undoRemove: async (t) => void (await viaAppliance(dataDir, 'trunks.undo-remove', { trunk: t })),
    };
    return { paths, config, db, service: new TrunkService(new TrunkRepository(db), trunkKinds, deps.clock), writer: remote };
  }
  const db = openDatabase(paths.databaseFile);
  runMigrations(db, trunksMigrations);
  const repo = new TrunkRepository(db);
  const service = new TrunkService(repo, trunkKinds, deps.clock);
  const local: TrunkWriter = {
    add: async (input) => service.add(input),
    remove: async (which) => service.remove(which),
    undoAdd: async (t) => void repo.remove(t.id),
    undoRemove: async (t) => void repo.insert(t, deps.clock.now()),
  };
  return { paths, config, db, service, writer: local };
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** The trunk input from `--from-file` (YAML or JSON) overlaid with the flags given. */
function trunkInput(options: Record<string, unknown>, deps: Deps): Record<string, unknown> {
  let input: Record<string, unknown> = {};
  if (options.fromFile) {
    const text = deps.host.readFile(String(options.fromFile));
    if (text === null) throw usageError(`cannot read ${String(options.fromFile)}`);
    try {
      input = (parseYaml(text) as Record<string, unknown>) ?? {};
    } catch (err) {
      throw usageError(`${String(options.fromFile)} is not valid YAML or JSON: ${(err as Error).message}`);
    }
  }
  const flags: Record<string, unknown> = {
    kind: options.kind,
    name: options.name,
    host: options.host,
    port: options.port,
    transport: options.transport,
    auth: options.auth,
    username: options.username,
    secret: options.secret ?? deps.env.CONTACTBOX_TRUNK_SECRET,
    dids: options.dids,
    channels: options.channels,
    ports: options.ports,
    lineTypes: options.portTypes,
    extensions: options.extensions,
    codecs: options.codecs,
    callerIdNumber: options.callerId,
    dialTimeoutSec: options.dialTimeout,
    inboundTarget: options.inbound,
    outbound: options.route === undefined ? undefined : list(options.route),
    priority: options.priority,
  };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) input[k] = v;
  return input;
}

function fieldError(err: unknown): unknown {
  if (err instanceof TrunkFieldError) return new CliError(`${err.field}: ${err.detail}`, 2, err.code);
  if (err instanceof TrunkNotFoundError) return new CliError(`there is no trunk ${err.id}`, 2, 'TRUNK_NOT_FOUND', 'See `contactbox trunk list`.');
  return err;
}

async function applyAsterisk(inst: Install, deps: Deps): Promise<ProvisionResult | null> {
  const telephony = telephonySection(inst.config);
  if (telephony.mode === 'none') return null;
  // An existing Asterisk named at install: its configuration folder and control socket.
  const named = inst.config.telephony as { asteriskConfigDir?: string; asteriskControlSocket?: string; asteriskFilesDir?: string } | undefined;
  const cli = deps.asterisk;
  return provisionAsterisk(
    loadProvisioningModel(inst.db, inst.config),
    {
      files: filesFromHost(deps.host),
      asteriskEtcDir: named?.asteriskConfigDir ?? inst.paths.asteriskEtcDir,
      ...(named?.asteriskFilesDir ? { ownDir: named.asteriskFilesDir } : {}),
      bundleDir: join(inst.paths.etcDir, 'asterisk-remote'),
      ami: deps.ami ?? connectAmi,
      ...(cli ? { asterisk: { cli: (command: string) => cli.cli(command, asteriskLocation(named?.asteriskConfigDir, named?.asteriskControlSocket)) } } : {}),
      clock: deps.clock,
      random: deps.random ?? randomBytes,
    },
    { reload: 'if-running' },
  );
}

function asteriskSummary(r: ProvisionResult | null) {
  if (!r) return { status: 'skipped', detail: 'telephony mode is none: stored only', changedFiles: [] as string[], reloaded: [] as string[] };
  return {
    status: r.verification.status === 'verified' ? 'applied' : r.mode === 'remote' ? 'bundle' : 'written',
    detail: r.verification.detail,
    changedFiles: r.files.filter((f) => f.action !== 'unchanged').map((f) => f.path),
    reloaded: r.reloaded,
  };
}

/** Runs `change`, then provisioning; when provisioning fails the change is undone. */
async function changeAndApply(inst: Install, deps: Deps, change: () => Promise<StoredTrunk>, undo: (t: StoredTrunk) => Promise<void>) {
  let trunk: StoredTrunk;
  try {
    trunk = await change();
  } catch (err) {
    throw fieldError(err);
  }
  try {
    return { trunk, asterisk: asteriskSummary(await applyAsterisk(inst, deps)) };
  } catch (err) {
    await undo(trunk);
    if (err instanceof ProvisioningError) throw new CliError(`the change was undone: ${err.message}`, 1, 'ASTERISK_REJECTED');
    throw err;
  }
}

const viewLine = (v: TrunkView) => [v.name, v.kind, v.endpoints.join(' '), v.dids.map((d) => `${d.did}→${d.target}`).join(' '), v.outbound.map((o) => `${o.prefix || '*'}(${o.priority})`).join(' ')];
const HEADERS = ['NAME', 'KIND', 'ENDPOINTS', 'DIDS', 'OUTBOUND'];

export async function run(options: Record<string, unknown>, deps: Deps): Promise<Result> {
  const action = String(options.action);
  const inst = await openInstall(options, deps);
  try {
    if (action === 'list') {
      const items = inst.service.list().map((t) => inst.service.view(t));
      return { exit: 0, data: { items }, human: items.length ? table(HEADERS, items.map(viewLine)) : 'No trunks yet. Add one with `contactbox trunk add`.' };
    }
    if (action === 'add') {
      const r = await changeAndApply(inst, deps, () => inst.writer.add(trunkInput(options, deps)), (t) => inst.writer.undoAdd(t));
      const view = inst.service.view(r.trunk);
      return { exit: 0, data: { trunk: view, asterisk: r.asterisk }, human: `${keyValues({ added: view.name, kind: view.label, endpoints: view.endpoints.join(' '), dids: view.dids.map((d) => d.did).join(' ') || '-' })}\nAsterisk: ${r.asterisk.status} — ${r.asterisk.detail}` };
    }
    if (action === 'remove') {
      const r = await changeAndApply(inst, deps, () => inst.writer.remove(String(options.trunk)), (t) => inst.writer.undoRemove(t));
      return { exit: 0, data: { removed: inst.service.view(r.trunk), asterisk: r.asterisk }, human: `removed ${r.trunk.name}\nAsterisk: ${r.asterisk.status} — ${r.asterisk.detail}` };
    }
    if (action === 'apply') {
      const a = asteriskSummary(await applyAsterisk(inst, deps).catch((err: unknown) => {
        throw err instanceof ProvisioningError ? new CliError(err.message, 1, 'ASTERISK_REJECTED') : err;
      }));
      return { exit: 0, data: { asterisk: a }, human: `Asterisk: ${a.status} — ${a.detail}${a.changedFiles.length ? `\n  changed: ${a.changedFiles.join(', ')}` : ''}` };
    }
    if (action === 'test') return await testTrunk(inst, deps, String(options.trunk));
    throw usageError(`unknown trunk action ${action}`);
  } finally {
    inst.db.close();
  }
}

/** Asks the running Asterisk about the trunk's endpoints: loaded, and reachable (not Unavailable). */
async function testTrunk(inst: Install, deps: Deps, which: string): Promise<Result> {
  let trunk: StoredTrunk;
  try {
    trunk = inst.service.get(/^\d+$/.test(which) ? Number(which) : which);
  } catch (err) {
    throw fieldError(err);
  }
  const view = inst.service.view(trunk);
  const telephony = telephonySection(inst.config);
  if (telephony.mode === 'none' || !telephony.ami) throw new CliError('telephony is off (mode none): there is no Asterisk to ask', 1, 'TELEPHONY_OFF');
  let states: EndpointState[];
  try {
    states = await listEndpointStates(deps.ami ?? connectAmi, telephony.ami);
  } catch (err) {
    throw new CliError(`cannot ask Asterisk: ${(err as Error).message}`, 1, 'ASTERISK_UNREACHABLE', 'Is Asterisk running? `asterisk -rx "core show version"`');
  }
  const rows = view.endpoints.map((ep) => {
    const s = states.find((x) => x.endpoint === ep);
    const status = !s ? 'missing' : s.deviceState === 'Unavailable' || s.deviceState === 'Invalid' ? 'unreachable' : 'ok';
    return { endpoint: ep, status, deviceState: s?.deviceState ?? null, contacts: s?.contacts ?? [] };
  });
  const ok = rows.every((r) => r.status === 'ok');
  return {
    exit: ok ? 0 : 1,
    data: { trunk: view.name, ok, endpoints: rows },
    human: `${table(['ENDPOINT', 'STATUS', 'DEVICE STATE', 'CONTACTS'], rows.map((r) => [r.endpoint, r.status, r.deviceState, r.contacts.join(' ')]))}\n${ok ? 'All lines are loaded and reachable.' : 'Some lines are missing or unreachable: check the gateway/provider registration and `contactbox trunk apply`.'}`,
  };
}
