import type { SystemFacts } from '../ports/system-facts.js';
import { cpuRule } from './cpu.js';
import { diskRule, ramRule } from './hardware.js';
import { bandwidthRule, latencyRule, portsRule } from './network.js';
import { asteriskRule, nodeRule, osRule } from './platform.js';
import { network } from './requirements.js';
import type { CheckInput, CheckReport, CheckResult, CheckStatus, Gathered, Outcome, Profile, Reading, Rule } from './types.js';

/** Every rule, in the order the table shows them. */
export const RULES: readonly Rule[] = [ramRule, cpuRule, diskRule, osRule, nodeRule, latencyRule, bandwidthRule, portsRule, asteriskRule];

const read = <T>(p: Promise<T>): Promise<Reading<T>> =>
  p.then((value) => ({ ok: true as const, value }), (err: unknown) => ({ ok: false as const, error: err instanceof Error ? err.message : String(err) }));

/** Reads every fact at once; a fact that cannot be read becomes a reason, never an exception. */
export async function gather(facts: SystemFacts, input: CheckInput): Promise<Gathered> {
  const [memory, cpu, os, node, disk, sockets, asterisk, latency, bandwidth] = await Promise.all([
    read(facts.memory()), read(facts.cpu()), read(facts.os()), read(facts.node()), read(facts.disk(input.dataDir)),
    read(facts.sockets()), read(facts.asterisk()), read(facts.latency(input.probeHost, network.latencyTimeoutMs)),
    input.bandwidthServer ? read(facts.bandwidth(input.bandwidthServer, network.bandwidthTimeoutMs)) : Promise.resolve(null),
  ]);
  return { memory, cpu, os, node, disk, sockets, asterisk, latency, bandwidth };
}

/** Evaluation lets a laptop or a small VM try the product: hardware and network shortfalls only warn. */
export function applyProfile(rule: Rule, outcome: Outcome, profile: Profile): Outcome {
  if (profile !== 'evaluation' || !rule.hardware || outcome.status !== 'fail') return outcome;
  return { ...outcome, status: 'warn', message: `${outcome.message} (Evaluation profile: a warning here; the production profile fails on it.)` };
}

export function verdictOf(statuses: CheckStatus[]): CheckStatus {
  return statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'pass';
}

export interface EvaluatedCheck extends CheckResult {
  display: Outcome['display'];
}

export function evaluate(gathered: Gathered, input: CheckInput): { verdict: CheckStatus; checks: EvaluatedCheck[] } {
  const checks = RULES.map((rule) => {
    const o = applyProfile(rule, rule.evaluate(gathered, input), input.profile);
    return { id: rule.id, status: o.status, measured: o.measured, required: o.required, message: o.message, display: o.display };
  });
  return { verdict: verdictOf(checks.map((c) => c.status)), checks };
}

export async function runChecks(facts: SystemFacts, input: CheckInput): Promise<Omit<CheckReport, 'checks'> & { checks: EvaluatedCheck[] }> {
  const { verdict, checks } = evaluate(await gather(facts, input), input);
  return { verdict, profile: input.profile, checks };
}
