import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { Language } from '../../appliance/config.js';
import type { HostPort } from '../ports/host.js';
import type { PromptPort } from '../ports/prompts.js';
import type { InstallPaths } from '../paths.js';
import { usageError } from '../result.js';
import type { Answers } from './answers.js';

/** Flags of `contactbox install` as commander hands them over (strings until checked). */
export interface InstallFlags {
  prefix?: string;
  answers?: string;
  yes?: boolean;
  profile?: string;
  port?: string;
  supervisor?: string;
  tlsCert?: string;
  tlsKey?: string;
  httpRedirect?: boolean;
  hostname?: string[];
  asteriskDebs?: string;
  nodeRuntime?: string;
  json?: boolean;
}

export interface InstallSettings {
  profile: 'production' | 'evaluation';
  listen: string;
  port: number;
  httpRedirectPort: number | null;
  supervisor: 'auto' | 'systemd' | 'pm2';
  language: Language;
  organisation: string;
  hostnames: string[];
  adminTls: { cert: string; key: string } | null;
  admin: { username: string; password: string | null; displayName: string; language: Language | null };
  telephony: Record<string, unknown>;
  /** The appliance's softphone section (the operators' endpoints file it keeps current for Asterisk). */
  softphone: Record<string, unknown> | undefined;
  retention: Record<string, number | 'forever'> | undefined;
  sizing: { recordedMinutesPerDay?: number; retentionDays?: number; sessions?: number };
  /** The system install runs the service as this user; a --prefix install as whoever installs it. */
  runAs: string | null;
  /** The Node.js binary the service runs on (Debian 8/9: one built for their glibc). */
  nodeBinary: string;
}

type ExistingConfig = {
  nodeBinary?: string;
  server?: { host?: string; port?: number; httpRedirectPort?: number | null; publicNames?: string[] };
  language?: Language;
  profile?: 'production' | 'evaluation';
  telephony?: Record<string, unknown>;
  softphone?: Record<string, unknown>;
  retention?: Record<string, number | 'forever'>;
  organisation?: string;
};

export function readExistingConfig(host: HostPort, paths: InstallPaths): ExistingConfig | null {
  const text = host.readFile(paths.configFile);
  if (text === null) return null;
  try {
    const parsed = parseYaml(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as ExistingConfig) : null;
  } catch {
    // A broken config is repaired from flags, answers and defaults.
    return null;
  }
}

function parsePort(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    throw usageError(`${flag} must be a port number from 1 to 65535, got "${value}"`);
  }
  return Number(value);
}

/**
 * What to install: flags win over the answers file, the answers file over the installed
 * configuration, and that over defaults, so a re-run without flags keeps what is there.
 */
export async function resolveSettings(
  flags: InstallFlags,
  answers: Answers,
  existing: ExistingConfig | null,
  host: HostPort,
  ask: PromptPort | null,
  /** A release build's own Node.js, as the service will find it (under the `current` link). */
  bundledRuntime: string | null = null,
): Promise<InstallSettings> {
  const system = !flags.prefix;
  if (flags.profile && !['production', 'evaluation'].includes(flags.profile)) {
    throw usageError(`--profile must be production or evaluation, got "${flags.profile}"`);
  }
  if (flags.supervisor && !['auto', 'systemd', 'pm2'].includes(flags.supervisor)) {
    throw usageError(`--supervisor must be auto, systemd or pm2, got "${flags.supervisor}"`);
  }
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) throw usageError('--tls-cert and --tls-key go together: give both or neither');

  let profile = (flags.profile ?? answers.profile ?? existing?.profile ?? 'production') as InstallSettings['profile'];
  let port = flags.port !== undefined ? parsePort(flags.port, '--port') : (answers.port ?? existing?.server?.port ?? 443);
  const redirectDefault = system ? 80 : null;
  const httpRedirectPort =
    flags.httpRedirect === false ? null : answers.httpRedirectPort !== undefined ? answers.httpRedirectPort : existing?.server?.httpRedirectPort !== undefined ? existing.server.httpRedirectPort : redirectDefault;
  if (httpRedirectPort !== null && httpRedirectPort === port) throw usageError(`the HTTPS port and the HTTP redirect port are both ${port}`);
  let language = (answers.language ?? existing?.language ?? 'en') as Language;
  const hostnames = [...new Set([...(flags.hostname ?? answers.hostnames ?? existing?.server?.publicNames ?? []), ...host.hostnames()])];
  let adminUsername = answers.admin?.username ?? 'admin';
  let adminPassword = answers.admin?.password ?? null;

  if (ask) {
    profile = await ask.select('Installation profile', [
      { value: 'production', name: 'production — the server must meet the hardware requirements' },
      { value: 'evaluation', name: 'evaluation — try it on a small machine; shortfalls are warnings' },
    ], profile);
    port = Number(await ask.input('HTTPS port for operators’ browsers', String(port), (v) => (/^\d+$/.test(v) && +v > 0 && +v < 65536 ? true : 'a port number from 1 to 65535')));
    language = await ask.select('Default language', [
      { value: 'uk', name: 'Українська' }, { value: 'ru', name: 'Русский' }, { value: 'en', name: 'English' },
      { value: 'fr', name: 'Français' }, { value: 'de', name: 'Deutsch' }, { value: 'es', name: 'Español' }, { value: 'pt', name: 'Português' },
    ] as const, language);
    adminUsername = await ask.input('First administrator’s username', adminUsername, (v) => (/^[A-Za-z0-9._@-]{2,64}$/.test(v) ? true : '2–64 letters, digits or . _ @ -'));
    const typed = await ask.password('Administrator password (leave empty to generate one)', (v) => (v === '' || v.length >= 12 ? true : 'at least 12 characters, or empty'));
    adminPassword = typed === '' ? null : typed;
  }

  return {
    profile,
    listen: answers.listen ?? existing?.server?.host ?? (system ? '0.0.0.0' : '127.0.0.1'),
    port,
    httpRedirectPort,
    supervisor: (flags.supervisor ?? answers.supervisor ?? 'auto') as InstallSettings['supervisor'],
    language,
    organisation: answers.organisation ?? existing?.organisation ?? 'contactbox',
    hostnames,
    adminTls: flags.tlsCert && flags.tlsKey ? { cert: flags.tlsCert, key: flags.tlsKey } : (answers.tls ?? null),
    admin: {
      username: adminUsername,
      password: adminPassword,
      displayName: answers.admin?.displayName ?? 'Administrator',
      language: answers.admin?.language ?? null,
    },
    // The installed section (with its generated credentials); the telephony step updates it.
    telephony: existing?.telephony ?? { mode: 'none' },
    softphone: existing?.softphone,
    retention: answers.retention ?? existing?.retention,
    sizing: answers.sizing ?? {},
    runAs: system && host.isRoot() ? 'contactbox' : null,
    nodeBinary: flags.nodeRuntime
      ? `${flags.nodeRuntime.replace(/\/+$/, '')}/bin/node`
      : bundledRuntime
        ? bundledRuntime
        : (existing?.nodeBinary ?? process.execPath),
  };
}

/** The configuration file the appliance reads (see appliance/config.ts for its schema). */
export function renderConfig(settings: InstallSettings, paths: InstallPaths, tls: { cert: string; key: string; ca: string | null }): string {
  const config = {
    server: {
      host: settings.listen,
      port: settings.port,
      httpRedirectPort: settings.httpRedirectPort,
      tls,
      runAs: settings.runAs,
      publicNames: settings.hostnames,
    },
    paths: { data: paths.dataDir, config: paths.etcDir, logs: paths.logDir },
    language: settings.language,
    profile: settings.profile,
    nodeBinary: settings.nodeBinary,
    organisation: settings.organisation,
    session: { idleMinutes: 30, absoluteHours: 12 },
    telephony: settings.telephony,
    ...(settings.softphone ? { softphone: settings.softphone } : {}),
    // The storage forecast sizes recordings from the expected minutes per day until there is history.
    ...(settings.retention || settings.sizing.recordedMinutesPerDay !== undefined
      ? { retention: { ...(settings.retention ?? {}), ...(settings.sizing.recordedMinutesPerDay !== undefined ? { recordedMinutesPerDay: settings.sizing.recordedMinutesPerDay } : {}) } }
      : {}),
  };
  return `# contactbox configuration, written by 'contactbox install'.\n# Re-run 'contactbox install' to change it; edits here are kept unless a flag or answer overrides them.\n${stringifyYaml(config)}`;
}
