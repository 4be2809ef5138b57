import type { AsteriskHostPort } from '../ports/asterisk.js';

/**
 * Where Asterisk comes from (DESIGN §8): already installed, apt when the configured sources
 * have it (Debian 8/9 or a vendor repository; Debian 10–13's own archives do not), a folder of
 * .deb files the admin brings, or a remote Asterisk (hybrid) that this server only talks to.
 */
export type AsteriskSourceChoice =
  | { source: 'auto' }
  | { source: 'existing' }
  | { source: 'apt' }
  | { source: 'debs'; dir: string }
  | { source: 'remote' };

export interface AsteriskFound {
  source: 'existing' | 'apt' | 'debs' | 'remote';
  version: string | null;
  /** Whether this run installed packages. */
  installed: boolean;
}

export class AsteriskSourceError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    /** 2: the admin's input is wrong (no such folder); 1: the system cannot provide Asterisk. */
    readonly exit: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'AsteriskSourceError';
  }
}

/** The `Candidate:` of `apt-cache policy asterisk`, or null for none / no such package. */
export function aptCandidate(policy: string): string | null {
  const m = /^\s*Candidate:\s*(\S+)/m.exec(policy);
  if (!m || m[1] === '(none)') return null;
  return m[1]!;
}

export function parseAsteriskVersion(output: string | null): string | null {
  const m = output ? /Asterisk\s+(\S+)/.exec(output) : null;
  return m ? m[1]! : null;
}

const NO_SOURCE_HINT =
  "Debian 10–13's own archives have no Asterisk. Give a folder of Asterisk .deb files with --asterisk-debs DIR, " +
  'add a repository that has it, install Asterisk yourself, or use a remote Asterisk (telephony mode: remote).';

export async function ensureAsterisk(choice: AsteriskSourceChoice, port: AsteriskHostPort): Promise<AsteriskFound> {
  if (choice.source === 'remote') return { source: 'remote', version: null, installed: false };

  const existing = parseAsteriskVersion(await port.installedVersion());
  if (existing && choice.source !== 'debs') return { source: 'existing', version: existing, installed: false };
  if (choice.source === 'existing') {
    throw new AsteriskSourceError('Asterisk is not installed on this server (`asterisk -V` found nothing)', NO_SOURCE_HINT);
  }

  if (choice.source === 'debs') {
    const debs = await port.listDebs(choice.dir);
    if (debs === null) throw new AsteriskSourceError(`${choice.dir} is not a readable folder`, 'Give --asterisk-debs the folder that holds the Asterisk .deb files.', 2);
    if (!debs.some((d) => /(^|\/)asterisk_[^/]*\.deb$/.test(d))) {
      throw new AsteriskSourceError(`${choice.dir} has no asterisk_*.deb package`, 'The folder must hold the asterisk package and the packages it depends on.', 2);
    }
    const r = await port.dpkgInstall(debs);
    const version = parseAsteriskVersion(await port.installedVersion());
    if (!r.ok || !version) throw new AsteriskSourceError(`dpkg -i of ${debs.length} packages from ${choice.dir} failed: ${lastLines(r.output)}`, 'Add the missing dependency packages to the folder, or install them with apt, then run again.');
    return { source: 'debs', version, installed: true };
  }

  const candidate = aptCandidate(await port.aptPolicy());
  if (!candidate) throw new AsteriskSourceError('apt has no installation candidate for the package asterisk', NO_SOURCE_HINT);
  const r = await port.aptInstall();
  const version = parseAsteriskVersion(await port.installedVersion());
  if (!r.ok || !version) throw new AsteriskSourceError(`apt-get install asterisk (${candidate}) failed: ${lastLines(r.output)}`, 'Run `apt-get install asterisk` to see the problem, fix it, then run again.');
  return { source: 'apt', version, installed: true };
}

function lastLines(text: string): string {
  return text.split('\n').filter(Boolean).slice(-3).join(' / ') || 'no output';
}
