import { runChecks, type EvaluatedCheck } from '../checks/index.js';
import { network } from '../checks/requirements.js';
import type { CheckInput, CheckReport, Profile } from '../checks/types.js';
import { table } from '../output/render.js';
import { installPaths } from '../paths.js';
import type { Deps } from '../ports/index.js';
import { usageError, type Result } from '../result.js';

const SYSTEM_DATA_DIR = '/var/lib/contactbox';
const IPERF3_PORT = 5201;

function count(options: Record<string, unknown>, key: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = String(options[key] ?? '').trim();
  if (!/^\d+$/.test(raw)) throw usageError(`${flag} must be a whole number ≥ ${min}, got '${raw}'.`, `e.g. ${flag} ${Math.max(min, 1)}`);
  const n = Number(raw);
  if (n < min || n > max) throw usageError(`${flag} must be between ${min} and ${max}, got ${n}.`);
  return n;
}

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.?|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*)$/;

function host(value: unknown, flag: string): string {
  const raw = String(value ?? '').trim();
  if (!raw || !HOST.test(raw)) throw usageError(`${flag} must be a host name or IP address, got '${raw}'.`, `e.g. ${flag} ${network.defaultProbeHost}`);
  return raw;
}

/** HOST, HOST:PORT, [IPv6]:PORT or a bare IPv6 address; the port defaults to iperf3's 5201. */
export function parseServer(value: unknown): { host: string; port: number } {
  const raw = String(value ?? '').trim();
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(raw);
  const [h, p] = bracketed ? [bracketed[1], bracketed[2]] : (raw.match(/:/g) ?? []).length === 1 ? raw.split(':') : [raw, undefined];
  const port = p === undefined ? IPERF3_PORT : count({ p }, 'p', '--bandwidth-server port', 1, 65535);
  return { host: host(h, '--bandwidth-server'), port };
}

export function parseCheckOptions(options: Record<string, unknown>): CheckInput {
  const prefix = typeof options.prefix === 'string' ? options.prefix : null;
  // With --prefix the data directory moves under the prefix like every other path (DESIGN §4).
  const given = typeof options.dataDir === 'string' && options.dataDir.trim() ? options.dataDir : SYSTEM_DATA_DIR;
  const dataDir = prefix && given === SYSTEM_DATA_DIR ? installPaths(prefix).dataDir : given;
  return {
    profile: (options.profile === 'evaluation' ? 'evaluation' : 'production') as Profile,
    dataDir,
    recordedMinutesPerDay: count(options, 'recordedMinutesPerDay', '--recorded-minutes-per-day', 0, 1440 * 10_000),
    retentionDays: count(options, 'retentionDays', '--retention-days', 0, 36_500),
    sessions: count(options, 'sessions', '--sessions', 1, 100_000),
    probeHost: options.probeHost === undefined ? network.defaultProbeHost : host(options.probeHost, '--probe-host'),
    bandwidthServer: options.bandwidthServer === undefined ? null : parseServer(options.bandwidthServer),
    httpsPort: count(options, 'port', '--port', 1, 65535),
  };
}

const STATUS = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

export function renderHuman(report: Omit<CheckReport, 'checks'> & { checks: EvaluatedCheck[] }): string {
  const rows = report.checks.map((c) => [c.id, STATUS[c.status], c.display.measured, c.display.required, c.message]);
  const n = (s: string) => report.checks.filter((c) => c.status === s).length;
  const verdict = {
    pass: 'This server meets every requirement.',
    warn: 'This server can run contactbox; read the warnings above.',
    fail: `This server does not meet the ${report.profile} requirements: fix the FAIL lines above${report.profile === 'production' ? ' (or try --profile evaluation for a trial)' : ''}.`,
  }[report.verdict];
  return `${table(['Check', 'Status', 'Measured', 'Required', 'Advice'], rows)}\n\nVerdict: ${STATUS[report.verdict]} (${report.profile} profile; ${n('pass')} pass, ${n('warn')} warn, ${n('fail')} fail). ${verdict}`;
}

export async function run(options: Record<string, unknown>, deps: Deps): Promise<Result<CheckReport>> {
  const input = parseCheckOptions(options);
  const report = await runChecks(deps.facts, input);
  const data: CheckReport = {
    verdict: report.verdict,
    profile: report.profile,
    checks: report.checks.map(({ id, status, measured, required, message }) => ({ id, status, measured, required, message })),
  };
  return { exit: report.verdict === 'fail' ? 1 : 0, data, human: renderHuman(report) };
}
