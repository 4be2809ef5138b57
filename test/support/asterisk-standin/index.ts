import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../../appliance/core/clock.js';

export { AmiStandin } from './ami-server.js';
export { AriStandin } from './ari-server.js';
export { loadAmiScenario, loadAriScenario, withRecordingUserEvents, type AmiScenario } from './scenario.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The recorded traces, beside the repository (`../shared/asterisk-traces`). */
export function tracesDir(): string {
  const dir = join(repoRoot, '..', 'shared', 'asterisk-traces');
  if (!existsSync(dir)) throw new Error(`the Asterisk traces are not at ${dir}`);
  return dir;
}

export function amiTraceFiles(): string[] {
  const dir = join(tracesDir(), 'ami');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.raw'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * A clock running `speed` times faster than real time from `start`: scenarios replayed sped
 * up still give the appliance the call durations the trace had.
 */
export class ScaledClock extends ManualClock {
  private readonly realStart = Date.now();
  private readonly base: number;
  constructor(readonly speed: number, start: string | Date = new Date()) {
    super(start);
    this.base = new Date(start).getTime();
  }
  override now(): Date {
    return new Date(this.base + (Date.now() - this.realStart) * this.speed);
  }
}
