import { join } from 'node:path';
import { VERSION } from '../../appliance/version.js';
import { PACKAGED_ROOT, packageRoot, releaseInfo } from '../ports/package.js';
import type { Deps } from '../ports/index.js';
import { installPaths } from '../paths.js';
import { CliError, type Result } from '../result.js';
import { stderrProgress, table } from '../output/render.js';
import { readAnswersFile, type Answers } from '../install/answers.js';
import { readExistingConfig, resolveSettings, type InstallFlags } from '../install/settings.js';
import { installRelease } from '../install/release.js';
import { operatorUrls } from '../install/urls.js';
import { ensureTelephony, withoutOperatorsFile } from '../install/telephony.js';
import { chooseSupervisor, makeSupervisor } from '../install/supervisor.js';
import {
  ensureCommandLink, ensureConfig, ensureDatabaseAndAdmin, ensureDirectories, ensureOwnership, ensureTls, ensureUser, waitForHealth, type StepOutcome,
} from '../install/steps.js';

interface StepRecord extends StepOutcome {
  step: string;
}

/** A supplied Node runtime (Debian 8/9) must exist and be Node 20 or newer. */
async function checkNodeRuntime(host: Deps['host'], node: string): Promise<void> {
  const r = await host.run(node, ['--version'], { timeoutMs: 10_000 });
  const major = Number(/^v(\d+)\./.exec(r.stdout.trim())?.[1] ?? 0);
  if (r.code !== 0) throw new CliError(`--node-runtime: cannot run ${node}: ${r.stderr.trim() || `exit ${r.code}`}`, 2, 'BAD_INPUT', 'give the folder that holds bin/node of a Node.js build for this system');
  if (major < 20) throw new CliError(`--node-runtime: ${node} is ${r.stdout.trim()}; contactbox needs Node.js 20 or newer`, 2, 'BAD_INPUT');
}

/**
 * `contactbox install`: checks the server, then brings each part of the installation to the
 * wanted state. Every step is idempotent, so a re-run repairs what is missing, changes nothing
 * that is right, never duplicates the administrator and never touches stored data.
 */
export async function run(options: Record<string, unknown>, deps: Deps): Promise<Result> {
  const flags = options as InstallFlags;
  const { host, clock } = deps;
  const paths = installPaths(flags.prefix ?? null);
  const progress = stderrProgress(!flags.json);
  const answers: Answers = flags.answers ? readAnswersFile(flags.answers, (f) => {
    const text = host.readFile(f);
    if (text === null) throw Object.assign(new Error('ENOENT'), { code: host.exists(f) ? 'EACCES' : 'ENOENT' });
    return text;
  }) : {};
  if (!flags.prefix && !host.isRoot()) {
    throw new CliError('a system install needs root', 1, 'FAILED', 'run it as root, or give --prefix DIR for an install inside a folder');
  }
  if (flags.asteriskDebs) {
    // The flag is short for the answers' telephony section with a folder of .deb files.
    answers.telephony = { ...(answers.telephony ?? {}), mode: 'local', asterisk: 'debs', asteriskDebs: flags.asteriskDebs };
  }
  const interactive = deps.interactive && !flags.yes && !flags.answers;
  // A release build runs the service on the Node.js it carries, as copied into the release.
  const bundledRuntime = releaseInfo(packageRoot()) ? join(paths.currentLink, 'runtime/bin/node') : null;
  const settings = await resolveSettings(flags, answers, readExistingConfig(host, paths), host, interactive ? deps.prompts : null, bundledRuntime);
  if (flags.nodeRuntime) await checkNodeRuntime(host, settings.nodeBinary);
  const supervisorKind = chooseSupervisor(settings.supervisor, host);
  const supervisor = makeSupervisor(supervisorKind, host, paths);

  const steps: StepRecord[] = [];
  const warnings: string[] = [];
  const step = async (name: string, action: () => Promise<StepOutcome> | StepOutcome) => {
    progress.step(name);
    try {
      const outcome = await action();
      steps.push({ step: name, ...outcome });
      progress.done(outcome.detail);
      return outcome;
    } catch (err) {
      const done = steps.filter((s) => s.status !== 'skipped').map((s) => s.step);
      const reason = (err as Error).message.replace(/\.+$/, '');
      progress.fail(reason);
      const alreadyDone = done.length ? ` Already done: ${done.join(', ')}.` : '';
      throw new CliError(
        `install stopped at "${name}": ${reason}.${alreadyDone}`,
        err instanceof CliError ? err.exit : 1,
        err instanceof CliError ? err.code : 'FAILED',
        err instanceof CliError && err.hint ? err.hint : 'fix the cause and run the same command again: finished steps are kept',
      );
    }
  };

  const before = await supervisor.state();
  await step('check the server', async () => {
    const check = await import('./check.js');
    const result = await check.run(
      {
        profile: settings.profile,
        dataDir: paths.dataDir,
        port: String(settings.port),
        prefix: flags.prefix,
        recordedMinutesPerDay: String(settings.sizing.recordedMinutesPerDay ?? 1000),
        retentionDays: String(settings.sizing.retentionDays ?? 365),
        sessions: String(settings.sizing.sessions ?? 10),
        json: true,
      },
      deps as Parameters<typeof check.run>[1],
    );
    const data = result.data as { verdict: string; checks: { id: string; status: string; message: string }[] };
    const failed = data.checks.filter((c) => c.status === 'fail');
    // Our own running service holds our ports; that is not a conflict on a re-run.
    const blocking = failed.filter((c) => !(c.id === 'ports' && before.state === 'running'));
    for (const c of data.checks.filter((x) => x.status === 'warn')) warnings.push(`${c.id}: ${c.message}`);
    if (blocking.length) {
      throw new CliError(blocking.map((c) => `${c.id}: ${c.message}`).join('; '), 1, 'CHECK_FAILED', "see 'contactbox check' for details; --profile evaluation turns hardware shortfalls into warnings");
    }
    return { status: 'unchanged', detail: `verdict ${data.verdict} (${settings.profile} profile)` };
  });
  await step('system user', () => ensureUser(host, paths, settings));
  await step('directories', () => ensureDirectories(host, paths));
  const release = await step('application code', async () => {
    const r = await installRelease(host, paths, VERSION);
    return { status: r.changed ? 'changed' : 'unchanged', detail: `${r.dir} (current)` };
  });
  await step('command on the PATH', () => ensureCommandLink(host, paths, settings.nodeBinary, packageRoot() === PACKAGED_ROOT));
  let tlsFiles: ReturnType<typeof ensureTls>['files'] | null = null;
  const tls = await step('TLS certificate', () => {
    const r = ensureTls(host, paths, settings, clock);
    tlsFiles = r.files;
    return r.outcome;
  });
  let generatedPassword: string | null = null;
  let adminOutcome: StepOutcome | null = null;
  // One writer: the database is written only while the appliance is stopped (the service step
  // starts it again). A re-run with nothing to change finds that read-only and stops nothing.
  let stoppedForWrites = false;
  const beforeWrite = async () => {
    if (stoppedForWrites || before.state !== 'running') return;
    progress.info('stopping the running appliance: the database is written only while it is stopped');
    await supervisor.stop();
    stoppedForWrites = true;
  };
  await step('database', async () => {
    const r = await ensureDatabaseAndAdmin(paths, settings, clock, beforeWrite);
    generatedPassword = r.generatedPassword;
    adminOutcome = r.admin;
    return r.database;
  });
  await step('administrator', () => adminOutcome!);
  await step('telephony', async () => {
    const r = await ensureTelephony(deps, paths, answers, settings.telephony, settings.runAs, beforeWrite);
    settings.telephony = r.section;
    settings.softphone = r.softphone ? { ...settings.softphone, ...r.softphone } : settings.softphone ? withoutOperatorsFile(settings.softphone) : undefined;
    return r.outcome;
  });
  const config = await step('configuration', () => ensureConfig(host, paths, settings, tlsFiles!));
  await step('file ownership', () => ensureOwnership(host, paths, settings));
  const needsRestart = [release, tls, config].some((o) => o.status === 'changed') || before.state !== 'running' || stoppedForWrites;
  await step(`service (${supervisorKind})`, async () => {
    if (!needsRestart) return { status: 'unchanged', detail: `running, pid ${before.pid}` };
    await supervisor.start();
    const detail = before.state !== 'running' ? 'started' : stoppedForWrites ? 'started again after the database was written (stopped meanwhile)' : 'restarted with the new code/configuration';
    return { status: 'changed', detail };
  });
  const urls = operatorUrls(settings.hostnames, settings.port, settings.listen);
  const url = urls[0]!;
  const probeUrl = `https://127.0.0.1:${settings.port}`;
  await step('health', () => waitForHealth(host, probeUrl, tlsFiles!.ca, 45_000));

  const data = {
    status: 'installed',
    version: VERSION,
    url,
    urls,
    caCertificateUrl: tlsFiles!.ca ? `${url}/ca` : null,
    prefix: paths.prefix,
    supervisor: supervisorKind,
    admin: { username: settings.admin.username, ...(generatedPassword ? { password: generatedPassword } : {}) },
    steps,
    warnings,
  };
  const lines = [
    table(['Step', 'Result', 'Detail'], steps.map((s) => [s.step, s.status, s.detail])),
    '',
    `contactbox ${VERSION} is running: ${urls.join('  ')}`,
    generatedPassword
      ? `Administrator: ${settings.admin.username} / ${generatedPassword}   (shown once — write it down)`
      : `Administrator: ${settings.admin.username} (password as given)`,
    ...(tlsFiles!.ca ? [`Operators' PCs: open ${url}/ca once to install the local CA certificate (Chrome needs HTTPS for the microphone).`] : []),
    ...(warnings.length ? ['', 'Warnings:', ...warnings.map((w) => `  - ${w}`)] : []),
  ];
  return { exit: 0, data, human: lines.join('\n') };
}
