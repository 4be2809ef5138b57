import { join } from 'node:path';
import type { AmiConnect } from '../ports/ami.js';
import type { AsteriskHostPort, FilesPort } from '../ports/asterisk.js';
import { removeInclude } from './plan.js';
import { OUR_FILES } from './render.js';
import type { AmiCredentials } from './provision.js';

/**
 * Uninstall's half in Asterisk: our `*_contactbox.conf` files and the operators' file go, the
 * include lines we added to the administrator's main files go (their own lines stay byte for
 * byte), and Asterisk reloads, so our AMI and ARI users, endpoints, queues and dialplan stop
 * working at once — no access is left behind.
 */
export interface DeprovisionPorts {
  files: FilesPort;
  asteriskEtcDir: string;
  /** The folder of our own files when it is not `asteriskEtcDir` (`telephony.asteriskFilesDir`). */
  ownDir?: string | null;
  operatorsFile: string | null;
  /** `asterisk -rx` (local): reloads without depending on our own AMI user. */
  asterisk?: Pick<AsteriskHostPort, 'cli'>;
  /** Otherwise our AMI user reloads, manager last (its own removal ends the session). */
  ami?: AmiConnect;
  amiCredentials?: AmiCredentials | null;
}

export interface DeprovisionResult {
  removed: string[];
  edited: string[];
  reloaded: string[];
  /** Why Asterisk was not reloaded (not running, no way in), or null. */
  notReloaded: string | null;
}

/** CLI commands and AMI Reload modules, in order; manager last. */
const RELOADS: readonly [cli: string, module: string][] = [
  ['module reload res_pjsip.so', 'res_pjsip.so'],
  ['dialplan reload', 'pbx_config.so'],
  ['module reload app_queue.so', 'app_queue.so'],
  ['module reload res_ari.so', 'res_ari.so'],
  ['module reload res_rtp_asterisk.so', 'res_rtp_asterisk.so'],
  ['module reload http', 'http'],
  ['manager reload', 'manager'],
];

export async function deprovisionAsterisk(ports: DeprovisionPorts): Promise<DeprovisionResult> {
  const removed: string[] = [];
  const edited: string[] = [];
  for (const f of OUR_FILES) {
    const main = join(ports.asteriskEtcDir, f.main);
    const text = ports.files.read(main);
    if (text !== null) {
      const after = removeInclude(text, f.name);
      if (after !== text) {
        ports.files.writeAtomic(main, after, 0o640);
        edited.push(main);
      }
    }
    for (const dir of new Set([ports.asteriskEtcDir, ports.ownDir ?? ports.asteriskEtcDir])) {
      const ours = join(dir, f.name);
      if (ports.files.read(ours) !== null) {
        ports.files.remove(ours);
        removed.push(ours);
      }
    }
  }
  if (ports.operatorsFile && ports.files.read(ports.operatorsFile) !== null) {
    ports.files.remove(ports.operatorsFile);
    removed.push(ports.operatorsFile);
  }
  if (!removed.length && !edited.length) return { removed, edited, reloaded: [], notReloaded: null };

  const reloaded: string[] = [];
  if (ports.asterisk) {
    const first = await ports.asterisk.cli(RELOADS[0]![0]);
    if (first.ok) {
      reloaded.push(RELOADS[0]![1]);
      for (const [command, module] of RELOADS.slice(1)) if ((await ports.asterisk.cli(command)).ok) reloaded.push(module);
      return { removed, edited, reloaded, notReloaded: null };
    }
  }
  if (ports.ami && ports.amiCredentials) {
    try {
      const session = await ports.ami(ports.amiCredentials);
      for (const [, module] of RELOADS) {
        const r = await session.action({ Action: 'Reload', Module: module }).catch(() => null);
        if (r?.response.Response === 'Success') reloaded.push(module);
      }
      await session.close().catch(() => undefined);
      return { removed, edited, reloaded, notReloaded: null };
    } catch (err) {
      return { removed, edited, reloaded, notReloaded: `Asterisk could not be reloaded (${(err as Error).message}); it drops contactbox's users and endpoints when it next starts or reloads` };
    }
  }
  return { removed, edited, reloaded, notReloaded: 'Asterisk is not reachable; it drops contactbox\'s users and endpoints when it next starts or reloads' };
}
