import { readFileSync } from 'node:fs';
import { fingerprintOf } from '../../appliance/licensing/fingerprint.js';
import { encodeRequestCode } from '../../appliance/licensing/request-code.js';
import { writeFileAtomic } from '../../appliance/licensing/atomic-write.js';
import { EVALUATION, licenseSummary, type LicenseSummary } from '../../appliance/licensing/state.js';
import { keyValues } from '../output/render.js';
import { installPaths, type InstallPaths } from '../paths.js';
import type { Deps } from '../ports/index.js';
import { licenseFactsPort } from '../ports/license-facts.js';
import { CliError, usageError, type Result } from '../result.js';
import { judge, readInstallation, recordSeen } from './license-installation.js';
import { applianceAnswers, viaAppliance } from './appliance-channel.js';
import type { Verification } from '../../appliance/licensing/verify.js';
import type { LicenseStatus } from '../../appliance/licensing/service.js';

/**
 * `contactbox license request|activate FILE|show`. Works offline: `request` prints a code to
 * send to the vendor, `activate` checks the vendor's file against this server and installs
 * it (the running appliance notices the new file and applies it at once), `show` says what is
 * in force.
 */
export type LicenseShow = LicenseSummary;

const HINTS: Record<string, string> = {
  LICENSE_MALFORMED: 'Use the .lic file exactly as the vendor sent it (not a copy pasted through a word processor).',
  LICENSE_BAD_SIGNATURE: 'The file was changed after signing, or was not issued by the vendor. Ask the vendor to send it again.',
  LICENSE_WRONG_SERVER: "Run 'contactbox license request' on this server and send the code to the vendor for a licence for this server.",
  LICENSE_EXPIRED: 'Ask the vendor for a renewed licence.',
  LICENSE_NOT_YET_VALID: "Check this server's date and time (timedatectl, or date -u).",
  LICENSE_WRONG_PRODUCT: 'Ask the vendor for a licence that covers this version, or install a version your licence covers.',
  LICENSE_CLOCK_ROLLBACK: "Set this server's clock to the right time (e.g. enable NTP) and try again.",
};

function paths(options: Record<string, unknown>): InstallPaths {
  const prefix = options.prefix;
  if (prefix !== undefined && (typeof prefix !== 'string' || !prefix.trim())) throw usageError('--prefix needs a directory.');
  return installPaths(typeof prefix === 'string' ? prefix : null);
}

async function fingerprint(deps: Deps): Promise<string> {
  const facts = deps.licenseFacts ?? licenseFactsPort(deps.env);
  try {
    return fingerprintOf(await facts());
  } catch (err) {
    throw new CliError(`could not read this server's identifying facts: ${(err as Error).message}`, 1, 'FACTS_UNREADABLE');
  }
}

function readLicense(file: string, missingIsNull: boolean): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && missingIsNull) return null;
    if (code === 'ENOENT') throw usageError(`there is no file ${file}.`, 'Give the path of the .lic file the vendor sent.');
    if (code === 'EISDIR') throw usageError(`${file} is a directory, not a licence file.`);
    throw new CliError(`cannot read ${file}: ${code ?? (err as Error).message}`, 1, 'READ_FAILED');
  }
}

function humanShow(d: LicenseShow): string {
  const headline = {
    licensed: `Licensed to ${d.customer} (${d.id}).`,
    evaluation: `No licence: evaluation terms (${EVALUATION.sessions} sessions, all modules, ${EVALUATION.sites} chat site, ${EVALUATION.days} days${d.evaluationEndsAt ? `, until ${d.evaluationEndsAt.slice(0, 10)}` : ' from the first start'}).`,
    'evaluation-ended': `The ${EVALUATION.days}-day evaluation has ended: no new calls or chats can be taken. Run 'contactbox license request' and send the code to your vendor.`,
    invalid: `The installed licence is not in force: ${d.reason} — ${d.detail}.`,
  }[d.status];
  return `${headline}\n\n${keyValues({
    status: d.status,
    sessions: d.sessions,
    modules: d.modules.join(', ') || '-',
    'chat sites': d.sites,
    expires: d.id ? (d.expires ?? 'never (perpetual)') : null,
    'updates until': d.updatesUntil,
    'fingerprint matches': d.fingerprintMatch,
    'in use now': d.inUse,
    'peak (30 days)': d.peak,
  })}`;
}

async function request(options: Record<string, unknown>, deps: Deps): Promise<Result> {
  const fp = await fingerprint(deps);
  const code = encodeRequestCode(fp);
  return {
    exit: 0,
    data: { code, fingerprint: fp },
    human: `Request code: ${code}\n\nSend this code to your vendor (it can be read out or typed; a typing mistake is detected).\nThen install the licence file you receive with: contactbox license activate FILE${options.prefix ? ` --prefix ${String(options.prefix)}` : ''}`,
  };
}

async function activate(options: Record<string, unknown>, deps: Deps): Promise<Result> {
  if (typeof options.file !== 'string' || !options.file) throw usageError('license activate needs the licence FILE.', 'contactbox license activate /path/to/license.lic');
  const p = paths(options);
  const text = readLicense(options.file, false)!;
  if (await applianceAnswers(p.dataDir)) return activateThroughAppliance(p, text);
  const now = deps.clock.now();
  const installation = readInstallation(p, now);
  const { verification, state } = judge(text, { fingerprint: await fingerprint(deps), now, marks: installation.marks, env: deps.env });
  if (!verification || !verification.ok) {
    const v = verification as Extract<typeof verification, { ok: false }>;
    throw new CliError(`the licence was not activated: ${v.detail}.`, 1, v.code, HINTS[v.code]);
  }
  try {
    writeFileAtomic(p.licenseFile, text.endsWith('\n') ? text : `${text}\n`);
  } catch (err) {
    throw new CliError(`cannot write ${p.licenseFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1, 'WRITE_FAILED', 'Run as root (or the owner of the configuration directory).');
  }
  recordSeen(p, installation.marks, now);
  const data = licenseSummary(state, installation.inUse, installation.peak);
  return {
    exit: 0,
    data,
    human: `Licence ${data.id} activated: ${data.sessions} sessions, modules ${data.modules.join(', ')}, ${data.sites} chat sites.\nA running appliance applies it within seconds; no restart is needed.`,
  };
}

/**
 * While the appliance runs, its licensing service judges the file (its facts, its clock marks,
 * its trusted keys): the CLI's verdict is the service's. Root writes the file (the service user
 * may not write /etc/contactbox) and the service applies it at once.
 */
async function activateThroughAppliance(p: InstallPaths, text: string): Promise<Result> {
  const verdict = await viaAppliance<Verification>(p.dataDir, 'license.judge', { text });
  if (!verdict.ok) throw new CliError(`the licence was not activated: ${verdict.detail}.`, 1, verdict.code, HINTS[verdict.code]);
  try {
    writeFileAtomic(p.licenseFile, text.endsWith('\n') ? text : `${text}\n`);
  } catch (err) {
    throw new CliError(`cannot write ${p.licenseFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1, 'WRITE_FAILED', 'Run as root (or the owner of the configuration directory).');
  }
  const { issuedAt: _i, fingerprint: _f, clockRolledBack: _c, holdingQueues: _h, queueControl: _q, ...data } = await viaAppliance<LicenseStatus>(p.dataDir, 'license.reload');
  if (data.status !== 'licensed') {
    throw new CliError(`the appliance did not put the licence in force: ${data.reason ?? data.status} — ${data.detail ?? ''}`, 1, data.reason ?? 'LICENSE_NOT_APPLIED');
  }
  return {
    exit: 0,
    data,
    human: `Licence ${data.id} activated: ${data.sessions} sessions, modules ${data.modules.join(', ')}, ${data.sites} chat sites.\nThe running appliance applied it; no restart is needed.`,
  };
}

async function show(options: Record<string, unknown>, deps: Deps): Promise<Result> {
  const p = paths(options);
  const now = deps.clock.now();
  const installation = readInstallation(p, now);
  const text = readLicense(p.licenseFile, true);
  const { state } = judge(text, { fingerprint: await fingerprint(deps), now, marks: installation.marks, env: deps.env });
  const data = licenseSummary(state, installation.inUse, installation.peak);
  // Exit 1 when no dialog can be opened, so monitoring can alert on it.
  const blocked = state.status === 'evaluation-ended' || (state.status === 'invalid' && state.sessions === 0);
  return { exit: blocked ? 1 : 0, data, human: humanShow(data) };
}

export async function run(options: Record<string, unknown>, deps: Deps): Promise<Result> {
  switch (options.action) {
    case 'request':
      return request(options, deps);
    case 'activate':
      return activate(options, deps);
    case 'show':
      return show(options, deps);
    default:
      throw usageError(`unknown license action '${String(options.action)}'.`, 'contactbox license request|activate FILE|show');
  }
}
