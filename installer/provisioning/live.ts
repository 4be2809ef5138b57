import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Db } from '../../appliance/core/db.js';
import type { Clock } from '../../appliance/core/clock.js';
import type { AsteriskApplier } from '../../appliance/trunks/routes.js';
import type { LiveApplyFactory } from '../../appliance/trunks/plugin.js';
import { connectAmi, type AmiConnect } from '../ports/ami.js';
import type { FilesPort } from '../ports/asterisk.js';
import { loadProvisioningModel, telephonySection } from './from-install.js';
import { provisionAsterisk, ProvisioningError } from './provision.js';

/**
 * The live apply of the console's telephony changes: the running appliance renders Asterisk's
 * configuration from its own database (the same model `contactbox trunk apply` renders), writes
 * its `*_contactbox.conf` files, reloads through AMI, verifies the endpoints, and when Asterisk
 * refuses, the previous files are put back (provisioning's own rollback) and the change is
 * reported `refused`. Needs `telephony.asteriskEtcDir`, and the service may write the folder of
 * our files (`telephony.asteriskFilesDir`, which a local install makes `<etc>/contactbox`, owned
 * by the service, group asterisk) and read the main files; without it changes are `pending`
 * until `contactbox trunk apply`.
 */
export interface LiveApplyOptions {
  db: Db;
  config: Readonly<Record<string, unknown>>;
  clock: Clock;
  etcDir: string;
  /** The folder of our own files, which this process may write (`telephony.asteriskFilesDir`); default `etcDir`. */
  ownDir?: string;
  ami?: AmiConnect;
  log?: (line: string) => void;
}

/** Plain file writes as the service's own user (no chown: Asterisk reads the files through their group). */
function serviceFiles(): FilesPort {
  return {
    read: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : null),
    writeAtomic: (path, content, mode = 0o640) => {
      mkdirSync(dirname(path), { recursive: true });
      const temp = `${path}.tmp-${process.pid}`;
      writeFileSync(temp, content, { mode });
      const fd = openSync(temp, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, path);
    },
    remove: (path) => rmSync(path, { force: true }),
    mkdirp: (dir) => mkdirSync(dir, { recursive: true }),
    grantAsterisk: async () => undefined,
  };
}

/** The factory the trunks capability takes (`overrides.trunks.liveApply`). */
export const liveApplyIn =
  (etcDir: string, options: { ami?: AmiConnect; ownDir?: string } = {}): LiveApplyFactory =>
  (deps) =>
    liveAsteriskApplier({ ...deps, etcDir, ...options });

export function liveAsteriskApplier(options: LiveApplyOptions): AsteriskApplier {
  let chain: Promise<unknown> = Promise.resolve();
  const once = async () => {
    const telephony = telephonySection(options.config);
    if (telephony.mode !== 'local') return { status: 'pending', detail: 'telephony is not local: run "contactbox trunk apply" to make the bundle for the remote Asterisk' };
    const softphone = options.config.softphone as { asteriskOperatorsFile?: string } | undefined;
    const model = { ...loadProvisioningModel(options.db, options.config), operatorsFile: softphone?.asteriskOperatorsFile ?? null };
    try {
      const r = await provisionAsterisk(
        model,
        { files: serviceFiles(), asteriskEtcDir: options.etcDir, ...(options.ownDir ? { ownDir: options.ownDir } : {}), ami: options.ami ?? connectAmi, clock: options.clock, random: randomBytes },
        { reload: 'required' },
      );
      const changed = r.files.filter((f) => f.action !== 'unchanged').length;
      return { status: 'applied', detail: `${r.verification.detail}; ${changed ? `${changed} files rewritten, reloaded ${r.reloaded.join(', ')}` : 'nothing to change'}` };
    } catch (err) {
      options.log?.(`asterisk live apply refused: ${(err as Error).message}`);
      if (err instanceof ProvisioningError) return { status: 'refused', detail: err.message };
      return { status: 'refused', detail: (err as Error).message };
    }
  };
  return {
    live: true,
    // One apply at a time: two admins' changes never interleave their file writes and reloads.
    apply() {
      const run = chain.then(once, once);
      chain = run;
      return run;
    },
  };
}
