/**
 * Erlang C: the probability a call waits, and the service level N agents give, for a traffic of
 * `callsPerHour` calls each taking `ahtSec`. Computed with the Erlang B recursion (stable for
 * hundreds of agents, no factorials).
 */
export function erlangC(agents: number, trafficErlangs: number): number {
  if (agents <= trafficErlangs) return 1;
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (trafficErlangs * b) / (k + trafficErlangs * b);
  return (agents * b) / (agents - trafficErlangs * (1 - b));
}

/** Share of calls answered within `targetSec` with `agents` agents (0..1). */
export function serviceLevelFor(agents: number, callsPerHour: number, ahtSec: number, targetSec: number): number {
  const a = (callsPerHour * ahtSec) / 3600;
  if (a === 0) return 1;
  if (agents <= a) return 0;
  return Math.max(0, 1 - erlangC(agents, a) * Math.exp(-((agents - a) * targetSec) / ahtSec));
}

export interface Staffing {
  agents: number;
  serviceLevel: number;
  trafficErlangs: number;
  /** Probability a caller has to wait at all, with that many agents. */
  waitProbability: number;
  asaSec: number;
}

/** The fewest agents that reach `targetServiceLevel` (0..1) within `targetSec`; null when there is no traffic. */
export function staffingFor(callsPerHour: number, ahtSec: number, targetServiceLevel: number, targetSec: number, maxAgents = 2000): Staffing | null {
  if (callsPerHour <= 0 || ahtSec <= 0) return null;
  const a = (callsPerHour * ahtSec) / 3600;
  for (let n = Math.max(1, Math.floor(a)); n <= maxAgents; n++) {
    const sl = serviceLevelFor(n, callsPerHour, ahtSec, targetSec);
    if (sl >= targetServiceLevel) {
      const pw = erlangC(n, a);
      return { agents: n, serviceLevel: sl, trafficErlangs: a, waitProbability: pw, asaSec: (pw * ahtSec) / (n - a) };
    }
  }
  return null;
}
