import type { Clock } from '../../appliance/core/clock.js';
import { systemClock } from '../../appliance/core/clock.js';
import { createSystemFacts, type SystemFacts } from './system-facts.js';
import { realHost, type HostPort } from './host.js';
import { inquirerPrompts, type PromptPort } from './prompts.js';
import { licenseFactsPort } from './license-facts.js';
import type { MachineFactsPort } from '../../appliance/licensing/adapters/system-facts.js';
import { randomBytes } from 'node:crypto';
import { connectAmi, type AmiConnect } from './ami.js';
import { realAsteriskHost, type AsteriskHostPort } from './asterisk.js';

/**
 * The outside world as commands see it. Only modules in `ports/` import systeminformation,
 * @inquirer/prompts, child_process or fs for system facts; commands receive these ports so
 * tests pass recorded facts and scripted answers. Each port is created on first use.
 */
export interface Deps {
  clock: Clock;
  /** Whether stdin/stdout are a terminal (interactive prompts allowed). */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
  /** Hardware, OS, disk, sockets, network probes (`check`). */
  facts: SystemFacts;
  host: HostPort;
  prompts: PromptPort;
  /** The facts a licence fingerprint is made of (`license`); optional so other commands' tests need not pass it. */
  licenseFacts?: MachineFactsPort;
  /** The local Asterisk: installed version, apt, dpkg, `asterisk -rx` (provisioning, `trunk`). */
  asterisk?: AsteriskHostPort;
  /** Opens an AMI session (reload and verify after provisioning, `trunk test`). */
  ami?: AmiConnect;
  /** Random bytes (generated secrets). */
  random?: (bytes: number) => Buffer;
}

export function realDeps(): Deps {
  let facts: SystemFacts | undefined;
  return {
    get facts() {
      return (facts ??= createSystemFacts());
    },
    clock: systemClock,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    env: process.env,
    host: realHost(),
    prompts: inquirerPrompts(),
    licenseFacts: licenseFactsPort(process.env),
    asterisk: realAsteriskHost(realHost()),
    ami: connectAmi,
    random: randomBytes,
  };
}
