import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { TrunkRepository } from '../../appliance/trunks/repository.js';
import { openDatabase } from '../../appliance/core/db.js';
import type { Deps } from '../ports/index.js';
import { asteriskLocation, filesFromHost } from '../ports/asterisk.js';
import type { InstallPaths } from '../paths.js';
import { CliError } from '../result.js';
import { AsteriskSourceError, ensureAsterisk } from '../provisioning/asterisk-source.js';
import { addTrunksFromAnswers, asteriskChoice, baseFromAnswers, type TelephonyAnswers } from '../provisioning/answers.js';
import { loadProvisioningBase, loadProvisioningModel, operatorsFileIn, ownFilesDirIn, saveProvisioningBase } from '../provisioning/from-install.js';
import { provisionAsterisk, ProvisioningError } from '../provisioning/provision.js';
import type { StepOutcome } from './steps.js';

/**
 * The telephony part of an install: finds (or installs) Asterisk, stores the answers' network
 * choices and trunks, renders and reloads our Asterisk configuration, and returns the
 * `telephony` section for contactbox.yaml. The existing section's credentials are passed back
 * in, so a re-run never rotates the AMI/ARI secrets.
 */
export async function ensureTelephony(
  deps: Deps,
  paths: InstallPaths,
  answers: { telephony?: TelephonyAnswers; trunks?: unknown[] },
  existing: Record<string, unknown>,
  /** The service's user (system install), which must be able to rewrite the operators' file. */
  runAs: string | null = null,
  /** Runs before the database is opened for writing (the installer stops a running appliance there). */
  beforeWrite: () => Promise<void> = async () => {},
): Promise<{ outcome: StepOutcome; section: Record<string, unknown>; softphone: Record<string, unknown> | null }> {
  const wanted = answers.telephony ?? (existing.mode === 'local' || existing.mode === 'remote' ? ({ mode: existing.mode } as TelephonyAnswers) : null);
  if (!wanted || wanted.mode === 'none') {
    return { outcome: { status: 'skipped', detail: 'no telephony (telephony.mode none)' }, section: { mode: 'none' }, softphone: null };
  }
  if (!deps.asterisk || !deps.ami || !deps.random) throw new CliError('the Asterisk ports are not available');
  let found;
  try {
    found = await ensureAsterisk(asteriskChoice(wanted), deps.asterisk);
  } catch (err) {
    if (err instanceof AsteriskSourceError) throw new CliError(err.message, err.exit === 2 ? 2 : 1, 'ASTERISK', err.hint);
    throw err;
  }
  // An existing Asterisk may keep its configuration and control socket elsewhere; a re-run keeps what was named.
  const configDir = (wanted.mode === 'local' ? (wanted.asteriskConfigDir ?? (existing.asteriskConfigDir as string | undefined)) : undefined) ?? paths.asteriskEtcDir;
  const controlSocket = wanted.mode === 'local' ? (wanted.asteriskControlSocket ?? (existing.asteriskControlSocket as string | undefined) ?? null) : null;
  const location = asteriskLocation(configDir === paths.asteriskEtcDir ? null : configDir, controlSocket);
  const asterisk = { cli: (command: string) => deps.asterisk!.cli(command, location) };
  // Read-only first: a re-run whose answers are already stored writes nothing.
  const write = needsWrite(paths.databaseFile, wanted, answers.trunks ?? []);
  if (write) await beforeWrite();
  const db = openDatabase(paths.databaseFile, { readonly: !write });
  let model;
  let trunks: { added: string[]; kept: string[] } = { added: [], kept: [] };
  try {
    if (write) {
      saveProvisioningBase(db, baseFromAnswers(wanted, loadProvisioningBase(db)), deps.clock.now());
      try {
        trunks = addTrunksFromAnswers(db, answers.trunks ?? [], deps.clock);
      } catch (err) {
        throw new CliError(`the answers file's trunks are not valid: ${(err as Error).message}`, 2, 'BAD_INPUT');
      }
    }
    // Remote mode uses the credentials of the remote Asterisk's users exactly as given.
    const existingAmi = existing.ami as Record<string, unknown> | undefined;
    const credentials =
      wanted.mode === 'remote'
        ? { mode: 'remote', ami: wanted.ami, ari: wanted.ari }
        : { ...existing, mode: wanted.mode, ...(wanted.amiPort ? { ami: { ...existingAmi, port: wanted.amiPort } } : {}) };
    // Local mode: operators' endpoints live in a file the appliance rewrites itself (live apply,
    // then a res_pjsip reload over AMI), so issuing or revoking a phone needs no root shell.
    const operatorsFile = wanted.mode === 'local' ? operatorsFileIn(configDir) : null;
    model = loadProvisioningModel(db, { telephony: credentials, ...(operatorsFile ? { softphone: { asteriskOperatorsFile: operatorsFile } } : {}) });
  } finally {
    db.close();
  }
  // Local mode: our *_contactbox.conf files share that folder, so console changes to trunks and
  // queues reach Asterisk from the running appliance too (live apply).
  const ownDir = wanted.mode === 'local' ? ownFilesDirIn(configDir) : null;
  if (ownDir) deps.host.mkdir(ownDir, 0o750);
  try {
    const result = await provisionAsterisk(
      model,
      {
        files: filesFromHost(deps.host),
        asteriskEtcDir: configDir,
        ...(ownDir ? { ownDir } : {}),
        bundleDir: join(paths.etcDir, 'asterisk-remote'),
        ami: deps.ami,
        asterisk,
        clock: deps.clock,
        random: deps.random,
      },
      { reload: 'if-running' },
    );
    if (ownDir) await grantServiceWrite(deps, ownDir, runAs);
    const changed = result.files.some((f) => f.action !== 'unchanged');
    const section = {
      mode: wanted.mode,
      ami: wanted.mode === 'remote' ? wanted.ami : result.amiCredentials,
      ari: wanted.mode === 'remote' ? wanted.ari : result.ariCredentials,
      outboundContext: result.dialplan.outboundContext,
      dialPrefix: result.dialplan.dialPrefix,
      recordingsSpool: result.dialplan.recordingsSpool,
      ...(wanted.mode === 'local'
        ? { asteriskConfigDir: configDir, asteriskEtcDir: configDir, asteriskFilesDir: ownDir!, ...(controlSocket ? { asteriskControlSocket: controlSocket } : {}) }
        : {}),
    };
    const softphone = model.operatorsFile
      ? { asteriskOperatorsFile: model.operatorsFile, asteriskWsUrl: `ws://127.0.0.1:${model.http.port}/ws` }
      : null;
    // Says where everything is, so an administrator with an Asterisk of their own can check it.
    const where =
      wanted.mode === 'remote'
        ? `bundle for the remote Asterisk in ${join(paths.etcDir, 'asterisk-remote')}`
        : `Asterisk ${found.version ?? ''} (${found.source}): configuration ${configDir}, control socket ${controlSocket ?? "Asterisk's default"}, ` +
          `AMI ${result.amiCredentials.host}:${result.amiCredentials.port}, HTTP ${model.http.bindAddress}:${model.http.port}, ` +
          `SIP udp/tcp ${model.sip.bindAddress}:${model.sip.udpPort}, RTP ${model.rtp.start}-${model.rtp.end}; ${result.verification.status === 'verified' ? 'verified: ' : ''}${result.verification.detail}`;
    const added = trunks.added.length ? `; trunks added: ${trunks.added.join(', ')}` : '';
    return { outcome: { status: changed || trunks.added.length ? 'changed' : 'unchanged', detail: `${where}${added}` }, section, softphone };
  } catch (err) {
    if (err instanceof ProvisioningError) {
      throw new CliError(`Asterisk refused the new configuration: ${err.message}${err.rolledBack ? ' (the previous files were put back)' : ''}`, 1, 'ASTERISK');
    }
    throw err;
  }
}

/** Whether the answers change what the database holds: the provisioning base, or a trunk not yet there. */
function needsWrite(file: string, wanted: TelephonyAnswers, trunkAnswers: readonly unknown[]): boolean {
  if (!existsSync(file)) return true;
  const db = openDatabase(file, { readonly: true });
  try {
    const base = loadProvisioningBase(db);
    if (JSON.stringify(baseFromAnswers(wanted, base)) !== JSON.stringify(base)) return true;
    const names = new Set(new TrunkRepository(db).list().map((t) => t.name));
    return trunkAnswers.some((t) => !t || typeof t !== 'object' || !names.has((t as { name?: unknown }).name as string));
  } finally {
    db.close();
  }
}

/** The softphone section without the local operators' file (remote or no telephony: nothing to keep current). */
export function withoutOperatorsFile(softphone: Record<string, unknown>): Record<string, unknown> | undefined {
  const { asteriskOperatorsFile: _dropped, ...rest } = softphone;
  return Object.keys(rest).length ? rest : undefined;
}

/**
 * Our folder (`<asterisk etc>/contactbox`: the *_contactbox.conf files, the operators' file and
 * their backups) belongs to the service, which rewrites the files there (temp name and rename,
 * so it needs the folder); Asterisk reads them through its group. Set-group-id keeps every new
 * file in Asterisk's group. The service joins that group to read the main files (pjsip.conf…)
 * whose include lines and collisions it checks; it never writes them: the installer adds the
 * include lines once, as root.
 */
async function grantServiceWrite(deps: Deps, dir: string, runAs: string | null): Promise<void> {
  if (!runAs || !deps.host.isRoot()) return;
  const asterisk = await deps.host.userExists('asterisk');
  const group = asterisk ? 'asterisk' : runAs;
  await deps.host.chown(dir, runAs, group, true);
  deps.host.chmod(dir, 0o2750);
  if (!asterisk) return;
  const r = await deps.host.run('usermod', ['-a', '-G', 'asterisk', runAs], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new CliError(`cannot add ${runAs} to the asterisk group (console changes would not reach Asterisk): ${(r.stderr || r.stdout).trim()}`, 1, 'FAILED');
}
