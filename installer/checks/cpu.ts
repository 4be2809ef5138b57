import type { CpuFacts } from '../ports/system-facts.js';
import { ghz } from './format.js';
import { cpu as req } from './requirements.js';
import type { Outcome, Rule } from './types.js';
import { unreadable } from './format.js';

type CpuClass = (typeof req.classes)[number]['cls'] | 'unknown';

/** The clock `check` compares, with where it came from; only base (or hypervisor-reported) clocks count. */
export function baseClock(facts: CpuFacts, virtual: boolean): { ghz: number | null; source: string } {
  const fromModel = /@\s*([\d.]+)\s*GHz/i.exec(facts.modelName);
  if (fromModel) return { ghz: Number(fromModel[1]), source: 'model name' };
  if (facts.sysfsBaseMHz) return { ghz: facts.sysfsBaseMHz / 1000, source: 'cpufreq base_frequency' };
  if (facts.siSpeedGHz) return { ghz: facts.siSpeedGHz, source: 'systeminformation model table' };
  // A VM's `cpu MHz` is the clock the hypervisor announces; on bare metal it is the current, often idle, clock.
  if (virtual && facts.cpuinfoMHz) return { ghz: facts.cpuinfoMHz / 1000, source: 'cpu MHz reported by the hypervisor' };
  return { ghz: null, source: 'unknown' };
}

export function classify(facts: CpuFacts): { cls: CpuClass; label: string; virtual: boolean } {
  const named = req.classes.find((c) => c.pattern.test(facts.modelName));
  const virtual = facts.hypervisor || named?.cls === 'virtual';
  if (virtual) return { cls: 'virtual', label: `virtual CPU${named && named.cls !== 'virtual' ? ` (${facts.modelName.trim()})` : ''}`, virtual };
  return named ? { cls: named.cls, label: named.label, virtual } : { cls: 'unknown', label: 'unrecognised model', virtual };
}

const rules: Record<CpuClass, string> = {
  core: `Intel Core i5/i7/i9 or Core Ultra 5/7/9 at ≥ ${req.minGHz} GHz base`,
  entry: 'i3/Celeron/Pentium/Atom class (and AMD Ryzen 3/Athlon) is below the i5/i7 requirement',
  server: `Xeon/Ryzen 5-9/EPYC/Threadripper: ≥ ${req.minThreads} threads and ≥ ${req.minGHz} GHz base`,
  virtual: `virtual CPU: ≥ ${req.minThreads} vCPUs and ≥ ${req.minGHz} GHz reported clock`,
  unknown: `unrecognised model: judged by ≥ ${req.minThreads} threads and ≥ ${req.minGHz} GHz, at best a warning`,
};

export function evaluateCpu(facts: CpuFacts): Outcome {
  const { cls, label, virtual } = classify(facts);
  const clock = baseClock(facts, virtual);
  const threads = facts.logicalCores;
  const clockText = clock.ghz == null ? 'clock unknown' : `${ghz(clock.ghz)} (${clock.source})`;
  const measured = {
    model: facts.modelName.trim(), vendor: facts.vendor, cores: threads, physicalCores: facts.physicalCores,
    ghz: clock.ghz == null ? null : Math.round(clock.ghz * 100) / 100, ghzSource: clock.source, virtual, class: cls,
  };
  const needsThreads = cls !== 'core' && cls !== 'entry';
  const required = { rule: rules[cls], minGHz: req.minGHz, minThreads: needsThreads ? req.minThreads : null };
  const display = {
    measured: `${facts.modelName.trim()}, ${threads} threads, ${clock.ghz == null ? '? GHz' : ghz(clock.ghz)}${virtual ? ' (VM)' : ''}`,
    required: needsThreads ? `≥ ${req.minThreads} threads, ≥ ${req.minGHz} GHz` : `i5/i7 class, ≥ ${req.minGHz} GHz`,
  };
  const said = `${label}: ${threads} threads, ${clockText}. Rule: ${rules[cls]}.`;
  const out = (status: Outcome['status'], verdict: string): Outcome => ({ status, measured, required, display, message: `${said} ${verdict}` });

  if (cls === 'entry') return out('fail', 'Use an Intel Core i5/i7 (≥ 2.4 GHz) class server or a VM with ≥ 4 vCPUs.');
  const slow = clock.ghz != null && clock.ghz < req.minGHz;
  const few = needsThreads && threads < req.minThreads;
  if (slow || few) {
    const why = [few && `only ${threads} of the ${req.minThreads} threads needed`, slow && `base clock ${ghz(clock.ghz!)} is below ${req.minGHz} GHz`].filter(Boolean).join(' and ');
    return out('fail', `Not enough: ${why}.`);
  }
  if (clock.ghz == null) return out('warn', 'The base clock could not be read, so the speed requirement is unconfirmed.');
  if (cls === 'unknown') return out('warn', 'Meets the thread and clock figures, but this model is not one the requirement names; check it against an i5 at 2.4 GHz.');
  return out('pass', 'Meets the requirement.');
}

export const cpuRule: Rule = {
  id: 'cpu',
  hardware: true,
  evaluate: (facts) => (facts.cpu.ok ? evaluateCpu(facts.cpu.value) : unreadable('cpu', facts.cpu.error)),
};
